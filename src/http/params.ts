import type { Country } from '../core/countries/types.js';
import type { ApiContext } from './context.js';
import { HttpProblem, notFound } from './problem.js';

/** A 400 naming one field of the query string (or of the body, with `where`). */
export function badField(field: string, message: string, where = 'querystring'): HttpProblem {
  return new HttpProblem(400, `${where} field "${field}" ${message}`, [
    { in: where, field, message },
  ]);
}

/**
 * An ISO date from `YYYY-MM-DD` or a year: its last day (`edge` `end`, for as-of and `to`
 * dates) or its first (`start`, for `from`). A day that does not exist is a 400 naming `field`.
 */
export function dateParam(text: string, field: string, edge: 'start' | 'end' = 'end'): string {
  if (/^\d{4}$/.test(text)) return edge === 'end' ? `${text}-12-31` : `${text}-01-01`;
  const d = new Date(`${text}T00:00:00Z`);
  if (Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== text)
    throw badField(field, `"${text}" is not a date`);
  return text;
}

/** Today's date (UTC), `YYYY-MM-DD`. */
export function today(): string {
  return new Date().toISOString().slice(0, 10);
}

/**
 * The country a query parameter (or body field, with `where` `body`) names: id, name or
 * code, the best match for `year`; else a 400 naming the field.
 */
export function countryParam(
  ctx: ApiContext,
  text: string,
  field: string,
  year?: number,
  where = 'querystring',
): Country {
  const found = ctx.registry.byId(text) ?? ctx.registry.resolve(text, { year })[0];
  if (!found) throw badField(field, `names no country ("${text}")`, where);
  return found;
}

/** The country a path names (registry id first, else a name or code), or a 404. */
export function countryPath(ctx: ApiContext, text: string): Country {
  const found = ctx.registry.byId(text) ?? ctx.registry.resolve(text)[0];
  if (!found) throw notFound(`no country "${text}"`);
  return found;
}

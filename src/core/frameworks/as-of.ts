import { InputError } from '../errors.js';

/**
 * Reads an as-of date as users write it: `YYYY-MM-DD`, or a bare year `YYYY` meaning the end
 * of that year (`YYYY-12-31`, "what was known by the end of 1997"). Returns `YYYY-MM-DD`.
 * Throws InputError on anything else, or a date that does not exist.
 */
export function parseAsOf(text: string): string {
  const t = text.trim();
  if (/^\d{4}$/.test(t)) return `${t}-12-31`;
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(t);
  if (m) {
    const d = new Date(`${t}T00:00:00Z`);
    if (!Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === t) return t;
  }
  throw new InputError(`invalid as-of date "${text}"`, { expected: 'YYYY-MM-DD or YYYY' });
}

/** Calendar year of an ISO date `YYYY-MM-DD`. */
export function yearOf(date: string): number {
  return Number(date.slice(0, 4));
}

/**
 * The last calendar year whose end, plus `lagMonths`, is on or before `asOf`: the last year
 * a yearly record published `lagMonths` after the year could cover. As of `1997-12-31` with
 * no lag that is 1997; as of `1997-06-30` it is 1996.
 */
export function lastKnownYear(asOf: string, lagMonths = 0): number {
  const [y, m, d] = asOf.split('-').map(Number) as [number, number, number];
  // Months completed on the as-of date; its own month counts only on its last day.
  const lastDay = new Date(Date.UTC(y, m, 0)).getUTCDate();
  const completed = y * 12 + (d === lastDay ? m : m - 1);
  return Math.floor((completed - lagMonths) / 12) - 1;
}

/** The same date `years` calendar years earlier (29 February becomes 28 February). */
export function yearsBefore(date: string, years: number): string {
  const y = yearOf(date) - years;
  const rest = date.slice(4);
  if (rest === '-02-29') return `${String(y).padStart(4, '0')}-02-28`;
  return `${String(y).padStart(4, '0')}${rest}`;
}

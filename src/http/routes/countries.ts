import type { FastifyInstance } from 'fastify';
import type { Country } from '../../core/countries/types.js';
import { showCountryData } from '../../services/data.js';
import type { ApiContext } from '../context.js';
import { paginate } from '../pagination.js';
import { countryPath, dateParam, today } from '../params.js';
import { dateOrYear, errors, list, open, page, pageQuery, query, text, year } from '../schemas.js';

const countryItem = open(
  {
    id: { type: 'string' },
    name: { type: 'string' },
    from: { type: ['integer', 'null'] },
    to: { type: ['integer', 'null'] },
    cow: { type: ['integer', 'null'] },
    iso3: { type: ['string', 'null'] },
  },
  'a state of the registry, with its current (or last) COW and ISO 3166 alpha-3 codes',
);

const idPath = {
  type: 'object',
  properties: { id: text(100, 'registry id (or a name or code)') },
  required: ['id'],
  additionalProperties: false,
};

function summary(ctx: ApiContext, c: Country, atYear?: number) {
  const codes = ctx.registry.codesOf(c, atYear);
  return {
    id: c.id,
    name: c.name,
    from: c.from ?? null,
    to: c.to ?? null,
    cow: codes.cow === undefined ? null : Number(codes.cow),
    iso3: codes.iso3 ?? null,
    predecessors: c.predecessors,
    successors: c.successors,
  };
}

/** The country registry, the values known for a country, and what the store covers. */
export function countryRoutes(app: FastifyInstance, ctx: ApiContext): void {
  app.get<{ Querystring: { year?: number; limit?: number; cursor?: string } }>(
    '/countries',
    {
      schema: {
        tags: ['countries'],
        summary: 'The country registry (optionally only the states that existed in a year)',
        querystring: query({
          year: { ...year, description: 'only states that existed in this year' },
          ...pageQuery,
        }),
        response: { 200: page(countryItem, 'countries by registry id'), ...errors() },
      },
    },
    async (request) => {
      const y = request.query.year;
      const all = await ctx.results.get(`countries:${y ?? ''}`, async () =>
        ctx.registry
          .all()
          .filter((c) => y === undefined || ((c.from ?? -Infinity) <= y && y <= (c.to ?? Infinity)))
          .map((c) => summary(ctx, c, y))
          .sort((a, b) => a.id.localeCompare(b.id)),
      );
      return paginate(all, (c) => c.id, request.query);
    },
  );

  app.get<{ Params: { id: string } }>(
    '/countries/:id',
    {
      schema: {
        tags: ['countries'],
        summary:
          'One country: its codes in every system over time, names, predecessors and successors',
        params: idPath,
        response: {
          200: open(
            {
              ...(countryItem.properties as object),
              codes: { type: 'array', items: open() },
              aliases: { type: 'array', items: { type: 'string' } },
            },
            'a country with its codes over time',
          ),
          ...errors(404),
        },
      },
    },
    async (request) => {
      const c = countryPath(ctx, request.params.id);
      return { ...summary(ctx, c), codes: c.codes, aliases: c.aliases, note: c.note ?? null };
    },
  );

  app.get<{
    Params: { id: string };
    Querystring: { asOf?: string; year?: number; variable?: string };
  }>(
    '/countries/:id/data',
    {
      schema: {
        tags: ['countries'],
        summary:
          'The values known for a country on a date (latest year of each variable, or one year), with their sources (cached per data version)',
        params: idPath,
        querystring: query({
          asOf: { ...dateOrYear, description: 'as known on this date (default today)' },
          year: { ...year, description: 'one observation year' },
          variable: text(100, 'only variables whose name contains this text'),
        }),
        response: {
          200: open(
            {
              country: open(),
              asOf: { type: 'string' },
              values: {
                type: 'array',
                items: open({
                  variable: { type: 'string' },
                  year: { type: 'integer' },
                  value: { type: ['number', 'null'] },
                  source: { type: 'string' },
                  availableFrom: { type: 'string' },
                }),
              },
            },
            'what `lens data show --format json` prints',
          ),
          ...errors(404),
        },
      },
    },
    async (request) => {
      const c = countryPath(ctx, request.params.id);
      const q = request.query;
      const asOf = q.asOf === undefined ? undefined : dateParam(q.asOf, 'asOf');
      const key = `data:${c.id}:${asOf ?? today()}:${q.year ?? ''}:${await ctx.dataVersion()}`;
      const result = await ctx.results.get(key, () =>
        showCountryData(ctx.store, ctx.registry, c.id, { year: q.year, asOf }),
      );
      const filter = q.variable;
      return filter
        ? { ...result, values: result.values.filter((v) => v.variable.includes(filter)) }
        : result;
    },
  );

  app.get(
    '/coverage',
    {
      schema: {
        tags: ['countries'],
        summary:
          'Per source: releases, countries, years, variables, values and unmatched rows (as of the data version)',
        response: {
          200: list(
            open({
              source: { type: 'string' },
              releases: { type: 'integer' },
              latestVersion: { type: 'string' },
              countries: { type: 'integer' },
              firstYear: { type: ['integer', 'null'] },
              lastYear: { type: ['integer', 'null'] },
              observations: { type: 'integer' },
            }),
            'one row per source',
          ),
          ...errors(),
        },
      },
    },
    async () => {
      const rows = await ctx.coverage();
      return { items: rows, total: rows.length };
    },
  );
}

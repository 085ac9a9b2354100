import type { FastifyInstance } from 'fastify';
import { REGIONS } from '../../core/planning/regions.js';
import type { Region } from '../../core/planning/regions.js';
import { draftNeedsAssessment } from '../../services/needs.js';
import { gapReport, planCountries } from '../../services/planning.js';
import { visibilityKey } from '../auth.js';
import type { ApiContext } from '../context.js';
import { countryParam, countryPath, dateParam, today } from '../params.js';
import { countryQuery, dateOrYear, errors, open, query, text } from '../schemas.js';

const idPath = {
  type: 'object',
  properties: { id: text(100, 'registry id (or a name or code)') },
  required: ['id'],
  additionalProperties: false,
};

const asOfQuery = query({
  asOf: { ...dateOrYear, description: 'YYYY-MM-DD or a year (its last day); default today' },
});

/** Prevention advice: a country's plan and needs draft, and the capacity gaps. */
export function planningRoutes(app: FastifyInstance, ctx: ApiContext): void {
  app.get<{ Params: { id: string }; Querystring: { asOf?: string } }>(
    '/countries/:id/plan',
    {
      schema: {
        tags: ['prevention'],
        summary:
          "A country's situation and prevention plan on a date: measures by agenda, who could act, pitfalls to avoid (cached per data version and version of the shared material)",
        params: idPath,
        querystring: asOfQuery,
        response: {
          200: open(
            { facts: open(), situation: open(), plan: open() },
            'facts, situation and plan',
          ),
          ...errors(404),
        },
      },
    },
    async (request) => {
      const country = countryPath(ctx, request.params.id);
      const asOf =
        request.query.asOf === undefined ? today() : dateParam(request.query.asOf, 'asOf');
      const key = `plan:${country.id}:${asOf}:${visibilityKey(request.principal)}:${await ctx.sharedVersion()}`;
      const [plan] = await ctx.results.get(key, () =>
        planCountries(ctx.store, ctx.registry, request.principal, {
          asOf,
          countryIds: [country.id],
        }),
      );
      return plan;
    },
  );

  app.get<{ Params: { id: string }; Querystring: { asOf?: string } }>(
    '/countries/:id/needs',
    {
      schema: {
        tags: ['prevention'],
        summary:
          "A draft of a country's needs assessment from the data on a date (risks, resilience, needs; not stored)",
        params: idPath,
        querystring: asOfQuery,
        response: {
          200: open({
            countryId: { type: 'string' },
            name: { type: 'string' },
            asOf: { type: 'string' },
            parts: open(),
          }),
          ...errors(404),
        },
      },
    },
    async (request) => {
      const country = countryPath(ctx, request.params.id);
      const asOf =
        request.query.asOf === undefined ? today() : dateParam(request.query.asOf, 'asOf');
      const key = `needs:${country.id}:${asOf}:${visibilityKey(request.principal)}:${await ctx.sharedVersion()}`;
      return ctx.results.get(key, () =>
        draftNeedsAssessment(ctx.store, ctx.registry, request.principal, country.id, { asOf }),
      );
    },
  );

  app.get<{ Querystring: { country?: string; region?: Region; asOf?: string } }>(
    '/capacity/gaps',
    {
      schema: {
        tags: ['prevention'],
        summary:
          'Measures the plans of a country, a region or the world need that no committed actor of the capacity map covers',
        querystring: query({
          country: countryQuery,
          region: { type: 'string', enum: [...REGIONS] },
          asOf: { ...dateOrYear, description: 'default today' },
        }),
        response: {
          200: open({
            asOf: { type: ['string', 'null'] },
            scope: { type: 'string' },
            countries: { type: 'integer' },
            gaps: { type: 'array', items: open() },
          }),
          ...errors(),
        },
      },
    },
    async (request) => {
      const q = request.query;
      const asOf = q.asOf === undefined ? today() : dateParam(q.asOf, 'asOf');
      const countryIds =
        q.country === undefined ? undefined : [countryParam(ctx, q.country, 'country').id];
      const key = `gaps:${countryIds?.[0] ?? ''}:${q.region ?? ''}:${asOf}:${visibilityKey(request.principal)}:${await ctx.sharedVersion()}`;
      return ctx.results.get(key, () =>
        gapReport(ctx.store, ctx.registry, request.principal, {
          asOf,
          countryIds,
          region: q.region,
        }),
      );
    },
  );
}

import type { FastifyInstance } from 'fastify';
import type { Panel } from '../../core/forecast/dataset.js';
import { panelYears } from '../../core/forecast/dataset.js';
import type { ModelSpec } from '../../core/forecast/spec.js';
import {
  DEFAULT_SPEC,
  explainForecast,
  loadModelSpec,
  loadPanel,
  modelSummary,
  nameForecasts,
  walkForward,
  withIntervals,
} from '../../services/forecast.js';
import { INTERVAL_LEVEL } from '../../core/forecast/intervals.js';
import type { ApiContext, Charge } from '../context.js';
import { clientKey } from '../limits.js';
import { countryParam } from '../params.js';
import { countryQuery, errors, open, query, year } from '../schemas.js';

/** A model specification of content/models, by id (never a file path). */
const specRef = {
  type: 'string',
  pattern: '^[a-z0-9][a-z0-9-]{0,80}$',
  default: DEFAULT_SPEC,
  description: 'model specification id (content/models)',
} as const;

/** The spec and its panel (the latest vintage of its variables), per data version. */
async function specAndPanel(
  ctx: ApiContext,
  ref: string,
  charge: Charge,
): Promise<{ spec: ModelSpec; panel: Panel; version: string }> {
  const version = await ctx.dataVersion();
  return ctx.results.get(
    `panel:${ref}:${version}`,
    charge(async () => {
      const spec = await loadModelSpec(ref, ctx.store);
      return { spec, panel: await loadPanel(ctx.store, spec), version };
    }),
  );
}

/** The statistical forecast of a new mass killing: the list of an origin year and why a country moved. */
export function forecastRoutes(app: FastifyInstance, ctx: ApiContext): void {
  app.get<{ Querystring: { origin?: number; spec: string; all: boolean } }>(
    '/forecasts',
    {
      schema: {
        tags: ['forecast'],
        summary:
          'The forecast list of one origin year (default the latest with data): risk of a new mass killing within the horizon, top N marked. Fitting takes seconds; answers are cached per specification, origin and data version.',
        querystring: query({
          origin: { ...year, description: 'origin year (default the latest with data)' },
          spec: specRef,
          all: {
            type: 'boolean',
            default: false,
            description: 'every country, not only the top N',
          },
        }),
        response: {
          200: open(
            {
              spec: { type: 'string' },
              origin: { type: 'integer' },
              horizonYears: { type: 'integer' },
              topN: { type: 'integer' },
              intervalLevel: {
                type: 'number',
                description:
                  'coverage of each forecast interval (0.8: from the 10th to the 90th percentile of refits on resampled countries)',
              },
              model: open(),
              trainedTo: { type: 'integer' },
              forecasts: {
                type: 'array',
                items: open({
                  origin: { type: 'integer' },
                  countryId: { type: 'string' },
                  ccode: { type: ['integer', 'null'] },
                  name: { type: 'string' },
                  risk: { type: 'number' },
                  low: { type: ['number', 'null'], description: 'lower end of the interval' },
                  high: { type: ['number', 'null'], description: 'upper end of the interval' },
                  rank: { type: 'integer' },
                  top: { type: 'boolean' },
                }),
              },
            },
            'what `lens forecast run --format json` prints',
          ),
          ...errors(),
        },
      },
    },
    async (request) => {
      const q = request.query;
      const charge = ctx.charge(clientKey(request));
      const { spec, panel, version } = await specAndPanel(ctx, q.spec, charge);
      const origin = q.origin ?? panelYears(panel).last;
      const full = await ctx.results.get(
        `forecast:${spec.id}:${origin}:${version}`,
        charge(() =>
          ctx.fitting(async (pool) => {
            const [result] = await walkForward(panel, spec, { from: origin, to: origin, pool });
            const named = withIntervals(
              panel,
              spec,
              result!,
              nameForecasts(ctx.registry, [result!]),
            );
            const rows = named.map((r) => ({
              ...r,
              top: r.rank <= spec.topN,
            }));
            return {
              spec: spec.id,
              origin,
              horizonYears: spec.horizonYears,
              topN: spec.topN,
              intervalLevel: INTERVAL_LEVEL,
              model: modelSummary(result!.model),
              trainedTo: result!.model.trainedTo,
              forecasts: rows,
            };
          }),
        ),
      );
      return q.all ? full : { ...full, forecasts: full.forecasts.filter((r) => r.top) };
    },
  );

  app.get<{ Querystring: { country: string; origin: number; spec: string } }>(
    '/forecasts/explain',
    {
      schema: {
        tags: ['forecast'],
        summary:
          "Why a country's forecast moved since the previous origin: changes in the data and in the model, by predictor (linear specifications)",
        querystring: query(
          { country: countryQuery, origin: { ...year, description: 'origin year' }, spec: specRef },
          ['country', 'origin'],
        ),
        response: {
          200: open(
            {
              countryId: { type: 'string' },
              origin: { type: 'integer' },
              previousOrigin: { type: 'integer' },
              risk: { type: 'number' },
              previousRisk: { type: 'number' },
              change: { type: 'number' },
              terms: { type: 'array', items: open() },
            },
            'what `lens forecast explain --format json` prints',
          ),
          ...errors(),
        },
      },
    },
    async (request) => {
      const q = request.query;
      const country = countryParam(ctx, q.country, 'country', q.origin);
      const charge = ctx.charge(clientKey(request));
      const { spec, panel, version } = await specAndPanel(ctx, q.spec, charge);
      return ctx.results.get(
        `explain:${spec.id}:${country.id}:${q.origin}:${version}`,
        charge(() =>
          ctx.fitting((pool) => explainForecast(panel, spec, country.id, q.origin, { pool })),
        ),
      );
    },
  );
}

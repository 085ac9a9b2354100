import type { FastifyInstance } from 'fastify';
import {
  buildWatchlist,
  runOnsetBacktest,
  runRollingOnsetBacktest,
} from '../../services/watchlist.js';
import { visibilityKey } from '../auth.js';
import type { ApiContext } from '../context.js';
import { badField, dateParam } from '../params.js';
import { dateOrYear, errors, open, query } from '../schemas.js';

const yearWindow = {
  type: 'string',
  pattern: '^\\d{4}(-\\d{4})?$',
  description: 'Y1-Y2 (or one year)',
} as const;

const modelRef = {
  type: 'string',
  pattern: '^[a-z0-9][a-z0-9-]{0,80}(@\\d+)?$',
  description: 'onset-risk model ID or ID@VERSION (content/watchlist); default the newest',
} as const;

/** The watch list of new-onset risk and its backtest. */
export function watchlistRoutes(app: FastifyInstance, ctx: ApiContext): void {
  app.get<{ Querystring: { asOf?: string; model?: string } }>(
    '/watchlist',
    {
      schema: {
        tags: ['structural risk'],
        summary:
          'Every country: an episode under way, and the risk of a new onset from the structural score without floor, the forecast and the escalation status, with drivers',
        querystring: query({
          asOf: {
            ...dateOrYear,
            description:
              'YYYY-MM-DD or a year (its last day); default the latest date the data support',
          },
          model: modelRef,
        }),
        response: {
          200: open(
            {
              asOf: { type: 'string' },
              countries: {
                type: 'array',
                items: open({
                  country: open(),
                  underWay: { type: 'boolean' },
                  episodes: { type: 'array', items: { type: 'string' } },
                  onsetRisk: { type: ['number', 'null'] },
                  onsetRank: { type: ['integer', 'null'] },
                  tier: { type: ['string', 'null'] },
                  tierWithoutFloor: { type: ['string', 'null'] },
                  stage: { type: ['string', 'null'] },
                  imminent: { type: 'boolean' },
                  drivers: { type: 'array', items: open() },
                }),
              },
            },
            'what `lens watchlist --format json` prints',
          ),
          ...errors(),
        },
      },
    },
    async (request) => {
      const q = request.query;
      const asOf = q.asOf === undefined ? undefined : dateParam(q.asOf, 'asOf');
      // The escalation part reads the events this reader may see: the cache is per reader.
      const key = `watchlist:${asOf ?? ''}:${q.model ?? ''}:${visibilityKey(request.principal)}:${await ctx.dataVersion()}`;
      return ctx.live.get(key, () =>
        buildWatchlist(ctx.store, ctx.registry.all(), {
          asOf,
          model: q.model,
          reader: request.principal,
        }),
      );
    },
  );

  app.get<{
    Querystring: {
      asOf?: string;
      window?: string;
      rolling?: string;
      horizon: number;
      model?: string;
    };
  }>(
    '/watchlist/backtests',
    {
      schema: {
        tags: ['structural risk'],
        summary:
          'Among countries with no episode under way on a date, how well the onset risk ranks those where a new episode begins in a window (or rolling over as-of years), beside the structural score and the forecast alone',
        querystring: query({
          asOf: { ...dateOrYear, description: 'required unless `rolling`' },
          window: {
            ...yearWindow,
            description: 'the years in which a new episode counts; required unless `rolling`',
          },
          rolling: { ...yearWindow, description: 'repeat for every as-of year Y1-Y2' },
          horizon: { type: 'integer', minimum: 1, maximum: 20, default: 5 },
          model: modelRef,
        }),
        response: {
          200: open(
            {},
            'what `lens watchlist backtest --format json` prints: {asOf, window, countries, onsets, auc, top10, top20, top30, misses, …}',
          ),
          ...errors(),
        },
      },
    },
    async (request) => {
      const q = request.query;
      const countries = ctx.registry.all();
      const key = `watchlist-backtest:${JSON.stringify(q)}:${await ctx.dataVersion()}`;
      if (q.rolling) {
        return ctx.results.get<unknown>(key, () =>
          runRollingOnsetBacktest(ctx.store, countries, {
            years: q.rolling!,
            horizon: q.horizon,
            model: q.model,
          }),
        );
      }
      if (q.asOf === undefined) throw badField('asOf', 'is required (or give `rolling`)');
      if (q.window === undefined) throw badField('window', 'is required (or give `rolling`)');
      const asOf = dateParam(q.asOf, 'asOf');
      return ctx.results.get<unknown>(key, () =>
        runOnsetBacktest(ctx.store, countries, { asOf, window: q.window!, model: q.model }),
      );
    },
  );
}

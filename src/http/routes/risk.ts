import type { FastifyInstance } from 'fastify';
import { InputError } from '../../core/errors.js';
import { assessWorld, DEFAULT_FRAMEWORK, latestDataDate } from '../../services/assess.js';
import type { AssessReport } from '../../services/assess.js';
import {
  runBacktest,
  runBacktestComparison,
  runRollingBacktest,
  runRollingComparison,
} from '../../services/backtest.js';
import { listEpisodesByDecade } from '../../services/episodes.js';
import { frameworkVariables, loadFramework } from '../../services/frameworks.js';
import type { Framework } from '../../core/frameworks/types.js';
import { overridesFor } from '../../services/overrides.js';
import type { Principal } from '../auth.js';
import type { ApiContext, Charge } from '../context.js';
import { clientKey } from '../limits.js';
import { badField, countryParam, dateParam, today } from '../params.js';
import { countryQuery, dateOrYear, errors, open, query, year } from '../schemas.js';
import { frameworkRef } from './frameworks.js';

const assessReport = open(
  {
    framework: open({
      id: { type: 'string' },
      version: { type: 'integer' },
      title: { type: 'string' },
    }),
    asOf: { type: 'string' },
    assessments: {
      type: 'array',
      items: open({
        country: open(),
        score: { type: ['number', 'null'] },
        tier: { type: ['string', 'null'] },
        coverage: { type: 'number' },
        factors: { type: 'array', items: open() },
        drivers: { type: 'array', items: open() },
      }),
    },
  },
  'what `lens assess --format json` prints: every country sorted by score, highest first',
);

const yearWindow = {
  type: 'string',
  pattern: '^\\d{4}(-\\d{4})?$',
  description: 'Y1-Y2 (or one year)',
} as const;

/** A framework by reference, read once (framework files ship with the code). */
function frameworkOf(ctx: ApiContext, ref: string): Promise<Framework> {
  return ctx.results.get(`framework:${ref}`, () => loadFramework(ref));
}

/**
 * The structural assessment of every country on `asOf` with the overrides `principal` may
 * see (applied or not), cached per framework, date, those overrides and data version: the trend and the single-country answers
 * read the same world assessment. Computing one that is not cached costs the request's
 * `charge`.
 */
async function world(
  ctx: ApiContext,
  principal: Principal,
  frameworkRef: string,
  asOf: string,
  applyOverrides: boolean,
  charge: Charge,
): Promise<AssessReport> {
  const framework = await frameworkOf(ctx, frameworkRef);
  const [version, overrides] = await Promise.all([
    ctx.dataVersion(),
    overridesFor(ctx.store, principal, framework.id),
  ]);
  const key = `assess:${framework.id}@${framework.version}:${asOf}:${applyOverrides}:${JSON.stringify(overrides.map((o) => [o.id, o.severity]))}:${version}`;
  return ctx.results.get(
    key,
    charge(() =>
      assessWorld(ctx.store, ctx.registry.all(), {
        framework: `${framework.id}@${framework.version}`,
        asOf,
        overrides,
        applyOverrides,
      }),
    ),
  );
}

/**
 * The report without factors, groups, what is missing and the sources' freshness: what a map
 * or a list draws.
 */
function summaryOf(report: AssessReport) {
  return {
    ...report,
    assessments: report.assessments.map(
      ({ factors: _factors, groups: _groups, missing: _missing, freshness: _freshness, ...rest }) =>
        rest,
    ),
  };
}

/** Structural risk: assessments, their trend, backtests and the episode list. */
export function riskRoutes(app: FastifyInstance, ctx: ApiContext): void {
  app.get<{
    Querystring: {
      framework: string;
      asOf?: string;
      country?: string;
      overrides: boolean;
      detail: 'full' | 'summary';
    };
  }>(
    '/assessments',
    {
      schema: {
        tags: ['structural risk'],
        summary:
          'Every country (or one) scored on a framework as of a date, with factors, evidence and drivers',
        querystring: query({
          framework: { ...frameworkRef, default: DEFAULT_FRAMEWORK },
          asOf: {
            ...dateOrYear,
            description:
              'YYYY-MM-DD or a year (its last day); default the latest date the data support',
          },
          country: countryQuery,
          overrides: {
            type: 'boolean',
            default: true,
            description: 'apply analyst overrides (they are shown either way)',
          },
          detail: {
            type: 'string',
            enum: ['full', 'summary'],
            default: 'full',
            description:
              'full: factors with their evidence; summary: country, tier, score, coverage, drivers and change only (a fiftieth of the size, for maps and lists)',
          },
        }),
        response: { 200: assessReport, ...errors() },
      },
    },
    async (request) => {
      const q = request.query;
      const asOf =
        q.asOf === undefined
          ? await ctx.results.get(
              `latest-data:${q.framework}:${await ctx.dataVersion()}`,
              async () =>
                latestDataDate(
                  ctx.store,
                  frameworkVariables(await frameworkOf(ctx, q.framework)),
                  today(),
                ),
            )
          : dateParam(q.asOf, 'asOf');
      const country =
        q.country === undefined
          ? undefined
          : countryParam(ctx, q.country, 'country', Number(asOf.slice(0, 4)));
      const charge = ctx.charge(clientKey(request));
      const report = await world(ctx, request.principal, q.framework, asOf, q.overrides, charge);
      if (!country) return q.detail === 'summary' ? summaryOf(report) : report;
      const own = report.assessments.filter((a) => a.country.id === country.id);
      if (own.length > 0) return { ...report, assessments: own };
      // Not a state on that date: assessed alone, as `lens assess --country` does.
      const framework = await frameworkOf(ctx, q.framework);
      const overrides = await overridesFor(ctx.store, request.principal, framework.id, country.id);
      return charge(() =>
        assessWorld(ctx.store, ctx.registry.all(), {
          framework: q.framework,
          asOf,
          countryIds: [country.id],
          overrides,
          applyOverrides: q.overrides,
        }),
      )();
    },
  );

  app.get<{ Querystring: { country: string; framework: string; from?: number; to?: number } }>(
    '/assessments/trend',
    {
      schema: {
        tags: ['structural risk'],
        summary: "A country's score and tier at the end of each year (for charts)",
        querystring: query(
          {
            country: countryQuery,
            framework: { ...frameworkRef, default: DEFAULT_FRAMEWORK },
            from: { ...year, description: 'first year (default 14 years before `to`)' },
            to: { ...year, description: 'last year (default last year)' },
          },
          ['country'],
        ),
        response: {
          200: open({
            country: open(),
            framework: open(),
            points: {
              type: 'array',
              items: open({
                year: { type: 'integer' },
                asOf: { type: 'string' },
                score: { type: ['number', 'null'] },
                tier: { type: ['string', 'null'] },
                coverage: { type: ['number', 'null'] },
              }),
            },
          }),
          ...errors(),
        },
      },
    },
    async (request) => {
      const q = request.query;
      const to = q.to ?? new Date().getUTCFullYear() - 1;
      const from = q.from ?? to - 14;
      if (from > to) throw badField('from', `${from} is after to ${to}`);
      if (to - from > 40) throw badField('from', 'spans more than 41 years');
      const country = countryParam(ctx, q.country, 'country', to);
      const framework = await frameworkOf(ctx, q.framework);
      const charge = ctx.charge(clientKey(request));
      const points = [];
      for (let y = from; y <= to; y++) {
        const asOf = `${y}-12-31`;
        let report: AssessReport | undefined;
        try {
          report = await world(ctx, request.principal, q.framework, asOf, true, charge);
        } catch (error) {
          // A year before any of the framework's data was published has no point.
          if (!(error instanceof InputError)) throw error;
        }
        const a = report?.assessments.find((x) => x.country.id === country.id);
        points.push({
          year: y,
          asOf,
          score: a?.score ?? null,
          tier: a?.tier ?? null,
          coverage: a?.coverage ?? null,
        });
      }
      return {
        country: { id: country.id, name: country.name },
        framework: { id: framework.id, version: framework.version, title: framework.title },
        points,
      };
    },
  );

  app.get<{
    Querystring: {
      framework: string;
      asOf?: string;
      window?: string;
      outcome: 'ongoing' | 'onset';
      compare?: string;
      universe: 'assessed' | 'ewp-panel';
      rolling?: string;
      horizon: number;
    };
  }>(
    '/backtests',
    {
      schema: {
        tags: ['structural risk'],
        summary:
          'The tiers as of a date against mass killing over a window (or rolling over as-of years), optionally two frameworks compared',
        querystring: query({
          framework: { ...frameworkRef, default: DEFAULT_FRAMEWORK },
          asOf: { ...dateOrYear, description: 'required unless `rolling`' },
          window: {
            ...yearWindow,
            description: 'the years whose mass killing counts; required unless `rolling`',
          },
          outcome: { type: 'string', enum: ['ongoing', 'onset'], default: 'ongoing' },
          compare: {
            type: 'string',
            pattern: '^[a-z0-9][a-z0-9@-]{0,80},[a-z0-9][a-z0-9@-]{0,80}$',
            description: 'two frameworks side by side: ID,ID',
          },
          universe: { type: 'string', enum: ['assessed', 'ewp-panel'], default: 'assessed' },
          rolling: { ...yearWindow, description: 'repeat for every as-of year Y1-Y2' },
          horizon: { type: 'integer', minimum: 1, maximum: 20, default: 5 },
        }),
        response: {
          200: open({}, 'what `lens backtest --format json` prints for the same options'),
          ...errors(),
        },
      },
    },
    async (request) => {
      const q = request.query;
      const pair = q.compare?.split(',') as [string, string] | undefined;
      const countries = ctx.registry.all();
      const key = `backtest:${JSON.stringify(q)}:${await ctx.dataVersion()}`;
      const charge = ctx.charge(clientKey(request));
      if (q.rolling) {
        const base = {
          years: q.rolling,
          horizon: q.horizon,
          outcome: q.outcome,
          universe: q.universe,
        };
        return ctx.results.get<unknown>(
          key,
          charge<unknown>(async () =>
            pair
              ? {
                  frameworks: pair,
                  reports: await runRollingComparison(ctx.store, countries, {
                    ...base,
                    frameworks: pair,
                  }),
                }
              : runRollingBacktest(ctx.store, countries, { ...base, framework: q.framework }),
          ),
        );
      }
      if (q.asOf === undefined) throw badField('asOf', 'is required (or give `rolling`)');
      if (q.window === undefined) throw badField('window', 'is required (or give `rolling`)');
      const base = {
        asOf: dateParam(q.asOf, 'asOf'),
        window: q.window,
        outcome: q.outcome,
        universe: q.universe,
      };
      return ctx.results.get<unknown>(
        key,
        charge<unknown>(() =>
          pair
            ? runBacktestComparison(ctx.store, countries, { ...base, frameworks: pair })
            : runBacktest(ctx.store, countries, { ...base, framework: q.framework }),
        ),
      );
    },
  );

  app.get<{ Querystring: { by: 'decade' | 'none'; context?: 'war' | 'peace' } }>(
    '/episodes',
    {
      schema: {
        tags: ['structural risk'],
        summary:
          'Mass-killing episodes since 1945, each classed as begun in war or in peace, counted by decade of onset',
        querystring: query({
          by: {
            type: 'string',
            enum: ['decade', 'none'],
            default: 'decade',
            description: 'none: the episodes without the counts',
          },
          context: { type: 'string', enum: ['war', 'peace'] },
        }),
        response: {
          200: open({
            rule: { type: 'string' },
            decades: { type: 'array', items: open() },
            episodes: { type: 'array', items: open() },
          }),
          ...errors(),
        },
      },
    },
    async (request) => {
      const { by, context } = request.query;
      const result = await ctx.results.get(`episodes:${context}:${await ctx.dataVersion()}`, () =>
        listEpisodesByDecade(ctx.store, { context }),
      );
      return by === 'none' ? { rule: result.rule, episodes: result.episodes } : result;
    },
  );
}

import type { FastifyInstance } from 'fastify';
import { EscalationMonitor, STEPS, countriesIn, loadRules } from '../../services/escalation.js';
import type { Step, TierPort } from '../../services/escalation.js';
import { structuralTiers } from '../../services/escalation-tiers.js';
import { escalationVersion } from '../../services/event-list.js';
import { visibilityKey } from '../auth.js';
import type { ApiContext } from '../context.js';
import { clientKey } from '../limits.js';
import { badField, countryParam, dateParam, today } from '../params.js';
import { countryQuery, dateOrYear, errors, open, query } from '../schemas.js';

/** `ID` or `ID@VERSION` of escalation rules. */
const rulesRef = {
  type: 'string',
  pattern: '^[a-z0-9][a-z0-9-]{0,80}(@\\d{1,6})?$',
  description: 'escalation rules: ID or ID@VERSION (default the newest)',
} as const;

/**
 * The structural tiers the monitor reads for "imminent": as of `asOf`, or for each of
 * `years` (as of the end of the year before); cached per data version.
 */
async function tiers(
  ctx: ApiContext,
  dates: { asOf?: string; years?: number[] },
): Promise<TierPort> {
  const key = `tiers:${dates.asOf ?? ''}:${dates.years?.join(',') ?? ''}:${await ctx.dataVersion()}`;
  return ctx.results.get(key, () => structuralTiers(ctx.store, ctx.registry.all(), dates));
}

/** A monitor over the server's store with country names and the given tiers. */
export async function openMonitor(
  ctx: ApiContext,
  rules: string | undefined,
  tierPort: TierPort,
): Promise<EscalationMonitor> {
  return EscalationMonitor.open(ctx.store, {
    rules: await loadRules(rules),
    tiers: tierPort,
    names: (id) => ctx.registry.byId(id)?.name ?? id,
  });
}

/**
 * The monitor that takes field reports and reviews: one per day (its tiers are today's),
 * kept so that its per-country memory serves consecutive reports.
 */
export function reportMonitor(ctx: ApiContext): Promise<EscalationMonitor> {
  const day = today();
  return ctx.results.get(`report-monitor:${day}`, async () =>
    openMonitor(ctx, undefined, await tiers(ctx, { asOf: day })),
  );
}

const statusItem = open({
  countryId: { type: 'string' },
  asOf: { type: 'string' },
  stage: { type: 'string', enum: ['none', 'crisis', 'mobilisation', 'violence'] },
  imminent: { type: 'boolean' },
  tier: { type: ['string', 'null'] },
  redFlags: { type: 'array', items: { type: 'string' } },
  indicators: { type: 'array', items: open() },
  sharing: { type: 'string' },
});

/** The path of escalation: every country's stage on a date, and one country's timeline. */
export function escalationRoutes(app: FastifyInstance, ctx: ApiContext): void {
  app.get<{ Querystring: { asOf?: string; all: boolean; rules?: string } }>(
    '/escalation/status',
    {
      schema: {
        tags: ['escalation'],
        summary:
          "Every country's stage (crisis, mobilisation, violence), red flags with their evidence, and whether atrocities look imminent, as of a date",
        querystring: query({
          asOf: {
            ...dateOrYear,
            description: 'YYYY-MM-DD or a year (its last day); default today',
          },
          all: { type: 'boolean', default: false, description: 'countries at stage none too' },
          rules: rulesRef,
        }),
        response: {
          200: open({
            asOf: { type: 'string' },
            rules: { type: 'string' },
            statuses: { type: 'array', items: statusItem },
          }),
          ...errors(),
        },
      },
    },
    async (request) => {
      const q = request.query;
      const asOf = q.asOf === undefined ? today() : dateParam(q.asOf, 'asOf');
      // Statuses are computed from the events this reader may see, so the cache is per reader
      // and per version of the shared material (a withdrawn agreement shows at once).
      const reader = `${visibilityKey(request.principal)}:${await ctx.sharedVersion()}`;
      const charge = ctx.charge(clientKey(request));
      const result = await ctx.live.get(
        `status:${asOf}:${q.rules ?? ''}:${reader}`,
        charge(async () => {
          const monitor = await openMonitor(ctx, q.rules, await tiers(ctx, { asOf }));
          return {
            asOf,
            rules: monitor.rulesRef,
            statuses: await monitor.statusAsOf(
              countriesIn(ctx.registry.all(), asOf),
              asOf,
              request.principal,
            ),
          };
        }),
      );
      return q.all
        ? result
        : { ...result, statuses: result.statuses.filter((s) => s.stage !== 'none' || s.imminent) };
    },
  );

  app.get<{
    Querystring: {
      country: string;
      from?: string;
      to?: string;
      step: Step;
      every: boolean;
      rules?: string;
    };
  }>(
    '/escalation/timeline',
    {
      schema: {
        tags: ['escalation'],
        summary:
          "A country's stage over time, with what fired (by default only the checkpoints where something changed)",
        querystring: query(
          {
            country: countryQuery,
            from: {
              ...dateOrYear,
              description: 'first checkpoint (default three years before `to`)',
            },
            to: { ...dateOrYear, description: 'last checkpoint (default today)' },
            step: { type: 'string', enum: [...STEPS], default: 'month' },
            every: {
              type: 'boolean',
              default: false,
              description: 'every checkpoint, not only changes',
            },
            rules: rulesRef,
          },
          ['country'],
        ),
        response: {
          200: open({
            country: open({ id: { type: 'string' }, name: { type: 'string' } }),
            from: { type: 'string' },
            to: { type: 'string' },
            step: { type: 'string' },
            timeline: {
              type: 'array',
              items: open({
                date: { type: 'string' },
                stage: { type: 'string' },
                imminent: { type: 'boolean' },
                tier: { type: ['string', 'null'] },
                redFlags: { type: 'array', items: { type: 'string' } },
                indicators: { type: 'array', items: { type: 'string' } },
                events: { type: 'integer' },
                sharing: { type: 'string' },
              }),
            },
          }),
          ...errors(),
        },
      },
    },
    async (request) => {
      const q = request.query;
      const to = q.to === undefined ? today() : dateParam(q.to, 'to');
      const from =
        q.from === undefined
          ? `${Number(to.slice(0, 4)) - 3}${to.slice(4)}`
          : dateParam(q.from, 'from', 'start');
      if (from > to) throw badField('from', `${from} is after to ${to}`);
      const first = Number(from.slice(0, 4));
      const last = Number(to.slice(0, 4));
      if (last - first > 30) throw badField('from', 'is more than 30 years before to');
      if (q.step === 'week' && last - first > 5)
        throw badField('step', 'week spans at most 5 years (use month or longer)');
      const country = countryParam(ctx, q.country, 'country', last);
      const years = Array.from({ length: last - first + 1 }, (_, i) => first + i);
      // Kept until the data version or the country's events, reviews or agreements change
      // (from any process), rather than for seconds: a long timeline takes seconds.
      const [version, inputs] = await Promise.all([
        ctx.dataVersion(),
        escalationVersion(ctx.store, country.id),
      ]);
      const entries = await ctx.results.get(
        `timeline:${country.id}:${from}:${to}:${q.step}:${q.rules ?? ''}:${visibilityKey(request.principal)}:${version}:${inputs}`,
        ctx.charge(clientKey(request))(async () => {
          const monitor = await openMonitor(ctx, q.rules, await tiers(ctx, { years }));
          return monitor.timeline(country.id, from, to, q.step, request.principal);
        }),
      );
      const key = (e: (typeof entries)[number]) =>
        `${e.stage}|${e.imminent}|${e.redFlags.join()}|${e.indicators.join()}`;
      const shown = q.every
        ? entries
        : entries.filter((e, i) => i === 0 || key(e) !== key(entries[i - 1]!));
      return {
        country: { id: country.id, name: country.name },
        from,
        to,
        step: q.step,
        timeline: shown,
      };
    },
  );
}

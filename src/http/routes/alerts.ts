import type { FastifyInstance } from 'fastify';
import { auditShown } from '../../services/audit.js';
import { acknowledge, alerts, resolve } from '../../services/alerts.js';
import type { AlertFilter } from '../../services/alerts.js';
import { actorName, requireScope } from '../auth.js';
import type { ApiContext } from '../context.js';
import type { RateLimit } from '../limits.js';
import { paginate } from '../pagination.js';
import { countryParam } from '../params.js';
import { countryQuery, errors, idParams, open, page, pageQuery, query } from '../schemas.js';

const alertItem = open({
  id: { type: 'integer' },
  kind: { type: 'string', enum: ['stage-rise', 'red-flag', 'imminent'] },
  countryId: { type: 'string' },
  stage: { type: 'string' },
  title: { type: 'string' },
  asOf: { type: 'string' },
  evidence: { type: 'array', items: { type: 'string' } },
  sharing: { type: 'string' },
  raisedAt: { type: 'string' },
  acknowledgedAt: { type: ['string', 'null'] },
  resolvedAt: { type: ['string', 'null'] },
});

/** Alerts raised by the escalation monitor: list, acknowledge, resolve. */
export function alertRoutes(app: FastifyInstance, ctx: ApiContext, writes: RateLimit): void {
  app.get<{
    Querystring: { filter: AlertFilter; country?: string; limit?: number; cursor?: string };
  }>(
    '/alerts',
    {
      schema: {
        tags: ['escalation'],
        summary: 'Alerts the caller may see, newest first (open ones by default)',
        querystring: query({
          filter: {
            type: 'string',
            enum: ['open', 'unacknowledged', 'all'],
            default: 'open',
            description: 'open; unacknowledged (open, nobody acknowledged); all (resolved too)',
          },
          country: countryQuery,
          ...pageQuery,
        }),
        response: { 200: page(alertItem, 'alerts, newest first'), ...errors(429) },
      },
    },
    async (request) => {
      const q = request.query;
      const countryId =
        q.country === undefined ? undefined : countryParam(ctx, q.country, 'country').id;
      return auditShown(
        ctx.store,
        async () =>
          paginate(
            await alerts(ctx.store, request.principal, { filter: q.filter, countryId }),
            (a) => a.id,
            q,
          ),
        (page) => ({ itemType: 'alert', ids: page.items.map((a) => String(a.id)) }),
      );
    },
  );

  for (const [action, handle, summary] of [
    ['acknowledge', acknowledge, 'Acknowledge an alert (it stays open)'],
    ['resolve', resolve, 'Resolve an alert (the same condition later raises a new one)'],
  ] as const) {
    app.post<{ Params: { id: number } }>(
      `/alerts/:id/${action}`,
      {
        config: { pathResource: true, rateLimit: writes },
        preHandler: requireScope('write'),
        schema: {
          tags: ['escalation'],
          summary,
          security: [{ bearer: [] }, { session: [] }],
          params: idParams,
          response: { 200: alertItem, ...errors(401, 403, 404, 429) },
        },
      },
      async (request) => {
        const alert = await handle(
          ctx.store,
          request.principal,
          request.params.id,
          actorName(request.principal),
        );
        ctx.live.clear();
        return alert;
      },
    );
  }
}

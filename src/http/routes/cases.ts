import type { FastifyInstance } from 'fastify';
import { auditShown } from '../../services/audit.js';
import { TLP_LEVELS } from '../../core/escalation/types.js';
import { CASE_STEPS, advanceCase, cases, openCase } from '../../services/cases.js';
import type { CaseAction, CaseStepName } from '../../services/cases.js';
import { requireScope, requireUser } from '../auth.js';
import type { ApiContext } from '../context.js';
import type { RateLimit } from '../limits.js';
import { paginate } from '../pagination.js';
import { countryParam } from '../params.js';
import { countryQuery, errors, open, page, pageQuery, query, text } from '../schemas.js';

const caseItem = open({
  id: { type: 'integer' },
  alertId: { type: 'integer' },
  countryId: { type: 'string' },
  fastTrack: { type: 'boolean' },
  organisationId: { type: 'string' },
  tlp: { type: 'string' },
  status: { type: 'string', enum: ['open', 'decided'] },
  warningAt: { type: 'string' },
  decidedAt: { type: ['string', 'null'] },
  currentStep: { type: ['string', 'null'] },
  warningToDecisionHours: { type: ['number', 'null'] },
  elapsedHours: { type: 'number' },
  steps: { type: 'array', items: open() },
});

/** The service's names of case fields → the API's. */
const CASE_FIELDS: Record<string, string> = { alert: 'alertId', assign: 'username', case: 'id' };

/** Cases from warning to decision: list, open from an alert, move a step on. */
export function caseRoutes(app: FastifyInstance, ctx: ApiContext, writes: RateLimit): void {
  app.get<{
    Querystring: { status?: 'open' | 'decided'; country?: string; limit?: number; cursor?: string };
  }>(
    '/cases',
    {
      preHandler: requireUser,
      schema: {
        tags: ['cases'],
        summary: 'Cases the caller may see, newest first, with the time from warning to decision',
        security: [{ bearer: [] }, { session: [] }],
        querystring: query({
          status: { type: 'string', enum: ['open', 'decided'] },
          country: countryQuery,
          ...pageQuery,
        }),
        response: { 200: page(caseItem, 'cases, newest first'), ...errors(401, 429) },
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
            await cases(ctx.store, request.principal, { status: q.status, countryId }),
            (c) => c.id,
            q,
          ),
        (page) => ({ itemType: 'case', ids: page.items.map((c) => String(c.id)) }),
      );
    },
  );

  app.post<{ Body: { alertId: number; tlp?: string } }>(
    '/cases',
    {
      config: { fields: CASE_FIELDS, rateLimit: writes },
      preHandler: requireScope('write'),
      schema: {
        tags: ['cases'],
        summary:
          "Open a case from an alert, owned by the caller's organisation (imminent alerts go on the fast track)",
        security: [{ bearer: [] }, { session: [] }],
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['alertId'],
          properties: {
            alertId: { type: 'integer', minimum: 1, maximum: 2147483647 },
            tlp: {
              type: 'string',
              enum: [...TLP_LEVELS],
              description: "default the alert's, at least AMBER",
            },
          },
        },
        response: { 201: caseItem, ...errors(401, 403, 413, 415, 429) },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await openCase(ctx.store, request.principal, request.body)),
  );

  app.post<{
    Params: { id: number; step: CaseStepName };
    Body: { action: CaseAction['action']; username?: string; note?: string };
  }>(
    '/cases/:id/steps/:step',
    {
      config: { pathResource: true, fields: CASE_FIELDS, rateLimit: writes },
      preHandler: requireScope('write'),
      schema: {
        tags: ['cases'],
        summary:
          'Move a step of a case on: assign it to someone, start it, or complete it (completing the decision decides the case)',
        security: [{ bearer: [] }, { session: [] }],
        params: {
          type: 'object',
          additionalProperties: false,
          required: ['id', 'step'],
          properties: {
            id: { type: 'integer', minimum: 1, maximum: 2147483647 },
            step: { type: 'string', enum: [...CASE_STEPS] },
          },
        },
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['action'],
          properties: {
            action: { type: 'string', enum: ['assign', 'start', 'complete'] },
            username: { ...text(100), description: 'for assign: who' },
            note: { type: 'string', maxLength: 20_000, description: 'for complete: the outcome' },
          },
        },
        response: { 200: caseItem, ...errors(401, 403, 404, 413, 415, 429) },
      },
    },
    async (request) => {
      const b = request.body;
      const step = request.params.step;
      const change: CaseAction =
        b.action === 'assign'
          ? { action: 'assign', username: b.username ?? '' }
          : b.action === 'start'
            ? { action: 'start' }
            : { action: 'complete', note: b.note };
      return advanceCase(ctx.store, request.principal, request.params.id, { ...change, step });
    },
  );
}

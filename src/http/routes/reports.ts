import type { FastifyInstance } from 'fastify';
import { auditShown } from '../../services/audit.js';
import { REVIEW_STATES } from '../../core/escalation/rules.js';
import type { ReviewState } from '../../core/escalation/rules.js';
import { CATEGORIES } from '../../core/escalation/taxonomy.js';
import {
  ACCOUNTABILITIES,
  PLACE_PRECISIONS,
  RELIABILITIES,
  TLP_LEVELS,
} from '../../core/escalation/types.js';
import { reports, reviewReport, submitReport } from '../../services/reports.js';
import type { ReportInput } from '../../services/reports.js';
import { actorName, requireScope } from '../auth.js';
import type { ApiContext } from '../context.js';
import { paginate } from '../pagination.js';
import { countryParam } from '../params.js';
import { countryQuery, errors, open, page, pageQuery, query, text } from '../schemas.js';
import { reportMonitor } from './escalation.js';
import type { RateLimit } from '../limits.js';

const isoDate = { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'YYYY-MM-DD' };
const actor = {
  ...text(200),
  pattern: '^[^:\\u0000-\\u001f]+(:[a-z-]+)?$',
  description: 'NAME or NAME:TYPE',
};

/** The body of `POST /reports`: a field report as JSON (the fields of `lens report add`). */
const reportBody = {
  type: 'object',
  additionalProperties: false,
  required: ['country', 'date', 'category'],
  properties: {
    country: countryQuery,
    date: isoDate,
    endDate: { ...isoDate, description: 'last day, when it went on for several days' },
    category: {
      type: 'string',
      enum: CATEGORIES.map((c) => c.code),
      description: 'a category of the taxonomy (`lens escalation taxonomy`)',
    },
    place: {
      type: 'object',
      additionalProperties: false,
      properties: {
        name: text(200),
        admin1: text(200),
        admin2: text(200),
        latitude: { type: 'number', minimum: -90, maximum: 90 },
        longitude: { type: 'number', minimum: -180, maximum: 180 },
        precision: { type: 'string', enum: [...PLACE_PRECISIONS] },
      },
    },
    perpetrators: { type: 'array', maxItems: 20, items: actor },
    targets: { type: 'array', maxItems: 20, items: actor },
    targetGroup: text(200),
    civilianTargeted: { type: 'boolean' },
    deaths: {
      type: 'object',
      additionalProperties: false,
      required: ['best'],
      properties: {
        best: { type: 'integer', minimum: 0, maximum: 10_000_000 },
        low: { type: 'integer', minimum: 0, maximum: 10_000_000 },
        high: { type: 'integer', minimum: 0, maximum: 10_000_000 },
      },
    },
    accountability: { type: 'string', enum: [...ACCOUNTABILITIES] },
    relatesTo: {
      ...text(200),
      description: 'the key of the event this report is about (source:id)',
    },
    sources: { type: 'array', maxItems: 20, items: text(500) },
    reliability: { type: 'string', enum: [...RELIABILITIES] },
    sharing: { type: 'string', enum: [...TLP_LEVELS], description: 'TLP level (default AMBER)' },
    notes: { type: 'string', maxLength: 20_000 },
  },
} as const;

/** The service's names of report fields (the command's flags) → the body's. */
const REPORT_FIELDS: Record<string, string> = {
  'end-date': 'endDate',
  lat: 'place.latitude',
  lon: 'place.longitude',
  precision: 'place.precision',
  perpetrator: 'perpetrators',
  target: 'targets',
  deaths: 'deaths.best',
  'deaths-low': 'deaths.low',
  'deaths-high': 'deaths.high',
  'relates-to': 'relatesTo',
  of: 'of',
};

const fieldReport = open({
  event: open({
    key: { type: 'string' },
    countryId: { type: 'string' },
    category: { type: 'string' },
    sharing: { type: 'string' },
  }),
  state: { type: 'string', enum: [...REVIEW_STATES] },
  submittedAt: { type: 'string' },
  duplicateOf: { type: ['string', 'null'] },
});

type ReportBody = Omit<ReportInput, 'reportedBy' | 'organisation'>;

/** Field reports: submit, list, review. */
export function reportRoutes(app: FastifyInstance, ctx: ApiContext, writes: RateLimit): void {
  app.post<{ Body: ReportBody }>(
    '/reports',
    {
      config: { fields: REPORT_FIELDS, rateLimit: writes },
      preHandler: requireScope('write'),
      schema: {
        tags: ['escalation'],
        summary:
          "Submit a field report: checked, compared with stored events for duplicates, stored for the signed-in user's organisation, and counted at once in its country's status",
        security: [{ bearer: [] }, { session: [] }],
        body: reportBody,
        response: {
          201: open({
            report: fieldReport,
            duplicates: { type: 'array', items: open() },
            refresh: open(),
          }),
          ...errors(401, 403, 413, 415, 429),
        },
      },
    },
    async (request, reply) => {
      const monitor = await reportMonitor(ctx);
      const result = await submitReport(ctx.store, request.principal, ctx.registry, monitor, {
        ...request.body,
        reportedBy: actorName(request.principal),
      });
      ctx.live.clear();
      return reply.code(201).send(result);
    },
  );

  app.get<{
    Querystring: { state?: ReviewState; country?: string; limit?: number; cursor?: string };
  }>(
    '/reports',
    {
      schema: {
        tags: ['escalation'],
        summary: 'Field reports the caller may see, newest first',
        querystring: query({
          state: { type: 'string', enum: [...REVIEW_STATES] },
          country: countryQuery,
          ...pageQuery,
        }),
        response: { 200: page(fieldReport, 'field reports, newest first'), ...errors(429) },
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
            await reports(ctx.store, request.principal, { state: q.state, countryId }),
            (r) => r.event.key,
            q,
          ),
        (page) => ({ itemType: 'field-report', ids: page.items.map((r) => r.event.key) }),
      );
    },
  );

  app.post<{ Params: { id: string }; Body: { state: string; of?: string; note?: string } }>(
    '/reports/:id/review',
    {
      config: { pathResource: true, fields: REPORT_FIELDS, rateLimit: writes },
      preHandler: requireScope('write'),
      schema: {
        tags: ['escalation'],
        summary:
          "Set a report's review state: verified, rejected, duplicate (of a stored event) or back to submitted",
        security: [{ bearer: [] }, { session: [] }],
        params: {
          type: 'object',
          properties: {
            id: {
              type: 'string',
              pattern: '^(report:)?[A-Za-z0-9-]{1,64}$',
              description: 'the report id',
            },
          },
          required: ['id'],
          additionalProperties: false,
        },
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['state'],
          properties: {
            state: { type: 'string', enum: [...REVIEW_STATES] },
            of: { ...text(200), description: 'for duplicate: the key of the event it repeats' },
            note: { type: 'string', maxLength: 5000 },
          },
        },
        response: {
          200: open({ report: fieldReport, refresh: open() }),
          ...errors(401, 403, 404, 413, 415, 429),
        },
      },
    },
    async (request) => {
      const monitor = await reportMonitor(ctx);
      const b = request.body;
      const result = await reviewReport(ctx.store, request.principal, monitor, request.params.id, {
        state: b.state,
        by: actorName(request.principal),
        note: b.note,
        duplicateOf: b.of,
      });
      ctx.live.clear();
      return result;
    },
  );
}

import type { FastifyInstance } from 'fastify';
import { auditShown } from '../../services/audit.js';
import { TLP_LEVELS } from '../../core/escalation/types.js';
import { DEFAULT_FRAMEWORK } from '../../services/assess.js';
import { addAnalystOverride, overridesFor } from '../../services/overrides.js';
import { actorName, requireScope } from '../auth.js';
import type { ApiContext } from '../context.js';
import type { RateLimit } from '../limits.js';
import { paginate } from '../pagination.js';
import { countryParam } from '../params.js';
import { countryQuery, errors, open, page, pageQuery, query, text } from '../schemas.js';
import { frameworkRef } from './frameworks.js';

const overrideItem = open({
  id: { type: 'integer' },
  frameworkId: { type: 'string' },
  countryId: { type: 'string' },
  factorId: { type: 'string' },
  severity: { type: 'number' },
  reason: { type: 'string' },
  source: { type: 'string' },
  by: { type: 'string' },
  at: { type: 'string' },
  effectiveFrom: { type: 'string' },
});

/** The service's names of override fields (the command's flags) → the body's. */
const OVERRIDE_FIELDS: Record<string, string> = {
  '--factor': 'factor',
  '--severity': 'severity',
  '--reason': 'reason',
  '--source': 'source',
  '--effective-from': 'effectiveFrom',
  '--tlp': 'tlp',
};

interface OverrideBody {
  framework: string;
  country: string;
  factor: string;
  severity: number;
  reason: string;
  source: string;
  effectiveFrom?: string;
  tlp?: string;
}

/** Analyst overrides of framework factors: list and record. */
export function overrideRoutes(app: FastifyInstance, ctx: ApiContext, writes: RateLimit): void {
  app.get<{
    Querystring: { framework?: string; country?: string; limit?: number; cursor?: string };
  }>(
    '/overrides',
    {
      schema: {
        tags: ['structural risk'],
        summary: 'Active analyst overrides, oldest first',
        querystring: query({ framework: frameworkRef, country: countryQuery, ...pageQuery }),
        response: { 200: page(overrideItem, 'overrides, oldest first'), ...errors(429) },
      },
    },
    async (request) => {
      const q = request.query;
      const countryId =
        q.country === undefined ? undefined : countryParam(ctx, q.country, 'country').id;
      const frameworkId = q.framework?.split('@')[0];
      return auditShown(
        ctx.store,
        async () =>
          paginate(
            await overridesFor(ctx.store, request.principal, frameworkId, countryId),
            (o) => o.id,
            q,
          ),
        (page) => ({ itemType: 'override', ids: page.items.map((o) => String(o.id)) }),
      );
    },
  );

  app.post<{ Body: OverrideBody }>(
    '/overrides',
    {
      config: { fields: OVERRIDE_FIELDS, rateLimit: writes },
      preHandler: requireScope('write'),
      schema: {
        tags: ['structural risk'],
        summary:
          "Record an analyst's severity for one factor of a framework and country (who, when, why and on what evidence)",
        security: [{ bearer: [] }, { session: [] }],
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['country', 'factor', 'severity', 'reason', 'source'],
          properties: {
            framework: { ...frameworkRef, default: DEFAULT_FRAMEWORK },
            country: countryQuery,
            factor: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]{0,80}$' },
            severity: {
              type: 'number',
              minimum: 0,
              maximum: 4,
              description: 'from 0 (absent) to 4 (extreme)',
            },
            reason: text(5000),
            source: text(2000, 'the evidence: a report, a field source, a URL'),
            effectiveFrom: {
              type: 'string',
              pattern: '^\\d{4}-\\d{2}-\\d{2}$',
              description: 'assessments as of earlier dates ignore it (default today)',
            },
            tlp: {
              type: 'string',
              enum: [...TLP_LEVELS],
              description: 'who may see it (default AMBER: unpublished judgement)',
            },
          },
        },
        response: { 201: overrideItem, ...errors(401, 403, 413, 415, 429) },
      },
    },
    async (request, reply) => {
      const b = request.body;
      const country = countryParam(ctx, b.country, 'country', undefined, 'body');
      const stored = await addAnalystOverride(ctx.store, request.principal, {
        framework: b.framework,
        countryId: country.id,
        factorId: b.factor,
        severity: b.severity,
        reason: b.reason,
        source: b.source,
        by: actorName(request.principal),
        effectiveFrom: b.effectiveFrom,
        tlp: b.tlp,
      });
      return reply.code(201).send(stored);
    },
  );
}

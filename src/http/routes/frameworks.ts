import { basename } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { listFrameworks, loadFramework } from '../../services/frameworks.js';
import type { ApiContext } from '../context.js';
import { errors, list, open } from '../schemas.js';

/** `ID` or `ID@VERSION` of a framework. */
export const frameworkRef = {
  type: 'string',
  pattern: '^[a-z0-9][a-z0-9-]{0,80}(@\\d{1,6})?$',
  description: 'framework id, or ID@VERSION',
} as const;

/** The structural risk frameworks (content/frameworks). */
export function frameworkRoutes(app: FastifyInstance, ctx: ApiContext): void {
  app.get(
    '/frameworks',
    {
      schema: {
        tags: ['structural risk'],
        summary: 'Every framework version, the newest of each id marked latest',
        response: {
          200: list(
            open({
              id: { type: 'string' },
              version: { type: 'integer' },
              title: { type: 'string' },
              file: { type: 'string' },
              latest: { type: 'boolean' },
            }),
            'frameworks by id then version',
          ),
          ...errors(),
        },
      },
    },
    async () => {
      const items = await ctx.results.get('frameworks', async () =>
        (await listFrameworks()).map((f) => ({ ...f, file: basename(f.file) })),
      );
      return { items, total: items.length };
    },
  );

  app.get<{ Params: { id: string } }>(
    '/frameworks/:id',
    {
      config: { pathResource: true },
      schema: {
        tags: ['structural risk'],
        summary:
          'A framework: groups, factors, indicators, tiers (the newest version, or ID@VERSION)',
        params: {
          type: 'object',
          properties: { id: frameworkRef },
          required: ['id'],
          additionalProperties: false,
        },
        response: {
          200: open(
            {
              id: { type: 'string' },
              version: { type: 'integer' },
              title: { type: 'string' },
              groups: { type: 'array', items: open() },
              tiers: open(),
            },
            'the framework file as validated',
          ),
          ...errors(404),
        },
      },
    },
    (request) =>
      ctx.results.get(`framework:${request.params.id}`, () => loadFramework(request.params.id)),
  );
}

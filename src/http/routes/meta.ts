import type { FastifyInstance } from 'fastify';
import type { ApiContext } from '../context.js';
import { errors } from '../schemas.js';

/** `GET /health`: the server answers and which database it reads. */
export function metaRoutes(app: FastifyInstance, ctx: ApiContext): void {
  app.get(
    '/health',
    {
      schema: {
        tags: ['service'],
        summary: 'The server answers, and which database engine it reads',
        response: {
          200: {
            type: 'object',
            properties: {
              status: { type: 'string', enum: ['ok'] },
              database: { type: 'string', enum: ['sqlite', 'postgres'] },
            },
            required: ['status', 'database'],
          },
          ...errors(),
        },
      },
    },
    async () => ({ status: 'ok' as const, database: ctx.store.dialect }),
  );
}

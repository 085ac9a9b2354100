import { openStore } from '../services/context.js';
import { buildServer } from './server.js';

/**
 * The OpenAPI 3 document of the API, generated from the route schemas (the same that
 * `GET /api/v1/openapi.json` serves), without a database: the server is built over an
 * empty in-memory store.
 */
export async function openApiDocument(): Promise<Record<string, unknown>> {
  const store = await openStore(':memory:');
  try {
    const app = await buildServer({ store, webRoot: '/nonexistent' });
    try {
      return app.swagger() as unknown as Record<string, unknown>;
    } finally {
      await app.close();
    }
  } finally {
    await store.close();
  }
}

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fastifyCookie from '@fastify/cookie';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify, { LogController } from 'fastify';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { loadCountryRegistry } from '../services/countries.js';
import type { Store } from '../services/context.js';
import { identityAuthenticator, installAuthentication } from './auth.js';
import type { Authenticate } from './auth.js';
import { ApiContext } from './context.js';
import { perMinute } from './limits.js';
import { HttpProblem, installProblemHandlers, problemSchema, routeNotFound } from './problem.js';
import { countryRoutes } from './routes/countries.js';
import { escalationRoutes } from './routes/escalation.js';
import { frameworkRoutes } from './routes/frameworks.js';
import { identityRoutes } from './routes/identity.js';
import { alertRoutes } from './routes/alerts.js';
import { eventRoutes } from './routes/events.js';
import { caseRoutes } from './routes/cases.js';
import { forecastRoutes } from './routes/forecasts.js';
import { metaRoutes } from './routes/meta.js';
import { overrideRoutes } from './routes/overrides.js';
import { planningRoutes } from './routes/planning.js';
import { reportRoutes } from './routes/reports.js';
import { riskRoutes } from './routes/risk.js';

/** Where the API lives. */
export const API_PREFIX = '/api/v1';

/** Largest request body accepted, in bytes (64 KiB); larger ones get 413. */
export const BODY_LIMIT = 64 * 1024;

/** Options of `buildServer`. */
export interface ServerOptions {
  store: Store;
  /** Who credentials stand for (default: the identity service over `store`). */
  authenticate?: Authenticate;
  /** Folder of the dashboard's built files, served at `/` when it exists (default `dist/web`). */
  webRoot?: string;
  /** Log requests that fail and the server's start (default false: tests stay quiet). */
  logger?: boolean;
  /** How often the data version is read again, in ms (default 10 minutes; see ApiContext). */
  dataCheckMs?: number;
  /** How long escalation answers are reused, in ms (default 5 s). */
  liveTtlMs?: number;
  /** Threads fitting forecast models (default 2). */
  forecastThreads?: number;
  /** Requests that change data allowed per client and minute (default 600). */
  writesPerMinute?: number;
  /** Sign-in attempts allowed per client and minute (default 10). */
  signInsPerMinute?: number;
}

/**
 * Casts the query string and path parameters to the types their schema declares (they
 * arrive as text): integers, numbers and booleans written as such. Anything else is left as
 * it came, for validation to refuse with the field's name. Bodies are JSON and are never cast:
 * a string where a number belongs is a 400.
 */
function castParameters(request: FastifyRequest): void {
  const schema = request.routeOptions.schema as
    { querystring?: { properties?: object }; params?: { properties?: object } } | undefined;
  const cast = (values: unknown, properties: object | undefined) => {
    if (!properties || typeof values !== 'object' || values === null) return;
    const target = values as Record<string, unknown>;
    for (const [name, prop] of Object.entries(properties)) {
      const value = target[name];
      if (typeof value !== 'string') continue;
      const type = (prop as { type?: unknown }).type;
      if ((type === 'integer' || type === 'number') && /^-?\d+(\.\d+)?$/.test(value))
        target[name] = Number(value);
      else if (type === 'boolean' && (value === 'true' || value === 'false'))
        target[name] = value === 'true';
    }
  };
  cast(request.query, schema?.querystring?.properties);
  cast(request.params, schema?.params?.properties);
}

function packageVersion(): string {
  const file = new URL('../../package.json', import.meta.url);
  return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
}

/**
 * The HTTP API over the store: every route under `/api/v1`, its OpenAPI document at
 * `/api/v1/openapi.json` and the docs at `/api/v1/docs`, and the dashboard at `/` when its
 * files are there. Errors are RFC 9457 problem documents. Ready when the promise resolves;
 * test it in-process with `app.inject`, serve it with `app.listen`.
 */
export async function buildServer(options: ServerOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger ? { level: 'info' } : false,
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: BODY_LIMIT,
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false, useDefaults: true } },
    routerOptions: { maxParamLength: 200 },
  });
  const ctx = new ApiContext(options.store, loadCountryRegistry(), {
    dataCheckMs: options.dataCheckMs ?? 10 * 60_000,
    liveTtlMs: options.liveTtlMs ?? 5_000,
    forecastThreads: options.forecastThreads ?? 2,
  });
  app.addHook('onClose', () => ctx.close());
  app.addSchema(problemSchema);
  installProblemHandlers(app);
  app.addHook('preValidation', async (request) => castParameters(request));
  app.addHook('onSend', async (_request, reply) => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
  });

  await app.register(fastifyCookie);
  installAuthentication(app, options.authenticate ?? identityAuthenticator(options.store));
  await app.register(fastifyRateLimit, {
    global: false,
    errorResponseBuilder: (_request, context) =>
      new HttpProblem(429, `too many requests; try again in ${Math.ceil(context.ttl / 1000)} s`),
  });
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Atrocity prevention lens',
        description:
          'Structural risk, forecasts, the path of escalation, field reports and alerts for every country. Errors are RFC 9457 problem documents (application/problem+json).',
        version: packageVersion(),
      },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', description: 'an API token' },
          session: { type: 'apiKey', in: 'cookie', name: 'lens_session' },
        },
      },
    },
    refResolver: {
      buildLocalReference: (json, _base, _fragment, i) => String(json.$id ?? `def-${i}`),
    },
  });
  await app.register(fastifySwaggerUi, { routePrefix: `${API_PREFIX}/docs` });

  await app.register(
    async (api) => {
      metaRoutes(api, ctx);
      countryRoutes(api, ctx);
      frameworkRoutes(api, ctx);
      riskRoutes(api, ctx);
      forecastRoutes(api, ctx);
      escalationRoutes(api, ctx);
      eventRoutes(api, ctx);
      planningRoutes(api, ctx);
      const writes = perMinute(options.writesPerMinute ?? 600);
      reportRoutes(api, ctx, writes);
      alertRoutes(api, ctx, writes);
      overrideRoutes(api, ctx, writes);
      caseRoutes(api, ctx, writes);
      identityRoutes(api, ctx, perMinute(options.signInsPerMinute ?? 10));
      api.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
    },
    { prefix: API_PREFIX },
  );

  const webRoot = options.webRoot ?? join(process.cwd(), 'dist', 'web');
  const web = existsSync(join(webRoot, 'index.html'));
  if (web) await app.register(fastifyStatic, { root: webRoot, prefix: '/', wildcard: false });
  app.setNotFoundHandler((request, reply) =>
    // Every page path of the single-page app (`/country/mmr`) gets its index page; a missing
    // file (a name with an extension: `/chunks/old.js`) is a 404, not a page in its place.
    web &&
    request.method === 'GET' &&
    !request.url.startsWith(`${API_PREFIX}/`) &&
    !/\.[a-z0-9]+$/i.test(request.url.split('?')[0]!)
      ? reply.type('text/html').sendFile('index.html')
      : routeNotFound(request, reply),
  );
  await app.ready();
  return app;
}

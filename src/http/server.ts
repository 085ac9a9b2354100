import { existsSync, readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { join } from 'node:path';
import fastifyCookie from '@fastify/cookie';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify, { LogController } from 'fastify';
import type { FastifyHttpOptions, FastifyInstance, FastifyRequest } from 'fastify';
import { loadCountryRegistry } from '../services/countries.js';
import type { Store } from '../services/context.js';
import { identityAuthenticator, installAuthentication } from './auth.js';
import type { Authenticate } from './auth.js';
import { ApiContext } from './context.js';
import { perMinute } from './limits.js';
import { limitAuditedReads } from './audited-reads.js';
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
import { watchlistRoutes } from './routes/watchlist.js';

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
  /**
   * Expensive answers that were in no cache (assessments, backtests, forecasts, escalation
   * statuses and timelines) each client may have computed per minute (default 60).
   */
  computationsPerMinute?: number;
  /**
   * Which proxies in front of the server to believe about the client (`X-Forwarded-For`)
   * and the protocol (`X-Forwarded-Proto`): true (any), a number of hops, or addresses and
   * CIDR ranges (also `loopback`, `linklocal`, `uniquelocal`). Default none: the headers are
   * ignored, the client is the connection's address.
   */
  trustProxy?: boolean | number | string[];
  /** The server's TLS key and certificate (PEM): it then serves HTTPS itself. */
  https?: { key: string | Buffer; cert: string | Buffer };
  /**
   * AMBER, AMBER+STRICT and RED items a signed-in user's reads may record in the audit
   * trail per minute (default 1000); reads beyond are refused with 429.
   */
  auditedReadsPerMinute?: number;
}

/** A text field of a request holding NUL (U+0000), which no database column may store. */
function nulField(value: unknown, path: string[] = []): string[] | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? path : undefined;
  if (typeof value !== 'object' || value === null) return undefined;
  for (const [key, item] of Object.entries(value)) {
    if (key.includes('\u0000')) return [...path, key];
    const found = nulField(item, [...path, key]);
    if (found) return found;
  }
  return undefined;
}

/**
 * Refuses, with a 400 naming the field, any text of the query, path or body that holds a
 * NUL character: PostgreSQL cannot store one and SQLite would cut text at it, so the answer
 * is the same on both engines, whatever the field.
 */
function refuseNul(request: FastifyRequest): void {
  for (const [where, value] of [
    ['querystring', request.query],
    ['params', request.params],
    ['body', request.body],
  ] as const) {
    const path = nulField(value);
    if (path === undefined) continue;
    const field = path.join('.');
    const message = 'must not contain NUL (U+0000) characters';
    throw new HttpProblem(400, `${where} ${field ? `field "${field}" ` : ''}${message}`, [
      { in: where, field, message },
    ]);
  }
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
    trustProxy: options.trustProxy ?? false,
    // An HTTPS server answers through the same routes: its type differs only in the socket.
    ...(options.https ? { https: options.https } : {}),
  } as FastifyHttpOptions<Server>);
  const ctx = new ApiContext(options.store, loadCountryRegistry(), {
    dataCheckMs: options.dataCheckMs ?? 10 * 60_000,
    liveTtlMs: options.liveTtlMs ?? 5_000,
    forecastThreads: options.forecastThreads ?? 2,
    computationsPerMinute: Math.max(1, options.computationsPerMinute ?? 60),
  });
  // Bodies are JSON: Fastify's own text/plain reader would let a text body reach the
  // routes' validation (a 400), where the answer is that the media type is not taken (415).
  app.removeContentTypeParser('text/plain');
  app.addHook('onClose', () => ctx.close());
  app.addSchema(problemSchema);
  installProblemHandlers(app);
  app.addHook('preValidation', async (request) => {
    refuseNul(request);
    castParameters(request);
  });
  app.addHook('onSend', async (_request, reply) => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
  });

  await app.register(fastifyCookie);
  installAuthentication(app, options.authenticate ?? identityAuthenticator(options.store));
  limitAuditedReads(app, options.auditedReadsPerMinute ?? 1000);
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
      watchlistRoutes(api, ctx);
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

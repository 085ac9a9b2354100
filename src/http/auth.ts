import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Principal, Scope } from '../store/access.js';
import { HttpProblem } from './problem.js';

export type { Principal, Scope } from '../store/access.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Who is asking: set by the authentication hook for every request (anonymous when no credentials). */
    principal: Principal;
  }
}

/** The name of the session cookie. */
export const SESSION_COOKIE = 'lens_session';
/** The header that must repeat the session's CSRF token on requests that change data. */
export const CSRF_HEADER = 'x-csrf-token';

/**
 * What a request carries to say who sends it: an API token (`Authorization: Bearer …`), or a
 * session cookie with, for methods that change data, the session's CSRF token in a header.
 */
export interface Credentials {
  token?: string;
  session?: string;
  csrf?: string;
  /** The method changes data (not GET, HEAD or OPTIONS): a session must show its CSRF token. */
  unsafe: boolean;
}

/**
 * The port to the identity service: the principal the credentials stand for, `undefined`
 * when they are not valid (unknown, expired or revoked token or session; a missing or wrong
 * CSRF token on an unsafe request). Never called without credentials.
 */
export type Authenticate = (credentials: Credentials) => Promise<Principal | undefined>;

const ANONYMOUS: Principal = { kind: 'anonymous' };
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The credentials of a request (none: an empty object but for `unsafe`). */
export function credentialsOf(request: FastifyRequest): Credentials {
  const header = request.headers.authorization;
  const bearer = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header)?.[1] : undefined;
  const csrf = request.headers[CSRF_HEADER];
  return {
    token: bearer,
    session: bearer ? undefined : request.cookies[SESSION_COOKIE],
    csrf: typeof csrf === 'string' ? csrf : undefined,
    unsafe: !SAFE_METHODS.has(request.method),
  };
}

/**
 * Sets `request.principal` on every request from its credentials: anonymous without any, a
 * 401 problem when they are not valid (a client that sends a token means to be someone; it
 * must not silently read as anonymous). An `Authorization` header that is not a bearer token
 * is a 401 too.
 */
export function installAuthentication(app: FastifyInstance, authenticate: Authenticate): void {
  app.decorateRequest<Principal | null>('principal', null);
  app.addHook('onRequest', async (request) => {
    request.principal = ANONYMOUS;
    const credentials = credentialsOf(request);
    if (request.headers.authorization !== undefined && credentials.token === undefined)
      throw unauthorized('the Authorization header is not a bearer token');
    if (credentials.token === undefined && credentials.session === undefined) return;
    const principal = await authenticate(credentials);
    if (!principal) {
      throw unauthorized(
        credentials.token !== undefined
          ? 'the API token is not valid (unknown, expired or revoked)'
          : credentials.unsafe && credentials.csrf === undefined
            ? `the session needs its CSRF token in the ${CSRF_HEADER} header for this request`
            : 'the session is not valid (expired or signed out), or the CSRF token does not match',
      );
    }
    request.principal = principal;
  });
}

function unauthorized(detail: string): HttpProblem {
  return new HttpProblem(401, detail);
}

/** A route guard: a signed-in user (or token), else 401. */
export async function requireUser(request: FastifyRequest, reply: FastifyReply): Promise<void> {
  if (request.principal.kind === 'anonymous') {
    reply.header('www-authenticate', 'Bearer');
    throw unauthorized('sign in (POST /api/v1/session) or send an API token');
  }
}

/**
 * A route guard: a signed-in user whose token has `scope` (sessions have every scope their
 * role allows), else 401 or 403. What the role may do is the service's to decide.
 */
export function requireScope(scope: Scope) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    await requireUser(request, reply);
    const p = request.principal;
    if (p.kind === 'user' && p.scopes !== undefined && !p.scopes.includes(scope))
      throw new HttpProblem(403, `the API token lacks the "${scope}" scope`);
  };
}

/** How a principal signs what it does (`by` of reviews, acknowledgements, overrides). */
export function actorName(p: Principal): string {
  return p.kind === 'user' ? p.username : p.kind;
}

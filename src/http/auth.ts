import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Store } from '../services/context.js';
import { AuthenticationError, authenticate } from '../services/identity.js';
import type { Credentials, Principal, Scope } from '../services/identity.js';
import { HttpProblem } from './problem.js';

export type { Principal, Scope } from '../services/identity.js';

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
 * The port to the identity service: the principal that the credentials of a request stand
 * for (`unsafe`: the method changes data, so a session must show its CSRF token). Throws
 * AuthenticationError for credentials that are not valid. Never called without credentials.
 */
export type Authenticate = (credentials: Credentials, unsafe: boolean) => Promise<Principal>;

/** The identity service over `store` as the port. */
export function identityAuthenticator(store: Store): Authenticate {
  return (credentials, unsafe) => authenticate(store, credentials, { unsafe });
}

const ANONYMOUS: Principal = { kind: 'anonymous' };
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The credentials of a request: a bearer token, else the session cookie and CSRF header. */
export function credentialsOf(request: FastifyRequest): Credentials {
  const header = request.headers.authorization;
  const bearer = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header)?.[1] : undefined;
  const csrf = request.headers[CSRF_HEADER];
  return {
    bearer,
    session: bearer ? undefined : request.cookies[SESSION_COOKIE],
    csrf: typeof csrf === 'string' ? csrf : undefined,
  };
}

/** Tells the browser to forget the session cookie. */
export function clearSessionCookie(reply: FastifyReply): void {
  reply.clearCookie(SESSION_COOKIE, { path: '/' });
}

/**
 * Sets `request.principal` on every request from its credentials: anonymous without any; a
 * 401 problem when an API token is not valid (a client that sends a token means to be
 * someone, so it must not silently read as anonymous), 403 when a session's CSRF token is
 * missing or wrong on a request that changes data. An `Authorization` header that is not a
 * bearer token is a 401 too. A session cookie that no longer opens a session (signed out,
 * expired, its user disabled, its membership removed) is no credential: the browser keeps
 * sending it until told otherwise, so the answer clears it and the request goes on as
 * anonymous (public reads and sign-in work; everything else asks to sign in).
 */
export function installAuthentication(app: FastifyInstance, port: Authenticate): void {
  app.decorateRequest<Principal | null>('principal', null);
  app.addHook('onRequest', async (request, reply) => {
    request.principal = ANONYMOUS;
    const credentials = credentialsOf(request);
    if (request.headers.authorization !== undefined && credentials.bearer === undefined)
      throw unauthorized('the Authorization header is not a bearer token');
    if (credentials.bearer === undefined && credentials.session === undefined) return;
    try {
      request.principal = await port(credentials, !SAFE_METHODS.has(request.method));
    } catch (error) {
      if (!(error instanceof AuthenticationError)) throw error;
      if (error.reason === 'csrf')
        throw new HttpProblem(
          403,
          `${error.message}: send the session's CSRF token in the ${CSRF_HEADER} header`,
        );
      if (credentials.bearer !== undefined) throw unauthorized(error.message);
      clearSessionCookie(reply);
    }
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

/**
 * What decides what a principal may see (kind, organisation, role, token scopes): the part
 * of a cache key that keeps one reader's answers from another.
 */
export function visibilityKey(p: Principal): string {
  return p.kind === 'user'
    ? `user:${p.organisationId}:${p.role}:${p.scopes?.join(',') ?? '*'}`
    : p.kind;
}

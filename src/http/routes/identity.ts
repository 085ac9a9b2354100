import type { FastifyInstance, FastifyRequest } from 'fastify';
import {
  AuthenticationError,
  allowedActions,
  membershipsOf,
  sessionCsrf,
  signIn,
  signOut,
  switchOrganisation,
} from '../../services/identity.js';
import { SESSION_COOKIE, clearSessionCookie, credentialsOf, requireUser } from '../auth.js';
import type { ApiContext } from '../context.js';
import type { RateLimit } from '../limits.js';
import { HttpProblem } from '../problem.js';
import { errors, open, text } from '../schemas.js';

const membership = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    name: { type: 'string' },
    kind: { type: 'string' },
    role: { type: 'string', description: "the user's role there" },
    active: { type: 'boolean', description: 'the organisation the caller acts for now' },
    home: { type: 'boolean', description: 'where a sign-in starts' },
  },
  required: ['id', 'name', 'kind', 'role', 'active', 'home'],
};

const me = open(
  {
    kind: { type: 'string', enum: ['user', 'system'] },
    userId: { type: 'integer' },
    username: { type: 'string' },
    organisationId: { type: 'string', description: 'the organisation the caller acts for' },
    role: { type: 'string', description: "the user's role in that organisation" },
    scopes: { type: 'array', items: { type: 'string' } },
    actions: {
      type: 'array',
      items: { type: 'string' },
      description:
        'the writes the role (and token scopes) allow at all: submit-report, review-report, override, handle-alert, open-case, work-case, administer',
    },
    organisations: {
      type: 'array',
      items: membership,
      description: "the user's organisations, by id",
    },
  },
  'the signed-in user (scopes: those of the API token used; absent for a session)',
);

/**
 * The session token of a request made with the session cookie: a 403 for an API token
 * (tokens have no session and stay bound to their organisation), else a 401 without one.
 */
function sessionOf(request: FastifyRequest): string {
  const { bearer, session } = credentialsOf(request);
  if (bearer !== undefined)
    throw new HttpProblem(403, 'an API token has no session: it stays bound to its organisation');
  if (session === undefined || request.principal.kind !== 'user')
    throw new HttpProblem(401, 'no session: sign in (POST /api/v1/session)');
  return session;
}

/** A 401 problem for credentials the identity service refused. */
function refused(error: unknown): never {
  if (error instanceof AuthenticationError) throw new HttpProblem(401, error.message);
  throw error;
}

/**
 * Signing in and out with a session cookie, recovering the session's CSRF token, switching
 * the organisation the session acts for, and who the caller is.
 */
export function identityRoutes(app: FastifyInstance, ctx: ApiContext, signIns: RateLimit): void {
  app.post<{ Body: { username: string; password: string } }>(
    '/session',
    {
      config: { rateLimit: signIns },
      schema: {
        tags: ['identity'],
        summary:
          'Sign in with a password: sets the session cookie (HttpOnly, SameSite=Strict, Secure over TLS) and returns the CSRF token to send in the x-csrf-token header of every request that changes data',
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['username', 'password'],
          properties: {
            username: text(100),
            password: { type: 'string', minLength: 1, maxLength: 1000 },
          },
        },
        response: {
          201: {
            type: 'object',
            properties: {
              csrfToken: { type: 'string' },
              expiresAt: { type: 'string' },
              user: open({
                username: { type: 'string' },
                organisationId: { type: 'string' },
                role: { type: 'string' },
              }),
            },
            required: ['csrfToken', 'expiresAt', 'user'],
          },
          ...errors(401, 413, 415, 423, 429),
        },
      },
    },
    async (request, reply) => {
      let signed;
      try {
        signed = await signIn(ctx.store, request.body);
      } catch (error) {
        if (!(error instanceof AuthenticationError)) throw error;
        if (error.until)
          reply.header(
            'retry-after',
            Math.max(1, Math.ceil((Date.parse(error.until) - Date.now()) / 1000)),
          );
        throw new HttpProblem(error.reason === 'locked' ? 423 : 401, error.message);
      }
      reply.setCookie(SESSION_COOKIE, signed.sessionToken, {
        httpOnly: true,
        sameSite: 'strict',
        secure: request.protocol === 'https',
        path: '/',
        expires: new Date(signed.expiresAt),
      });
      return reply
        .code(201)
        .send({ csrfToken: signed.csrfToken, expiresAt: signed.expiresAt, user: signed.user });
    },
  );

  app.get(
    '/session',
    {
      schema: {
        tags: ['identity'],
        summary:
          "The CSRF token of the caller's session (a new browser tab gets it without signing in again); the session cookie only, never an API token",
        security: [{ session: [] }],
        response: {
          200: {
            type: 'object',
            properties: { csrfToken: { type: 'string' }, expiresAt: { type: 'string' } },
            required: ['csrfToken', 'expiresAt'],
          },
          ...errors(401, 403),
        },
      },
    },
    async (request) => sessionCsrf(ctx.store, sessionOf(request)).catch(refused),
  );

  app.post<{ Body: { organisation: string } }>(
    '/session/organisation',
    {
      config: { rateLimit: signIns },
      schema: {
        tags: ['identity'],
        summary:
          'Switch the organisation the session acts for (needs the CSRF token): from then on it sees and does what its role there allows, nothing of the others. 403 for an organisation the user is not a member of. API tokens stay bound to their organisation',
        security: [{ session: [] }],
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['organisation'],
          properties: { organisation: text(64, "the id of one of the user's organisations") },
        },
        response: { 200: me, ...errors(401, 403, 413, 415, 429) },
      },
    },
    async (request) => {
      const principal = await switchOrganisation(
        ctx.store,
        sessionOf(request),
        request.body.organisation,
      ).catch(refused);
      return { ...principal, organisations: await membershipsOf(ctx.store, principal) };
    },
  );

  app.delete(
    '/session',
    {
      // Whatever the answer (a session already ended, a missing CSRF token), the browser
      // forgets its cookie: signing out never leaves it holding one.
      onSend: async (_request, reply) => clearSessionCookie(reply),
      schema: {
        tags: ['identity'],
        summary:
          'Sign out: ends the session (needs the CSRF token) and clears its cookie, whatever the answer',
        response: { 204: { type: 'null' }, ...errors(401, 403) },
      },
    },
    async (request, reply) => {
      const session = request.cookies[SESSION_COOKIE];
      if (session !== undefined && request.principal.kind === 'user')
        await signOut(ctx.store, session);
      return reply.code(204).send();
    },
  );

  app.get(
    '/me',
    {
      preHandler: requireUser,
      schema: {
        tags: ['identity'],
        summary:
          "Who the caller is: user, the organisation acted for and the role there, token scopes, and the user's organisations",
        security: [{ bearer: [] }, { session: [] }],
        response: { 200: me, ...errors(401) },
      },
    },
    async (request) => {
      const p = request.principal;
      const actions = allowedActions(p);
      return p.kind === 'user'
        ? { ...p, actions, organisations: await membershipsOf(ctx.store, p) }
        : { ...p, actions };
    },
  );
}

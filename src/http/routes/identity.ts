import type { FastifyInstance } from 'fastify';
import { AuthenticationError, signIn, signOut } from '../../services/identity.js';
import { SESSION_COOKIE, requireUser } from '../auth.js';
import type { ApiContext } from '../context.js';
import type { RateLimit } from '../limits.js';
import { HttpProblem } from '../problem.js';
import { errors, open, text } from '../schemas.js';

const me = open(
  {
    kind: { type: 'string', enum: ['user', 'system'] },
    userId: { type: 'integer' },
    username: { type: 'string' },
    organisationId: { type: 'string' },
    role: { type: 'string' },
    scopes: { type: 'array', items: { type: 'string' } },
  },
  'the signed-in user (scopes: those of the API token used; absent for a session)',
);

/** Signing in and out with a session cookie, and who the caller is. */
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

  app.delete(
    '/session',
    {
      schema: {
        tags: ['identity'],
        summary: 'Sign out: ends the session and clears its cookie (needs the CSRF token)',
        response: { 204: { type: 'null' }, ...errors(401, 403) },
      },
    },
    async (request, reply) => {
      const session = request.cookies[SESSION_COOKIE];
      if (session !== undefined && request.principal.kind === 'user')
        await signOut(ctx.store, session);
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.code(204).send();
    },
  );

  app.get(
    '/me',
    {
      preHandler: requireUser,
      schema: {
        tags: ['identity'],
        summary: 'Who the caller is: user, organisation, role and token scopes',
        security: [{ bearer: [] }, { session: [] }],
        response: { 200: me, ...errors(401) },
      },
    },
    async (request) => request.principal,
  );
}

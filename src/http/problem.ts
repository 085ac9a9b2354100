import { STATUS_CODES } from 'node:http';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { InputError } from '../core/errors.js';
import { AccessDeniedError } from '../services/identity.js';

/** The media type of every error answer (RFC 9457). */
export const PROBLEM_TYPE = 'application/problem+json';

/** One offending input of a 400 answer: where it was (`body`, `querystring`, `params`) and which field. */
export interface FieldProblem {
  in: string;
  /** The field, as a dotted path (`place.latitude`), empty for the input as a whole. */
  field: string;
  message: string;
}

/**
 * An RFC 9457 problem document. `type` is `about:blank` (the status says it all) and `title`
 * the status phrase; `detail` explains this occurrence; `errors` lists the fields of a 400.
 */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  errors?: FieldProblem[];
}

/** An error a route throws on purpose: answered as a problem with this status, never logged as a failure. */
export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    detail: string,
    readonly errors?: FieldProblem[],
    /** Headers of the answer (`retry-after` of a 429). */
    readonly headers?: Record<string, string>,
  ) {
    super(detail);
    this.name = 'HttpProblem';
  }
}

/** A 404 for the thing a path names. */
export function notFound(detail: string): HttpProblem {
  return new HttpProblem(404, detail);
}

/** The JSON schema of a problem document (for the OpenAPI description of error answers). */
export const problemSchema = {
  $id: 'Problem',
  type: 'object',
  description: 'An error, as RFC 9457 problem details (media type application/problem+json).',
  properties: {
    type: { type: 'string' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    instance: { type: 'string' },
    errors: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          in: { type: 'string' },
          field: { type: 'string' },
          message: { type: 'string' },
        },
        required: ['in', 'field', 'message'],
      },
    },
  },
  required: ['type', 'title', 'status'],
} as const;

declare module 'fastify' {
  /**
   * Route options read by the error handler. `pathResource`: the path names one thing, so an
   * InputError of the service that says it does not exist ("no alert 7") is a 404.
   * `fields`: the service's names of input fields (often the command's flags) mapped to the
   * API's, so a 400 names the field the client sent.
   */
  interface FastifyContextConfig {
    pathResource?: boolean;
    fields?: Record<string, string>;
  }
}

/** Sends `problem` as `application/problem+json`. */
export function sendProblem(reply: FastifyReply, problem: Problem): FastifyReply {
  return reply.code(problem.status).type(PROBLEM_TYPE).send(problem);
}

function problem(status: number, detail: string, request: FastifyRequest): Problem {
  return {
    type: 'about:blank',
    title: STATUS_CODES[status] ?? 'Error',
    status,
    detail,
    instance: request.url.split('?')[0],
  };
}

/** The answer to a path no route serves: a 404 problem. */
export function routeNotFound(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  return sendProblem(
    reply,
    problem(404, `no route ${request.method} ${request.url.split('?')[0]}`, request),
  );
}

/** A validation error of Fastify (Ajv) as field problems. */
function validationProblems(error: FastifyError): FieldProblem[] {
  const where = error.validationContext ?? 'request';
  return (error.validation ?? []).map((v) => {
    const params = v.params as Record<string, unknown>;
    const base = v.instancePath
      .split('/')
      .filter(Boolean)
      .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
    const extra = params.missingProperty ?? params.additionalProperty;
    const field = [...base, ...(typeof extra === 'string' ? [extra] : [])].join('.');
    const message =
      typeof params.additionalProperty === 'string'
        ? 'is not a known field'
        : typeof params.missingProperty === 'string'
          ? 'is required'
          : (v.message ?? 'is invalid');
    return { in: where, field, message };
  });
}

/**
 * One error handler for the whole API: validation failures and InputError become 400 naming
 * the field (404 for a missing path resource), the services' AccessDeniedError 403,
 * HttpProblem its own status, Fastify's own
 * errors (413, 415, 429 and the like) their status; anything else a 500 that says nothing of
 * the code (the error goes to the log). Paths no route serves get `routeNotFound`.
 */
export function installProblemHandlers(app: FastifyInstance): void {
  app.setErrorHandler((error: Error, request, reply) => {
    const fastifyError = error as FastifyError;
    if (fastifyError.validation) {
      const errors = validationProblems(fastifyError);
      const first = errors[0];
      const detail = first
        ? `${first.in} ${first.field ? `field "${first.field}" ` : ''}${first.message}`
        : error.message;
      return sendProblem(reply, { ...problem(400, detail, request), errors });
    }
    if (error instanceof HttpProblem) {
      if (error.headers) reply.headers(error.headers);
      const p = problem(error.status, error.message, request);
      return sendProblem(reply, error.errors ? { ...p, errors: error.errors } : p);
    }
    if (error instanceof AccessDeniedError)
      return sendProblem(reply, problem(403, error.message, request));
    if (error instanceof InputError) {
      const config = request.routeOptions.config;
      const field =
        error.column === undefined ? '' : (config.fields?.[error.column] ?? error.column);
      const ofPath =
        error.column === undefined || Object.hasOwn((request.params ?? {}) as object, field);
      if (config.pathResource && ofPath && /^(column "[^"]*": )?(no|unknown) /.test(error.message))
        return sendProblem(reply, problem(404, error.message, request));
      const p = problem(400, error.message, request);
      const where =
        error.column !== undefined && ofPath
          ? 'params'
          : request.method === 'GET'
            ? 'querystring'
            : 'body';
      return sendProblem(reply, {
        ...p,
        errors: [{ in: where, field, message: error.message }],
      });
    }
    const status = fastifyError.statusCode ?? 500;
    if (status >= 500) {
      request.log.error({ err: error }, 'request failed');
      return sendProblem(reply, problem(500, 'the server failed to answer; see its log', request));
    }
    return sendProblem(reply, problem(status, error.message, request));
  });
}

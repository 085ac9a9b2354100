import type { FastifyRequest } from 'fastify';
import { SESSION_COOKIE } from './auth.js';

/** A rate limit of a route (the `rateLimit` option of @fastify/rate-limit): `max` requests per `timeWindow` ms per client. */
export interface RateLimit {
  max: number;
  timeWindow: number;
  keyGenerator: (request: FastifyRequest) => string;
}

/**
 * The client a limit counts for: its API token or session when it sends one (each user has
 * their own allowance, wherever they connect from), else its address.
 */
function clientKey(request: FastifyRequest): string {
  const auth = request.headers.authorization;
  if (typeof auth === 'string') return `token:${auth}`;
  const session = request.cookies[SESSION_COOKIE];
  return session ? `session:${session}` : `ip:${request.ip}`;
}

/** `max` requests per minute per client. */
export function perMinute(max: number): RateLimit {
  return { max, timeWindow: 60_000, keyGenerator: clientKey };
}

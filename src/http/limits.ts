import type { FastifyRequest } from 'fastify';

/** A rate limit of a route (the `rateLimit` option of @fastify/rate-limit): `max` requests per `timeWindow` ms per client. */
export interface RateLimit {
  max: number;
  timeWindow: number;
  keyGenerator: (request: FastifyRequest) => string;
}

/**
 * The client a limit counts for: the user its credentials resolved to (each user has one
 * allowance, through every session and token, wherever they connect from), else its
 * address (behind a trusted proxy, the client's as the proxy tells it). Never the text of
 * a header: the same token written another way is the same client. Valid once the
 * authentication hook has set the request's principal.
 */
export function clientKey(request: FastifyRequest): string {
  const p = request.principal;
  return p.kind === 'user' ? `user:${p.userId}` : `ip:${request.ip}`;
}

/** `max` requests per minute per client. */
export function perMinute(max: number): RateLimit {
  return { max, timeWindow: 60_000, keyGenerator: clientKey };
}

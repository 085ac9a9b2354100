import type { FastifyInstance, FastifyRequest } from 'fastify';
import { withReadAuditScope } from '../services/audit.js';
import { HttpProblem } from './problem.js';

/** Window of the allowance of audited reads, in ms. */
const WINDOW_MS = 60_000;

/**
 * Who an allowance of audited reads counts for: the signed-in user, whichever organisation
 * they act for and however they send their credentials. Only signed-in users read items
 * whose reads are recorded (anonymous readers see CLEAR items only).
 */
function identityOf(request: FastifyRequest): string | undefined {
  const p = request.principal;
  return p.kind === 'user' ? `user:${p.userId}` : undefined;
}

/**
 * Limits the reads that write the audit trail: each signed-in user may have at most
 * `itemsPerMinute` AMBER, AMBER+STRICT or RED items recorded as read per minute. A read that
 * would go beyond is refused with 429 before anything is recorded or returned; reads of
 * CLEAR and GREEN items are not counted. Each read request runs in a scope of its own (see
 * `withReadAuditScope`), through which the data layer asks before it records a read.
 */
export function limitAuditedReads(app: FastifyInstance, itemsPerMinute: number): void {
  const used = new Map<string, { since: number; items: number }>();
  const admit = (request: FastifyRequest, items: number): void => {
    const who = identityOf(request);
    if (who === undefined) return;
    const now = Date.now();
    for (const [key, u] of used) if (now - u.since >= WINDOW_MS) used.delete(key);
    const u = used.get(who) ?? { since: now, items: 0 };
    if (u.items + items > itemsPerMinute) {
      const wait = Math.max(1, Math.ceil((u.since + WINDOW_MS - now) / 1000));
      throw new HttpProblem(
        429,
        `too many reads of recorded items (at most ${itemsPerMinute} a minute); try again in ${wait} s`,
      );
    }
    u.items += items;
    used.set(who, u);
  };
  app.addHook('onRequest', (request, _reply, done) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return done();
    withReadAuditScope({ admit: (items) => admit(request, items) }, done);
  });
}

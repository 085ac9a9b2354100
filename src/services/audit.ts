import { AccessDeniedError, canDo, describePrincipal } from '../store/access.js';
import type { Principal } from '../store/access.js';
import { appendAudit, listAudit, verifyAuditChain } from '../store/audit-repository.js';
import type { AuditEntry, AuditVerification } from '../store/audit-repository.js';
import type { Store } from '../store/database.js';

export type { AuditEntry, AuditVerification } from '../store/audit-repository.js';

/**
 * Records a write in the audit trail (who is `principal`; `at` ISO, default now). The
 * services that write items call this, or `appendAudit` inside their own transaction;
 * reads of AMBER, AMBER+STRICT and RED items are recorded by the data layer itself.
 */
export async function recordAudit(
  store: Store,
  principal: Principal,
  e: {
    action: string;
    itemType: string;
    itemId?: string;
    detail?: Record<string, unknown>;
    at?: string;
  },
): Promise<void> {
  await appendAudit(store.db, [
    {
      at: e.at ?? new Date().toISOString(),
      actor: describePrincipal(principal),
      action: e.action,
      itemType: e.itemType,
      itemId: e.itemId ?? null,
      detail: e.detail,
    },
  ]);
}

/**
 * Checks the whole chain: every entry present, in order, unchanged. Reports the first
 * broken seq. To detect removal of the newest entries too, compare `head` with one noted
 * earlier (`expectHead`): a chain cut short at an earlier entry is itself consistent.
 */
export async function verifyAudit(
  store: Store,
  principal: Principal,
  options: { expectHead?: string } = {},
): Promise<AuditVerification & { headMatches?: boolean }> {
  if (principal.kind !== 'system' && !canDo(principal, 'administer'))
    throw new AccessDeniedError(`${describePrincipal(principal)} may not verify the audit trail`);
  const result = await verifyAuditChain(store.db);
  if (options.expectHead === undefined) return result;
  // The noted head must still be in the chain: the current head, or an earlier entry's hash.
  const present =
    result.head === options.expectHead ||
    (await listAudit(store.db)).some((e) => e.hash === options.expectHead);
  return { ...result, ok: result.ok && present, headMatches: present };
}

/**
 * Audit entries in chain order: all for the operator; for admins, those whose actor is of
 * their organisation. `afterSeq` and `limit` page through them.
 */
export async function auditTrail(
  store: Store,
  principal: Principal,
  q: { afterSeq?: number; limit?: number; itemType?: string; itemId?: string } = {},
): Promise<AuditEntry[]> {
  if (principal.kind === 'system') return listAudit(store.db, q);
  if (principal.kind !== 'user' || !canDo(principal, 'administer'))
    throw new AccessDeniedError(`${describePrincipal(principal)} may not read the audit trail`);
  const suffix = `@${principal.organisationId}`;
  return (await listAudit(store.db, q)).filter((e) => e.actor.endsWith(suffix));
}

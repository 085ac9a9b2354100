import type { Transaction } from 'kysely';
import { AccessDeniedError, canDo, describePrincipal } from '../store/access.js';
import type { Principal } from '../store/access.js';
import { appendAudit, listAudit, verifyAuditChain } from '../store/audit-repository.js';
import type { AuditEntry, AuditInput, AuditVerification } from '../store/audit-repository.js';
import { auditShown as auditShownIn } from '../store/read-audit.js';
import type { Store } from '../store/database.js';
import type { Schema } from '../store/schema.js';

export type { AuditEntry, AuditVerification } from '../store/audit-repository.js';

/**
 * An audit entry as a service states it. `actor`: a principal, or the name to record as it
 * stands (`system`, the username tried at a refused sign-in); `at` ISO timestamp.
 */
export interface AuditRecord {
  actor: Principal | string;
  action: string;
  itemType: string;
  itemId?: string | null;
  detail?: Record<string, unknown>;
  at: string;
}

/** How a change given to `audited` states an entry to append with it. */
export type RecordAudit = (entry: AuditRecord) => void;

function toInput(e: AuditRecord): AuditInput {
  return {
    at: e.at,
    actor: typeof e.actor === 'string' ? e.actor : describePrincipal(e.actor),
    action: e.action,
    itemType: e.itemType,
    itemId: e.itemId ?? null,
    detail: e.detail,
  };
}

/**
 * Stores a change with its audit entries, all or nothing: `change` writes through the
 * transaction it is given and states what it did with `record`; once it returns, the
 * entries are appended to the chain in the same transaction, so the change and its record
 * commit together or neither does (a failed append undoes the change; a change that throws
 * records nothing). Entries may name what the change created (a new id) or decided (a
 * lock-out). The way every service stores a write and its audit entry.
 */
export async function audited<T>(
  store: Store,
  change: (trx: Transaction<Schema>, record: RecordAudit) => Promise<T>,
): Promise<T> {
  return store.db.transaction().execute(async (trx) => {
    const entries: AuditRecord[] = [];
    const result = await change(trx, (entry) => entries.push(entry));
    await appendAudit(trx, entries.map(toInput));
    return result;
  });
}

/**
 * Records in the audit trail an event that changes nothing else (a refused sign-in, a
 * refused switch of organisation); `at` ISO, default now. A change and its entry go
 * through `audited` instead. Reads of AMBER, AMBER+STRICT and RED items are recorded by the
 * data layer itself.
 */
export async function recordAudit(
  store: Store,
  e: Omit<AuditRecord, 'at'> & { at?: string },
): Promise<void> {
  await appendAudit(store.db, [toInput({ ...e, at: e.at ?? new Date().toISOString() })]);
}

/**
 * Checks the whole chain: every entry present, in order, unchanged, each hash the HMAC of its
 * entry under the audit key it names (held outside the database). Reports the first broken
 * seq. To detect removal of the newest entries too, compare `head` with one noted earlier
 * (`expectHead`): a chain cut short at an earlier entry is itself consistent. A head noted
 * before the chain was keyed is recognised through the `rekey` entry that records it.
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
  const present = await holdsHead(store, options.expectHead);
  return { ...result, ok: result.ok && present, headMatches: present };
}

/** Whether `head` is the hash of an entry of the chain, or the head it had before it was keyed. */
async function holdsHead(store: Store, head: string): Promise<boolean> {
  const entry = await store.db
    .selectFrom('audit_log')
    .select('seq')
    .where('hash', '=', head)
    .executeTakeFirst();
  if (entry !== undefined) return true;
  const rekeys = await store.db
    .selectFrom('audit_log')
    .select('detail')
    .where('action', '=', 'rekey')
    .where('item_type', '=', 'audit-trail')
    .execute();
  return rekeys.some(
    (r) => (JSON.parse(r.detail) as { previousHead?: string }).previousHead === head,
  );
}

/**
 * Starts signing the audit trail with a new key, appended to the key file; the old keys stay
 * there to verify the entries they signed. The change is an entry of its own (`rotate-key`,
 * naming both keys' ids), the first one signed with the new key. The local operator only.
 */
export async function rotateAuditKey(
  store: Store,
  principal: Principal,
  now = new Date().toISOString(),
): Promise<{ previous: string; current: string; file: string }> {
  if (principal.kind !== 'system')
    throw new AccessDeniedError(`${describePrincipal(principal)} may not rotate the audit key`);
  const { previous, current } = store.auditKeys.rotate();
  await recordAudit(store, {
    actor: principal,
    action: 'rotate-key',
    itemType: 'audit-trail',
    detail: { previous: previous.id, key: current.id },
    at: now,
  });
  return { previous: previous.id, current: current.id, file: store.auditKeys.source };
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

/**
 * Runs a list read whose answer shows one page of what it read, and records in the audit
 * trail only the items shown (`shown` gives their type and ids, as the trail names them):
 * a page of one AMBER report is one entry about one report, however many the list holds.
 */
export function auditShown<T>(
  store: Store,
  read: () => Promise<T>,
  shown: (result: T) => { itemType: string; ids: readonly string[] },
): Promise<T> {
  return auditShownIn(store.db, read, shown);
}

export { MAX_ITEMS_PER_READ_ENTRY, withReadAuditScope } from '../store/read-audit.js';
export type { ReadAuditScope } from '../store/read-audit.js';

import { AsyncLocalStorage } from 'node:async_hooks';
import type { Kysely, Transaction } from 'kysely';
import type { Tlp } from '../core/escalation/types.js';
import { appendAudit } from './audit-repository.js';
import type { AuditInput } from './audit-repository.js';
import type { Schema } from './schema.js';

type Db = Kysely<Schema> | Transaction<Schema>;

/** Items one audit entry of a read lists at most; a larger read is recorded in several entries. */
export const MAX_ITEMS_PER_READ_ENTRY = 100;

/** A read of private items, as its audit entries will record it. */
export interface PrivateRead {
  at: string;
  actor: string;
  /** `read`, `export`, … */
  action: string;
  itemType: string;
  items: readonly { id: string; tlp: Tlp }[];
}

/**
 * How reads are recorded within one request (the HTTP server opens one per read request):
 * `admit` is told how many items a read entry is about to record and throws to refuse the
 * read (a rate limit on reads that write the trail); `held`, when present, collects reads
 * instead of appending them, for `auditShown` to record only what was returned.
 */
export interface ReadAuditScope {
  admit(items: number): void;
  held?: PrivateRead[];
}

const scopes = new AsyncLocalStorage<ReadAuditScope>();

/** Runs `fn` with reads recorded under `scope` (everything `fn` awaits included). */
export function withReadAuditScope<T>(scope: ReadAuditScope, fn: () => T): T {
  return scopes.run(scope, fn);
}

/**
 * The audit entries of a read: one per `MAX_ITEMS_PER_READ_ENTRY` items, each listing the
 * ids and levels it covers, so no single entry grows with the size of what was read.
 */
function readEntries(read: PrivateRead): AuditInput[] {
  const entries: AuditInput[] = [];
  for (let i = 0; i < read.items.length; i += MAX_ITEMS_PER_READ_ENTRY) {
    const part = read.items.slice(i, i + MAX_ITEMS_PER_READ_ENTRY);
    entries.push({
      at: read.at,
      actor: read.actor,
      action: read.action,
      itemType: read.itemType,
      itemId: read.items.length === 1 ? part[0]!.id : null,
      detail: { items: part.map((d) => ({ id: d.id, tlp: d.tlp })) },
    });
  }
  return entries;
}

/**
 * Records a read of private items (`items` not empty): held by the request's scope when it
 * holds reads, else admitted by it (which may refuse) and appended, in `db`'s transaction
 * when it is one.
 */
export async function recordRead(db: Db, read: PrivateRead): Promise<void> {
  const scope = scopes.getStore();
  if (scope?.held && read.action === 'read') {
    scope.held.push(read);
    return;
  }
  scope?.admit(read.items.length);
  await appendAudit(db, readEntries(read));
}

/**
 * Runs a read whose answer shows part of what it read (a page of a list), and records in the
 * audit trail only what is shown: items of `shown.itemType` whose ids are in `shown.ids`, and
 * any read of another type in full (what the answer was computed from). The request's
 * scope admits the entries before they are appended; a refusal throws before the answer is
 * returned.
 */
export async function auditShown<T>(
  db: Db,
  read: () => Promise<T>,
  shown: (result: T) => { itemType: string; ids: readonly string[] },
): Promise<T> {
  const outer = scopes.getStore();
  const held: PrivateRead[] = [];
  const result = await scopes.run({ admit: () => undefined, held }, read);
  const { itemType, ids } = shown(result);
  const keep = new Set(ids);
  const reads = held
    .map((r) =>
      r.itemType === itemType ? { ...r, items: r.items.filter((d) => keep.has(d.id)) } : r,
    )
    .filter((r) => r.items.length > 0);
  for (const r of reads) outer?.admit(r.items.length);
  await appendAudit(db, reads.flatMap(readEntries));
  return result;
}

import { createHash, createHmac } from 'node:crypto';
import { PostgresAdapter, sql } from 'kysely';
import type { Kysely, Transaction } from 'kysely';
import { AuditKeyring } from './audit-key.js';
import type { AuditKey } from './audit-key.js';
import type { Schema } from './schema.js';

type Db = Kysely<Schema> | Transaction<Schema>;

/** What an audit entry records: who did what to which item, when, with details. */
export interface AuditInput {
  /** ISO timestamp. */
  at: string;
  /** `system`, `anonymous` or `USERNAME@ORGANISATION`. */
  actor: string;
  /** A verb: `read`, `export`, `create`, `update`, `review`, `sign-in`, … */
  action: string;
  /** `field-report`, `alert`, `override`, `case`, `user`, … */
  itemType: string;
  itemId: string | null;
  /** Any JSON-serialisable details; stored as canonical JSON. */
  detail?: Record<string, unknown>;
}

/** An audit entry as stored, with its place in the chain. */
export interface AuditEntry extends Required<AuditInput> {
  seq: number;
  prevHash: string;
  hash: string;
  /** Id of the audit key that signed it (null: written before the chain was keyed). */
  keyId: string | null;
}

/** The `prev_hash` of the first entry. */
export const GENESIS_HASH = '0'.repeat(64);

/** JSON with object keys sorted at every level: one text for one value, whatever the key order. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/** What an entry's hash covers: its fields as stored, and the previous entry's hash. */
export interface ChainedEntry {
  seq: number;
  at: string;
  actor: string;
  action: string;
  itemType: string;
  itemId: string | null;
  /** The detail as stored (canonical JSON text). */
  detailJson: string;
  prevHash: string;
}

function entryContent(e: ChainedEntry): string {
  return canonicalJson({
    seq: e.seq,
    at: e.at,
    actor: e.actor,
    action: e.action,
    itemType: e.itemType,
    itemId: e.itemId,
    detail: e.detailJson,
  });
}

/**
 * The hash of an entry: HMAC-SHA256 (hex), keyed by an audit key held outside the database,
 * over the canonical JSON of its fields (seq, at, actor, action, item type and id, detail as
 * stored) followed by the previous entry's hash. Covering `seq` makes a reordering or a
 * removed entry break the chain; the key makes a rewritten entry break it even when every
 * later hash is recomputed, unless the one who rewrites holds the key.
 */
export function entryHash(key: AuditKey, e: ChainedEntry): string {
  return createHmac('sha256', key.secret).update(entryContent(e)).update(e.prevHash).digest('hex');
}

/**
 * The hash entries had before the chain was keyed (migration `0030-audit-keys`): SHA-256
 * over the same text. Anyone can compute it, so it is used only to check an old chain once,
 * before its entries are signed with the key.
 */
export function unkeyedEntryHash(e: ChainedEntry): string {
  return createHash('sha256').update(entryContent(e)).update(e.prevHash).digest('hex');
}

/** The audit keys travelling with this connection (see `AuditKeyring`); an Error when none. */
export function auditKeyringOf(db: Db): AuditKeyring {
  const ring = db.getExecutor().plugins.find((p) => p instanceof AuditKeyring);
  if (ring === undefined) throw new Error('this database connection has no audit key');
  return ring as AuditKeyring;
}

/**
 * Appends entries to the chain, inside `db`'s transaction when it is one (so the entry
 * commits or rolls back with the write it records), else in a transaction of its own.
 * Appenders are serialised: by the single connection on SQLite, by a transaction-scoped
 * table lock on PostgreSQL, so two writers never take the same `seq`.
 */
export async function appendAudit(db: Db, entries: readonly AuditInput[]): Promise<void> {
  if (entries.length === 0) return;
  if (!db.isTransaction) {
    await db.transaction().execute((trx) => appendAudit(trx, entries));
    return;
  }
  if (db.getExecutor().adapter instanceof PostgresAdapter)
    await sql`lock table audit_log in share row exclusive mode`.execute(db);
  const last = await db
    .selectFrom('audit_log')
    .select(['seq', 'hash'])
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();
  const key = auditKeyringOf(db).current;
  let seq = last ? Number(last.seq) : 0;
  let prevHash = last?.hash ?? GENESIS_HASH;
  const rows = entries.map((e) => {
    seq++;
    const detailJson = canonicalJson(e.detail ?? {});
    const hash = entryHash(key, { ...e, seq, prevHash, detailJson });
    const row = {
      seq,
      at: e.at,
      actor: e.actor,
      action: e.action,
      item_type: e.itemType,
      item_id: e.itemId,
      detail: detailJson,
      prev_hash: prevHash,
      hash,
      key_id: key.id,
    };
    prevHash = hash;
    return row;
  });
  await db.insertInto('audit_log').values(rows).execute();
}

/** Entries in chain order, optionally from `afterSeq` on and at most `limit`. */
export async function listAudit(
  db: Db,
  q: { afterSeq?: number; limit?: number; itemType?: string; itemId?: string } = {},
): Promise<AuditEntry[]> {
  let query = db.selectFrom('audit_log').selectAll().orderBy('seq');
  if (q.afterSeq !== undefined) query = query.where('seq', '>', q.afterSeq);
  if (q.itemType !== undefined) query = query.where('item_type', '=', q.itemType);
  if (q.itemId !== undefined) query = query.where('item_id', '=', q.itemId);
  if (q.limit !== undefined) query = query.limit(q.limit);
  return (await query.execute()).map((r) => ({
    seq: Number(r.seq),
    at: r.at,
    actor: r.actor,
    action: r.action,
    itemType: r.item_type,
    itemId: r.item_id,
    detail: JSON.parse(r.detail) as Record<string, unknown>,
    prevHash: r.prev_hash,
    hash: r.hash,
    keyId: r.key_id,
  }));
}

/** What verifying the chain found: `ok`, the entries checked, the last hash, the first break. */
export interface AuditVerification {
  ok: boolean;
  entries: number;
  /** The hash of the last entry (64 zeros when empty): note it to detect a truncated tail later. */
  head: string;
  /** The first entry that does not fit the chain, and why. */
  broken?: { seq: number; reason: string };
}

/**
 * Walks the whole chain in `seq` order (in pages, so any length fits in memory), every row
 * whatever its number, and checks that seq counts 1, 2, 3… without gaps, that each entry's
 * `prev_hash` is the previous entry's hash and that each hash is the HMAC of the entry's
 * content under the key it names. An edited, deleted, inserted or reordered entry, or one
 * rewritten with every later hash recomputed by someone without the key, is reported at the
 * first seq where the chain breaks.
 */
export async function verifyAuditChain(db: Db, pageSize = 5000): Promise<AuditVerification> {
  const ring = auditKeyringOf(db);
  let expectedSeq = 1;
  let prevHash = GENESIS_HASH;
  let entries = 0;
  // The first page has no lower bound: a row numbered below 1, however far, is read too.
  let after: number | undefined;
  for (;;) {
    let query = db.selectFrom('audit_log').selectAll().orderBy('seq').limit(pageSize);
    if (after !== undefined) query = query.where('seq', '>', after);
    const page = await query.execute();
    if (page.length === 0) break;
    for (const r of page) {
      const seq = Number(r.seq);
      const broken = (at: number, reason: string): AuditVerification => ({
        ok: false,
        entries,
        head: prevHash,
        broken: { seq: at, reason },
      });
      if (seq !== expectedSeq)
        return seq > expectedSeq
          ? broken(expectedSeq, `entry ${expectedSeq} is missing (the next is ${seq})`)
          : broken(seq, `entry ${seq} is out of sequence (expected ${expectedSeq})`);
      if (r.key_id === null)
        return broken(
          seq,
          'it is not signed with an audit key (written without one, or already out of the chain when the chain was keyed)',
        );
      if (r.prev_hash !== prevHash)
        return broken(seq, 'its previous hash is not the hash of the entry before it');
      const key = ring.find(r.key_id);
      if (key === undefined)
        return broken(
          seq,
          `it is signed with audit key ${r.key_id}, which is not among the keys in ${ring.source}`,
        );
      const hash = entryHash(key, {
        seq,
        at: r.at,
        actor: r.actor,
        action: r.action,
        itemType: r.item_type,
        itemId: r.item_id,
        prevHash: r.prev_hash,
        detailJson: r.detail,
      });
      if (hash !== r.hash) return broken(seq, 'its content does not match its hash');
      prevHash = r.hash;
      after = seq;
      expectedSeq++;
      entries++;
    }
  }
  return { ok: true, entries, head: prevHash };
}

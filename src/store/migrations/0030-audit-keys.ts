import type { Kysely } from 'kysely';
import {
  GENESIS_HASH,
  auditKeyringOf,
  canonicalJson,
  entryHash,
  unkeyedEntryHash,
} from '../audit-repository.js';
import type { Schema } from '../schema.js';

/** Rows read at a time while the chain is signed. */
const PAGE = 2000;

/**
 * The audit chain becomes keyed: each entry names the audit key (`key_id`) whose HMAC is its
 * hash. The entries of an existing chain are checked once more with the old, unkeyed SHA-256,
 * then signed with the store's current key, first to last, up to the first entry that does
 * not fit (an entry edited, removed or slipped in before this migration): that entry and the
 * ones after it keep their old hash and no key, so `lens audit verify` still reports the break
 * where it was. When the whole old chain was intact, an entry `rekey` of the `audit-trail`
 * records how many entries were signed and the head the chain had before, so a head noted
 * earlier can still be checked with `--expect-head`. This happens once per key file: the
 * file is sealed, and a store that runs this migration again with it (its migration record and
 * key column stripped, say) keeps an unkeyed chain, which `verify` reports.
 */
export async function up(untyped: Kysely<unknown>): Promise<void> {
  await untyped.schema.alterTable('audit_log').addColumn('key_id', 'text').execute();
  const db = untyped as unknown as Kysely<Schema>;
  const keyring = auditKeyringOf(db);
  // Keys that have already signed a chain never sign an unkeyed one: the entries stay unkeyed
  // and `lens audit verify` reports them (see `maySignUnkeyedChain`).
  if (!keyring.maySignUnkeyedChain()) return;
  const key = keyring.current;
  let expectedSeq = 1;
  let oldPrev = GENESIS_HASH;
  let newPrev = GENESIS_HASH;
  let after: number | undefined;
  let intact = true;
  signing: for (;;) {
    let query = db.selectFrom('audit_log').selectAll().orderBy('seq').limit(PAGE);
    if (after !== undefined) query = query.where('seq', '>', after);
    const page = await query.execute();
    if (page.length === 0) break;
    for (const r of page) {
      const entry = {
        seq: Number(r.seq),
        at: r.at,
        actor: r.actor,
        action: r.action,
        itemType: r.item_type,
        itemId: r.item_id,
        detailJson: r.detail,
      };
      if (
        entry.seq !== expectedSeq ||
        r.prev_hash !== oldPrev ||
        unkeyedEntryHash({ ...entry, prevHash: oldPrev }) !== r.hash
      ) {
        intact = false;
        break signing;
      }
      const hash = entryHash(key, { ...entry, prevHash: newPrev });
      await db
        .updateTable('audit_log')
        .set({ prev_hash: newPrev, hash, key_id: key.id })
        .where('seq', '=', entry.seq)
        .execute();
      oldPrev = r.hash;
      newPrev = hash;
      after = entry.seq;
      expectedSeq++;
    }
  }
  const signed = expectedSeq - 1;
  keyring.seal();
  if (!intact || signed === 0) return;
  const record = {
    seq: expectedSeq,
    at: new Date().toISOString(),
    actor: 'system',
    action: 'rekey',
    itemType: 'audit-trail',
    itemId: null,
    detailJson: canonicalJson({ entries: signed, previousHead: oldPrev, key: key.id }),
    prevHash: newPrev,
  };
  await db
    .insertInto('audit_log')
    .values({
      seq: record.seq,
      at: record.at,
      actor: record.actor,
      action: record.action,
      item_type: record.itemType,
      item_id: record.itemId,
      detail: record.detailJson,
      prev_hash: record.prevHash,
      hash: entryHash(key, record),
      key_id: key.id,
    })
    .execute();
}

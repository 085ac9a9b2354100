import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { after, beforeEach, it } from 'node:test';
import { Migrator, sql } from 'kysely';
import type { Migration } from 'kysely';
import { recordAudit, rotateAuditKey, verifyAudit } from '../../src/services/audit.js';
import { openStore } from '../../src/services/context.js';
import { SYSTEM } from '../../src/services/identity.js';
import { AuditKeyring } from '../../src/store/audit-key.js';
import {
  GENESIS_HASH,
  canonicalJson,
  entryHash,
  unkeyedEntryHash,
} from '../../src/store/audit-repository.js';
import type { ChainedEntry } from '../../src/store/audit-repository.js';
import { createStore } from '../../src/store/database.js';
import type { Store } from '../../src/store/database.js';
import * as initial from '../../src/store/migrations/0001-initial.js';
import * as events from '../../src/store/migrations/0002-events.js';
import * as overrides from '../../src/store/migrations/0003-overrides.js';
import * as planning from '../../src/store/migrations/0004-planning.js';
import * as identity from '../../src/store/migrations/0005-identity.js';
import * as memberships from '../../src/store/migrations/0006-memberships.js';
import * as fingerprints from '../../src/store/migrations/0007-release-fingerprints.js';
import { runLens } from '../support/run-lens.js';
import { onEveryStore } from '../support/stores.js';
import type { StoreTarget } from '../support/stores.js';

const NOW = '2026-01-15T00:00:00.000Z';

/** The stored rows of the chain, in order, as `entryHash` reads them. */
async function chain(store: Store): Promise<(ChainedEntry & { hash: string })[]> {
  const rows = await store.db.selectFrom('audit_log').selectAll().orderBy('seq').execute();
  return rows.map((r) => ({
    seq: Number(r.seq),
    at: r.at,
    actor: r.actor,
    action: r.action,
    itemType: r.item_type,
    itemId: r.item_id,
    detailJson: r.detail,
    prevHash: r.prev_hash,
    hash: r.hash,
  }));
}

/**
 * Rewrites entry `seq`'s detail and recomputes its hash and every later one with `hash`, as
 * someone with write access to the database would, then stores the rewritten chain.
 */
async function rewrite(
  store: Store,
  seq: number,
  hash: (e: ChainedEntry) => string,
): Promise<void> {
  let prevHash: string | undefined;
  for (const e of await chain(store)) {
    if (e.seq < seq) continue;
    const changed = {
      ...e,
      detailJson: e.seq === seq ? canonicalJson({ i: 'rewritten' }) : e.detailJson,
      prevHash: prevHash ?? e.prevHash,
    };
    prevHash = hash(changed);
    await store.db
      .updateTable('audit_log')
      .set({ detail: changed.detailJson, prev_hash: changed.prevHash, hash: prevHash })
      .where('seq', '=', e.seq)
      .execute();
  }
}

async function fourEntries(store: Store): Promise<void> {
  for (let i = 1; i <= 4; i++)
    await recordAudit(store, {
      actor: SYSTEM,
      action: 'test',
      itemType: 'thing',
      itemId: String(i),
      detail: { i },
      at: NOW,
    });
}

/** A store migrated up to 0007 only: its chain is as the program wrote it before keys. */
async function storeBeforeKeys(target: StoreTarget): Promise<{
  where: ReturnType<StoreTarget['blank']>;
  entries: (ChainedEntry & { hash: string })[];
}> {
  const where = target.blank();
  const old = await createStore(where);
  const ctx = { dialect: old.dialect };
  const before: Record<string, Migration> = {};
  for (const [name, m] of [
    ['0001-initial', initial],
    ['0002-events', events],
    ['0003-overrides', overrides],
    ['0004-planning', planning],
    ['0005-identity', identity],
    ['0006-memberships', memberships],
  ] as const)
    before[name] = { up: (db) => m.up(db, ctx) };
  before['0007-release-fingerprints'] = { up: (db) => fingerprints.up(db) };
  const migrated = await new Migrator({
    db: old.db,
    provider: { getMigrations: async () => before },
    ...(old.pgSchema ? { migrationTableSchema: old.pgSchema } : {}),
  }).migrateToLatest();
  assert.equal(migrated.error, undefined);
  const entries: (ChainedEntry & { hash: string })[] = [];
  let prevHash = GENESIS_HASH;
  for (let seq = 1; seq <= 5; seq++) {
    const e = {
      seq,
      at: NOW,
      actor: 'system',
      action: 'create',
      itemType: 'organisation',
      itemId: `org-${seq}`,
      detailJson: canonicalJson({ seq }),
      prevHash,
    };
    const hash = unkeyedEntryHash(e);
    entries.push({ ...e, hash });
    await old.db
      .insertInto('audit_log')
      .values({
        seq,
        at: e.at,
        actor: e.actor,
        action: e.action,
        item_type: e.itemType,
        item_id: e.itemId,
        detail: e.detailJson,
        prev_hash: prevHash,
        hash,
      } as never)
      .execute();
    prevHash = hash;
  }
  await old.close();
  return { where, entries };
}

onEveryStore('audit chain keyed with a secret outside the database', (target) => {
  let store: Store;
  beforeEach(async () => {
    store = await target.fresh();
    await fourEntries(store);
  });
  after(() => target.cleanup());

  it('finds an entry rewritten with every later hash recomputed, without a noted head', async () => {
    const head = (await verifyAudit(store, SYSTEM)).head;
    // The old, unkeyed hash, as anyone can compute it.
    await rewrite(store, 2, unkeyedEntryHash);
    const plain = await verifyAudit(store, SYSTEM);
    assert.equal(plain.ok, false);
    assert.equal(plain.broken?.seq, 2);
    assert.match(plain.broken!.reason, /content does not match its hash/);
    // The project's own function under a key that is not the store's.
    const guessed = new AuditKeyring([{ id: 'guessed', secret: randomBytes(32) }], 'memory');
    await rewrite(store, 2, (e) => entryHash(guessed.current, e));
    assert.equal((await verifyAudit(store, SYSTEM)).broken?.seq, 2);
    // With the head noted before, the rewrite is still named as such.
    const noted = await verifyAudit(store, SYSTEM, { expectHead: head });
    assert.equal(noted.ok, false);
    assert.equal(noted.broken?.seq, 2);
    await store.close();
  });

  it('verifies every row whatever its number: an entry slipped in far below the first is found', async () => {
    // SQLite integers reach far below a 32-bit one; PostgreSQL's integer column stops at -2^31.
    const low = target.name === 'sqlite' ? -3_000_000_000 : -2_147_483_648;
    const [first] = await chain(store);
    await store.db
      .insertInto('audit_log')
      .values({
        seq: low,
        at: NOW,
        actor: 'system',
        action: 'test',
        item_type: 'thing',
        item_id: 'slipped in',
        detail: '{}',
        prev_hash: GENESIS_HASH,
        hash: first!.hash,
        key_id: null,
      })
      .execute();
    const r = await verifyAudit(store, SYSTEM);
    assert.equal(r.ok, false);
    assert.equal(r.broken?.seq, low);
    assert.match(r.broken!.reason, /out of sequence/);
    await store.close();
  });

  it('keeps its key in a file beside the database, readable by its owner only; another key cannot verify it', async () => {
    const n = (await verifyAudit(store, SYSTEM)).entries;
    const file = store.auditKeys.file!;
    assert.ok(!file.includes('lens.sqlite'), 'not inside the database');
    assert.equal(statSync(file).mode & 0o077, 0, 'no access for group or others');
    const { location } = store;
    await store.close();
    const elsewhere = `${file}.other`;
    writeFileSync(elsewhere, `${randomBytes(32).toString('hex')}\n`);
    const url = target.name === 'sqlite' ? location : process.env.LENS_TEST_DATABASE_URL!;
    const other = await openStore(url, store.pgSchema, { auditKeyFile: elsewhere });
    const r = await verifyAudit(other, SYSTEM);
    assert.equal(r.ok, false);
    assert.equal(r.broken?.seq, 1);
    assert.match(
      r.broken!.reason,
      /signed with audit key [0-9a-f]{16}, which is not among the keys/,
    );
    await other.close();
    store = await openStore(url, store.pgSchema, { auditKeyFile: file });
    assert.equal((await verifyAudit(store, SYSTEM)).entries, n);
    await store.close();
  });

  it('rotates the key: old entries verify with the old key, new ones are signed with the new', async () => {
    const before = store.auditKeys.current.id;
    const r = await rotateAuditKey(store, SYSTEM, NOW);
    assert.equal(r.previous, before);
    assert.notEqual(r.current, before);
    await fourEntries(store);
    const keys = (await store.db.selectFrom('audit_log').select('key_id').orderBy('seq').execute())
      .map((row) => row.key_id)
      .join(' ');
    assert.match(keys, new RegExp(`^(${before} )+(${r.current} ?){5}$`));
    const v = await verifyAudit(store, SYSTEM);
    assert.equal(v.ok, true);
    // The key file now holds both: dropping the old one leaves its entries unverifiable.
    const file = store.auditKeys.file!;
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    assert.equal(lines.filter((l) => !l.startsWith('#')).length, 2);
    const { location, pgSchema } = store;
    await store.close();
    writeFileSync(file, `${lines[lines.length - 1]}\n`);
    const url = target.name === 'sqlite' ? location : process.env.LENS_TEST_DATABASE_URL!;
    store = await openStore(url, pgSchema, { auditKeyFile: file });
    const without = await verifyAudit(store, SYSTEM);
    assert.equal(without.broken?.seq, 1);
    assert.match(without.broken!.reason, new RegExp(`audit key ${before}`));
    await store.close();
  });

  it('signs an existing chain when migrating to keys, and still knows the head noted before', async () => {
    await store.close();
    const { where, entries } = await storeBeforeKeys(target);
    const oldHead = entries[entries.length - 1]!.hash;
    store = await openStore(where.url, where.pgSchema, where);
    const r = await verifyAudit(store, SYSTEM, { expectHead: oldHead });
    assert.equal(r.ok, true);
    assert.equal(r.entries, 6);
    assert.equal(r.headMatches, true);
    const rekey = (await chain(store))[5]!;
    assert.equal(rekey.action, 'rekey');
    assert.deepEqual(JSON.parse(rekey.detailJson), {
      entries: 5,
      key: store.auditKeys.current.id,
      previousHead: oldHead,
    });
    // Once keyed, an entry rewritten with the old hash no longer passes.
    await rewrite(store, 3, unkeyedEntryHash);
    assert.equal((await verifyAudit(store, SYSTEM)).broken?.seq, 3);
    await store.close();
  });

  it('never signs a forged unkeyed chain with a key that has signed before (migration record and key column stripped)', async () => {
    await recordAudit(store, {
      actor: SYSTEM,
      action: 'grant',
      itemType: 'user',
      itemId: 'mona',
      detail: { role: 'admin' },
      at: NOW,
    });
    // Someone with write access to the database but not the key: the entry rewritten, the
    // whole chain recomputed with the old unkeyed hash, the key column dropped and the record
    // of migration 0030 removed, so that opening the store runs it again.
    let prevHash = GENESIS_HASH;
    for (const e of await chain(store)) {
      const forged = {
        ...e,
        detailJson: e.itemId === 'mona' ? canonicalJson({ role: 'viewer' }) : e.detailJson,
        prevHash,
      };
      prevHash = unkeyedEntryHash(forged);
      await store.db
        .updateTable('audit_log')
        .set({ detail: forged.detailJson, prev_hash: forged.prevHash, hash: prevHash })
        .where('seq', '=', e.seq)
        .execute();
    }
    await store.db.schema.alterTable('audit_log').dropColumn('key_id').execute();
    const migrations = store.pgSchema
      ? sql`delete from ${sql.table(`${store.pgSchema}.kysely_migration`)} where name = '0030-audit-keys'`
      : sql`delete from kysely_migration where name = '0030-audit-keys'`;
    await migrations.execute(store.db);
    const { location, pgSchema, auditKeys } = store;
    await store.close();
    const url = target.name === 'sqlite' ? location : process.env.LENS_TEST_DATABASE_URL!;
    store = await openStore(url, pgSchema, { auditKeyFile: auditKeys.file });
    const r = await verifyAudit(store, SYSTEM);
    assert.equal(r.ok, false);
    assert.equal(r.broken?.seq, 1);
    assert.equal(
      (
        await store.db
          .selectFrom('audit_log')
          .select('action')
          .where('action', '=', 'rekey')
          .execute()
      ).length,
      0,
    );
    await store.close();
  });

  it('leaves a chain that was already broken before the migration broken where it was', async () => {
    await store.close();
    const { where } = await storeBeforeKeys(target);
    const old = await createStore(where);
    await old.db
      .updateTable('audit_log')
      .set({ actor: 'someone else' })
      .where('seq', '=', 4)
      .execute();
    await old.close();
    store = await openStore(where.url, where.pgSchema, where);
    const r = await verifyAudit(store, SYSTEM);
    assert.equal(r.ok, false);
    assert.equal(r.broken?.seq, 4);
    assert.match(r.broken!.reason, /not signed with an audit key/);
    assert.equal(r.entries, 3);
    await store.close();
  });

  it(
    'the command names a rewrite as one, not as entries removed from the end',
    {
      skip: target.name !== 'sqlite' && 'the command runs the same service, tested above on both',
    },
    async () => {
      const head = (await verifyAudit(store, SYSTEM)).head;
      await rewrite(store, 3, unkeyedEntryHash);
      const { location } = store;
      await store.close();
      const out = await runLens(['audit', 'verify', '--db', location, '--expect-head', head]);
      assert.notEqual(out.code, 0);
      assert.match(out.stderr, /at entry 3: its content does not match its hash/);
      assert.doesNotMatch(out.stderr, /removed from the end/);
    },
  );
});

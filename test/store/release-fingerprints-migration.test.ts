import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { after, it } from 'node:test';
import { Migrator } from 'kysely';
import type { Migration } from 'kysely';
import { loadCountryRegistry } from '../../src/services/countries.js';
import { openStore } from '../../src/services/context.js';
import { hashFile, importFile } from '../../src/services/import.js';
import { createStore } from '../../src/store/database.js';
import * as initial from '../../src/store/migrations/0001-initial.js';
import * as events from '../../src/store/migrations/0002-events.js';
import * as overrides from '../../src/store/migrations/0003-overrides.js';
import * as planning from '../../src/store/migrations/0004-planning.js';
import * as identity from '../../src/store/migrations/0005-identity.js';
import * as memberships from '../../src/store/migrations/0006-memberships.js';
import { listReleases } from '../../src/store/releases-repository.js';
import { sharedFile } from '../support/shared-data.js';
import { onEveryStore } from '../support/stores.js';

const registry = loadCountryRegistry();
const NOW = '2026-01-15T00:00:00.000Z';
const CSV = sharedFile('inputs', 'pitf-genopoliticide-2014.csv');
const XLS = sharedFile('inputs', 'pitf-genopoliticide-2014.xls');

onEveryStore('migration 0007-release-fingerprints', (target) => {
  const dir = mkdtempSync(join(tmpdir(), 'lens-fingerprints-'));
  after(async () => {
    rmSync(dir, { recursive: true, force: true });
    await target.cleanup();
  });

  it('keeps a store holding the .csv and .xls of one sheet as two vintages working, and learns they are the same', async () => {
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
    const migrated = await new Migrator({
      db: old.db,
      provider: { getMigrations: async () => before },
      ...(old.pgSchema ? { migrationTableSchema: old.pgSchema } : {}),
    }).migrateToLatest();
    assert.equal(migrated.error, undefined);
    // The two releases as the importer wrote them before fingerprints: told apart by bytes.
    await old.db
      .insertInto('sources')
      .values({
        kind: 'pitf',
        title: 'PITF',
        publisher: 'p',
        licence: 'l',
        citation: 'c',
        url: 'u',
      })
      .execute();
    for (const file of [CSV, XLS])
      await old.db
        .insertInto('releases')
        .values({
          source_kind: 'pitf',
          version: '2014',
          content_hash: await hashFile(file),
          file_name: basename(file),
          address: file,
          released_on: '2026-01-15',
          retrieved_at: NOW,
          imported_at: NOW,
          row_count: 280,
          observation_count: 1120,
          unmatched_count: 0,
        } as never)
        .execute();
    await old.close();

    const store = await openStore(where.url, where.pgSchema, where);
    try {
      const stored = await listReleases(store);
      assert.deepEqual(
        stored.map((r) => [r.fileName, r.contentFingerprint]),
        [
          [basename(CSV), null],
          [basename(XLS), null],
        ],
      );
      // Each file is its own release still; seeing it once more records its fingerprint.
      for (const file of [CSV, XLS]) {
        const report = await importFile(store, registry, { path: file, now: NOW });
        assert.deepEqual([report.status, report.sameAs], ['unchanged', basename(file)]);
      }
      const learnt = await listReleases(store);
      assert.equal(learnt.length, 2);
      assert.match(learnt[0]!.contentFingerprint ?? '', /^rows-v1:[0-9a-f]{64}$/);
      assert.equal(learnt[1]!.contentFingerprint, learnt[0]!.contentFingerprint);

      // A third copy (Windows line ends) is the earlier release, by its content.
      const crlf = join(dir, 'genopoliticide-crlf.csv');
      writeFileSync(crlf, readFileSync(CSV, 'utf8').replace(/\r?\n/g, '\r\n'));
      const copy = await importFile(store, registry, { path: crlf, now: NOW });
      assert.deepEqual(
        [copy.status, copy.sameAs, copy.releaseId],
        ['unchanged', basename(CSV), learnt[0]!.id],
      );
      assert.equal((await listReleases(store)).length, 2);
    } finally {
      await store.close();
    }
  });
});

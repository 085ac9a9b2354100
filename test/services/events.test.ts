import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { InputError } from '../../src/core/errors.js';
import { loadCountryRegistry } from '../../src/services/countries.js';
import { importEvents } from '../../src/services/events.js';
import type { Store } from '../../src/store/database.js';
import { SYSTEM } from '../../src/store/access.js';
import { countEvents, eventsByKey, listEvents } from '../../src/store/events-repository.js';
import { writeGedCsv } from '../fixtures/events/generate-ged.js';
import { sharedFile } from '../support/shared-data.js';
import { tableCounts } from '../support/table-counts.js';
import { onEveryStore } from '../support/stores.js';

const here = dirname(fileURLToPath(import.meta.url));
const fixtures = join(here, '..', 'fixtures', 'events');
const registry = loadCountryRegistry();
const NOW = '2026-01-15T00:00:00.000Z';

const snapshot = (store: Store) =>
  tableCounts(store, ['events', 'event_imports', 'event_import_unmatched']);

onEveryStore('event import', (target) => {
  let store: Store;
  let dir: string;
  before(async () => {
    store = await target.fresh();
    dir = mkdtempSync(join(tmpdir(), 'lens-events-'));
  });
  after(async () => {
    await store.close();
    await target.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  it('imports the real GED sample, once', async () => {
    const file = sharedFile('events', 'ucdp-ged-23.1-sample.csv');
    const report = await importEvents(store, registry, { kind: 'ucdp-ged', path: file, now: NOW });
    assert.equal(report.status, 'imported');
    assert.equal(report.rows, 1000);
    const unmatched = report.unmatched.reduce((s, u) => s + u.rows, 0);
    assert.equal(report.stored + unmatched, 1000);
    assert.ok(unmatched < 10, JSON.stringify(report.unmatched));
    assert.equal(report.newEvents, report.stored);
    assert.ok(report.countryIds.includes('syr'));
    const syria = await listEvents(store.db, SYSTEM, {
      countryId: 'syr',
      from: '2013-01-03',
      to: '2013-01-03',
    });
    const e = syria.find((x) => x.sourceId === '300380');
    assert.ok(e);
    assert.equal(e.key, 'ucdp-ged:300380');
    assert.equal(e.category, 'violence.armed-clash');
    assert.deepEqual(e.provenance, { line: 2, importId: report.importId, recordedAt: NOW });
    assert.equal(e.place.admin2, 'Ariha district');
    const before = await snapshot(store);
    const again = await importEvents(store, registry, { kind: 'ucdp-ged', path: file, now: NOW });
    assert.equal(again.status, 'unchanged');
    assert.deepEqual(await snapshot(store), before);
  });

  it('imports the real ACLED sample, reporting territories apart', async () => {
    const report = await importEvents(store, registry, {
      kind: 'acled',
      path: sharedFile('events', 'acled-sample-2022.csv'),
      now: NOW,
    });
    assert.equal(report.rows, 9000);
    const real = report.unmatched.filter((u) => !u.nonCountry);
    assert.ok(real.reduce((s, u) => s + u.rows, 0) < 20, JSON.stringify(real));
    assert.ok(report.stored > 8900);
    assert.equal(await countEvents(store.db, 'acled'), report.stored);
  });

  it('replaces events a later release repeats, adding none', async () => {
    const page = join(fixtures, 'ged-api-page.json');
    const first = await importEvents(store, registry, {
      kind: 'ucdp-ged-api',
      path: page,
      now: NOW,
    });
    assert.deepEqual([first.stored, first.newEvents], [3, 3]);
    const revised = join(dir, 'ged-api-revised.json');
    writeFileSync(revised, readFileSync(page, 'utf8').replace('"best": 12', '"best": 14'));
    const second = await importEvents(store, registry, {
      kind: 'ucdp-ged-api',
      path: revised,
      now: NOW,
    });
    assert.deepEqual([second.status, second.stored, second.newEvents], ['imported', 3, 0]);
    const e = (await eventsByKey(store.db, SYSTEM, ['ucdp-ged:900002'])).get('ucdp-ged:900002');
    assert.equal(e?.deaths?.best, 14);
    assert.equal(e?.provenance.importId, second.importId);
  });

  it('imports GDELT, counting the rows outside the taxonomy', async () => {
    const report = await importEvents(store, registry, {
      kind: 'gdelt',
      path: join(fixtures, 'gdelt-20220317.export.CSV'),
      now: NOW,
    });
    assert.equal(report.rows, 6);
    assert.equal(report.skipped, 1);
    assert.equal(report.stored, 4);
    assert.deepEqual(
      report.unmatched.map((u) => u.reason),
      ['the row names no country'],
    );
  });

  it('rejects a malformed row deep in a file and stores nothing of it, read in a thread or not', async () => {
    const file = join(dir, 'broken.csv');
    await writeGedCsv(file, 30_000, 7, 50_000_000);
    const lines = readFileSync(file, 'utf8').split('\n');
    lines[25_000] = lines[25_000]!.replace(/,(\d+),(\d+),(\d+),(\d*),$/, ',$1,$2,lots,$4,');
    writeFileSync(file, lines.join('\n'));
    const before = await snapshot(store);
    const errors: InputError[] = [];
    for (const thread of [true, false]) {
      await assert.rejects(
        importEvents(store, registry, {
          kind: 'ucdp-ged',
          path: file,
          now: NOW,
          batchSize: 5000,
          thread,
        }),
        (error: Error) => {
          assert.ok(error instanceof InputError, `an InputError (thread: ${thread})`);
          assert.match(error.message, /broken\.csv:25001: column "low"/);
          errors.push(error);
          return true;
        },
      );
      assert.deepEqual(await snapshot(store), before, 'the store must be exactly as before');
    }
    const [inThread, here] = errors.map(({ message, file, line, column, expected }) => ({
      message,
      file,
      line,
      column,
      expected,
    }));
    assert.deepEqual(inThread, here);
  });

  it('stores the same events whether the file is read in a thread or not', async () => {
    const file = join(dir, 'same.csv');
    await writeGedCsv(file, 3000, 13, 70_000_000);
    const first = await importEvents(store, registry, {
      kind: 'ucdp-ged',
      path: file,
      now: NOW,
      batchSize: 700,
      thread: false,
    });
    // Every event of the file, without what differs between two imports of it.
    const stored = async () =>
      (await listEvents(store.db, SYSTEM, { source: 'ucdp-ged' }))
        .filter((e) => Number(e.sourceId) >= 70_000_000 && Number(e.sourceId) < 71_000_000)
        .map(({ id: _id, provenance, ...e }) => ({ ...e, line: provenance.line }))
        .sort((x, y) => x.key.localeCompare(y.key));
    const before = await stored();
    assert.equal(before.length, first.stored);
    // The same rows with CRLF line ends: another file to the importer, the same events.
    const crlf = join(dir, 'same-crlf.csv');
    writeFileSync(crlf, readFileSync(file, 'utf8').replace(/\n/g, '\r\n'));
    const second = await importEvents(store, registry, {
      kind: 'ucdp-ged',
      path: crlf,
      now: NOW,
      batchSize: 700,
      thread: true,
    });
    const summary = (r: typeof first) => [
      r.status,
      r.rows,
      r.stored,
      r.skipped,
      r.unmatched,
      r.countryIds,
    ];
    assert.deepEqual(summary(second), summary(first));
    assert.equal(second.newEvents, 0);
    assert.deepEqual(await stored(), before);
  });

  it('leaves nothing after a crash mid-import, and the re-run resumes without duplicates', async () => {
    const file = join(dir, 'large.csv');
    const count = 40_000;
    await writeGedCsv(file, count, 11, 60_000_000);
    const before = await snapshot(store);
    const url = target.name === 'sqlite' ? store.location : process.env.LENS_TEST_DATABASE_URL!;
    const schema =
      target.name === 'sqlite'
        ? '-'
        : String(
            (await sql<{ s: string }>`select current_schema() as s`.execute(store.db)).rows[0]!.s,
          );
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(here, 'events-crash-child.ts'), url, schema, 'ucdp-ged', file],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
        // The store's own audit keys, not a key file in the data folder of whoever runs it.
        env: { ...process.env, LENS_AUDIT_KEY_FILE: store.auditKeys.file },
      },
    );
    const killed = await new Promise<boolean>((resolve) => {
      let buffer = '';
      child.stdout.on('data', (chunk: Buffer) => {
        buffer += chunk.toString();
        const m = /progress (\d+) (\d+)\n(?![\s\S]*progress)/.exec(buffer);
        if (m && Number(m[1]) > Number(m[2]) / 2 && !child.killed) child.kill('SIGKILL');
      });
      child.on('exit', (_code, signal) => resolve(signal === 'SIGKILL'));
    });
    assert.ok(killed, 'the child must be killed before it finishes');
    assert.deepEqual(await snapshot(store), before, 'a killed import leaves nothing');
    const report = await importEvents(store, registry, { kind: 'ucdp-ged', path: file, now: NOW });
    assert.equal(report.stored, count);
    assert.equal(report.newEvents, count);
    const after = await snapshot(store);
    assert.equal(after.events, before.events! + count);
    const again = await importEvents(store, registry, { kind: 'ucdp-ged', path: file, now: NOW });
    assert.equal(again.status, 'unchanged');
    assert.deepEqual(await snapshot(store), after);
  });
});

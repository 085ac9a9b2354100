import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadCountryRegistry } from '../../src/services/countries.js';
import { dataCoverage } from '../../src/services/data.js';
import { syncSources } from '../../src/services/sync.js';
import type { Store } from '../../src/store/database.js';
import { listReleases } from '../../src/store/releases-repository.js';
import { sharedDataDir, sharedFile } from '../support/shared-data.js';
import { serveFolder } from '../support/http-mirror.js';
import { onEveryStore, storeTargets } from '../support/stores.js';
import { tableCounts } from '../support/table-counts.js';
import { writeZip } from '../support/zip-writer.js';

const registry = loadCountryRegistry();
const NOW = '2026-01-15T00:00:00.000Z';

/** Coverage after the folder sync, per engine, to compare the engines at the end. */
const coverageBy = new Map<string, Awaited<ReturnType<typeof dataCoverage>>>();

onEveryStore('sync', (target) => {
  let fromDir: Store;
  let fromMirror: Store;
  let server: Awaited<ReturnType<typeof serveFolder>>;
  before(async () => {
    fromDir = await target.fresh();
    fromMirror = await target.fresh();
    server = await serveFolder(sharedDataDir());
  });
  after(async () => {
    await fromDir.close();
    await fromMirror.close();
    await server.close();
    await target.cleanup();
  });

  it('imports every file of the shared data folder, recognised by its columns', async () => {
    const report = await syncSources(fromDir, registry, { from: sharedDataDir(), now: NOW });
    const kinds = new Set(report.imported.map((r) => r.kind));
    for (const kind of [
      'ewp-predictors',
      'ewp-base',
      'ewp-episodes',
      'wdi',
      'vdem',
      'ucdp-brd',
      'epr',
      'coups-pt',
      'coups-cy',
      'pts',
      'polity5',
      'un-imr',
      'hief',
      'iccpr',
      'pitf',
    ]) {
      assert.ok(kinds.has(kind as never), `${kind} recognised`);
    }
    const unmatched = report.imported.flatMap((r) =>
      r.unmatched.filter((u) => !u.nonCountry).map((u) => `${r.kind}: ${u.label} (${u.keys})`),
    );
    assert.deepEqual(
      unmatched,
      [],
      'every country-year row matched, documented non-country rows apart',
    );
    // The episode workbook is a ZIP container, read as a spreadsheet and never unpacked.
    const workbook = report.imported.find((r) => r.file.endsWith('.xlsx'));
    assert.equal(workbook?.kind, 'ewp-episodes');
    // Data published twice, in two formats, is one release: the second copy is unchanged.
    assert.deepEqual(
      report.imported
        .filter((r) => r.status === 'unchanged')
        .map((r) => [basename(r.file), r.sameAs]),
      [
        [
          'mass-killing-episodes-2025.dev-to-2014.xlsx',
          'mass-killing-episodes-2025.dev-to-2014.csv',
        ],
        ['pitf-adverse-regime-change-2014.xls', 'pitf-adverse-regime-change-2014.csv'],
        ['pitf-ethnic-war-2014.xls', 'pitf-ethnic-war-2014.csv'],
        ['pitf-genopoliticide-2014.xls', 'pitf-genopoliticide-2014.csv'],
        ['pitf-revolutionary-war-2014.xls', 'pitf-revolutionary-war-2014.csv'],
      ],
    );
    const releases = (await listReleases(fromDir)).map((r) => r.sourceKind);
    assert.equal(releases.filter((k) => k === 'pitf').length, 4);
    assert.equal(releases.filter((k) => k === 'ewp-episodes').length, 1);
    // Event files go to the event store; the rest is named for what it is.
    assert.deepEqual(
      report.events.map((r) => [basename(r.file), r.kind, r.status, r.stored]),
      [
        ['acled-sample-2022.csv', 'acled', 'imported', 8974],
        ['ucdp-ged-23.1-sample.csv', 'ucdp-ged', 'imported', 1000],
      ],
    );
    assert.deepEqual(
      report.notImported.map((f) => [basename(f.file), f.reason]),
      [
        [
          'country-names.csv',
          'a country-name lookup (EWP names against COW codes): the registry in content/countries covers it',
        ],
      ],
    );
    assert.deepEqual(report.documentation, [sharedFile('README.md')]);
    assert.deepEqual(report.unrecognised, []);
    coverageBy.set(target.name, await dataCoverage(fromDir));
    const before = await tableCounts(fromDir, [
      'releases',
      'observations',
      'events',
      'event_imports',
    ]);
    const again = await syncSources(fromDir, registry, { from: sharedDataDir(), now: NOW });
    assert.ok(again.imported.every((r) => r.status === 'unchanged'));
    assert.ok(again.events.every((r) => r.status === 'unchanged'));
    assert.deepEqual(
      await tableCounts(fromDir, ['releases', 'observations', 'events', 'event_imports']),
      before,
      'a second sync stores nothing more',
    );
  });

  it('takes --only event kinds from a folder too', async () => {
    const store = await target.fresh();
    try {
      const report = await syncSources(store, registry, {
        from: sharedDataDir(),
        only: ['ucdp-ged'],
        now: NOW,
      });
      assert.deepEqual(report.imported, []);
      assert.deepEqual(
        report.events.map((r) => [r.kind, r.rows]),
        [['ucdp-ged', 1000]],
      );
    } finally {
      await store.close();
    }
  });

  it('imports the same from an HTTP mirror, with identical counts', async () => {
    const report = await syncSources(fromMirror, registry, { from: server.url, now: NOW });
    assert.ok(report.imported.length >= 15);
    assert.deepEqual(await dataCoverage(fromMirror), await dataCoverage(fromDir));
  });

  it('downloads from configured publisher addresses', async () => {
    const store = await target.fresh();
    try {
      const report = await syncSources(store, registry, {
        only: ['coups-cy', 'iccpr'],
        addresses: {
          'coups-cy': `${server.url}inputs/coups-country-year.csv`,
          iccpr: `${server.url}inputs/iccpr-optional-protocol.csv`,
        },
        now: NOW,
      });
      assert.deepEqual(
        report.imported.map((r) => [r.kind, r.status, r.rows]),
        [
          ['coups-cy', 'imported', 776],
          ['iccpr', 'imported', 10357],
        ],
      );
      assert.equal(report.imported[0]?.kind, 'coups-cy');
      assert.match(
        (
          await store.db
            .selectFrom('releases')
            .select('address')
            .where('source_kind', '=', 'iccpr')
            .executeTakeFirstOrThrow()
        ).address,
        /^http:\/\/127\.0\.0\.1:\d+\/inputs\/iccpr-optional-protocol\.csv$/,
      );
    } finally {
      await store.close();
    }
  });

  it('unpacks the ZIP archives publishers ship, from an address and in a folder', async () => {
    const zips = mkdtempSync(join(tmpdir(), 'lens-zips-'));
    const coups = readFileSync(sharedFile('inputs/coups-country-year.csv'));
    const iccpr = readFileSync(sharedFile('inputs/iccpr-optional-protocol.csv'));
    const notes = Buffer.from('Codebook: see the publisher.\n');
    writeFileSync(
      join(zips, 'coups.zip'),
      writeZip([
        { name: 'coups/README.txt', data: notes },
        { name: 'coups/coups-country-year.csv', data: coups },
      ]),
    );
    writeFileSync(join(zips, 'notes.zip'), writeZip([{ name: 'README.txt', data: notes }]));
    const zipServer = await serveFolder(zips);
    const store = await target.fresh();
    try {
      const report = await syncSources(store, registry, {
        only: ['coups-cy'],
        addresses: { 'coups-cy': `${zipServer.url}coups.zip` },
        now: NOW,
      });
      assert.deepEqual(
        report.imported.map((r) => [r.kind, r.status, r.rows]),
        [['coups-cy', 'imported', 776]],
      );
      const { address } = await store.db
        .selectFrom('releases')
        .select('address')
        .where('source_kind', '=', 'coups-cy')
        .executeTakeFirstOrThrow();
      assert.match(address, /\/coups\.zip#coups\/coups-country-year\.csv$/);

      await assert.rejects(
        syncSources(store, registry, {
          only: ['pts'],
          addresses: { pts: `${zipServer.url}notes.zip` },
        }),
        /notes\.zip: the archive holds no pts file \(1 files: README\.txt \(not recognised\)\)/,
      );

      // A local folder: the archive's files and the plain ones side by side.
      const folder = mkdtempSync(join(tmpdir(), 'lens-folder-'));
      writeFileSync(join(folder, 'coups.zip'), readFileSync(join(zips, 'coups.zip')));
      writeFileSync(join(folder, 'iccpr.csv'), iccpr);
      const fresh = await target.fresh();
      try {
        const local = await syncSources(fresh, registry, { from: folder, now: NOW });
        assert.deepEqual(
          local.imported.map((r) => [r.kind, r.rows]),
          [
            ['coups-cy', 776],
            ['iccpr', 10357],
          ],
        );
        assert.deepEqual(local.documentation, [`${join(folder, 'coups.zip')}#coups/README.txt`]);
        assert.deepEqual(local.unrecognised, []);
      } finally {
        await fresh.close();
        rmSync(folder, { recursive: true, force: true });
      }
    } finally {
      await store.close();
      await zipServer.close();
      rmSync(zips, { recursive: true, force: true });
    }
  });

  it('says which address failed when a download fails', async () => {
    const store = await target.fresh();
    try {
      await assert.rejects(
        syncSources(store, registry, {
          only: ['pts'],
          addresses: { pts: `${server.url}nope.csv` },
        }),
        /nope\.csv: HTTP 404/,
      );
    } finally {
      await store.close();
    }
  });
});

describe(
  'sync on both engines',
  { skip: storeTargets().length < 2 && 'LENS_TEST_DATABASE_URL is not set' },
  () => {
    it('stores identical counts on SQLite and PostgreSQL', () => {
      const sqlite = coverageBy.get('sqlite');
      const postgres = coverageBy.get('postgres');
      assert.ok(sqlite && postgres);
      assert.deepEqual(postgres, sqlite);
    });
  },
);

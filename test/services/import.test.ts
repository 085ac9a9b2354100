import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import { loadCountryRegistry } from '../../src/services/countries.js';
import { importFile } from '../../src/services/import.js';
import type { Store } from '../../src/store/database.js';
import { listEpisodes } from '../../src/store/episodes-repository.js';
import { valueAsOf } from '../../src/store/observations-repository.js';
import { sharedFile } from '../support/shared-data.js';
import { tableCounts } from '../support/table-counts.js';
import { onEveryStore } from '../support/stores.js';

const registry = loadCountryRegistry();
const NOW = '2026-01-15T00:00:00.000Z';

const snapshot = (store: Store) =>
  tableCounts(store, [
    'releases',
    'variables',
    'observations',
    'unmatched_rows',
    'episodes',
    'episode_countries',
    'sources',
  ]);

onEveryStore('import', (target) => {
  let store: Store;
  let dir: string;
  before(async () => {
    store = await target.fresh();
    dir = mkdtempSync(join(tmpdir(), 'lens-import-'));
  });
  after(async () => {
    await store.close();
    await target.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  it('imports a real file, is idempotent, and keeps vintages', async () => {
    const file = sharedFile('inputs', 'coups-country-year.csv');
    const first = await importFile(store, registry, { path: file, now: NOW });
    assert.equal(first.kind, 'coups-cy');
    assert.equal(first.status, 'imported');
    assert.equal(first.rows, 776);
    assert.equal(first.unmatched.filter((u) => !u.nonCountry).length, 0);
    const before = await snapshot(store);
    const again = await importFile(store, registry, { path: file, now: NOW });
    assert.equal(again.status, 'unchanged');
    assert.deepEqual(await snapshot(store), before);

    // A revised release: one value changed. Stored as a new vintage; the old one stays.
    const lines = readFileSync(file, 'utf8').split('\n');
    const idx = lines.findIndex((l) => l.startsWith('700,Afghanistan,1945,'));
    assert.ok(idx > 0);
    lines[idx] = '700,Afghanistan,1945,1';
    const revised = join(dir, 'coups-revised.csv');
    writeFileSync(revised, lines.join('\n'));
    const second = await importFile(store, registry, {
      path: revised,
      now: NOW,
      releasedOn: '2026-02-01',
      version: 'rev',
    });
    assert.equal(second.status, 'imported');
    assert.notEqual(second.releaseId, first.releaseId);
    const old = await valueAsOf(store, {
      variable: 'coups-cy:cou.any',
      countryId: registry.fromCode('cow', 700, 1945)!.id,
      year: 1945,
      asOf: '2026-01-31',
    });
    const now = await valueAsOf(store, {
      variable: 'coups-cy:cou.any',
      countryId: registry.fromCode('cow', 700, 1945)!.id,
      year: 1945,
      asOf: '2026-02-01',
    });
    assert.equal(old?.value, 0);
    assert.equal(now?.value, 1);
  });

  it('imports the episode list with its countries', async () => {
    const report = await importFile(store, registry, {
      path: sharedFile('ewp', 'mass-killing-episodes-2025.dev-to-2014.xlsx'),
      now: NOW,
    });
    assert.equal(report.kind, 'ewp-episodes');
    assert.equal(report.episodes, 149);
    assert.deepEqual(report.unmatched, []);
    const episodes = await listEpisodes(store);
    assert.equal(episodes.length, 149);
    assert.ok(episodes.every((e) => e.locationCountryIds.length > 0));
    // The CSV beside the workbook holds the same rows: the same release, not a new vintage.
    const before = await snapshot(store);
    const csv = await importFile(store, registry, {
      path: sharedFile('ewp', 'mass-killing-episodes-2025.dev-to-2014.csv'),
      now: NOW,
      releasedOn: '2026-01-16',
    });
    assert.equal(csv.status, 'unchanged');
    assert.equal(csv.sameAs, 'mass-killing-episodes-2025.dev-to-2014.xlsx');
    assert.equal(csv.releaseId, report.releaseId);
    assert.equal(csv.episodes, 149);
    assert.deepEqual(await snapshot(store), before);
  });

  it('takes the same data in another format or order for the release it already has', async () => {
    const xls = sharedFile('inputs', 'pitf-ethnic-war-2014.xls');
    const csv = sharedFile('inputs', 'pitf-ethnic-war-2014.csv');
    const first = await importFile(store, registry, { path: xls, now: NOW });
    assert.equal(first.status, 'imported');
    const before = await snapshot(store);
    const copies = () => tableCounts(store, ['release_copies']);
    const copiesBefore = (await copies()).release_copies!;

    const twin = await importFile(store, registry, { path: csv, now: NOW, version: 'other' });
    assert.deepEqual(
      [twin.status, twin.sameAs, twin.releaseId, twin.rows, twin.observations],
      ['unchanged', 'pitf-ethnic-war-2014.xls', first.releaseId, 886, 6202],
    );
    assert.deepEqual(await snapshot(store), before, 'nothing stored but the copy');
    assert.equal((await copies()).release_copies, copiesBefore + 1);
    // Seen again, the copy is known by its bytes: nothing read, nothing more noted.
    let read = 0;
    const again = await importFile(store, registry, {
      path: csv,
      now: NOW,
      onProgress: (done) => (read = done),
    });
    assert.equal(again.sameAs, 'pitf-ethnic-war-2014.xls');
    assert.equal(read, readFileSync(csv).length);
    assert.equal((await copies()).release_copies, copiesBefore + 1);

    // The rows in another order, with Windows line ends: the same content.
    const coups = sharedFile('inputs', 'coups-country-year.csv');
    const [coupsHeader, ...coupsRows] = readFileSync(coups, 'utf8').trimEnd().split('\n');
    const shuffled = join(dir, 'coups-reordered.csv');
    writeFileSync(shuffled, [coupsHeader, ...coupsRows.reverse()].join('\r\n') + '\r\n');
    const reordered = await importFile(store, registry, { path: shuffled, now: NOW });
    assert.equal(reordered.status, 'unchanged');
    assert.equal(reordered.sameAs, 'coups-country-year.csv');

    // One magnitude changed: a new vintage.
    const [header, ...rows] = readFileSync(csv, 'utf8').trimEnd().split('\n');
    // One magnitude changed: a new vintage.
    const changed = join(dir, 'pitf-ethnic-war-revised.csv');
    const k = rows.findIndex((r) => /,2\.5,/.test(r));
    assert.ok(k >= 0);
    rows[k] = rows[k]!.replace(',2.5,', ',3,');
    writeFileSync(changed, [header, ...rows].join('\n') + '\n');
    const revised = await importFile(store, registry, {
      path: changed,
      now: NOW,
      releasedOn: '2026-02-01',
    });
    assert.equal(revised.status, 'imported');
    assert.equal(revised.sameAs, null);
    assert.notEqual(revised.releaseId, first.releaseId);
  });

  it("places Serbia's 1992-2005 figures on Yugoslavia, the state of those years, and counts them", async () => {
    const yug = (variable: string, countryId: string, year: number) =>
      valueAsOf(store, { variable, countryId, year, asOf: '2026-01-31' });
    const wdi = await importFile(store, registry, {
      path: sharedFile('inputs', 'wdi-extract.csv'),
      now: NOW,
    });
    assert.deepEqual(wdi.backcast, [{ from: 'srb', to: 'yug', rows: 14, years: '1992-2005' }]);
    assert.equal((await yug('wdi:wdi.gdppc.new', 'yug', 1996))?.value, 3200.76826306115);
    assert.equal(await yug('wdi:wdi.gdppc.new', 'srb', 1996), undefined);
    // Before 1992 Yugoslavia was the Socialist Federal Republic: Serbia's figures stay Serbia's.
    assert.equal(await yug('wdi:wdi.popsize.new', 'yug', 1991), undefined);
    assert.ok(await yug('wdi:wdi.popsize.new', 'srb', 1991));
    assert.ok(await yug('wdi:wdi.gdppc.new', 'srb', 2006));

    const imr = await importFile(store, registry, {
      path: sharedFile('inputs', 'un-infant-mortality.csv'),
      now: NOW,
    });
    assert.deepEqual(imr.backcast, [{ from: 'srb', to: 'yug', rows: 14, years: '1992-2005' }]);
    assert.equal((await yug('un-imr:un_imr', 'yug', 1996))?.value, 12.5334);

    // PTS scores the Federal Republic itself and lists Serbia (unscored) beside it for
    // 2000-2005: the predecessor's own row wins, and Serbia's is reported as superseded.
    const pts = await importFile(store, registry, {
      path: sharedFile('inputs', 'political-terror-scale-2024.csv'),
      now: NOW,
    });
    assert.deepEqual(pts.backcast, []);
    const superseded = await store.db
      .selectFrom('unmatched_rows')
      .select(['label', 'year', 'reason', 'non_country'])
      .where('release_id', '=', pts.releaseId)
      .where('reason', 'like', 'superseded%back-cast%')
      .orderBy('year')
      .execute();
    assert.deepEqual(
      superseded.map((r) => [r.label, r.year, Number(r.non_country)]),
      [2000, 2001, 2002, 2003, 2004, 2005].map((y) => ['Serbia', y, 1]),
    );
    assert.match(
      superseded[0]!.reason,
      /back-cast figure of srb placed on yug, whose own row wins/,
    );
  });

  it("keeps the predecessor's own row where a source has one", async () => {
    const lines = readFileSync(sharedFile('inputs', 'wdi-extract.csv'), 'utf8')
      .trimEnd()
      .split('\n');
    const header = lines[0]!;
    const serbia = lines.filter((l) => /^Serbia,RS,SRB,(1995|1996|2010),/.test(l));
    assert.equal(serbia.length, 3);
    const file = join(dir, 'wdi-serbia-and-montenegro.csv');
    writeFileSync(
      file,
      [header, ...serbia, 'Serbia and Montenegro,CS,SCG,1996,30,2500,1,10500000,14,1,1,345'].join(
        '\n',
      ) + '\n',
    );
    const report = await importFile(store, registry, {
      path: file,
      now: NOW,
      releasedOn: '2026-03-01',
    });
    assert.deepEqual(report.backcast, [{ from: 'srb', to: 'yug', rows: 1, years: '1995-1995' }]);
    assert.deepEqual(
      report.unmatched.map((u) => [u.label, u.years, u.nonCountry]),
      [['Serbia', '1996-1996', true]],
    );
    const asOf = '2026-03-01';
    const value = (countryId: string, year: number) =>
      valueAsOf(store, { variable: 'wdi:wdi.gdppc.new', countryId, year, asOf });
    assert.equal((await value('yug', 1996))?.value, 2500);
    assert.equal((await value('srb', 2010))?.releaseId, report.releaseId);
  });

  /** Writes a broken copy of a real file and checks the import fails cleanly. */
  async function rejects(
    name: string,
    make: (text: string) => string | Buffer,
    source: string[],
    pattern: RegExp,
  ) {
    const text = readFileSync(sharedFile(...source), 'utf8');
    const file = join(dir, name);
    writeFileSync(file, make(text));
    const before = await snapshot(store);
    await assert.rejects(importFile(store, registry, { path: file, now: NOW }), (error: Error) => {
      assert.match(error.message, new RegExp(name.replace('.', '\\.')));
      assert.match(error.message, pattern);
      return true;
    });
    assert.deepEqual(await snapshot(store), before, 'the database must be exactly as before');
  }

  const iccpr = ['inputs', 'iccpr-optional-protocol.csv'];
  it('rejects a non-numeric value with file, line and column', () =>
    rejects(
      'nonnumeric.csv',
      (t) => t.replace('\n1946,Afghanistan,700,0', '\n1946,Afghanistan,700,zero'),
      iccpr,
      /:3\b.*ios\.iccpr1|ios\.iccpr1.*:3\b|:3:/,
    ));
  it('rejects a truncated file', () =>
    rejects(
      'truncated.csv',
      (t) => t.slice(0, t.length - 200).replace(/\n[^\n]*$/, '\n1950,Afgh'),
      iccpr,
      /line|:\d+/,
    ));
  it('rejects a missing column', () =>
    rejects(
      'missing.csv',
      (t) =>
        t
          .split('\n')
          .map((l) => l.split(',').slice(0, 3).join(','))
          .join('\n'),
      iccpr,
      /ios\.iccpr1/,
    ));
  it('rejects a duplicate country-year', () =>
    rejects(
      'duplicate.csv',
      (t) =>
        t.replace('\n1946,Afghanistan,700,0', '\n1946,Afghanistan,700,0\n1946,Afghanistan,700,0'),
      iccpr,
      /duplicate|same/i,
    ));
  it('rejects wrong encoding (Latin-1 bytes where UTF-8 is expected)', () =>
    rejects(
      'latin1.csv',
      (t) => Buffer.from(t.replace('Afghanistan,700', 'Afghanist\u00e1n,700'), 'latin1'),
      iccpr,
      /UTF-8|encoding/i,
    ));
  it('rejects a file mid-way through a large import and leaves nothing of it', async () => {
    const vdem = readFileSync(sharedFile('inputs', 'vdem-v14-subset.csv'), 'utf8').split('\n');
    // Break a cell near the end, after many rows were read (and written in batches).
    const k = vdem.length - 3;
    const cells = vdem[k]!.split(',');
    cells[6] = '"abc"';
    vdem[k] = cells.join(',');
    const file = join(dir, 'vdem-broken.csv');
    writeFileSync(file, vdem.join('\n'));
    const before = await snapshot(store);
    await assert.rejects(importFile(store, registry, { path: file, now: NOW }), /vdem-broken\.csv/);
    assert.deepEqual(await snapshot(store), before);
  });

  it('reports rows of unknown countries instead of dropping them', async () => {
    const file = join(dir, 'unknown.csv');
    copyFileSync(sharedFile(...iccpr), file);
    writeFileSync(file, readFileSync(file, 'utf8').trimEnd() + '\n1990,Atlantis,999,0\n');
    const report = await importFile(store, registry, { path: file, now: NOW });
    const unknown = report.unmatched.find((u) => u.label === 'Atlantis');
    assert.ok(unknown, 'Atlantis must be reported');
    assert.equal(unknown.nonCountry, false);
    assert.equal(unknown.rows, 1);
  });
});

import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runLens } from '../support/run-lens.js';
import { sharedFile } from '../support/shared-data.js';

describe('lens command', () => {
  let dir: string;
  let db: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lens-cli-'));
    db = join(dir, 'lens.sqlite');
    for (const [kind, file] of [
      ['ewp-episodes', sharedFile('ewp', 'mass-killing-episodes-2025.dev-to-2014.csv')],
      ['pitf', sharedFile('inputs', 'pitf-ethnic-war-2014.csv')],
      ['pitf', sharedFile('inputs', 'pitf-revolutionary-war-2014.csv')],
      ['ucdp-brd', sharedFile('inputs', 'ucdp-battle-deaths-v25.1.csv')],
      ['pts', sharedFile('inputs', 'political-terror-scale-2024.csv')],
    ] as const) {
      const r = await runLens(['--db', db, 'import', kind, file, '--format', 'json']);
      assert.equal(r.code, 0, r.stderr);
    }
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('lists its commands in --help', async () => {
    const r = await runLens(['--help']);
    assert.equal(r.code, 0);
    for (const c of [
      'countries',
      'import',
      'sync',
      'data',
      'assess',
      'backtest',
      'forecast',
      'episodes',
      'start',
    ]) {
      assert.match(r.stdout, new RegExp(`\\n  ${c}\\b`), c);
    }
  });

  it('prints the watch list as JSON and CSV, and says why a part is missing', async () => {
    const r = await runLens(['--db', db, 'watchlist', '--as-of', '1997', '--format', 'json']);
    assert.equal(r.code, 0, r.stderr);
    const list = JSON.parse(r.stdout);
    assert.equal(list.asOf, '1997-12-31');
    // No forecast data in this store: the list says so rather than failing.
    assert.equal(list.forecast.origin, null);
    assert.match(r.stderr, /warning: forecast not available/);
    const sudan = list.countries.find((c: { country: { cow: number } }) => c.country.cow === 625);
    assert.deepEqual(Object.keys(sudan).slice(0, 10), [
      'country',
      'underWay',
      'episodes',
      'onsetRisk',
      'onsetRank',
      'tier',
      'tierWithoutFloor',
      'scoreWithoutFloor',
      'forecast',
      'stage',
    ]);
    assert.equal(sudan.underWay, true);
    assert.equal(sudan.onsetRank, null);
    const csv = await runLens(['--db', db, 'watchlist', '--as-of', '1997', '--format', 'csv']);
    assert.match(csv.stdout.split('\n')[0] ?? '', /^rank,country,cow,under way,onset risk,tier/);
    const bad = await runLens(['--db', db, 'watchlist', 'backtest', '--as-of', '1997']);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /--as-of and --window are required/);
  });

  it('resolves codes by year across systems', async () => {
    const ussr = JSON.parse(
      (
        await runLens([
          'countries',
          'resolve',
          '365',
          '--from',
          'cow',
          '--year',
          '1985',
          '--format',
          'json',
        ])
      ).stdout,
    );
    assert.equal(ussr.countries[0].id, 'ussr');
    const russia = JSON.parse(
      (
        await runLens([
          'countries',
          'resolve',
          '365',
          '--from',
          'cow',
          '--year',
          '2000',
          '--format',
          'json',
        ])
      ).stdout,
    );
    assert.equal(russia.countries[0].id, 'rus');
    assert.equal(russia.countries[0].codes.iso3, 'RUS');
    const civ = await runLens(['countries', 'resolve', 'Ivory Coast', '--format', 'csv']);
    assert.match(civ.stdout.split('\n')[1] ?? '', /^civ,/);
    const world = await runLens(['countries', 'resolve', 'World']);
    assert.equal(world.code, 1);
    assert.match(world.stderr, /"World" is not a country/);
  });

  it('reports an unknown kind and a bad file with a clear message and a non-zero exit', async () => {
    const kind = await runLens(['--db', db, 'import', 'nope', 'x.csv']);
    assert.equal(kind.code, 1);
    assert.match(kind.stderr, /unknown kind "nope".*expected one of ewp-predictors/);
    const bad = join(dir, 'bad.csv');
    writeFileSync(bad, 'year,country,ccode,ios.iccpr1\n1990,Chile,155,"unterminated\n');
    const r = await runLens(['--db', db, 'import', 'iccpr', bad]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /bad\.csv:2/);
  });

  it('suggests the country a misspelt name meant', async () => {
    const r = await runLens(['--db', db, 'plan', 'Sudn']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /no country matches "Sudn" \(did you mean Sudan\?\)/);
    const none = await runLens(['--db', db, 'plan', 'Qwxzv']);
    assert.equal(none.code, 1);
    assert.doesNotMatch(none.stderr, /did you mean/);
  });

  it('syncs a folder: twins unchanged, event files imported, lookups and notes listed apart', async () => {
    const folder = join(dir, 'folder');
    mkdirSync(folder);
    for (const [from, name] of [
      [sharedFile('inputs', 'pitf-genopoliticide-2014.csv'), 'a.csv'],
      [sharedFile('inputs', 'pitf-genopoliticide-2014.xls'), 'b.xls'],
      [sharedFile('events', 'ucdp-ged-23.1-sample.csv'), 'ged.csv'],
      [sharedFile('ewp', 'country-names.csv'), 'names.csv'],
      [sharedFile('README.md'), 'README.md'],
    ] as const)
      copyFileSync(from, join(folder, name));
    const store = join(dir, 'sync.sqlite');
    const first = await runLens(['--db', store, 'sync', '--from', folder]);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /pitf +b\.xls +unchanged/);
    assert.match(first.stdout, /unchanged in pitf: b\.xls has the same rows and values as a\.csv/);
    assert.match(first.stdout, /ucdp-ged +ged\.csv +imported +1000 +1000 +1000/);
    assert.match(first.stdout, /no status refreshed, no alert raised/);
    assert.match(first.stdout, /not imported: .*names\.csv: a country-name lookup/);
    assert.match(first.stdout, /skipped \(documentation\): .*README\.md/);
    assert.doesNotMatch(first.stdout, /not recognised/);
    const again = await runLens(['--db', store, 'sync', '--from', folder, '--format', 'json']);
    const report = JSON.parse(again.stdout);
    assert.deepEqual(
      [...report.imported, ...report.events].map((r: { status: string }) => r.status),
      ['unchanged', 'unchanged', 'unchanged'],
    );
  });

  it('shows coverage and a country as known on a date', async () => {
    const cov = JSON.parse(
      (await runLens(['--db', db, 'data', 'coverage', '--format', 'json'])).stdout,
    );
    const pts = cov.sources.find((s: { source: string }) => s.source === 'pts');
    assert.equal(pts.unmatched, 0);
    assert.ok(pts.nonCountry > 0);
    const early = JSON.parse(
      (
        await runLens([
          '--db',
          db,
          'data',
          'show',
          'Sudan',
          '--year',
          '1996',
          '--as-of',
          '1996-06-30',
          '--format',
          'json',
        ])
      ).stdout,
    );
    assert.deepEqual(early.values, [], 'nothing about 1996 was public by mid-1996');
    const later = JSON.parse(
      (
        await runLens([
          '--db',
          db,
          'data',
          'show',
          'Sudan',
          '--year',
          '1996',
          '--as-of',
          '2020-01-01',
          '--format',
          'json',
        ])
      ).stdout,
    );
    const pta = later.values.find((v: { variable: string }) => v.variable === 'pts:PTS_A');
    assert.equal(pta.value, 5);
  });

  it('counts episodes by decade, wartime and peacetime', async () => {
    const r = JSON.parse((await runLens(['--db', db, 'episodes', '--format', 'json'])).stdout);
    const total = r.decades.reduce((s: number, d: { total: number }) => s + d.total, 0);
    assert.equal(total, r.episodes.length);
    const d1990 = r.decades.find((d: { decade: number }) => d.decade === 1990);
    assert.ok(d1990.war > d1990.peace, 'most 1990s episodes began in war');
    const rwanda = r.episodes.find(
      (e: { countryLabel: string; startYear: number }) =>
        e.countryLabel === 'Rwanda' && e.startYear === 1994,
    );
    assert.equal(rwanda?.context, 'war');
    type Row = { startYear: number; context: string; evidence: string[] };
    const before1955 = r.episodes.filter((e: Row) => e.startYear < 1955);
    assert.ok(before1955.length > 0);
    for (const e of before1955 as Row[]) {
      assert.equal(e.context, e.evidence.length > 0 ? 'war' : 'unknown');
    }
    const peace = JSON.parse(
      (await runLens(['--db', db, 'episodes', '--context', 'peace', '--format', 'json'])).stdout,
    );
    assert.ok(peace.episodes.every((e: { context: string }) => e.context === 'peace'));
  });
});

// The project's own modelling table on the real raw sources, imported into a fresh store
// (SQLite, and PostgreSQL with LENS_TEST_DATABASE_URL): it agrees with the EWP prepared table
// on every country-year both have, respects the as-of date, and feeds the default forecast to
// the latest year the sources cover.
import assert from 'node:assert/strict';
import { after, before, it, type TestContext } from 'node:test';
import { main } from '../../src/cli/main.js';
import { panelYears } from '../../src/core/forecast/dataset.js';
import { REFERENCE_PREDICTORS } from '../../src/core/forecast/table.js';
import { loadCountryRegistry } from '../../src/services/countries.js';
import { openStore } from '../../src/services/context.js';
import {
  DEFAULT_SPEC,
  loadModelSpec,
  loadPanel,
  walkForward,
} from '../../src/services/forecast.js';
import { buildTable, compareWithPrepared } from '../../src/services/forecast-table.js';
import type { TableComparison } from '../../src/services/forecast-table.js';
import { importFile } from '../../src/services/import.js';
import type { Store } from '../../src/store/database.js';
import { sharedFile } from '../support/shared-data.js';
import { onEveryStore } from '../support/stores.js';

const registry = loadCountryRegistry();
const NOW = '2026-01-15T00:00:00.000Z';

/** The raw sources of the table (V-Dem's full file, only a gap proxy, is left out: slow). */
const FILES = [
  ['ewp', 'prepared-predictors-2025.dev-to-2012.csv'],
  ['ewp', 'basedata-2025.dev-to-2014.csv'],
  ['ewp', 'mass-killing-episodes-2025.dev-to-2014.csv'],
  ['inputs', 'vdem-ewp-derived.csv'],
  ['inputs', 'wdi-extract.csv'],
  ['inputs', 'un-infant-mortality.csv'],
  ['inputs', 'hief-ethnic-fractionalization.csv'],
  ['inputs', 'epr-country-year.csv'],
  ['inputs', 'iccpr-optional-protocol.csv'],
  ['inputs', 'ucdp-battle-deaths-v25.1.csv'],
  ['inputs', 'coups-country-year.csv'],
] as const;

onEveryStore('modelling table from the raw sources', (target) => {
  let store: Store;
  let comparison: TableComparison;
  const where = target.blank();
  before(async () => {
    store = await openStore(where.url, where.pgSchema);
    for (const parts of FILES)
      await importFile(store, registry, { path: sharedFile(...parts), now: NOW });
    const table = await buildTable(store, { asOf: '9999-12-31' });
    comparison = await compareWithPrepared(store, table, '9999-12-31');
  });
  after(async () => {
    await store.close();
    await target.cleanup();
  });

  it('has every country-year of the prepared table', () => {
    assert.equal(comparison.countryYears, 7459);
    assert.equal(comparison.onlyThere, 0);
  });

  it('agrees with the prepared table: every predictor correlates at 0.95 or more', () => {
    const predictors = comparison.columns.filter(
      (c) => c.column !== 'mk_onset' && c.column !== 'mk_onset_1or2',
    );
    assert.equal(predictors.length, REFERENCE_PREDICTORS.length - 1);
    for (const c of predictors) {
      assert.ok(c.correlation !== null && c.correlation >= 0.95, `${c.column}: ${c.correlation}`);
      assert.ok(c.shared >= 6500, `${c.column}: ${c.shared} shared values`);
    }
  });

  it('has the same outcome on every country-year', () => {
    for (const name of ['mk_onset', 'mk_onset_1or2']) {
      const c = comparison.columns.find((x) => x.column === name)!;
      assert.equal(c.shared, 7459, name);
      assert.equal(c.shareEqual, 1, name);
    }
  });

  it('knows only what was public on the as-of date', async () => {
    await assert.rejects(
      buildTable(store, { asOf: '2000-01-01' }),
      /no (outcome panel|mass-killing episode list).* known on 2000-01-01/,
    );
  });

  it('feeds the default forecast up to the latest year of the sources, saying what is partial', async () => {
    const spec = await loadModelSpec(DEFAULT_SPEC, store);
    let notes: string[] = [];
    const panel = await loadPanel(store, spec, {
      onTable: (t) => (notes = t.notes.map((n) => n.message)),
    });
    const origin = panelYears(panel).last;
    assert.ok(origin >= 2023, `latest origin ${origin}`);
    assert.ok(notes.some((n) => /episode list codes onsets to 2014/.test(n)));
    const [result] = await walkForward(panel, spec, { from: origin, to: origin, workers: 1 });
    assert.ok(result!.rows.length >= 150, `${result!.rows.length} countries forecast`);
    assert.ok(result!.rows.every((r) => r.risk > 0 && r.risk < 1));
  });

  it('lens forecast table says what is missing on an early as-of date', async (t: TestContext) => {
    if (where.pgSchema) {
      t.skip('the lens command opens PostgreSQL in its default schema, not a test schema');
      return;
    }
    let out = '';
    let err = '';
    const code = await main(['--db', where.url, 'forecast', 'table', '--as-of', '2000-01-01'], {
      out: (t) => void (out += t),
      err: (t) => void (err += t),
    });
    assert.notEqual(code, 0, out);
    assert.match(err, /known on 2000-01-01.*lens sync --only ewp-/s);
  });
});

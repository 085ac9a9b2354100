// The forecast service and `lens forecast` on the real EWP development data, imported into a
// fresh store (SQLite, and PostgreSQL when LENS_TEST_DATABASE_URL is set). The check of `fit`
// against R glmnet needs Rscript with glmnet: skipped without it, failed under CI.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it, type TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';
import { main } from '../../src/cli/main.js';
import { parseForecastCsv } from '../../src/core/forecast/evaluate.js';
import type { Panel } from '../../src/core/forecast/dataset.js';
import type { ModelSpec } from '../../src/core/forecast/spec.js';
import { forecastOrigin } from '../../src/core/forecast/walk-forward.js';
import type { OriginForecast } from '../../src/core/forecast/walk-forward.js';
import { loadCountryRegistry } from '../../src/services/countries.js';
import { openStore } from '../../src/services/context.js';
import { evaluateForecastFiles } from '../../src/services/forecast-evaluation.js';
import {
  REFERENCE_SPEC,
  fitModel,
  forecastsToCsv,
  loadModelSpec,
  loadPanel,
  modelSummary,
  nameForecasts,
  walkForward,
} from '../../src/services/forecast.js';
import { importFile } from '../../src/services/import.js';
import type { Store } from '../../src/store/database.js';
import { sharedFile } from '../support/shared-data.js';
import { onEveryStore } from '../support/stores.js';

const registry = loadCountryRegistry();
const NOW = '2026-01-15T00:00:00.000Z';
const PREDICTORS = sharedFile('ewp', 'prepared-predictors-2025.dev-to-2012.csv');
const BASE = sharedFile('ewp', 'basedata-2025.dev-to-2014.csv');
const here = dirname(fileURLToPath(import.meta.url));
const R_FIT = join(here, '..', '..', 'bench', 'r', 'fit.R');
const dir = mkdtempSync(join(tmpdir(), 'lens-forecast-'));
/** The panel as the first engine (SQLite) loaded it: every engine must load the same. */
let sqlitePanel: Panel | undefined;
after(() => rmSync(dir, { recursive: true, force: true }));

/** A spec file in the temp folder: the reference with `changes`, for bad-input tests. */
function specFile(name: string, changes: (spec: Record<string, unknown>) => void): string {
  const spec = JSON.parse(
    readFileSync(join(here, '..', '..', 'content', 'models', `${REFERENCE_SPEC}.json`), 'utf8'),
  ) as Record<string, unknown>;
  changes(spec);
  const file = join(dir, `${name}.json`);
  writeFileSync(file, JSON.stringify(spec));
  return file;
}

onEveryStore('forecast on the EWP development data', (target) => {
  let store: Store;
  let spec: ModelSpec;
  let panel: Panel;
  let walked: OriginForecast[] = [];
  before(async () => {
    store = await target.fresh();
    for (const path of [PREDICTORS, BASE]) await importFile(store, registry, { path, now: NOW });
    spec = await loadModelSpec(REFERENCE_SPEC, store);
    panel = await loadPanel(store, spec);
  });
  after(async () => {
    await store.close();
    await target.cleanup();
  });

  it('walks forward over 2010-2012 to the CSV contract, the same on threads as here', async () => {
    const results = await walkForward(panel, spec, { from: 2010, to: 2012, workers: 2 });
    walked = results;
    const csv = forecastsToCsv(nameForecasts(registry, results));
    assert.equal(csv.split('\n')[0], 'origin,ccode,name,risk,rank');
    const lines = parseForecastCsv(csv, 'walk-forward.csv');
    for (const origin of [2010, 2011, 2012]) {
      const rows = lines.filter((l) => l.origin === origin);
      assert.ok(rows.length >= 160, `${rows.length} forecasts at ${origin}`);
      assert.deepEqual(
        rows.map((r) => r.rank),
        rows.map((_, k) => k + 1),
      );
      for (const r of rows) {
        assert.ok(r.risk > 0 && r.risk < 1, `risk ${r.risk}`);
        assert.ok(Number.isInteger(r.ccode) && r.ccode > 0);
        assert.ok(r.name.length > 0);
      }
    }
    const sudan = lines.find((l) => l.origin === 2012 && l.ccode === 625);
    assert.equal(sudan?.name, 'Sudan');
    // The worker threads split each fit into steps; the result is the one made on this thread
    // (checked once: the engine only supplies the panel, which is compared below).
    if (target.name === 'sqlite') assert.deepEqual(results[2], forecastOrigin(panel, spec, 2012));
    sqlitePanel ??= panel;
    assert.deepEqual(panel, sqlitePanel);
    // The forecasts can be scored against the onsets that followed.
    const report = await evaluateForecastFiles(store, registry, [{ file: 'wf.csv', text: csv }], {
      from: 2012,
      to: 2014,
    });
    assert.ok(report.countryYears > 300);
    assert.ok(report.onsets >= 1);
  });

  it('describes a fitted model with the contract JSON: lambda, intercept, coefficients by name', () => {
    // The model behind origin 2012, trained to 2010: what `fit --train-to 2010` prints.
    const summary = modelSummary(walked[2]!.model);
    assert.equal(summary.family, 'elastic-net-logistic');
    assert.ok((summary.lambda as number) > 0);
    assert.equal(typeof summary.intercept, 'number');
    const coefficients = summary.coefficients as Record<string, number>;
    assert.deepEqual(Object.keys(coefficients), spec.predictors);
    assert.equal(summary.trainedTo, 2010);
    assert.ok((summary.trainingRows as number) > 6000);
  });

  it('names a predictor the store does not have', async () => {
    const file = specFile('missing-predictor', (s) => {
      (s.predictors as string[]).push('not_a_predictor');
    });
    await assert.rejects(
      loadModelSpec(file, store),
      new RegExp(
        `${file}: predictors\\[39\\]: invalid value "not_a_predictor" \\(expected a variable of source "ewp-predictors" in the store\\)`,
      ),
    );
  });

  it('names an outcome without a positive case in the training years', async () => {
    // ios.iccpr1 (ICCPR ratification) is 0 everywhere until 1968.
    const file = specFile('no-positive', (s) => {
      s.outcome = 'ios.iccpr1';
      s.predictors = (s.predictors as string[]).filter((p) => p !== 'ios.iccpr1');
    });
    const noPositive = await loadModelSpec(file, store);
    await assert.rejects(
      fitModel(await loadPanel(store, noPositive), noPositive, 1965),
      /training to 1965: outcome ios.iccpr1 has no positive case in the \d+ training rows up to 1965/,
    );
  });

  it('names origins without data', async () => {
    await assert.rejects(
      walkForward(panel, spec, { from: 2013, to: 2014 }),
      /origins 2013-2014 are outside the data \(expected origins from 1962 \(the first year with a known outcome plus 2\) to 2012\)/,
    );
  });
});

/** Why R glmnet cannot be run here, or undefined when it can. */
function rMissing(): string | undefined {
  const install = 'install R and glmnet (apt-get install -y r-base-core r-cran-glmnet)';
  const res = spawnSync('Rscript', ['-e', 'suppressMessages(library(glmnet))'], {
    encoding: 'utf8',
  });
  if (res.error) return `Rscript not found (${res.error.message}); ${install}`;
  if (res.status !== 0) return `R cannot load glmnet (${res.stderr.trim()}); ${install}`;
  return undefined;
}

describe('lens forecast (command line, SQLite)', () => {
  const db = join(dir, 'cli.sqlite');
  before(async () => {
    const store = await openStore(db);
    try {
      await importFile(store, registry, { path: PREDICTORS, now: NOW });
    } finally {
      await store.close();
    }
  });

  /** Runs `lens --db DB ARGS` in-process; returns the exit code and what it printed. */
  async function lens(...args: string[]): Promise<{ code: number; out: string; err: string }> {
    let out = '';
    let err = '';
    const code = await main(['--db', db, ...args], {
      out: (t) => void (out += t),
      err: (t) => void (err += t),
    });
    return { code, out, err };
  }

  it('writes the walk-forward CSV', async () => {
    const file = join(dir, 'wf.csv');
    const run = await lens(
      'forecast',
      'walk-forward',
      '--spec',
      REFERENCE_SPEC,
      '--from',
      '2012',
      '--to',
      '2012',
      '--out',
      file,
      '--workers',
      '1',
    );
    assert.equal(run.code, 0, run.err);
    const lines = parseForecastCsv(readFileSync(file, 'utf8'), file);
    assert.ok(lines.length >= 160);
    assert.deepEqual(Object.keys(lines[0]!), ['origin', 'ccode', 'name', 'risk', 'rank']);
  });

  it('fit --train-to prints the coefficients R glmnet finds at the same lambda (within 1e-4)', async (t: TestContext) => {
    const run = await lens(
      'forecast',
      'fit',
      '--spec',
      REFERENCE_SPEC,
      '--train-to',
      '2010',
      '--format',
      'json',
      '--workers',
      '1',
    );
    assert.equal(run.code, 0, run.err);
    const fit = JSON.parse(run.out) as {
      lambda: number;
      intercept: number;
      coefficients: Record<string, number>;
    };
    assert.deepEqual(Object.keys(fit).slice(0, 4), [
      'family',
      'lambda',
      'intercept',
      'coefficients',
    ]);
    assert.equal(Object.keys(fit.coefficients).length, 39);

    const missing = rMissing();
    if (missing !== undefined) {
      if (process.env.CI) assert.fail(`the R glmnet check needs R in CI: ${missing}`);
      t.skip(missing);
      return;
    }
    // R fits its own automatic path, the same penalties as ours; compare at the chosen one.
    const out = join(dir, 'r-fit.csv');
    const r = spawnSync('Rscript', [R_FIT, PREDICTORS, '2010', String(fit.lambda), out], {
      encoding: 'utf8',
    });
    assert.equal(r.status, 0, r.stderr);
    const expected = new Map(
      readFileSync(out, 'utf8')
        .trim()
        .split('\n')
        .slice(1)
        .map((l) => {
          const [name, value] = l.split(',');
          return [name!, Number(value)];
        }),
    );
    assert.ok(Math.abs(expected.get('lambda')! / fit.lambda - 1) < 1e-10, 'the same penalty');
    assert.ok(Math.abs(fit.intercept - expected.get('(Intercept)')!) < 1e-4);
    for (const [name, value] of Object.entries(fit.coefficients)) {
      assert.ok(
        Math.abs(value - expected.get(name)!) < 1e-4,
        `${name}: ${value} here, ${expected.get(name)} in R`,
      );
    }
  });
});

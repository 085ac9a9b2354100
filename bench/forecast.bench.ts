// Times the walk-forward of the reference specification (origins 1994 to 2012, a 10-fold
// cross-validated elastic net at each) here and with R glmnet (bench/r/walk-forward.R) on the
// same data, and prints both times and their ratio.
// Usage: npm run bench:forecast -- [reps] [workers]   (default 3 repetitions, the machine's cores)
//
// What is timed: here, `walkForward` (every fit on the worker threads, and scoring) once the
// panel is loaded from a store into which the prepared predictors were imported; in R, the
// loop of bench/r/walk-forward.R (every cv.glmnet and prediction), measured inside R. So
// neither side counts starting up and reading the data; each side's whole run is printed too
// (here: starting the threads, which `lens forecast` does while it reads the store, opening
// the store, loading the panel, the walk-forward and stopping the threads; R: the Rscript
// process). CPU time (user + system, all threads) is printed beside the wall time: it is
// the work done, which a busy machine disturbs less. The load average is printed because a
// busy machine slows both sides unevenly: compare wall times on a quiet one.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseForecastCsv } from '../src/core/forecast/evaluate.js';
import { loadCountryRegistry } from '../src/services/countries.js';
import { openStore } from '../src/services/context.js';
import { ForecastPool } from '../src/services/forecast-pool.js';
import {
  REFERENCE_SPEC,
  forecastsToCsv,
  loadModelSpec,
  loadPanel,
  nameForecasts,
  walkForward,
} from '../src/services/forecast.js';
import { importFile } from '../src/services/import.js';
import { sharedFile } from '../test/support/shared-data.js';

const reps = Number(process.argv[2] ?? 3);
const workers = Number(process.argv[3] ?? availableParallelism());
const FROM = 1994;
const TO = 2012;
const data = sharedFile('ewp', 'prepared-predictors-2025.dev-to-2012.csv');
const dir = mkdtempSync(join(tmpdir(), 'lens-forecast-bench-'));
const registry = loadCountryRegistry();
const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

const median = (v: readonly number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;
const min = (v: readonly number[]) => Math.min(...v);

try {
  console.log(`load average before: ${load()} on ${availableParallelism()} cores`);
  const db = join(dir, 'lens.sqlite');
  const setup = await openStore(db);
  await importFile(setup, registry, { path: data, now: new Date().toISOString() });
  await setup.close();

  // Here: each repetition starts the threads, opens the store, loads the panel and walks
  // forward, as `lens forecast walk-forward` does.
  const ours: number[] = [];
  const oursCpu: number[] = [];
  const oursTotal: number[] = [];
  let forecasts = 0;
  for (let k = 0; k < reps; k++) {
    const t0 = performance.now();
    const pool = new ForecastPool(workers);
    const store = await openStore(db);
    const spec = await loadModelSpec(REFERENCE_SPEC, store);
    const panel = await loadPanel(store, spec);
    await store.close();
    const t1 = performance.now();
    const cpu = process.cpuUsage();
    const results = await walkForward(panel, spec, { from: FROM, to: TO, pool });
    const t2 = performance.now();
    const used = process.cpuUsage(cpu);
    oursCpu.push((used.user + used.system) / 1e6);
    await pool.close();
    const t3 = performance.now();
    forecasts = parseForecastCsv(forecastsToCsv(nameForecasts(registry, results)), 'x').length;
    ours.push((t2 - t1) / 1000);
    oursTotal.push((t3 - t0) / 1000);
  }

  // R: the same origins with cv.glmnet, its loop timed inside R.
  const r: number[] = [];
  const rCpu: number[] = [];
  const rTotal: number[] = [];
  let rForecasts = 0;
  let rNote = '';
  for (let k = 0; k < reps && !rNote; k++) {
    const out = join(dir, 'r.csv');
    const t0 = performance.now();
    const res = spawnSync(
      'Rscript',
      ['bench/r/walk-forward.R', data, String(FROM), String(TO), out],
      { encoding: 'utf8' },
    );
    const t1 = performance.now();
    const seconds = /seconds: ([\d.]+)/.exec(res.stdout ?? '')?.[1];
    const cpu = /cpu: ([\d.]+)/.exec(res.stdout ?? '')?.[1];
    if (res.error || res.status !== 0 || seconds === undefined || cpu === undefined) {
      rNote = `R not run: ${res.error?.message ?? res.stderr}`;
      break;
    }
    r.push(Number(seconds));
    rCpu.push(Number(cpu));
    rTotal.push((t1 - t0) / 1000);
    rForecasts = parseForecastCsv(readFileSync(out, 'utf8'), out).length;
  }

  console.log(
    `walk-forward of ${REFERENCE_SPEC}, origins ${FROM}-${TO}, 10-fold CV at each; ${reps} repetitions; here ${workers} worker threads`,
  );
  console.log(
    '                        fits: wall min / median s   CPU median s   whole run: wall median s   forecasts',
  );
  const row = (label: string, v: number[], cpu: number[], total: number[], n: number) =>
    console.log(
      `${label.padEnd(24)}${min(v).toFixed(2).padStart(16)} / ${median(v).toFixed(2).padEnd(8)}${median(cpu).toFixed(2).padStart(14)}${median(total).toFixed(2).padStart(27)}${String(n).padStart(12)}`,
    );
  row(`here (${workers} threads)`, ours, oursCpu, oursTotal, forecasts);
  if (rNote) console.log(rNote);
  else {
    row('R glmnet (1 thread)', r, rCpu, rTotal, rForecasts);
    const ratio = (a: number[], b: number[]) => (median(a) / median(b)).toFixed(2);
    console.log(
      `ratio R / here (medians): fits ${ratio(r, ours)} wall, ${ratio(rCpu, oursCpu)} CPU; whole runs ${ratio(rTotal, oursTotal)} wall. Above 1: this project is faster`,
    );
  }
  console.log(`load average after: ${load()}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}

// Times the elastic-net logistic path and its 10-fold cross-validation on the real EWP data
// (complete cases, outcome mk_onset_1or2, the 39 predictors, alpha 0.5) here and in R glmnet,
// on the same rows and the same folds, and prints both and their ratio.
// Usage: node --import tsx bench/glmnet.bench.ts [reps]   (default 5 repetitions; the minimum
// and median are printed). R's times are measured inside R with system.time; Node's with
// performance.now after two warm-up runs. Needs Rscript with glmnet for the R column.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parse } from 'csv-parse/sync';
import {
  assignFolds,
  crossValidateElasticNetLogistic,
} from '../src/core/stats/cross-validation.js';
import { fitElasticNetLogistic } from '../src/core/stats/elastic-net-logistic.js';
import { matrixFromColumns } from '../src/core/stats/matrix.js';
import { sharedFile } from '../test/support/shared-data.js';

const reps = Number(process.argv[2] ?? 5);
const alpha = 0.5;
const OUTCOMES = ['mk_onset_1or2', 'mk_onset', 'mk_onset_1', 'mk_onset_2'];

const records = parse(readFileSync(sharedFile('ewp', 'prepared-predictors-2025.dev-to-2012.csv')), {
  columns: true,
}) as Record<string, string>[];
const header = Object.keys(records[0] ?? {});
const predictors = header.filter((c) => !['ewp_name', 'ccode', ...OUTCOMES].includes(c));
const complete = records.filter((r) =>
  [...predictors, 'mk_onset_1or2'].every((c) => r[c] !== 'NA' && r[c] !== ''),
);
const columns = predictors.map((c) => Float64Array.from(complete, (r) => Number(r[c])));
const x = matrixFromColumns(columns);
const y = Float64Array.from(complete, (r) => Number(r.mk_onset_1or2));
const foldid = assignFolds(x.rows, 10, 2025);

function timeOf(f: () => unknown): number[] {
  // Warm-up: V8 compiles the solver over the first two runs.
  f();
  f();
  const out: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t = performance.now();
    f();
    out.push((performance.now() - t) / 1000);
  }
  return out;
}
const node = {
  path: timeOf(() => fitElasticNetLogistic(x, y, { alpha })),
  cv_own: timeOf(() =>
    crossValidateElasticNetLogistic(x, y, { alpha, foldid, alignment: 'own-path' }),
  ),
  cv_shared: timeOf(() => crossValidateElasticNetLogistic(x, y, { alpha, foldid })),
};

let r: Record<string, number[]> | undefined;
let rNote = '';
const dir = mkdtempSync(join(tmpdir(), 'lens-glmnet-bench-'));
try {
  const csv = join(dir, 'data.csv');
  const lines = [['y', 'foldid', ...predictors.map((p) => `"${p}"`)].join(',')];
  for (let i = 0; i < x.rows; i++) {
    lines.push([y[i], foldid[i], ...columns.map((c) => c[i])].join(','));
  }
  writeFileSync(csv, lines.join('\n') + '\n');
  const res = spawnSync(
    'Rscript',
    ['bench/glmnet-bench.R', `data=${csv}`, `alpha=${alpha}`, `reps=${reps}`],
    { encoding: 'utf8' },
  );
  if (res.error || res.status !== 0) {
    rNote = `R not run: ${res.error?.message ?? res.stderr}`;
  } else {
    const parsed = JSON.parse(res.stdout) as Record<string, unknown>;
    rNote = `R glmnet ${String(parsed.version)}`;
    r = parsed as Record<string, number[]>;
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const stats = (v: number[]): [number, number] => {
  const s = [...v].sort((a, b) => a - b);
  return [s[0] ?? NaN, s[Math.floor(s.length / 2)] ?? NaN];
};
console.log(
  `EWP data: ${x.rows} complete rows x ${x.cols} predictors, alpha ${alpha}, 10 folds, ${reps} repetitions; ${rNote}`,
);
console.log('task                                   node min/median s   R min/median s   R/node');
const tasks: [keyof typeof node, string][] = [
  ['path', 'path fit (automatic lambda)'],
  ['cv_own', 'path + 10-fold CV, fold paths (R default)'],
  ['cv_shared', 'path + 10-fold CV, shared lambda'],
];
for (const [key, label] of tasks) {
  const [nMin, nMed] = stats(node[key]);
  const rv = r?.[key];
  const [rMin, rMed] = rv ? stats(rv) : [NaN, NaN];
  console.log(
    `${label.padEnd(38)} ${nMin.toFixed(3).padStart(8)} / ${nMed.toFixed(3).padEnd(8)} ${rMin.toFixed(3).padStart(8)} / ${rMed.toFixed(3).padEnd(8)} ${(rMed / nMed).toFixed(2).padStart(6)}`,
  );
}
console.log(
  'R/node > 1 means this implementation is faster. R "shared lambda" fits the path once more inside cv.glmnet.',
);

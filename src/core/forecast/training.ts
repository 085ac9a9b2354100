import { createMatrix } from '../stats/matrix.js';
import type { Matrix } from '../stats/matrix.js';
import type { Panel } from './dataset.js';
import type { SingleModelSpec } from './spec.js';

/** The rows a single model learns from for one training cut-off, laid out for fitting. */
export interface TrainingSet {
  /** Last year whose outcome is used. */
  trainTo: number;
  /** Panel rows used, in panel order (year, then country). */
  rows: number[];
  /** Predictors of those rows, columns in the order of `spec.predictors`, missing cells imputed (`impute-mean`). */
  x: Matrix;
  /** Outcomes, 0 or 1. */
  y: Float64Array;
  /** Imputation value of each predictor (`impute-mean`: the training mean), else 0. */
  means: Float64Array;
  positives: number;
}

/** Position of each of `predictors` among the panel's columns; throws naming a missing one. */
export function panelColumns(panel: Panel, predictors: readonly string[]): number[] {
  return predictors.map((name) => {
    const j = panel.predictors.indexOf(name);
    if (j < 0) throw new Error(`predictor ${name} is not in the panel`);
    return j;
  });
}

/**
 * The rows a model for cut-off `trainTo` may learn from: year up to `trainTo` (the outcome of
 * later years was not known yet), outcome present, and (complete cases) every one of the
 * spec's predictors present.
 */
export function trainingRows(panel: Panel, spec: SingleModelSpec, trainTo: number): number[] {
  const columns = panelColumns(panel, spec.predictors);
  const completeOnly = spec.missing === 'complete-cases';
  const out: number[] = [];
  for (let i = 0; i < panel.rows; i++) {
    if (panel.years[i]! > trainTo || Number.isNaN(panel.y[i]!)) continue;
    if (completeOnly && !isComplete(panel, columns, i)) continue;
    out.push(i);
  }
  return out;
}

/** Whether row `i` of the panel has a value in every one of `columns`. */
export function isComplete(panel: Panel, columns: readonly number[], i: number): boolean {
  for (const j of columns) if (Number.isNaN(panel.x[j * panel.rows + i]!)) return false;
  return true;
}

/**
 * The training set of a single model for cut-off `trainTo`. Throws, naming the problem, when
 * there is no row to learn from or the outcome has no positive case among them.
 */
export function trainingSet(panel: Panel, spec: SingleModelSpec, trainTo: number): TrainingSet {
  const rows = trainingRows(panel, spec, trainTo);
  if (rows.length === 0) {
    throw new Error(
      `no training rows up to ${trainTo} (${spec.missing}): the data start later or every row has a missing predictor`,
    );
  }
  const columns = panelColumns(panel, spec.predictors);
  const means =
    spec.missing === 'impute-mean'
      ? columnMeans(panel, columns, rows)
      : new Float64Array(columns.length);
  const x = designMatrix(panel, columns, rows, means);
  const y = Float64Array.from(rows, (i) => panel.y[i]!);
  const positives = y.reduce((s, v) => s + (v > 0 ? 1 : 0), 0);
  if (positives === 0)
    throw new Error(
      `outcome ${spec.outcome} has no positive case in the ${rows.length} training rows up to ${trainTo}`,
    );
  return { trainTo, rows, x, y, means, positives };
}

/**
 * The matrix of the given panel columns at the given rows; a missing cell takes the column's
 * entry of `fill` when given (imputation), else stays NaN.
 */
export function designMatrix(
  panel: Panel,
  columns: readonly number[],
  rows: readonly number[],
  fill?: Float64Array,
): Matrix {
  const n = rows.length;
  const x = createMatrix(n, columns.length);
  for (let c = 0; c < columns.length; c++) {
    const src = columns[c]! * panel.rows;
    const dst = c * n;
    const value = fill?.[c];
    for (let r = 0; r < n; r++) {
      const v = panel.x[src + rows[r]!]!;
      x.data[dst + r] = value !== undefined && Number.isNaN(v) ? value : v;
    }
  }
  return x;
}

function columnMeans(panel: Panel, columns: readonly number[], rows: readonly number[]) {
  return Float64Array.from(columns, (j) => {
    let sum = 0;
    let n = 0;
    for (const i of rows) {
      const v = panel.x[j * panel.rows + i]!;
      if (!Number.isNaN(v)) {
        sum += v;
        n++;
      }
    }
    return n > 0 ? sum / n : 0;
  });
}

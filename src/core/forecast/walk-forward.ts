import { crossValidateElasticNetLogistic } from '../stats/cross-validation.js';
import { fitElasticNetLogistic } from '../stats/elastic-net-logistic.js';
import { createMatrix } from '../stats/matrix.js';
import { isComplete } from './dataset.js';
import type { Panel } from './dataset.js';
import type { ModelSpec } from './spec.js';

/** A fitted model on the original scale of the predictors: log-odds = intercept + Σ βx. */
export interface FittedModel {
  /** The penalty chosen by cross-validation. */
  lambda: number;
  intercept: number;
  coefficients: Record<string, number>;
  /** Training rows used, positive cases among them, and the last training year. */
  trainingRows: number;
  trainingPositives: number;
  trainedTo: number;
  /** Imputation values per predictor (`impute-mean`), else empty. */
  means: Record<string, number>;
}

/** One country's forecast at an origin: probability of an onset within the horizon, and rank (1 = highest). */
export interface ForecastRow {
  countryId: string;
  risk: number;
  rank: number;
}

/** The forecasts of one origin year and the model behind them. */
export interface OriginForecast {
  origin: number;
  model: FittedModel;
  rows: ForecastRow[];
}

/**
 * The rows a model for origin `t` may learn from: outcome known by `t` (years up to
 * `t - horizon`), outcome present, and (complete cases) every predictor present.
 */
export function trainingRows(panel: Panel, spec: ModelSpec, trainTo: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < panel.rows; i++) {
    if (panel.years[i]! > trainTo || Number.isNaN(panel.y[i]!)) continue;
    if (spec.missing === 'complete-cases' && !isComplete(panel, i)) continue;
    out.push(i);
  }
  return out;
}

/**
 * Fits the spec's model on the panel rows up to `trainTo` (inclusive): elastic-net logistic
 * regression, lambda fixed (`fixedLambda`) or chosen by `spec.folds`-fold cross-validation with folds drawn from
 * `spec.seed + trainTo`, the `spec.lambdaRule` choice. Throws naming the problem when the
 * training set is empty or has no positive case.
 */
export function fitSpec(
  panel: Panel,
  spec: ModelSpec,
  trainTo: number,
  fixedLambda?: number,
): FittedModel {
  const rows = trainingRows(panel, spec, trainTo);
  const p = spec.predictors.length;
  if (rows.length === 0) {
    throw new Error(
      `no training rows up to ${trainTo} (${spec.missing}): the data start later or every row has a missing predictor`,
    );
  }
  const means = spec.missing === 'impute-mean' ? columnMeans(panel, rows) : new Float64Array(p);
  const x = createMatrix(rows.length, p);
  const y = new Float64Array(rows.length);
  let positives = 0;
  rows.forEach((i, r) => {
    for (let j = 0; j < p; j++) {
      const v = panel.x[j * panel.rows + i]!;
      x.data[j * rows.length + r] = Number.isNaN(v) ? means[j]! : v;
    }
    y[r] = panel.y[i]!;
    positives += panel.y[i]! > 0 ? 1 : 0;
  });
  if (positives === 0)
    throw new Error(
      `outcome ${spec.outcome} has no positive case in the training rows up to ${trainTo}`,
    );
  let lambda: number;
  let intercept: number;
  let beta: Float64Array;
  if (fixedLambda !== undefined) {
    const fit = fitElasticNetLogistic(x, y, {
      alpha: spec.alpha,
      lambda: [fixedLambda],
      columnNames: spec.predictors,
    });
    lambda = fixedLambda;
    intercept = fit.a0[0]!;
    beta = fit.beta[0]!;
  } else {
    const cv = crossValidateElasticNetLogistic(x, y, {
      alpha: spec.alpha,
      nfolds: spec.folds,
      seed: spec.seed + trainTo,
      columnNames: spec.predictors,
    });
    const index = spec.lambdaRule === 'min' ? cv.indexMin : cv.index1se;
    lambda = cv.lambda[index]!;
    intercept = cv.fit.a0[index]!;
    beta = cv.fit.beta[index]!;
  }
  const coefficients: Record<string, number> = {};
  spec.predictors.forEach((name, j) => (coefficients[name] = beta[j]!));
  const meanRecord: Record<string, number> = {};
  if (spec.missing === 'impute-mean')
    spec.predictors.forEach((name, j) => (meanRecord[name] = means[j]!));
  return {
    lambda,
    intercept,
    coefficients,
    trainingRows: rows.length,
    trainingPositives: positives,
    trainedTo: trainTo,
    means: meanRecord,
  };
}

/** Log-odds of row `i` under a model; NaN when a predictor is missing and cannot be imputed. */
export function logOdds(panel: Panel, model: FittedModel, i: number): number {
  let eta = model.intercept;
  panel.predictors.forEach((name, j) => {
    let v = panel.x[j * panel.rows + i]!;
    if (Number.isNaN(v)) v = model.means[name] ?? NaN;
    eta += (model.coefficients[name] ?? 0) * v;
  });
  return eta;
}

/**
 * The forecast of origin `t`: a model fitted on the outcomes known by `t`
 * (years up to `t - horizonYears`) applied to the rows of year `t`. Ranks 1 = highest risk.
 * Throws when year `t` has no row that can be scored.
 */
export function forecastOrigin(panel: Panel, spec: ModelSpec, origin: number): OriginForecast {
  const model = fitSpec(panel, spec, origin - spec.horizonYears);
  const scored: { countryId: string; risk: number }[] = [];
  for (let i = 0; i < panel.rows; i++) {
    if (panel.years[i] !== origin) continue;
    const eta = logOdds(panel, model, i);
    if (Number.isNaN(eta)) continue;
    scored.push({ countryId: panel.countryIds[i]!, risk: 1 / (1 + Math.exp(-eta)) });
  }
  if (scored.length === 0)
    throw new Error(`origin ${origin}: no country-year of ${origin} has the predictors needed`);
  scored.sort((a, b) => b.risk - a.risk || (a.countryId < b.countryId ? -1 : 1));
  return { origin, model, rows: scored.map((s, k) => ({ ...s, rank: k + 1 })) };
}

function columnMeans(panel: Panel, rows: readonly number[]): Float64Array {
  const p = panel.predictors.length;
  const means = new Float64Array(p);
  for (let j = 0; j < p; j++) {
    let sum = 0;
    let n = 0;
    for (const i of rows) {
      const v = panel.x[j * panel.rows + i]!;
      if (!Number.isNaN(v)) {
        sum += v;
        n++;
      }
    }
    means[j] = n > 0 ? sum / n : 0;
  }
  return means;
}

/**
 * The change in log-odds of a country from origin `t - 1` to `t`, per predictor, split into
 * the part due to the data (the predictor's value moved, at the old coefficient) and the part
 * due to the model (the coefficient moved, at the new value); the intercept's change is the
 * model's. The parts add up exactly to the total change.
 */
export function explainChange(
  predictors: readonly string[],
  before: { model: FittedModel; x: Record<string, number> },
  after: { model: FittedModel; x: Record<string, number> },
): {
  total: number;
  intercept: number;
  terms: { predictor: string; data: number; model: number; total: number }[];
} {
  const terms = predictors.map((name) => {
    const b0 = before.model.coefficients[name] ?? 0;
    const b1 = after.model.coefficients[name] ?? 0;
    const x0 = before.x[name] ?? 0;
    const x1 = after.x[name] ?? 0;
    const data = b0 * (x1 - x0);
    const model = (b1 - b0) * x1;
    return { predictor: name, data, model, total: data + model };
  });
  const intercept = after.model.intercept - before.model.intercept;
  const total = intercept + terms.reduce((s, t) => s + t.total, 0);
  return { total, intercept, terms };
}

/**
 * The elastic-net family of forecast models: logistic regression with an elastic-net penalty,
 * lambda chosen by k-fold cross-validation as R's cv.glmnet does by default (each fold fits
 * its own penalty path and is read at the full-data penalties by linear interpolation,
 * `alignment = "lambda"`; binomial deviance, grouped by fold).
 *
 * The fit is split into independent steps (the full-data path, and one path per fold) so that
 * a caller may run them on different threads; `finishElasticNet` puts the pieces together
 * exactly as `crossValidateElasticNetLogistic(…, { alignment: 'own-path' })` does.
 */
import { assignFolds, chooseLambda } from '../stats/cross-validation.js';
import {
  fitElasticNetLogistic,
  interpolationWeights,
  linearPredictor,
} from '../stats/elastic-net-logistic.js';
import type { ElasticNetLogisticFit } from '../stats/elastic-net-logistic.js';
import { selectRows } from '../stats/matrix.js';
import type { ElasticNetSpec } from './spec.js';
import type { TrainingSet } from './training.js';

/** A fitted logistic model on the original scale of the predictors: log-odds = intercept + Σ βx. */
export interface LinearModel {
  family: 'elastic-net-logistic';
  /** The penalty chosen by cross-validation (or given). */
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

/** One independent piece of an elastic-net fit: the full-data path, or the path without fold `fold` (1-based). */
export type ElasticNetStep = { kind: 'path' } | { kind: 'fold'; fold: number };

/**
 * What a step returns: the full-data path; or a fold's penalties and the log-odds of its
 * held-out rows at each of them (`eta[l * rows + r]` for penalty l and the fold's r-th row).
 */
export type ElasticNetStepResult =
  | { step: { kind: 'path' }; fit: ElasticNetLogisticFit }
  | { step: { kind: 'fold'; fold: number }; lambda: Float64Array; eta: Float64Array };

/** cv.glmnet clamps held-out probabilities to [1e-5, 1 - 1e-5] before taking logs. */
const PROB_MIN = 1e-5;

/** The steps of a cross-validated fit: the full path, then each fold's. */
export function elasticNetSteps(spec: ElasticNetSpec): ElasticNetStep[] {
  return [
    { kind: 'path' },
    ...Array.from({ length: spec.folds }, (_, k) => ({ kind: 'fold' as const, fold: k + 1 })),
  ];
}

/** Fold of each training row (1..folds), drawn from `spec.seed + trainTo`. */
export function elasticNetFolds(set: TrainingSet, spec: ElasticNetSpec): Int32Array {
  return assignFolds(set.rows.length, spec.folds, spec.seed + set.trainTo);
}

/** Runs one step on the training set. */
export function runElasticNetStep(
  set: TrainingSet,
  spec: ElasticNetSpec,
  step: ElasticNetStep,
): ElasticNetStepResult {
  const options = { alpha: spec.alpha, columnNames: spec.predictors };
  if (step.kind === 'path') return { step, fit: fitElasticNetLogistic(set.x, set.y, options) };
  const foldid = elasticNetFolds(set, spec);
  const train: number[] = [];
  const test: number[] = [];
  for (let i = 0; i < foldid.length; i++) (foldid[i] === step.fold ? test : train).push(i);
  let fit: ElasticNetLogisticFit;
  try {
    fit = fitElasticNetLogistic(
      selectRows(set.x, train),
      Float64Array.from(train, (i) => set.y[i]!),
      options,
    );
  } catch (error) {
    throw new Error(
      `cross-validation fold ${step.fold} of ${spec.folds} (fitted without its ${test.length} rows): ${(error as Error).message}`,
    );
  }
  // The held-out rows' log-odds along the fold's own path: reading them at the full-data
  // penalties (interpolating, as predict.glmnet does) is left to `finishElasticNet`.
  const xTest = selectRows(set.x, test);
  const eta = new Float64Array(fit.lambda.length * test.length);
  for (let l = 0; l < fit.lambda.length; l++)
    eta.set(linearPredictor(xTest, fit.a0[l]!, fit.beta[l]!), l * test.length);
  return { step, lambda: fit.lambda, eta };
}

/**
 * The cross-validated model from the results of every step (any order): the held-out
 * deviance at each full-data penalty, lambda.min or lambda.1se by `spec.lambdaRule`, and the
 * full-data coefficients there.
 */
export function finishElasticNet(
  set: TrainingSet,
  spec: ElasticNetSpec,
  results: readonly ElasticNetStepResult[],
): LinearModel {
  const path = results.find((r) => r.step.kind === 'path');
  if (!path || !('fit' in path)) throw new Error('the full-data path is missing');
  const full = path.fit;
  const foldid = elasticNetFolds(set, spec);
  const n = foldid.length;
  const L = full.lambda.length;
  // Held-out binomial deviance of every row at every penalty.
  const err = Array.from({ length: L }, () => new Float64Array(n));
  for (let f = 1; f <= spec.folds; f++) {
    const fold = results.find((r) => r.step.kind === 'fold' && r.step.fold === f);
    if (!fold || !('eta' in fold)) throw new Error(`cross-validation fold ${f} is missing`);
    const test: number[] = [];
    for (let i = 0; i < n; i++) if (foldid[i] === f) test.push(i);
    const m = test.length;
    for (let l = 0; l < L; l++) {
      // Log-odds are linear in the coefficients, so interpolating them is interpolating
      // the coefficients (predict.glmnet's lambda.interp) and then predicting.
      const { left, right, frac } = interpolationWeights(fold.lambda, full.lambda[l]!);
      const row = err[l]!;
      for (let r = 0; r < m; r++) {
        const i = test[r]!;
        const eta = frac * fold.eta[left * m + r]! + (1 - frac) * fold.eta[right * m + r]!;
        const pi = Math.min(Math.max(1 / (1 + Math.exp(-eta)), PROB_MIN), 1 - PROB_MIN);
        row[i] = -2 * (set.y[i] === 1 ? Math.log(pi) : Math.log(1 - pi));
      }
    }
  }
  // cv.glmnet's cvm and cvsd: errors averaged within each fold, then the fold means averaged
  // weighted by fold size, with their standard error; per row when folds have < 3 rows.
  const grouped = n / spec.folds >= 3;
  const groups = grouped ? spec.folds : n;
  const groupOf = (i: number) => (grouped ? foldid[i]! - 1 : i);
  const size = new Float64Array(groups);
  for (let i = 0; i < n; i++) size[groupOf(i)]!++;
  const cvm = new Float64Array(L);
  const cvsd = new Float64Array(L);
  const mean = new Float64Array(groups);
  for (let l = 0; l < L; l++) {
    mean.fill(0);
    for (let i = 0; i < n; i++) mean[groupOf(i)]! += err[l]![i]!;
    let m = 0;
    for (let k = 0; k < groups; k++) {
      mean[k] = mean[k]! / size[k]!;
      m += size[k]! * mean[k]!;
    }
    m /= n;
    let ss = 0;
    for (let k = 0; k < groups; k++) ss += size[k]! * (mean[k]! - m) ** 2;
    cvm[l] = m;
    cvsd[l] = Math.sqrt(ss / n / (groups - 1));
  }
  const { indexMin, index1se } = chooseLambda(full.lambda, cvm, cvsd);
  const index = spec.lambdaRule === 'min' ? indexMin : index1se;
  return linearModel(set, spec, full.lambda[index]!, full.a0[index]!, full.beta[index]!);
}

/** The model at one fixed penalty, without cross-validation. */
export function fitElasticNetAt(
  set: TrainingSet,
  spec: ElasticNetSpec,
  lambda: number,
): LinearModel {
  const fit = fitElasticNetLogistic(set.x, set.y, {
    alpha: spec.alpha,
    lambda: [lambda],
    columnNames: spec.predictors,
  });
  return linearModel(set, spec, lambda, fit.a0[0]!, fit.beta[0]!);
}

function linearModel(
  set: TrainingSet,
  spec: ElasticNetSpec,
  lambda: number,
  intercept: number,
  beta: Float64Array,
): LinearModel {
  const coefficients: Record<string, number> = {};
  const means: Record<string, number> = {};
  spec.predictors.forEach((name, j) => {
    coefficients[name] = beta[j]!;
    if (spec.missing === 'impute-mean') means[name] = set.means[j]!;
  });
  return {
    family: 'elastic-net-logistic',
    lambda,
    intercept,
    coefficients,
    trainingRows: set.rows.length,
    trainingPositives: set.positives,
    trainedTo: set.trainTo,
    means,
  };
}

/**
 * K-fold cross-validation of the elastic-net logistic path, as R's cv.glmnet does it for
 * `family = "binomial", type.measure = "deviance"`: the penalty sequence comes from a fit on
 * all the data, each fold is predicted by a model fitted without it, the error is the binomial
 * deviance of the held-out observations, and lambda.min / lambda.1se are chosen by cv.glmnet's
 * rules.
 */
import {
  coefficientsAt,
  fitElasticNetLogistic,
  linearPredictor,
  type ElasticNetLogisticFit,
  type ElasticNetLogisticOptions,
} from './elastic-net-logistic.js';
import { selectRows, type Matrix } from './matrix.js';
import { createRandom, shuffleInPlace } from './random.js';

/** cv.glmnet clamps held-out probabilities to [1e-5, 1 - 1e-5] before taking logs. */
const PROB_MIN = 1e-5;

/**
 * How the fold models meet the full-data penalties:
 * - `'shared'`: every fold model is fitted on the full-data penalty sequence itself (what
 *   cv.glmnet does when it is given `lambda = fit$lambda`). The default.
 * - `'own-path'`: every fold model fits its own automatic path, and its coefficients are
 *   interpolated linearly at the full-data penalties (cv.glmnet's default when no `lambda` is
 *   given, `alignment = "lambda"`). With a user `lambda` both modes are the same.
 */
export type FoldAlignment = 'shared' | 'own-path';

/** Cross-validation options: the fitting options, plus how to form and use the folds. */
export interface CrossValidationOptions extends ElasticNetLogisticOptions {
  /** Number of folds, >= 3. Default 10. Ignored when `foldid` is given. */
  nfolds?: number;
  /**
   * Fold of each observation, numbered 1..K as in R (every fold non-empty, K >= 3). Default:
   * drawn with `assignFolds(n, nfolds, seed)`.
   */
  foldid?: ArrayLike<number>;
  /** Seed of the fold assignment when `foldid` is not given. Default 1. */
  seed?: number;
  /** See FoldAlignment. Default `'shared'`. */
  alignment?: FoldAlignment;
  /**
   * Average the error within each fold first and take the standard error across folds
   * (cv.glmnet's `grouped = TRUE`, the default). As in cv.glmnet it is turned off, with a
   * warning, when there are fewer than 3 observations per fold.
   */
  grouped?: boolean;
}

/** The cross-validation curve and the penalties it picks. Arrays follow `lambda`. */
export interface CrossValidationResult {
  /** The path fitted on all the data. */
  readonly fit: ElasticNetLogisticFit;
  /** The full-data penalties, decreasing. */
  readonly lambda: Float64Array;
  /** Mean cross-validated binomial deviance per observation at each penalty. */
  readonly cvm: Float64Array;
  /** Its standard error. */
  readonly cvsd: Float64Array;
  /** cvm + cvsd and cvm - cvsd. */
  readonly cvup: Float64Array;
  readonly cvlo: Float64Array;
  /** Non-zero coefficients of the full-data fit at each penalty. */
  readonly nzero: Int32Array;
  /** Largest penalty with the smallest cvm, and its position in `lambda`. */
  readonly lambdaMin: number;
  readonly indexMin: number;
  /** Largest penalty whose cvm is within one standard error of the minimum, and its position. */
  readonly lambda1se: number;
  readonly index1se: number;
  /** Fold of each observation (1..K) and K. */
  readonly foldid: Int32Array;
  readonly nfolds: number;
  /** Whether errors were grouped by fold (see CrossValidationOptions.grouped). */
  readonly grouped: boolean;
  /**
   * Out-of-fold predicted probabilities: `preval[l][i]` for observation i at penalty l, from the
   * model that did not see observation i.
   */
  readonly preval: readonly Float64Array[];
  /** Problems that did not stop the run (from the fits, or grouping turned off). */
  readonly warnings: readonly string[];
}

/**
 * A random, balanced fold assignment: labels 1..nfolds repeated to length n, then shuffled with
 * the seeded generator of random.ts (the shape of R's `sample(rep(seq(nfolds), length = n))`,
 * not its random stream).
 */
export function assignFolds(n: number, nfolds: number, seed: number): Int32Array {
  if (!(Number.isInteger(nfolds) && nfolds >= 1)) {
    throw new RangeError(`nfolds must be a whole number >= 1, got ${nfolds}`);
  }
  const folds = new Int32Array(n);
  for (let i = 0; i < n; i++) folds[i] = (i % nfolds) + 1;
  return shuffleInPlace(folds, createRandom(seed));
}

/**
 * Cross-validates the elastic-net logistic path of `y` (0/1) on `x`. Throws on invalid folds
 * (naming the problem) and on any fit that cannot be made, naming the fold.
 */
export function crossValidateElasticNetLogistic(
  x: Matrix,
  y: ArrayLike<number>,
  options: CrossValidationOptions = {},
): CrossValidationResult {
  const n = x.rows;
  const {
    nfolds: nfoldsOption,
    foldid: foldidOption,
    seed,
    alignment,
    grouped,
    ...fitOptions
  } = options;
  if (n === 0) {
    throw new RangeError('cannot cross-validate: the training set is empty (x has 0 rows)');
  }

  let foldid: Int32Array;
  if (foldidOption !== undefined) {
    if (foldidOption.length !== n) {
      throw new RangeError(`foldid has ${foldidOption.length} values but x has ${n} rows`);
    }
    foldid = Int32Array.from(foldidOption);
    for (let i = 0; i < n; i++) {
      if (!(Number.isInteger(foldidOption[i]) && (foldidOption[i] as number) >= 1)) {
        throw new RangeError(
          `foldid row ${i} (0-based) is ${foldidOption[i]}; folds are numbered 1, 2, ...`,
        );
      }
    }
  } else {
    foldid = assignFolds(n, nfoldsOption ?? 10, seed ?? 1);
  }
  let nfolds = 0;
  for (const f of foldid) nfolds = Math.max(nfolds, f);
  if (nfolds < 3) throw new RangeError(`need at least 3 folds, got ${nfolds}`);
  const foldSize = new Int32Array(nfolds + 1);
  for (const f of foldid) foldSize[f]!++;
  for (let f = 1; f <= nfolds; f++) {
    if (foldSize[f] === 0) throw new RangeError(`fold ${f} of 1..${nfolds} has no observations`);
  }

  const fit = fitElasticNetLogistic(x, y, fitOptions);
  const warnings = [...fit.warnings];

  const mode = alignment ?? 'shared';
  const L = fit.lambda.length;
  const weights = fitOptions.weights;
  const preval: Float64Array[] = [];
  for (let l = 0; l < L; l++) preval.push(new Float64Array(n));

  for (let f = 1; f <= nfolds; f++) {
    const train: number[] = [];
    const test: number[] = [];
    for (let i = 0; i < n; i++) (foldid[i] === f ? test : train).push(i);
    const yTrain = new Float64Array(train.length);
    for (let r = 0; r < train.length; r++) yTrain[r] = y[train[r]!] as number;
    const foldOptions: ElasticNetLogisticOptions = { ...fitOptions };
    if (weights !== undefined) {
      foldOptions.weights = Float64Array.from(train, (i) => weights[i] as number);
    }
    if (mode === 'shared') foldOptions.lambda = fit.lambda;
    let foldFit: ElasticNetLogisticFit;
    try {
      foldFit = fitElasticNetLogistic(selectRows(x, train), yTrain, foldOptions);
    } catch (e) {
      throw new RangeError(
        `cross-validation fold ${f} of ${nfolds} (fitted without its ${test.length} rows): ${(e as Error).message}`,
      );
    }
    for (const wmsg of foldFit.warnings) warnings.push(`fold ${f}: ${wmsg}`);
    const xTest = selectRows(x, test);
    for (let l = 0; l < L; l++) {
      // A fold path cut short by the iteration limit is used at its last penalty, as
      // predict.glmnet clamps to the fitted range.
      const at =
        mode === 'shared'
          ? { index: Math.min(l, foldFit.lambda.length - 1) }
          : { lambda: fit.lambda[l]! };
      const { a0, beta } = coefficientsAt(foldFit, at);
      const prob = linearPredictor(xTest, a0, beta, 'response');
      const out = preval[l]!;
      for (let r = 0; r < test.length; r++) out[test[r]!] = prob[r]!;
    }
  }

  // Binomial deviance of each held-out observation (binary y: the saturated term is 0).
  const w = new Float64Array(n);
  for (let i = 0; i < n; i++) w[i] = weights === undefined ? 1 : (weights[i] as number);
  let useGroups = grouped ?? true;
  if (useGroups && n / nfolds < 3) {
    useGroups = false;
    warnings.push('grouped = false enforced, since there are < 3 observations per fold');
  }
  const cvm = new Float64Array(L);
  const cvsd = new Float64Array(L);
  const err = new Float64Array(n);
  const foldErr = new Float64Array(nfolds + 1);
  const foldW = new Float64Array(nfolds + 1);
  for (let l = 0; l < L; l++) {
    const prob = preval[l]!;
    for (let i = 0; i < n; i++) {
      const pi = Math.min(Math.max(prob[i]!, PROB_MIN), 1 - PROB_MIN);
      err[i] = -2 * ((y[i] as number) === 1 ? Math.log(pi) : Math.log(1 - pi));
    }
    if (useGroups) {
      foldErr.fill(0);
      foldW.fill(0);
      for (let i = 0; i < n; i++) {
        const f = foldid[i]!;
        foldErr[f] = foldErr[f]! + w[i]! * err[i]!;
        foldW[f] = foldW[f]! + w[i]!;
      }
      for (let f = 1; f <= nfolds; f++) foldErr[f] = foldErr[f]! / foldW[f]!;
      const [m, sd] = weightedMeanAndSe(foldErr.subarray(1), foldW.subarray(1));
      cvm[l] = m;
      cvsd[l] = sd;
    } else {
      const [m, sd] = weightedMeanAndSe(err, w);
      cvm[l] = m;
      cvsd[l] = sd;
    }
  }

  const cvup = new Float64Array(L);
  const cvlo = new Float64Array(L);
  for (let l = 0; l < L; l++) {
    cvup[l] = cvm[l]! + cvsd[l]!;
    cvlo[l] = cvm[l]! - cvsd[l]!;
  }
  const { indexMin, index1se } = chooseLambda(fit.lambda, cvm, cvsd);
  return {
    fit,
    lambda: fit.lambda,
    cvm,
    cvsd,
    cvup,
    cvlo,
    nzero: fit.df,
    lambdaMin: fit.lambda[indexMin]!,
    indexMin,
    lambda1se: fit.lambda[index1se]!,
    index1se,
    foldid,
    nfolds,
    grouped: useGroups,
    preval,
    warnings,
  };
}

/**
 * cv.glmnet's summary of errors e with weights w: the weighted mean m, and
 * sqrt(weighted mean of (e - m)^2 / (count - 1)).
 */
function weightedMeanAndSe(e: Float64Array, w: Float64Array): [number, number] {
  let sw = 0;
  let s = 0;
  for (let i = 0; i < e.length; i++) {
    sw += w[i]!;
    s += w[i]! * e[i]!;
  }
  const m = s / sw;
  let ss = 0;
  for (let i = 0; i < e.length; i++) {
    const d = e[i]! - m;
    ss += w[i]! * d * d;
  }
  return [m, Math.sqrt(ss / sw / (e.length - 1))];
}

/**
 * cv.glmnet's getOptcv.glmnet: lambda.min is the largest penalty attaining the smallest cvm;
 * lambda.1se the largest penalty with cvm <= cvm(lambda.min) + cvsd(lambda.min).
 */
export function chooseLambda(
  lambda: Float64Array,
  cvm: Float64Array,
  cvsd: Float64Array,
): { indexMin: number; index1se: number } {
  let cvmin = Infinity;
  for (const c of cvm) if (c < cvmin) cvmin = c;
  const largest = (ok: (l: number) => boolean): number => {
    let best = -1;
    for (let l = 0; l < lambda.length; l++) {
      if (ok(l) && (best < 0 || lambda[l]! > lambda[best]!)) best = l;
    }
    return best;
  };
  const indexMin = largest((l) => cvm[l]! <= cvmin);
  const semin = cvm[indexMin]! + cvsd[indexMin]!;
  const index1se = largest((l) => cvm[l]! <= semin);
  return { indexMin, index1se };
}

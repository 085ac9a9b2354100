/**
 * Elastic-net penalised logistic regression fitted along a path of penalties by cyclic
 * coordinate descent: the algorithm of R's glmnet for `family = "binomial"` (Friedman,
 * Hastie & Tibshirani 2010, "Regularization paths for generalized linear models via
 * coordinate descent", J. Stat. Softw. 33(1)), reproduced step for step from glmnet 4.1's
 * two-class solver so the same data give the same path, coefficients and deviances.
 *
 * For a penalty `lambda` and mixing `alpha` it minimises over (a0, beta)
 *
 *   -(1/W) sum_i w_i [y_i (a0 + x_i'beta) - log(1 + exp(a0 + x_i'beta))]
 *     + lambda * sum_j [alpha |beta_j| + (1 - alpha) beta_j^2 / 2]
 *
 * where W = sum_i w_i and, with `standardize` (the default), beta is measured on predictors
 * scaled to weighted standard deviation 1 (variance with divisor W, not W - 1). The returned
 * coefficients are always on the original scale of the predictors.
 *
 * How glmnet does it, and so how this does it:
 * - Outer loop (IRLS): the log-likelihood is replaced by its quadratic approximation at the
 *   current fit (working weights v_i = w_i p_i (1 - p_i)), Newton's method ("type.logistic =
 *   Newton"); the approximation is refreshed until no coefficient moves by more than the
 *   threshold (measured as v-weighted variance times squared change, like the inner loop).
 * - Inner loop: cyclic coordinate descent on that penalised weighted least squares problem
 *   with soft-thresholding. A full sweep over the candidate set is followed by sweeps over the
 *   active set only until they converge, then another full sweep, until a full sweep changes
 *   nothing. Convergence: max_j v_j (change in beta_j)^2 < thresh * null deviance.
 * - Candidate set: the sequential strong rule (|gradient_j| > alpha (2 lambda_k - lambda_k-1))
 *   with a KKT check on every excluded predictor once IRLS has converged; any violator joins
 *   the candidate set and the fit resumes, so the strong rule never loses a predictor.
 * - Path: warm starts from the previous lambda. Without a user sequence, lambda_max is the
 *   smallest penalty at which every coefficient is zero, and the path descends geometrically
 *   to `lambdaMinRatio * lambda_max` in `nlambda` steps; it stops early, as glmnet does, once
 *   at least 5 penalties are fitted and the deviance ratio rises by less than 1e-5 (`fdev`)
 *   from one step to the next or exceeds 0.999 (`devmax`).
 *
 * All constants are glmnet.control()'s factory defaults: fdev 1e-5, devmax 0.999, eps 1e-6
 * (smallest lambdaMinRatio), big 9.9e35, mnlam 5, pmin 1e-9 (probabilities are clamped at
 * logit +-log(1/pmin - 1) while fitting).
 */
import { PathSolver } from './logistic-path-solver.js';
import type { Matrix } from './matrix.js';

/** Fitting options. Every field is optional; defaults are glmnet's. */
export interface ElasticNetLogisticOptions {
  /**
   * Mixing between lasso (1) and ridge (0), in [0, 1]. Default 1 (lasso); the Early Warning
   * Project's model uses 0.5.
   */
  alpha?: number;
  /**
   * Penalties to fit, each >= 0. They are fitted (and returned) in decreasing order, all of
   * them: a user sequence is never stopped early. Default: glmnet's automatic path.
   */
  lambda?: ArrayLike<number>;
  /** Length of the automatic path, >= 1. Default 100. Ignored when `lambda` is given. */
  nlambda?: number;
  /**
   * Smallest penalty of the automatic path as a fraction of lambda_max, in (0, 1).
   * Default 1e-4 when there are at least as many observations as predictors, else 0.01.
   * Values below 1e-6 are treated as 1e-6, as in glmnet.
   */
  lambdaMinRatio?: number;
  /** Observation weights, each finite and >= 0, not all 0. Default: all 1. */
  weights?: ArrayLike<number>;
  /**
   * Convergence threshold of coordinate descent, relative to the null deviance. Default 1e-7.
   */
  thresh?: number;
  /**
   * Maximum number of coordinate-descent sweeps over the whole path. Default 100000. When it is
   * reached the path is cut before the penalty that failed and `warnings` says so.
   */
  maxit?: number;
  /** Standardise predictors before fitting (coefficients still come back unscaled). Default true. */
  standardize?: boolean;
  /** Fit an (unpenalised) intercept. Default true. */
  intercept?: boolean;
  /** Names of the columns of `x`, used only in error messages. */
  columnNames?: readonly string[];
}

/** A fitted path: one entry per penalty, in decreasing order of penalty. */
export interface ElasticNetLogisticFit {
  /** Mixing parameter used, in [0, 1]. */
  readonly alpha: number;
  /** The penalties, decreasing. The automatic path's first entry is lambda_max. */
  readonly lambda: Float64Array;
  /** Intercept at each penalty (log-odds when all predictors are 0). */
  readonly a0: Float64Array;
  /** Coefficients at each penalty, original predictor scale, length `nvars` (log-odds per unit). */
  readonly beta: readonly Float64Array[];
  /** Deviance at each penalty: -2 x weighted log-likelihood, with weights as given. */
  readonly dev: Float64Array;
  /** Fraction of the null deviance explained at each penalty, in [0, 1]. */
  readonly devRatio: Float64Array;
  /** Deviance of the intercept-only model (with `intercept: false`, of p = 0.5). */
  readonly nulldev: number;
  /** Number of non-zero coefficients at each penalty. */
  readonly df: Int32Array;
  /** Number of observations and of predictors. */
  readonly nobs: number;
  readonly nvars: number;
  /** Coordinate-descent sweeps used over the whole path (glmnet's `npasses`). */
  readonly passes: number;
  /** Whether the penalties were chosen automatically (and the path may have stopped early). */
  readonly automaticLambda: boolean;
  /** Problems that did not stop the fit, e.g. the iteration limit cutting the path. */
  readonly warnings: readonly string[];
}

/** Which penalty of a path to use: its position (0-based) or a penalty value. */
export type PathPoint = { readonly index: number } | { readonly lambda: number };

/**
 * Fits the binomial elastic-net path of `y` on `x` (n observations x p predictors).
 * `y` holds 0/1 outcomes (1 = the event). Throws an Error naming the problem when the data
 * cannot be fitted: no observations or predictors, a non-finite value, an outcome that is not
 * 0/1, fewer than two observations in either class, or every predictor constant. Constant
 * predictors are otherwise allowed and keep coefficient 0, as in glmnet.
 */
export function fitElasticNetLogistic(
  x: Matrix,
  y: ArrayLike<number>,
  options: ElasticNetLogisticOptions = {},
): ElasticNetLogisticFit {
  const n = x.rows;
  const p = x.cols;
  const names = options.columnNames;
  const colName = (j: number): string =>
    names?.[j] !== undefined ? `"${names[j]}"` : `${j} (0-based)`;

  if (x.data.length !== n * p) {
    throw new RangeError(`x has ${x.data.length} entries, expected rows * cols = ${n * p}`);
  }
  if (n === 0) throw new RangeError('cannot fit: the training set is empty (x has 0 rows)');
  if (p === 0) throw new RangeError('cannot fit: x has no predictor columns (p = 0)');
  if (y.length !== n) {
    throw new RangeError(`y has ${y.length} values but x has ${n} rows`);
  }
  const alpha = options.alpha ?? 1;
  if (!(alpha >= 0 && alpha <= 1)) throw new RangeError(`alpha must be in [0, 1], got ${alpha}`);
  const thresh = options.thresh ?? 1e-7;
  if (!(thresh > 0)) throw new RangeError(`thresh must be > 0, got ${thresh}`);
  const maxit = options.maxit ?? 100000;
  if (!(Number.isInteger(maxit) && maxit >= 1)) {
    throw new RangeError(`maxit must be a whole number >= 1, got ${maxit}`);
  }
  const standardize = options.standardize ?? true;
  const intercept = options.intercept ?? true;

  for (let j = 0; j < p; j++) {
    const off = j * n;
    for (let i = 0; i < n; i++) {
      if (!Number.isFinite(x.data[off + i])) {
        throw new RangeError(
          `x column ${colName(j)} row ${i} (0-based) is ${x.data[off + i]}; every predictor value must be a finite number (drop or impute incomplete rows first)`,
        );
      }
    }
  }
  const yv = new Float64Array(n);
  let positives = 0;
  for (let i = 0; i < n; i++) {
    const yi = y[i] as number;
    if (yi !== 0 && yi !== 1) {
      throw new RangeError(`y row ${i} (0-based) is ${yi}; outcomes must be 0 or 1`);
    }
    yv[i] = yi;
    positives += yi;
  }
  if (positives < 2 || n - positives < 2) {
    throw new RangeError(
      `cannot fit: y has ${positives} positive (1) and ${n - positives} negative (0) cases; each class needs at least 2 observations`,
    );
  }

  const w = new Float64Array(n);
  if (options.weights === undefined) {
    w.fill(1);
  } else {
    if (options.weights.length !== n) {
      throw new RangeError(`weights has ${options.weights.length} values but x has ${n} rows`);
    }
    for (let i = 0; i < n; i++) {
      const wi = options.weights[i] as number;
      if (!(Number.isFinite(wi) && wi >= 0)) {
        throw new RangeError(
          `weights row ${i} (0-based) is ${wi}; weights must be finite and >= 0`,
        );
      }
      w[i] = wi;
    }
  }
  let sw = 0;
  for (let i = 0; i < n; i++) sw += w[i] as number;
  if (!(sw > 0)) throw new RangeError('cannot fit: every observation weight is 0');
  for (let i = 0; i < n; i++) w[i] = (w[i] as number) / sw;

  let flmin: number;
  let ulam: Float64Array;
  let nlam: number;
  if (options.lambda !== undefined) {
    nlam = options.lambda.length;
    if (nlam === 0) throw new RangeError('lambda is empty; give at least one penalty or omit it');
    ulam = Float64Array.from(options.lambda);
    for (const l of ulam) {
      if (!(Number.isFinite(l) && l >= 0)) {
        throw new RangeError(`lambda values must be finite and >= 0, got ${l}`);
      }
    }
    ulam.sort().reverse();
    flmin = 1;
  } else {
    nlam = options.nlambda ?? 100;
    if (!(Number.isInteger(nlam) && nlam >= 1)) {
      throw new RangeError(`nlambda must be a whole number >= 1, got ${nlam}`);
    }
    flmin = options.lambdaMinRatio ?? (n < p ? 1e-2 : 1e-4);
    if (!(flmin > 0 && flmin < 1)) {
      throw new RangeError(`lambdaMinRatio must be in (0, 1), got ${flmin}`);
    }
    ulam = new Float64Array(0);
  }

  // Constant columns (glmnet's chkvars: every value equal to the first) stay out of the model.
  const ju = new Uint8Array(p);
  let usable = 0;
  for (let j = 0; j < p; j++) {
    const off = j * n;
    const first = x.data[off] as number;
    for (let i = 1; i < n; i++) {
      if (x.data[off + i] !== first) {
        ju[j] = 1;
        usable++;
        break;
      }
    }
  }
  if (usable === 0) {
    throw new RangeError('cannot fit: every predictor column is constant (zero variance)');
  }

  // Standardise a copy (glmnet's lstandard1): weighted mean, weighted sd with divisor W.
  const xs = x.data.slice();
  const xm = new Float64Array(p);
  const xsd = new Float64Array(p).fill(1);
  for (let j = 0; j < p; j++) {
    if (!ju[j]) continue;
    const off = j * n;
    if (intercept) {
      let m = 0;
      for (let i = 0; i < n; i++) m += (w[i] as number) * (xs[off + i] as number);
      xm[j] = m;
      for (let i = 0; i < n; i++) xs[off + i] = (xs[off + i] as number) - m;
      if (standardize) {
        let s = 0;
        for (let i = 0; i < n; i++) {
          const z = xs[off + i] as number;
          s += (w[i] as number) * z * z;
        }
        xsd[j] = Math.sqrt(s);
      }
    } else if (standardize) {
      let m = 0;
      let s = 0;
      for (let i = 0; i < n; i++) {
        const z = xs[off + i] as number;
        m += (w[i] as number) * z;
        s += (w[i] as number) * z * z;
      }
      xsd[j] = Math.sqrt(s - m * m);
    }
    if (standardize) {
      const sd = xsd[j] as number;
      if (!(sd > 0)) {
        // Varies only on rows of weight 0: as good as constant.
        ju[j] = 0;
        continue;
      }
      for (let i = 0; i < n; i++) xs[off + i] = (xs[off + i] as number) / sd;
    }
  }

  const solver = new PathSolver(n, p, xs, yv, w, ju, thresh, maxit, intercept);
  const out = solver.run(nlam, flmin, ulam, alpha);

  const lmu = out.lmu;
  if (lmu === 0) {
    throw new RangeError(
      `coordinate descent did not converge within maxit = ${maxit} sweeps at the first penalty`,
    );
  }
  const warnings: string[] = [];
  if (out.maxitAt >= 0) {
    warnings.push(
      `convergence for penalty ${out.maxitAt + 1} (lambda = ${out.lambda[out.maxitAt]}) not reached after maxit = ${maxit} sweeps; the path is cut there`,
    );
  }

  const nulldev = 2 * sw * solver.dev0;
  const lambda = out.lambda.slice(0, lmu);
  if (flmin < 1) {
    // glmnet fits its first point at an effectively infinite penalty and reports it as the
    // geometric extrapolation of the next two (R's fix.lam), which is lambda_max.
    if (lmu > 2) {
      lambda[0] = Math.exp(2 * Math.log(lambda[1] as number) - Math.log(lambda[2] as number));
    } else {
      lambda[0] = out.lambdaMax;
    }
  }
  const a0 = new Float64Array(lmu);
  const beta: Float64Array[] = [];
  const dev = new Float64Array(lmu);
  const devRatio = out.devRatio.slice(0, lmu);
  const df = new Int32Array(lmu);
  for (let m = 0; m < lmu; m++) {
    const bm = new Float64Array(p);
    const order = out.active[m] as Int32Array;
    const coef = out.coef[m] as Float64Array;
    let a = out.a0[m] as number;
    let nz = 0;
    for (let l = 0; l < order.length; l++) {
      const k = order[l] as number;
      const c = standardize ? (coef[l] as number) / (xsd[k] as number) : (coef[l] as number);
      bm[k] = c;
      if (c !== 0) nz++;
      if (intercept) a -= c * (xm[k] as number);
    }
    a0[m] = intercept ? a : 0;
    beta.push(bm);
    dev[m] = (1 - (devRatio[m] as number)) * nulldev;
    df[m] = nz;
  }

  return {
    alpha,
    lambda,
    a0,
    beta,
    dev,
    devRatio,
    nulldev,
    df,
    nobs: n,
    nvars: p,
    passes: solver.nlp,
    automaticLambda: flmin < 1,
    warnings,
  };
}

/**
 * Intercept and coefficients (original scale) at a point of the path. A penalty value between
 * two fitted ones is interpolated linearly in lambda, and one outside the path is clamped to
 * its nearest end, as R's predict.glmnet(s = ) does.
 */
export function coefficientsAt(
  fit: ElasticNetLogisticFit,
  at: PathPoint,
): { a0: number; beta: Float64Array } {
  const L = fit.lambda.length;
  if ('index' in at) {
    const k = at.index;
    if (!(Number.isInteger(k) && k >= 0 && k < L)) {
      throw new RangeError(`path index ${k} is outside 0..${L - 1}`);
    }
    return { a0: fit.a0[k]!, beta: fit.beta[k]!.slice() };
  }
  const { left, right, frac } = interpolationWeights(fit.lambda, at.lambda);
  const bl = fit.beta[left]!;
  const br = fit.beta[right]!;
  const beta = new Float64Array(fit.nvars);
  for (let j = 0; j < beta.length; j++) beta[j] = frac * bl[j]! + (1 - frac) * br[j]!;
  return { a0: frac * fit.a0[left]! + (1 - frac) * fit.a0[right]!, beta };
}

/**
 * R glmnet's lambda.interp: positions of the fitted penalties around `s` and the weight of the
 * left (larger-penalty) one. `lambda` is decreasing.
 */
export function interpolationWeights(
  lambda: Float64Array,
  s: number,
): { left: number; right: number; frac: number } {
  const k = lambda.length;
  if (!Number.isFinite(s) || s < 0)
    throw new RangeError(`lambda must be finite and >= 0, got ${s}`);
  if (k === 1) return { left: 0, right: 0, frac: 1 };
  const top = lambda[0]!;
  const span = top - lambda[k - 1]!;
  // Position of s along the path, 0 at the first penalty and 1 at the last, clamped.
  let sf = (top - s) / span;
  const norm = (i: number): number => (top - lambda[i]!) / span;
  const lo = norm(0);
  const hi = norm(k - 1);
  if (sf < lo) sf = lo;
  if (sf > hi) sf = hi;
  // approx(): linear interpolation of the index over the normalised penalties.
  let i = 0;
  while (i < k - 2 && norm(i + 1) < sf) i++;
  const a = norm(i);
  const c = norm(i + 1);
  const coord = c === a ? i : i + (sf - a) / (c - a);
  const left = Math.floor(coord);
  const right = Math.ceil(coord);
  let frac = (sf - norm(right)) / (norm(left) - norm(right));
  if (left === right) frac = 1;
  if (Math.abs(norm(left) - norm(right)) < Number.EPSILON) frac = 1;
  return { left, right, frac };
}

/**
 * Predictions for the rows of `x` (same columns as the fit) at one point of the path:
 * probabilities of the event in [0, 1] (`type: 'response'`, the default) or log-odds (`'link'`).
 */
export function predictLogistic(
  fit: ElasticNetLogisticFit,
  at: PathPoint,
  x: Matrix,
  type: 'response' | 'link' = 'response',
): Float64Array {
  if (x.cols !== fit.nvars) {
    throw new RangeError(`x has ${x.cols} columns but the model was fitted on ${fit.nvars}`);
  }
  const { a0, beta } = coefficientsAt(fit, at);
  return linearPredictor(x, a0, beta, type);
}

/** a0 + x beta for every row of x, or its logistic transform. */
export function linearPredictor(
  x: Matrix,
  a0: number,
  beta: Float64Array,
  type: 'response' | 'link' = 'link',
): Float64Array {
  const n = x.rows;
  const eta = new Float64Array(n).fill(a0);
  for (let j = 0; j < x.cols; j++) {
    const bj = beta[j]!;
    if (bj === 0) continue;
    const off = j * n;
    for (let i = 0; i < n; i++) eta[i] = eta[i]! + bj * x.data[off + i]!;
  }
  if (type === 'response') for (let i = 0; i < n; i++) eta[i] = 1 / (1 + Math.exp(-eta[i]!));
  return eta;
}

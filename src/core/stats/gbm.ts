/**
 * Gradient-boosted regression trees for the logistic loss (Friedman 2001, "Greedy function
 * approximation: a gradient boosting machine"; the second-order leaf values and split gain of
 * Chen & Guestrin 2016, XGBoost). Each tree is fitted to the gradient and hessian of the
 * binomial log-likelihood at the current log-odds, on a random subsample of the rows
 * (Friedman 2002, stochastic gradient boosting), and added after shrinking by the learning rate.
 *
 * - Splits are searched on histograms: each predictor is cut once, before boosting, into at
 *   most `bins` intervals at quantiles of its training values (every distinct value when
 *   there are few, as for indicators), so a split is "x <= threshold" with the threshold
 *   halfway between two training values.
 * - Trees are grown level by level to `depth`; a node splits where the gain
 *   G_L^2/(H_L+l2) + G_R^2/(H_R+l2) - G^2/(H+l2) is largest, provided each side keeps a
 *   hessian sum of at least `minLeafHessian` (XGBoost's min_child_weight; with rare events the
 *   hessian p(1-p) of a row is about the base rate, so this is a minimum number of rows scaled
 *   by it). A leaf's value is -learningRate * G / (H + l2).
 * - Missing values (NaN) are allowed: at each split they go to the side that gains most
 *   (to the heavier side when the node had none), as in XGBoost.
 *
 * Deterministic: the only randomness is the row subsample, drawn from `seed`; ties between
 * splits go to the lower predictor index and the lower threshold.
 */
import type { Matrix } from './matrix.js';
import { createRandom, shuffleInPlace } from './random.js';

/** Options of `fitGradientBoosting`. Every field is optional. */
export interface GradientBoostingOptions {
  /** Number of trees, >= 1. Default 300. */
  trees?: number;
  /** Depth of each tree (number of splits from root to leaf), 1..8. Default 2. */
  depth?: number;
  /** Shrinkage applied to every tree, in (0, 1]. Default 0.05. */
  learningRate?: number;
  /** Fraction of the rows each tree is fitted on, drawn without replacement, in (0, 1]. Default 0.5. */
  subsample?: number;
  /** Smallest hessian sum on either side of a split, >= 0. Default 1. */
  minLeafHessian?: number;
  /** L2 penalty on leaf values, >= 0. Default 1. */
  l2?: number;
  /** Most intervals a predictor is cut into, 2..255. Default 64. */
  bins?: number;
  /** Seed of the row subsamples. Default 1. */
  seed?: number;
  /** Names of the columns of `x`, used only in error messages. */
  columnNames?: readonly string[];
}

/**
 * A fitted ensemble of trees; log-odds = `base` + the sum of one leaf value per tree.
 * Trees are complete binary trees stored level by level (node k has children 2k+1 and 2k+2):
 * `2^depth - 1` split nodes then `2^depth` leaves per tree.
 */
export interface BoostedTrees {
  /** Log-odds of the training base rate, where boosting starts. */
  readonly base: number;
  readonly depth: number;
  /** Number of trees. */
  readonly trees: number;
  /** Number of predictors the trees were fitted on. */
  readonly nvars: number;
  /** Predictor of each split node (0-based column), -1 when the node did not split (all rows go left). */
  readonly feature: Int32Array;
  /** A row goes left when its value is <= the threshold. */
  readonly threshold: Float64Array;
  /** 1 when a missing value goes left. */
  readonly missingLeft: Uint8Array;
  /** Leaf values (log-odds, shrinkage applied). */
  readonly leaf: Float64Array;
  /** Loss reduction of each split node (0 where it did not split), for importance. */
  readonly splitGain: Float64Array;
}

/**
 * Fits boosted trees to 0/1 outcomes `y` on `x` (n rows x p predictors, NaN = missing).
 * Throws a RangeError naming the problem on an empty training set, an outcome that is not
 * 0/1, an infinite predictor value, a class with no case, or an invalid option.
 */
export function fitGradientBoosting(
  x: Matrix,
  y: ArrayLike<number>,
  options: GradientBoostingOptions = {},
): BoostedTrees {
  const n = x.rows;
  const p = x.cols;
  const trees = options.trees ?? 300;
  const depth = options.depth ?? 2;
  const learningRate = options.learningRate ?? 0.05;
  const subsample = options.subsample ?? 0.5;
  const minLeafHessian = options.minLeafHessian ?? 1;
  const l2 = options.l2 ?? 1;
  const maxBins = options.bins ?? 64;
  const check = (ok: boolean, what: string, value: number) => {
    if (!ok) throw new RangeError(`${what}, got ${value}`);
  };
  check(Number.isInteger(trees) && trees >= 1, 'trees must be a whole number >= 1', trees);
  check(Number.isInteger(depth) && depth >= 1 && depth <= 8, 'depth must be 1..8', depth);
  check(learningRate > 0 && learningRate <= 1, 'learningRate must be in (0, 1]', learningRate);
  check(subsample > 0 && subsample <= 1, 'subsample must be in (0, 1]', subsample);
  check(minLeafHessian >= 0, 'minLeafHessian must be >= 0', minLeafHessian);
  check(l2 >= 0, 'l2 must be >= 0', l2);
  check(
    Number.isInteger(maxBins) && maxBins >= 2 && maxBins <= 255,
    'bins must be 2..255',
    maxBins,
  );
  if (n === 0) throw new RangeError('cannot fit: the training set is empty (x has 0 rows)');
  if (p === 0) throw new RangeError('cannot fit: x has no predictor columns (p = 0)');
  if (y.length !== n) throw new RangeError(`y has ${y.length} values but x has ${n} rows`);
  let positives = 0;
  for (let i = 0; i < n; i++) {
    const yi = y[i] as number;
    if (yi !== 0 && yi !== 1)
      throw new RangeError(`y row ${i} (0-based) is ${yi}; outcomes must be 0 or 1`);
    positives += yi;
  }
  if (positives === 0 || positives === n) {
    throw new RangeError(
      `cannot fit: y has ${positives} positive (1) and ${n - positives} negative (0) cases; both classes are needed`,
    );
  }

  const { codes, cuts, missing } = binPredictors(x, maxBins, options.columnNames);
  const internal = (1 << depth) - 1;
  const leaves = 1 << depth;
  const feature = new Int32Array(trees * internal).fill(-1);
  const threshold = new Float64Array(trees * internal);
  const missingLeft = new Uint8Array(trees * internal);
  const splitGain = new Float64Array(trees * internal);
  const leaf = new Float64Array(trees * leaves);

  const base = Math.log(positives / (n - positives));
  const eta = new Float64Array(n).fill(base);
  const g = new Float64Array(n);
  const h = new Float64Array(n);
  const order = Int32Array.from({ length: n }, (_, i) => i);
  const take = Math.max(1, Math.round(subsample * n));
  const random = createRandom(options.seed ?? 1);
  const node = new Int32Array(n);
  const splitBin = new Int32Array(internal);
  const sumG = new Float64Array(leaves);
  const sumH = new Float64Array(leaves);
  // Histograms of one level, [node][predictor][bin] with the missing bin last, gradient and
  // hessian side by side: the inner loop touches one cache line per row.
  const width = missing + 1;
  const histA = new Float64Array((leaves / 2) * p * width * 2);
  const histB = new Float64Array((leaves / 2) * p * width * 2);
  const rowsIn = new Int32Array(leaves / 2);
  const summed = new Uint8Array(leaves / 2);

  for (let t = 0; t < trees; t++) {
    for (let i = 0; i < n; i++) {
      const prob = 1 / (1 + Math.exp(-eta[i]!));
      g[i] = prob - (y[i] as number);
      h[i] = prob * (1 - prob);
    }
    // The subsample, in row order so the column scans below run forward through memory.
    const rows = take === n ? order : shuffleInPlace(order, random).slice(0, take).sort();
    node.fill(0);
    for (let level = 0; level < depth; level++) {
      const first = (1 << level) - 1;
      const count = 1 << level;
      // Below the root, only the smaller of two siblings is summed over its rows; the other is
      // its parent's histogram minus it (the "subtraction trick" of LightGBM).
      const [hist, parentHist] = level % 2 === 0 ? [histA, histB] : [histB, histA];
      const cells = p * width * 2;
      hist.fill(0, 0, count * cells);
      rowsIn.fill(0, 0, count);
      for (let r = 0; r < rows.length; r++) {
        const k = node[rows[r]!]! - first;
        rowsIn[k] = rowsIn[k]! + 1;
      }
      for (let k = 0; k < count; k++) {
        const sibling = k ^ 1;
        summed[k] =
          level === 0 ||
          rowsIn[k]! < rowsIn[sibling]! ||
          (rowsIn[k] === rowsIn[sibling] && k < sibling)
            ? 1
            : 0;
      }
      for (let r = 0; r < rows.length; r++) {
        const i = rows[r]!;
        const k = node[i]! - first;
        if (summed[k] === 0) continue;
        const gi = g[i]!;
        const hi = h[i]!;
        const at = k * p;
        const row = i * p;
        for (let j = 0; j < p; j++) {
          const cell = 2 * ((at + j) * width + codes[row + j]!);
          hist[cell] = hist[cell]! + gi;
          hist[cell + 1] = hist[cell + 1]! + hi;
        }
      }
      for (let k = 0; k < count; k++) {
        if (summed[k] === 1) continue;
        const own = k * cells;
        const sib = (k ^ 1) * cells;
        const par = (k >> 1) * cells;
        for (let c = 0; c < cells; c++) hist[own + c] = parentHist[par + c]! - hist[sib + c]!;
      }
      for (let k = 0; k < count; k++) {
        const at = t * internal + first + k;
        const split = bestSplit(hist, k, p, width, cuts, minLeafHessian, l2);
        if (split === undefined) continue;
        feature[at] = split.feature;
        splitBin[first + k] = split.bin;
        threshold[at] = cuts[split.feature]![split.bin]!;
        missingLeft[at] = split.missingLeft ? 1 : 0;
        splitGain[at] = split.gain;
      }
      // Every row, sampled or not, goes down one level (all rows are needed for the update).
      for (let i = 0; i < n; i++) {
        const k = node[i]!;
        const f = feature[t * internal + k]!;
        let left = true;
        if (f >= 0) {
          const code = codes[i * p + f]!;
          left = code === missing ? missingLeft[t * internal + k] === 1 : code <= splitBin[k]!;
        }
        node[i] = 2 * k + (left ? 1 : 2);
      }
    }
    // Leaf values from the sampled rows in each leaf; then every row's log-odds moves.
    sumG.fill(0);
    sumH.fill(0);
    for (let r = 0; r < rows.length; r++) {
      const i = rows[r]!;
      const k = node[i]! - internal;
      sumG[k] = sumG[k]! + g[i]!;
      sumH[k] = sumH[k]! + h[i]!;
    }
    for (let k = 0; k < leaves; k++) {
      const hk = sumH[k]! + l2;
      leaf[t * leaves + k] = hk > 0 ? (-learningRate * sumG[k]!) / hk : 0;
    }
    for (let i = 0; i < n; i++) eta[i] = eta[i]! + leaf[t * leaves + node[i]! - internal]!;
  }
  return { base, depth, trees, nvars: p, feature, threshold, missingLeft, leaf, splitGain };
}

/** The leaf (0-based within the tree) that row `i` of `x` reaches in tree `t`. */
function leafOf(
  x: Matrix,
  i: number,
  t: number,
  depth: number,
  feature: Int32Array,
  threshold: Float64Array,
  missingLeft: Uint8Array,
): number {
  const internal = (1 << depth) - 1;
  let k = 0;
  for (let level = 0; level < depth; level++) {
    const at = t * internal + k;
    const f = feature[at]!;
    let left = true;
    if (f >= 0) {
      const v = x.data[f * x.rows + i]!;
      left = Number.isNaN(v) ? missingLeft[at] === 1 : v <= threshold[at]!;
    }
    k = 2 * k + (left ? 1 : 2);
  }
  return k - internal;
}

/**
 * Cut points of every predictor and the bin code of every value: code b (0-based) means
 * cuts[b-1] < x <= cuts[b] (with cuts[-1] = -Infinity and cuts[m] = +Infinity); `missing`
 * (one more than the most cuts of any predictor, so at most 255) is the code of NaN.
 */
function binPredictors(
  x: Matrix,
  maxBins: number,
  names: readonly string[] | undefined,
): { codes: Uint8Array; cuts: Float64Array[]; missing: number } {
  const n = x.rows;
  const cuts: Float64Array[] = [];
  for (let j = 0; j < x.cols; j++) {
    const col = x.data.subarray(j * n, (j + 1) * n);
    const present: number[] = [];
    for (let i = 0; i < n; i++) {
      const v = col[i]!;
      if (Number.isNaN(v)) continue;
      if (!Number.isFinite(v)) {
        const name = names?.[j] !== undefined ? `"${names[j]}"` : `${j} (0-based)`;
        throw new RangeError(
          `x column ${name} row ${i} (0-based) is ${v}; values must be finite or NaN (missing)`,
        );
      }
      present.push(v);
    }
    cuts.push(cutPoints(Float64Array.from(present).sort(), maxBins));
  }
  const missing = Math.max(...cuts.map((c) => c.length)) + 1;
  // Row-major (a row's codes side by side): the histogram loop reads a whole row at once.
  const codes = new Uint8Array(n * x.cols);
  for (let j = 0; j < x.cols; j++) {
    for (let i = 0; i < n; i++) {
      const v = x.data[j * n + i]!;
      codes[i * x.cols + j] = Number.isNaN(v) ? missing : binOf(cuts[j]!, v);
    }
  }
  return { codes, cuts, missing };
}

/** At most `maxBins - 1` cuts, halfway between distinct values at quantiles of `sorted`. */
function cutPoints(sorted: Float64Array, maxBins: number): Float64Array {
  const m = sorted.length;
  const distinct: number[] = [];
  for (let i = 0; i < m; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) distinct.push(sorted[i]!);
  const out: number[] = [];
  if (distinct.length <= maxBins) {
    for (let k = 1; k < distinct.length; k++) out.push((distinct[k - 1]! + distinct[k]!) / 2);
    return Float64Array.from(out);
  }
  for (let b = 1; b < maxBins; b++) {
    // The value at quantile b / maxBins, and the next larger distinct value.
    const v = sorted[Math.min(m - 1, Math.floor((b * m) / maxBins))]!;
    let next = v;
    let lo = 0;
    let hi = m;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (sorted[mid]! <= v) lo = mid + 1;
      else hi = mid;
    }
    if (lo >= m) continue;
    next = sorted[lo]!;
    const cut = (v + next) / 2;
    if (out.length === 0 || cut > out[out.length - 1]!) out.push(cut);
  }
  return Float64Array.from(out);
}

/** Bin code of a finite value: the number of cuts below it. */
function binOf(cuts: Float64Array, v: number): number {
  let lo = 0;
  let hi = cuts.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cuts[mid]! < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The best split of node `k` of a level from its histograms, or undefined when none gains. */
function bestSplit(
  hist: Float64Array,
  k: number,
  p: number,
  width: number,
  cuts: readonly Float64Array[],
  minLeafHessian: number,
  l2: number,
): { feature: number; bin: number; missingLeft: boolean; gain: number } | undefined {
  let best: { feature: number; bin: number; missingLeft: boolean; gain: number } | undefined;
  const score = (gs: number, hs: number) => (gs * gs) / (hs + l2);
  const missing = width - 1;
  for (let j = 0; j < p; j++) {
    const m = cuts[j]!.length;
    if (m === 0) continue;
    const off = 2 * (k * p + j) * width;
    const missG = hist[off + 2 * missing]!;
    const missH = hist[off + 2 * missing + 1]!;
    let totalG = missG;
    let totalH = missH;
    for (let b = 0; b <= m; b++) {
      totalG += hist[off + 2 * b]!;
      totalH += hist[off + 2 * b + 1]!;
    }
    const parent = score(totalG, totalH);
    let leftG = 0;
    let leftH = 0;
    for (let b = 0; b < m; b++) {
      leftG += hist[off + 2 * b]!;
      leftH += hist[off + 2 * b + 1]!;
      // Missing values to the right, then to the left; when the node has none, with the
      // heavier side (so a new row with a missing value follows the majority).
      for (let side = 0; side < 2; side++) {
        let toLeft = side === 1;
        if (missH === 0) {
          if (side === 1) break;
          toLeft = leftH >= totalH - leftH;
        }
        const gl = toLeft ? leftG + missG : leftG;
        const hl = toLeft ? leftH + missH : leftH;
        const hr = totalH - hl;
        if (hl < minLeafHessian || hr < minLeafHessian || hl <= 0 || hr <= 0) continue;
        const gain = (score(gl, hl) + score(totalG - gl, hr) - parent) / 2;
        if (gain > 1e-12 && (best === undefined || gain > best.gain)) {
          best = { feature: j, bin: b, missingLeft: toLeft, gain };
        }
      }
    }
  }
  return best;
}

/** Log-odds of every row of `x` under the first `trees` trees (default all). */
export function predictGradientBoosting(
  model: BoostedTrees,
  x: Matrix,
  trees: number = model.trees,
): Float64Array {
  checkColumns(model, x);
  const leaves = 1 << model.depth;
  const eta = new Float64Array(x.rows).fill(model.base);
  for (let t = 0; t < Math.min(trees, model.trees); t++) {
    for (let i = 0; i < x.rows; i++) {
      const k = leafOf(x, i, t, model.depth, model.feature, model.threshold, model.missingLeft);
      eta[i] = eta[i]! + model.leaf[t * leaves + k]!;
    }
  }
  return eta;
}

/**
 * Binomial deviance (-2 x log-likelihood, summed over rows) of 0/1 outcomes `y` on `x` after
 * each number of trees: entry k is the deviance of the first k trees (entry 0: the base rate
 * alone), k = 0..model.trees. Used to choose the number of trees on held-out rows.
 */
export function stagedDeviance(model: BoostedTrees, x: Matrix, y: ArrayLike<number>): Float64Array {
  checkColumns(model, x);
  if (y.length !== x.rows)
    throw new RangeError(`y has ${y.length} values but x has ${x.rows} rows`);
  const leaves = 1 << model.depth;
  const eta = new Float64Array(x.rows).fill(model.base);
  const out = new Float64Array(model.trees + 1);
  const deviance = () => {
    let d = 0;
    for (let i = 0; i < x.rows; i++) {
      // -2 log p(y) = 2 log(1 + exp(-s)) with s = +eta for y = 1 and -eta for y = 0, computed stably.
      const s = (y[i] as number) === 1 ? eta[i]! : -eta[i]!;
      d += 2 * (s > 0 ? Math.log1p(Math.exp(-s)) : -s + Math.log1p(Math.exp(s)));
    }
    return d;
  };
  out[0] = deviance();
  for (let t = 0; t < model.trees; t++) {
    for (let i = 0; i < x.rows; i++) {
      const k = leafOf(x, i, t, model.depth, model.feature, model.threshold, model.missingLeft);
      eta[i] = eta[i]! + model.leaf[t * leaves + k]!;
    }
    out[t + 1] = deviance();
  }
  return out;
}

/** The model made of the first `trees` trees (boosting is sequential, so this is the fit that stopped there). */
export function truncateTrees(model: BoostedTrees, trees: number): BoostedTrees {
  if (!(Number.isInteger(trees) && trees >= 0 && trees <= model.trees)) {
    throw new RangeError(`trees must be a whole number in 0..${model.trees}, got ${trees}`);
  }
  const internal = (1 << model.depth) - 1;
  const leaves = 1 << model.depth;
  return {
    ...model,
    trees,
    feature: model.feature.slice(0, trees * internal),
    threshold: model.threshold.slice(0, trees * internal),
    missingLeft: model.missingLeft.slice(0, trees * internal),
    splitGain: model.splitGain.slice(0, trees * internal),
    leaf: model.leaf.slice(0, trees * leaves),
  };
}

/** Importance of each predictor: its share of the loss reduction of all splits, summing to 1 (all 0 without splits). */
export function treeImportance(model: BoostedTrees): Float64Array {
  const out = new Float64Array(model.nvars);
  let total = 0;
  for (let k = 0; k < model.feature.length; k++) {
    const f = model.feature[k]!;
    if (f < 0) continue;
    out[f] = out[f]! + model.splitGain[k]!;
    total += model.splitGain[k]!;
  }
  if (total > 0) for (let j = 0; j < out.length; j++) out[j] = out[j]! / total;
  return out;
}

function checkColumns(model: BoostedTrees, x: Matrix): void {
  if (x.cols !== model.nvars) {
    throw new RangeError(`x has ${x.cols} columns but the model was fitted on ${model.nvars}`);
  }
}

/**
 * Scores of probability forecasts against 0/1 outcomes. Every function takes the forecasts
 * first and the outcomes second, as arrays of the same length; outcomes must be 0 or 1 and
 * forecasts finite numbers (probabilities in [0, 1] where the measure needs them). They throw a
 * RangeError naming the first offending position otherwise. A measure that is undefined for
 * the data (an AUC without positive or negative cases) is NaN, not an error, so a caller
 * scoring many subsets can report it as missing.
 */

function check(
  name: string,
  predicted: ArrayLike<number>,
  outcome: ArrayLike<number>,
  probabilities: boolean,
): void {
  if (predicted.length !== outcome.length) {
    throw new RangeError(
      `${name}: ${predicted.length} forecasts but ${outcome.length} outcomes; they must pair up`,
    );
  }
  for (let i = 0; i < predicted.length; i++) {
    const p = predicted[i] as number;
    if (!Number.isFinite(p) || (probabilities && (p < 0 || p > 1))) {
      throw new RangeError(
        `${name}: forecast ${i} (0-based) is ${p}; expected ${probabilities ? 'a probability in [0, 1]' : 'a finite number'}`,
      );
    }
    const y = outcome[i];
    if (y !== 0 && y !== 1) {
      throw new RangeError(`${name}: outcome ${i} (0-based) is ${y}; outcomes must be 0 or 1`);
    }
  }
}

/** Positions 0..n-1 sorted by `score` (ascending, or descending), ties in position order. */
function order(score: ArrayLike<number>, descending: boolean): Int32Array {
  const idx = Int32Array.from({ length: score.length }, (_, i) => i);
  const sign = descending ? -1 : 1;
  return idx.sort((a, b) => sign * ((score[a] as number) - (score[b] as number)) || a - b);
}

/**
 * Area under the ROC curve: the probability that a random positive case scores higher than a
 * random negative one, ties counting one half (the Mann-Whitney U statistic over P x N, with
 * average ranks for tied scores). In [0, 1]; 0.5 is chance. NaN without positive or negative
 * cases. Scores need only be finite (any monotone risk score gives the same AUC).
 */
export function auc(score: ArrayLike<number>, outcome: ArrayLike<number>): number {
  check('auc', score, outcome, false);
  const n = score.length;
  const idx = order(score, false);
  let positives = 0;
  let rankSum = 0;
  for (let start = 0; start < n;) {
    let end = start + 1;
    while (end < n && score[idx[end]!] === score[idx[start]!]) end++;
    const rank = (start + 1 + end) / 2; // average of ranks start+1 .. end
    for (let k = start; k < end; k++) {
      if (outcome[idx[k]!] === 1) {
        positives++;
        rankSum += rank;
      }
    }
    start = end;
  }
  const negatives = n - positives;
  if (positives === 0 || negatives === 0) return NaN;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/**
 * Average precision: the precision at each score threshold weighted by the gain in recall
 * there, sum over thresholds of (R_k - R_k-1) P_k, thresholds at the distinct scores from the
 * highest down (tied scores enter together). This is scikit-learn's average_precision_score,
 * the usual summary of the precision-recall curve without interpolation. In [0, 1]; the
 * share of positive cases is chance. NaN without positive cases.
 */
export function averagePrecision(score: ArrayLike<number>, outcome: ArrayLike<number>): number {
  check('averagePrecision', score, outcome, false);
  const n = score.length;
  let positives = 0;
  for (let i = 0; i < n; i++) positives += outcome[i] as number;
  if (positives === 0) return NaN;
  const idx = order(score, true);
  let tp = 0;
  let seen = 0;
  let ap = 0;
  for (let start = 0; start < n;) {
    let end = start + 1;
    while (end < n && score[idx[end]!] === score[idx[start]!]) end++;
    let gained = 0;
    for (let k = start; k < end; k++) gained += outcome[idx[k]!] as number;
    tp += gained;
    seen += end - start;
    ap += (gained / positives) * (tp / seen);
    start = end;
  }
  return ap;
}

/**
 * Brier score: the mean squared difference between forecast probability and outcome, in
 * [0, 1] (0 is perfect; always forecasting the base rate b scores b(1 - b)). NaN for no
 * forecasts.
 */
export function brierScore(predicted: ArrayLike<number>, outcome: ArrayLike<number>): number {
  check('brierScore', predicted, outcome, true);
  let s = 0;
  for (let i = 0; i < predicted.length; i++) {
    const d = (predicted[i] as number) - (outcome[i] as number);
    s += d * d;
  }
  return s / predicted.length;
}

/** One group of forecasts of similar size and what happened to them. */
export interface CalibrationBin {
  /** 1 for the lowest forecasts .. `bins` (10) for the highest. */
  decile: number;
  /** Forecasts in the group, and how many of them were followed by the event. */
  count: number;
  positives: number;
  /** Mean forecast probability, and the observed event rate positives / count, in [0, 1]. */
  meanPredicted: number;
  observed: number;
  /** Smallest and largest forecast in the group. */
  minPredicted: number;
  maxPredicted: number;
}

/**
 * Calibration table: forecasts sorted from lowest to highest (ties kept in input order) and cut
 * into `bins` groups of equal count (group g of n forecasts holds sorted positions
 * floor(g n / bins) .. floor((g + 1) n / bins) - 1, so sizes differ by at most one and tied
 * forecasts may straddle a cut); for each non-empty group, the mean forecast against the
 * observed rate. A calibrated forecast has meanPredicted close to observed in every group.
 */
export function calibrationByDecile(
  predicted: ArrayLike<number>,
  outcome: ArrayLike<number>,
  bins = 10,
): CalibrationBin[] {
  check('calibrationByDecile', predicted, outcome, true);
  if (!(Number.isInteger(bins) && bins >= 1)) {
    throw new RangeError(`calibrationByDecile: bins must be a whole number >= 1, got ${bins}`);
  }
  const n = predicted.length;
  const idx = order(predicted, false);
  const out: CalibrationBin[] = [];
  for (let g = 0; g < bins; g++) {
    const from = Math.floor((g * n) / bins);
    const to = Math.floor(((g + 1) * n) / bins);
    if (to <= from) continue;
    let sum = 0;
    let positives = 0;
    for (let k = from; k < to; k++) {
      sum += predicted[idx[k]!] as number;
      positives += outcome[idx[k]!] as number;
    }
    const count = to - from;
    out.push({
      decile: g + 1,
      count,
      positives,
      meanPredicted: sum / count,
      observed: positives / count,
      minPredicted: predicted[idx[from]!] as number,
      maxPredicted: predicted[idx[to - 1]!] as number,
    });
  }
  return out;
}

/** Options of binomialDeviance. */
export interface DevianceOptions {
  /** Weight of each forecast, finite and >= 0. Default: all 1. */
  weights?: ArrayLike<number>;
  /**
   * Probabilities are moved into [clamp, 1 - clamp] first (cv.glmnet uses 1e-5). Default 0: a
   * forecast of exactly 0 or 1 that proves wrong gives an infinite deviance.
   */
  clamp?: number;
}

/**
 * Binomial deviance of probability forecasts: -2 sum_i w_i [y_i log p_i + (1 - y_i) log(1 - p_i)]
 * (the total, not the mean; >= 0, 0 only for certain and correct forecasts). It is the
 * deviance glmnet reports for a fitted model, and n times cv.glmnet's per-observation measure.
 */
export function binomialDeviance(
  predicted: ArrayLike<number>,
  outcome: ArrayLike<number>,
  options: DevianceOptions = {},
): number {
  check('binomialDeviance', predicted, outcome, true);
  const clamp = options.clamp ?? 0;
  if (!(clamp >= 0 && clamp < 0.5)) {
    throw new RangeError(`binomialDeviance: clamp must be in [0, 0.5), got ${clamp}`);
  }
  const { weights } = options;
  if (weights !== undefined && weights.length !== predicted.length) {
    throw new RangeError(
      `binomialDeviance: ${weights.length} weights for ${predicted.length} forecasts`,
    );
  }
  let s = 0;
  for (let i = 0; i < predicted.length; i++) {
    const w = weights === undefined ? 1 : (weights[i] as number);
    if (!(Number.isFinite(w) && w >= 0)) {
      throw new RangeError(`binomialDeviance: weight ${i} (0-based) is ${w}; expected >= 0`);
    }
    if (w === 0) continue;
    const p = Math.min(Math.max(predicted[i] as number, clamp), 1 - clamp);
    s -= 2 * w * (outcome[i] === 1 ? Math.log(p) : Math.log(1 - p));
  }
  return s;
}

/**
 * How sure a forecast is: an interval for each country's risk from refits of the model on
 * countries resampled with replacement (a cluster bootstrap: a country's years stay
 * together, since neighbouring years of one country are near copies). Each refit keeps the
 * settings the cross-validation chose for the forecast (the elastic net's penalty, the
 * number of trees), so the interval shows how much the forecast depends on which countries
 * happened to be in the history, not on the choice of settings. Seeded: the same inputs give
 * the same interval.
 */
import { fitElasticNetLogistic } from '../stats/elastic-net-logistic.js';
import { fitGradientBoosting } from '../stats/gbm.js';
import { selectRows } from '../stats/matrix.js';
import { createRandom, randomInt } from '../stats/random.js';
import type { Panel } from './dataset.js';
import { predictRisk } from './models.js';
import type { FittedModel, SingleModel } from './models.js';
import type { ModelSpec, SingleModelSpec } from './spec.js';
import { trainingSet } from './training.js';
import type { TrainingSet } from './training.js';

/** The interval's coverage: the 10th to the 90th percentile of the refits. */
export const INTERVAL_LEVEL = 0.8;

/** Refits per interval (the 10th and 90th percentiles then fall near the 4th and 27th draws). */
export const INTERVAL_REPLICATES = 30;

/** A risk interval, probabilities in [0, 1]. */
export interface RiskInterval {
  low: number;
  high: number;
}

/** The training set of the countries drawn (with replacement, each with all its rows). */
function resample(panel: Panel, set: TrainingSet, random: () => number): TrainingSet {
  const byCountry = new Map<string, number[]>();
  set.rows.forEach((i, k) => {
    const id = panel.countryIds[i]!;
    const list = byCountry.get(id) ?? [];
    list.push(k);
    byCountry.set(id, list);
  });
  const countries = [...byCountry.values()];
  const picked: number[] = [];
  for (let c = 0; c < countries.length; c++)
    picked.push(...countries[randomInt(random, countries.length)]!);
  const y = Float64Array.from(picked, (k) => set.y[k]!);
  return {
    trainTo: set.trainTo,
    rows: picked.map((k) => set.rows[k]!),
    x: selectRows(set.x, picked),
    y,
    means: set.means,
    positives: y.reduce((s, v) => s + (v > 0 ? 1 : 0), 0),
  };
}

/** The model refitted on `set` at the settings of `model`. */
function refit(spec: SingleModelSpec, model: SingleModel, set: TrainingSet): SingleModel {
  if (model.family === 'elastic-net-logistic') {
    if (spec.family !== 'elastic-net-logistic') throw new Error('spec and model disagree');
    // Warm starts down a short path to the penalty, at a looser convergence threshold than
    // the forecast's own fit: the refits only need the spread, and this halves their time.
    const lambda = model.lambda;
    const fit = fitElasticNetLogistic(set.x, set.y, {
      alpha: spec.alpha,
      lambda: [64, 16, 4, 2, 1].map((k) => k * lambda),
      thresh: 1e-5,
      columnNames: spec.predictors,
    });
    const last = fit.a0.length - 1;
    const coefficients: Record<string, number> = {};
    spec.predictors.forEach((name, j) => (coefficients[name] = fit.beta[last]![j]!));
    return { ...model, intercept: fit.a0[last]!, coefficients };
  }
  if (spec.family !== 'gradient-boosting') throw new Error('spec and model disagree');
  const booster = fitGradientBoosting(set.x, set.y, {
    trees: model.trees,
    depth: spec.depth,
    learningRate: spec.learningRate,
    subsample: spec.subsample,
    minLeafHessian: spec.minLeafHessian,
    l2: spec.l2,
    bins: spec.bins,
    seed: spec.seed + set.trainTo,
    columnNames: spec.predictors,
  });
  return { ...model, booster };
}

/**
 * The `level` interval of each risk of origin `origin` (the rows the model scores, by
 * country id): the model refitted `replicates` times on resampled countries, the interval
 * running between the (1 − level)/2 and (1 + level)/2 quantiles of the refits' risks.
 */
export function riskIntervals(
  panel: Panel,
  spec: ModelSpec,
  model: FittedModel,
  origin: number,
  options: { replicates?: number; level?: number } = {},
): Map<string, RiskInterval> {
  const replicates = options.replicates ?? INTERVAL_REPLICATES;
  const level = options.level ?? INTERVAL_LEVEL;
  const rows: number[] = [];
  for (let i = 0; i < panel.rows; i++) if (panel.years[i] === origin) rows.push(i);
  const members: { spec: SingleModelSpec; model: SingleModel; weight: number }[] =
    spec.family === 'ensemble'
      ? spec.members.map((m, k) => ({
          spec: m.spec,
          model: (model as Extract<FittedModel, { family: 'ensemble' }>).members[k]!.model,
          weight: (model as Extract<FittedModel, { family: 'ensemble' }>).members[k]!.weight,
        }))
      : [{ spec, model: model as SingleModel, weight: 1 }];
  const sets = members.map((m) => trainingSet(panel, m.spec, model.trainedTo));
  const random = createRandom(members[0]!.spec.seed + origin);
  const draws = rows.map(() => new Float64Array(replicates));
  for (let b = 0; b < replicates; b++) {
    const risk = new Float64Array(rows.length);
    members.forEach((m, k) => {
      const set = resample(panel, sets[k]!, random);
      const fitted = set.positives === 0 ? m.model : refit(m.spec, m.model, set);
      const r = predictRisk(panel, fitted, rows);
      for (let i = 0; i < rows.length; i++) risk[i] = risk[i]! + m.weight * r[i]!;
    });
    for (let i = 0; i < rows.length; i++) draws[i]![b] = risk[i]!;
  }
  const out = new Map<string, RiskInterval>();
  rows.forEach((row, i) => {
    const sorted = draws[i]!.sort();
    if (Number.isNaN(sorted[0]!)) return;
    out.set(panel.countryIds[row]!, {
      low: quantile(sorted, (1 - level) / 2),
      high: quantile(sorted, (1 + level) / 2),
    });
  });
  return out;
}

/** Quantile `p` of sorted values, linear between order statistics (R's type 7). */
function quantile(sorted: Float64Array, p: number): number {
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

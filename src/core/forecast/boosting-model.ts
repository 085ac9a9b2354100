/**
 * The gradient-boosting family of forecast models: boosted trees for the logistic loss
 * (`src/core/stats/gbm.ts`), the number of trees chosen by cross-validation on folds of whole
 * countries, at the least held-out deviance. Folds of countries rather than of rows, because
 * rows of one country in neighbouring years are near copies: a tree can memorise a country
 * from one year and "predict" the next, which row folds would reward with too many trees.
 *
 * Split into independent steps (the full fit with the most trees, one fit per fold) that a
 * caller may run on different threads; boosting is sequential, so the full fit cut at k trees
 * is exactly the fit that would have stopped at k.
 */
import { assignFolds } from '../stats/cross-validation.js';
import {
  fitGradientBoosting,
  stagedDeviance,
  treeImportance,
  truncateTrees,
} from '../stats/gbm.js';
import type { BoostedTrees } from '../stats/gbm.js';
import { selectRows } from '../stats/matrix.js';
import type { Panel } from './dataset.js';
import type { GradientBoostingSpec } from './spec.js';
import type { TrainingSet } from './training.js';

/** Fitted boosted trees for one training cut-off. */
export interface BoostedModel {
  family: 'gradient-boosting';
  /** Trees kept (chosen by cross-validation) and the most tried. */
  trees: number;
  maxTrees: number;
  /** Mean held-out deviance per row at the trees kept. */
  cvDeviance: number;
  /** The trees, on the spec's predictors in order. */
  booster: BoostedTrees;
  predictors: string[];
  /** Share of the loss reduction of all splits per predictor (sums to 1). */
  importance: Record<string, number>;
  trainingRows: number;
  trainingPositives: number;
  trainedTo: number;
  /** Imputation values per predictor (`impute-mean`), else empty. */
  means: Record<string, number>;
}

/** One independent piece of a boosting fit: all the data, or all but fold `fold` (1-based). */
export type BoostingStep = { kind: 'full' } | { kind: 'fold'; fold: number };

/** What a step returns: the full fit's trees, or a fold's held-out deviance after 0..trees trees. */
export type BoostingStepResult =
  | { step: { kind: 'full' }; booster: BoostedTrees }
  | { step: { kind: 'fold'; fold: number }; deviance: Float64Array };

/** The steps of a fit: the full fit and each fold's. */
export function boostingSteps(spec: GradientBoostingSpec): BoostingStep[] {
  return [
    { kind: 'full' },
    ...Array.from({ length: spec.folds }, (_, k) => ({ kind: 'fold' as const, fold: k + 1 })),
  ];
}

/**
 * Fold of each training row (1..folds): countries are dealt to folds at random from
 * `spec.seed + trainTo`, and each row goes with its country.
 */
export function countryFolds(
  panel: Panel,
  set: TrainingSet,
  spec: GradientBoostingSpec,
): Int32Array {
  const countries = [...new Set(set.rows.map((i) => panel.countryIds[i]!))].sort();
  if (countries.length < spec.folds)
    throw new Error(
      `${countries.length} countries in the training rows up to ${set.trainTo}, fewer than the ${spec.folds} folds`,
    );
  const folds = assignFolds(countries.length, spec.folds, spec.seed + set.trainTo);
  const foldOf = new Map(countries.map((c, k) => [c, folds[k]!]));
  return Int32Array.from(set.rows, (i) => foldOf.get(panel.countryIds[i]!)!);
}

/** Runs one step on the training set. */
export function runBoostingStep(
  panel: Panel,
  set: TrainingSet,
  spec: GradientBoostingSpec,
  step: BoostingStep,
): BoostingStepResult {
  const options = {
    trees: spec.trees,
    depth: spec.depth,
    learningRate: spec.learningRate,
    subsample: spec.subsample,
    minLeafHessian: spec.minLeafHessian,
    l2: spec.l2,
    bins: spec.bins,
    seed: spec.seed + set.trainTo,
    columnNames: spec.predictors,
  };
  if (step.kind === 'full') return { step, booster: fitGradientBoosting(set.x, set.y, options) };
  const foldid = countryFolds(panel, set, spec);
  const train: number[] = [];
  const test: number[] = [];
  for (let i = 0; i < foldid.length; i++) (foldid[i] === step.fold ? test : train).push(i);
  try {
    const booster = fitGradientBoosting(
      selectRows(set.x, train),
      Float64Array.from(train, (i) => set.y[i]!),
      options,
    );
    const deviance = stagedDeviance(
      booster,
      selectRows(set.x, test),
      Float64Array.from(test, (i) => set.y[i]!),
    );
    return { step, deviance };
  } catch (error) {
    throw new Error(
      `cross-validation fold ${step.fold} of ${spec.folds} (fitted without its ${test.length} rows): ${(error as Error).message}`,
    );
  }
}

/**
 * The model from the results of every step (any order): the number of trees with the least
 * held-out deviance summed over folds (the fewest trees on a tie), at least one.
 */
export function finishBoosting(
  set: TrainingSet,
  spec: GradientBoostingSpec,
  results: readonly BoostingStepResult[],
): BoostedModel {
  let booster: BoostedTrees | undefined;
  const total = new Float64Array(spec.trees + 1);
  let folds = 0;
  for (const r of results) {
    if ('booster' in r) booster = r.booster;
    else {
      folds++;
      for (let k = 0; k <= spec.trees; k++) total[k] = total[k]! + r.deviance[k]!;
    }
  }
  if (!booster) throw new Error('the full fit is missing');
  if (folds !== spec.folds)
    throw new Error(`${spec.folds - folds} cross-validation folds are missing`);
  let best = 1;
  for (let k = 2; k <= spec.trees; k++) if (total[k]! < total[best]!) best = k;
  const kept = truncateTrees(booster, best);
  const importance: Record<string, number> = {};
  const shares = treeImportance(kept);
  const means: Record<string, number> = {};
  spec.predictors.forEach((name, j) => {
    importance[name] = shares[j]!;
    if (spec.missing === 'impute-mean') means[name] = set.means[j]!;
  });
  return {
    family: 'gradient-boosting',
    trees: best,
    maxTrees: spec.trees,
    cvDeviance: total[best]! / set.rows.length,
    booster: kept,
    predictors: spec.predictors,
    importance,
    trainingRows: set.rows.length,
    trainingPositives: set.positives,
    trainedTo: set.trainTo,
    means,
  };
}

/**
 * Fitting and applying a forecast model of any family. A single model's fit is a list of
 * independent steps (`fitSteps`), each run on the training set (`runFitStep`, possibly on
 * another thread) and put together by `finishFit`; `fitSpec` runs them in turn. An ensemble
 * is its members fitted this way and averaged.
 */
import {
  boostingSteps,
  finishBoosting,
  runBoostingStep,
  type BoostedModel,
  type BoostingStep,
  type BoostingStepResult,
} from './boosting-model.js';
import type { Panel } from './dataset.js';
import {
  elasticNetSteps,
  finishElasticNet,
  fitElasticNetAt,
  runElasticNetStep,
  type ElasticNetStep,
  type ElasticNetStepResult,
  type LinearModel,
} from './elastic-net-model.js';
import type { ModelSpec, SingleModelSpec } from './spec.js';
import { designMatrix, panelColumns, trainingSet, type TrainingSet } from './training.js';
import { predictGradientBoosting } from '../stats/gbm.js';

export type { BoostedModel } from './boosting-model.js';
export type { LinearModel } from './elastic-net-model.js';

/** A fitted single model. */
export type SingleModel = LinearModel | BoostedModel;

/** Fitted members of an ensemble and their weights (normalised to sum to 1). */
export interface EnsembleModel {
  family: 'ensemble';
  trainedTo: number;
  members: { id: string; weight: number; model: SingleModel }[];
}

/** A fitted model of any family. */
export type FittedModel = SingleModel | EnsembleModel;

/** One independent piece of a single model's fit. */
export type FitStep = ElasticNetStep | BoostingStep;

/** The result of a step, to hand to `finishFit`. */
export type StepResult = ElasticNetStepResult | BoostingStepResult;

/** The independent steps of fitting a single model. */
export function fitSteps(spec: SingleModelSpec): FitStep[] {
  return spec.family === 'elastic-net-logistic' ? elasticNetSteps(spec) : boostingSteps(spec);
}

/** Runs one step of a single model's fit on its training set. */
export function runFitStep(
  panel: Panel,
  spec: SingleModelSpec,
  set: TrainingSet,
  step: FitStep,
): StepResult {
  if (spec.family === 'elastic-net-logistic') {
    if (step.kind === 'full') throw new Error('an elastic-net fit has no "full" step');
    return runElasticNetStep(set, spec, step);
  }
  if (step.kind === 'path') throw new Error('a boosting fit has no "path" step');
  return runBoostingStep(panel, set, spec, step);
}

/** The model from the results of all its steps (in any order). */
export function finishFit(
  spec: SingleModelSpec,
  set: TrainingSet,
  results: readonly StepResult[],
): SingleModel {
  return spec.family === 'elastic-net-logistic'
    ? finishElasticNet(set, spec, results as ElasticNetStepResult[])
    : finishBoosting(set, spec, results as BoostingStepResult[]);
}

/**
 * Fits a single model on the rows up to `trainTo`, running every step here. `lambda` fixes
 * the elastic-net penalty instead of cross-validating (ignored by other families). Throws
 * naming the problem when the training set is empty or has no positive case.
 */
export function fitSingle(
  panel: Panel,
  spec: SingleModelSpec,
  trainTo: number,
  lambda?: number,
): SingleModel {
  const set = trainingSet(panel, spec, trainTo);
  if (spec.family === 'elastic-net-logistic' && lambda !== undefined)
    return fitElasticNetAt(set, spec, lambda);
  const results = fitSteps(spec).map((step) => runFitStep(panel, spec, set, step));
  return finishFit(spec, set, results);
}

/** Fits a model of any family on the rows up to `trainTo` (an ensemble: each member). */
export function fitSpec(
  panel: Panel,
  spec: ModelSpec,
  trainTo: number,
  lambda?: number,
): FittedModel {
  if (spec.family !== 'ensemble') return fitSingle(panel, spec, trainTo, lambda);
  return ensembleOf(
    spec,
    trainTo,
    spec.members.map((m) => fitSingle(panel, m.spec, trainTo, lambda)),
  );
}

/** The ensemble model of fitted members (in the order of `spec.members`). */
export function ensembleOf(
  spec: Extract<ModelSpec, { family: 'ensemble' }>,
  trainTo: number,
  models: readonly SingleModel[],
): EnsembleModel {
  const total = spec.members.reduce((s, m) => s + m.weight, 0);
  return {
    family: 'ensemble',
    trainedTo: trainTo,
    members: spec.members.map((m, k) => ({
      id: m.spec.id,
      weight: m.weight / total,
      model: models[k]!,
    })),
  };
}

/**
 * Probability of the outcome for panel rows `rows` under a model, in [0, 1]; NaN for a row
 * with a missing predictor that the model does not impute (for an ensemble: that any member
 * cannot score).
 */
export function predictRisk(
  panel: Panel,
  model: FittedModel,
  rows: readonly number[],
): Float64Array {
  if (model.family !== 'ensemble') return predictLogOdds(panel, model, rows).map(logistic);
  const out = new Float64Array(rows.length);
  for (const m of model.members) {
    const risk = predictRisk(panel, m.model, rows);
    for (let r = 0; r < rows.length; r++) out[r] = out[r]! + m.weight * risk[r]!;
  }
  return out;
}

/** Log-odds of the outcome for panel rows under a single model; NaN as in `predictRisk`. */
export function predictLogOdds(
  panel: Panel,
  model: SingleModel,
  rows: readonly number[],
): Float64Array {
  const names =
    model.family === 'elastic-net-logistic' ? Object.keys(model.coefficients) : model.predictors;
  const fill = Float64Array.from(names, (n) => model.means[n] ?? NaN);
  const x = designMatrix(panel, panelColumns(panel, names), rows, fill);
  const complete = (r: number) =>
    names.every((_, j) => !Number.isNaN(x.data[j * rows.length + r]!));
  if (model.family === 'elastic-net-logistic') {
    return Float64Array.from(rows, (_, r) =>
      complete(r)
        ? names.reduce(
            (s, n, j) => s + model.coefficients[n]! * x.data[j * rows.length + r]!,
            model.intercept,
          )
        : NaN,
    );
  }
  const eta = predictGradientBoosting(model.booster, x);
  return eta.map((v, r) => (complete(r) ? v : NaN));
}

function logistic(eta: number): number {
  return 1 / (1 + Math.exp(-eta));
}

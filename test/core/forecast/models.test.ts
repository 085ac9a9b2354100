import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { countryFolds } from '../../../src/core/forecast/boosting-model.js';
import { elasticNetFolds } from '../../../src/core/forecast/elastic-net-model.js';
import {
  finishFit,
  fitSingle,
  fitSteps,
  predictRisk,
  runFitStep,
} from '../../../src/core/forecast/models.js';
import { trainingSet } from '../../../src/core/forecast/training.js';
import { crossValidateElasticNetLogistic } from '../../../src/core/stats/cross-validation.js';
import { fitElasticNetLogistic } from '../../../src/core/stats/elastic-net-logistic.js';
import { boostingSpec, elasticNetSpec, fixturePanel } from './fixtures.js';

describe('elastic-net model in steps', () => {
  for (const lambdaRule of ['min', '1se'] as const) {
    it(`chooses lambda.${lambdaRule} as one cross-validation does (cv.glmnet's own-path folds)`, () => {
      const spec = elasticNetSpec({ lambdaRule, folds: 6 });
      const panel = fixturePanel(spec, { countries: 40 });
      const set = trainingSet(panel, spec, 1996);
      // Steps in a shuffled order, as threads would finish them.
      const steps = fitSteps(spec);
      assert.equal(steps.length, 7);
      const results = [...steps].reverse().map((s) => runFitStep(panel, spec, set, s));
      const model = finishFit(spec, set, results);
      const cv = crossValidateElasticNetLogistic(set.x, set.y, {
        alpha: spec.alpha,
        foldid: elasticNetFolds(set, spec),
        alignment: 'own-path',
      });
      const index = lambdaRule === 'min' ? cv.indexMin : cv.index1se;
      assert.equal(model.family, 'elastic-net-logistic');
      if (model.family !== 'elastic-net-logistic') return;
      assert.equal(model.lambda, cv.lambda[index]);
      assert.equal(model.intercept, cv.fit.a0[index]);
      assert.deepEqual(Object.values(model.coefficients), [...cv.fit.beta[index]!]);
      assert.equal(model.trainingRows, set.rows.length);
      assert.equal(model.trainingPositives, set.positives);
      assert.equal(model.trainedTo, 1996);
    });
  }

  it('fits at a fixed lambda without cross-validation', () => {
    const spec = elasticNetSpec();
    const panel = fixturePanel(spec);
    const model = fitSingle(panel, spec, 1995, 0.01);
    const set = trainingSet(panel, spec, 1995);
    const fit = fitElasticNetLogistic(set.x, set.y, { alpha: 0.5, lambda: [0.01] });
    assert.equal(model.family === 'elastic-net-logistic' && model.intercept, fit.a0[0]);
  });

  it('names a fold that cannot be fitted', () => {
    // Two positive rows in all: some fold is left with fewer than two.
    const spec = elasticNetSpec();
    const panel = fixturePanel(spec);
    let kept = 0;
    for (let i = 0; i < panel.rows; i++) {
      if (panel.y[i] === 1 && panel.years[i]! <= 1995 && kept++ >= 2) panel.y[i] = 0;
    }
    assert.throws(
      () => fitSingle(panel, spec, 1995),
      /cross-validation fold \d of 5 .*each class needs at least 2/,
    );
  });
});

describe('boosting model in steps', () => {
  it('keeps each country in one fold', () => {
    const spec = boostingSpec();
    const panel = fixturePanel(spec);
    const set = trainingSet(panel, spec, 1995);
    const folds = countryFolds(panel, set, spec);
    const foldOf = new Map<string, number>();
    set.rows.forEach((i, r) => {
      const id = panel.countryIds[i]!;
      assert.equal(foldOf.get(id) ?? folds[r], folds[r]);
      foldOf.set(id, folds[r]!);
    });
    assert.deepEqual(new Set(foldOf.values()), new Set([1, 2, 3]));
  });

  it('keeps the number of trees with the least held-out deviance, the same in any step order', () => {
    const spec = boostingSpec({ trees: 60 });
    const panel = fixturePanel(spec, { countries: 40 });
    const set = trainingSet(panel, spec, 1996);
    const steps = fitSteps(spec);
    const forward = finishFit(
      spec,
      set,
      steps.map((s) => runFitStep(panel, spec, set, s)),
    );
    const backward = finishFit(
      spec,
      set,
      [...steps].reverse().map((s) => runFitStep(panel, spec, set, s)),
    );
    assert.deepEqual(forward, backward);
    assert.equal(forward.family, 'gradient-boosting');
    if (forward.family !== 'gradient-boosting') return;
    assert.ok(forward.trees >= 1 && forward.trees <= 60);
    assert.equal(forward.booster.trees, forward.trees);
    const total = Object.values(forward.importance).reduce((s, v) => s + v, 0);
    assert.ok(Math.abs(total - 1) < 1e-12);
    // The informative predictor a leads.
    assert.ok(forward.importance.a! > forward.importance.c!);
    const rows = set.rows.slice(0, 20);
    for (const p of predictRisk(panel, forward, rows)) assert.ok(p > 0 && p < 1);
  });
});

// Tests of src/core/stats/gbm.ts, the boosted trees behind the gradient-boosting forecast family.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  fitGradientBoosting,
  predictGradientBoosting,
  stagedDeviance,
  treeImportance,
  truncateTrees,
} from '../../../src/core/stats/gbm.js';
import { matrixFromColumns } from '../../../src/core/stats/matrix.js';
import { auc } from '../../../src/core/stats/metrics.js';
import { createRandom, randomNormal } from '../../../src/core/stats/random.js';

/** n rows: x0 drives the outcome through a step at 0.5, x1 is noise, x2 a 0/1 indicator. */
function stepData(n: number, seed: number) {
  const random = createRandom(seed);
  const x0 = new Float64Array(n);
  const x1 = new Float64Array(n);
  const x2 = new Float64Array(n);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    x0[i] = random();
    x1[i] = randomNormal(random);
    x2[i] = random() < 0.5 ? 1 : 0;
    const p = x0[i]! > 0.5 ? 0.6 : 0.05;
    y[i] = random() < p ? 1 : 0;
  }
  return { x: matrixFromColumns([x0, x1, x2]), y };
}

describe('fitGradientBoosting', () => {
  const { x, y } = stepData(600, 3);

  it('learns a step and puts its importance on the predictor that carries it', () => {
    const model = fitGradientBoosting(x, y, { trees: 100, depth: 2, seed: 1 });
    const test = stepData(400, 4);
    assert.ok(auc(predictGradientBoosting(model, test.x), test.y) > 0.75);
    const importance = treeImportance(model);
    assert.ok(importance[0]! > 0.5, `importance ${[...importance]}`);
    assert.ok(Math.abs(importance.reduce((s, v) => s + v, 0) - 1) < 1e-12);
    // A split on x0 near the step, with the threshold halfway between training values.
    const first = model.feature.indexOf(0);
    assert.ok(Math.abs(model.threshold[first]! - 0.5) < 0.1);
  });

  it('starts at the base rate and lowers the training deviance tree by tree', () => {
    const model = fitGradientBoosting(x, y, { trees: 50, subsample: 1 });
    const positives = y.reduce((s, v) => s + v, 0);
    assert.ok(Math.abs(model.base - Math.log(positives / (y.length - positives))) < 1e-12);
    const dev = stagedDeviance(model, x, y);
    assert.equal(dev.length, 51);
    const p = positives / y.length;
    const nullDeviance = -2 * (positives * Math.log(p) + (y.length - positives) * Math.log(1 - p));
    assert.ok(Math.abs(dev[0]! - nullDeviance) < 1e-9);
    for (let k = 1; k <= 50; k++) assert.ok(dev[k]! < dev[k - 1]! + 1e-9, `tree ${k}`);
  });

  it('is reproducible from its seed, and a model cut at k trees is the fit that stopped at k', () => {
    const a = fitGradientBoosting(x, y, { trees: 30, seed: 5 });
    assert.deepEqual(fitGradientBoosting(x, y, { trees: 30, seed: 5 }), a);
    assert.notDeepEqual(fitGradientBoosting(x, y, { trees: 30, seed: 6 }).leaf, a.leaf);
    const cut = truncateTrees(a, 12);
    assert.deepEqual(cut, fitGradientBoosting(x, y, { trees: 12, seed: 5 }));
    assert.deepEqual(predictGradientBoosting(cut, x), predictGradientBoosting(a, x, 12));
  });

  it('sends missing values to the side that fits them', () => {
    // Where x0 is missing the outcome is always 1: missing values must go with high risk.
    const n = 400;
    const random = createRandom(9);
    const x0 = new Float64Array(n);
    const y2 = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      x0[i] = i % 10 === 0 ? NaN : random();
      y2[i] = Number.isNaN(x0[i]!) ? 1 : x0[i]! > 0.7 ? 1 : 0;
    }
    const model = fitGradientBoosting(matrixFromColumns([x0]), y2, {
      trees: 20,
      depth: 1,
      subsample: 1,
    });
    const eta = predictGradientBoosting(
      model,
      matrixFromColumns([Float64Array.from([NaN, 0.1, 0.9])]),
    );
    assert.ok(eta[0]! > 0 && eta[2]! > 0 && eta[1]! < 0, `${[...eta]}`);
  });

  it('respects the least hessian per leaf', () => {
    // With a bound larger than half the total hessian no split is allowed: every leaf value is
    // the same in a tree.
    const model = fitGradientBoosting(x, y, { trees: 5, minLeafHessian: 1e6 });
    assert.ok(model.feature.every((f) => f === -1));
  });

  it('names bad input', () => {
    assert.throws(
      () => fitGradientBoosting(matrixFromColumns([new Float64Array(0)]), []),
      /training set is empty/,
    );
    assert.throws(
      () => fitGradientBoosting(x, new Float64Array(600)),
      /0 positive \(1\) and 600 negative/,
    );
    assert.throws(
      () =>
        fitGradientBoosting(
          x,
          y.map((v, i) => (i === 3 ? 2 : v)),
        ),
      /y row 3 \(0-based\) is 2/,
    );
    const inf = matrixFromColumns([
      Float64Array.from([1, Infinity, 2, 3]),
      Float64Array.from([1, 2, 3, 4]),
    ]);
    assert.throws(
      () => fitGradientBoosting(inf, [0, 1, 0, 1], { columnNames: ['gdp', 'pop'] }),
      /x column "gdp" row 1 \(0-based\) is Infinity/,
    );
    assert.throws(() => fitGradientBoosting(x, y, { depth: 0 }), /depth must be 1..8, got 0/);
    assert.throws(() => fitGradientBoosting(x, y, { bins: 300 }), /bins must be 2..255, got 300/);
    const model = fitGradientBoosting(x, y, { trees: 2 });
    assert.throws(
      () => predictGradientBoosting(model, matrixFromColumns([x.data])),
      /1 columns but the model was fitted on 3/,
    );
    assert.throws(() => truncateTrees(model, 3), /trees must be a whole number in 0..2, got 3/);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  assignFolds,
  chooseLambda,
  crossValidateElasticNetLogistic,
} from '../../../src/core/stats/cross-validation.js';
import { fitElasticNetLogistic } from '../../../src/core/stats/elastic-net-logistic.js';
import { selectRows } from '../../../src/core/stats/matrix.js';
import { syntheticLogistic } from './synthetic.js';

describe('assignFolds', () => {
  it('deals labels 1..K evenly, shuffled reproducibly from the seed', () => {
    const folds = assignFolds(23, 5, 11);
    const counts = [0, 0, 0, 0, 0, 0];
    for (const f of folds) counts[f]!++;
    assert.deepEqual(counts, [0, 5, 5, 5, 4, 4]);
    assert.deepEqual(assignFolds(23, 5, 11), folds);
    assert.notDeepEqual(assignFolds(23, 5, 12), folds);
  });
});

describe('chooseLambda', () => {
  it('picks lambda.min and lambda.1se as cv.glmnet does', () => {
    const lambda = Float64Array.from([1, 0.5, 0.25, 0.125]);
    // Minimum 1.9 at 0.25; 1.9 + 0.2 = 2.1 admits 0.5 (2.0) but not 1 (3.0).
    assert.deepEqual(
      chooseLambda(
        lambda,
        Float64Array.from([3, 2, 1.9, 1.95]),
        Float64Array.from([0.1, 0.1, 0.2, 0.1]),
      ),
      { indexMin: 2, index1se: 1 },
    );
    // A tie for the minimum goes to the larger penalty.
    assert.deepEqual(
      chooseLambda(lambda, Float64Array.from([3, 1.9, 1.9, 2]), Float64Array.from([0, 0, 0, 0])),
      { indexMin: 1, index1se: 1 },
    );
  });
});

describe('crossValidateElasticNetLogistic', () => {
  const { x, y } = syntheticLogistic(300, 3);

  it('computes the binomial deviance of held-out predictions, fold by fold', () => {
    const cv = crossValidateElasticNetLogistic(x, y, { alpha: 0.5, nfolds: 5, seed: 4 });
    const L = cv.lambda.length;
    assert.equal(cv.cvm.length, L);
    assert.equal(cv.preval.length, L);
    assert.equal(cv.nfolds, 5);
    assert.ok(cv.grouped);
    assert.deepEqual(cv.foldid, assignFolds(300, 5, 4));
    assert.ok(cv.indexMin >= cv.index1se);
    assert.equal(cv.lambdaMin, cv.lambda[cv.indexMin]);
    assert.equal(cv.lambda1se, cv.lambda[cv.index1se]);
    assert.deepEqual(cv.lambda, cv.fit.lambda);
    // Recompute one point of the curve by hand from a fold model.
    const l = Math.floor(L / 2);
    const foldErr: number[] = [];
    for (let f = 1; f <= 5; f++) {
      const train = [...Array(300).keys()].filter((i) => cv.foldid[i] !== f);
      const test = [...Array(300).keys()].filter((i) => cv.foldid[i] === f);
      const fit = fitElasticNetLogistic(
        selectRows(x, train),
        train.map((i) => y[i]!),
        { alpha: 0.5, lambda: cv.lambda },
      );
      let s = 0;
      for (const i of test) {
        let eta = fit.a0[l]!;
        for (let j = 0; j < x.cols; j++) eta += fit.beta[l]![j]! * x.data[j * 300 + i]!;
        const p = 1 / (1 + Math.exp(-eta));
        assert.ok(Math.abs(cv.preval[l]![i]! - p) < 1e-12);
        s += -2 * (y[i] === 1 ? Math.log(p) : Math.log(1 - p));
      }
      foldErr.push(s / test.length);
    }
    const sizes = [1, 2, 3, 4, 5].map((f) => cv.foldid.filter((g) => g === f).length);
    const mean = foldErr.reduce((s, e, k) => s + e * sizes[k]!, 0) / 300;
    const sd = Math.sqrt(foldErr.reduce((s, e, k) => s + sizes[k]! * (e - mean) ** 2, 0) / 300 / 4);
    assert.ok(Math.abs(cv.cvm[l]! - mean) < 1e-12);
    assert.ok(Math.abs(cv.cvsd[l]! - sd) < 1e-12);
  });

  it('accepts explicit folds and both ways of aligning fold paths', () => {
    const foldid = Int32Array.from({ length: 300 }, (_, i) => (i % 4) + 1);
    const shared = crossValidateElasticNetLogistic(x, y, { foldid });
    const own = crossValidateElasticNetLogistic(x, y, { foldid, alignment: 'own-path' });
    assert.equal(shared.nfolds, 4);
    assert.deepEqual(shared.lambda, own.lambda);
    // Fold paths land on nearly the same models at the shared penalties.
    for (let l = 0; l < shared.lambda.length; l++) {
      assert.ok(Math.abs(shared.cvm[l]! - own.cvm[l]!) < 0.05 * shared.cvm[l]!);
    }
  });

  it('turns grouping off, as cv.glmnet does, with fewer than 3 rows per fold', () => {
    const small = syntheticLogistic(40, 9);
    const cv = crossValidateElasticNetLogistic(small.x, small.y, { nfolds: 20, seed: 1 });
    assert.equal(cv.grouped, false);
    assert.match(cv.warnings.join('\n'), /grouped = false enforced/);
  });

  it('rejects bad folds and names the fold whose model cannot be fitted', () => {
    const n = 300;
    assert.throws(
      () => crossValidateElasticNetLogistic(selectRows(x, []), []),
      /training set is empty/,
    );
    assert.throws(
      () => crossValidateElasticNetLogistic(x, y, { foldid: new Int32Array(n) }),
      /foldid row 0 \(0-based\) is 0; folds are numbered 1, 2/,
    );
    assert.throws(
      () =>
        crossValidateElasticNetLogistic(x, y, {
          foldid: Int32Array.from({ length: n }, (_, i) => (i % 2) + 1),
        }),
      /need at least 3 folds, got 2/,
    );
    assert.throws(
      () =>
        crossValidateElasticNetLogistic(x, y, {
          foldid: Int32Array.from({ length: n }, (_, i) => (i % 2) * 2 + 1),
        }),
      /fold 2 of 1..3 has no observations/,
    );
    // Put every positive case in fold 1: the model fitted without fold 1 has none.
    const foldid = Int32Array.from(y, (v, i) => (v === 1 ? 1 : (i % 3) + 1));
    assert.throws(
      () => crossValidateElasticNetLogistic(x, y, { foldid }),
      /cross-validation fold 1 of 3 .*: cannot fit: y has 0 positive/,
    );
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  coefficientsAt,
  fitElasticNetLogistic,
  interpolationWeights,
  predictLogistic,
  type ElasticNetLogisticFit,
} from '../../../src/core/stats/elastic-net-logistic.js';
import {
  column,
  createMatrix,
  matrixFromColumns,
  matrixFromRows,
  selectRows,
  type Matrix,
} from '../../../src/core/stats/matrix.js';
import { syntheticLogistic } from './synthetic.js';

/**
 * Largest violation of the optimality conditions of the penalised problem at path point m,
 * computed from scratch on the original data: the intercept's score is 0, and for each
 * predictor (on the scale the penalty applies to) the score equals lambda (alpha sign(b) +
 * (1 - alpha) b) when b != 0 and is at most lambda alpha in size when b = 0.
 */
function kktViolation(
  fit: ElasticNetLogisticFit,
  m: number,
  x: Matrix,
  y: Float64Array,
  w: Float64Array,
  standardize: boolean,
  intercept: boolean,
): number {
  const n = x.rows;
  let sw = 0;
  for (const wi of w) sw += wi;
  const a0 = fit.a0[m]!;
  const beta = fit.beta[m]!;
  const lambda = fit.lambda[m]!;
  const resid = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let eta = a0;
    for (let j = 0; j < x.cols; j++) eta += beta[j]! * x.data[j * n + i]!;
    resid[i] = (w[i]! / sw) * (y[i]! - 1 / (1 + Math.exp(-eta)));
  }
  let worst = 0;
  if (intercept) worst = Math.abs(resid.reduce((s, r) => s + r, 0));
  for (let j = 0; j < x.cols; j++) {
    const xj = column(x, j);
    if (xj.every((v) => v === xj[0])) continue; // constant: out of the model
    let mean = 0;
    for (let i = 0; i < n; i++) mean += (w[i]! / sw) * xj[i]!;
    let variance = 0;
    for (let i = 0; i < n; i++) variance += (w[i]! / sw) * (xj[i]! - mean) ** 2;
    const scale = standardize ? Math.sqrt(variance) : 1;
    let g = 0;
    for (let i = 0; i < n; i++) g += (resid[i]! * xj[i]!) / scale;
    const b = beta[j]! * scale;
    const v =
      b === 0
        ? Math.max(0, Math.abs(g) - lambda * fit.alpha)
        : Math.abs(g - lambda * (fit.alpha * Math.sign(b) + (1 - fit.alpha) * b));
    worst = Math.max(worst, v);
  }
  return worst;
}

const ones = (n: number): Float64Array => new Float64Array(n).fill(1);

describe('fitElasticNetLogistic', () => {
  const { x, y } = syntheticLogistic(400, 7);

  it('satisfies the optimality (KKT) conditions at every penalty of the path', () => {
    for (const alpha of [1, 0.5, 0.05]) {
      const fit = fitElasticNetLogistic(x, y, { alpha, thresh: 1e-14 });
      for (let m = 0; m < fit.lambda.length; m++) {
        const v = kktViolation(fit, m, x, y, ones(x.rows), true, true);
        assert.ok(v < 1e-6, `alpha ${alpha}, penalty ${m}: KKT violation ${v}`);
      }
    }
  });

  it('starts at lambda_max with the intercept alone, the log-odds of the base rate', () => {
    const fit = fitElasticNetLogistic(x, y, { alpha: 0.5 });
    const rate = y.reduce((s, v) => s + v, 0) / y.length;
    assert.equal(fit.df[0], 0);
    assert.ok(Math.abs(fit.a0[0]! - Math.log(rate / (1 - rate))) < 1e-12);
    assert.ok(fit.df[1]! > 0, 'something enters just below lambda_max');
    assert.ok(Math.abs(fit.devRatio[0]!) < 1e-12);
    assert.ok(Math.abs(fit.dev[0]! - fit.nulldev) < 1e-9 * fit.nulldev);
    // Null deviance of a Bernoulli sample: -2 sum [y log rate + (1 - y) log(1 - rate)].
    const n = y.length;
    const nulldev = -2 * n * (rate * Math.log(rate) + (1 - rate) * Math.log(1 - rate));
    assert.ok(Math.abs(fit.nulldev - nulldev) < 1e-9 * nulldev);
  });

  it("builds glmnet's default path: geometric from lambda_max down to the minimum ratio", () => {
    const fit = fitElasticNetLogistic(x, y, { nlambda: 20 });
    assert.ok(fit.automaticLambda);
    const ratio = Math.pow(1e-4, 1 / 19);
    for (let m = 1; m < fit.lambda.length; m++) {
      assert.ok(Math.abs(fit.lambda[m]! / fit.lambda[m - 1]! - ratio) < 1e-12);
    }
    // At least 5 penalties are always fitted, so these paths run to their end.
    const five = fitElasticNetLogistic(x, y, { nlambda: 5, lambdaMinRatio: 0.1 });
    assert.equal(five.lambda.length, 5);
    assert.ok(Math.abs(five.lambda[4]! / five.lambda[0]! - 0.1) < 1e-12);
    // Fewer rows than predictors: the path ends at 1% of lambda_max.
    const wide = selectRows(
      x,
      [...Array(7).keys()].map((i) => i * 50),
    );
    const small = fitElasticNetLogistic(wide, [1, 0, 1, 0, 0, 1, 0], { nlambda: 5, alpha: 0.5 });
    assert.equal(small.lambda.length, 5);
    assert.ok(Math.abs(small.lambda[4]! / small.lambda[0]! - 0.01) < 1e-12);
    // The default path stops early once the deviance explained stops rising.
    const full = fitElasticNetLogistic(x, y);
    assert.ok(full.lambda.length <= 100);
    for (let m = 1; m < full.lambda.length; m++) {
      assert.ok(full.devRatio[m]! >= full.devRatio[m - 1]! - 1e-9);
    }
  });

  it('fits every penalty of a user sequence, in decreasing order', () => {
    const fit = fitElasticNetLogistic(x, y, { lambda: [0.001, 0.05, 0.01, 0.2] });
    assert.deepEqual(Array.from(fit.lambda), [0.2, 0.05, 0.01, 0.001]);
    assert.equal(fit.automaticLambda, false);
    assert.equal(fit.beta.length, 4);
  });

  it('leaves a constant column at 0', () => {
    const fit = fitElasticNetLogistic(x, y, { alpha: 0.5 });
    for (const b of fit.beta) assert.equal(b[6], 0);
  });

  it('standardises internally: rescaling a predictor rescales its coefficient', () => {
    const scaled = createMatrix(x.rows, x.cols, x.data.slice());
    for (let i = 0; i < x.rows; i++) scaled.data[2 * x.rows + i]! *= 1000;
    const a = fitElasticNetLogistic(x, y, { alpha: 0.5 });
    const b = fitElasticNetLogistic(scaled, y, { alpha: 0.5 });
    assert.equal(a.lambda.length, b.lambda.length);
    for (let m = 0; m < a.lambda.length; m++) {
      assert.ok(Math.abs(a.lambda[m]! - b.lambda[m]!) < 1e-12 * a.lambda[m]!);
      assert.ok(Math.abs(a.beta[m]![2]! - 1000 * b.beta[m]![2]!) < 1e-9);
      assert.ok(Math.abs(a.a0[m]! - b.a0[m]!) < 1e-9);
    }
  });

  it('treats whole-number weights like repeated rows', () => {
    const n = 120;
    const sub = selectRows(x, [...Array(n).keys()]);
    const ySub = y.subarray(0, n);
    const weights = Float64Array.from({ length: n }, (_, i) => 1 + (i % 3));
    const repeated: number[] = [];
    weights.forEach((w, i) => {
      for (let k = 0; k < w; k++) repeated.push(i);
    });
    const lambda = [0.08, 0.03, 0.01, 0.003];
    const a = fitElasticNetLogistic(sub, ySub, { weights, lambda, thresh: 1e-12 });
    const b = fitElasticNetLogistic(
      selectRows(sub, repeated),
      Float64Array.from(repeated, (i) => ySub[i]!),
      { lambda, thresh: 1e-12 },
    );
    for (let m = 0; m < lambda.length; m++) {
      assert.ok(Math.abs(a.a0[m]! - b.a0[m]!) < 1e-6);
      for (let j = 0; j < x.cols; j++) assert.ok(Math.abs(a.beta[m]![j]! - b.beta[m]![j]!) < 1e-6);
      assert.ok(Math.abs(a.dev[m]! / b.dev[m]! - 1) < 1e-9);
    }
    const v = kktViolation(a, 3, sub, Float64Array.from(ySub), weights, true, true);
    assert.ok(v < 1e-6);
  });

  it('fits without standardisation and without intercept', () => {
    const cols = [0, 1, 3, 4].map((j) => column(x, j));
    const small = matrixFromColumns(cols);
    for (const [standardize, intercept] of [
      [false, true],
      [true, false],
      [false, false],
    ] as const) {
      const fit = fitElasticNetLogistic(small, y, {
        alpha: 0.7,
        standardize,
        intercept,
        thresh: 1e-14,
      });
      if (!intercept) for (const a of fit.a0) assert.equal(a, 0);
      for (let m = 0; m < fit.lambda.length; m += 7) {
        const v = kktViolation(fit, m, small, y, ones(x.rows), standardize, intercept);
        assert.ok(v < 1e-6, `standardize ${standardize} intercept ${intercept}: ${v}`);
      }
    }
  });

  it('predicts at a path index, at a fitted lambda, and between two lambdas', () => {
    const fit = fitElasticNetLogistic(x, y, { alpha: 0.5, nlambda: 30 });
    const last = fit.lambda.length - 1;
    const m = 10;
    const p1 = predictLogistic(fit, { index: m }, x);
    const p2 = predictLogistic(fit, { lambda: fit.lambda[m]! }, x);
    assert.deepEqual(p1, p2);
    const link = predictLogistic(fit, { index: m }, x, 'link');
    for (let i = 0; i < 5; i++) assert.ok(Math.abs(p1[i]! - 1 / (1 + Math.exp(-link[i]!))) < 1e-15);
    // Half-way in lambda between two fitted penalties: the average of their coefficients.
    const mid = (fit.lambda[m]! + fit.lambda[m + 1]!) / 2;
    const c = coefficientsAt(fit, { lambda: mid });
    for (let j = 0; j < x.cols; j++) {
      const expected = (fit.beta[m]![j]! + fit.beta[m + 1]![j]!) / 2;
      assert.ok(Math.abs(c.beta[j]! - expected) < 1e-12);
    }
    // Beyond either end: clamped to the end.
    assert.deepEqual(coefficientsAt(fit, { lambda: 1e9 }).beta, fit.beta[0]);
    assert.deepEqual(coefficientsAt(fit, { lambda: 0 }).beta, fit.beta[last]);
    assert.deepEqual(interpolationWeights(Float64Array.from([3, 2, 1]), 2.5), {
      left: 0,
      right: 1,
      frac: 0.5,
    });
    assert.throws(
      () => predictLogistic(fit, { index: last + 1 }, x),
      new RegExp(`path index ${last + 1} is outside 0..${last}`),
    );
  });

  it('cuts the path, with a warning, when the iteration limit is reached', () => {
    const full = fitElasticNetLogistic(x, y, { alpha: 0.5 });
    const cut = fitElasticNetLogistic(x, y, { alpha: 0.5, maxit: 40 });
    assert.ok(cut.lambda.length < full.lambda.length);
    assert.equal(cut.warnings.length, 1);
    assert.match(cut.warnings[0]!, /not reached after maxit = 40 sweeps; the path is cut there/);
    for (let m = 0; m < cut.lambda.length; m++) assert.deepEqual(cut.beta[m], full.beta[m]);
    assert.deepEqual(full.warnings, []);
  });

  it('rejects data it cannot fit, saying what is wrong', () => {
    const good = matrixFromRows([
      [1, 2],
      [2, 1],
      [3, 5],
      [4, 3],
      [5, 4],
    ]);
    const yGood = [0, 1, 0, 1, 1];
    assert.throws(
      () => fitElasticNetLogistic(createMatrix(0, 2), []),
      /training set is empty \(x has 0 rows\)/,
    );
    assert.throws(() => fitElasticNetLogistic(createMatrix(5, 0), yGood), /no predictor columns/);
    assert.throws(
      () => fitElasticNetLogistic(good, [0, 0, 0, 0, 0]),
      /0 positive \(1\) and 5 negative \(0\) cases/,
    );
    assert.throws(
      () => fitElasticNetLogistic(good, [1, 1, 1, 1, 1]),
      /5 positive \(1\) and 0 negative/,
    );
    const withNaN = createMatrix(5, 2, good.data.slice());
    withNaN.data[5 + 3] = NaN;
    assert.throws(
      () => fitElasticNetLogistic(withNaN, yGood, { columnNames: ['a', 'b'] }),
      /x column "b" row 3 \(0-based\) is NaN/,
    );
    assert.throws(() => fitElasticNetLogistic(good, [0, 1, NaN, 1, 0]), /y row 2 .* is NaN/);
    assert.throws(() => fitElasticNetLogistic(good, [0, 1, 2, 1, 0]), /outcomes must be 0 or 1/);
    assert.throws(() => fitElasticNetLogistic(good, [0, 1]), /y has 2 values but x has 5 rows/);
    assert.throws(
      () => fitElasticNetLogistic(matrixFromColumns([[1, 1, 1, 1, 1]]), yGood),
      /every predictor column is constant/,
    );
    assert.throws(() => fitElasticNetLogistic(good, yGood, { alpha: 2 }), /alpha must be in/);
    assert.throws(
      () => fitElasticNetLogistic(good, yGood, { weights: [1, 1, -1, 1, 1] }),
      /weights row 2 .* is -1/,
    );
    assert.throws(() => fitElasticNetLogistic(good, yGood, { lambda: [] }), /lambda is empty/);
    assert.throws(
      () => fitElasticNetLogistic(good, yGood, { lambdaMinRatio: 1 }),
      /lambdaMinRatio must be in \(0, 1\)/,
    );
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  auc,
  averagePrecision,
  binomialDeviance,
  brierScore,
  calibrationByDecile,
} from '../../../src/core/stats/metrics.js';

const close = (a: number, b: number, tol = 1e-12): void =>
  assert.ok(Math.abs(a - b) <= tol, `${a} is not ${b}`);

describe('metrics', () => {
  it('auc: share of positive-negative pairs ordered right, ties counting half', () => {
    // Positives score 0.35 and 0.8, negatives 0.1 and 0.4: 3 of 4 pairs in order.
    close(auc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1]), 0.75);
    // 0.5 (positive) against 0.5 (negative) is a tie: (0.5 + 1 + 2) / 4.
    close(auc([0.5, 0.5, 0.2, 0.9], [1, 0, 0, 1]), 0.875);
    close(auc([1, 2, 3], [0, 0, 1]), 1);
    close(auc([3, 2, 1], [0, 0, 1]), 0);
    close(auc([7, 7, 7, 7], [0, 1, 0, 1]), 0.5);
    // Only the order matters.
    close(auc([-10, 40, 35, 80], [0, 0, 1, 1]), 0.75);
    assert.ok(Number.isNaN(auc([0.2, 0.3], [0, 0])));
    assert.ok(Number.isNaN(auc([], [])));
  });

  it('averagePrecision: precision at each threshold weighted by the recall gained there', () => {
    // Thresholds 0.8 (P 1, R 1/2), 0.4 (no gain), 0.35 (P 2/3, R 1): 1/2 + 1/2 x 2/3.
    close(averagePrecision([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1]), 5 / 6);
    // Tied scores enter together: 0.9 (P 1, R 1/2), then 0.5 x 2 (P 2/3, R 1).
    close(averagePrecision([0.5, 0.5, 0.2, 0.9], [1, 0, 0, 1]), 5 / 6);
    close(averagePrecision([0.9, 0.1], [1, 0]), 1);
    // All tied: the base rate.
    close(averagePrecision([1, 1, 1, 1], [1, 0, 0, 0]), 0.25);
    assert.ok(Number.isNaN(averagePrecision([0.3, 0.2], [0, 0])));
  });

  it('brierScore: mean squared error of the probabilities', () => {
    close(brierScore([0.1, 0.9, 0.8, 0.3], [0, 1, 1, 0]), 0.0375);
    close(brierScore([0.2, 0.2, 0.2, 0.2, 0.2], [1, 0, 0, 0, 0]), 0.16);
    assert.throws(
      () => brierScore([1.2], [1]),
      /forecast 0 \(0-based\) is 1.2; expected a probability/,
    );
  });

  it('calibrationByDecile: equal-count groups from the lowest forecasts up', () => {
    const bins = calibrationByDecile([0.3, 0.1, 0.7, 0.2, 0.6, 0.4], [1, 0, 1, 0, 1, 0], 2);
    assert.equal(bins.length, 2);
    assert.deepEqual(
      bins.map((b) => [b.decile, b.count, b.positives, b.minPredicted, b.maxPredicted]),
      [
        [1, 3, 1, 0.1, 0.3],
        [2, 3, 2, 0.4, 0.7],
      ],
    );
    close(bins[0]!.meanPredicted, 0.2);
    close(bins[0]!.observed, 1 / 3);
    close(bins[1]!.meanPredicted, 1.7 / 3);
    close(bins[1]!.observed, 2 / 3);
    // 25 forecasts in deciles: sizes 2 or 3, all rows used once, deciles 1..10.
    const p = Array.from({ length: 25 }, (_, i) => i / 25);
    const y = p.map((_, i) => (i % 4 === 0 ? 1 : 0));
    const deciles = calibrationByDecile(p, y);
    assert.deepEqual(
      deciles.map((b) => b.decile),
      [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
    );
    assert.equal(
      deciles.reduce((s, b) => s + b.count, 0),
      25,
    );
    assert.ok(deciles.every((b) => b.count === 2 || b.count === 3));
    // Fewer forecasts than groups: only the non-empty groups are listed.
    assert.equal(calibrationByDecile([0.5, 0.1, 0.9], [0, 0, 1]).length, 3);
    assert.deepEqual(calibrationByDecile([], []), []);
  });

  it('binomialDeviance: -2 x weighted log-likelihood, optionally clamped', () => {
    close(binomialDeviance([0.8, 0.3], [1, 0]), -2 * (Math.log(0.8) + Math.log(0.7)));
    close(
      binomialDeviance([0.8, 0.3], [1, 0], { weights: [2, 1] }),
      -2 * (2 * Math.log(0.8) + Math.log(0.7)),
    );
    assert.equal(binomialDeviance([1, 0], [1, 0]), 0);
    assert.equal(binomialDeviance([1], [0]), Infinity);
    close(binomialDeviance([1], [0], { clamp: 1e-5 }), -2 * Math.log(1e-5), 1e-9);
  });

  it('rejects mismatched or invalid input, naming the position', () => {
    assert.throws(() => auc([0.1, 0.2], [1]), /auc: 2 forecasts but 1 outcomes/);
    assert.throws(() => auc([0.1, NaN], [1, 0]), /auc: forecast 1 \(0-based\) is NaN/);
    assert.throws(
      () => averagePrecision([0.1, 0.2], [1, 2]),
      /outcome 1 \(0-based\) is 2; outcomes must be 0 or 1/,
    );
    assert.throws(() => calibrationByDecile([0.1], [1], 0), /bins must be a whole number >= 1/);
    assert.throws(() => binomialDeviance([0.5], [1], { weights: [-1] }), /weight 0 .* is -1/);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  column,
  createMatrix,
  entry,
  matrixFromColumns,
  matrixFromRows,
  selectRows,
} from '../../../src/core/stats/matrix.js';
import { solverExp } from '../../../src/core/stats/logistic-path-solver.js';
import { createRandom, randomInt, shuffleInPlace } from '../../../src/core/stats/random.js';

describe('Matrix', () => {
  it('stores column by column', () => {
    const m = matrixFromRows([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    assert.equal(m.rows, 2);
    assert.equal(m.cols, 3);
    assert.deepEqual(Array.from(m.data), [1, 4, 2, 5, 3, 6]);
    assert.equal(entry(m, 1, 2), 6);
    assert.deepEqual(Array.from(column(m, 1)), [2, 5]);
    assert.deepEqual(
      matrixFromColumns([
        [1, 4],
        [2, 5],
        [3, 6],
      ]),
      m,
    );
    assert.deepEqual(Array.from(selectRows(m, [1, 1, 0]).data), [4, 4, 1, 5, 5, 2, 6, 6, 3]);
  });

  it('rejects inconsistent shapes', () => {
    assert.throws(
      () => createMatrix(2, 2, new Float64Array(3)),
      /3 entries, expected rows \* cols = 4/,
    );
    assert.throws(() => matrixFromRows([[1, 2], [3]]), /row 1 has 1 entries, expected 2/);
    assert.throws(() => createMatrix(-1, 2), /whole numbers >= 0/);
  });
});

describe('random', () => {
  it('repeats its stream for a seed and spreads draws over [0, 1)', () => {
    const a = createRandom(42);
    const b = createRandom(42);
    const draws = Array.from({ length: 1000 }, () => a());
    assert.deepEqual(
      draws,
      Array.from({ length: 1000 }, () => b()),
    );
    assert.ok(draws.every((u) => u >= 0 && u < 1));
    const mean = draws.reduce((s, u) => s + u, 0) / draws.length;
    assert.ok(Math.abs(mean - 0.5) < 0.05);
    assert.notEqual(createRandom(43)(), createRandom(42)());
  });

  it('shuffles in place into a permutation', () => {
    const values = Int32Array.from({ length: 50 }, (_, i) => i);
    shuffleInPlace(values, createRandom(1));
    assert.deepEqual(
      Array.from(values).sort((x, y) => x - y),
      Array.from({ length: 50 }, (_, i) => i),
    );
    assert.notDeepEqual(
      Array.from(values),
      Array.from({ length: 50 }, (_, i) => i),
    );
    const r = createRandom(5);
    for (let k = 0; k < 100; k++) {
      const v = randomInt(r, 3);
      assert.ok(v === 0 || v === 1 || v === 2);
    }
  });
});

describe('solverExp', () => {
  it('is within 2 ulp of exp over the range the solver uses', () => {
    const random = createRandom(3);
    let worst = 0;
    for (let k = 0; k < 200000; k++) {
      const x = (2 * random() - 1) * 21;
      const e = Math.exp(x);
      worst = Math.max(worst, Math.abs(solverExp(x) - e) / e);
    }
    for (const x of [0, -0, 1e-300, Math.LN2, -Math.LN2, 20.72, -20.72]) {
      worst = Math.max(worst, Math.abs(solverExp(x) / Math.exp(x) - 1));
    }
    assert.ok(worst < 2 * Number.EPSILON, `relative error ${worst}`);
  });
});

import { createMatrix, type Matrix } from '../../../src/core/stats/matrix.js';
import { createRandom, randomNormal } from '../../../src/core/stats/random.js';

/** A seeded logistic data set with mixed predictor types, for tests. */
export interface SyntheticData {
  x: Matrix;
  y: Float64Array;
  names: string[];
}

/**
 * `n` rows of: two correlated normals, a skewed positive variable on a large scale (like
 * population), a 0/1 indicator, a three-level factor coded 0/1/2, a variable on a tiny scale,
 * a constant column, and a pure-noise normal; the outcome is drawn from a logistic model with
 * a rare-ish base rate. Deterministic for a given seed.
 */
export function syntheticLogistic(n: number, seed: number): SyntheticData {
  const random = createRandom(seed);
  const names = ['z1', 'z2', 'size', 'flag', 'level', 'tiny', 'constant', 'noise'];
  const x = createMatrix(n, names.length);
  const y = new Float64Array(n);
  const col = (j: number): Float64Array => x.data.subarray(j * n, (j + 1) * n);
  for (let i = 0; i < n; i++) {
    const z1 = randomNormal(random);
    const z2 = 0.6 * z1 + 0.8 * randomNormal(random);
    const size = Math.exp(10 + 1.5 * randomNormal(random));
    const flag = random() < 0.3 ? 1 : 0;
    const level = Math.floor(random() * 3);
    const tiny = 1e-3 * randomNormal(random);
    col(0)[i] = z1;
    col(1)[i] = z2;
    col(2)[i] = size;
    col(3)[i] = flag;
    col(4)[i] = level;
    col(5)[i] = tiny;
    col(6)[i] = 4.2;
    col(7)[i] = randomNormal(random);
    const eta =
      -2.2 +
      0.9 * z1 -
      0.5 * z2 +
      0.3 * Math.log(size / 22026) +
      0.8 * flag -
      0.4 * level +
      300 * tiny;
    y[i] = random() < 1 / (1 + Math.exp(-eta)) ? 1 : 0;
  }
  return { x, y, names };
}

/**
 * Seeded pseudo-random numbers, so every random choice in the statistics (fold assignment,
 * synthetic test data) can be reproduced from its seed.
 *
 * The generator is Mulberry32 (Tommy Ettinger, public domain): a 32-bit state advanced by the
 * constant 0x6d2b79f5 and scrambled by two multiply-xorshift rounds; period 2^32, which is
 * ample for shuffling a few thousand rows. Small, fast and widely used in JavaScript; it is
 * not a cryptographic generator, and its streams differ from R's `set.seed` (pass R's fold
 * ids explicitly to reproduce an R run).
 */

/** A source of uniform numbers in [0, 1) with 32 bits of randomness each. */
export type Random = () => number;

/**
 * A Mulberry32 generator started from `seed` (any number; it is reduced to 32 bits with
 * `seed >>> 0`, so seeds 1 and 2^32 + 1 give the same stream).
 */
export function createRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A whole number drawn uniformly from 0..n-1 (n >= 1). */
export function randomInt(random: Random, n: number): number {
  return Math.floor(random() * n);
}

/** A standard normal draw (Box-Muller; uses two uniforms per call). */
export function randomNormal(random: Random): number {
  const u = 1 - random(); // in (0, 1], so the log is finite
  const v = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** Shuffles `values` in place (Fisher-Yates, from the last element down) and returns it. */
export function shuffleInPlace<T extends { [index: number]: unknown; length: number }>(
  values: T,
  random: Random,
): T {
  for (let i = values.length - 1; i > 0; i--) {
    const j = randomInt(random, i + 1);
    const tmp = values[i];
    values[i] = values[j];
    values[j] = tmp;
  }
  return values;
}

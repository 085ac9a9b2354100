/**
 * The numerical core of elastic-net-logistic.ts: glmnet's two-class coordinate-descent path
 * solver (glmnet 4.1, glmnetpp's binomial two-class point and path solvers), working on
 * standardised predictors. Internal to src/core/stats; the public API and its documentation
 * are in elastic-net-logistic.ts.
 */

/** glmnet.control() factory defaults. */
const FDEV = 1e-5;
const DEVMAX = 0.999;
const EPS = 1e-6;
const BIG = 9.9e35;
const MNLAM = 5;
const PMIN = 1e-9;

/** Thrown when the sweep limit `maxit` is reached; caught by PathSolver.run. */
class MaxIterationsReached extends Error {}

/** Raw path output on the standardised scale, coefficients stored for the active set only. */
export interface PathOutput {
  lmu: number;
  maxitAt: number;
  lambdaMax: number;
  lambda: Float64Array;
  a0: Float64Array;
  devRatio: Float64Array;
  active: Int32Array[];
  coef: Float64Array[];
}

// Kernels of the solver. Loops are unrolled by four with separate partial sums: V8 does not
// vectorise, and this halves the time of the coordinate updates on the EWP data.

/** a . x[off .. off + n) */
function dotDense(a: Float64Array, x: Float64Array, off: number, n: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let i = 0;
  for (; i + 3 < n; i += 4) {
    const o = off + i;
    s0 += a[i]! * x[o]!;
    s1 += a[i + 1]! * x[o + 1]!;
    s2 += a[i + 2]! * x[o + 2]!;
    s3 += a[i + 3]! * x[o + 3]!;
  }
  for (; i < n; i++) s0 += a[i]! * x[off + i]!;
  return s0 + s1 + (s2 + s3);
}

/** r -= d * v * x[off .. off + n) */
function axpyDense(
  r: Float64Array,
  v: Float64Array,
  x: Float64Array,
  off: number,
  n: number,
  d: number,
): void {
  let i = 0;
  for (; i + 3 < n; i += 4) {
    const o = off + i;
    r[i] = r[i]! - d * (v[i]! * x[o]!);
    r[i + 1] = r[i + 1]! - d * (v[i + 1]! * x[o + 1]!);
    r[i + 2] = r[i + 2]! - d * (v[i + 2]! * x[o + 2]!);
    r[i + 3] = r[i + 3]! - d * (v[i + 3]! * x[o + 3]!);
  }
  for (; i < n; i++) r[i] = r[i]! - d * (v[i]! * x[off + i]!);
}

/**
 * r -= d * v * x[off .. off + n), returning the new r . x[off2 .. off2 + n): one pass instead
 * of two when the next coordinate is also dense. Same sums, in the same order, as dotDense.
 */
function axpyDotDense(
  r: Float64Array,
  v: Float64Array,
  x: Float64Array,
  off: number,
  off2: number,
  n: number,
  d: number,
): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let i = 0;
  for (; i + 3 < n; i += 4) {
    const o = off + i;
    const o2 = off2 + i;
    const r0 = r[i]! - d * (v[i]! * x[o]!);
    const r1 = r[i + 1]! - d * (v[i + 1]! * x[o + 1]!);
    const r2 = r[i + 2]! - d * (v[i + 2]! * x[o + 2]!);
    const r3 = r[i + 3]! - d * (v[i + 3]! * x[o + 3]!);
    r[i] = r0;
    r[i + 1] = r1;
    r[i + 2] = r2;
    r[i + 3] = r3;
    s0 += r0 * x[o2]!;
    s1 += r1 * x[o2 + 1]!;
    s2 += r2 * x[o2 + 2]!;
    s3 += r3 * x[o2 + 3]!;
  }
  for (; i < n; i++) {
    const r0 = r[i]! - d * (v[i]! * x[off + i]!);
    r[i] = r0;
    s0 += r0 * x[off2 + i]!;
  }
  return s0 + s1 + (s2 + s3);
}

/** sum over e in [start, end) of a[idx[e]] * val[e] */
function dotSparse(
  a: Float64Array,
  idx: Int32Array,
  val: Float64Array,
  start: number,
  end: number,
): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let e = start;
  for (; e + 3 < end; e += 4) {
    s0 += a[idx[e]!]! * val[e]!;
    s1 += a[idx[e + 1]!]! * val[e + 1]!;
    s2 += a[idx[e + 2]!]! * val[e + 2]!;
    s3 += a[idx[e + 3]!]! * val[e + 3]!;
  }
  for (; e < end; e++) s0 += a[idx[e]!]! * val[e]!;
  return s0 + s1 + (s2 + s3);
}

/** r[idx[e]] -= d * v[idx[e]] * val[e] for e in [start, end) */
function axpySparse(
  r: Float64Array,
  v: Float64Array,
  idx: Int32Array,
  val: Float64Array,
  start: number,
  end: number,
  d: number,
): void {
  let e = start;
  for (; e + 3 < end; e += 4) {
    const i0 = idx[e]!;
    const i1 = idx[e + 1]!;
    const i2 = idx[e + 2]!;
    const i3 = idx[e + 3]!;
    r[i0] = r[i0]! - d * (v[i0]! * val[e]!);
    r[i1] = r[i1]! - d * (v[i1]! * val[e + 1]!);
    r[i2] = r[i2]! - d * (v[i2]! * val[e + 2]!);
    r[i3] = r[i3]! - d * (v[i3]! * val[e + 3]!);
  }
  for (; e < end; e++) {
    const i = idx[e]!;
    r[i] = r[i]! - d * (v[i]! * val[e]!);
  }
}

/** sum over runs u in [u0, u1) of val[u] * (a[start[u]] + ... + a[end[u] - 1]) */
function dotRuns(
  a: Float64Array,
  start: Int32Array,
  end: Int32Array,
  val: Float64Array,
  u0: number,
  u1: number,
): number {
  let s = 0;
  for (let u = u0; u < u1; u++) {
    const e = end[u]!;
    let i = start[u]!;
    let s0 = 0;
    let s1 = 0;
    for (; i + 1 < e; i += 2) {
      s0 += a[i]!;
      s1 += a[i + 1]!;
    }
    if (i < e) s0 += a[i]!;
    s += val[u]! * (s0 + s1);
  }
  return s;
}

/** r[i] -= d * val[u] * v[i] for every row i of every run u in [u0, u1) */
function axpyRuns(
  r: Float64Array,
  v: Float64Array,
  start: Int32Array,
  end: Int32Array,
  val: Float64Array,
  u0: number,
  u1: number,
  d: number,
): void {
  for (let u = u0; u < u1; u++) {
    const c = d * val[u]!;
    const e = end[u]!;
    let i = start[u]!;
    for (; i + 1 < e; i += 2) {
      r[i] = r[i]! - c * v[i]!;
      r[i + 1] = r[i + 1]! - c * v[i + 1]!;
    }
    if (i < e) r[i] = r[i]! - c * v[i]!;
  }
}

/** q += c0 x[o0 ..] + c1 x[o1 ..] + c2 x[o2 ..] + c3 x[o3 ..] over n rows. */
function addColumns4(
  q: Float64Array,
  x: Float64Array,
  n: number,
  o0: number,
  c0: number,
  o1: number,
  c1: number,
  o2: number,
  c2: number,
  o3: number,
  c3: number,
): void {
  for (let i = 0; i < n; i++) {
    q[i] = q[i]! + (c0 * x[o0 + i]! + c1 * x[o1 + i]! + (c2 * x[o2 + i]! + c3 * x[o3 + i]!));
  }
}

/** q += c x[o ..] over n rows. */
function addColumn(q: Float64Array, x: Float64Array, n: number, o: number, c: number): void {
  for (let i = 0; i < n; i++) q[i] = q[i]! + c * x[o + i]!;
}

const EXP_ROUND = 6755399441055744; // 1.5 * 2^52: adding and subtracting rounds to an integer
const EXP_INV_STEP = 64 / Math.LN2;
const EXP_STEP_HI = 6.9314718036912382e-1 / 64; // ln2 split in two for exact reduction
const EXP_STEP_LO = 1.9082149292705877e-10 / 64;
const EXP_FRACTION = Float64Array.from({ length: 64 }, (_, j) => Math.pow(2, j / 64));
const EXP_POW2 = Float64Array.from({ length: 81 }, (_, m) => Math.pow(2, m - 40));

/**
 * exp(x) for |x| <= 21, within 2 ulp: the solver's probabilities (beyond logit +-20.7 they are
 * clamped before this is called). Math.exp is a call out of optimised code and costs ~20 ns
 * in the IRLS loop; this costs ~5 ns. x = (64 m + j) ln2/64 + r with |r| <= ln2/128, so
 * exp(x) = 2^m 2^(j/64) e^r, with e^r by its Taylor polynomial of degree 5 (error < 4e-17).
 */
export function solverExp(x: number): number {
  const kd = x * EXP_INV_STEP + EXP_ROUND - EXP_ROUND;
  const k = kd | 0;
  const r = x - kd * EXP_STEP_HI - kd * EXP_STEP_LO;
  const e = 1 + r * (1 + r * (0.5 + r * (1 / 6 + r * (1 / 24 + r * (1 / 120)))));
  return EXP_POW2[(k >> 6) + 40]! * (EXP_FRACTION[k & 63]! * e);
}

/** How a standardised column is stored: every value. */
const DENSE = 0;
/** Base value plus the rows that differ from it, as (row, deviation) pairs. */
const SPARSE = 1;
/** Base value plus runs of consecutive rows sharing one deviation (start, end, deviation). */
const RUNS = 2;

// Relative costs (per row or per run, for a coordinate's gradient plus its update) of the three
// layouts, tuned on the EWP data (sorted by country and year, so country-level predictors come
// in long runs); each column takes the cheapest.
const COST_DENSE_ROW = 2.3;
const COST_SPARSE_ROW = 3;
const COST_RUN = 8;
const COST_RUN_ROW = 1.2;

/**
 * The state of glmnet's two-class point solver, kept across the path for warm starts.
 * Columns of `x` are standardised, column-major; `w` sums to 1.
 *
 * The arithmetic is glmnet's, organised to touch less memory:
 * - Each column is held as `base + deviations`, `base` being the value of more than half its
 *   rows (0 if none), in the cheapest of three layouts: every value (DENSE), the rows off the
 *   base as (row, deviation) pairs (SPARSE), or runs of consecutive rows sharing a deviation
 *   (RUNS: a country-level 0/1 indicator in data sorted by country is a few dozen runs).
 * - The working residual r = w (y - p) - v (change of the linear predictor) is held as
 *   `rr - t v`, so the part of a change that moves every row alike (a column's base times its
 *   coefficient change, and intercept changes) costs one addition to `t`, not a pass over rows.
 * - When two dense columns are updated one after the other, the residual update of the first
 *   and the gradient of the second share one pass.
 * Only the order of floating-point additions differs from glmnet, so the iterations, their
 * number and the results agree with glmnet's to rounding.
 */
export class PathSolver {
  /** Coefficients (standardised scale) and intercept; bs, bs0: their values before this WLS. */
  readonly b: Float64Array;
  b0 = 0;
  readonly bs: Float64Array;
  bs0 = 0;
  /** v-weighted sum of squares of each candidate column (the coordinate's curvature). */
  readonly xv: Float64Array;
  /** v-weighted sum of each candidate column's deviations from its base (dense: of the column). */
  readonly vs: Float64Array;
  /** |gradient| of each predictor when last computed (strong rule and KKT check). */
  readonly ga: Float64Array;
  /** Candidate set, as flags and as a list in column order. */
  readonly strong: Uint8Array;
  readonly strongList: Int32Array;
  nstrong = 0;
  /** Predictors that have ever had a non-zero coefficient, in order of entry. */
  readonly isActive: Uint8Array;
  readonly active: Int32Array;
  nin = 0;
  /** Residual r = rr - t * v, with sumRR = sum(rr). */
  rr: Float64Array;
  t = 0;
  sumRR = 0;
  /** rr . x_k computed ahead by a fused update of the previous coordinate (-1: none). */
  pendingK = -1;
  pendingDot = 0;
  v: Float64Array;
  readonly q: Float64Array;
  /** Buffers for the next working weights and residual, swapped in by updateIrls. */
  spareV: Float64Array;
  spareR: Float64Array;
  /** Room for a list of columns. */
  readonly denseScratch: Int32Array;
  /** Sum of the working weights v (the intercept's curvature). */
  xmz = 0;
  /** Negative log-likelihood (per unit weight) of the intercept-only model; dev0 adds the
   * saturated model's (0 for 0/1 outcomes): the null deviance / (2 W). */
  dev1 = 0;
  dev0 = 0;
  /** Convergence threshold thresh x dev0; largest curvature x squared change of this sweep. */
  thr: number;
  dlx = 0;
  /** Sweeps so far over the whole path (glmnet's nlp / npasses). */
  nlp = 0;
  /** Whether every observation has the same weight (the usual case: no weights given). */
  readonly equalWeights: boolean;
  readonly fmax = Math.log(1 / PMIN - 1);
  readonly fmin = -Math.log(1 / PMIN - 1);
  readonly vmin = (1 + PMIN) * PMIN * (1 - PMIN);
  /** Column layout: kind and base value of each column. */
  readonly kind: Uint8Array;
  readonly base: Float64Array;
  /** SPARSE columns: entries spStart[k] .. spStart[k + 1] of (spIdx row, spVal deviation). */
  readonly spStart: Int32Array;
  readonly spIdx: Int32Array;
  readonly spVal: Float64Array;
  /** RUNS columns: runs runCol[k] .. runCol[k + 1] of rows runStart .. runEnd - 1, runVal. */
  readonly runCol: Int32Array;
  readonly runStart: Int32Array;
  readonly runEnd: Int32Array;
  readonly runVal: Float64Array;

  constructor(
    readonly n: number,
    readonly p: number,
    readonly x: Float64Array,
    readonly y: Float64Array,
    readonly w: Float64Array,
    readonly ju: Uint8Array,
    thresh: number,
    readonly maxit: number,
    readonly intercept: boolean,
  ) {
    this.b = new Float64Array(p);
    this.bs = new Float64Array(p);
    this.xv = new Float64Array(p);
    this.vs = new Float64Array(p);
    this.ga = new Float64Array(p);
    this.strong = new Uint8Array(p);
    this.strongList = new Int32Array(p);
    this.isActive = new Uint8Array(p);
    this.active = new Int32Array(p);
    this.rr = new Float64Array(n);
    this.v = new Float64Array(n);
    this.spareV = new Float64Array(n);
    this.spareR = new Float64Array(n);
    this.q = new Float64Array(n);
    this.denseScratch = new Int32Array(p);
    this.equalWeights = w.every((wi) => wi === w[0]);

    // Column layout: base = the value of more than half the rows if there is one, else 0.
    this.kind = new Uint8Array(p);
    this.base = new Float64Array(p);
    const entries = new Int32Array(p);
    const runs = new Int32Array(p);
    for (let k = 0; k < p; k++) {
      if (!ju[k]) continue;
      const off = k * n;
      // Boyer-Moore majority vote: the only value that can fill more than half the rows.
      let cand = x[off]!;
      let votes = 0;
      for (let i = 0; i < n; i++) {
        const z = x[off + i]!;
        if (votes === 0) {
          cand = z;
          votes = 1;
        } else if (z === cand) votes++;
        else votes--;
      }
      let count = 0;
      for (let i = 0; i < n; i++) if (x[off + i] === cand) count++;
      const c0 = 2 * count > n ? cand : 0;
      let nnz = 0;
      let nruns = 0;
      for (let i = 0; i < n; i++) {
        const z = x[off + i]!;
        if (z === c0) continue;
        nnz++;
        if (i === 0 || x[off + i - 1] !== z) nruns++;
      }
      const dense = COST_DENSE_ROW * n;
      const sparse = COST_SPARSE_ROW * nnz;
      const run = COST_RUN * nruns + COST_RUN_ROW * nnz;
      if (run < dense && run <= sparse) {
        this.kind[k] = RUNS;
        runs[k] = nruns;
      } else if (sparse < dense) {
        this.kind[k] = SPARSE;
        entries[k] = nnz;
      } else continue;
      this.base[k] = c0;
    }
    this.spStart = new Int32Array(p + 1);
    this.runCol = new Int32Array(p + 1);
    let nEntries = 0;
    let nRuns = 0;
    for (let k = 0; k < p; k++) {
      this.spStart[k] = nEntries;
      this.runCol[k] = nRuns;
      nEntries += entries[k]!;
      nRuns += runs[k]!;
    }
    this.spStart[p] = nEntries;
    this.runCol[p] = nRuns;
    this.spIdx = new Int32Array(nEntries);
    this.spVal = new Float64Array(nEntries);
    this.runStart = new Int32Array(nRuns);
    this.runEnd = new Int32Array(nRuns);
    this.runVal = new Float64Array(nRuns);
    for (let k = 0; k < p; k++) {
      const off = k * n;
      const c0 = this.base[k]!;
      if (this.kind[k] === SPARSE) {
        let e = this.spStart[k]!;
        for (let i = 0; i < n; i++) {
          const z = x[off + i]!;
          if (z === c0) continue;
          this.spIdx[e] = i;
          this.spVal[e] = z - c0;
          e++;
        }
      } else if (this.kind[k] === RUNS) {
        let u = this.runCol[k]! - 1;
        for (let i = 0; i < n; i++) {
          const z = x[off + i]!;
          if (z === c0) continue;
          if (i === 0 || x[off + i - 1] !== z) {
            u++;
            this.runStart[u] = i;
            this.runVal[u] = z - c0;
          }
          this.runEnd[u] = i + 1;
        }
      }
    }

    let q0 = 0;
    for (let i = 0; i < n; i++) q0 += w[i]! * y[i]!;
    if (q0 <= PMIN || q0 >= 1 - PMIN) {
      throw new RangeError(
        `cannot fit: the weighted share of positive cases is ${q0}, outside (${PMIN}, ${1 - PMIN})`,
      );
    }
    if (!intercept) q0 = 0.5;
    const bz = intercept ? Math.log(q0 / (1 - q0)) : 0;
    const vi = q0 * (1 - q0);
    this.b0 = bz;
    let sumR = 0;
    for (let i = 0; i < n; i++) {
      const wi = w[i]!;
      this.v[i] = vi * wi;
      const ri = wi * (y[i]! - q0);
      this.rr[i] = ri;
      sumR += ri;
      this.q[i] = q0;
    }
    this.sumRR = sumR;
    this.xmz = vi;
    this.dev1 = -(bz * q0 + Math.log(1 - q0));
    let dev0 = this.dev1;
    for (let i = 0; i < n; i++) {
      const yi = y[i]!;
      const wi = w[i]!;
      if (yi > 0) dev0 += wi * yi * Math.log(yi);
      if (yi < 1) dev0 += wi * (1 - yi) * Math.log(1 - yi);
    }
    this.dev0 = dev0;
    this.thr = thresh * dev0;
    for (let k = 0; k < p; k++) {
      if (ju[k]) this.ga[k] = Math.abs(this.freshGrad(k));
    }
  }

  /** rr . (x_k - base_k) for a SPARSE or RUNS column. */
  deviationDot(k: number): number {
    if (this.kind[k] === RUNS) {
      const { runStart, runEnd, runVal, runCol } = this;
      return dotRuns(this.rr, runStart, runEnd, runVal, runCol[k]!, runCol[k + 1]!);
    }
    return dotSparse(this.rr, this.spIdx, this.spVal, this.spStart[k]!, this.spStart[k + 1]!);
  }

  /** r . x_k when the residual is materialised (t = 0). */
  freshGrad(k: number): number {
    if (this.kind[k] === DENSE) return dotDense(this.rr, this.x, k * this.n, this.n);
    return this.base[k]! * this.sumRR + this.deviationDot(k);
  }

  run(nlam: number, flmin: number, ulam: Float64Array, alpha: number): PathOutput {
    const { p, ju, ga } = this;
    const out: PathOutput = {
      lmu: 0,
      maxitAt: -1,
      lambdaMax: 0,
      lambda: new Float64Array(nlam),
      a0: new Float64Array(nlam),
      devRatio: new Float64Array(nlam),
      active: [],
      coef: [],
    };
    const alf = flmin < 1 ? Math.pow(Math.max(EPS, flmin), 1 / (nlam - 1)) : 1;
    const mnl = Math.min(MNLAM, nlam);
    let lmax = 0;
    for (let j = 0; j < p; j++) if (ju[j]) lmax = Math.max(lmax, ga[j]!);
    out.lambdaMax = lmax / Math.max(alpha, 1e-3);

    let lmdaCurr = 0;
    for (let m = 0; m < nlam; m++) {
      let alm0 = lmdaCurr;
      let alm: number;
      if (flmin >= 1) alm = ulam[m]!;
      else if (m > 1) alm = alm0 * alf;
      else if (m === 0) alm = BIG;
      else {
        alm0 = 0;
        for (let j = 0; j < p; j++) if (ju[j]) alm0 = Math.max(alm0, ga[j]!);
        alm0 /= Math.max(alpha, 1e-3);
        alm = alm0 * alf;
      }
      lmdaCurr = alm;
      try {
        this.irls(alm * alpha, alm * (1 - alpha), alpha * (2 * alm - alm0));
      } catch (e) {
        if (e instanceof MaxIterationsReached) {
          out.maxitAt = m;
          out.lambda[m] = alm;
          return out;
        }
        throw e;
      }
      // Store the point (active set only, in order of entry, like glmnet).
      const nin = this.nin;
      const act = this.active.slice(0, nin);
      const coef = new Float64Array(nin);
      for (let l = 0; l < nin; l++) coef[l] = this.b[act[l]!]!;
      out.active.push(act);
      out.coef.push(coef);
      out.a0[m] = this.b0;
      out.lambda[m] = alm;
      const devi = this.modelDeviance();
      const dr = (this.dev1 - devi) / this.dev0;
      out.devRatio[m] = dr;
      const prev = m === 0 ? 0 : out.devRatio[m - 1]!;
      out.lmu = m + 1;
      if (out.lmu < mnl || flmin >= 1) continue;
      if (dr - prev < FDEV || dr > DEVMAX) break;
      if (this.xmz <= this.vmin) break;
    }
    return out;
  }

  /** Weighted negative log-likelihood of the current probabilities (glmnet's dev2). */
  modelDeviance(): number {
    const { n, w, y, q } = this;
    const pmax = 1 - PMIN;
    if (this.equalWeights) {
      // One log per ~10^280 of likelihood instead of one per row: the factors are >= PMIN, so
      // the running product stays a normal number.
      let logSum = 0;
      let prod = 1;
      for (let i = 0; i < n; i++) {
        const pi = Math.min(Math.max(PMIN, q[i]!), pmax);
        prod *= y[i] === 1 ? pi : 1 - pi;
        if (prod < 1e-280) {
          logSum += Math.log(prod);
          prod = 1;
        }
      }
      return -w[0]! * (logSum + Math.log(prod));
    }
    let s = 0;
    for (let i = 0; i < n; i++) {
      const pi = Math.min(Math.max(PMIN, q[i]!), pmax);
      // y is 0 or 1, so one of glmnet's two terms is zero.
      s -= w[i]! * (y[i] === 1 ? Math.log(pi) : Math.log(1 - pi));
    }
    return s;
  }

  /** Fits one penalty: l1 = lambda * alpha, l2 = lambda * (1 - alpha), tlam = strong-rule bar. */
  irls(l1: number, l2: number, tlam: number): void {
    const { p, ju, ga, strong } = this;
    for (let k = 0; k < p; k++) {
      if (strong[k] || !ju[k]) continue;
      if (ga[k]! > tlam) strong[k] = 1;
    }
    for (;;) {
      if (this.nlp > this.maxit) throw new MaxIterationsReached();
      this.setupWls();
      this.wls(l1, l2);
      if (this.updateIrls(l1)) break;
    }
  }

  /** Start of a weighted least squares problem: saves the coefficients, computes curvatures. */
  setupWls(): void {
    const { n, p, x, v, xv, vs, strong, strongList, b, bs, active, kind, base } = this;
    const { spIdx, spVal, spStart, runCol, runStart, runEnd, runVal } = this;
    const xmz = this.xmz;
    this.bs0 = this.b0;
    for (let l = 0; l < this.nin; l++) {
      const k = active[l]!;
      bs[k] = b[k]!;
    }
    let ns = 0;
    for (let k = 0; k < p; k++) {
      if (!strong[k]) continue;
      strongList[ns++] = k;
      let s1 = 0;
      let s2 = 0;
      if (kind[k] === DENSE) {
        const off = k * n;
        let t1 = 0;
        let t2 = 0;
        let i = 0;
        for (; i + 1 < n; i += 2) {
          const z0 = x[off + i]!;
          const z1 = x[off + i + 1]!;
          const vz0 = v[i]! * z0;
          const vz1 = v[i + 1]! * z1;
          s1 += vz0;
          s2 += vz0 * z0;
          t1 += vz1;
          t2 += vz1 * z1;
        }
        for (; i < n; i++) {
          const z = x[off + i]!;
          const vz = v[i]! * z;
          s1 += vz;
          s2 += vz * z;
        }
        s1 += t1;
        xv[k] = s2 + t2;
      } else {
        if (kind[k] === RUNS) {
          const u1 = runCol[k + 1]!;
          for (let u = runCol[k]!; u < u1; u++) {
            const e = runEnd[u]!;
            let sv = 0;
            for (let i = runStart[u]!; i < e; i++) sv += v[i]!;
            const z = runVal[u]!;
            const vz = sv * z;
            s1 += vz;
            s2 += vz * z;
          }
        } else {
          const end = spStart[k + 1]!;
          for (let e = spStart[k]!; e < end; e++) {
            const z = spVal[e]!;
            const vz = v[spIdx[e]!]! * z;
            s1 += vz;
            s2 += vz * z;
          }
        }
        const c0 = base[k]!;
        xv[k] = c0 * c0 * xmz + 2 * c0 * s1 + s2;
      }
      vs[k] = s1;
    }
    this.nstrong = ns;
  }

  wls(l1: number, l2: number): void {
    for (;;) {
      if (this.sweep(this.strongList, this.nstrong, l1, l2)) return;
      while (!this.sweep(this.active, this.nin, l1, l2));
    }
  }

  /**
   * One coordinate-descent sweep over `order[0..len)` (the candidate set for a full sweep, the
   * active set for a partial one) and the intercept; true when converged.
   */
  sweep(order: Int32Array, len: number, l1: number, l2: number): boolean {
    this.nlp++;
    this.dlx = 0;
    this.pendingK = -1;
    for (let j = 0; j < len; j++) {
      this.updateCoordinate(order[j]!, j + 1 < len ? order[j + 1]! : -1, l1, l2);
    }
    this.updateIntercept();
    if (this.dlx < this.thr) return true;
    if (this.nlp > this.maxit) throw new MaxIterationsReached();
    return false;
  }

  /** glmnet's coordinate update of beta_k; `next` is the coordinate visited after it (or -1). */
  updateCoordinate(k: number, next: number, l1: number, l2: number): void {
    const { b, xv, vs, rr, v, kind } = this;
    const t = this.t;
    let gk: number;
    if (kind[k] === DENSE) {
      const dot = this.pendingK === k ? this.pendingDot : dotDense(rr, this.x, k * this.n, this.n);
      gk = dot - t * vs[k]!;
    } else {
      gk = this.base[k]! * (this.sumRR - t * this.xmz) + this.deviationDot(k) - t * vs[k]!;
    }
    this.pendingK = -1;
    const bk = b[k]!;
    const xvk = xv[k]!;
    const u = gk + bk * xvk;
    const au = Math.abs(u) - l1;
    const nb = au > 0 ? (u < 0 ? -au : au) / (xvk + l2) : 0;
    if (nb === bk) return;
    b[k] = nb;
    if (!this.isActive[k]) {
      this.isActive[k] = 1;
      this.active[this.nin++] = k;
    }
    const d = nb - bk;
    const dd = xvk * d * d;
    if (dd > this.dlx) this.dlx = dd;
    this.sumRR -= d * vs[k]!;
    if (kind[k] === DENSE) {
      const n = this.n;
      if (next >= 0 && kind[next] === DENSE) {
        this.pendingDot = axpyDotDense(rr, v, this.x, k * n, next * n, n, d);
        this.pendingK = next;
      } else {
        axpyDense(rr, v, this.x, k * n, n, d);
      }
    } else {
      this.t = t + d * this.base[k]!;
      if (kind[k] === RUNS) {
        const { runStart, runEnd, runVal, runCol } = this;
        axpyRuns(rr, v, runStart, runEnd, runVal, runCol[k]!, runCol[k + 1]!, d);
      } else {
        axpySparse(rr, v, this.spIdx, this.spVal, this.spStart[k]!, this.spStart[k + 1]!, d);
      }
    }
  }

  updateIntercept(): void {
    if (!this.intercept) return;
    const xmz = this.xmz;
    const d = (this.sumRR - this.t * xmz) / xmz;
    if (d === 0) return;
    this.b0 += d;
    const dd = xmz * d * d;
    if (dd > this.dlx) this.dlx = dd;
    this.t += d;
  }

  /** Refreshes probabilities and working weights; true when this penalty is done. */
  updateIrls(l1: number): boolean {
    const { n, p, x, y, w, q, b, bs, xv, active, ju, ga, strong } = this;
    const { kind, base, spIdx, spVal, spStart, runCol, runStart, runEnd, runVal } = this;
    const nin = this.nin;
    // Linear predictor, accumulated column by column (q holds it until transformed).
    let shift = this.b0;
    for (let l = 0; l < nin; l++) {
      const k = active[l]!;
      if (kind[k] !== DENSE) shift += b[k]! * base[k]!;
    }
    q.fill(shift);
    // Dense columns four at a time, to read and write q once per four columns.
    const dense = this.denseScratch;
    let nd = 0;
    for (let l = 0; l < nin; l++) {
      const k = active[l]!;
      if (kind[k] === DENSE && b[k] !== 0) dense[nd++] = k;
    }
    let g = 0;
    for (; g + 3 < nd; g += 4) {
      const k0 = dense[g]!;
      const k1 = dense[g + 1]!;
      const k2 = dense[g + 2]!;
      const k3 = dense[g + 3]!;
      addColumns4(q, x, n, k0 * n, b[k0]!, k1 * n, b[k1]!, k2 * n, b[k2]!, k3 * n, b[k3]!);
    }
    for (; g < nd; g++) {
      const k = dense[g]!;
      addColumn(q, x, n, k * n, b[k]!);
    }
    for (let l = 0; l < nin; l++) {
      const k = active[l]!;
      const bk = b[k]!;
      if (bk === 0 || kind[k] === DENSE) continue;
      {
        if (kind[k] === RUNS) {
          const u1 = runCol[k + 1]!;
          for (let u = runCol[k]!; u < u1; u++) {
            const c = bk * runVal[u]!;
            const e = runEnd[u]!;
            for (let i = runStart[u]!; i < e; i++) q[i] = q[i]! + c;
          }
        } else {
          const end = spStart[k + 1]!;
          for (let e = spStart[k]!; e < end; e++) {
            const i = spIdx[e]!;
            q[i] = q[i]! + bk * spVal[e]!;
          }
        }
      }
    }
    // New probabilities, working weights and residual, into spare buffers.
    const { fmin, fmax } = this;
    const vNew = this.spareV;
    const rNew = this.spareR;
    let xmz = 0;
    let sumR = 0;
    for (let i = 0; i < n; i++) {
      const fi = q[i]!;
      const qi = fi < fmin ? 0 : fi > fmax ? 1 : 1 / (1 + solverExp(-fi));
      q[i] = qi;
      const wi = w[i]!;
      const vi = wi * qi * (1 - qi);
      vNew[i] = vi;
      xmz += vi;
      const ri = wi * (y[i]! - qi);
      rNew[i] = ri;
      sumR += ri;
    }
    const vOld = this.v;
    this.v = vNew;
    this.spareV = vOld;
    if (xmz <= this.vmin) {
      // Saturated fit: glmnet stops here and keeps the residual of the last sweep.
      const rr = this.rr;
      const t = this.t;
      if (t !== 0) for (let i = 0; i < n; i++) rr[i] = rr[i]! - t * vOld[i]!;
      this.sumRR -= t * this.xmz;
      this.t = 0;
      this.xmz = xmz;
      return true;
    }
    this.xmz = xmz;
    this.spareR = this.rr;
    this.rr = rNew;
    this.t = 0;
    this.sumRR = sumR;

    const thr = this.thr;
    const d0 = this.b0 - this.bs0;
    let moved = xmz * d0 * d0 > thr;
    for (let l = 0; l < nin && !moved; l++) {
      const k = active[l]!;
      const d = b[k]! - bs[k]!;
      moved = xv[k]! * d * d > thr;
    }
    if (moved) return false;
    // KKT check on every predictor outside the candidate set.
    let violated = false;
    for (let k = 0; k < p; k++) {
      if (strong[k] || !ju[k]) continue;
      const g = Math.abs(this.freshGrad(k));
      ga[k] = g;
      if (g > l1) {
        strong[k] = 1;
        violated = true;
      }
    }
    return !violated;
  }
}

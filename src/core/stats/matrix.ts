/**
 * A dense matrix of doubles stored column by column (column-major, as R and Fortran
 * store them): entry (i, j) is `data[j * rows + i]`, rows and columns 0-based.
 * Column-major keeps each predictor contiguous, which is what coordinate descent reads.
 */
export interface Matrix {
  /** Number of rows (observations), >= 0. */
  readonly rows: number;
  /** Number of columns (predictors), >= 0. */
  readonly cols: number;
  /** `rows * cols` entries, column after column. */
  readonly data: Float64Array;
}

/**
 * A `rows` x `cols` matrix. Without `data` it is filled with zeros; with `data` (column-major,
 * length `rows * cols`) the array is used as is, not copied.
 */
export function createMatrix(rows: number, cols: number, data?: Float64Array): Matrix {
  if (!Number.isInteger(rows) || rows < 0 || !Number.isInteger(cols) || cols < 0) {
    throw new RangeError(`matrix size must be whole numbers >= 0, got ${rows} x ${cols}`);
  }
  if (data !== undefined && data.length !== rows * cols) {
    throw new RangeError(
      `matrix data has ${data.length} entries, expected rows * cols = ${rows * cols}`,
    );
  }
  return { rows, cols, data: data ?? new Float64Array(rows * cols) };
}

/** A matrix from an array of rows (each row an array of the same length). */
export function matrixFromRows(rows: readonly (readonly number[])[]): Matrix {
  const n = rows.length;
  const p = n === 0 ? 0 : (rows[0] as readonly number[]).length;
  const m = createMatrix(n, p);
  for (let i = 0; i < n; i++) {
    const row = rows[i] as readonly number[];
    if (row.length !== p) {
      throw new RangeError(`row ${i} has ${row.length} entries, expected ${p} like row 0`);
    }
    for (let j = 0; j < p; j++) m.data[j * n + i] = row[j] as number;
  }
  return m;
}

/** A matrix from an array of columns (each of the same length). */
export function matrixFromColumns(columns: readonly ArrayLike<number>[]): Matrix {
  const p = columns.length;
  const n = p === 0 ? 0 : (columns[0] as ArrayLike<number>).length;
  const m = createMatrix(n, p);
  for (let j = 0; j < p; j++) {
    const col = columns[j] as ArrayLike<number>;
    if (col.length !== n) {
      throw new RangeError(`column ${j} has ${col.length} entries, expected ${n} like column 0`);
    }
    m.data.set(col, j * n);
  }
  return m;
}

/** Entry (i, j), 0-based. */
export function entry(m: Matrix, i: number, j: number): number {
  return m.data[j * m.rows + i] as number;
}

/** Column `j` as a view on the matrix's storage (no copy). */
export function column(m: Matrix, j: number): Float64Array {
  return m.data.subarray(j * m.rows, (j + 1) * m.rows);
}

/** A new matrix holding the given rows (0-based indices, in that order). */
export function selectRows(m: Matrix, indices: ArrayLike<number>): Matrix {
  const n = indices.length;
  const out = createMatrix(n, m.cols);
  for (let j = 0; j < m.cols; j++) {
    const src = j * m.rows;
    const dst = j * n;
    for (let i = 0; i < n; i++) out.data[dst + i] = m.data[src + (indices[i] as number)] as number;
  }
  return out;
}

import type { ModelSpec } from './spec.js';

/**
 * A country-year panel laid out for fitting: one row per country-year, predictors as
 * columns (column-major, `NaN` for a missing cell), the outcome and the onset marker
 * (`NaN` when unknown). Rows are sorted by year, then country id.
 */
export interface Panel {
  predictors: readonly string[];
  countryIds: readonly string[];
  years: Int32Array;
  /** Column-major values: predictor j of row i is `x[j * rows + i]`. */
  x: Float64Array;
  y: Float64Array;
  onset: Float64Array;
  rows: number;
}

/** The predictor name that stands for the row's own calendar year (not a stored variable). */
export const YEAR = 'year';

/** One value of a country-year, as loaded from the store (variable without its source prefix). */
export interface PanelValue {
  countryId: string;
  year: number;
  variable: string;
  value: number | null;
}

/** Lays the values of a spec's predictors, outcome and onset out as a `Panel`. */
export function buildPanel(values: Iterable<PanelValue>, spec: ModelSpec): Panel {
  const column = new Map(spec.predictors.map((p, j) => [p, j]));
  const cells = new Map<
    string,
    { countryId: string; year: number; x: number[]; y: number; onset: number }
  >();
  for (const v of values) {
    const key = `${v.year}|${v.countryId}`;
    let cell = cells.get(key);
    if (!cell) {
      cell = {
        countryId: v.countryId,
        year: v.year,
        x: spec.predictors.map(() => NaN),
        y: NaN,
        onset: NaN,
      };
      cells.set(key, cell);
    }
    const value = v.value ?? NaN;
    const j = column.get(v.variable);
    if (j !== undefined) cell.x[j] = value;
    if (v.variable === spec.outcome) cell.y = value;
    if (v.variable === spec.onset) cell.onset = value;
  }
  const sorted = [...cells.values()].sort(
    (a, b) =>
      a.year - b.year || (a.countryId < b.countryId ? -1 : a.countryId > b.countryId ? 1 : 0),
  );
  const rows = sorted.length;
  const p = spec.predictors.length;
  const x = new Float64Array(rows * p);
  const yearColumn = column.get(YEAR);
  sorted.forEach((c, i) => {
    if (yearColumn !== undefined) c.x[yearColumn] = c.year;
    for (let j = 0; j < p; j++) x[j * rows + i] = c.x[j]!;
  });
  return {
    predictors: spec.predictors,
    countryIds: sorted.map((c) => c.countryId),
    years: Int32Array.from(sorted, (c) => c.year),
    x,
    y: Float64Array.from(sorted, (c) => c.y),
    onset: Float64Array.from(sorted, (c) => c.onset),
    rows,
  };
}

/** The first and last year of the panel; throws on an empty panel. */
export function panelYears(panel: Panel): { first: number; last: number } {
  if (panel.rows === 0) throw new Error('the panel is empty');
  return { first: panel.years[0]!, last: panel.years[panel.rows - 1]! };
}

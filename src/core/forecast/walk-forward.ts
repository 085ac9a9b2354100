import type { Panel } from './dataset.js';
import type { LinearModel } from './elastic-net-model.js';
import { fitSpec, predictRisk } from './models.js';
import type { FittedModel } from './models.js';
import type { ModelSpec } from './spec.js';

/** One country's forecast at an origin: probability of an onset within the horizon, and rank (1 = highest). */
export interface ForecastRow {
  countryId: string;
  risk: number;
  rank: number;
}

/** The forecasts of one origin year and the model behind them. */
export interface OriginForecast {
  origin: number;
  model: FittedModel;
  rows: ForecastRow[];
}

/**
 * The forecast of origin `t`: a model fitted on the outcomes known by `t`
 * (years up to `t - horizonYears`) applied to the rows of year `t`. Ranks 1 = highest risk.
 * Throws when year `t` has no row that can be scored.
 */
export function forecastOrigin(panel: Panel, spec: ModelSpec, origin: number): OriginForecast {
  return scoreOrigin(panel, origin, fitSpec(panel, spec, origin - spec.horizonYears));
}

/**
 * The forecasts of a fitted model for the rows of year `origin`, ranked (1 = highest risk,
 * ties by country id). Rows the model cannot score (a missing predictor) are left out; throws
 * when none is left.
 */
export function scoreOrigin(panel: Panel, origin: number, model: FittedModel): OriginForecast {
  const rows: number[] = [];
  for (let i = 0; i < panel.rows; i++) if (panel.years[i] === origin) rows.push(i);
  const risk = predictRisk(panel, model, rows);
  const scored: { countryId: string; risk: number }[] = [];
  rows.forEach((i, r) => {
    if (!Number.isNaN(risk[r]!)) scored.push({ countryId: panel.countryIds[i]!, risk: risk[r]! });
  });
  if (scored.length === 0)
    throw new Error(`origin ${origin}: no country-year of ${origin} has the predictors needed`);
  scored.sort((a, b) => b.risk - a.risk || (a.countryId < b.countryId ? -1 : 1));
  return { origin, model, rows: scored.map((s, k) => ({ ...s, rank: k + 1 })) };
}

/**
 * The change in log-odds of a country from origin `t - 1` to `t` under a linear model, per
 * predictor, split into the part due to the data (the predictor's value moved, at the old
 * coefficient) and the part due to the model (the coefficient moved, at the new value); the
 * intercept's change is the model's. The parts add up exactly to the total change.
 */
export function explainChange(
  predictors: readonly string[],
  before: { model: LinearModel; x: Record<string, number> },
  after: { model: LinearModel; x: Record<string, number> },
): {
  total: number;
  intercept: number;
  terms: { predictor: string; data: number; model: number; total: number }[];
} {
  const terms = predictors.map((name) => {
    const b0 = before.model.coefficients[name] ?? 0;
    const b1 = after.model.coefficients[name] ?? 0;
    const x0 = before.x[name] ?? 0;
    const x1 = after.x[name] ?? 0;
    const data = b0 * (x1 - x0);
    const model = (b1 - b0) * x1;
    return { predictor: name, data, model, total: data + model };
  });
  const intercept = after.model.intercept - before.model.intercept;
  const total = intercept + terms.reduce((s, t) => s + t.total, 0);
  return { total, intercept, terms };
}

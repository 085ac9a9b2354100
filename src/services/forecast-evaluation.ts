import type { CountryRegistry } from '../core/countries/registry.js';
import { evaluateForecasts, parseForecastCsv } from '../core/forecast/evaluate.js';
import type { EvaluationReport } from '../core/forecast/evaluate.js';
import { InputError } from '../core/errors.js';
import type { Store } from '../store/database.js';
import { observationsAsOf } from '../store/observations-repository.js';

/** Where onsets come from: the EWP outcome panel, else the prepared predictors' marker. */
const ONSET_VARIABLES = ['ewp-base:mk_onset', 'ewp-predictors:mk_onset'];

/**
 * Evaluates forecast CSVs (the first is the system under test, the rest comparisons) against
 * the mass-killing onsets in the store, on the same country-years (see `evaluateForecasts`).
 */
export async function evaluateForecastFiles(
  store: Store,
  registry: CountryRegistry,
  files: { file: string; text: string }[],
  period: { from: number; to: number },
): Promise<EvaluationReport> {
  if (period.from > period.to)
    throw new InputError(`invalid period ${period.from}-${period.to}`, { expected: 'FROM ≤ TO' });
  const sets = files.map((f) => ({ file: f.file, rows: parseForecastCsv(f.text, f.file) }));
  const values = await observationsAsOf(store, {
    variables: ONSET_VARIABLES,
    asOf: '9999-12-31',
    fromYear: period.from - 2,
    toYear: period.to,
  });
  const onsets = new Map<string, boolean>();
  for (const source of ONSET_VARIABLES) {
    for (const v of values) {
      if (v.variable !== source || v.value === null) continue;
      const key = `${v.countryId}|${v.year}`;
      if (!onsets.has(key)) onsets.set(key, v.value > 0);
    }
  }
  if (onsets.size === 0) {
    throw new InputError('the store has no mass-killing onsets to evaluate against', {
      expected: 'an import of ewp-base or ewp-predictors first',
    });
  }
  const report = evaluateForecasts(
    sets,
    (ccode, year) => registry.fromCode('cow', ccode, year)?.id,
    (countryId, year) => onsets.get(`${countryId}|${year}`),
    period,
  );
  if (report.countryYears === 0) {
    throw new InputError(
      `no country-year of ${period.from}-${period.to} is scored by every file with a coded outcome`,
      {
        expected:
          'forecasts from origins in the period (or the two years before) and outcome years the data cover',
      },
    );
  }
  return report;
}

import { readCountryYears } from './country-year.js';
import type { CountryYearLayout } from './country-year.js';
import { EWP } from './ewp-common.js';
import type { SourceDescriptor } from './types.js';

/**
 * The Early Warning Project's prepared modelling table: one row per country-year, keyed by
 * COW code (`ccode`) and the project's country name (`ewp_name`). Every other column (the
 * predictors, `year_sq`, and the outcomes `mk_onset`, `mk_onset_1`, `mk_onset_2`,
 * `mk_onset_1or2`) is a value under its own name; `year` is the observation year only.
 */
const layout: CountryYearLayout = {
  year: 'year',
  keys: [
    { column: 'ccode', system: 'cow' },
    { column: 'ewp_name', system: 'name' },
  ],
  required: ['mk_onset_1or2'],
};

/** EWP prepared predictors (`prepared…predictors….csv`). */
export const ewpPredictors: SourceDescriptor = {
  kind: 'ewp-predictors',
  title: 'Early Warning Project prepared predictors (country-year)',
  ...EWP,
  signature: ['ewp_name', 'year', 'ccode', 'mk_onset_1or2'],
  readObservations: (path, onProgress) => readCountryYears(path, layout, onProgress),
};

import { readCountryYears } from './country-year.js';
import type { CountryYearLayout } from './country-year.js';
import { EWP } from './ewp-common.js';
import type { SourceDescriptor } from './types.js';

/**
 * The Early Warning Project's base data: the mass-killing outcome panel by country-year.
 * The first column is R's unnamed row index and is ignored. Keys: `ccode` (COW), then the
 * names `ewp_name` and `country`. `mk_ongoing_code` (episode codes, e.g. `; afg1978s1`) and
 * `mk_ethnicflag` (a `;`-separated list) are text and not read; every other column (counts,
 * flags, `datastartyear`, `independence_year`, …) is a value under its own name.
 */
const layout: CountryYearLayout = {
  year: 'year',
  keys: [
    { column: 'ccode', system: 'cow' },
    { column: 'ewp_name', system: 'name' },
    { column: 'country', system: 'name' },
  ],
  label: 'ewp_name',
  text: ['mk_ongoing_code', 'mk_ethnicflag'],
  required: ['mk_onset_count', 'mk_ongoing_count'],
};

/** EWP base data (`basedata….csv`). */
export const ewpBase: SourceDescriptor = {
  kind: 'ewp-base',
  title: 'Early Warning Project base data (mass-killing country-years)',
  ...EWP,
  signature: ['year', 'country', 'ccode', 'ewp_name', 'mk_onset_count', 'mk_ongoing_count'],
  readObservations: (path, onProgress) => readCountryYears(path, layout, onProgress),
};

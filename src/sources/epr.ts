import { readCountryYears } from './country-year.js';
import type { CountryYearLayout } from './country-year.js';
import type { SourceDescriptor } from './types.js';

/**
 * EPR country-year aggregates (the GROWup "power access" country-level download), keyed by
 * Gleditsch-Ward code `countries_gwid` and `countryname`. Every numeric column (group counts,
 * population shares `lpop`, `exclpop`, `discrimpop`, …, `nstar`) is a value.
 *
 * `cntr_relevance` is text, encoded as a number under its own name: `R` → 1, `P` → 0. `R`
 * rows are countries where EPR codes politically relevant ethnic groups; in the file every
 * `P` row has zero relevant groups (`rlvt_groups_count` 0) and zero excluded population, so
 * 0 reads as "ethnicity not politically relevant". Any other letter is an InputError.
 */
const layout: CountryYearLayout = {
  year: 'year',
  keys: [
    { column: 'countries_gwid', system: 'gw' },
    { column: 'countryname', system: 'name' },
  ],
  encoders: {
    cntr_relevance: {
      encode: (text) => (text === 'R' ? 1 : text === 'P' ? 0 : text === '' ? null : undefined),
      expected: '"R" (ethnicity politically relevant) or "P"',
    },
  },
  required: [],
};

/**
 * Ethnic Power Relations, country-year aggregates. Publication lag: EPR Core is revised every
 * two to three years and each release ends a year or two before its publication (the 2021
 * release via GROWup covers to 2020/2021), so about 24 months.
 */
export const epr: SourceDescriptor = {
  kind: 'epr',
  title: 'Ethnic Power Relations (EPR) country-year aggregates',
  publisher: 'International Conflict Research group, ETH Zurich (EPR Core, GROWup platform)',
  licence: 'Free for academic and non-commercial use; cite the EPR dataset family article.',
  citation:
    'Vogt, Manuel, Nils-Christian Bormann, Seraina Rüegger, Lars-Erik Cederman, Philipp Hunziker and Luc Girardin (2015). Integrating Data on Ethnicity, Geography, and Conflict: The Ethnic Power Relations Data Set Family. Journal of Conflict Resolution 59(7): 1327–42.',
  url: 'https://growup.ethz.ch/rfe',
  version: 'EPR Core 2021',
  publicationLagMonths: 24,
  signature: ['countries_gwid', 'year', 'exclpop', 'discrimpop'],
  readObservations: (path, onProgress) => readCountryYears(path, layout, onProgress),
};

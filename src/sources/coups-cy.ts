import { readCountryYears } from './country-year.js';
import type { CountryYearLayout } from './country-year.js';
import type { SourceDescriptor } from './types.js';

/**
 * Any coup attempt by country-year (`ccode` COW, `country`, `year`, `cou.any` 0/1), as the
 * Early Warning Project compiles it: Powell & Thyne from 1950, the Center for Systemic Peace
 * coup list for 1945–1949. The file lists only coup years (and 1945); absent years are not
 * zeros until the importer says so.
 */
const layout: CountryYearLayout = {
  year: 'year',
  keys: [
    { column: 'ccode', system: 'cow' },
    { column: 'country', system: 'name' },
  ],
  required: [],
};

/**
 * Coup attempts, country-year (EWP compilation). Publication lag: compiled once a year with
 * the EWP assessment, so about 9 months like the other EWP files.
 */
export const coupsCountryYear: SourceDescriptor = {
  kind: 'coups-cy',
  title: 'Coup attempts by country-year (EWP compilation of Powell & Thyne and CSP)',
  publisher:
    'Early Warning Project (USHMM and Dartmouth College), from Powell & Thyne and the Center for Systemic Peace',
  licence:
    'Free to use with attribution: cite Powell and Thyne (2011) and the Early Warning Project.',
  citation:
    'Powell, Jonathan M. and Clayton L. Thyne (2011). Global Instances of Coups from 1950 to 2010: A New Dataset. Journal of Peace Research 48(2): 249–259; compiled by the Early Warning Project, https://github.com/EarlyWarningProject/2025-Statistical-Risk-Assessment',
  url: 'https://github.com/EarlyWarningProject/2025-Statistical-Risk-Assessment',
  version: '2025 assessment',
  publicationLagMonths: 9,
  signature: ['ccode', 'year', 'cou.any'],
  readObservations: (path, onProgress) => readCountryYears(path, layout, onProgress),
};

import { readCountryYears } from './country-year.js';
import type { CountryYearLayout } from './country-year.js';
import type { SourceDescriptor } from './types.js';

/**
 * Powell & Thyne coups as a Gleditsch-Ward country-year panel (`gwcode`, `year`, then
 * `pt_attempt`, `pt_coup`, `pt_failed`, their counts, 5- and 10-year sums and years since
 * the last event). The file has no names: rows are labelled by their code. Every column but
 * `gwcode` and `year` is a value.
 */
const layout: CountryYearLayout = {
  year: 'year',
  keys: [{ column: 'gwcode', system: 'gw' }],
  required: [],
};

/**
 * Powell & Thyne Global Instances of Coups, country-year. Publication lag: the authors update
 * the event list within weeks of a coup attempt, so about 1 month.
 */
export const coupsPowellThyne: SourceDescriptor = {
  kind: 'coups-pt',
  title: 'Powell & Thyne coups, Gleditsch-Ward country-year',
  publisher:
    'Jonathan M. Powell (University of Central Florida) and Clayton L. Thyne (University of Kentucky)',
  licence: 'Free to use with citation of Powell and Thyne (2011).',
  citation:
    'Powell, Jonathan M. and Clayton L. Thyne (2011). Global Instances of Coups from 1950 to 2010: A New Dataset. Journal of Peace Research 48(2): 249–259.',
  url: 'http://www.uky.edu/~clthyn2/coup_data/home.htm',
  version: '2025',
  publicationLagMonths: 1,
  signature: ['gwcode', 'year', 'pt_attempt', 'pt_coup', 'pt_failed'],
  readObservations: (path, onProgress) => readCountryYears(path, layout, onProgress),
};

import { readCountryYears } from './country-year.js';
import type { CountryYearLayout } from './country-year.js';
import type { SourceDescriptor } from './types.js';

/**
 * The V-Dem variables the Early Warning Project derives for its model (binary and ordinal
 * recodes such as `pol_killing_approved`, `partyban.new.0`, `minorityrule`), by COW code
 * (`COWcode`, `country_name`, `year`). `sftgcode` is a text code and not a value.
 */
const layout: CountryYearLayout = {
  year: 'year',
  keys: [
    { column: 'COWcode', system: 'cow' },
    { column: 'country_name', system: 'name' },
  ],
  text: ['sftgcode'],
  required: ['pol_killing_approved', 'partyban.new.0', 'v2csgender_binary'],
};

/**
 * EWP's V-Dem derived variables. Publication lag: the EWP recomputes them each year from the
 * March V-Dem release, so about 9 months like the other EWP files.
 */
export const vdemEwp: SourceDescriptor = {
  kind: 'vdem-ewp',
  title: 'V-Dem variables derived by the Early Warning Project',
  publisher: 'Early Warning Project (USHMM and Dartmouth College), from V-Dem',
  licence:
    'V-Dem data are CC BY-SA 4.0; derived variables are shared under the same terms with attribution to V-Dem and the Early Warning Project.',
  citation:
    'Coppedge, Michael et al. V-Dem Country-Year Dataset v14. Varieties of Democracy (V-Dem) Project, 2024; recoded by the Early Warning Project, https://github.com/EarlyWarningProject/2025-Statistical-Risk-Assessment',
  url: 'https://github.com/EarlyWarningProject/2025-Statistical-Risk-Assessment',
  version: '2025 assessment',
  publicationLagMonths: 9,
  signature: ['COWcode', 'country_name', 'year', 'pol_killing_approved', 'partyban.new.0'],
  readObservations: (path, onProgress) => readCountryYears(path, layout, onProgress),
};

import { readCountryYears } from './country-year.js';
import type { CountryYearLayout } from './country-year.js';
import type { SourceDescriptor } from './types.js';

/**
 * Whether a country is party to the First Optional Protocol to the ICCPR (individual
 * complaints), by country-year: `year`, `country`, `ccode` (COW), `ios.iccpr1` (0/1).
 */
const layout: CountryYearLayout = {
  year: 'year',
  keys: [
    { column: 'ccode', system: 'cow' },
    { column: 'country', system: 'name' },
  ],
  required: ['ios.iccpr1'],
};

/**
 * ICCPR First Optional Protocol. Publication lag: ratifications appear in the UN Treaty
 * Collection within days, so about 1 month.
 */
export const iccpr: SourceDescriptor = {
  kind: 'iccpr',
  title: 'ICCPR First Optional Protocol participation',
  publisher:
    'United Nations Treaty Collection (status of treaties) and OHCHR, compiled by the Early Warning Project',
  licence: 'UN treaty status information is public; cite the UN Treaty Collection.',
  citation:
    'United Nations Treaty Collection, Chapter IV.5: Optional Protocol to the International Covenant on Civil and Political Rights, status as of 2025. https://treaties.un.org/',
  url: 'https://treaties.un.org/Pages/ViewDetails.aspx?src=TREATY&mtdsg_no=IV-5&chapter=4',
  version: '2025',
  publicationLagMonths: 1,
  signature: ['country', 'year', 'ccode', 'ios.iccpr1'],
  readObservations: (path, onProgress) => readCountryYears(path, layout, onProgress),
};

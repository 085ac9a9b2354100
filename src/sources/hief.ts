import { readCountryYears } from './country-year.js';
import type { CountryYearLayout } from './country-year.js';
import type { SourceDescriptor } from './types.js';

/**
 * The Historical Index of Ethnic Fractionalization: `Country` (names only, no codes), `Year`,
 * `EFindex` (0–1). The published file repeats some country-years verbatim (e.g. Argentina
 * 2000 three times); such exact repeats are dropped, a repeat with a different value is an
 * InputError.
 */
const layout: CountryYearLayout = {
  year: 'Year',
  keys: [{ column: 'Country', system: 'name' }],
  required: ['EFindex'],
  duplicates: 'drop-identical',
};

/**
 * HIEF. Publication lag: published once (2019) for 1945–2013, i.e. about 5 years after its
 * last year; we use 60 months, which keeps back-tests from seeing it earlier than that.
 */
export const hief: SourceDescriptor = {
  kind: 'hief',
  title: 'Historical Index of Ethnic Fractionalization (HIEF)',
  publisher: 'Lenka Dražanová, via Harvard Dataverse',
  licence: 'Harvard Dataverse terms (CC0 1.0 waiver); cite the dataset.',
  citation:
    'Dražanová, Lenka (2019). Historical Index of Ethnic Fractionalization Dataset (HIEF). Harvard Dataverse, V1.2. https://doi.org/10.7910/DVN/4JQRCL',
  url: 'https://dataverse.harvard.edu/dataset.xhtml?persistentId=doi:10.7910/DVN/4JQRCL',
  version: 'V1.2',
  publicationLagMonths: 60,
  signature: ['Country', 'Year', 'EFindex'],
  readObservations: (path, onProgress) => readCountryYears(path, layout, onProgress),
};

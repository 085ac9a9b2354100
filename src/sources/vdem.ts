import { readCountryYears } from './country-year.js';
import type { CountryYearLayout } from './country-year.js';
import type { SourceDescriptor } from './types.js';

/**
 * V-Dem's identifier and bookkeeping columns (codebook section "identifier variables"):
 * dates, coding periods, gaps, project flags. They are not observations and are never
 * values, even where they hold numbers.
 */
export const VDEM_METADATA_COLUMNS: ReadonlySet<string> = new Set([
  'country_name',
  'country_text_id',
  'country_id',
  'year',
  'historical_date',
  'project',
  'historical',
  'histname',
  'codingstart',
  'codingend',
  'codingstart_contemp',
  'codingend_contemp',
  'codingstart_hist',
  'codingend_hist',
  'gapstart1',
  'gapstart2',
  'gapstart3',
  'gapend1',
  'gapend2',
  'gapend3',
  'gap_index',
  'COWcode',
]);

/**
 * V-Dem's text variables: names and titles of heads of state and government
 * (`v2exnamhos`, `v2extithos`, `v2exnamhog`, `v2extithog`, and the v3 historical ones) and
 * names of legislative chambers (`v2lgnamelo`, `v2lgnameup`).
 */
const VDEM_TEXT_VARIABLE = /^v\d(?:ex(?:nam|tit)ho[sg]|lgname(?:lo|up))$/;

/**
 * Which V-Dem columns are not values: the metadata columns above and the text variables.
 * Every other column is a numeric variable (estimates, `_osp`, `_ord`, `_codelow`, `_sd`,
 * `_nr`, indices, `e_` external variables) kept under V-Dem's own name. A non-numeric cell
 * in such a column is an InputError naming it, so a text variable added in a later release
 * is noticed rather than silently read as missing; add it here.
 */
export function isVdemTextColumn(column: string): boolean {
  return VDEM_METADATA_COLUMNS.has(column) || VDEM_TEXT_VARIABLE.test(column);
}

/**
 * V-Dem country-year data (CY-Full+Others, or any subset of its columns). Keys: `country_id`
 * (V-Dem id), `country_text_id`, `COWcode` when the file carries it, then `country_name`.
 * Streams: the full release (~400 MB, ~4,600 columns) is never held in memory.
 */
const layout: CountryYearLayout = {
  year: 'year',
  keys: [
    { column: 'country_id', system: 'vdem' },
    { column: 'country_text_id', system: 'vdemText' },
    { column: 'COWcode', system: 'cow', optional: true },
    { column: 'country_name', system: 'name' },
  ],
  text: isVdemTextColumn,
  required: [],
};

/**
 * V-Dem country-year. Publication lag: V-Dem releases each March with data through the
 * previous year, so about 3 months.
 */
export const vdem: SourceDescriptor = {
  kind: 'vdem',
  title: 'V-Dem country-year',
  publisher: 'V-Dem Institute, Department of Political Science, University of Gothenburg',
  licence: 'Creative Commons Attribution-ShareAlike 4.0 (CC BY-SA 4.0).',
  citation:
    'Coppedge, Michael, John Gerring, Carl Henrik Knutsen, Staffan I. Lindberg, Jan Teorell, et al. 2024. "V-Dem [Country-Year/Country-Date] Dataset v14". Varieties of Democracy (V-Dem) Project. https://doi.org/10.23696/mcwt-fr58',
  url: 'https://v-dem.net/data/the-v-dem-dataset/',
  version: 'v14',
  publicationLagMonths: 3,
  signature: ['country_name', 'country_text_id', 'country_id', 'year'],
  readObservations: (path, onProgress) => readCountryYears(path, layout, onProgress),
};

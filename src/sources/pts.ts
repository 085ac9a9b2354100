import { readCountryYears } from './country-year.js';
import type { CountryYearLayout } from './country-year.js';
import type { SourceDescriptor } from './types.js';

/**
 * The Political Terror Scale file, Latin-1 encoded. Keys: `COW_Code_N` (COW number),
 * `WordBank_Code_A` (World Bank code, treated as ISO3: it differs for a few, e.g. `KSV`,
 * `WBG`), `UN_Code_N` (ISO numeric), then the names `Country` and `Country_OLD`. `NA` in a
 * code column means no code. `COW_Code_A` is the COW alphabetic code (not ISO3) and
 * `Region` a region label: text, not read.
 *
 * Values: `PTS_A`, `PTS_H`, `PTS_S` (1–5, from Amnesty International, Human Rights Watch and
 * US State Department reports; `NA` = not scored) and `NA_Status_A/H/S`, kept as the codes
 * the file gives: 0 = scored; 66, 77, 88, 99 explain a missing score (as we read the PTS
 * data: 66 a territory under another state's control, 77 not yet or no longer an
 * independent state, 88 no report on the country that year, 99 a report with too little
 * information to score).
 */
const layout: CountryYearLayout = {
  encoding: 'latin1',
  year: 'Year',
  keys: [
    { column: 'COW_Code_N', system: 'cow' },
    { column: 'WordBank_Code_A', system: 'iso3' },
    { column: 'UN_Code_N', system: 'isoN' },
    { column: 'Country', system: 'name' },
    { column: 'Country_OLD', system: 'name', optional: true },
  ],
  label: 'Country',
  text: ['COW_Code_A', 'Region'],
  required: ['PTS_A', 'PTS_H', 'PTS_S'],
  placeholder: (v) =>
    v.NA_Status_A === 77 && v.NA_Status_H === 77 && v.NA_Status_S === 77
      ? 'PTS placeholder row: status 77 (not an independent state that year) in all three scores'
      : undefined,
  // PTS scores both Yugoslavias in 1991 and 1992; the registry has one Yugoslavia (the
  // Federal Republic, proclaimed in April 1992, continues the state), so for those years the
  // Socialist Federal Republic's row is kept and the other reported.
  yields: (label, year) =>
    label === 'Yugoslavia, Federal Republic of' && year <= 1992
      ? 'scores the Federal Republic before it was proclaimed (April 1992)'
      : undefined,
};

/**
 * Political Terror Scale. Publication lag: scores for a year are coded from reports published
 * in the following spring and released with the next update, 12 months or more after the
 * year ends; we use 12.
 */
export const pts: SourceDescriptor = {
  kind: 'pts',
  title: 'Political Terror Scale',
  publisher:
    'Political Terror Scale project (Gibney, Cornett, Wood, Haschke, Arnon, Pisanò, Barrett, Park)',
  licence: 'Free to use for research and teaching with citation.',
  citation:
    'Gibney, Mark, Linda Cornett, Reed Wood, Peter Haschke, Daniel Arnon, Attilio Pisanò, Gray Barrett and Baekkwan Park (2024). The Political Terror Scale 1976–2023. http://www.politicalterrorscale.org',
  url: 'https://www.politicalterrorscale.org/Data/Download.html',
  version: '2024',
  publicationLagMonths: 12,
  signature: ['Country', 'Year', 'COW_Code_N', 'PTS_A', 'PTS_H', 'PTS_S'],
  readObservations: (path, onProgress) => readCountryYears(path, layout, onProgress),
};

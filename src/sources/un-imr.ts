import { readCountryYears } from './country-year.js';
import type { CountryYearLayout } from './country-year.js';
import type { SourceDescriptor } from './types.js';

/**
 * UN infant mortality (deaths under age one per 1,000 live births), as extracted by the Early
 * Warning Project from World Population Prospects: `iso3c`, `year`, `un_imr`, `ccode` (COW,
 * empty where none). Every column but the keys and year is a value.
 */
const layout: CountryYearLayout = {
  year: 'year',
  keys: [
    { column: 'iso3c', system: 'iso3' },
    { column: 'ccode', system: 'cow', optional: true },
  ],
  required: ['un_imr'],
};

/**
 * UN infant mortality (WPP). Publication lag: World Population Prospects appears every two
 * years (WPP 2024 in July 2024, estimates through 2023), so 7 to 19 months; we use 12.
 */
export const unInfantMortality: SourceDescriptor = {
  kind: 'un-imr',
  title: 'UN infant mortality rate (World Population Prospects)',
  publisher: 'United Nations, Department of Economic and Social Affairs, Population Division',
  licence: 'Creative Commons Attribution 3.0 IGO (CC BY 3.0 IGO).',
  citation:
    'United Nations, Department of Economic and Social Affairs, Population Division (2024). World Population Prospects 2024. https://population.un.org/wpp/',
  url: 'https://population.un.org/wpp/downloads',
  version: 'WPP 2024',
  publicationLagMonths: 12,
  signature: ['iso3c', 'year', 'un_imr'],
  readObservations: (path, onProgress) => readCountryYears(path, layout, onProgress),
};

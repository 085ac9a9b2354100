import { readCountryYears } from './country-year.js';
import type { CountryYearLayout } from './country-year.js';
import { WDI } from './wdi-common.js';
import type { SourceDescriptor } from './types.js';

/**
 * A WDI extract as written by the R `WDI` package (`country, iso2c, iso3c, year`, one column
 * per indicator, here renamed e.g. `wdi.trade.new`) with a COW code column `ccode` added.
 * Keys: `iso3c`, `iso2c` (`NA` there is Namibia, not missing), `ccode` when present, then the
 * World Bank name. Aggregates (regions, income groups) have no ISO3 code and are read like
 * countries; the registry will not match them. Every other column is a value.
 */
const layout: CountryYearLayout = {
  year: 'year',
  keys: [
    { column: 'iso3c', system: 'iso3' },
    { column: 'iso2c', system: 'iso2' },
    { column: 'ccode', system: 'cow', optional: true },
    { column: 'country', system: 'name' },
  ],
  required: [],
};

/** World Development Indicators extract (CSV). */
export const wdi: SourceDescriptor = {
  kind: 'wdi',
  title: 'World Development Indicators extract (CSV)',
  ...WDI,
  url: 'https://data.worldbank.org/indicator',
  version: 'July 2025 update',
  signature: ['country', 'iso2c', 'iso3c', 'year'],
  readObservations: (path, onProgress) => readCountryYears(path, layout, onProgress),
};

import { readCountryYears } from './country-year.js';
import type { CountryYearLayout } from './country-year.js';
import { duplicateError } from './country-year.js';
import type { ObservationRecord, OnProgress, SourceDescriptor } from './types.js';

/**
 * Polity5 regime scores by country-year, keyed by `country` name only (this file carries no
 * codes). Every other column is a value, unchanged: `polity`, `democ`, `autoc` and the
 * component scores keep Polity's special codes as numbers with their codebook meaning,
 * -66 interruption (foreign occupation), -77 interregnum (collapse of central authority),
 * -88 transition; `polity2` is Polity's own version with those codes converted to scores
 * and is kept as is; `change` and `regtrans` use 96–99 for state disintegration,
 * transformation, demise and creation.
 */
const layout: CountryYearLayout = {
  year: 'year',
  keys: [{ column: 'country', system: 'name' }],
  required: ['polity', 'polity2', 'democ', 'autoc'],
  duplicates: 'allow',
};

/** `change` codes that close a polity: 96 state disintegration, 98 state demise. */
const CLOSING_CHANGES: ReadonlySet<number> = new Set([96, 98]);

/**
 * Reads Polity5. Without codes, a state's last year and its successor's first year can share a
 * name and a year (Ethiopia 1993, Yugoslavia 1991), or two names can mean one state that year
 * (Sudan and Sudan-North 2011). Rule: the row that closes a polity (`change` 96 or 98) gives
 * way (`yields`) to another row of the same country-year, since the successor continues into
 * later years; the importer decides once countries are resolved. Two other rows with one name
 * and year are an InputError.
 */
export async function* readPolity5(
  path: string,
  onProgress?: OnProgress,
): AsyncGenerator<ObservationRecord, void, undefined> {
  const emitted = new Map<string, number>();
  const closing = new Map<string, number>();
  for await (const record of readCountryYears(path, layout, onProgress)) {
    const key = `${record.label}\u0001${record.year}`;
    const change = record.values.change;
    const closes = change !== undefined && change !== null && CLOSING_CHANGES.has(change);
    const seen = closes ? closing : emitted;
    const earlier = seen.get(key);
    if (earlier !== undefined)
      throw duplicateError(path, record.label, record.year, earlier, record.line);
    seen.set(key, record.line);
    yield closes
      ? {
          ...record,
          yields: `closes the polity (change ${change}); the successor's row for the year is kept`,
        }
      : record;
  }
}

/**
 * Polity5. Publication lag: Polity IV/5 updates appeared some months into the following year
 * (Polity5 itself, through 2018, only in 2020); we use 12 months.
 */
export const polity5: SourceDescriptor = {
  kind: 'polity5',
  title: 'Polity5 regime scores',
  publisher: 'Center for Systemic Peace',
  licence: 'Free for non-commercial use with citation; commercial use needs permission.',
  citation:
    'Marshall, Monty G. and Ted Robert Gurr (2020). Polity5: Political Regime Characteristics and Transitions, 1800–2018. Center for Systemic Peace. https://www.systemicpeace.org/inscrdata.html',
  url: 'https://www.systemicpeace.org/inscrdata.html',
  version: 'p5v2018',
  publicationLagMonths: 12,
  signature: ['country', 'year', 'polity', 'polity2', 'democ', 'autoc'],
  readObservations: readPolity5,
};

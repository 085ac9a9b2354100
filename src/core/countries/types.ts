/**
 * The code systems a country can be identified by.
 * - `cow`: Correlates of War state number; `gw`: Gleditsch-Ward state number
 * - `iso2`, `iso3`: ISO 3166-1 alpha-2 and alpha-3; `isoN`: ISO 3166-1 numeric (as written, no padding)
 * - `vdem`: V-Dem `country_id`; `vdemText`: V-Dem `country_text_id`
 */
export type CodeSystem = 'cow' | 'gw' | 'iso2' | 'iso3' | 'isoN' | 'vdem' | 'vdemText';

/** Every code system, in the order reports list them. */
export const CODE_SYSTEMS: readonly CodeSystem[] = [
  'cow',
  'gw',
  'iso3',
  'iso2',
  'isoN',
  'vdem',
  'vdemText',
];

/**
 * One code of a country in one system, valid over calendar years `from`..`to` inclusive
 * (absent: unbounded on that side). A code can be reused by several countries in
 * different periods (COW 365 is the Soviet Union until 1991 and Russia from 1992).
 */
export interface CountryCode {
  system: CodeSystem;
  code: string;
  from?: number;
  to?: number;
}

/**
 * A state (or a historical state) as the registry knows it.
 * `id` is the project's own stable key (lower-case slug, e.g. `rus`, `ussr`, `yug`).
 * `from`/`to` are the calendar years of its existence as an independent state, inclusive
 * (`to` absent: still exists).
 */
export interface Country {
  id: string;
  name: string;
  from?: number;
  to?: number;
  codes: CountryCode[];
  /** Other names the sources use for it (matched after normalisation). */
  aliases: string[];
  /** Ids of the states it came from / that took its place (splits, unions, successions). */
  predecessors: string[];
  successors: string[];
}

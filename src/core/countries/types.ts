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
  /** Why the code is listed when a source uses it outside the system's own definition. */
  note?: string;
}

/**
 * Code systems the registry records for the few sources that key on them, beside the main
 * ones. `polity`: the Polity / PITF country number (`ccode` in Polity, `CCODE` in the PITF
 * problem-event files). It is the COW number except where a country lists its own (364 Soviet
 * Union, 769 Pakistan before 1971, 529 Ethiopia after 1993, 525 South Sudan, 626 Sudan after
 * 2011, 347 Yugoslavia 1991-2006, 342 Serbia, 818 Vietnam); lookups fall back to COW.
 */
export type ExtraCodeSystem = 'polity';

/** Every extra code system, in the order reports list them. */
export const EXTRA_CODE_SYSTEMS: readonly ExtraCodeSystem[] = ['polity'];

/** One code in an extra system; validity as for {@link CountryCode}. */
export interface ExtraCountryCode {
  system: ExtraCodeSystem;
  code: string;
  from?: number;
  to?: number;
  /** Why the code is listed. */
  note?: string;
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
  /** Codes in extra systems (see {@link ExtraCodeSystem}); absent when there are none. */
  extraCodes?: ExtraCountryCode[];
  /**
   * Years before the state existed for which sources give it figures (a back-cast under its
   * later code) that stand for a predecessor, the state of those years; absent when none.
   */
  backcastTo?: Backcast[];
  /** A short remark for readers: how the registry delimits the state, what sources do differently. */
  note?: string;
}

/**
 * A state's back-cast figures placed on its predecessor: a row a source gives the state for a
 * year `from`..`to` (inclusive, all before the state existed) is stored under `country`,
 * unless the source has its own row for `country` that year. Recorded only where the
 * predecessor was then (nearly) the successor's territory: Serbia's figures stand for the
 * Federal Republic of Yugoslavia from 1992, not for the Socialist Federal Republic before.
 */
export interface Backcast {
  /** Registry id of the predecessor (listed in `predecessors`). */
  country: string;
  from: number;
  to: number;
  /** Why these years, for readers. */
  note: string;
}

/**
 * A name (and optionally codes) that sources use for something that is not a state: World
 * Bank aggregates and income groups, dependent territories, sub-national units scored apart.
 * Rows carrying it are reported as "not a country" with `reason`, never dropped silently.
 */
export interface NonCountryName {
  name: string;
  reason: string;
  /** Other spellings of the same entry. */
  aliases?: string[];
  /** Codes sources give it (ISO codes of territories, World Bank aggregate codes, V-Dem ids). */
  codes?: { system: CodeSystem; code: string }[];
}

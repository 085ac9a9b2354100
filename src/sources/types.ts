import type { CodeSystem, ExtraCodeSystem } from '../core/countries/types.js';

/**
 * How a row names its country: a code in one of the registry's systems, or a name as the
 * source writes it (`name`). Rows often carry several keys (a COW code and a name);
 * importers try them in order.
 */
export interface CountryKey {
  system: CodeSystem | ExtraCodeSystem | 'name';
  code: string;
}

/**
 * One country-year of numeric values read from a source file.
 * `line` is the 1-based line (CSV) or row (spreadsheet) it came from; for sources the
 * reader aggregates to country-years (UCDP dyads, PITF episode rows), the first line of
 * the group. `values` maps variable names to numbers; `null` means the source has the
 * cell but it is missing (NA, blank), which is stored as "known missing".
 */
export interface ObservationRecord {
  line: number;
  keys: CountryKey[];
  /** The country as the row writes it, for messages and unmatched-row reports. */
  label: string;
  year: number;
  values: Record<string, number | null>;
  /**
   * Set when the source marks the row as standing for no state that year (why, in words):
   * it is reported with the documented non-country rows, not matched or stored.
   */
  placeholder?: string;
  /**
   * Set when the row gives way to another row of the same country-year (why, in words): a
   * verbatim repeat, or a state's closing row in the year its successor begins. The importer
   * stores it only if no other row claims that country-year, and reports it otherwise.
   */
  yields?: string;
}

/**
 * A mass-killing episode as listed by the Early Warning Project.
 * Years are calendar years; `endYear` null means still under way at the end of the data.
 * COW codes: the location and responsible state, each with their inheritor states.
 */
export interface EpisodeRecord {
  line: number;
  code: string;
  name: string;
  summary: string;
  countryLabel: string;
  startYear: number;
  endYear: number | null;
  stateLed: boolean;
  ethnicGroups: number | null;
  locationCow: number[];
  responsibleCow: number[];
}

/** The kinds `lens import` accepts, one per format. */
export type SourceKind =
  | 'ewp-predictors'
  | 'ewp-base'
  | 'ewp-episodes'
  | 'wdi'
  | 'wdi-api'
  | 'vdem'
  | 'vdem-ewp'
  | 'ucdp-brd'
  | 'epr'
  | 'coups-pt'
  | 'coups-cy'
  | 'pts'
  | 'polity5'
  | 'un-imr'
  | 'hief'
  | 'iccpr'
  | 'pitf';

/** Progress callback: bytes read so far out of total bytes (for progress bars). */
export type OnProgress = (done: number, total: number) => void;

/** What every source module exports: who publishes it, how to recognise and read it. */
export interface SourceDescriptor {
  kind: SourceKind;
  /** Short human title, e.g. "V-Dem country-year". */
  title: string;
  publisher: string;
  /** Licence or terms of use, in a sentence. */
  licence: string;
  /** How to cite it. */
  citation: string;
  /** Publisher's public download address used by `lens sync` (configurable). */
  url: string;
  /** Release/version label of the data the reader was written against, e.g. "v14". */
  version: string;
  /**
   * Publication date (`YYYY-MM-DD`) of that release, when known; imports use it as the
   * release date unless told otherwise.
   */
  releasedOn?: string;
  /**
   * Months after the end of an observation year before the publisher typically made that
   * year public. Used to date when a value became available for as-of queries.
   */
  publicationLagMonths: number;
  /**
   * Columns whose presence in the header identifies the format (all must be present).
   * `lens sync --from DIR` recognises files by these, never by file name.
   * Empty for non-tabular formats (they provide `sniff`).
   */
  signature: string[];
  /** For formats without a CSV header (JSON, spreadsheets): does this file look like ours? */
  sniff?: (path: string) => Promise<boolean>;
  /** Read observations (country-year sources). Throws InputError on bad input. */
  readObservations?: (path: string, onProgress?: OnProgress) => AsyncIterable<ObservationRecord>;
  /** Read episodes (the EWP episode list). Throws InputError on bad input. */
  readEpisodes?: (path: string, onProgress?: OnProgress) => AsyncIterable<EpisodeRecord>;
}

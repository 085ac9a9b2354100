import type { Generated } from 'kysely';

/** Table types of the store, as Kysely sees them (column names are snake_case in SQL). */
export interface Schema {
  schema_info: SchemaInfoTable;
  countries: CountriesTable;
  country_codes: CountryCodesTable;
  sources: SourcesTable;
  releases: ReleasesTable;
  variables: VariablesTable;
  observations: ObservationsTable;
  unmatched_rows: UnmatchedRowsTable;
  episodes: EpisodesTable;
  episode_countries: EpisodeCountriesTable;
}

/** Key/value facts about the store itself (e.g. which country registry it mirrors). */
export interface SchemaInfoTable {
  key: string;
  value: string;
}

/** A state (or historical state), mirrored from the country registry. Years inclusive. */
export interface CountriesTable {
  id: string;
  name: string;
  from_year: number | null;
  to_year: number | null;
}

/** One code of a country in one code system, valid over [from_year, to_year]. */
export interface CountryCodesTable {
  country_id: string;
  system: string;
  code: string;
  from_year: number | null;
  to_year: number | null;
}

/** A public data source (one per reader kind). */
export interface SourcesTable {
  kind: string;
  title: string;
  publisher: string;
  licence: string;
  citation: string;
  url: string;
}

/**
 * One vintage of a source: a file as published at some date. `content_hash` (SHA-256 of the
 * file) makes imports idempotent. Dates are ISO `YYYY-MM-DD`; `retrieved_at` and
 * `imported_at` are ISO timestamps.
 */
export interface ReleasesTable {
  id: Generated<number>;
  source_kind: string;
  version: string;
  content_hash: string;
  file_name: string;
  address: string;
  released_on: string;
  retrieved_at: string;
  imported_at: string;
  row_count: number;
  observation_count: number;
  unmatched_count: number;
}

/** A variable, named `<kind>:<column>` (e.g. `vdem:v2x_libdem`). */
export interface VariablesTable {
  id: Generated<number>;
  name: string;
  source_kind: string;
}

/**
 * One value of one variable for one country-year in one release. `value` null means the
 * source lists the cell as missing. `available_from` (`YYYY-MM-DD`) is the first date the
 * value was public: the earlier of the release date and the end of `year` plus the source's
 * publication lag.
 */
export interface ObservationsTable {
  variable_id: number;
  country_id: string;
  year: number;
  release_id: number;
  value: number | null;
  available_from: string;
}

/** A source row that no country could be found for; kept so nothing is dropped silently. */
export interface UnmatchedRowsTable {
  release_id: number;
  line: number;
  label: string;
  keys: string;
  year: number | null;
  reason: string;
  non_country: number;
}

/** A mass-killing episode of one release of the episode list. */
export interface EpisodesTable {
  release_id: number;
  code: string;
  name: string;
  summary: string;
  country_label: string;
  start_year: number;
  end_year: number | null;
  state_led: number;
  ethnic_groups: number | null;
}

/** Where an episode happened (`location`) and who was responsible (`responsible`). */
export interface EpisodeCountriesTable {
  release_id: number;
  episode_code: string;
  role: string;
  position: number;
  cow: number;
  country_id: string | null;
}

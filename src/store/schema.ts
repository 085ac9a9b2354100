import type { Generated } from 'kysely';
import type { IdentitySchema } from './schema-identity.js';
import type { PlanningSchema } from './schema-planning.js';

/** Table types of the store, as Kysely sees them (column names are snake_case in SQL). */
export interface Schema extends PlanningSchema, IdentitySchema {
  schema_info: SchemaInfoTable;
  countries: CountriesTable;
  country_codes: CountryCodesTable;
  sources: SourcesTable;
  releases: ReleasesTable;
  release_copies: ReleaseCopiesTable;
  variables: VariablesTable;
  observations: ObservationsTable;
  unmatched_rows: UnmatchedRowsTable;
  episodes: EpisodesTable;
  episode_countries: EpisodeCountriesTable;
  factor_overrides: FactorOverridesTable;
  event_imports: EventImportsTable;
  event_import_unmatched: EventImportUnmatchedTable;
  events: EventsTable;
  field_reports: FieldReportsTable;
  escalation_status: EscalationStatusTable;
  alerts: AlertsTable;
  webhook_subscriptions: WebhookSubscriptionsTable;
  webhook_deliveries: WebhookDeliveriesTable;
  webhook_attempts: WebhookAttemptsTable;
  elections: ElectionsTable;
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
 * file) and `content_fingerprint` (a digest of its rows as read, the same for the same data in
 * another format; null for releases stored before fingerprints were kept, until their file is
 * seen again) make imports idempotent. Dates are ISO `YYYY-MM-DD`; `retrieved_at` and
 * `imported_at` are ISO timestamps.
 */
export interface ReleasesTable {
  id: Generated<number>;
  source_kind: string;
  version: string;
  content_hash: string;
  content_fingerprint: string | null;
  file_name: string;
  address: string;
  released_on: string;
  retrieved_at: string;
  imported_at: string;
  row_count: number;
  observation_count: number;
  unmatched_count: number;
}

/**
 * A file other than a release's own found to hold the release's content (the same rows and
 * values, e.g. the .xls of a sheet whose .csv was imported), keyed by the SHA-256 of its
 * bytes. `seen_at` is an ISO timestamp.
 */
export interface ReleaseCopiesTable {
  source_kind: string;
  content_hash: string;
  release_id: number;
  file_name: string;
  address: string;
  seen_at: string;
}

/** A variable, named `<kind>:<column>` (e.g. `vdem:v2x_libdem`). */
export interface VariablesTable {
  id: Generated<number>;
  name: string;
  source_kind: string;
}

/**
 * One value of one variable for one country-year in one release. `value` null means the
 * source lists the cell as missing. `available_from` (a day number YYYYMMDD, see
 * `dayNumber`; compact, since it is on every row) is the first date the
 * value was public: the earlier of the release date and the end of `year` plus the source's
 * publication lag.
 */
export interface ObservationsTable {
  variable_id: number;
  country_id: string;
  year: number;
  release_id: number;
  value: number | null;
  available_from: number;
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

/**
 * An analyst's severity (0-4) for one factor of one framework and country, with reason,
 * source, author and time (ISO timestamp). `effective_from` (`YYYY-MM-DD`): assessments
 * as of earlier dates ignore it; `withdrawn_at` set: no longer applies.
 */
/** One election of the calendar (migration 0051). */
export interface ElectionsTable {
  country_id: string;
  /** ISO date of the vote (its first round). */
  date: string;
  type: string;
  source: string;
  /** The file it was imported from, and the line. */
  file: string;
  line: number;
  recorded_at: string;
}

export interface FactorOverridesTable {
  id: Generated<number>;
  framework_id: string;
  country_id: string;
  factor_id: string;
  severity: number;
  reason: string;
  source: string;
  created_by: string;
  created_at: string;
  effective_from: string | null;
  withdrawn_at: string | null;
  organisation: string | null;
  tlp: Generated<string>;
}

/**
 * One imported event file. `content_hash` (SHA-256) makes re-imports of the same file a
 * no-op; `stored` events were written (new or replacing an earlier copy), `new_events` of them
 * were not in the store before, `unmatched` rows named no known country, `skipped` rows are
 * outside the taxonomy (GDELT codes the monitor does not read). `imported_at` ISO timestamp.
 */
export interface EventImportsTable {
  id: Generated<number>;
  kind: string;
  file_name: string;
  address: string;
  content_hash: string;
  rows: number;
  stored: number;
  new_events: number;
  unmatched: number;
  skipped: number;
  imported_at: string;
}

/** An event row whose country could not be identified. */
export interface EventImportUnmatchedTable {
  import_id: number;
  line: number;
  label: string;
  keys: string;
  reason: string;
  non_country: number;
}

/**
 * One event (see `EscalationEvent` in `src/core/escalation/types.ts`), unique by `(source,
 * source_id)`. Dates ISO; `actors` and `sources` JSON arrays; `civilian_targeted` 0/1;
 * `review_state` null for imported events, the field report's state otherwise.
 */
export interface EventsTable {
  id: Generated<number>;
  source: string;
  source_id: string;
  country_id: string;
  date_start: string;
  date_end: string;
  date_precision: string;
  place_name: string | null;
  admin1: string | null;
  admin2: string | null;
  admin3: string | null;
  latitude: number | null;
  longitude: number | null;
  place_precision: string;
  category: string;
  civilian_targeted: number;
  actor1_type: string | null;
  actor1_name: string | null;
  actor2_type: string | null;
  actors: string;
  target_group: string | null;
  deaths_best: number | null;
  deaths_low: number | null;
  deaths_high: number | null;
  accountability: string;
  relates_to: string | null;
  sources: string;
  reliability: string;
  sharing: string;
  review_state: string | null;
  import_id: number | null;
  line: number | null;
  release: string | null;
  reported_by: string | null;
  recorded_at: string;
  notes: string | null;
  /** Owning organisation of a field report or closed-source event (null: public data or unowned). */
  organisation: string | null;
}

/**
 * The review of a field report (its event row holds the content). `candidates` JSON: the
 * likely duplicates found when it was submitted; `duplicate_of` the event key it repeats.
 */
export interface FieldReportsTable {
  event_id: number;
  state: string;
  submitted_by: string;
  submitted_at: string;
  reviewed_by: string | null;
  reviewed_at: string | null;
  review_note: string | null;
  duplicate_of: string | null;
  candidates: string;
}

/** A country's current escalation status; `status` is the full status as JSON. */
export interface EscalationStatusTable {
  country_id: string;
  as_of: string;
  stage: string;
  imminent: number;
  tier: string | null;
  sharing: string;
  rules: string;
  status: string;
  updated_at: string;
}

/**
 * An alert. At most one open (unresolved) alert per `dedup_key` and `scope` (its level and
 * owner, `SHARING/ORGANISATION`); a repeat at the same level for the same owner bumps
 * `occurrences` and `last_seen_at`. `evidence` JSON array of event keys. Times ISO.
 */
export interface AlertsTable {
  id: Generated<number>;
  dedup_key: string;
  kind: string;
  country_id: string;
  stage: string;
  indicator: string | null;
  title: string;
  as_of: string;
  evidence: string;
  sharing: string;
  raised_at: string;
  last_seen_at: string;
  occurrences: number;
  acknowledged_at: string | null;
  acknowledged_by: string | null;
  resolved_at: string | null;
  resolved_by: string | null;
  /** Owning organisation: that of the evidence that sets its TLP level (null: none). */
  organisation: string | null;
  /** `SHARING/ORGANISATION` as raised (organisation empty when none); never changes. */
  scope: Generated<string>;
}

/**
 * A webhook subscriber. `kinds` / `country_ids` JSON arrays (null: all); alerts above
 * `max_sharing` (a TLP level) are not sent.
 */
export interface WebhookSubscriptionsTable {
  id: Generated<number>;
  url: string;
  secret: string;
  kinds: string | null;
  country_ids: string | null;
  max_sharing: string;
  active: number;
  created_at: string;
}

/** One alert to deliver to one subscriber: `pending`, `delivered` or `failed` (gave up). */
export interface WebhookDeliveriesTable {
  id: Generated<number>;
  subscription_id: number;
  alert_id: number;
  status: string;
  attempts: number;
  next_attempt_at: string;
  last_status: number | null;
  last_error: string | null;
  created_at: string;
  delivered_at: string | null;
}

/** The delivery log: one row per HTTP attempt. */
export interface WebhookAttemptsTable {
  delivery_id: number;
  attempt: number;
  attempted_at: string;
  status_code: number | null;
  error: string | null;
  duration_ms: number;
}

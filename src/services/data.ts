import type { CountryRegistry } from '../core/countries/registry.js';
import type { Country } from '../core/countries/types.js';
import { InputError } from '../core/errors.js';
import type { Store } from '../store/database.js';
import { countryObservationsAsOf, observationCoverage } from '../store/observations-repository.js';
import type { KnownValue } from '../store/observations-repository.js';
import { listReleases } from '../store/releases-repository.js';

/** Coverage of one source in the store. Years inclusive; counts over all vintages. */
export interface CoverageRow {
  source: string;
  releases: number;
  latestVersion: string;
  countries: number;
  firstYear: number | null;
  lastYear: number | null;
  variables: number;
  observations: number;
  rows: number;
  /** Rows no country was found for, documented non-country rows (aggregates) apart. */
  unmatched: number;
  nonCountry: number;
}

/** Per source: releases, countries, years, variables, values and unmatched rows. */
export async function dataCoverage(store: Store): Promise<CoverageRow[]> {
  const [coverage, releases, unmatched, episodes] = await Promise.all([
    observationCoverage(store),
    listReleases(store),
    store.db
      .selectFrom('unmatched_rows as u')
      .innerJoin('releases as r', 'r.id', 'u.release_id')
      .select((eb) => ['r.source_kind', 'u.non_country', eb.fn.countAll<number>().as('n')])
      .groupBy(['r.source_kind', 'u.non_country'])
      .execute(),
    store.db
      .selectFrom('episodes as e')
      .innerJoin('releases as r', 'r.id', 'e.release_id')
      .select((eb) => [
        'r.source_kind',
        eb.fn.count<number>('e.release_id').distinct().as('releases'),
        eb.fn.min<number>('e.start_year').as('first_year'),
        eb.fn.max<number>('e.start_year').as('last_year'),
        eb.fn.countAll<number>().as('n'),
      ])
      .groupBy('r.source_kind')
      .execute(),
  ]);
  const kinds = [...new Set(releases.map((r) => r.sourceKind))].sort();
  return kinds.map((kind) => {
    const own = releases.filter((r) => r.sourceKind === kind);
    const c = coverage.find((x) => x.sourceKind === kind);
    const e = episodes.find((x) => x.source_kind === kind);
    const count = (nonCountry: number) =>
      Number(
        unmatched.find((u) => u.source_kind === kind && Number(u.non_country) === nonCountry)?.n ??
          0,
      );
    return {
      source: kind,
      releases: own.length,
      latestVersion: own[own.length - 1]?.version ?? '',
      countries: c?.countries ?? 0,
      firstYear: c?.firstYear ?? (e ? Number(e.first_year) : null),
      lastYear: c?.lastYear ?? (e ? Number(e.last_year) : null),
      variables: c?.variables ?? 0,
      observations: c?.observations ?? Number(e?.n ?? 0),
      rows: own.reduce((sum, r) => sum + r.rowCount, 0),
      unmatched: count(0),
      nonCountry: count(1),
    };
  });
}

/** What `lens data show` prints: the country, the date and the values known then. */
export interface CountryData {
  country: { id: string; name: string; cow?: number; iso3?: string };
  asOf: string;
  year?: number;
  values: KnownValue[];
}

/**
 * The values known for one country on `asOf` (ISO date, default today): for `year` if
 * given, else the latest year of each variable.
 */
export async function showCountryData(
  store: Store,
  registry: CountryRegistry,
  query: string,
  options: { year?: number; asOf?: string; now?: Date },
): Promise<CountryData> {
  const country = findCountry(registry, query, options.year);
  const asOf = options.asOf ?? (options.now ?? new Date()).toISOString().slice(0, 10);
  const all = await countryObservationsAsOf(store, {
    countryId: country.id,
    asOf,
    year: options.year,
  });
  const values =
    options.year !== undefined ? all : [...new Map(all.map((v) => [v.variable, v])).values()];
  const codes = registry.codesOf(country, options.year);
  return {
    country: {
      id: country.id,
      name: country.name,
      cow: codes.cow === undefined ? undefined : Number(codes.cow),
      iso3: codes.iso3,
    },
    asOf,
    year: options.year,
    values,
  };
}

/** The one country a user means by a name or code; a clear error when none or several. */
export function findCountry(registry: CountryRegistry, query: string, year?: number): Country {
  const found = registry.resolve(query, { year });
  const first = found[0];
  if (!first) {
    const near = registry.suggest(query).map((c) => c.name);
    const hint = near.length ? ` (did you mean ${orList(near)}?)` : '';
    throw new InputError(`no country matches "${query}"${hint}`, {
      expected:
        'a name, or a COW, Gleditsch-Ward, ISO or V-Dem code (see `lens countries resolve`)',
    });
  }
  return first;
}

/**
 * A cheap fingerprint of everything derived results (assessments, forecasts, plans) depend
 * on besides events: the releases imported (observations and episodes only change by
 * import), analysts' factor overrides, situation and stage judgements, and the capacity map. It
 * changes whenever one of them does; a few aggregate queries, milliseconds on any store.
 */
export async function dataVersion(store: Store): Promise<string> {
  const row = await store.db
    .selectNoFrom((eb) => [
      eb
        .selectFrom('releases')
        .select((e) => e.fn.countAll<number>().as('n'))
        .as('releases'),
      eb
        .selectFrom('releases')
        .select((e) => e.fn.max('id').as('m'))
        .as('last_release'),
      eb
        .selectFrom('factor_overrides')
        .select((e) => e.fn.max('id').as('m'))
        .as('last_override'),
      eb
        .selectFrom('factor_overrides')
        .select((e) => e.fn.count('withdrawn_at').as('n'))
        .as('withdrawn_overrides'),
      eb
        .selectFrom('situation_overrides')
        .select((e) => e.fn.max('id').as('m'))
        .as('last_situation'),
      eb
        .selectFrom('situation_overrides')
        .select((e) => e.fn.count('withdrawn_at').as('n'))
        .as('withdrawn_situations'),
      eb
        .selectFrom('stage_overrides')
        .select((e) => e.fn.max('id').as('m'))
        .as('last_stage'),
      eb
        .selectFrom('stage_overrides')
        .select((e) => e.fn.count('withdrawn_at').as('n'))
        .as('withdrawn_stages'),
      eb
        .selectFrom('capacity_actors')
        .select((e) => e.fn.max('imported_at').as('m'))
        .as('capacity_imported'),
      eb
        .selectFrom('capacity_entries')
        .select((e) => e.fn.max('id').as('m'))
        .as('last_capacity'),
    ])
    .executeTakeFirstOrThrow();
  return Object.values(row)
    .map((v) => String(v ?? '-'))
    .join(':');
}

/**
 * A fingerprint of the shared material a principal's derived answers depend on: sharing
 * agreements (given and withdrawn), events and field reports (stored, imported, reviewed),
 * analysts' factor overrides and situation judgements, and the capacity map. Cached answers
 * that show shared material (plans, needs drafts, capacity gaps, escalation statuses) are
 * keyed by it, read on every request (a few index look-ups), so that any change to what a
 * principal may see, from this process or the command line, takes effect at once: a
 * withdrawn agreement stops the sharing with the next request.
 */
export async function sharedVersion(store: Store): Promise<string> {
  const row = await store.db
    .selectNoFrom((eb) => [
      eb
        .selectFrom('sharing_agreements')
        .select((e) => e.fn.max('id').as('m'))
        .as('last_agreement'),
      eb
        .selectFrom('sharing_agreements')
        .select((e) => e.fn.count('withdrawn_at').as('n'))
        .as('withdrawn_agreements'),
      eb
        .selectFrom('events')
        .select((e) => e.fn.max('id').as('m'))
        .as('last_event'),
      eb
        .selectFrom('event_imports')
        .select((e) => e.fn.max('id').as('m'))
        .as('last_event_import'),
      eb
        .selectFrom('field_reports')
        .select((e) => e.fn.count('reviewed_at').as('n'))
        .as('reviews'),
      eb
        .selectFrom('field_reports')
        .select((e) => e.fn.max('reviewed_at').as('m'))
        .as('last_review'),
    ])
    .executeTakeFirstOrThrow();
  const own = Object.values(row)
    .map((v) => String(v ?? '-'))
    .join(':');
  return `${own}:${await dataVersion(store)}`;
}

/** Names joined for a question: `Sudan`, `Niger or Nigeria`, `Mali, Malta or Malawi`. */
function orList(names: readonly string[]): string {
  return names.length <= 1
    ? (names[0] ?? '')
    : `${names.slice(0, -1).join(', ')} or ${names[names.length - 1]}`;
}

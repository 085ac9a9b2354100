import { sql } from 'kysely';
import { dayNumber, dayString } from './bulk.js';
import type { Store } from './database.js';

/** One value as known on a date, with where it came from. */
export interface KnownValue {
  countryId: string;
  variable: string;
  year: number;
  value: number | null;
  /** Source kind and release version, e.g. `vdem v14`. */
  source: string;
  releaseId: number;
  availableFrom: string;
}

/** The one place a stored observation row becomes a `KnownValue`. */
function rowToKnownValue(
  row: {
    country_id: string;
    year: number;
    value: number | null;
    release_id: number;
    available_from: number;
    source_kind: string;
    version: string;
  },
  variable: string,
): KnownValue {
  return {
    countryId: row.country_id,
    variable,
    year: Number(row.year),
    value: row.value === null ? null : Number(row.value),
    source: `${row.source_kind} ${row.version}`,
    releaseId: Number(row.release_id),
    availableFrom: dayString(Number(row.available_from)),
  };
}

/**
 * The ids of variables by name; names not in the store are absent from the map.
 */
export async function variableIds(
  store: Store,
  names: readonly string[],
): Promise<Map<string, number>> {
  if (names.length === 0) return new Map();
  const rows = await store.db
    .selectFrom('variables')
    .select(['id', 'name'])
    .where('name', 'in', [...names])
    .execute();
  return new Map(rows.map((r) => [r.name, Number(r.id)]));
}

/** Every variable name in the store with its source kind. */
export async function listVariables(store: Store): Promise<{ name: string; sourceKind: string }[]> {
  const rows = await store.db
    .selectFrom('variables')
    .select(['name', 'source_kind'])
    .orderBy('name')
    .execute();
  return rows.map((r) => ({ name: r.name, sourceKind: r.source_kind }));
}

/**
 * The value of `variable` for `countryId` in `year` as known on `asOf` (ISO date): the
 * latest vintage whose value was public by then. Undefined when nothing was known.
 */
export async function valueAsOf(
  store: Store,
  q: { variable: string; countryId: string; year: number; asOf: string },
): Promise<KnownValue | undefined> {
  const row = await store.db
    .selectFrom('observations as o')
    .innerJoin('variables as v', 'v.id', 'o.variable_id')
    .innerJoin('releases as r', 'r.id', 'o.release_id')
    .select([
      'o.country_id',
      'v.name',
      'o.year',
      'o.value',
      'r.source_kind',
      'r.version',
      'o.release_id',
      'o.available_from',
    ])
    .where('v.name', '=', q.variable)
    .where('o.country_id', '=', q.countryId)
    .where('o.year', '=', q.year)
    .where('o.available_from', '<=', dayNumber(q.asOf))
    .orderBy('o.available_from', 'desc')
    .orderBy('o.release_id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row ? rowToKnownValue(row, row.name) : undefined;
}

/**
 * Every value of the given variables as known on `asOf` (ISO date), one per
 * country-variable-year: the latest vintage public by then. Optional filters narrow the
 * countries and the years (inclusive). One query, for whole-world assessments.
 */
export async function observationsAsOf(
  store: Store,
  q: {
    variables: readonly string[];
    asOf: string;
    countryIds?: readonly string[];
    fromYear?: number;
    toYear?: number;
  },
): Promise<KnownValue[]> {
  const ids = await variableIds(store, q.variables);
  if (ids.size === 0) return [];
  return latestVintages(store, { ...q, variableIds: [...ids.values()] });
}

/**
 * The one query behind the as-of lookups: per variable, country and year, the value of the
 * newest vintage public on `asOf`, with its variable name and source. `variableIds` absent:
 * every variable (listed, so the primary key (variable, country, year) is used).
 */
async function latestVintages(
  store: Store,
  q: {
    variableIds?: readonly number[];
    asOf: string;
    countryIds?: readonly string[];
    fromYear?: number;
    toYear?: number;
  },
): Promise<KnownValue[]> {
  let inner = store.db
    .selectFrom('observations as o')
    .select([
      'o.variable_id',
      'o.country_id',
      'o.year',
      'o.value',
      'o.release_id',
      'o.available_from',
      sql<number>`row_number() over (partition by o.variable_id, o.country_id, o.year order by o.available_from desc, o.release_id desc)`.as(
        'rn',
      ),
    ])
    .where(
      'o.variable_id',
      'in',
      q.variableIds ? [...q.variableIds] : (eb) => eb.selectFrom('variables').select('id'),
    )
    .where('o.available_from', '<=', dayNumber(q.asOf));
  if (q.countryIds) inner = inner.where('o.country_id', 'in', [...q.countryIds]);
  if (q.fromYear !== undefined) inner = inner.where('o.year', '>=', q.fromYear);
  if (q.toYear !== undefined) inner = inner.where('o.year', '<=', q.toYear);
  const rows = await store.db
    .selectFrom(inner.as('k'))
    .innerJoin('releases as r', 'r.id', 'k.release_id')
    .innerJoin('variables as v', 'v.id', 'k.variable_id')
    .select([
      'v.name',
      'k.country_id',
      'k.year',
      'k.value',
      'k.release_id',
      'k.available_from',
      'r.source_kind',
      'r.version',
    ])
    .where('k.rn', '=', 1)
    .orderBy('v.name')
    .orderBy('k.country_id')
    .orderBy('k.year')
    .execute();
  return rows.map((row) => rowToKnownValue(row, row.name));
}

/** Per source kind: countries, years, variables and values stored (all vintages). */
export interface SourceCoverage {
  sourceKind: string;
  releases: number;
  countries: number;
  firstYear: number | null;
  lastYear: number | null;
  variables: number;
  observations: number;
}

/** Coverage of the observations, per source kind. */
export async function observationCoverage(store: Store): Promise<SourceCoverage[]> {
  const rows = await store.db
    .selectFrom('observations as o')
    .innerJoin('releases as r', 'r.id', 'o.release_id')
    .select((eb) => [
      'r.source_kind',
      eb.fn.count<number>('o.release_id').distinct().as('releases'),
      eb.fn.count<number>('o.country_id').distinct().as('countries'),
      eb.fn.min<number>('o.year').as('first_year'),
      eb.fn.max<number>('o.year').as('last_year'),
      eb.fn.count<number>('o.variable_id').distinct().as('variables'),
      eb.fn.countAll<number>().as('observations'),
    ])
    .groupBy('r.source_kind')
    .orderBy('r.source_kind')
    .execute();
  return rows.map((r) => ({
    sourceKind: r.source_kind,
    releases: Number(r.releases),
    countries: Number(r.countries),
    firstYear: r.first_year === null ? null : Number(r.first_year),
    lastYear: r.last_year === null ? null : Number(r.last_year),
    variables: Number(r.variables),
    observations: Number(r.observations),
  }));
}

/**
 * Every value known on `asOf` for one country (optionally one year), newest vintage per
 * variable-year, sorted by variable then year.
 */
export async function countryObservationsAsOf(
  store: Store,
  q: { countryId: string; asOf: string; year?: number },
): Promise<KnownValue[]> {
  return latestVintages(store, {
    asOf: q.asOf,
    countryIds: [q.countryId],
    fromYear: q.year,
    toYear: q.year,
  });
}

/**
 * How fresh a source is on a date: per source kind and release, the last year with a value
 * of the given variables public on `asOf`, and the last date one of those values became
 * public. Sorted by source kind, then by that date.
 */
export interface ReleaseFreshness {
  sourceKind: string;
  release: string;
  lastYear: number;
  /** ISO date. */
  lastPublic: string;
}

/** See `ReleaseFreshness`. One grouped query over the variables' rows (primary key). */
export async function releaseFreshness(
  store: Store,
  q: { variables: readonly string[]; asOf: string },
): Promise<ReleaseFreshness[]> {
  const ids = await variableIds(store, q.variables);
  if (ids.size === 0) return [];
  const rows = await store.db
    .selectFrom('observations as o')
    .innerJoin('releases as r', 'r.id', 'o.release_id')
    .select((eb) => [
      'r.source_kind',
      'r.version',
      eb.fn.max<number>('o.year').as('last_year'),
      eb.fn.max<number>('o.available_from').as('last_public'),
    ])
    .where('o.variable_id', 'in', [...ids.values()])
    .where('o.available_from', '<=', dayNumber(q.asOf))
    .where('o.value', 'is not', null)
    .groupBy(['r.source_kind', 'r.version'])
    .execute();
  return rows
    .map((r) => ({
      sourceKind: r.source_kind,
      release: r.version,
      lastYear: Number(r.last_year),
      lastPublic: dayString(Number(r.last_public)),
    }))
    .sort(
      (a, b) =>
        a.sourceKind.localeCompare(b.sourceKind) || a.lastPublic.localeCompare(b.lastPublic),
    );
}

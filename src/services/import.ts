import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import type { Transaction } from 'kysely';
import type { CountryRegistry } from '../core/countries/registry.js';
import { InputError } from '../core/errors.js';
import { detectKind, nearestFormat, sourceByKind } from '../sources/index.js';
import type {
  EpisodeRecord,
  ObservationRecord,
  OnProgress,
  SourceDescriptor,
  SourceKind,
} from '../sources/types.js';
import { dayNumber, emptyObservationColumns, insertObservations } from '../store/bulk.js';
import type { Store } from '../store/database.js';
import type { Schema } from '../store/schema.js';
import { countryResolver, formatKeys } from './country-resolver.js';
import { syncCountries } from '../store/countries-repository.js';
import { insertEpisodes } from '../store/episodes-repository.js';
import {
  findRelease,
  findReleaseByFingerprint,
  finishRelease,
  insertRelease,
  insertReleaseCopy,
  insertUnmatched,
  setReleaseFingerprint,
  upsertSource,
} from '../store/releases-repository.js';
import type { Release, UnmatchedRow } from '../store/releases-repository.js';
import { ContentFingerprint } from './content-fingerprint.js';

/** Options of one import. */
export interface ImportOptions {
  /** The format; detected from the file's content when absent. */
  kind?: SourceKind;
  path: string;
  /** Release label; default the reader's version. */
  version?: string;
  /** Publication date of this release (`YYYY-MM-DD`); default the reader's, else today. */
  releasedOn?: string;
  /** Where the file came from (URL or path); default the file path. */
  address?: string;
  /** Current time as an ISO timestamp (injected so imports are reproducible in tests). */
  now?: string;
  onProgress?: OnProgress;
  /** When given, the time the import spends is added to it (for benchmarks). */
  timings?: ImportTimings;
}

/**
 * Where an import's time goes, in milliseconds: `parse` waiting for the reader's records,
 * `resolve` matching them to countries, fingerprinting and buffering them, `write` the
 * statements that store them, `other` the rest (hashing the file, the commit, statistics).
 */
export interface ImportTimings {
  parse: number;
  resolve: number;
  write: number;
  other: number;
}

/** Empty timings. */
export function emptyTimings(): ImportTimings {
  return { parse: 0, resolve: 0, write: 0, other: 0 };
}

/** Unmatched rows of one import, grouped by the country label as written. */
export interface UnmatchedSummary {
  label: string;
  keys: string;
  rows: number;
  firstLine: number;
  years: string;
  nonCountry: boolean;
  reason: string;
}

/**
 * What an import did. `status` `unchanged`: a release of the source already holds this
 * content (the same rows and values: this file imported before, or the same data in another
 * format or layout), named by `sameAs` (that release's file name); nothing was stored.
 */
export interface ImportReport {
  kind: SourceKind;
  file: string;
  status: 'imported' | 'unchanged';
  releaseId: number;
  version: string;
  /** For `unchanged`: the file name of the release with the same content; else null. */
  sameAs: string | null;
  rows: number;
  observations: number;
  episodes: number;
  variables: number;
  countries: number;
  unmatched: UnmatchedSummary[];
  /** Rows stored on a predecessor as back-cast figures of a later state (see `backcastTo`). */
  backcast: BackcastSummary[];
}

/**
 * Rows a source gives a state for years before it existed that the registry places on its
 * predecessor (`backcastTo`): `rows` stored under `to` in `years` (`first-last`).
 */
export interface BackcastSummary {
  from: string;
  to: string;
  rows: number;
  years: string;
}

/** Values buffered before a write (sorted by key on SQLite: bigger batches append better). */
const BATCH = 1_000_000;

/**
 * Imports one file as one release, all or nothing: any bad row aborts the import and the
 * database is left exactly as before. A file whose content a release of the source already
 * holds changes nothing and is reported `unchanged`: the same bytes (recognised without
 * reading the file), or the same rows and values in another format or order (compared by
 * their fingerprint once read; the file is then remembered as a copy of that release, so
 * the next time its bytes suffice). A file with other content is stored as a new vintage
 * beside the earlier ones.
 */
export async function importFile(
  store: Store,
  registry: CountryRegistry,
  options: ImportOptions,
): Promise<ImportReport> {
  const started = performance.now();
  const timings = emptyTimings();
  try {
    return await importTimed(store, registry, options, timings);
  } finally {
    const t = options.timings;
    if (t) {
      t.parse += timings.parse;
      t.resolve += timings.resolve;
      t.write += timings.write;
      t.other += performance.now() - started - timings.parse - timings.resolve - timings.write;
    }
  }
}

async function importTimed(
  store: Store,
  registry: CountryRegistry,
  options: ImportOptions,
  timings: ImportTimings,
): Promise<ImportReport> {
  const path = resolve(options.path);
  const size = await fileSize(path);
  const kind = options.kind ?? (await detectKind(path));
  if (!kind) {
    const near = await nearestFormat(path);
    throw near
      ? new InputError(
          `the header looks like ${near.kind} but lacks the column(s) ${near.missing.map((c) => `"${c}"`).join(', ')}`,
          { file: path, line: 1, column: near.missing[0], expected: `the columns of ${near.kind}` },
        )
      : new InputError('the file is not in any format this version can read', {
          file: path,
          expected: 'one of the formats listed by `lens import --help`',
        });
  }
  const source = sourceByKind(kind);
  await syncCountries(store, registry.all());
  const contentHash = await hashFile(path);
  const existing = await findRelease(store, kind, contentHash);
  if (existing) {
    if (existing.contentFingerprint === null) {
      // Stored before fingerprints were kept: read once, so that copies in other formats
      // are recognised from now on (left unknown if this reader no longer accepts the file).
      const fingerprint = await fingerprintFile(source, path, options.onProgress).catch(
        (error: unknown) => {
          if (error instanceof InputError) return undefined;
          throw error;
        },
      );
      if (fingerprint) await setReleaseFingerprint(store, existing.id, fingerprint);
    } else options.onProgress?.(size, size);
    return unchanged(source, path, existing);
  }
  const now = options.now ?? new Date().toISOString();
  const releasedOn = options.releasedOn ?? source.releasedOn ?? now.slice(0, 10);
  checkDate(releasedOn, '--released');
  const version = options.version ?? source.version;
  const fingerprint = new ContentFingerprint();
  let report: ImportReport;
  try {
    report = await store.db.transaction().execute(async (trx) => {
      await upsertSource(trx, {
        kind,
        title: source.title,
        publisher: source.publisher,
        licence: source.licence,
        citation: source.citation,
        url: source.url,
      });
      const releaseId = await insertRelease(trx, {
        sourceKind: kind,
        version,
        contentHash,
        fileName: basename(path),
        address: options.address ?? path,
        releasedOn,
        retrievedAt: now,
        importedAt: now,
        rowCount: 0,
        observationCount: 0,
        unmatchedCount: 0,
      });
      const unmatched: UnmatchedRow[] = [];
      let result: {
        rows: number;
        observations: number;
        episodes: number;
        variables: number;
        countries: number;
        backcast: BackcastSummary[];
      };
      if (source.readEpisodes) {
        result = await importEpisodes(
          trx,
          registry,
          source,
          path,
          releaseId,
          unmatched,
          fingerprint,
          timings,
          options.onProgress,
        );
      } else {
        result = await importObservations(
          store,
          trx,
          registry,
          source,
          path,
          releaseId,
          releasedOn,
          unmatched,
          fingerprint,
          timings,
          options.onProgress,
        );
      }
      const contentFingerprint = fingerprint.digest();
      const twin = await findReleaseByFingerprint(trx, kind, contentFingerprint);
      if (twin) throw new SameContent(twin);
      await insertUnmatched(trx, releaseId, unmatched);
      await finishRelease(trx, releaseId, {
        rowCount: result.rows,
        observationCount: result.observations,
        unmatchedCount: unmatched.length,
        contentFingerprint,
      });
      return {
        kind,
        file: path,
        status: 'imported' as const,
        releaseId,
        version,
        sameAs: null,
        ...result,
        unmatched: summariseUnmatched(unmatched),
      };
    });
  } catch (error) {
    if (!(error instanceof SameContent)) throw error;
    // The transaction is rolled back: only the file is noted as a copy of that release.
    await insertReleaseCopy(store, {
      sourceKind: kind,
      contentHash,
      releaseId: error.release.id,
      fileName: basename(path),
      address: options.address ?? path,
      seenAt: now,
    });
    return unchanged(source, path, error.release);
  }
  // PostgreSQL plans the as-of queries from table statistics: refresh them after a bulk
  // write, or the first queries after an import can take seconds instead of milliseconds.
  if (store.dialect === 'postgres') await sql`analyze observations`.execute(store.db);
  return report;
}

type Trx = Transaction<Schema>;

/** Thrown inside the import's transaction to roll it back: a release already has this content. */
class SameContent extends Error {
  constructor(readonly release: Release) {
    super(`same content as release ${release.id}`);
  }
}

/** The report of a file whose content `release` already holds. */
function unchanged(source: SourceDescriptor, path: string, release: Release): ImportReport {
  return {
    kind: source.kind,
    file: path,
    status: 'unchanged',
    releaseId: release.id,
    version: release.version,
    sameAs: release.fileName,
    rows: release.rowCount,
    observations: release.observationCount,
    episodes: source.readEpisodes ? release.rowCount : 0,
    variables: 0,
    countries: 0,
    unmatched: [],
    backcast: [],
  };
}

/** The content fingerprint of a file, read without storing anything. */
async function fingerprintFile(
  source: SourceDescriptor,
  path: string,
  onProgress?: OnProgress,
): Promise<string> {
  const fingerprint = new ContentFingerprint();
  const records =
    source.readEpisodes?.(path, onProgress) ?? source.readObservations?.(path, onProgress);
  if (!records) throw new Error(`source ${source.kind} has no reader`);
  for await (const record of records) fingerprint.add(record);
  return fingerprint.digest();
}

async function importObservations(
  store: Store,
  trx: Trx,
  registry: CountryRegistry,
  source: SourceDescriptor,
  path: string,
  releaseId: number,
  releasedOn: string,
  unmatched: UnmatchedRow[],
  fingerprint: ContentFingerprint,
  timings: ImportTimings,
  onProgress?: OnProgress,
) {
  const started = performance.now();
  const { parse: parse0, write: write0 } = timings;
  const read = source.readObservations;
  if (!read) throw new Error(`source ${source.kind} has no observation reader`);
  const variableIds = await loadVariableIds(trx, source.kind);
  const resolver = countryResolver(registry);
  const availability = (await hasEarlierRelease(trx, source.kind, releasedOn, releaseId))
    ? () => dayNumber(releasedOn)
    : availabilityFor(source.publicationLagMonths, releasedOn);
  const seen = new Map<string, { line: number; label: string }>();
  const countries = new Set<string>();
  // Rows that give way to any other row of their country-year: the reader's `yields`, and
  // back-cast rows placed on a predecessor (its own row wins).
  const yielding: {
    record: ObservationRecord;
    countryId: string;
    key: string;
    why: string;
    backcastFrom?: string;
  }[] = [];
  const backcasts = new Map<string, BackcastSummary>();
  let batch = emptyObservationColumns();
  let rows = 0;
  let observations = 0;
  const add = async (record: ObservationRecord, countryId: string) => {
    countries.add(countryId);
    const availableFrom = availability(record.year);
    for (const name in record.values) {
      let id = variableIds.get(name);
      if (id === undefined) id = await addVariable(trx, variableIds, source.kind, name);
      batch.variableId.push(id);
      batch.countryId.push(countryId);
      batch.year.push(record.year);
      batch.value.push(record.values[name] ?? null);
      batch.availableFrom.push(availableFrom);
    }
    if (batch.variableId.length >= BATCH) {
      observations += batch.variableId.length;
      await write(batch);
      batch = emptyObservationColumns();
    }
  };
  const write = async (columns: typeof batch) => {
    const t = performance.now();
    await insertObservations(store, trx, releaseId, columns);
    timings.write += performance.now() - t;
  };
  for await (const record of timed(read(path, onProgress), timings)) {
    rows++;
    fingerprint.add(record);
    if (record.placeholder) {
      unmatched.push({
        line: record.line,
        label: record.label,
        keys: formatKeys(record.keys),
        year: record.year,
        reason: record.placeholder,
        nonCountry: true,
      });
      continue;
    }
    const match = resolver(record.keys, record.year);
    if (!match.countryId) {
      unmatched.push({
        line: record.line,
        label: record.label,
        keys: formatKeys(record.keys),
        year: record.year,
        reason: match.reason,
        nonCountry: match.nonCountry,
      });
      continue;
    }
    const key = `${match.countryId}|${record.year}`;
    if (record.yields || match.backcastFrom) {
      const why =
        record.yields ??
        `is a back-cast figure of ${match.backcastFrom} placed on ${match.countryId}, whose own row wins`;
      yielding.push({
        record,
        countryId: match.countryId,
        key,
        why,
        backcastFrom: match.backcastFrom,
      });
      continue;
    }
    const earlier = seen.get(key);
    if (earlier) {
      throw new InputError(
        `"${record.label}" in ${record.year} is the same country-year (${match.countryId}) as "${earlier.label}" on line ${earlier.line}`,
        { file: path, line: record.line, expected: 'one row per country and year' },
      );
    }
    seen.set(key, { line: record.line, label: record.label });
    await add(record, match.countryId);
  }
  // Rows that give way to another row of their country-year: kept only where none came.
  for (const { record, countryId, key, why, backcastFrom } of yielding) {
    const other = seen.get(key);
    if (other) {
      unmatched.push({
        line: record.line,
        label: record.label,
        keys: formatKeys(record.keys),
        year: record.year,
        reason: `superseded by line ${other.line} ("${other.label}"): this row ${why}`,
        nonCountry: true,
      });
      continue;
    }
    seen.set(key, { line: record.line, label: record.label });
    await add(record, countryId);
    if (backcastFrom) countBackcast(backcasts, backcastFrom, countryId, record.year);
  }
  observations += batch.variableId.length;
  await write(batch);
  timings.resolve +=
    performance.now() - started - (timings.parse - parse0) - (timings.write - write0);
  return {
    rows,
    observations,
    episodes: 0,
    variables: variableIds.size,
    countries: countries.size,
    backcast: [...backcasts.values()],
  };
}

async function importEpisodes(
  trx: Trx,
  registry: CountryRegistry,
  source: SourceDescriptor,
  path: string,
  releaseId: number,
  unmatched: UnmatchedRow[],
  fingerprint: ContentFingerprint,
  timings: ImportTimings,
  onProgress?: OnProgress,
) {
  const started = performance.now();
  const { parse: parse0 } = timings;
  const read = source.readEpisodes;
  if (!read) throw new Error(`source ${source.kind} has no episode reader`);
  const episodes: EpisodeRecord[] = [];
  const codes = new Map<string, number>();
  for await (const e of timed(read(path, onProgress), timings)) {
    const earlier = codes.get(e.code);
    if (earlier !== undefined) {
      throw new InputError(`episode code "${e.code}" already used on line ${earlier}`, {
        file: path,
        line: e.line,
        column: 'mk_event_code',
        expected: 'a unique episode code',
      });
    }
    codes.set(e.code, e.line);
    fingerprint.add(e);
    episodes.push(e);
  }
  const countries = new Set<string>();
  const countryOf = (cow: number, year: number): string | null => {
    const c = registry.fromCode('cow', cow, year) ?? registry.fromCode('cow', cow);
    if (c) countries.add(c.id);
    return c?.id ?? null;
  };
  for (const e of episodes) {
    for (const cow of [...e.locationCow, ...e.responsibleCow]) {
      if (countryOf(cow, e.startYear) === null) {
        unmatched.push({
          line: e.line,
          label: e.countryLabel,
          keys: `cow=${cow}`,
          year: e.startYear,
          reason: `no country with COW code ${cow}`,
          nonCountry: false,
        });
      }
    }
  }
  const written = performance.now();
  timings.resolve += written - started - (timings.parse - parse0);
  await insertEpisodes(
    trx,
    releaseId,
    episodes.map(({ line: _line, ...e }) => ({
      ...e,
      locationCountryIds: [],
      responsibleCountryIds: [],
    })),
    countryOf,
  );
  timings.write += performance.now() - written;
  return {
    rows: episodes.length,
    observations: 0,
    episodes: episodes.length,
    variables: 0,
    countries: countries.size,
    backcast: [],
  };
}

/** The records of `records`, the time spent waiting for each added to `timings.parse`. */
async function* timed<T>(records: AsyncIterable<T>, timings: ImportTimings): AsyncGenerator<T> {
  const it = records[Symbol.asyncIterator]();
  let done = false;
  try {
    for (;;) {
      const t = performance.now();
      const next = await it.next();
      timings.parse += performance.now() - t;
      if (next.done) {
        done = true;
        return;
      }
      yield next.value;
    }
  } finally {
    if (!done) await it.return?.();
  }
}

/**
 * Whether the store holds an earlier-published release of the source. The first vintage of
 * a source stands in for its history (each value dated by the publication lag); values of
 * any later vintage became public with that vintage, on its release date.
 */
async function hasEarlierRelease(
  trx: Trx,
  kind: string,
  releasedOn: string,
  releaseId: number,
): Promise<boolean> {
  const row = await trx
    .selectFrom('releases')
    .select('id')
    .where('source_kind', '=', kind)
    .where('id', '<>', releaseId)
    .where('released_on', '<', releasedOn)
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * The date a value of `year` became public: the end of the year plus the source's
 * publication lag, but never later than the release that carried it.
 */
export function availabilityFor(lagMonths: number, releasedOn: string): (year: number) => number {
  const cache = new Map<number, number>();
  return (year) => {
    let date = cache.get(year);
    if (date === undefined) {
      const d = new Date(Date.UTC(year + 1, lagMonths, 1));
      const lagged = d.toISOString().slice(0, 10);
      date = dayNumber(lagged < releasedOn ? lagged : releasedOn);
      cache.set(year, date);
    }
    return date;
  };
}

/** Counts one back-cast row stored under `to`. */
function countBackcast(
  summaries: Map<string, BackcastSummary>,
  from: string,
  to: string,
  year: number,
): void {
  const key = `${from}|${to}`;
  const s = summaries.get(key);
  if (!s) {
    summaries.set(key, { from, to, rows: 1, years: `${year}-${year}` });
    return;
  }
  const [first, last] = s.years.split('-').map(Number) as [number, number];
  s.rows++;
  s.years = `${Math.min(first, year)}-${Math.max(last, year)}`;
}

function summariseUnmatched(rows: readonly UnmatchedRow[]): UnmatchedSummary[] {
  const groups = new Map<string, { row: UnmatchedRow; count: number; years: number[] }>();
  for (const row of rows) {
    const key = `${row.label}|${row.keys}`;
    const g = groups.get(key);
    if (g) {
      g.count++;
      if (row.year !== null) g.years.push(row.year);
    } else groups.set(key, { row, count: 1, years: row.year === null ? [] : [row.year] });
  }
  return [...groups.values()].map(({ row, count, years }) => ({
    label: row.label,
    keys: row.keys,
    rows: count,
    firstLine: row.line,
    years: years.length ? `${Math.min(...years)}-${Math.max(...years)}` : '',
    nonCountry: row.nonCountry,
    reason: row.reason,
  }));
}

async function loadVariableIds(trx: Trx, kind: string): Promise<Map<string, number>> {
  const rows = await trx
    .selectFrom('variables')
    .select(['id', 'name'])
    .where('source_kind', '=', kind)
    .execute();
  const prefix = `${kind}:`;
  return new Map(rows.map((r) => [r.name.slice(prefix.length), Number(r.id)]));
}

async function addVariable(
  trx: Trx,
  ids: Map<string, number>,
  kind: string,
  name: string,
): Promise<number> {
  const row = await trx
    .insertInto('variables')
    .values({ name: `${kind}:${name}`, source_kind: kind })
    .returning('id')
    .executeTakeFirstOrThrow();
  const id = Number(row.id);
  ids.set(name, id);
  return id;
}

async function fileSize(path: string): Promise<number> {
  try {
    const s = await stat(path);
    if (!s.isFile()) throw new InputError('not a file', { file: path });
    return s.size;
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError(
      `cannot read the file: ${(error as NodeJS.ErrnoException).code ?? error}`,
      {
        file: path,
      },
    );
  }
}

/** SHA-256 of a file's bytes, hex. */
export async function hashFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

function checkDate(value: string, field: string): void {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(value))) {
    throw new InputError(`invalid date "${value}"`, { column: field, expected: 'YYYY-MM-DD' });
  }
}

import type { Selectable, Transaction } from 'kysely';
import type { Store } from './database.js';
import type { ReleasesTable, Schema } from './schema.js';

/** Publisher facts of a source, as stored. */
export interface SourceInfo {
  kind: string;
  title: string;
  publisher: string;
  licence: string;
  citation: string;
  url: string;
}

/**
 * One stored vintage of a source. Dates ISO; counts of rows read and values stored.
 * `contentHash`: SHA-256 of its file's bytes; `contentFingerprint`: digest of its rows as
 * read (null for releases stored before fingerprints were kept).
 */
export interface Release {
  id: number;
  sourceKind: string;
  version: string;
  contentHash: string;
  contentFingerprint: string | null;
  fileName: string;
  address: string;
  releasedOn: string;
  retrievedAt: string;
  importedAt: string;
  rowCount: number;
  observationCount: number;
  unmatchedCount: number;
}

type ReleaseRow = Selectable<ReleasesTable>;

/** Converts a database row to a `Release` (the one place this mapping lives). */
export function rowToRelease(row: ReleaseRow): Release {
  return {
    id: Number(row.id),
    sourceKind: row.source_kind,
    version: row.version,
    contentHash: row.content_hash,
    contentFingerprint: row.content_fingerprint,
    fileName: row.file_name,
    address: row.address,
    releasedOn: row.released_on,
    retrievedAt: row.retrieved_at,
    importedAt: row.imported_at,
    rowCount: Number(row.row_count),
    observationCount: Number(row.observation_count),
    unmatchedCount: Number(row.unmatched_count),
  };
}

/**
 * The release of `kind` whose file, or a file found to hold the same content (see
 * {@link insertReleaseCopy}), has this SHA-256, if it was imported before.
 */
export async function findRelease(
  store: Store,
  kind: string,
  contentHash: string,
): Promise<Release | undefined> {
  const own = await store.db
    .selectFrom('releases')
    .selectAll()
    .where('source_kind', '=', kind)
    .where('content_hash', '=', contentHash)
    .executeTakeFirst();
  if (own) return rowToRelease(own);
  const copy = await store.db
    .selectFrom('release_copies as c')
    .innerJoin('releases as r', 'r.id', 'c.release_id')
    .selectAll('r')
    .where('c.source_kind', '=', kind)
    .where('c.content_hash', '=', contentHash)
    .executeTakeFirst();
  return copy ? rowToRelease(copy) : undefined;
}

/** The earliest release of `kind` with this content fingerprint, if any. */
export async function findReleaseByFingerprint(
  db: Store['db'] | Transaction<Schema>,
  kind: string,
  fingerprint: string,
): Promise<Release | undefined> {
  const row = await db
    .selectFrom('releases')
    .selectAll()
    .where('source_kind', '=', kind)
    .where('content_fingerprint', '=', fingerprint)
    .orderBy('id')
    .executeTakeFirst();
  return row ? rowToRelease(row) : undefined;
}

/** Records the fingerprint of a release stored before fingerprints were kept. */
export async function setReleaseFingerprint(
  store: Store,
  id: number,
  fingerprint: string,
): Promise<void> {
  await store.db
    .updateTable('releases')
    .set({ content_fingerprint: fingerprint })
    .where('id', '=', id)
    .execute();
}

/** A file found to hold the content of a release: its SHA-256, name and address. */
export interface ReleaseCopy {
  sourceKind: string;
  contentHash: string;
  releaseId: number;
  fileName: string;
  address: string;
  seenAt: string;
}

/** Records a copy of a release (a no-op when the same bytes are already listed). */
export async function insertReleaseCopy(store: Store, copy: ReleaseCopy): Promise<void> {
  await store.db
    .insertInto('release_copies')
    .values({
      source_kind: copy.sourceKind,
      content_hash: copy.contentHash,
      release_id: copy.releaseId,
      file_name: copy.fileName,
      address: copy.address,
      seen_at: copy.seenAt,
    })
    .onConflict((oc) => oc.columns(['source_kind', 'content_hash']).doNothing())
    .execute();
}

/** Every release, oldest first within each source. */
export async function listReleases(store: Store): Promise<Release[]> {
  const rows = await store.db
    .selectFrom('releases')
    .selectAll()
    .orderBy('source_kind')
    .orderBy('id')
    .execute();
  return rows.map(rowToRelease);
}

/** Inserts or refreshes the publisher facts of a source. */
export async function upsertSource(trx: Transaction<Schema>, source: SourceInfo): Promise<void> {
  await trx
    .insertInto('sources')
    .values(source)
    .onConflict((oc) =>
      oc.column('kind').doUpdateSet({
        title: source.title,
        publisher: source.publisher,
        licence: source.licence,
        citation: source.citation,
        url: source.url,
      }),
    )
    .execute();
}

/**
 * Inserts a release (counts and fingerprint filled in later by `finishRelease`) and returns
 * its id.
 */
export async function insertRelease(
  trx: Transaction<Schema>,
  release: Omit<Release, 'id' | 'contentFingerprint'>,
): Promise<number> {
  const row = await trx
    .insertInto('releases')
    .values({
      source_kind: release.sourceKind,
      version: release.version,
      content_hash: release.contentHash,
      file_name: release.fileName,
      address: release.address,
      released_on: release.releasedOn,
      retrieved_at: release.retrievedAt,
      imported_at: release.importedAt,
      row_count: release.rowCount,
      observation_count: release.observationCount,
      unmatched_count: release.unmatchedCount,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return Number(row.id);
}

/** Records the final counts and the content fingerprint of a release once all its rows are written. */
export async function finishRelease(
  trx: Transaction<Schema>,
  id: number,
  counts: {
    rowCount: number;
    observationCount: number;
    unmatchedCount: number;
    contentFingerprint: string;
  },
): Promise<void> {
  await trx
    .updateTable('releases')
    .set({
      row_count: counts.rowCount,
      observation_count: counts.observationCount,
      unmatched_count: counts.unmatchedCount,
      content_fingerprint: counts.contentFingerprint,
    })
    .where('id', '=', id)
    .execute();
}

/** A source row no country was found for. `keys` is a readable list of the row's keys. */
export interface UnmatchedRow {
  line: number;
  label: string;
  keys: string;
  year: number | null;
  reason: string;
  nonCountry: boolean;
}

/** Stores the unmatched rows of a release. */
export async function insertUnmatched(
  trx: Transaction<Schema>,
  releaseId: number,
  rows: readonly UnmatchedRow[],
): Promise<void> {
  for (let i = 0; i < rows.length; i += 500) {
    await trx
      .insertInto('unmatched_rows')
      .values(
        rows.slice(i, i + 500).map((r) => ({
          release_id: releaseId,
          line: r.line,
          label: r.label,
          keys: r.keys,
          year: r.year,
          reason: r.reason,
          non_country: r.nonCountry ? 1 : 0,
        })),
      )
      .execute();
  }
}

import type { Kysely } from 'kysely';

/**
 * Releases are told apart by what they hold, not only by their bytes: `content_fingerprint`
 * is a digest of the rows as read (see `src/services/content-fingerprint.ts`), so the same
 * data published twice (a sheet as .xls and as .csv) is one release. Null on releases stored
 * before this migration, until their file is seen again. `release_copies` lists the other
 * files (by SHA-256 of their bytes) found to hold a release's content, so that seeing one of
 * them again is recognised without reading it.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('releases').addColumn('content_fingerprint', 'text').execute();
  await db.schema
    .createIndex('releases_by_fingerprint')
    .on('releases')
    .columns(['source_kind', 'content_fingerprint'])
    .execute();
  await db.schema
    .createTable('release_copies')
    .addColumn('source_kind', 'text', (c) => c.notNull())
    .addColumn('content_hash', 'text', (c) => c.notNull())
    .addColumn('release_id', 'integer', (c) =>
      c.notNull().references('releases.id').onDelete('cascade'),
    )
    .addColumn('file_name', 'text', (c) => c.notNull())
    .addColumn('address', 'text', (c) => c.notNull())
    .addColumn('seen_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('release_copies_pk', ['source_kind', 'content_hash'])
    .execute();
}

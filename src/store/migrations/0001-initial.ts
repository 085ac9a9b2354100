import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import { serialKey } from './context.js';
import type { MigrationContext } from './context.js';

/**
 * The first schema: countries and codes, sources and releases, variables, vintaged
 * observations, unmatched rows, mass-killing episodes.
 */
export async function up(db: Kysely<unknown>, store: MigrationContext): Promise<void> {
  // SQLite stores the observation table clustered by its key (no rowid): smaller and
  // faster point queries. PostgreSQL has no such clause and needs none.
  const clustered = store.dialect === 'sqlite' ? sql`without rowid` : sql``;

  await db.schema
    .createTable('schema_info')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('countries')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('from_year', 'integer')
    .addColumn('to_year', 'integer')
    .execute();
  await db.schema
    .createTable('country_codes')
    .addColumn('country_id', 'text', (c) =>
      c.notNull().references('countries.id').onDelete('cascade'),
    )
    .addColumn('system', 'text', (c) => c.notNull())
    .addColumn('code', 'text', (c) => c.notNull())
    .addColumn('from_year', 'integer')
    .addColumn('to_year', 'integer')
    .execute();
  await db.schema
    .createIndex('country_codes_lookup')
    .on('country_codes')
    .columns(['system', 'code'])
    .execute();
  await db.schema
    .createTable('sources')
    .addColumn('kind', 'text', (c) => c.primaryKey())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('publisher', 'text', (c) => c.notNull())
    .addColumn('licence', 'text', (c) => c.notNull())
    .addColumn('citation', 'text', (c) => c.notNull())
    .addColumn('url', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('releases')
    .addColumn('id', 'integer', serialKey(store))
    .addColumn('source_kind', 'text', (c) => c.notNull().references('sources.kind'))
    .addColumn('version', 'text', (c) => c.notNull())
    .addColumn('content_hash', 'text', (c) => c.notNull())
    .addColumn('file_name', 'text', (c) => c.notNull())
    .addColumn('address', 'text', (c) => c.notNull())
    .addColumn('released_on', 'text', (c) => c.notNull())
    .addColumn('retrieved_at', 'text', (c) => c.notNull())
    .addColumn('imported_at', 'text', (c) => c.notNull())
    .addColumn('row_count', 'integer', (c) => c.notNull())
    .addColumn('observation_count', 'integer', (c) => c.notNull())
    .addColumn('unmatched_count', 'integer', (c) => c.notNull())
    .addUniqueConstraint('releases_kind_hash', ['source_kind', 'content_hash'])
    .execute();
  await db.schema
    .createTable('variables')
    .addColumn('id', 'integer', serialKey(store))
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('source_kind', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('observations')
    .addColumn('variable_id', 'integer', (c) => c.notNull())
    .addColumn('country_id', 'text', (c) => c.notNull())
    .addColumn('year', 'integer', (c) => c.notNull())
    .addColumn('release_id', 'integer', (c) => c.notNull())
    .addColumn('value', 'double precision')
    .addColumn('available_from', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('observations_pk', ['variable_id', 'country_id', 'year', 'release_id'])
    .modifyEnd(clustered)
    .execute();
  // A country's values: SQLite answers from the primary key (one seek per variable, see
  // countryObservationsAsOf), which keeps bulk imports fast (a second index on country and
  // year would be written in random order and triple the import time). PostgreSQL's
  // planner does better with the index.
  if (store.dialect === 'postgres') {
    await db.schema
      .createIndex('observations_by_country')
      .on('observations')
      .columns(['country_id', 'year'])
      .execute();
  }
  await db.schema
    .createTable('unmatched_rows')
    .addColumn('release_id', 'integer', (c) =>
      c.notNull().references('releases.id').onDelete('cascade'),
    )
    .addColumn('line', 'integer', (c) => c.notNull())
    .addColumn('label', 'text', (c) => c.notNull())
    .addColumn('keys', 'text', (c) => c.notNull())
    .addColumn('year', 'integer')
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('non_country', 'integer', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('episodes')
    .addColumn('release_id', 'integer', (c) =>
      c.notNull().references('releases.id').onDelete('cascade'),
    )
    .addColumn('code', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('summary', 'text', (c) => c.notNull())
    .addColumn('country_label', 'text', (c) => c.notNull())
    .addColumn('start_year', 'integer', (c) => c.notNull())
    .addColumn('end_year', 'integer')
    .addColumn('state_led', 'integer', (c) => c.notNull())
    .addColumn('ethnic_groups', 'integer')
    .addPrimaryKeyConstraint('episodes_pk', ['release_id', 'code'])
    .execute();
  await db.schema
    .createTable('episode_countries')
    .addColumn('release_id', 'integer', (c) => c.notNull())
    .addColumn('episode_code', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('cow', 'integer', (c) => c.notNull())
    .addColumn('country_id', 'text')
    .addForeignKeyConstraint(
      'episode_countries_episode',
      ['release_id', 'episode_code'],
      'episodes',
      ['release_id', 'code'],
      (c) => c.onDelete('cascade'),
    )
    .execute();
}

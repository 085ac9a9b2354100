import type { Kysely } from 'kysely';

/**
 * The elections calendar analysts maintain: one row per country, date and type of election,
 * with the source that announces or records it and the import it came from. A new import
 * replaces a row with the same country, date and type.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('elections')
    .addColumn('country_id', 'text', (c) => c.notNull())
    .addColumn('date', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('file', 'text', (c) => c.notNull())
    .addColumn('line', 'integer', (c) => c.notNull())
    .addColumn('recorded_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('elections_pk', ['country_id', 'date', 'type'])
    .execute();
  await db.schema.createIndex('elections_by_date').on('elections').columns(['date']).execute();
}

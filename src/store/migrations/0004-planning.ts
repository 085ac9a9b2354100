import type { Kysely } from 'kysely';
import { serialKey } from './context.js';
import type { MigrationContext } from './context.js';

/**
 * From risk to advice: the capacity map (actors, what they can deliver where, their links),
 * needs assessments (every version kept) and analysts' judgements on a country's situation.
 * Every table of private items carries an owning organisation and a sharing level.
 */
export async function up(db: Kysely<unknown>, ctx: MigrationContext): Promise<void> {
  await db.schema
    .createTable('capacity_actors')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('illustrative', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('organisation', 'text')
    .addColumn('tlp', 'text', (c) => c.notNull().defaultTo('GREEN'))
    .addColumn('imported_from', 'text', (c) => c.notNull())
    .addColumn('imported_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('capacity_entries')
    .addColumn('id', 'integer', serialKey(ctx))
    .addColumn('actor_id', 'text', (c) => c.notNull())
    .addColumn('measure_id', 'text', (c) => c.notNull())
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('current_use', 'text', (c) => c.notNull())
    .addColumn('prevention_use', 'text', (c) => c.notNull())
    .addColumn('commitment', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('capacity_entries_actor')
    .on('capacity_entries')
    .column('actor_id')
    .execute();
  await db.schema
    .createTable('capacity_links')
    .addColumn('actor_id', 'text', (c) => c.notNull())
    .addColumn('linked_actor_id', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('capacity_links_pk', ['actor_id', 'linked_actor_id'])
    .execute();
  await db.schema
    .createTable('needs_assessments')
    .addColumn('id', 'integer', serialKey(ctx))
    .addColumn('country_id', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('as_of', 'text', (c) => c.notNull())
    .addColumn('document', 'text', (c) => c.notNull())
    .addColumn('note', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('organisation', 'text')
    .addColumn('tlp', 'text', (c) => c.notNull().defaultTo('AMBER'))
    .addUniqueConstraint('needs_assessments_version', ['country_id', 'version'])
    .execute();
  await db.schema
    .createTable('situation_overrides')
    .addColumn('id', 'integer', serialKey(ctx))
    .addColumn('country_id', 'text', (c) => c.notNull())
    .addColumn('situation', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('effective_from', 'text', (c) => c.notNull())
    .addColumn('withdrawn_at', 'text')
    .addColumn('organisation', 'text')
    .addColumn('tlp', 'text', (c) => c.notNull().defaultTo('AMBER'))
    .execute();
  await db.schema
    .createIndex('situation_overrides_country')
    .on('situation_overrides')
    .column('country_id')
    .execute();
}

import type { Kysely } from 'kysely';
import { serialKey } from './context.js';
import type { MigrationContext } from './context.js';

/**
 * Analyst judgement: a factor severity set or overridden for a country in one framework,
 * with the reason, the source, who and when. Rows are never updated: a new judgement is a
 * new row, and `withdrawn_at` marks one that no longer applies.
 */
export async function up(db: Kysely<unknown>, ctx: MigrationContext): Promise<void> {
  await db.schema
    .createTable('factor_overrides')
    .addColumn('id', 'integer', serialKey(ctx))
    .addColumn('framework_id', 'text', (c) => c.notNull())
    .addColumn('country_id', 'text', (c) => c.notNull())
    .addColumn('factor_id', 'text', (c) => c.notNull())
    .addColumn('severity', 'double precision', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('effective_from', 'text')
    .addColumn('withdrawn_at', 'text')
    .addColumn('organisation', 'text')
    .addColumn('tlp', 'text', (c) => c.notNull().defaultTo('AMBER'))
    .execute();
  await db.schema
    .createIndex('factor_overrides_lookup')
    .on('factor_overrides')
    .columns(['framework_id', 'country_id'])
    .execute();
}

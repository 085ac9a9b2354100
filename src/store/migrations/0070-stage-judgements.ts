import type { Kysely } from 'kysely';
import { serialKey } from './context.js';
import type { MigrationContext } from './context.js';

/**
 * Analysts' judgements of a country's escalation stage, kept like situation judgements: with
 * a reason and a source, owned by an organisation and shared under a sharing level, withdrawn
 * rather than deleted. `perpetrators` and `at_risk` are the actors the analyst names, joined
 * by newlines (empty when none).
 */
export async function up(db: Kysely<unknown>, ctx: MigrationContext): Promise<void> {
  await db.schema
    .createTable('stage_overrides')
    .addColumn('id', 'integer', serialKey(ctx))
    .addColumn('country_id', 'text', (c) => c.notNull())
    .addColumn('stage', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('perpetrators', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('at_risk', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('effective_from', 'text', (c) => c.notNull())
    .addColumn('withdrawn_at', 'text')
    .addColumn('organisation', 'text')
    .addColumn('tlp', 'text', (c) => c.notNull().defaultTo('AMBER'))
    .execute();
  await db.schema
    .createIndex('stage_overrides_country')
    .on('stage_overrides')
    .column('country_id')
    .execute();
}

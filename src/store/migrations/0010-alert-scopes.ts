import { sql } from 'kysely';
import type { Kysely } from 'kysely';

/**
 * An alert keeps the level and owner it was raised with: `scope` is `SHARING/ORGANISATION`
 * (organisation empty when none), and at most one alert is open per key *and scope*. A
 * repeat of the same condition at another level or for another owner raises an alert of its
 * own instead of rewriting the open one, so that what its readers and webhook subscribers
 * were told stays at the level they were cleared for. Existing alerts get the scope of
 * their current level and owner.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('alerts')
    .addColumn('scope', 'text', (c) => c.notNull().defaultTo(''))
    .execute();
  await sql`update alerts set scope = sharing || '/' || coalesce(organisation, '')`.execute(db);
  await db.schema.dropIndex('alerts_open_key').execute();
  await db.schema
    .createIndex('alerts_open_key_scope')
    .on('alerts')
    .columns(['dedup_key', 'scope'])
    .unique()
    .where(sql.ref('resolved_at'), 'is', null)
    .execute();
}

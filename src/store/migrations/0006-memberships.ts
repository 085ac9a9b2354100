import { sql } from 'kysely';
import type { Kysely } from 'kysely';

/**
 * Memberships: a user may belong to several organisations, with a role in each. Every user
 * gets the membership of the organisation and role they had (their home organisation), so
 * existing sessions and tokens keep the access they had. Sessions gain the organisation they
 * act for and API tokens the one they are bound to; null (rows from before this migration)
 * stands for the user's home organisation.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('memberships')
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('organisation_id', 'text', (c) => c.notNull().references('organisations.id'))
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('memberships_pk', ['user_id', 'organisation_id'])
    .execute();
  await db.schema
    .createIndex('memberships_by_organisation')
    .on('memberships')
    .column('organisation_id')
    .execute();
  await sql`insert into memberships (user_id, organisation_id, role, created_at)
    select id, organisation_id, role, created_at from users`.execute(db);
  await db.schema
    .alterTable('sessions')
    .addColumn('organisation_id', 'text', (c) => c.references('organisations.id'))
    .execute();
  await db.schema
    .alterTable('api_tokens')
    .addColumn('organisation_id', 'text', (c) => c.references('organisations.id'))
    .execute();
}

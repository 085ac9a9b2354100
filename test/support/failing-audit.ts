import { sql } from 'kysely';
import type { Store } from '../../src/store/database.js';
import type { Schema } from '../../src/store/schema.js';

/** What a write refused by `failAuditAppends` fails with. */
export const AUDIT_UNAVAILABLE = 'the audit trail is unavailable';

/**
 * Makes every insert into `audit_log` fail, by a trigger of the database itself (no stand-in
 * for the store): a write that appends its audit entry in the same transaction as its change
 * is then refused as a whole. Resolves to the function that removes the trigger again.
 */
export async function failAuditAppends(store: Store): Promise<() => Promise<void>> {
  if (store.dialect === 'sqlite') {
    await sql`create trigger audit_unavailable before insert on audit_log
      begin select raise(abort, ${sql.raw(`'${AUDIT_UNAVAILABLE}'`)}); end`.execute(store.db);
    return async () => {
      await sql`drop trigger audit_unavailable`.execute(store.db);
    };
  }
  await sql`create function audit_unavailable() returns trigger language plpgsql as $$
    begin raise exception ${sql.raw(`'${AUDIT_UNAVAILABLE}'`)}; end $$`.execute(store.db);
  await sql`create trigger audit_unavailable before insert on audit_log
    for each row execute function audit_unavailable()`.execute(store.db);
  return async () => {
    await sql`drop trigger audit_unavailable on audit_log`.execute(store.db);
    await sql`drop function audit_unavailable()`.execute(store.db);
  };
}

/** Every row of `tables`, in a stable order: equal before and after a write that left nothing. */
export async function tableRows(
  store: Store,
  tables: readonly (keyof Schema)[],
): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const t of tables) {
    const rows = await store.db.selectFrom(t).selectAll().execute();
    out[t] = rows
      .map((r) => JSON.stringify(r))
      .sort()
      .map((r) => JSON.parse(r) as unknown);
  }
  return out;
}

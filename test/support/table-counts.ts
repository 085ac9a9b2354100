import type { Store } from '../../src/store/database.js';
import type { Schema } from '../../src/store/schema.js';

/**
 * Row counts of the given tables: "the database is exactly as before" is these being equal
 * before and after a failed import.
 */
export async function tableCounts(
  store: Store,
  tables: readonly (keyof Schema)[],
): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const t of tables) {
    const row = await store.db
      .selectFrom(t)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    out[t] = Number(row.n);
  }
  return out;
}

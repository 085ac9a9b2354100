import { createStore, resolveDatabaseUrl } from '../store/database.js';
import type { Store } from '../store/database.js';
import { migrateToLatest } from '../store/migrations.js';

/**
 * Opens the store named by `--db` (or `LENS_DATABASE_URL`, or the per-user default file)
 * and brings its schema up to date. `auditKeyFile`: where the audit keys live, when not in
 * their default place (`auditKeyPath`).
 */
export async function openStore(
  dbFlag?: string,
  pgSchema?: string,
  options: { auditKeyFile?: string } = {},
): Promise<Store> {
  const store = await createStore({ url: resolveDatabaseUrl(dbFlag), pgSchema, ...options });
  try {
    await migrateToLatest(store);
  } catch (error) {
    await store.close();
    throw error;
  }
  return store;
}

/** Runs `fn` with an open store and closes it afterwards, whatever happens. */
export async function withStore<T>(
  dbFlag: string | undefined,
  fn: (store: Store) => Promise<T>,
): Promise<T> {
  const store = await openStore(dbFlag);
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

/** The open store, for callers (the CLI) that pass it between services. */
export type { Store } from '../store/database.js';

import { Migrator } from 'kysely';
import type { Kysely, Migration, MigrationProvider } from 'kysely';
import type { Store } from './database.js';
import type { MigrationContext } from './migrations/context.js';
import * as initial from './migrations/0001-initial.js';
import * as events from './migrations/0002-events.js';
import * as overrides from './migrations/0003-overrides.js';
import * as identity from './migrations/0005-identity.js';
import * as planning from './migrations/0004-planning.js';
import * as memberships from './migrations/0006-memberships.js';
import * as releaseFingerprints from './migrations/0007-release-fingerprints.js';
import * as alertScopes from './migrations/0010-alert-scopes.js';
import * as auditKeys from './migrations/0030-audit-keys.js';
import * as stageJudgements from './migrations/0070-stage-judgements.js';
import * as unknownAccountability from './migrations/0050-unknown-accountability.js';
import * as elections from './migrations/0051-elections.js';

/** A migration module: `up` receives the database and the engine it runs on. */
interface MigrationModule {
  up(db: Kysely<unknown>, ctx: MigrationContext): Promise<void>;
}

/**
 * Versioned schema migrations, applied in name order by `migrateToLatest` on every open.
 * A migration is never edited once released: changes come as a new entry here.
 */
const MIGRATIONS: Record<string, MigrationModule> = {
  '0001-initial': initial,
  '0002-events': events,
  '0003-overrides': overrides,
  '0004-planning': planning,
  '0005-identity': identity,
  '0006-memberships': memberships,
  '0007-release-fingerprints': releaseFingerprints,
  '0010-alert-scopes': alertScopes,
  '0030-audit-keys': auditKeys,
  '0070-stage-judgements': stageJudgements,
  '0050-unknown-accountability': unknownAccountability,
  '0051-elections': elections,
};

/** Applies every migration not yet applied; throws with the failing migration's name. */
export async function migrateToLatest(store: Store): Promise<void> {
  const ctx: MigrationContext = { dialect: store.dialect };
  const all: Record<string, Migration> = {};
  for (const [name, m] of Object.entries(MIGRATIONS)) all[name] = { up: (db) => m.up(db, ctx) };
  const provider: MigrationProvider = { getMigrations: async () => all };
  // Migrations written in parallel branches may land out of name order.
  const migrator = new Migrator({
    db: store.db,
    provider,
    allowUnorderedMigrations: true,
    // Without it Kysely may find the bookkeeping tables of another schema and skip creating them.
    ...(store.pgSchema ? { migrationTableSchema: store.pgSchema } : {}),
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`database migration ${failed} failed: ${(error as Error).message}`);
  }
}

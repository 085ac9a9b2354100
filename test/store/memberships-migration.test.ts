import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { after, it } from 'node:test';
import { Migrator } from 'kysely';
import type { Migration } from 'kysely';
import { openStore } from '../../src/services/context.js';
import { authenticate, createApiToken } from '../../src/services/identity.js';
import { createStore } from '../../src/store/database.js';
import * as initial from '../../src/store/migrations/0001-initial.js';
import * as events from '../../src/store/migrations/0002-events.js';
import * as overrides from '../../src/store/migrations/0003-overrides.js';
import * as planning from '../../src/store/migrations/0004-planning.js';
import * as identity from '../../src/store/migrations/0005-identity.js';
import { onEveryStore } from '../support/stores.js';

const T0 = '2026-01-15T09:00:00.000Z';
const SESSION = 'a session opened before memberships';
const CSRF = 'its csrf token';
const TOKEN = 'lens_a-token-made-before-memberships';

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

onEveryStore('migration 0006-memberships', (target) => {
  after(() => target.cleanup());

  it('gives users of an older store the membership of their organisation and role; their sessions and tokens keep working', async () => {
    const where = target.blank();
    const old = await createStore(where);
    const ctx = { dialect: old.dialect };
    const before: Record<string, Migration> = {};
    for (const [name, m] of [
      ['0001-initial', initial],
      ['0002-events', events],
      ['0003-overrides', overrides],
      ['0004-planning', planning],
      ['0005-identity', identity],
    ] as const)
      before[name] = { up: (db) => m.up(db, ctx) };
    const migrated = await new Migrator({
      db: old.db,
      provider: { getMigrations: async () => before },
      ...(old.pgSchema ? { migrationTableSchema: old.pgSchema } : {}),
    }).migrateToLatest();
    assert.equal(migrated.error, undefined);
    await old.db
      .insertInto('organisations')
      .values([
        { id: 'org-a', name: 'A', kind: 'un-office', created_at: T0 },
        { id: 'org-b', name: 'B', kind: 'ngo', created_at: T0 },
      ])
      .execute();
    // Written as 0005 knew the tables (no membership, no session or token organisation).
    const ids: Record<string, number> = {};
    for (const [username, org, role] of [
      ['ana', 'org-a', 'analyst'],
      ['bo', 'org-b', 'viewer'],
    ] as const)
      await old.db
        .insertInto('users')
        .values({
          username,
          display_name: username,
          email: null,
          organisation_id: org,
          role,
          password_hash: null,
          failed_attempts: 0,
          locked_until: null,
          disabled: 0,
          created_at: T0,
        } as never)
        .execute();
    for (const u of await old.db.selectFrom('users').select(['id', 'username']).execute())
      ids[u.username] = Number(u.id);
    await old.db
      .insertInto('sessions')
      .values({
        token_hash: sha256(SESSION),
        csrf_hash: sha256(CSRF),
        user_id: ids.ana,
        created_at: T0,
        expires_at: '2999-01-01T00:00:00.000Z',
        ended_at: null,
      } as never)
      .execute();
    await old.db
      .insertInto('api_tokens')
      .values({
        token_hash: sha256(TOKEN),
        name: 'old',
        user_id: ids.bo,
        scopes: '["read"]',
        created_at: T0,
        expires_at: null,
        revoked_at: null,
        last_used_at: null,
      } as never)
      .execute();
    await old.close();

    const store = await openStore(where.url, where.pgSchema, where);
    try {
      const rows = await store.db
        .selectFrom('memberships')
        .select(['user_id', 'organisation_id', 'role', 'created_at'])
        .orderBy('organisation_id')
        .execute();
      assert.deepEqual(
        rows.map((r) => [Number(r.user_id), r.organisation_id, r.role, r.created_at]),
        [
          [ids.ana, 'org-a', 'analyst', T0],
          [ids.bo, 'org-b', 'viewer', T0],
        ],
      );
      const session = await authenticate(
        store,
        { session: SESSION, csrf: CSRF },
        { unsafe: true, now: T0 },
      );
      assert.deepEqual(session.kind === 'user' && [session.organisationId, session.role], [
        'org-a',
        'analyst',
      ]);
      const token = await authenticate(store, { bearer: TOKEN }, { now: T0 });
      assert.deepEqual(token.kind === 'user' && [token.organisationId, token.role, token.scopes], [
        'org-b',
        'viewer',
        ['read'],
      ]);
      // A token made now is bound to the user's home organisation by default.
      const made = await createApiToken(
        store,
        { kind: 'system' },
        {
          username: 'ana',
          name: 'new',
          scopes: ['read'],
        },
      );
      assert.equal(made.record.organisationId, 'org-a');
    } finally {
      await store.close();
    }
  });
});

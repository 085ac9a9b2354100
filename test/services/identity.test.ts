import { strict as assert } from 'node:assert';
import { after, before, it } from 'node:test';
import {
  ANONYMOUS,
  AuthenticationError,
  LOCK_MINUTES,
  MAX_FAILED_SIGN_INS,
  SYSTEM,
  authenticate,
  createApiToken,
  createOrganisation,
  createUser,
  revokeApiToken,
  setPassword,
  setUserDisabled,
  signIn,
  signOut,
} from '../../src/services/identity.js';
import { canDo } from '../../src/store/access.js';
import type { Store } from '../../src/store/database.js';
import { onEveryStore } from '../support/stores.js';

const T0 = '2026-01-15T09:00:00.000Z';
const PASSWORD = 'correct horse battery staple';

function at(minutes: number): string {
  return new Date(Date.parse(T0) + minutes * 60_000).toISOString();
}

async function refused(p: Promise<unknown>, reason: string): Promise<void> {
  await assert.rejects(p, (e: unknown) => e instanceof AuthenticationError && e.reason === reason);
}

onEveryStore('identity', (target) => {
  let store: Store;
  before(async () => {
    store = await target.fresh();
    await createOrganisation(store, SYSTEM, {
      id: 'osapg',
      name: 'UN Office on Genocide Prevention',
      kind: 'un-office',
      now: T0,
    });
    await createUser(store, SYSTEM, {
      username: 'amina',
      organisationId: 'osapg',
      role: 'analyst',
      password: PASSWORD,
      now: T0,
    });
  });
  after(async () => {
    await store.close();
    await target.cleanup();
  });

  it('stores passwords as argon2id hashes and refuses bad input with the field named', async () => {
    const row = await store.db
      .selectFrom('users')
      .select('password_hash')
      .where('username', '=', 'amina')
      .executeTakeFirstOrThrow();
    assert.match(
      row.password_hash!,
      /^\$argon2id\$v=19\$m=\d+,t=\d+,p=\d+\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/,
    );
    assert.ok(!row.password_hash!.includes(PASSWORD));
    await assert.rejects(
      createUser(store, SYSTEM, {
        username: 'bo',
        organisationId: 'osapg',
        role: 'analyst',
        password: 'short',
      }),
      /column "password": the password is too short \(expected at least 12 characters\)/,
    );
    await assert.rejects(
      createUser(store, SYSTEM, { username: 'bo', organisationId: 'osapg', role: 'boss' }),
      /column "role": unknown role "boss"/,
    );
    await assert.rejects(
      createUser(store, SYSTEM, { username: 'bo', organisationId: 'nowhere', role: 'viewer' }),
      /column "org": no organisation "nowhere"/,
    );
    await assert.rejects(
      createOrganisation(store, SYSTEM, { id: 'x1', name: 'X', kind: 'club' }),
      /column "kind": unknown organisation kind "club"/,
    );
  });

  it('signs in with the right password and refuses a wrong one or an unknown user alike', async () => {
    const s = await signIn(store, { username: 'amina', password: PASSWORD }, { now: T0 });
    assert.equal(s.principal.organisationId, 'osapg');
    assert.equal(s.principal.role, 'analyst');
    assert.equal(s.expiresAt, at(8 * 60));
    await refused(
      signIn(store, { username: 'amina', password: 'wrong password!' }, { now: T0 }),
      'invalid-credentials',
    );
    await refused(
      signIn(store, { username: 'nobody', password: PASSWORD }, { now: T0 }),
      'invalid-credentials',
    );
    // A success resets the count of failures.
    await signIn(store, { username: 'amina', password: PASSWORD }, { now: T0 });
  });

  it(`locks the account for ${LOCK_MINUTES} minutes after ${MAX_FAILED_SIGN_INS} failures in a row`, async () => {
    await createUser(store, SYSTEM, {
      username: 'lock-me',
      organisationId: 'osapg',
      role: 'viewer',
      password: PASSWORD,
      now: T0,
    });
    for (let i = 1; i < MAX_FAILED_SIGN_INS; i++)
      await refused(
        signIn(store, { username: 'lock-me', password: `bad guess ${i}!!` }, { now: at(i) }),
        'invalid-credentials',
      );
    await refused(
      signIn(store, { username: 'lock-me', password: 'bad guess 5!!!' }, { now: at(5) }),
      'locked',
    );
    // Locked: even the right password is refused until the lock ends.
    await refused(
      signIn(store, { username: 'lock-me', password: PASSWORD }, { now: at(6) }),
      'locked',
    );
    await refused(
      signIn(store, { username: 'lock-me', password: PASSWORD }, { now: at(5 + LOCK_MINUTES - 1) }),
      'locked',
    );
    const s = await signIn(
      store,
      { username: 'lock-me', password: PASSWORD },
      { now: at(5 + LOCK_MINUTES) },
    );
    assert.equal(s.user.username, 'lock-me');
    // An operator's password reset also unlocks.
    for (let i = 1; i <= MAX_FAILED_SIGN_INS; i++)
      await signIn(
        store,
        { username: 'lock-me', password: 'nope nope nope' },
        { now: at(30 + i) },
      ).catch(() => undefined);
    await refused(
      signIn(store, { username: 'lock-me', password: PASSWORD }, { now: at(36) }),
      'locked',
    );
    await setPassword(store, SYSTEM, 'lock-me', 'a brand new passphrase', at(37));
    await signIn(
      store,
      { username: 'lock-me', password: 'a brand new passphrase' },
      { now: at(38) },
    );
  });

  it('authenticates sessions until they expire or end, and checks the CSRF token on writes', async () => {
    const s = await signIn(store, { username: 'amina', password: PASSWORD }, { now: T0 });
    const read = await authenticate(store, { session: s.sessionToken }, { now: at(60) });
    assert.equal(read.kind, 'user');
    // Writes need the session's own CSRF token.
    await refused(
      authenticate(store, { session: s.sessionToken }, { now: at(60), unsafe: true }),
      'csrf',
    );
    const other = await signIn(store, { username: 'amina', password: PASSWORD }, { now: T0 });
    await refused(
      authenticate(
        store,
        { session: s.sessionToken, csrf: other.csrfToken },
        { now: at(60), unsafe: true },
      ),
      'csrf',
    );
    const write = await authenticate(
      store,
      { session: s.sessionToken, csrf: s.csrfToken },
      { now: at(60), unsafe: true },
    );
    assert.equal(write.kind, 'user');
    await refused(
      authenticate(store, { session: s.sessionToken }, { now: s.expiresAt }),
      'expired',
    );
    await signOut(store, other.sessionToken, at(61));
    await refused(
      authenticate(store, { session: other.sessionToken }, { now: at(62) }),
      'invalid-credentials',
    );
    await refused(
      authenticate(store, { session: 'made-up' }, { now: at(62) }),
      'invalid-credentials',
    );
    assert.deepEqual(await authenticate(store, {}, { now: at(62) }), ANONYMOUS);
    // Only hashes are stored.
    const rows = await store.db
      .selectFrom('sessions')
      .select(['token_hash', 'csrf_hash'])
      .execute();
    assert.ok(
      rows.every((r) => r.token_hash !== s.sessionToken && /^[0-9a-f]{64}$/.test(r.token_hash)),
    );
  });

  it('limits API tokens to their scopes, and refuses revoked, expired and disabled ones', async () => {
    const reader = await createApiToken(store, SYSTEM, {
      username: 'amina',
      name: 'dashboard',
      scopes: ['read'],
      now: T0,
    });
    assert.match(reader.token, /^lens_[A-Za-z0-9_-]{43}$/);
    const p = await authenticate(store, { bearer: reader.token }, { now: at(1) });
    assert.equal(p.kind === 'user' && p.scopes?.join(), 'read');
    assert.equal(canDo(p, 'submit-report'), false, 'a read token writes nothing');
    const writer = await createApiToken(store, SYSTEM, {
      username: 'amina',
      name: 'ingest',
      scopes: ['read', 'write'],
      expiresAt: at(60),
      now: T0,
    });
    const w = await authenticate(store, { bearer: writer.token }, { now: at(1) });
    assert.equal(canDo(w, 'submit-report'), true);
    assert.equal(canDo(w, 'administer'), false, 'an analyst never administers');
    await refused(authenticate(store, { bearer: writer.token }, { now: at(60) }), 'expired');
    await assert.rejects(
      createApiToken(store, SYSTEM, { username: 'amina', name: 'x', scopes: ['admin'], now: T0 }),
      /column "scopes": the admin scope is for admins/,
    );
    await assert.rejects(
      createApiToken(store, SYSTEM, { username: 'amina', name: 'x', scopes: ['delete'], now: T0 }),
      /column "scopes": unknown scope "delete"/,
    );
    await revokeApiToken(store, SYSTEM, reader.record.id, at(2));
    await refused(
      authenticate(store, { bearer: reader.token }, { now: at(3) }),
      'invalid-credentials',
    );
    await refused(
      authenticate(store, { bearer: 'lens_forged' }, { now: at(3) }),
      'invalid-credentials',
    );
    const third = await createApiToken(store, SYSTEM, {
      username: 'amina',
      name: 'y',
      scopes: ['read'],
      now: T0,
    });
    await setUserDisabled(store, SYSTEM, 'amina', true, at(4));
    await refused(authenticate(store, { bearer: third.token }, { now: at(5) }), 'disabled');
    await refused(
      signIn(store, { username: 'amina', password: PASSWORD }, { now: at(5) }),
      'disabled',
    );
    await setUserDisabled(store, SYSTEM, 'amina', false, at(6));
  });
});

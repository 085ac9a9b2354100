import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { after, before, it } from 'node:test';
import { listAudit } from '../../src/store/audit-repository.js';
import {
  ANONYMOUS,
  AccessDeniedError,
  AuthenticationError,
  LOCK_MINUTES,
  MAX_FAILED_SIGN_INS,
  SYSTEM,
  addMembership,
  authenticate,
  createApiToken,
  createOrganisation,
  createUser,
  membershipsOf,
  removeMembership,
  revokeApiToken,
  sessionCsrf,
  setPassword,
  setUserDisabled,
  signIn,
  signOut,
  switchOrganisation,
  userMemberships,
} from '../../src/services/identity.js';
import type { Principal } from '../../src/services/identity.js';
import { canDo } from '../../src/store/access.js';
import { deleteMembership } from '../../src/store/identity-repository.js';
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
  const lockedUntil = async (username: string) =>
    (
      await store.db
        .selectFrom('users')
        .select('locked_until')
        .where('username', '=', username)
        .executeTakeFirstOrThrow()
    ).locked_until;

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
    for (let i = 1; i <= MAX_FAILED_SIGN_INS; i++)
      await refused(
        signIn(store, { username: 'lock-me', password: `bad guess ${i}!!` }, { now: at(i) }),
        'invalid-credentials',
      );
    const locked = await lockedUntil('lock-me');
    assert.equal(locked, at(5 + LOCK_MINUTES));
    // Locked: even the right password is refused until the lock ends, answered as a wrong
    // one (the answer tells nothing of the account).
    await refused(
      signIn(store, { username: 'lock-me', password: PASSWORD }, { now: at(6) }),
      'invalid-credentials',
    );
    await refused(
      signIn(store, { username: 'lock-me', password: PASSWORD }, { now: at(5 + LOCK_MINUTES - 1) }),
      'invalid-credentials',
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
      'invalid-credentials',
    );
    await setPassword(store, SYSTEM, 'lock-me', 'a brand new passphrase', at(37));
    await signIn(
      store,
      { username: 'lock-me', password: 'a brand new passphrase' },
      { now: at(38) },
    );
  });

  it(`checks no more than ${MAX_FAILED_SIGN_INS} wrong passwords before the lock, however many attempts run at once`, async () => {
    await createUser(store, SYSTEM, {
      username: 'raced',
      organisationId: 'osapg',
      role: 'viewer',
      password: PASSWORD,
      now: T0,
    });
    const attempts = await Promise.allSettled(
      Array.from({ length: 40 }, (_, i) =>
        signIn(
          store,
          { username: 'raced', password: i === 20 ? PASSWORD : `guess number ${i}` },
          { now: at(1) },
        ),
      ),
    );
    const trail = await listAudit(store.db, { itemId: 'raced' });
    const actions = trail.map((e) => e.action);
    const signedIn = attempts.filter((a) => a.status === 'fulfilled').length;
    assert.equal(actions.filter((a) => a === 'sign-in').length, signedIn);
    assert.ok(signedIn <= 1);
    // Five in a row at most: before the right password (four then) and after it.
    const checkedWrong = trail.filter(
      (e) => e.action === 'sign-in-refused' && e.detail?.reason === 'invalid-credentials',
    ).length;
    const most = signedIn === 0 ? MAX_FAILED_SIGN_INS : 2 * MAX_FAILED_SIGN_INS - 1;
    assert.ok(checkedWrong <= most, `${checkedWrong} wrong passwords checked`);
    // A success never clears a lock that came before it.
    if (actions.includes('lock')) {
      if (signedIn) assert.ok(actions.indexOf('sign-in') < actions.lastIndexOf('lock'));
      assert.equal(await lockedUntil('raced'), at(1 + LOCK_MINUTES));
      await refused(
        signIn(store, { username: 'raced', password: PASSWORD }, { now: at(2) }),
        'invalid-credentials',
      );
    }

    // Forty wrong passwords at once: five are checked, the account locks once.
    await createUser(store, SYSTEM, {
      username: 'raced-again',
      organisationId: 'osapg',
      role: 'viewer',
      password: PASSWORD,
      now: T0,
    });
    const wrong = await Promise.allSettled(
      Array.from({ length: 40 }, (_, i) =>
        signIn(store, { username: 'raced-again', password: `guess ${i} again` }, { now: at(1) }),
      ),
    );
    assert.ok(wrong.every((a) => a.status === 'rejected'));
    const again = await listAudit(store.db, { itemId: 'raced-again' });
    assert.equal(
      again.filter(
        (e) => e.action === 'sign-in-refused' && e.detail?.reason === 'invalid-credentials',
      ).length,
      MAX_FAILED_SIGN_INS,
    );
    assert.equal(again.filter((e) => e.action === 'lock').length, 1);
    assert.equal(await lockedUntil('raced-again'), at(1 + LOCK_MINUTES));
    await refused(
      signIn(store, { username: 'raced-again', password: PASSWORD }, { now: at(2) }),
      'invalid-credentials',
    );
  });

  it('answers a disabled or locked account like a wrong password, and tells the state only to the right one', async () => {
    await createUser(store, SYSTEM, {
      username: 'gone',
      organisationId: 'osapg',
      role: 'viewer',
      password: PASSWORD,
      now: T0,
    });
    await setUserDisabled(store, SYSTEM, 'gone', true, T0);
    const answer = (p: Promise<unknown>) =>
      p.then(
        () => 'signed in',
        (e: unknown) => (e instanceof AuthenticationError ? [e.reason, e.message] : e),
      );
    const wrongOfEnabled = await answer(
      signIn(store, { username: 'amina', password: 'not her password' }, { now: at(1) }),
    );
    await signIn(store, { username: 'amina', password: PASSWORD }, { now: at(1) });
    const unknown = await answer(
      signIn(store, { username: 'no-such-user', password: 'whatever it is' }, { now: at(1) }),
    );
    const wrongOfDisabled = await answer(
      signIn(store, { username: 'gone', password: 'not the password' }, { now: at(1) }),
    );
    assert.deepEqual(wrongOfDisabled, wrongOfEnabled);
    assert.deepEqual(unknown, wrongOfEnabled);
    // The password of a disabled account is checked: its failures count toward the lock.
    const trail = await listAudit(store.db, { itemId: 'gone' });
    assert.deepEqual(
      trail.filter((e) => e.action === 'sign-in-refused').map((e) => e.detail?.reason),
      ['invalid-credentials'],
    );
    assert.deepEqual(
      await answer(signIn(store, { username: 'gone', password: PASSWORD }, { now: at(2) })),
      ['disabled', 'this account is disabled'],
    );
  });

  it('records the username tried as an attempted name, never as the actor', async () => {
    await assert.rejects(
      signIn(store, { username: 'chief@osapg', password: 'any password at all' }, { now: at(1) }),
    );
    await assert.rejects(
      signIn(store, { username: 'amina', password: 'not her password' }, { now: at(1) }),
    );
    const trail = (await listAudit(store.db)).filter(
      (e) => e.detail?.attempted === 'chief@osapg' || e.detail?.attempted === 'amina',
    );
    assert.ok(trail.length >= 2);
    for (const e of trail) assert.equal(e.actor, 'anonymous');
    assert.ok(
      (await listAudit(store.db)).every((e) => e.actor !== 'chief@osapg' && e.actor !== 'amina'),
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

/** Organisation and role of a principal, as `org/role`. */
function actingAs(p: Principal): string {
  return p.kind === 'user' ? `${p.organisationId}/${p.role}` : p.kind;
}

onEveryStore('organisation memberships', (target) => {
  let store: Store;
  before(async () => {
    store = await target.fresh();
    for (const [id, kind] of [
      ['org-a', 'un-office'],
      ['org-b', 'ngo'],
      ['org-c', 'research-group'],
    ] as const)
      await createOrganisation(store, SYSTEM, { id, name: id.toUpperCase(), kind, now: T0 });
    await createUser(store, SYSTEM, {
      username: 'duo',
      organisationId: 'org-a',
      role: 'analyst',
      password: PASSWORD,
      now: T0,
    });
    await createUser(store, SYSTEM, {
      username: 'boss-b',
      organisationId: 'org-b',
      role: 'admin',
      now: T0,
    });
  });
  after(async () => {
    await store.close();
    await target.cleanup();
  });

  it('gives every new user the membership of their home organisation', async () => {
    assert.deepEqual(await userMemberships(store, SYSTEM, 'duo'), [
      { id: 'org-a', name: 'ORG-A', kind: 'un-office', role: 'analyst', active: false, home: true },
    ]);
  });

  it('adds memberships with a role each; admins only in their own organisation', async () => {
    const bossB = await authenticate(store, {
      bearer: (
        await createApiToken(store, SYSTEM, {
          username: 'boss-b',
          name: 'admin',
          scopes: ['read', 'admin'],
          now: T0,
        })
      ).token,
    });
    await assert.rejects(
      addMembership(store, bossB, { username: 'duo', organisationId: 'org-c', role: 'viewer' }),
      AccessDeniedError,
    );
    const list = await addMembership(store, bossB, {
      username: 'duo',
      organisationId: 'org-b',
      role: 'viewer',
      now: at(1),
    });
    assert.deepEqual(
      list.map((m) => `${m.id}/${m.role}`),
      ['org-a/analyst', 'org-b/viewer'],
    );
    await assert.rejects(
      addMembership(store, SYSTEM, { username: 'duo', organisationId: 'org-b', role: 'admin' }),
      /column "org": duo is a member of org-b already/,
    );
    await assert.rejects(
      addMembership(store, SYSTEM, { username: 'duo', organisationId: 'org-c', role: 'boss' }),
      /column "role": unknown role "boss"/,
    );
    await assert.rejects(
      addMembership(store, SYSTEM, { username: 'duo', organisationId: 'nowhere', role: 'viewer' }),
      /column "org": no organisation "nowhere"/,
    );
    await assert.rejects(
      removeMembership(store, SYSTEM, { username: 'duo', organisationId: 'org-a' }),
      /column "org": org-a is the home organisation of duo/,
    );
    const added = (await listAudit(store.db, { itemId: 'duo' })).find(
      (e) => e.action === 'add-membership',
    );
    assert.equal(added?.actor, 'boss-b@org-b');
    assert.deepEqual(added?.detail, { organisation: 'org-b', role: 'viewer' });
  });

  it('switches the organisation a session acts for, with the role there and nothing more', async () => {
    const s = await signIn(store, { username: 'duo', password: PASSWORD }, { now: T0 });
    assert.equal(actingAs(s.principal), 'org-a/analyst');
    const switched = await switchOrganisation(store, s.sessionToken, 'org-b', at(2));
    assert.equal(actingAs(switched), 'org-b/viewer');
    const now = await authenticate(store, { session: s.sessionToken }, { now: at(3) });
    assert.equal(actingAs(now), 'org-b/viewer');
    assert.equal(
      canDo(now, 'submit-report'),
      false,
      'a viewer in org-b, whatever they are in org-a',
    );
    assert.deepEqual(
      (await membershipsOf(store, switched)).map((m) => [m.id, m.active]),
      [
        ['org-a', false],
        ['org-b', true],
      ],
    );
    // Another session of the same user keeps its own organisation.
    const other = await signIn(store, { username: 'duo', password: PASSWORD }, { now: at(3) });
    assert.equal(
      actingAs(await authenticate(store, { session: other.sessionToken }, { now: at(4) })),
      'org-a/analyst',
    );
    await assert.rejects(
      switchOrganisation(store, s.sessionToken, 'org-c', at(5)),
      (e: unknown) => e instanceof AccessDeniedError && /not a member of "org-c"/.test(e.message),
    );
    await assert.rejects(
      switchOrganisation(store, s.sessionToken, 'nowhere', at(5)),
      AccessDeniedError,
    );
    assert.equal(
      actingAs(await authenticate(store, { session: s.sessionToken }, { now: at(6) })),
      'org-b/viewer',
      'a refused switch changes nothing',
    );
    const trail = (await listAudit(store.db, { itemId: 'duo' })).filter((e) =>
      e.action.startsWith('switch-organisation'),
    );
    assert.deepEqual(
      trail.map((e) => [e.actor, e.action, e.detail]),
      [
        ['duo@org-a', 'switch-organisation', { from: 'org-a', to: 'org-b', role: 'viewer' }],
        ['duo@org-b', 'switch-organisation-refused', { organisation: 'org-c' }],
        ['duo@org-b', 'switch-organisation-refused', { organisation: 'nowhere' }],
      ],
    );
  });

  it('binds API tokens to one organisation, whatever sessions switch to', async () => {
    const inA = await createApiToken(store, SYSTEM, {
      username: 'duo',
      name: 'a',
      scopes: ['read', 'write'],
      now: T0,
    });
    assert.equal(inA.record.organisationId, 'org-a');
    const inB = await createApiToken(store, SYSTEM, {
      username: 'duo',
      name: 'b',
      scopes: ['read'],
      organisationId: 'org-b',
      now: T0,
    });
    const s = await signIn(store, { username: 'duo', password: PASSWORD }, { now: T0 });
    await switchOrganisation(store, s.sessionToken, 'org-b', at(1));
    assert.equal(actingAs(await authenticate(store, { bearer: inA.token })), 'org-a/analyst');
    assert.equal(actingAs(await authenticate(store, { bearer: inB.token })), 'org-b/viewer');
    await assert.rejects(
      createApiToken(store, SYSTEM, {
        username: 'duo',
        name: 'c',
        scopes: ['read'],
        organisationId: 'org-c',
      }),
      /column "org": duo is not a member of "org-c"/,
    );
  });

  it('refuses sessions and tokens of a membership once it is removed', async () => {
    await addMembership(store, SYSTEM, {
      username: 'duo',
      organisationId: 'org-c',
      role: 'analyst',
    });
    const s = await signIn(store, { username: 'duo', password: PASSWORD }, { now: T0 });
    await switchOrganisation(store, s.sessionToken, 'org-c', at(1));
    const token = await createApiToken(store, SYSTEM, {
      username: 'duo',
      name: 'c',
      scopes: ['read'],
      organisationId: 'org-c',
    });
    const list = await removeMembership(store, SYSTEM, {
      username: 'duo',
      organisationId: 'org-c',
    });
    assert.deepEqual(
      list.map((m) => m.id),
      ['org-a', 'org-b'],
    );
    await refused(
      authenticate(store, { session: s.sessionToken }, { now: at(2) }),
      'invalid-credentials',
    );
    await refused(authenticate(store, { bearer: token.token }), 'invalid-credentials');
    await assert.rejects(
      removeMembership(store, SYSTEM, { username: 'duo', organisationId: 'org-c' }),
      /column "org": duo is not a member of org-c/,
    );
    // Ended and revoked, not parked: adding the membership again does not revive them.
    await addMembership(store, SYSTEM, {
      username: 'duo',
      organisationId: 'org-c',
      role: 'analyst',
    });
    await refused(
      authenticate(store, { session: s.sessionToken }, { now: at(3) }),
      'invalid-credentials',
    );
    await refused(authenticate(store, { bearer: token.token }), 'invalid-credentials');
    await removeMembership(store, SYSTEM, { username: 'duo', organisationId: 'org-c' });
  });

  it("gives a session's CSRF token again to the holder of its cookie, and to nobody else", async () => {
    const s = await signIn(store, { username: 'duo', password: PASSWORD }, { now: T0 });
    const again = await sessionCsrf(store, s.sessionToken, at(1));
    assert.deepEqual(again, { csrfToken: s.csrfToken, expiresAt: s.expiresAt });
    const other = await signIn(store, { username: 'duo', password: PASSWORD }, { now: T0 });
    assert.notEqual(other.csrfToken, s.csrfToken);
    await refused(sessionCsrf(store, 'made-up', at(1)), 'invalid-credentials');
    await signOut(store, s.sessionToken, at(2));
    await refused(sessionCsrf(store, s.sessionToken, at(3)), 'invalid-credentials');
    await refused(sessionCsrf(store, other.sessionToken, other.expiresAt), 'expired');
  });

  it('reads a credential with its user and the membership it acts for, and refuses what they no longer allow', async () => {
    await createUser(store, SYSTEM, {
      username: 'trio',
      organisationId: 'org-a',
      role: 'analyst',
      password: PASSWORD,
      now: T0,
    });
    await addMembership(store, SYSTEM, {
      username: 'trio',
      organisationId: 'org-b',
      role: 'viewer',
    });
    const inB = await signIn(store, { username: 'trio', password: PASSWORD }, { now: T0 });
    await switchOrganisation(store, inB.sessionToken, 'org-b', at(1));
    const home = await signIn(store, { username: 'trio', password: PASSWORD }, { now: T0 });
    const token = (organisationId: string) =>
      createApiToken(store, SYSTEM, {
        username: 'trio',
        name: organisationId,
        scopes: ['read'],
        organisationId,
      });
    const tokenA = (await token('org-a')).token;
    const tokenB = (await token('org-b')).token;
    const session = (s: { sessionToken: string }) =>
      authenticate(store, { session: s.sessionToken }, { now: at(2) });
    assert.equal(actingAs(await session(inB)), 'org-b/viewer');
    assert.equal(actingAs(await session(home)), 'org-a/analyst');
    assert.equal(actingAs(await authenticate(store, { bearer: tokenB })), 'org-b/viewer');

    // Sessions and tokens from before memberships name no organisation: the home one's.
    const older = await signIn(store, { username: 'trio', password: PASSWORD }, { now: T0 });
    const olderToken = await token('org-b');
    await store.db
      .updateTable('sessions')
      .set({ organisation_id: null })
      .where('token_hash', '=', createHash('sha256').update(older.sessionToken).digest('hex'))
      .execute();
    await store.db
      .updateTable('api_tokens')
      .set({ organisation_id: null })
      .where('id', '=', olderToken.record.id)
      .execute();
    assert.equal(actingAs(await session(older)), 'org-a/analyst');
    assert.equal(
      actingAs(await authenticate(store, { bearer: olderToken.token })),
      'org-a/analyst',
    );

    // A membership gone while its session and token are still open (removing one ends them,
    // so only a store changed by other means has this): refused, the other membership unused.
    await deleteMembership(store.db, older.user.id, 'org-b');
    await assert.rejects(
      session(inB),
      (e: unknown) =>
        e instanceof AuthenticationError &&
        e.reason === 'invalid-credentials' &&
        /trio is no longer in org-b/.test(e.message),
    );
    await refused(authenticate(store, { bearer: tokenB }), 'invalid-credentials');
    assert.equal(actingAs(await session(home)), 'org-a/analyst');
    assert.equal(actingAs(await authenticate(store, { bearer: tokenA })), 'org-a/analyst');

    // A disabled user's open session and token (disabling ends sessions; this one was not).
    await store.db
      .updateTable('users')
      .set({ disabled: 1 })
      .where('username', '=', 'trio')
      .execute();
    await refused(session(home), 'disabled');
    await refused(authenticate(store, { bearer: tokenA }), 'disabled');
    await refused(
      authenticate(store, { session: home.sessionToken }, { now: home.expiresAt }),
      'expired',
    );
    await store.db
      .updateTable('users')
      .set({ disabled: 0 })
      .where('username', '=', 'trio')
      .execute();
    assert.equal(actingAs(await session(home)), 'org-a/analyst');
  });
});

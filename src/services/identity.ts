import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { hash as argon2Hash, verify as argon2Verify } from '@node-rs/argon2';
import type { Algorithm } from '@node-rs/argon2';
import type { Transaction } from 'kysely';
import { InputError } from '../core/errors.js';
import {
  AccessDeniedError,
  ANONYMOUS,
  ORGANISATION_KINDS,
  ROLES,
  ROLE_ACTIONS,
  SCOPES,
  canDo,
  describePrincipal,
  requireAction,
} from '../store/access.js';
import type {
  OrganisationKind,
  Principal,
  Role,
  Scope,
  UserPrincipal,
  WriteAction,
} from '../store/access.js';
import type { Store } from '../store/database.js';
import type { Schema } from '../store/schema.js';
import {
  clearFailures,
  deleteMembership,
  endSessions,
  findMembership,
  findSession,
  findSessionAccess,
  findToken,
  findTokenAccess,
  findUser,
  getOrganisation,
  insertMembership,
  insertOrganisation,
  insertSession,
  insertToken,
  insertUser,
  listMemberships,
  listOrganisations,
  listTokens,
  listUsers,
  lockAfterFailures,
  markToken,
  revokeTokens,
  setSessionOrganisation,
  takeSignInAttempt,
  updateUser,
} from '../store/identity-repository.js';
import type {
  Access,
  Membership,
  Organisation,
  SessionRecord,
  TokenRecord,
  UserRecord,
} from '../store/identity-repository.js';
import { audited, recordAudit } from './audit.js';
import type { AuditRecord, RecordAudit } from './audit.js';

export {
  ANONYMOUS,
  AccessDeniedError,
  ORGANISATION_KINDS,
  ROLES,
  SCOPES,
  SYSTEM,
} from '../store/access.js';
export type {
  OrganisationKind,
  Principal,
  Role,
  Scope,
  UserPrincipal,
  WriteAction,
} from '../store/access.js';
export type { Organisation } from '../store/identity-repository.js';

/** Failed sign-ins in a row after which an account is locked. */
export const MAX_FAILED_SIGN_INS = 5;
/** How long a locked account stays locked, in minutes. */
export const LOCK_MINUTES = 15;
/** Default lifetime of a session, in hours. */
export const SESSION_HOURS = 8;
/** Shortest password accepted, in characters. */
export const MIN_PASSWORD_LENGTH = 12;

// argon2id (the library's value 2): memory-hard, the OWASP-recommended password hash; the
// library's defaults (19 MiB, 2 passes, 1 lane) are OWASP's minimum profile.
const ARGON2ID = 2 as Algorithm;

/** Why authentication failed; the HTTP layer answers 401 (`locked`: 423, `csrf`: 403). */
export type AuthenticationFailure =
  'invalid-credentials' | 'locked' | 'disabled' | 'expired' | 'csrf';

/** A sign-in or credential that is refused. `reason` says why, `until` when a lock ends. */
export class AuthenticationError extends Error {
  constructor(
    readonly reason: AuthenticationFailure,
    message: string,
    readonly until?: string,
  ) {
    super(message);
    this.name = 'AuthenticationError';
  }
}

/** A user as shown to others (no password hash). */
export interface User {
  id: number;
  username: string;
  displayName: string;
  email: string | null;
  organisationId: string;
  role: Role;
  disabled: boolean;
  /** ISO timestamp until which sign-in is refused; null: not locked. */
  lockedUntil: string | null;
  createdAt: string;
}

function publicUser(u: UserRecord): User {
  return {
    id: u.id,
    username: u.username,
    displayName: u.displayName,
    email: u.email,
    organisationId: u.organisationId,
    role: u.role,
    disabled: u.disabled,
    lockedUntil: u.lockedUntil,
    createdAt: u.createdAt,
  };
}

/**
 * The principal of a user acting for one organisation with their role there (default their
 * home membership), with the scopes of the token used, if any.
 */
export function principalOf(
  u: UserRecord,
  scopes?: readonly Scope[],
  membership: Pick<Membership, 'organisationId' | 'role'> = u,
): UserPrincipal {
  return {
    kind: 'user',
    userId: u.id,
    username: u.username,
    organisationId: membership.organisationId,
    role: membership.role,
    ...(scopes ? { scopes: [...scopes] } : {}),
  };
}

/**
 * The principal of `u` acting for `organisationId` (null: their home organisation) through
 * `m`, their membership there, built from that membership alone: what the user may see and
 * do elsewhere never adds to it. AuthenticationError when there is no such membership
 * (removed since the session or token began).
 */
function memberPrincipal(
  u: UserRecord,
  organisationId: string | null,
  m: Membership | undefined,
  scopes?: readonly Scope[],
): UserPrincipal {
  if (!m)
    throw new AuthenticationError(
      'invalid-credentials',
      `${u.username} is no longer in ${organisationId ?? u.organisationId}`,
    );
  return principalOf(u, scopes, m);
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function secret(prefix = ''): string {
  return prefix + randomBytes(32).toString('base64url');
}

/**
 * The CSRF token of a session: an HMAC of a fixed label keyed by the session token, so the
 * server can give it again to whoever holds the session cookie (`sessionCsrf`) while only
 * its hash is stored, and the CSRF token reveals nothing of the session token.
 */
function csrfOf(sessionToken: string): string {
  return createHmac('sha256', sessionToken).update('lens csrf token').digest('base64url');
}

function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && timingSafeEqual(x, y);
}

function plusMinutes(iso: string, minutes: number): string {
  return new Date(Date.parse(iso) + minutes * 60_000).toISOString();
}

/** Checks an organisation or user id: lower-case letters, digits and dashes, 2 to 64. */
function checkId(value: string, column: string): string {
  if (!/^[a-z0-9][a-z0-9-]{1,63}$/.test(value))
    throw new InputError(`"${value}" is not a valid ${column}`, {
      column,
      expected: '2 to 64 lower-case letters, digits or dashes, starting with a letter or digit',
    });
  return value;
}

/** Checks a role: one of `ROLES`. */
function checkRole(role: string): Role {
  if (!ROLES.includes(role as Role))
    throw new InputError(`unknown role "${role}"`, { column: 'role', expected: ROLES.join(', ') });
  return role as Role;
}

/** The user `username`, or InputError naming the field `user`. */
async function requireUserRecord(store: Store, username: string): Promise<UserRecord> {
  const u = await findUser(store.db, { username });
  if (!u)
    throw new InputError(`no user "${username}"`, {
      column: 'user',
      expected: 'a username from `lens users list`',
    });
  return u;
}

/** The argon2id hash (PHC string) of a password, after checking its length. */
export async function hashPassword(password: string): Promise<string> {
  if (password.length < MIN_PASSWORD_LENGTH)
    throw new InputError('the password is too short', {
      column: 'password',
      expected: `at least ${MIN_PASSWORD_LENGTH} characters`,
    });
  return argon2Hash(password, { algorithm: ARGON2ID });
}

/**
 * Adds an organisation. The local operator and admins may (an admin's token needs the
 * `admin` scope). InputError for a bad id, an unknown kind or an id already taken.
 */
export async function createOrganisation(
  store: Store,
  principal: Principal,
  o: { id: string; name: string; kind: string; now?: string },
): Promise<Organisation> {
  requireAction(principal, 'administer');
  const id = checkId(o.id, 'id');
  if (!ORGANISATION_KINDS.includes(o.kind as OrganisationKind))
    throw new InputError(`unknown organisation kind "${o.kind}"`, {
      column: 'kind',
      expected: ORGANISATION_KINDS.join(', '),
    });
  if (o.name.trim() === '')
    throw new InputError('the name is missing', { column: 'name', expected: 'a name' });
  if (await getOrganisation(store.db, id))
    throw new InputError(`organisation "${id}" exists already`, {
      column: 'id',
      expected: 'a new id',
    });
  const org: Organisation = {
    id,
    name: o.name.trim(),
    kind: o.kind as OrganisationKind,
    createdAt: o.now ?? new Date().toISOString(),
  };
  await audited(store, async (trx, record) => {
    await insertOrganisation(trx, org);
    record({
      actor: principal,
      action: 'create',
      itemType: 'organisation',
      itemId: id,
      detail: { kind: org.kind, name: org.name },
      at: org.createdAt,
    });
  });
  return org;
}

/** Every organisation (names and kinds are not confidential; anyone signed in may list them). */
export async function organisations(store: Store, principal: Principal): Promise<Organisation[]> {
  if (principal.kind === 'anonymous') throw new AccessDeniedError('sign in to list organisations');
  return listOrganisations(store.db);
}

/** The organisation `id`, or InputError naming the field `column`. */
export async function requireOrganisation(
  store: Store,
  id: string,
  column = 'org',
): Promise<Organisation> {
  const org = await getOrganisation(store.db, id);
  if (!org)
    throw new InputError(`no organisation "${id}"`, {
      column,
      expected: 'an id from `lens orgs list`',
    });
  return org;
}

/** Whether `principal` administers users of `organisationId`: the operator, or its admins. */
function administers(principal: Principal, organisationId: string): boolean {
  if (!canDo(principal, 'administer')) return false;
  return (
    principal.kind === 'system' ||
    (principal.kind === 'user' && principal.organisationId === organisationId)
  );
}

/**
 * Adds a user to an organisation with a role and, optionally, a password (at least
 * `MIN_PASSWORD_LENGTH` characters; hashed with argon2id). The local operator adds users
 * anywhere, admins in their own organisation.
 */
export async function createUser(
  store: Store,
  principal: Principal,
  u: {
    username: string;
    displayName?: string;
    email?: string;
    organisationId: string;
    role: string;
    password?: string;
    now?: string;
  },
): Promise<User> {
  const username = checkId(u.username, 'username');
  await requireOrganisation(store, u.organisationId);
  if (!administers(principal, u.organisationId))
    throw new AccessDeniedError(
      `${describePrincipal(principal)} may not add users to ${u.organisationId}`,
    );
  const role = checkRole(u.role);
  if (await findUser(store.db, { username }))
    throw new InputError(`user "${username}" exists already`, {
      column: 'username',
      expected: 'a new username',
    });
  const createdAt = u.now ?? new Date().toISOString();
  const passwordHash = u.password === undefined ? null : await hashPassword(u.password);
  // The user, their home membership and the audit entry: all stored, or none.
  const id = await audited(store, async (trx, record) => {
    const id = await insertUser(trx, {
      username,
      displayName: u.displayName?.trim() || username,
      email: u.email ?? null,
      organisationId: u.organisationId,
      role,
      passwordHash,
      createdAt,
    });
    record({
      actor: principal,
      action: 'create',
      itemType: 'user',
      itemId: username,
      detail: { organisation: u.organisationId, role: u.role },
      at: createdAt,
    });
    return id;
  });
  return publicUser((await findUser(store.db, { id }))!);
}

/** Users the principal administers (the operator: all, or those of `organisationId`). */
export async function users(
  store: Store,
  principal: Principal,
  organisationId?: string,
): Promise<User[]> {
  if (principal.kind === 'user') {
    if (!administers(principal, principal.organisationId))
      throw new AccessDeniedError(`${describePrincipal(principal)} may not list users`);
    return (await listUsers(store.db, principal.organisationId)).map(publicUser);
  }
  if (principal.kind !== 'system') throw new AccessDeniedError('sign in to list users');
  return (await listUsers(store.db, organisationId)).map(publicUser);
}

async function userToAdminister(
  store: Store,
  principal: Principal,
  username: string,
): Promise<UserRecord> {
  const u = await findUser(store.db, { username });
  if (!u)
    throw new InputError(`no user "${username}"`, {
      column: 'username',
      expected: 'a username from `lens users list`',
    });
  const self = principal.kind === 'user' && principal.userId === u.id;
  if (!self && !administers(principal, u.organisationId))
    throw new AccessDeniedError(`${describePrincipal(principal)} may not change user ${username}`);
  return u;
}

/**
 * Sets a user's password (the user themself, an admin of their organisation, or the
 * operator), unlocks the account and ends its sessions.
 */
export async function setPassword(
  store: Store,
  principal: Principal,
  username: string,
  password: string,
  now: string = new Date().toISOString(),
): Promise<void> {
  const u = await userToAdminister(store, principal, username);
  const passwordHash = await hashPassword(password);
  await audited(store, async (trx, record) => {
    await updateUser(trx, u.id, { passwordHash, failedAttempts: 0, lockedUntil: null });
    await endSessions(trx, { userId: u.id }, now);
    record({
      actor: principal,
      action: 'set-password',
      itemType: 'user',
      itemId: username,
      at: now,
    });
  });
}

/** Disables (or, with `disabled` false, enables) a user; disabling ends their sessions. */
export async function setUserDisabled(
  store: Store,
  principal: Principal,
  username: string,
  disabled: boolean,
  now: string = new Date().toISOString(),
): Promise<User> {
  const u = await userToAdminister(store, principal, username);
  await audited(store, async (trx, record) => {
    await updateUser(trx, u.id, { disabled });
    if (disabled) await endSessions(trx, { userId: u.id }, now);
    record({
      actor: principal,
      action: disabled ? 'disable' : 'enable',
      itemType: 'user',
      itemId: username,
      at: now,
    });
  });
  return publicUser((await findUser(store.db, { id: u.id }))!);
}

/**
 * A new session: the token for the session cookie and the CSRF token. The session acts for
 * the user's home organisation until switched (`switchOrganisation`).
 */
export interface SignedIn {
  /** Goes in a Secure, HttpOnly, SameSite=Strict cookie. */
  sessionToken: string;
  /** Sent back by the client in a header on every state-changing request. */
  csrfToken: string;
  /** ISO timestamp. */
  expiresAt: string;
  principal: UserPrincipal;
  user: User;
}

// Verified when no password of the account may be checked (an unknown username, a locked
// account), so that the answer takes as long as for a wrong password.
let dummyHash: Promise<string> | undefined;

/** The same work as checking a password, against no one's. */
async function verifyNoOne(password: string): Promise<void> {
  dummyHash ??= argon2Hash('not a password of anyone', { algorithm: ARGON2ID });
  await argon2Verify(await dummyHash, password);
}

/** What every refused password, unknown username and locked account is told alike. */
const WRONG_PASSWORD = 'wrong username or password';

/**
 * Signs a user in with a password. After `MAX_FAILED_SIGN_INS` failures in a row the
 * account is locked for `LOCK_MINUTES`; while locked, no password is checked at all.
 *
 * Each attempt is counted among the failures before its password is checked (and the count
 * is reset only by a right password), so that however many attempts run at once, no more
 * than `MAX_FAILED_SIGN_INS` wrong passwords are ever checked before the lock. An unknown
 * username, a wrong password, a locked account and a disabled account with a wrong password
 * are answered alike (`invalid-credentials`, "wrong username or password") after the same
 * work (one argon2 verification); only the right password learns that its account is
 * disabled (`disabled`), or was locked while it was being checked (`locked`).
 *
 * Every attempt is audited with the username tried as `attempted`, never as the actor
 * (anyone may type any name). `now` ISO timestamp; `sessionHours` default `SESSION_HOURS`.
 */
export async function signIn(
  store: Store,
  credentials: { username: string; password: string },
  options: { now?: string; sessionHours?: number } = {},
): Promise<SignedIn> {
  const now = options.now ?? new Date().toISOString();
  const attempted = credentials.username;
  const u = await findUser(store.db, { username: attempted });
  const entry = (action: string, detail: Record<string, unknown>): AuditRecord => ({
    actor: ANONYMOUS,
    action,
    itemType: 'user',
    itemId: u ? u.username : null,
    detail: { attempted, ...detail },
    at: now,
  });
  const wrong = () => new AuthenticationError('invalid-credentials', WRONG_PASSWORD);
  if (!u || u.passwordHash === null) {
    await verifyNoOne(credentials.password);
    await recordAudit(store, entry('sign-in-refused', { reason: 'invalid-credentials' }));
    throw wrong();
  }
  const until = plusMinutes(now, LOCK_MINUTES);
  // The lock-out, stated where it happens (when the last failure is counted, or when an
  // attempt finds every one taken).
  const lock = async (trx: Transaction<Schema>, record: RecordAudit) => {
    if (await lockAfterFailures(trx, u.id, MAX_FAILED_SIGN_INS, now, until))
      record({
        actor: 'system',
        action: 'lock',
        itemType: 'user',
        itemId: u.username,
        detail: { until, failures: MAX_FAILED_SIGN_INS },
        at: now,
      });
  };
  const attempt = await audited(store, async (trx, record) => {
    const n = await takeSignInAttempt(trx, u.id, MAX_FAILED_SIGN_INS, now);
    if (n !== undefined) record(entry('sign-in-attempt', { attempt: n }));
    else {
      await lock(trx, record);
      record(entry('sign-in-refused', { reason: 'locked' }));
    }
    return n;
  });
  if (attempt === undefined) {
    await verifyNoOne(credentials.password);
    throw wrong();
  }
  // The password is checked outside any transaction: argon2 takes tens of milliseconds.
  if (!(await argon2Verify(u.passwordHash, credentials.password))) {
    // The failure, the lock-out it may cause and their audit entries: all stored, or none.
    await audited(store, async (trx, record) => {
      record(entry('sign-in-refused', { reason: 'invalid-credentials', failures: attempt }));
      await lock(trx, record);
    });
    throw wrong();
  }
  const sessionToken = secret();
  const csrfToken = csrfOf(sessionToken);
  const expiresAt = plusMinutes(now, (options.sessionHours ?? SESSION_HOURS) * 60);
  // The reset count, the session and the audit entry: all stored, or none. A lock taken
  // while the password was checked, or a disabling, stands.
  const signed = await audited(store, async (trx, record) => {
    if (!(await clearFailures(trx, u.id, now))) {
      const current = (await findUser(trx, { id: u.id }))!;
      const reason = current.disabled ? 'disabled' : 'locked';
      record(entry('sign-in-refused', { reason }));
      return current.disabled
        ? new AuthenticationError('disabled', 'this account is disabled')
        : new AuthenticationError(
            'locked',
            `too many failed sign-ins: locked until ${current.lockedUntil}`,
            current.lockedUntil ?? undefined,
          );
    }
    await insertSession(trx, {
      tokenHash: sha256(sessionToken),
      csrfHash: sha256(csrfToken),
      userId: u.id,
      organisationId: u.organisationId,
      createdAt: now,
      expiresAt,
    });
    const home = await findMembership(trx, u.id, u.organisationId);
    const principal = memberPrincipal(u, u.organisationId, home);
    record({ actor: principal, action: 'sign-in', itemType: 'user', itemId: u.username, at: now });
    return principal;
  });
  if (signed instanceof AuthenticationError) throw signed;
  return { sessionToken, csrfToken, expiresAt, principal: signed, user: publicUser(u) };
}

/** Ends a session (signing out); unknown tokens are ignored. */
export async function signOut(
  store: Store,
  sessionToken: string,
  now: string = new Date().toISOString(),
): Promise<void> {
  const s = await findSession(store.db, sha256(sessionToken));
  if (!s || s.endedAt !== null) return;
  await audited(store, async (trx, record) => {
    await endSessions(trx, { tokenHash: s.tokenHash }, now);
    record({ actor: `user:${s.userId}`, action: 'sign-out', itemType: 'session', at: now });
  });
}

/** What a request carries: an API token (`Authorization: Bearer …`) or a session cookie and CSRF token. */
export interface Credentials {
  bearer?: string;
  session?: string;
  csrf?: string;
}

/**
 * Who is making a request. A bearer token is an API token (its scopes limit the
 * principal); otherwise the session cookie, for which `unsafe` requests (anything but
 * GET, HEAD, OPTIONS) must also carry the session's CSRF token. Nothing: ANONYMOUS.
 * AuthenticationError for an unknown, expired, revoked or ended credential, a disabled
 * user, or a missing or wrong CSRF token.
 */
export async function authenticate(
  store: Store,
  credentials: Credentials,
  options: { now?: string; unsafe?: boolean } = {},
): Promise<Principal> {
  const now = options.now ?? new Date().toISOString();
  if (credentials.bearer !== undefined) {
    const found = await findTokenAccess(store.db, sha256(credentials.bearer));
    if (!found || found.token.revokedAt !== null)
      throw new AuthenticationError('invalid-credentials', 'unknown or revoked API token');
    const { token: t, user, membership } = found;
    if (t.expiresAt !== null && t.expiresAt <= now)
      throw new AuthenticationError('expired', 'the API token has expired');
    if (user.disabled) throw new AuthenticationError('disabled', 'this account is disabled');
    const principal = memberPrincipal(user, t.organisationId, membership, t.scopes);
    await markToken(store.db, t.id, 'last_used_at', now);
    return principal;
  }
  if (credentials.session !== undefined) {
    const { session, user, membership } = await openSession(store, credentials.session, now);
    if (
      options.unsafe &&
      !(credentials.csrf && sameHash(sha256(credentials.csrf), session.csrfHash))
    )
      throw new AuthenticationError('csrf', 'missing or wrong CSRF token');
    return memberPrincipal(user, session.organisationId, membership);
  }
  return ANONYMOUS;
}

/**
 * The session of `sessionToken`, its user and the membership it acts for (read in one
 * query), or AuthenticationError (unknown, ended, expired, disabled). The membership is
 * the caller's to check (`memberPrincipal`).
 */
async function openSession(
  store: Store,
  sessionToken: string,
  now: string,
): Promise<Access & { session: SessionRecord }> {
  const found = await findSessionAccess(store.db, sha256(sessionToken));
  if (!found || found.session.endedAt !== null)
    throw new AuthenticationError('invalid-credentials', 'unknown or ended session');
  if (found.session.expiresAt <= now)
    throw new AuthenticationError('expired', 'the session has expired');
  if (found.user.disabled) throw new AuthenticationError('disabled', 'this account is disabled');
  return found;
}

/**
 * The CSRF token of an open session, for a client that holds the session cookie but lost
 * the token (a new browser tab). Only the cookie's holder can ask: the cookie is HttpOnly
 * and SameSite=Strict, and the API allows no cross-origin reads. AuthenticationError as for
 * `authenticate`, and for sessions opened before CSRF tokens could be given again.
 */
export async function sessionCsrf(
  store: Store,
  sessionToken: string,
  now: string = new Date().toISOString(),
): Promise<{ csrfToken: string; expiresAt: string }> {
  const { session } = await openSession(store, sessionToken, now);
  const csrfToken = csrfOf(sessionToken);
  if (!sameHash(sha256(csrfToken), session.csrfHash))
    throw new AuthenticationError(
      'invalid-credentials',
      'the CSRF token of this session cannot be given again: sign in again',
    );
  return { csrfToken, expiresAt: session.expiresAt };
}

/** One organisation a user belongs to, as the user sees it. */
export interface OrganisationMembership {
  id: string;
  name: string;
  kind: OrganisationKind;
  /** The user's role there. */
  role: Role;
  /** Whether the caller acts for it now (the session's active organisation, the token's own). */
  active: boolean;
  /** Whether it is the user's home organisation (where a sign-in starts; never removed). */
  home: boolean;
}

async function membershipList(
  store: Store,
  u: UserRecord,
  active?: string,
): Promise<OrganisationMembership[]> {
  return (await listMemberships(store.db, u.id)).map((m) => ({
    id: m.organisationId,
    name: m.organisation.name,
    kind: m.organisation.kind,
    role: m.role,
    active: m.organisationId === active,
    home: m.organisationId === u.organisationId,
  }));
}

/**
 * The writes `principal`'s role and token scopes allow at all (an admin's list holds every
 * action), so an interface offers only those; whether one item may be changed is still
 * decided per item when the write is made.
 */
export function allowedActions(principal: Principal): WriteAction[] {
  return ROLE_ACTIONS.admin.filter((action) => canDo(principal, action));
}

/** The organisations `principal`'s user belongs to, by id, the one they act for marked active. */
export async function membershipsOf(
  store: Store,
  principal: UserPrincipal,
): Promise<OrganisationMembership[]> {
  const u = await findUser(store.db, { id: principal.userId });
  return u ? membershipList(store, u, principal.organisationId) : [];
}

/**
 * Makes the session of `sessionToken` act for `organisationId`, with the user's role there;
 * returns the new principal. AccessDeniedError when the user is not a member (an unknown
 * organisation too, so the answer tells nothing more). Switches and refusals are audited.
 */
export async function switchOrganisation(
  store: Store,
  sessionToken: string,
  organisationId: string,
  now: string = new Date().toISOString(),
): Promise<UserPrincipal> {
  const { session, user, membership } = await openSession(store, sessionToken, now);
  const from = memberPrincipal(user, session.organisationId, membership);
  const m = await findMembership(store.db, user.id, organisationId);
  if (!m) {
    await recordAudit(store, {
      actor: from,
      action: 'switch-organisation-refused',
      itemType: 'user',
      itemId: user.username,
      detail: { organisation: organisationId },
      at: now,
    });
    throw new AccessDeniedError(`${user.username} is not a member of "${organisationId}"`);
  }
  await audited(store, async (trx, record) => {
    await setSessionOrganisation(trx, session.tokenHash, m.organisationId);
    record({
      actor: from,
      action: 'switch-organisation',
      itemType: 'user',
      itemId: user.username,
      detail: { from: from.organisationId, to: m.organisationId, role: m.role },
      at: now,
    });
  });
  return principalOf(user, undefined, m);
}

/**
 * Makes a user a member of another organisation with `role` there. The local operator and
 * the admins of that organisation may. InputError for an unknown user, organisation or role,
 * or a membership the user has already (remove it first to change the role).
 */
export async function addMembership(
  store: Store,
  principal: Principal,
  m: { username: string; organisationId: string; role: string; now?: string },
): Promise<OrganisationMembership[]> {
  const u = await requireUserRecord(store, m.username);
  await requireOrganisation(store, m.organisationId);
  const role = checkRole(m.role);
  if (!administers(principal, m.organisationId))
    throw new AccessDeniedError(
      `${describePrincipal(principal)} may not add members to ${m.organisationId}`,
    );
  const now = m.now ?? new Date().toISOString();
  await audited(store, async (trx, record) => {
    if (await findMembership(trx, u.id, m.organisationId))
      throw new InputError(`${u.username} is a member of ${m.organisationId} already`, {
        column: 'org',
        expected: 'an organisation the user is not in (remove the membership to change the role)',
      });
    await insertMembership(trx, {
      userId: u.id,
      organisationId: m.organisationId,
      role,
      createdAt: now,
    });
    record({
      actor: principal,
      action: 'add-membership',
      itemType: 'user',
      itemId: u.username,
      detail: { organisation: m.organisationId, role },
      at: now,
    });
  });
  return membershipList(store, u);
}

/**
 * Ends a user's membership of an organisation (the local operator, or its admins). From then
 * on their sessions acting for it and their tokens bound to it are refused. The home
 * organisation stays: disable the user instead. InputError for an unknown user or membership.
 */
export async function removeMembership(
  store: Store,
  principal: Principal,
  m: { username: string; organisationId: string; now?: string },
): Promise<OrganisationMembership[]> {
  const u = await requireUserRecord(store, m.username);
  if (!administers(principal, m.organisationId))
    throw new AccessDeniedError(
      `${describePrincipal(principal)} may not remove members of ${m.organisationId}`,
    );
  if (m.organisationId === u.organisationId)
    throw new InputError(`${m.organisationId} is the home organisation of ${u.username}`, {
      column: 'org',
      expected: 'another of their organisations (to stop a user, disable them)',
    });
  const now = m.now ?? new Date().toISOString();
  // The membership goes with the sessions acting for it and the tokens bound to it, so that
  // adding it again later does not bring them back.
  await audited(store, async (trx, record) => {
    if (!(await deleteMembership(trx, u.id, m.organisationId)))
      throw new InputError(`${u.username} is not a member of ${m.organisationId}`, {
        column: 'org',
        expected: 'an organisation from `lens users memberships`',
      });
    await endSessions(trx, { userId: u.id, organisationId: m.organisationId }, now);
    await revokeTokens(trx, { userId: u.id, organisationId: m.organisationId }, now);
    record({
      actor: principal,
      action: 'remove-membership',
      itemType: 'user',
      itemId: u.username,
      detail: { organisation: m.organisationId },
      at: now,
    });
  });
  return membershipList(store, u);
}

/** A user's organisations and roles (the local operator, the user, or an admin of their home). */
export async function userMemberships(
  store: Store,
  principal: Principal,
  username: string,
): Promise<OrganisationMembership[]> {
  return membershipList(store, await userToAdminister(store, principal, username));
}

/** An API token as listed (never the token itself), with the organisation it is bound to. */
export type ApiToken = Omit<TokenRecord, 'tokenHash' | 'organisationId'> & {
  username: string;
  organisationId: string;
};

/** The organisation a token is bound to. */
function tokenOrganisation(t: TokenRecord, owner: UserRecord): string {
  return t.organisationId ?? owner.organisationId;
}

function withoutHash(t: TokenRecord, owner: UserRecord): ApiToken {
  return {
    id: t.id,
    name: t.name,
    userId: t.userId,
    username: owner.username,
    organisationId: tokenOrganisation(t, owner),
    scopes: t.scopes,
    createdAt: t.createdAt,
    expiresAt: t.expiresAt,
    revokedAt: t.revokedAt,
    lastUsedAt: t.lastUsedAt,
  };
}

/**
 * Creates an API token for a user with `scopes` (each of `SCOPES`), bound to one of their
 * organisations (`organisationId`; default the one a signed-in user acts for, else the
 * user's home organisation): it reads and writes as the user's role there, whatever the
 * user's sessions switch to. The token is returned once and only its hash is kept. Users
 * create tokens for themselves, admins for members of their organisation, the operator for
 * anyone; the `admin` scope only for admins. `expiresAt` ISO or absent (no expiry).
 */
export async function createApiToken(
  store: Store,
  principal: Principal,
  t: {
    username: string;
    name: string;
    scopes: readonly string[];
    organisationId?: string;
    expiresAt?: string;
    now?: string;
  },
): Promise<{ token: string; record: ApiToken }> {
  const u = await requireUserRecord(store, t.username);
  const self = principal.kind === 'user' && principal.userId === u.id;
  const organisationId = t.organisationId ?? (self ? principal.organisationId : u.organisationId);
  const membership = await findMembership(store.db, u.id, organisationId);
  if (!membership)
    throw new InputError(`${u.username} is not a member of "${organisationId}"`, {
      column: 'org',
      expected: "one of the user's organisations (`lens users memberships`)",
    });
  if (!self && !administers(principal, organisationId))
    throw new AccessDeniedError(
      `${describePrincipal(principal)} may not create tokens for ${t.username}`,
    );
  if (t.scopes.length === 0)
    throw new InputError('a token needs at least one scope', {
      column: 'scopes',
      expected: SCOPES.join(', '),
    });
  for (const s of t.scopes)
    if (!SCOPES.includes(s as Scope))
      throw new InputError(`unknown scope "${s}"`, {
        column: 'scopes',
        expected: SCOPES.join(', '),
      });
  if (t.scopes.includes('admin') && membership.role !== 'admin')
    throw new InputError(`the admin scope is for admins; ${u.username} is ${membership.role}`, {
      column: 'scopes',
      expected: 'read or write',
    });
  const now = t.now ?? new Date().toISOString();
  if (t.expiresAt !== undefined && !(Date.parse(t.expiresAt) > Date.parse(now)))
    throw new InputError(`"${t.expiresAt}" is not a future time`, {
      column: 'expires',
      expected: 'an ISO date or timestamp after now',
    });
  const token = secret('lens_');
  const scopes = [...new Set(t.scopes as Scope[])];
  const expiresAt = t.expiresAt === undefined ? null : new Date(t.expiresAt).toISOString();
  const id = await audited(store, async (trx, record) => {
    const id = await insertToken(trx, {
      tokenHash: sha256(token),
      name: t.name,
      userId: u.id,
      organisationId,
      scopes,
      createdAt: now,
      expiresAt,
    });
    record({
      actor: principal,
      action: 'create',
      itemType: 'api-token',
      itemId: String(id),
      detail: { user: u.username, organisation: organisationId, scopes },
      at: now,
    });
    return id;
  });
  return { token, record: withoutHash((await findToken(store.db, { id }))!, u) };
}

/** Revokes an API token (its owner, an admin of their organisation, or the operator). */
export async function revokeApiToken(
  store: Store,
  principal: Principal,
  id: number,
  now: string = new Date().toISOString(),
): Promise<void> {
  const t = await findToken(store.db, { id });
  const missing = new InputError(`no API token ${id}`, {
    expected: 'an id from `lens tokens list`',
  });
  if (!t) throw missing;
  const owner = (await findUser(store.db, { id: t.userId }))!;
  const self = principal.kind === 'user' && principal.userId === owner.id;
  if (!self && !administers(principal, tokenOrganisation(t, owner))) throw missing;
  await audited(store, async (trx, record) => {
    if (t.revokedAt === null) await markToken(trx, id, 'revoked_at', now);
    record({
      actor: principal,
      action: 'revoke',
      itemType: 'api-token',
      itemId: String(id),
      at: now,
    });
  });
}

/** API tokens the principal may see: their own; an admin's organisation's; the operator all. */
export async function apiTokens(store: Store, principal: Principal): Promise<ApiToken[]> {
  if (principal.kind === 'anonymous') throw new AccessDeniedError('sign in to list tokens');
  const all = await listTokens(store.db);
  const owners = new Map((await listUsers(store.db)).map((u) => [u.id, u]));
  return all.flatMap((t) => {
    const owner = owners.get(t.userId);
    if (!owner) return [];
    const seen =
      principal.kind === 'system' ||
      principal.userId === owner.id ||
      administers(principal, tokenOrganisation(t, owner));
    return seen ? [withoutHash(t, owner)] : [];
  });
}

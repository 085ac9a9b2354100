import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { hash as argon2Hash, verify as argon2Verify } from '@node-rs/argon2';
import type { Algorithm } from '@node-rs/argon2';
import { InputError } from '../core/errors.js';
import {
  AccessDeniedError,
  ANONYMOUS,
  ORGANISATION_KINDS,
  ROLES,
  SCOPES,
  canDo,
  describePrincipal,
  requireAction,
} from '../store/access.js';
import type { OrganisationKind, Principal, Role, Scope, UserPrincipal } from '../store/access.js';
import { appendAudit } from '../store/audit-repository.js';
import type { Store } from '../store/database.js';
import {
  countFailure,
  endSessions,
  findSession,
  findToken,
  findUser,
  getOrganisation,
  insertOrganisation,
  insertSession,
  insertToken,
  insertUser,
  listOrganisations,
  listTokens,
  listUsers,
  markToken,
  updateUser,
} from '../store/identity-repository.js';
import type { Organisation, TokenRecord, UserRecord } from '../store/identity-repository.js';

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

/** The principal of a user (with the scopes of the token used, if any). */
export function principalOf(u: UserRecord, scopes?: readonly Scope[]): UserPrincipal {
  return {
    kind: 'user',
    userId: u.id,
    username: u.username,
    organisationId: u.organisationId,
    role: u.role,
    ...(scopes ? { scopes: [...scopes] } : {}),
  };
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function secret(prefix = ''): string {
  return prefix + randomBytes(32).toString('base64url');
}

function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && timingSafeEqual(x, y);
}

function plusMinutes(iso: string, minutes: number): string {
  return new Date(Date.parse(iso) + minutes * 60_000).toISOString();
}

async function audit(
  store: Store,
  principal: Principal | string,
  action: string,
  itemType: string,
  itemId: string | null,
  at: string,
  detail?: Record<string, unknown>,
): Promise<void> {
  const actor = typeof principal === 'string' ? principal : describePrincipal(principal);
  await appendAudit(store.db, [{ at, actor, action, itemType, itemId, detail }]);
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
  await insertOrganisation(store.db, org);
  await audit(store, principal, 'create', 'organisation', id, org.createdAt, {
    kind: org.kind,
    name: org.name,
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
  if (!ROLES.includes(u.role as Role))
    throw new InputError(`unknown role "${u.role}"`, {
      column: 'role',
      expected: ROLES.join(', '),
    });
  if (await findUser(store.db, { username }))
    throw new InputError(`user "${username}" exists already`, {
      column: 'username',
      expected: 'a new username',
    });
  const createdAt = u.now ?? new Date().toISOString();
  const passwordHash = u.password === undefined ? null : await hashPassword(u.password);
  const id = await insertUser(store.db, {
    username,
    displayName: u.displayName?.trim() || username,
    email: u.email ?? null,
    organisationId: u.organisationId,
    role: u.role as Role,
    passwordHash,
    createdAt,
  });
  await audit(store, principal, 'create', 'user', username, createdAt, {
    organisation: u.organisationId,
    role: u.role,
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
  await updateUser(store.db, u.id, { passwordHash, failedAttempts: 0, lockedUntil: null });
  await endSessions(store.db, { userId: u.id }, now);
  await audit(store, principal, 'set-password', 'user', username, now);
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
  await updateUser(store.db, u.id, { disabled });
  if (disabled) await endSessions(store.db, { userId: u.id }, now);
  await audit(store, principal, disabled ? 'disable' : 'enable', 'user', username, now);
  return publicUser((await findUser(store.db, { id: u.id }))!);
}

/** A new session: the token for the session cookie and the CSRF token, each shown once. */
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

// Verified when the username is unknown, so that the answer takes as long as for a known one.
let dummyHash: Promise<string> | undefined;

/**
 * Signs a user in with a password. After `MAX_FAILED_SIGN_INS` failures in a row the
 * account is locked for `LOCK_MINUTES`; while locked, even the right password is refused.
 * AuthenticationError (`invalid-credentials`, `locked`, `disabled`) otherwise. Every
 * attempt is audited. `now` ISO timestamp; `sessionHours` default `SESSION_HOURS`.
 */
export async function signIn(
  store: Store,
  credentials: { username: string; password: string },
  options: { now?: string; sessionHours?: number } = {},
): Promise<SignedIn> {
  const now = options.now ?? new Date().toISOString();
  const u = await findUser(store.db, { username: credentials.username });
  const refuse = async (reason: AuthenticationFailure, message: string, until?: string) => {
    await audit(
      store,
      credentials.username,
      'sign-in-refused',
      'user',
      u ? u.username : null,
      now,
      {
        reason,
      },
    );
    return new AuthenticationError(reason, message, until);
  };
  if (!u || u.passwordHash === null) {
    dummyHash ??= argon2Hash('not a password of anyone', { algorithm: ARGON2ID });
    await argon2Verify(await dummyHash, credentials.password);
    throw await refuse('invalid-credentials', 'wrong username or password');
  }
  if (u.disabled) throw await refuse('disabled', 'this account is disabled');
  if (u.lockedUntil !== null && u.lockedUntil > now)
    throw await refuse(
      'locked',
      `too many failed sign-ins: locked until ${u.lockedUntil}`,
      u.lockedUntil,
    );
  if (!(await argon2Verify(u.passwordHash, credentials.password))) {
    const failures = await countFailure(store.db, u.id);
    if (failures >= MAX_FAILED_SIGN_INS) {
      const until = plusMinutes(now, LOCK_MINUTES);
      await updateUser(store.db, u.id, { failedAttempts: 0, lockedUntil: until });
      await audit(store, 'system', 'lock', 'user', u.username, now, { until, failures });
      throw await refuse('locked', `too many failed sign-ins: locked until ${until}`, until);
    }
    throw await refuse('invalid-credentials', 'wrong username or password');
  }
  await updateUser(store.db, u.id, { failedAttempts: 0, lockedUntil: null });
  const sessionToken = secret();
  const csrfToken = secret();
  const expiresAt = plusMinutes(now, (options.sessionHours ?? SESSION_HOURS) * 60);
  await insertSession(store.db, {
    tokenHash: sha256(sessionToken),
    csrfHash: sha256(csrfToken),
    userId: u.id,
    createdAt: now,
    expiresAt,
  });
  const principal = principalOf(u);
  await audit(store, principal, 'sign-in', 'user', u.username, now);
  return { sessionToken, csrfToken, expiresAt, principal, user: publicUser(u) };
}

/** Ends a session (signing out); unknown tokens are ignored. */
export async function signOut(
  store: Store,
  sessionToken: string,
  now: string = new Date().toISOString(),
): Promise<void> {
  const s = await findSession(store.db, sha256(sessionToken));
  if (!s || s.endedAt !== null) return;
  await endSessions(store.db, { tokenHash: s.tokenHash }, now);
  await audit(store, `user:${s.userId}`, 'sign-out', 'session', null, now);
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
    const t = await findToken(store.db, { tokenHash: sha256(credentials.bearer) });
    if (!t || t.revokedAt !== null)
      throw new AuthenticationError('invalid-credentials', 'unknown or revoked API token');
    if (t.expiresAt !== null && t.expiresAt <= now)
      throw new AuthenticationError('expired', 'the API token has expired');
    const u = await findUser(store.db, { id: t.userId });
    if (!u || u.disabled) throw new AuthenticationError('disabled', 'this account is disabled');
    await markToken(store.db, t.id, 'last_used_at', now);
    return principalOf(u, t.scopes);
  }
  if (credentials.session !== undefined) {
    const s = await findSession(store.db, sha256(credentials.session));
    if (!s || s.endedAt !== null)
      throw new AuthenticationError('invalid-credentials', 'unknown or ended session');
    if (s.expiresAt <= now) throw new AuthenticationError('expired', 'the session has expired');
    if (options.unsafe && !(credentials.csrf && sameHash(sha256(credentials.csrf), s.csrfHash)))
      throw new AuthenticationError('csrf', 'missing or wrong CSRF token');
    const u = await findUser(store.db, { id: s.userId });
    if (!u || u.disabled) throw new AuthenticationError('disabled', 'this account is disabled');
    return principalOf(u);
  }
  return ANONYMOUS;
}

/** An API token as listed (never the token itself). */
export type ApiToken = Omit<TokenRecord, 'tokenHash'> & { username: string };

function withoutHash(t: TokenRecord, username: string): ApiToken {
  return {
    id: t.id,
    name: t.name,
    userId: t.userId,
    username,
    scopes: t.scopes,
    createdAt: t.createdAt,
    expiresAt: t.expiresAt,
    revokedAt: t.revokedAt,
    lastUsedAt: t.lastUsedAt,
  };
}

/**
 * Creates an API token for a user with `scopes` (each of `SCOPES`); the token is returned
 * once and only its hash is kept. Users create tokens for themselves, admins for users
 * of their organisation, the operator for anyone; the `admin` scope only for admins. `expiresAt` ISO or absent (no expiry).
 */
export async function createApiToken(
  store: Store,
  principal: Principal,
  t: {
    username: string;
    name: string;
    scopes: readonly string[];
    expiresAt?: string;
    now?: string;
  },
): Promise<{ token: string; record: ApiToken }> {
  const u = await findUser(store.db, { username: t.username });
  if (!u)
    throw new InputError(`no user "${t.username}"`, {
      column: 'user',
      expected: 'a username from `lens users list`',
    });
  const self = principal.kind === 'user' && principal.userId === u.id;
  if (!self && !administers(principal, u.organisationId))
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
  if (t.scopes.includes('admin') && u.role !== 'admin')
    throw new InputError(`the admin scope is for admins; ${u.username} is ${u.role}`, {
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
  const id = await insertToken(store.db, {
    tokenHash: sha256(token),
    name: t.name,
    userId: u.id,
    scopes,
    createdAt: now,
    expiresAt,
  });
  await audit(store, principal, 'create', 'api-token', String(id), now, {
    user: u.username,
    scopes,
  });
  return { token, record: withoutHash((await findToken(store.db, { id }))!, u.username) };
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
  if (!self && !administers(principal, owner.organisationId)) throw missing;
  if (t.revokedAt === null) await markToken(store.db, id, 'revoked_at', now);
  await audit(store, principal, 'revoke', 'api-token', String(id), now);
}

/** API tokens the principal may see: their own; an admin's organisation's; the operator all. */
export async function apiTokens(store: Store, principal: Principal): Promise<ApiToken[]> {
  if (principal.kind === 'anonymous') throw new AccessDeniedError('sign in to list tokens');
  const all = await listTokens(store.db);
  const owners = new Map((await listUsers(store.db)).map((u) => [u.id, u]));
  return all
    .filter((t) => {
      const owner = owners.get(t.userId);
      if (!owner || principal.kind === 'system') return true;
      return principal.userId === owner.id || administers(principal, owner.organisationId);
    })
    .map((t) => withoutHash(t, owners.get(t.userId)?.username ?? ''));
}

import type { Compilable, CompiledQuery, Kysely, Selectable, Transaction } from 'kysely';
import type { Tlp } from '../core/escalation/types.js';
import type { Agreement, OrganisationKind, Role, Scope } from './access.js';
import type { Schema } from './schema.js';
import type {
  ApiTokensTable,
  MembershipsTable,
  OrganisationsTable,
  SessionsTable,
  UsersTable,
} from './schema-identity.js';

type Db = Kysely<Schema> | Transaction<Schema>;

/** An organisation. */
export interface Organisation {
  id: string;
  name: string;
  kind: OrganisationKind;
  createdAt: string;
}

function rowToOrganisation(r: Selectable<OrganisationsTable>): Organisation {
  return { id: r.id, name: r.name, kind: r.kind as OrganisationKind, createdAt: r.created_at };
}

/** Stores an organisation. */
export async function insertOrganisation(db: Db, o: Organisation): Promise<void> {
  await db
    .insertInto('organisations')
    .values({ id: o.id, name: o.name, kind: o.kind, created_at: o.createdAt })
    .execute();
}

/** Every organisation, by id. */
export async function listOrganisations(db: Db): Promise<Organisation[]> {
  return (await db.selectFrom('organisations').selectAll().orderBy('id').execute()).map(
    rowToOrganisation,
  );
}

/** One organisation by id. */
export async function getOrganisation(db: Db, id: string): Promise<Organisation | undefined> {
  const r = await db
    .selectFrom('organisations')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirst();
  return r ? rowToOrganisation(r) : undefined;
}

/**
 * A user as stored, with the password hash (never leaves the services). `organisationId`
 * and `role` are the home membership (see `UsersTable`).
 */
export interface UserRecord {
  id: number;
  username: string;
  displayName: string;
  email: string | null;
  organisationId: string;
  role: Role;
  passwordHash: string | null;
  failedAttempts: number;
  /** ISO timestamp until which sign-in is refused; null: not locked. */
  lockedUntil: string | null;
  disabled: boolean;
  createdAt: string;
}

function rowToUser(r: Selectable<UsersTable>): UserRecord {
  return {
    id: Number(r.id),
    username: r.username,
    displayName: r.display_name,
    email: r.email,
    organisationId: r.organisation_id,
    role: r.role as Role,
    passwordHash: r.password_hash,
    failedAttempts: Number(r.failed_attempts),
    lockedUntil: r.locked_until,
    disabled: Number(r.disabled) === 1,
    createdAt: r.created_at,
  };
}

/** Stores a user and their home membership; returns the user's id. */
export async function insertUser(
  db: Db,
  u: Omit<UserRecord, 'id' | 'failedAttempts' | 'lockedUntil' | 'disabled'>,
): Promise<number> {
  const r = await db
    .insertInto('users')
    .values({
      username: u.username,
      display_name: u.displayName,
      email: u.email,
      organisation_id: u.organisationId,
      role: u.role,
      password_hash: u.passwordHash,
      failed_attempts: 0,
      locked_until: null,
      disabled: 0,
      created_at: u.createdAt,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const id = Number(r.id);
  await insertMembership(db, {
    userId: id,
    organisationId: u.organisationId,
    role: u.role,
    createdAt: u.createdAt,
  });
  return id;
}

/** A user's place in an organisation, with their role there. */
export interface Membership {
  userId: number;
  organisationId: string;
  role: Role;
  createdAt: string;
}

function rowToMembership(r: Selectable<MembershipsTable>): Membership {
  return {
    userId: Number(r.user_id),
    organisationId: r.organisation_id,
    role: r.role as Role,
    createdAt: r.created_at,
  };
}

/** Stores a membership. */
export async function insertMembership(db: Db, m: Membership): Promise<void> {
  await db
    .insertInto('memberships')
    .values({
      user_id: m.userId,
      organisation_id: m.organisationId,
      role: m.role,
      created_at: m.createdAt,
    })
    .execute();
}

/** Removes a membership; false when there was none. */
export async function deleteMembership(
  db: Db,
  userId: number,
  organisationId: string,
): Promise<boolean> {
  const r = await db
    .deleteFrom('memberships')
    .where('user_id', '=', userId)
    .where('organisation_id', '=', organisationId)
    .executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

/** A user's membership of one organisation, if they have it. */
export async function findMembership(
  db: Db,
  userId: number,
  organisationId: string,
): Promise<Membership | undefined> {
  const r = await db
    .selectFrom('memberships')
    .selectAll()
    .where('user_id', '=', userId)
    .where('organisation_id', '=', organisationId)
    .executeTakeFirst();
  return r ? rowToMembership(r) : undefined;
}

/** A user's memberships with their organisations, by organisation id. */
export async function listMemberships(
  db: Db,
  userId: number,
): Promise<(Membership & { organisation: Organisation })[]> {
  const rows = await db
    .selectFrom('memberships as m')
    .innerJoin('organisations as o', 'o.id', 'm.organisation_id')
    .selectAll('m')
    .select(['o.name', 'o.kind', 'o.created_at as organisation_created_at'])
    .where('m.user_id', '=', userId)
    .orderBy('m.organisation_id')
    .execute();
  return rows.map((r) => ({
    ...rowToMembership(r),
    organisation: rowToOrganisation({
      id: r.organisation_id,
      name: r.name,
      kind: r.kind,
      created_at: r.organisation_created_at,
    }),
  }));
}

/** A user by username or by id. */
export async function findUser(db: Db, by: { username: string } | { id: number }) {
  let q = db.selectFrom('users').selectAll();
  q = 'id' in by ? q.where('id', '=', by.id) : q.where('username', '=', by.username);
  const r = await q.executeTakeFirst();
  return r ? rowToUser(r) : undefined;
}

/** Users, by username, optionally of one organisation. */
export async function listUsers(db: Db, organisationId?: string): Promise<UserRecord[]> {
  let q = db.selectFrom('users').selectAll().orderBy('username');
  if (organisationId !== undefined) q = q.where('organisation_id', '=', organisationId);
  return (await q.execute()).map(rowToUser);
}

/** Changes some of a user's sign-in fields. */
export async function updateUser(
  db: Db,
  id: number,
  set: Partial<Pick<UserRecord, 'passwordHash' | 'failedAttempts' | 'lockedUntil' | 'disabled'>>,
): Promise<void> {
  await db
    .updateTable('users')
    .set({
      ...(set.passwordHash !== undefined ? { password_hash: set.passwordHash } : {}),
      ...(set.failedAttempts !== undefined ? { failed_attempts: set.failedAttempts } : {}),
      ...(set.lockedUntil !== undefined ? { locked_until: set.lockedUntil } : {}),
      ...(set.disabled !== undefined ? { disabled: set.disabled ? 1 : 0 } : {}),
    })
    .where('id', '=', id)
    .execute();
}

// A sign-in attempt is counted among the failures in a row when it is taken, before its
// password is checked, and the count is reset only once a password proves right: however many
// attempts run at once, no more than `max` passwords are checked between two resets.

/**
 * Takes one sign-in attempt of user `id`, atomically: when the account is not locked at
 * `now` (ISO) and fewer than `max` failures in a row are counted, counts one more and
 * returns its number (1 to `max`); otherwise undefined, and nothing changes.
 */
export async function takeSignInAttempt(
  db: Db,
  id: number,
  max: number,
  now: string,
): Promise<number | undefined> {
  const r = await db
    .updateTable('users')
    .set((eb) => ({ failed_attempts: eb('failed_attempts', '+', 1) }))
    .where('id', '=', id)
    .where('failed_attempts', '<', max)
    .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<=', now)]))
    .returning('failed_attempts')
    .executeTakeFirst();
  return r === undefined ? undefined : Number(r.failed_attempts);
}

/**
 * Locks user `id` until `until` when at least `max` failures in a row are counted and no
 * lock holds at `now`, and starts the count again; true when this call locked it (of two
 * concurrent callers, one only).
 */
export async function lockAfterFailures(
  db: Db,
  id: number,
  max: number,
  now: string,
  until: string,
): Promise<boolean> {
  const r = await db
    .updateTable('users')
    .set({ failed_attempts: 0, locked_until: until })
    .where('id', '=', id)
    .where('failed_attempts', '>=', max)
    .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<=', now)]))
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/**
 * Ends the run of failures of user `id` after a right password, and a lock that ended
 * before `now`, unless the account is locked at `now` or disabled; true when it did (the
 * sign-in may go on), false when the lock or the disabling stands.
 */
export async function clearFailures(db: Db, id: number, now: string): Promise<boolean> {
  const r = await db
    .updateTable('users')
    .set({ failed_attempts: 0, locked_until: null })
    .where('id', '=', id)
    .where('disabled', '=', 0)
    .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<=', now)]))
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** A session row: hashes only; `organisationId` the organisation it acts for (null: home). */
export interface SessionRecord {
  tokenHash: string;
  csrfHash: string;
  userId: number;
  organisationId: string | null;
  createdAt: string;
  expiresAt: string;
  endedAt: string | null;
}

/** Stores a session. */
export async function insertSession(db: Db, s: Omit<SessionRecord, 'endedAt'>): Promise<void> {
  await db
    .insertInto('sessions')
    .values({
      token_hash: s.tokenHash,
      csrf_hash: s.csrfHash,
      user_id: s.userId,
      organisation_id: s.organisationId,
      created_at: s.createdAt,
      expires_at: s.expiresAt,
      ended_at: null,
    })
    .execute();
}

function rowToSession(r: Selectable<SessionsTable>): SessionRecord {
  return {
    tokenHash: r.token_hash,
    csrfHash: r.csrf_hash,
    userId: Number(r.user_id),
    organisationId: r.organisation_id,
    createdAt: r.created_at,
    expiresAt: r.expires_at,
    endedAt: r.ended_at,
  };
}

/** A session by the hash of its token. */
export async function findSession(db: Db, tokenHash: string): Promise<SessionRecord | undefined> {
  const r = await db
    .selectFrom('sessions')
    .selectAll()
    .where('token_hash', '=', tokenHash)
    .executeTakeFirst();
  return r ? rowToSession(r) : undefined;
}

/**
 * Whom a credential (a session or an API token) stands for: its user, and the user's
 * membership of the organisation the credential acts for (its own, else the user's home
 * organisation); `membership` absent when that membership was removed.
 */
export interface Access {
  user: UserRecord;
  membership: Membership | undefined;
}

// The user and membership columns of `findSessionAccess` and `findTokenAccess`, named apart
// from the credential's own (both have `user_id`, `organisation_id`, `created_at`).
const ACCESS_COLUMNS = [
  'u.id as u_id',
  'u.username as u_username',
  'u.display_name as u_display_name',
  'u.email as u_email',
  'u.organisation_id as u_organisation_id',
  'u.role as u_role',
  'u.password_hash as u_password_hash',
  'u.failed_attempts as u_failed_attempts',
  'u.locked_until as u_locked_until',
  'u.disabled as u_disabled',
  'u.created_at as u_created_at',
  'm.organisation_id as m_organisation_id',
  'm.role as m_role',
  'm.created_at as m_created_at',
] as const;

/** The columns of `ACCESS_COLUMNS` as read (the membership's null when there is none). */
interface AccessRow {
  u_id: number;
  u_username: string;
  u_display_name: string;
  u_email: string | null;
  u_organisation_id: string;
  u_role: string;
  u_password_hash: string | null;
  u_failed_attempts: number;
  u_locked_until: string | null;
  u_disabled: number;
  u_created_at: string;
  m_organisation_id: string | null;
  m_role: string | null;
  m_created_at: string | null;
}

function rowToAccess(r: AccessRow): Access {
  const user = rowToUser({
    id: r.u_id,
    username: r.u_username,
    display_name: r.u_display_name,
    email: r.u_email,
    organisation_id: r.u_organisation_id,
    role: r.u_role,
    password_hash: r.u_password_hash,
    failed_attempts: r.u_failed_attempts,
    locked_until: r.u_locked_until,
    disabled: r.u_disabled,
    created_at: r.u_created_at,
  });
  const membership =
    r.m_organisation_id === null
      ? undefined
      : rowToMembership({
          user_id: user.id,
          organisation_id: r.m_organisation_id,
          role: r.m_role!,
          created_at: r.m_created_at!,
        });
  return { user, membership };
}

/**
 * A query built and compiled once per database handle, then run with new values. The
 * joins that authenticate every request take Kysely ten times longer to build than SQLite
 * to answer (about 55 µs against 5). `build` must put `values` in the query as its only
 * parameters, in order: checked when it is compiled.
 */
function builtOnce<V extends unknown[], R>(
  build: (db: Db, ...values: V) => Compilable<R>,
): (db: Db, ...values: V) => Promise<R[]> {
  const compiled = new WeakMap<Db, CompiledQuery<R>>();
  return async (db, ...values) => {
    let query = compiled.get(db);
    if (!query) {
      query = build(db, ...values).compile();
      if (
        query.parameters.length !== values.length ||
        query.parameters.some((p, i) => p !== values[i])
      )
        throw new Error('a query built once may have no parameters but its values');
      compiled.set(db, query);
    }
    return (await db.executeQuery<R>({ ...query, parameters: values })).rows;
  };
}

const sessionAccess = builtOnce((db: Db, tokenHash: string) =>
  db
    .selectFrom('sessions as s')
    .innerJoin('users as u', 'u.id', 's.user_id')
    .leftJoin('memberships as m', (join) =>
      join
        .onRef('m.user_id', '=', 's.user_id')
        .on((eb) =>
          eb('m.organisation_id', '=', eb.fn.coalesce('s.organisation_id', 'u.organisation_id')),
        ),
    )
    .selectAll('s')
    .select(ACCESS_COLUMNS)
    .where('s.token_hash', '=', tokenHash),
);

/**
 * A session by the hash of its token, with its user and the membership it acts for, in one
 * query (a request's authentication reads this and nothing else).
 */
export async function findSessionAccess(
  db: Db,
  tokenHash: string,
): Promise<(Access & { session: SessionRecord }) | undefined> {
  const [r] = await sessionAccess(db, tokenHash);
  return r ? { session: rowToSession(r), ...rowToAccess(r) } : undefined;
}

/** Sets the organisation a session acts for. */
export async function setSessionOrganisation(
  db: Db,
  tokenHash: string,
  organisationId: string,
): Promise<void> {
  await db
    .updateTable('sessions')
    .set({ organisation_id: organisationId })
    .where('token_hash', '=', tokenHash)
    .execute();
}

/** Ends one session (by token hash), or every open session of a user (acting for one organisation, when given). */
export async function endSessions(
  db: Db,
  which: { tokenHash: string } | { userId: number; organisationId?: string },
  at: string,
): Promise<void> {
  let q = db.updateTable('sessions').set({ ended_at: at }).where('ended_at', 'is', null);
  if ('tokenHash' in which) q = q.where('token_hash', '=', which.tokenHash);
  else {
    q = q.where('user_id', '=', which.userId);
    if (which.organisationId !== undefined)
      q = q.where('organisation_id', '=', which.organisationId);
  }
  await q.execute();
}

/** Revokes a user's API tokens bound to an organisation that are not revoked yet. */
export async function revokeTokens(
  db: Db,
  which: { userId: number; organisationId: string },
  at: string,
): Promise<void> {
  await db
    .updateTable('api_tokens')
    .set({ revoked_at: at })
    .where('user_id', '=', which.userId)
    .where('organisation_id', '=', which.organisationId)
    .where('revoked_at', 'is', null)
    .execute();
}

/**
 * An API token as stored (its hash, never the token); `organisationId` the organisation it
 * is bound to (null: the user's home organisation).
 */
export interface TokenRecord {
  id: number;
  tokenHash: string;
  name: string;
  userId: number;
  organisationId: string | null;
  scopes: Scope[];
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
  lastUsedAt: string | null;
}

function rowToToken(r: Selectable<ApiTokensTable>): TokenRecord {
  return {
    id: Number(r.id),
    tokenHash: r.token_hash,
    name: r.name,
    userId: Number(r.user_id),
    organisationId: r.organisation_id,
    scopes: JSON.parse(r.scopes) as Scope[],
    createdAt: r.created_at,
    expiresAt: r.expires_at,
    revokedAt: r.revoked_at,
    lastUsedAt: r.last_used_at,
  };
}

/** Stores an API token; returns its id. */
export async function insertToken(
  db: Db,
  t: Omit<TokenRecord, 'id' | 'revokedAt' | 'lastUsedAt'>,
): Promise<number> {
  const r = await db
    .insertInto('api_tokens')
    .values({
      token_hash: t.tokenHash,
      name: t.name,
      user_id: t.userId,
      organisation_id: t.organisationId,
      scopes: JSON.stringify(t.scopes),
      created_at: t.createdAt,
      expires_at: t.expiresAt,
      revoked_at: null,
      last_used_at: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return Number(r.id);
}

/** A token by its hash or id. */
export async function findToken(
  db: Db,
  by: { tokenHash: string } | { id: number },
): Promise<TokenRecord | undefined> {
  let q = db.selectFrom('api_tokens').selectAll();
  q = 'id' in by ? q.where('id', '=', by.id) : q.where('token_hash', '=', by.tokenHash);
  const r = await q.executeTakeFirst();
  return r ? rowToToken(r) : undefined;
}

const tokenAccess = builtOnce((db: Db, tokenHash: string) =>
  db
    .selectFrom('api_tokens as t')
    .innerJoin('users as u', 'u.id', 't.user_id')
    .leftJoin('memberships as m', (join) =>
      join
        .onRef('m.user_id', '=', 't.user_id')
        .on((eb) =>
          eb('m.organisation_id', '=', eb.fn.coalesce('t.organisation_id', 'u.organisation_id')),
        ),
    )
    .selectAll('t')
    .select(ACCESS_COLUMNS)
    .where('t.token_hash', '=', tokenHash),
);

/**
 * An API token by its hash, with its user and the membership it is bound to, in one query
 * (a request's authentication reads this, then marks the token used).
 */
export async function findTokenAccess(
  db: Db,
  tokenHash: string,
): Promise<(Access & { token: TokenRecord }) | undefined> {
  const [r] = await tokenAccess(db, tokenHash);
  return r ? { token: rowToToken(r), ...rowToAccess(r) } : undefined;
}

/** Tokens, newest first, optionally of one user. */
export async function listTokens(db: Db, userId?: number): Promise<TokenRecord[]> {
  let q = db.selectFrom('api_tokens').selectAll().orderBy('id', 'desc');
  if (userId !== undefined) q = q.where('user_id', '=', userId);
  return (await q.execute()).map(rowToToken);
}

/** Marks a token revoked (or used) at `at`. */
export async function markToken(
  db: Db,
  id: number,
  field: 'revoked_at' | 'last_used_at',
  at: string,
): Promise<void> {
  await db
    .updateTable('api_tokens')
    .set({ [field]: at })
    .where('id', '=', id)
    .execute();
}

/** A sharing agreement as stored. */
export interface AgreementRecord extends Agreement {
  id: number;
  createdBy: string;
  createdAt: string;
  withdrawnAt: string | null;
  withdrawnBy: string | null;
}

/** Stores an agreement; returns its id. */
export async function insertAgreement(
  db: Db,
  a: Omit<AgreementRecord, 'id' | 'withdrawnAt' | 'withdrawnBy'>,
): Promise<number> {
  const r = await db
    .insertInto('sharing_agreements')
    .values({
      from_org: a.fromOrg,
      to_org: a.toOrg,
      max_tlp: a.maxTlp,
      created_by: a.createdBy,
      created_at: a.createdAt,
      withdrawn_at: null,
      withdrawn_by: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return Number(r.id);
}

/** Agreements, oldest first: all, or those an organisation gives or receives; active only unless `all`. */
export async function listAgreements(
  db: Db,
  q: { organisationId?: string; all?: boolean; fromOrg?: string; toOrg?: string } = {},
): Promise<AgreementRecord[]> {
  let query = db.selectFrom('sharing_agreements').selectAll().orderBy('id');
  const org = q.organisationId;
  if (org !== undefined)
    query = query.where((eb) => eb.or([eb('from_org', '=', org), eb('to_org', '=', org)]));
  if (q.fromOrg !== undefined) query = query.where('from_org', '=', q.fromOrg);
  if (q.toOrg !== undefined) query = query.where('to_org', '=', q.toOrg);
  if (!q.all) query = query.where('withdrawn_at', 'is', null);
  return (await query.execute()).map((r) => ({
    id: Number(r.id),
    fromOrg: r.from_org,
    toOrg: r.to_org,
    maxTlp: r.max_tlp as Tlp,
    createdBy: r.created_by,
    createdAt: r.created_at,
    withdrawnAt: r.withdrawn_at,
    withdrawnBy: r.withdrawn_by,
  }));
}

/** Ends an agreement; false when there is no active one with that id. */
export async function withdrawAgreementRow(
  db: Db,
  id: number,
  by: string,
  at: string,
): Promise<boolean> {
  const r = await db
    .updateTable('sharing_agreements')
    .set({ withdrawn_at: at, withdrawn_by: by })
    .where('id', '=', id)
    .where('withdrawn_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

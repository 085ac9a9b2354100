import { sql } from 'kysely';
import type { Expression, Kysely, SqlBool, Transaction } from 'kysely';
import { TLP_LEVELS } from '../core/escalation/types.js';
import type { Tlp } from '../core/escalation/types.js';
import { recordRead } from './read-audit.js';
import type { Schema } from './schema.js';

/**
 * Who may see and change what: the one place of the sharing rule. Every repository read of
 * private items goes through `readVisible`, which filters in SQL with `visibleTo`, checks
 * each row again with the same grants, strips what the reader may not see and records
 * reads of AMBER, AMBER+STRICT and RED items in the audit trail.
 */

type Db = Kysely<Schema> | Transaction<Schema>;

/** Roles of users, most powerful first. */
export const ROLES = ['admin', 'analyst', 'focal-point', 'field-monitor', 'viewer'] as const;

/** A user's role in their organisation. */
export type Role = (typeof ROLES)[number];

/** Kinds of organisation. */
export const ORGANISATION_KINDS = [
  'un-office',
  'regional-organisation',
  'national-focal-point',
  'ngo',
  'research-group',
] as const;

/** What an organisation is. */
export type OrganisationKind = (typeof ORGANISATION_KINDS)[number];

/** Scopes of API tokens: `read` items, `write` (create and change them), `admin` (identity and sharing). */
export const SCOPES = ['read', 'write', 'admin'] as const;

/** One scope of an API token. */
export type Scope = (typeof SCOPES)[number];

/** A signed-in user, as the data layer sees them. `scopes` absent: a session (the role decides alone). */
export interface UserPrincipal {
  kind: 'user';
  userId: number;
  username: string;
  organisationId: string;
  role: Role;
  scopes?: readonly Scope[];
}

/**
 * Who is asking. `system` is the local operator of their own database (the CLI): it sees
 * everything. `anonymous` is nobody signed in: CLEAR items only.
 */
export type Principal = { kind: 'system' } | { kind: 'anonymous' } | UserPrincipal;

/** The local operator. */
export const SYSTEM: Principal = { kind: 'system' };

/** Nobody signed in. */
export const ANONYMOUS: Principal = { kind: 'anonymous' };

/** An active sharing agreement: `fromOrg` shares its items up to `maxTlp` with `toOrg`. */
export interface Agreement {
  fromOrg: string;
  toOrg: string;
  maxTlp: Tlp;
}

/** The levels an agreement may cover: AMBER+STRICT and RED never leave their organisation. */
export const SHAREABLE_LEVELS: readonly Tlp[] = ['GREEN', 'AMBER'];

/** Roles that see RED items of their own organisation. */
export const RED_ROLES: readonly Role[] = ['admin', 'analyst', 'focal-point'];

/** Roles that see the identity of field reporters of their own organisation. */
export const REPORTER_ROLES: readonly Role[] = ['admin', 'analyst'];

/** Levels whose reads are audited. */
export const AUDITED_LEVELS: readonly Tlp[] = ['AMBER', 'AMBER+STRICT', 'RED'];

/** An item under the sharing rule: its owning organisation (null: none) and TLP level. */
export interface Owned {
  organisationId: string | null;
  tlp: Tlp;
}

/**
 * Why an item is read: `read` (list or show) or `export` (written to a file or handed to
 * another system). Exports never include RED items nor the identity of field reporters.
 */
export type Purpose = 'read' | 'export';

/**
 * What a principal may see, as grants: the levels visible whoever owns the item, and per
 * owning organisation the further levels visible. `all`: everything (the local operator
 * reading). Both the pure rule and the SQL filter are rendered from this, so they cannot
 * drift apart.
 */
interface Grants {
  all: boolean;
  anyOwner: Tlp[];
  byOwner: Map<string, Tlp[]>;
}

function level(t: Tlp): number {
  return TLP_LEVELS.indexOf(t);
}

/** Whether a principal's token allows `scope` (sessions and the local operator allow all). */
export function hasScope(p: Principal, scope: Scope): boolean {
  if (p.kind === 'system') return true;
  if (p.kind === 'anonymous') return false;
  return p.scopes === undefined || p.scopes.includes(scope);
}

/**
 * The sharing rule (TLP 2.0, as this project applies it):
 * - CLEAR: anyone, signed in or not;
 * - GREEN: any signed-in user of any organisation of the community;
 * - AMBER: users of the owning organisation, and of organisations the owner has an active
 *   agreement with that covers AMBER;
 * - AMBER+STRICT: users of the owning organisation only;
 * - RED: admins, analysts and focal points of the owning organisation only.
 * Items with no owning organisation are visible above GREEN to the local operator only. A
 * token without the `read` scope reads as anonymous. Exports leave RED out.
 */
function grants(p: Principal, agreements: readonly Agreement[], purpose: Purpose): Grants {
  const byOwner = new Map<string, Tlp[]>();
  if (p.kind === 'system') {
    if (purpose === 'read') return { all: true, anyOwner: [], byOwner };
    return { all: false, anyOwner: TLP_LEVELS.filter((t) => t !== 'RED'), byOwner };
  }
  if (p.kind === 'anonymous' || !hasScope(p, 'read'))
    return { all: false, anyOwner: ['CLEAR'], byOwner };
  const own: Tlp[] = ['AMBER', 'AMBER+STRICT'];
  if (RED_ROLES.includes(p.role) && purpose === 'read') own.push('RED');
  byOwner.set(p.organisationId, own);
  for (const a of agreements) {
    if (a.toOrg !== p.organisationId || a.fromOrg === p.organisationId) continue;
    if (level(a.maxTlp) >= level('AMBER')) byOwner.set(a.fromOrg, ['AMBER']);
  }
  return { all: false, anyOwner: ['CLEAR', 'GREEN'], byOwner };
}

function granted(g: Grants, item: Owned): boolean {
  if (g.all || g.anyOwner.includes(item.tlp)) return true;
  return (
    item.organisationId !== null && (g.byOwner.get(item.organisationId) ?? []).includes(item.tlp)
  );
}

/** Whether `p` may see `item` (list or show it), given the active agreements. */
export function canSee(p: Principal, item: Owned, agreements: readonly Agreement[]): boolean {
  return granted(grants(p, agreements, 'read'), item);
}

/** Whether `p` may export `item`: as `canSee`, but never RED. */
export function canExport(p: Principal, item: Owned, agreements: readonly Agreement[]): boolean {
  return granted(grants(p, agreements, 'export'), item);
}

/**
 * Whether `p` may see who reported a field report owned by `organisationId`: admins and
 * analysts of that organisation, and the local operator; never in an export.
 */
export function canSeeReporter(
  p: Principal,
  organisationId: string | null,
  purpose: Purpose = 'read',
): boolean {
  if (purpose === 'export') return false;
  if (p.kind === 'system') return true;
  if (p.kind === 'anonymous' || !hasScope(p, 'read')) return false;
  return (
    organisationId !== null &&
    organisationId === p.organisationId &&
    REPORTER_ROLES.includes(p.role)
  );
}

/**
 * A SQL condition true for the rows `p` may see, on a table whose owning organisation and
 * TLP level are in the columns named by `columns` (qualified names allowed: `e.sharing`).
 */
export function visibleTo(
  p: Principal,
  agreements: readonly Agreement[],
  columns: { organisation: string; tlp: string },
  purpose: Purpose = 'read',
): Expression<SqlBool> {
  const g = grants(p, agreements, purpose);
  if (g.all) return sql<SqlBool>`1 = 1`;
  const org = sql.ref(columns.organisation);
  const tlp = sql.ref(columns.tlp);
  const parts = [sql`${tlp} in (${sql.join(g.anyOwner)})`];
  for (const [owner, levels] of g.byOwner)
    parts.push(sql`(${org} = ${owner} and ${tlp} in (${sql.join(levels)}))`);
  return sql<SqlBool>`(${sql.join(parts, sql` or `)})`;
}

/** Actions that create or change items, granted by role (and, for tokens, by scope). */
export type WriteAction =
  | 'submit-report'
  | 'review-report'
  | 'override'
  | 'handle-alert'
  | 'open-case'
  | 'work-case'
  | 'administer';

/** What each role may do (the local operator may do everything). */
export const ROLE_ACTIONS: Readonly<Record<Role, readonly WriteAction[]>> = {
  admin: [
    'submit-report',
    'review-report',
    'override',
    'handle-alert',
    'open-case',
    'work-case',
    'administer',
  ],
  analyst: ['submit-report', 'review-report', 'override', 'handle-alert', 'open-case', 'work-case'],
  'focal-point': ['submit-report', 'override', 'handle-alert', 'open-case', 'work-case'],
  'field-monitor': ['submit-report'],
  viewer: [],
};

/** Whether `p`'s role (and token scopes) allow `action` at all. */
export function canDo(p: Principal, action: WriteAction): boolean {
  if (p.kind === 'system') return true;
  if (p.kind === 'anonymous') return false;
  return (
    ROLE_ACTIONS[p.role].includes(action) &&
    hasScope(p, action === 'administer' ? 'admin' : 'write')
  );
}

/**
 * Whether `p` may change `item` by `action` (review a report, handle an alert, withdraw an
 * override): the role allows it, the item is visible, and it belongs to `p`'s organisation
 * (items of no organisation: only when CLEAR or GREEN, the community's alerts).
 * Organisations that receive an item through an agreement read it; they do not change it.
 */
export function canUpdate(
  p: Principal,
  action: WriteAction,
  item: Owned,
  agreements: readonly Agreement[],
): boolean {
  if (!canDo(p, action) || !canSee(p, item, agreements)) return false;
  if (p.kind !== 'user') return true;
  if (item.organisationId === null) return level(item.tlp) <= level('GREEN');
  return item.organisationId === p.organisationId;
}

/** A request the principal is not allowed to make (the HTTP layer answers 403). */
export class AccessDeniedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AccessDeniedError';
  }
}

/** Throws AccessDeniedError unless `canDo(p, action)`. */
export function requireAction(p: Principal, action: WriteAction): void {
  if (!canDo(p, action)) throw new AccessDeniedError(`${describePrincipal(p)} may not ${action}`);
}

/** The audit trail's name for a principal: `system`, `anonymous` or `USERNAME@ORGANISATION`. */
export function describePrincipal(p: Principal): string {
  return p.kind === 'user' ? `${p.username}@${p.organisationId}` : p.kind;
}

/** The active agreements under which others share with `p`'s organisation (none for others). */
export async function agreementsFor(db: Db, p: Principal): Promise<Agreement[]> {
  if (p.kind !== 'user') return [];
  const rows = await db
    .selectFrom('sharing_agreements')
    .select(['from_org', 'to_org', 'max_tlp'])
    .where('to_org', '=', p.organisationId)
    .where('withdrawn_at', 'is', null)
    .execute();
  return rows.map((r) => ({ fromOrg: r.from_org, toOrg: r.to_org, maxTlp: r.max_tlp as Tlp }));
}

/** How `readVisible` finds the owner and level of a table's rows. */
export interface PrivateItems<R> {
  /** The audit trail's name of the items (`field-report`, `alert`, …). */
  itemType: string;
  /** Column names of the owning organisation and the TLP level, as the query knows them. */
  columns: { organisation: string; tlp: string };
  /** Id, owner and level of a row. */
  describe(row: R): Owned & { id: string };
}

/**
 * Reads private items for `p`: `run` receives the visibility condition to put in its
 * `where`, and returns rows; rows are checked once more against the same grants (a query
 * that forgot the condition still leaks nothing), and reads of AMBER, AMBER+STRICT and RED
 * items are appended to the audit trail (one entry per read, listing the ids), in `db`'s
 * transaction when it is one. `at` (ISO) stamps the audit entry; default now.
 */
export async function readVisible<B, R extends B>(
  db: Db,
  p: Principal,
  items: PrivateItems<B>,
  run: (visible: Expression<SqlBool>) => Promise<R[]>,
  options: { purpose?: Purpose; at?: string } = {},
): Promise<R[]> {
  const rows = await compareVisible(db, p, items, run, options.purpose);
  await auditReads(db, p, items, rows, options);
  return rows;
}

/**
 * Items `p` may see, read to be compared on their behalf rather than shown (a field report's
 * duplicate check runs over the reports nearby; the submitter learns only of the matches):
 * the same condition and re-check as `readVisible`, but the caller audits, with
 * `auditReads`, exactly the items it reveals.
 */
export async function compareVisible<B, R extends B>(
  db: Db,
  p: Principal,
  items: PrivateItems<B>,
  run: (visible: Expression<SqlBool>) => Promise<R[]>,
  purpose: Purpose = 'read',
): Promise<R[]> {
  const agreements = await agreementsFor(db, p);
  const g = grants(p, agreements, purpose);
  return (await run(visibleTo(p, agreements, items.columns, purpose))).filter((r) =>
    granted(g, items.describe(r)),
  );
}

/** Appends the read of the AMBER, AMBER+STRICT and RED ones of `rows` by `p` to the audit trail. */
export async function auditReads<B>(
  db: Db,
  p: Principal,
  items: PrivateItems<B>,
  rows: readonly B[],
  options: { purpose?: Purpose; at?: string } = {},
): Promise<void> {
  const audited = rows.map((r) => items.describe(r)).filter((d) => AUDITED_LEVELS.includes(d.tlp));
  if (audited.length === 0) return;
  await recordRead(db, {
    at: options.at ?? new Date().toISOString(),
    actor: describePrincipal(p),
    action: options.purpose ?? 'read',
    itemType: items.itemType,
    items: audited.map((d) => ({ id: d.id, tlp: d.tlp })),
  });
}

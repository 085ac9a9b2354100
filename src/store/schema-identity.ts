import type { Generated } from 'kysely';

/**
 * Table types of identity, sharing, the audit trail and warning-to-decision cases
 * (migrations `0005-identity` and `0006-memberships`). Times are ISO timestamps; TLP levels are the strings of
 * `Tlp`; organisation ids are the short ids their administrators chose.
 */
export interface IdentitySchema {
  organisations: OrganisationsTable;
  users: UsersTable;
  memberships: MembershipsTable;
  sessions: SessionsTable;
  api_tokens: ApiTokensTable;
  sharing_agreements: SharingAgreementsTable;
  audit_log: AuditLogTable;
  cases: CasesTable;
  case_steps: CaseStepsTable;
}

/** An organisation; `kind` one of `ORGANISATION_KINDS`. */
export interface OrganisationsTable {
  id: string;
  name: string;
  kind: string;
  created_at: string;
}

/**
 * A person who signs in. `organisation_id` and `role` are their home membership: the
 * organisation they were added to, where a sign-in starts (it is in `memberships` too and
 * is never removed from there). `password_hash` is an argon2id PHC string (null: no password set,
 * API tokens only); `failed_attempts` counts sign-in failures since the last success;
 * `locked_until` set while locked out; `disabled` 0/1.
 */
export interface UsersTable {
  id: Generated<number>;
  username: string;
  display_name: string;
  email: string | null;
  organisation_id: string;
  role: string;
  password_hash: string | null;
  failed_attempts: number;
  locked_until: string | null;
  disabled: number;
  created_at: string;
}

/**
 * A user's place in an organisation: one row per user and organisation, with the role the
 * user holds there (one of `ROLES`).
 */
export interface MembershipsTable {
  user_id: number;
  organisation_id: string;
  role: string;
  created_at: string;
}

/**
 * A browser session. Only SHA-256 hashes (hex) of the session token and of its CSRF token
 * are stored; `organisation_id` the organisation the session acts for (null: the user's
 * home organisation); `ended_at` set on sign-out.
 */
export interface SessionsTable {
  token_hash: string;
  csrf_hash: string;
  user_id: number;
  organisation_id: string | null;
  created_at: string;
  expires_at: string;
  ended_at: string | null;
}

/**
 * An API token (SHA-256 hash, hex) with its `scopes` (JSON array of `read`, `write`,
 * `admin`), bound to the organisation `organisation_id` (null: the user's home organisation).
 */
export interface ApiTokensTable {
  id: Generated<number>;
  token_hash: string;
  name: string;
  user_id: number;
  organisation_id: string | null;
  scopes: string;
  created_at: string;
  expires_at: string | null;
  revoked_at: string | null;
  last_used_at: string | null;
}

/**
 * `from_org` shares its items up to `max_tlp` (GREEN or AMBER) with `to_org`. One way:
 * two organisations exchanging both ways hold two agreements. `withdrawn_at` set: ended.
 */
export interface SharingAgreementsTable {
  id: Generated<number>;
  from_org: string;
  to_org: string;
  max_tlp: string;
  created_by: string;
  created_at: string;
  withdrawn_at: string | null;
  withdrawn_by: string | null;
}

/**
 * The append-only audit trail. `seq` counts from 1 without gaps; `hash` is the HMAC-SHA256
 * (hex), under the audit key `key_id` names, of the entry's canonical content and `prev_hash`
 * (the hash of entry `seq - 1`, or 64 zeros for the first); `detail` canonical JSON (keys
 * sorted). `key_id` (migration `0030-audit-keys`) is null only on entries that were found
 * broken when the chain was keyed.
 */
export interface AuditLogTable {
  seq: number;
  at: string;
  actor: string;
  action: string;
  item_type: string;
  item_id: string | null;
  detail: string;
  prev_hash: string;
  hash: string;
  key_id: string | null;
}

/**
 * A case opened from an alert, from warning to decision. `status` `open` or `decided`;
 * `warning_at` the alert's raising time; `fast_track` 0/1 (imminent alerts).
 */
export interface CasesTable {
  id: Generated<number>;
  alert_id: number;
  country_id: string;
  fast_track: number;
  organisation: string;
  tlp: string;
  status: string;
  opened_by: string;
  opened_at: string;
  warning_at: string;
  decided_at: string | null;
  decision: string | null;
}

/**
 * One step of a case (`assessment`, `advice`, `decision`, in `position` order). `status`
 * `waiting` (an earlier step is not done), `open`, `in-progress` or `done`; `due_at` set when
 * the step opens; `owner_user_id` the person who holds it (null: unassigned).
 */
export interface CaseStepsTable {
  case_id: number;
  step: string;
  position: number;
  owner_user_id: number | null;
  status: string;
  opened_at: string | null;
  started_at: string | null;
  completed_at: string | null;
  due_at: string | null;
  note: string | null;
}

import type { Kysely, Selectable, Transaction } from 'kysely';
import type { AlertDraft, AlertKind } from '../core/escalation/alerts.js';
import type { CountryStatus } from '../core/escalation/engine.js';
import type { Stage } from '../core/escalation/rules.js';
import type { Tlp } from '../core/escalation/types.js';
import { readVisible } from './access.js';
import type { Principal, PrivateItems } from './access.js';
import type { AlertsTable, Schema } from './schema.js';

type Db = Kysely<Schema> | Transaction<Schema>;

/**
 * A country's current escalation status, as last computed, with the JSON it is stored as
 * (the incremental monitor compares it to what it wrote to know whether anyone else has).
 */
export async function getStatus(
  db: Db,
  countryId: string,
): Promise<{ status: CountryStatus; json: string } | undefined> {
  const r = await db
    .selectFrom('escalation_status')
    .select('status')
    .where('country_id', '=', countryId)
    .executeTakeFirst();
  return r ? { status: JSON.parse(r.status) as CountryStatus, json: r.status } : undefined;
}

/** Every stored status, by country id. */
export async function listStatuses(db: Db): Promise<CountryStatus[]> {
  const rows = await db
    .selectFrom('escalation_status')
    .select('status')
    .orderBy('country_id')
    .execute();
  return rows.map((r) => JSON.parse(r.status) as CountryStatus);
}

/** Stores a country's status (replacing the previous one); returns the JSON stored. `updatedAt` ISO timestamp. */
export async function saveStatus(db: Db, s: CountryStatus, updatedAt: string): Promise<string> {
  const json = JSON.stringify(s);
  const values = {
    as_of: s.asOf,
    stage: s.stage,
    imminent: s.imminent ? 1 : 0,
    tier: s.tier,
    sharing: s.sharing,
    rules: s.rules,
    status: json,
    updated_at: updatedAt,
  };
  await db
    .insertInto('escalation_status')
    .values({ country_id: s.countryId, ...values })
    .onConflict((oc) => oc.column('country_id').doUpdateSet(values))
    .execute();
  return json;
}

/** An alert as stored. Times ISO; `acknowledgedAt`/`resolvedAt` null while not done. */
export interface Alert {
  id: number;
  dedupKey: string;
  kind: AlertKind;
  countryId: string;
  stage: Stage;
  indicator: string | null;
  title: string;
  asOf: string;
  evidence: string[];
  sharing: Tlp;
  raisedAt: string;
  lastSeenAt: string;
  occurrences: number;
  acknowledgedAt: string | null;
  acknowledgedBy: string | null;
  resolvedAt: string | null;
  resolvedBy: string | null;
  /** The owning organisation: that of the evidence that sets its level (null: none). */
  organisationId: string | null;
}

/** The alert of a row. */
export function rowToAlert(r: Selectable<AlertsTable>): Alert {
  return {
    id: Number(r.id),
    dedupKey: r.dedup_key,
    kind: r.kind as AlertKind,
    countryId: r.country_id,
    stage: r.stage as Stage,
    indicator: r.indicator,
    title: r.title,
    asOf: r.as_of,
    evidence: JSON.parse(r.evidence) as string[],
    sharing: r.sharing as Tlp,
    raisedAt: r.raised_at,
    lastSeenAt: r.last_seen_at,
    occurrences: Number(r.occurrences),
    acknowledgedAt: r.acknowledged_at,
    acknowledgedBy: r.acknowledged_by,
    resolvedAt: r.resolved_at,
    resolvedBy: r.resolved_by,
    organisationId: r.organisation,
  };
}

/** How `readVisible` sees an alerts row. */
const ALERT_ITEMS: PrivateItems<Pick<Selectable<AlertsTable>, 'id' | 'organisation' | 'sharing'>> =
  {
    itemType: 'alert',
    columns: { organisation: 'alerts.organisation', tlp: 'alerts.sharing' },
    describe: (r) => ({
      id: String(r.id),
      organisationId: r.organisation,
      tlp: r.sharing as Tlp,
    }),
  };

/**
 * Raises an alert, or bumps the open one with the same dedup key, level and owner (one more
 * occurrence, last seen now, newest evidence). A repeat at another level or for another
 * owner raises an alert of its own: an alert never changes its level or owner, so what its
 * readers and subscribers received stays at the level they were cleared for. The partial
 * unique index on open keys and scopes makes this safe under concurrent writers. Returns the
 * alert and whether it is new.
 */
export async function raiseAlert(
  db: Db,
  d: AlertDraft,
  now: string,
  organisation: string | null = null,
): Promise<{ alert: Alert; created: boolean }> {
  const evidence = JSON.stringify(d.evidence);
  const row = await db
    .insertInto('alerts')
    .values({
      dedup_key: d.dedupKey,
      kind: d.kind,
      country_id: d.countryId,
      stage: d.stage,
      indicator: d.indicator ?? null,
      title: d.title,
      as_of: d.asOf,
      evidence,
      sharing: d.sharing,
      raised_at: now,
      last_seen_at: now,
      occurrences: 1,
      acknowledged_at: null,
      acknowledged_by: null,
      resolved_at: null,
      resolved_by: null,
      organisation,
      scope: `${d.sharing}/${organisation ?? ''}`,
    })
    .onConflict((oc) =>
      oc
        .columns(['dedup_key', 'scope'])
        .where('resolved_at', 'is', null)
        .doUpdateSet((eb) => ({
          occurrences: eb('alerts.occurrences', '+', 1),
          last_seen_at: now,
          as_of: d.asOf,
          evidence,
          title: d.title,
          stage: d.stage,
        })),
    )
    .returningAll()
    .executeTakeFirstOrThrow();
  const alert = rowToAlert(row);
  return { alert, created: alert.occurrences === 1 };
}

/** Which alerts to list: `open` (not resolved, the default), `unacknowledged` (open and not acknowledged) or `all`. */
export type AlertFilter = 'open' | 'unacknowledged' | 'all';

/** Alerts `p` may see, newest first (with `purpose` `export`: no RED ones). */
export async function listAlerts(
  db: Db,
  p: Principal,
  q: { filter?: AlertFilter; countryId?: string; limit?: number; purpose?: 'read' | 'export' } = {},
): Promise<Alert[]> {
  const rows = await readVisible(
    db,
    p,
    ALERT_ITEMS,
    (visible) => {
      let query = db.selectFrom('alerts').selectAll().where(visible);
      const filter = q.filter ?? 'open';
      if (filter !== 'all') query = query.where('resolved_at', 'is', null);
      if (filter === 'unacknowledged') query = query.where('acknowledged_at', 'is', null);
      if (q.countryId !== undefined) query = query.where('country_id', '=', q.countryId);
      query = query.orderBy('id', 'desc');
      if (q.limit !== undefined) query = query.limit(q.limit);
      return query.execute();
    },
    { purpose: q.purpose },
  );
  return rows.map(rowToAlert);
}

/** One alert by id, if `p` may see it. */
export async function getAlert(db: Db, p: Principal, id: number): Promise<Alert | undefined> {
  const [r] = await readVisible(db, p, ALERT_ITEMS, (visible) =>
    db.selectFrom('alerts').selectAll().where('id', '=', id).where(visible).execute(),
  );
  return r ? rowToAlert(r) : undefined;
}

async function alertExists(db: Db, id: number): Promise<boolean> {
  const r = await db.selectFrom('alerts').select('id').where('id', '=', id).executeTakeFirst();
  return r !== undefined;
}

/** Marks an alert acknowledged (kept open). Returns false when it does not exist. */
export async function acknowledgeAlert(
  db: Db,
  id: number,
  by: string,
  at: string,
): Promise<boolean> {
  const r = await db
    .updateTable('alerts')
    .set({ acknowledged_at: at, acknowledged_by: by })
    .where('id', '=', id)
    .where('acknowledged_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0 || alertExists(db, id);
}

/** Resolves an alert: a repeat of its condition will raise a new one. Returns false when it does not exist. */
export async function resolveAlert(db: Db, id: number, by: string, at: string): Promise<boolean> {
  const r = await db
    .updateTable('alerts')
    .set({ resolved_at: at, resolved_by: by })
    .where('id', '=', id)
    .where('resolved_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0 || alertExists(db, id);
}

/** A webhook subscriber. `kinds` / `countryIds` null: all. */
export interface Subscription {
  id: number;
  url: string;
  secret: string;
  kinds: AlertKind[] | null;
  countryIds: string[] | null;
  maxSharing: Tlp;
  active: boolean;
  createdAt: string;
}

/** Adds a subscriber; returns its id. */
export async function addSubscription(
  db: Db,
  s: Omit<Subscription, 'id' | 'active'>,
): Promise<number> {
  const r = await db
    .insertInto('webhook_subscriptions')
    .values({
      url: s.url,
      secret: s.secret,
      kinds: s.kinds ? JSON.stringify(s.kinds) : null,
      country_ids: s.countryIds ? JSON.stringify(s.countryIds) : null,
      max_sharing: s.maxSharing,
      active: 1,
      created_at: s.createdAt,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return Number(r.id);
}

/** Subscribers, oldest first (active only unless `all`; only `id` when given). */
export async function listSubscriptions(db: Db, all = false, id?: number): Promise<Subscription[]> {
  let q = db.selectFrom('webhook_subscriptions').selectAll().orderBy('id');
  if (!all) q = q.where('active', '=', 1);
  if (id !== undefined) q = q.where('id', '=', id);
  return (await q.execute()).map((r) => ({
    id: Number(r.id),
    url: r.url,
    secret: r.secret,
    kinds: r.kinds === null ? null : (JSON.parse(r.kinds) as AlertKind[]),
    countryIds: r.country_ids === null ? null : (JSON.parse(r.country_ids) as string[]),
    maxSharing: r.max_sharing as Tlp,
    active: Number(r.active) === 1,
    createdAt: r.created_at,
  }));
}

/** The reason logged on the deliveries a stopped subscription will never receive. */
export const STOPPED = 'not sent: the subscription was stopped';

/**
 * Stops a subscriber (kept for its delivery log); its pending deliveries are withheld, each
 * with an entry of the log giving `STOPPED` as the reason. Run it in a transaction. Returns
 * false when there is none.
 */
export async function deactivateSubscription(db: Db, id: number): Promise<boolean> {
  const r = await db
    .updateTable('webhook_subscriptions')
    .set({ active: 0 })
    .where('id', '=', id)
    .executeTakeFirst();
  const pending = await db
    .selectFrom('webhook_deliveries')
    .select(['id', 'attempts'])
    .where('subscription_id', '=', id)
    .where('status', '=', 'pending')
    .execute();
  const at = new Date().toISOString();
  for (const d of pending)
    await recordAttempt(
      db,
      {
        deliveryId: Number(d.id),
        attempt: Number(d.attempts) + 1,
        attemptedAt: at,
        statusCode: null,
        error: STOPPED,
        durationMs: 0,
      },
      { status: 'withheld', nextAttemptAt: at },
    );
  return Number(r.numUpdatedRows) > 0;
}

/** Queues the delivery of an alert to subscribers (once each). */
export async function queueDeliveries(
  db: Db,
  alertId: number,
  subscriptionIds: readonly number[],
  now: string,
): Promise<void> {
  if (subscriptionIds.length === 0) return;
  await db
    .insertInto('webhook_deliveries')
    .values(
      subscriptionIds.map((subscription_id) => ({
        subscription_id,
        alert_id: alertId,
        status: 'pending',
        attempts: 0,
        next_attempt_at: now,
        last_status: null,
        last_error: null,
        created_at: now,
        delivered_at: null,
      })),
    )
    .onConflict((oc) => oc.columns(['subscription_id', 'alert_id']).doNothing())
    .execute();
}

/**
 * Delivery states: `pending` (to try), `delivered`, `failed` (gave up after the last attempt,
 * or the target was refused), `withheld` (never to be sent: the subscription was stopped, or
 * the alert is now above the subscriber's sharing cap; `lastError` says which).
 */
export type DeliveryStatus = 'pending' | 'delivered' | 'failed' | 'withheld';

/** One alert to one subscriber, with its progress. */
export interface Delivery {
  id: number;
  subscriptionId: number;
  alertId: number;
  status: DeliveryStatus;
  attempts: number;
  nextAttemptAt: string;
  lastStatus: number | null;
  lastError: string | null;
  createdAt: string;
  deliveredAt: string | null;
}

/** Deliveries, oldest first; `due` (ISO): only pending ones whose next attempt is due by then. */
export async function listDeliveries(
  db: Db,
  q: { due?: string; alertId?: number } = {},
): Promise<Delivery[]> {
  let query = db.selectFrom('webhook_deliveries').selectAll().orderBy('id');
  if (q.due !== undefined)
    query = query.where('status', '=', 'pending').where('next_attempt_at', '<=', q.due);
  if (q.alertId !== undefined) query = query.where('alert_id', '=', q.alertId);
  return (await query.execute()).map((r) => ({
    id: Number(r.id),
    subscriptionId: Number(r.subscription_id),
    alertId: Number(r.alert_id),
    status: r.status as DeliveryStatus,
    attempts: Number(r.attempts),
    nextAttemptAt: r.next_attempt_at,
    lastStatus: r.last_status === null ? null : Number(r.last_status),
    lastError: r.last_error,
    createdAt: r.created_at,
    deliveredAt: r.delivered_at,
  }));
}

/** One HTTP attempt of a delivery, for the log. */
export interface Attempt {
  deliveryId: number;
  attempt: number;
  attemptedAt: string;
  statusCode: number | null;
  error: string | null;
  durationMs: number;
}

/** Logs an attempt and moves the delivery on: delivered, pending again at `nextAttemptAt`, or failed. */
export async function recordAttempt(
  db: Db,
  a: Attempt,
  outcome: { status: DeliveryStatus; nextAttemptAt: string },
): Promise<void> {
  await db
    .insertInto('webhook_attempts')
    .values({
      delivery_id: a.deliveryId,
      attempt: a.attempt,
      attempted_at: a.attemptedAt,
      status_code: a.statusCode,
      error: a.error,
      duration_ms: a.durationMs,
    })
    .execute();
  await db
    .updateTable('webhook_deliveries')
    .set({
      status: outcome.status,
      attempts: a.attempt,
      next_attempt_at: outcome.nextAttemptAt,
      last_status: a.statusCode,
      last_error: a.error,
      delivered_at: outcome.status === 'delivered' ? a.attemptedAt : null,
    })
    .where('id', '=', a.deliveryId)
    .execute();
}

/** The delivery log, oldest first, optionally of one delivery. */
export async function listAttempts(db: Db, deliveryId?: number): Promise<Attempt[]> {
  let q = db.selectFrom('webhook_attempts').selectAll().orderBy('delivery_id').orderBy('attempt');
  if (deliveryId !== undefined) q = q.where('delivery_id', '=', deliveryId);
  return (await q.execute()).map((r) => ({
    deliveryId: Number(r.delivery_id),
    attempt: Number(r.attempt),
    attemptedAt: r.attempted_at,
    statusCode: r.status_code === null ? null : Number(r.status_code),
    error: r.error,
    durationMs: Number(r.duration_ms),
  }));
}

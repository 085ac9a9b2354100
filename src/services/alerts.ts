import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleepMs } from 'node:timers/promises';
import type { AlertKind } from '../core/escalation/alerts.js';
import { ALERT_KINDS } from '../core/escalation/alerts.js';
import { TLP_LEVELS } from '../core/escalation/types.js';
import type { Tlp } from '../core/escalation/types.js';
import { InputError } from '../core/errors.js';
import {
  AccessDeniedError,
  SYSTEM,
  agreementsFor,
  canUpdate,
  describePrincipal,
} from '../store/access.js';
import type { Principal } from '../store/access.js';
import type { Store } from '../store/database.js';
import {
  acknowledgeAlert,
  addSubscription,
  deactivateSubscription,
  getAlert,
  listAlerts,
  listDeliveries,
  listSubscriptions,
  recordAttempt,
  resolveAlert,
  STOPPED,
} from '../store/alerts-repository.js';
import type { Alert, AlertFilter, Delivery, Subscription } from '../store/alerts-repository.js';
import { audited } from './audit.js';
import { RefusedTargetError, checkTarget, guardedPost, trustFromEnv } from './webhook-targets.js';
import type { WebhookTrust } from './webhook-targets.js';

export type { Alert, AlertFilter, Delivery, Subscription } from '../store/alerts-repository.js';

/** Alerts `principal` may see, newest first (`open` by default). */
export function alerts(
  store: Store,
  principal: Principal,
  q: { filter?: AlertFilter; countryId?: string; limit?: number } = {},
): Promise<Alert[]> {
  return listAlerts(store.db, principal, q);
}

/** Alerts for export (files, other systems): as `alerts`, but never RED ones. */
export function exportAlerts(
  store: Store,
  principal: Principal,
  q: { filter?: AlertFilter; countryId?: string; limit?: number } = {},
): Promise<Alert[]> {
  return listAlerts(store.db, principal, { ...q, purpose: 'export' });
}

/** One alert, if `principal` may see it. */
export function alert(store: Store, principal: Principal, id: number): Promise<Alert | undefined> {
  return getAlert(store.db, principal, id);
}

/**
 * The alert `principal` may handle (acknowledge, resolve): InputError when it does not
 * exist or is not visible to them, AccessDeniedError when they see it but may not change it.
 */
async function alertToHandle(store: Store, principal: Principal, id: number): Promise<Alert> {
  const a = await getAlert(store.db, principal, id);
  if (!a) throw new InputError(`no alert ${id}`, { expected: 'an id from `lens alerts`' });
  const owned = { organisationId: a.organisationId, tlp: a.sharing };
  if (!canUpdate(principal, 'handle-alert', owned, await agreementsFor(store.db, principal)))
    throw new AccessDeniedError(`${describePrincipal(principal)} may not handle alert ${id}`);
  return a;
}

async function handleAlert(
  store: Store,
  principal: Principal,
  id: number,
  by: string,
  now: string,
  action: 'acknowledge' | 'resolve',
): Promise<Alert> {
  await alertToHandle(store, principal, id);
  await audited(store, async (trx, record) => {
    if (action === 'acknowledge') await acknowledgeAlert(trx, id, by, now);
    else await resolveAlert(trx, id, by, now);
    record({
      at: now,
      actor: principal,
      action,
      itemType: 'alert',
      itemId: String(id),
      detail: { by },
    });
  });
  return (await getAlert(store.db, principal, id)) as Alert;
}

/** Acknowledges an alert (it stays open). InputError for an unknown id. */
export function acknowledge(
  store: Store,
  principal: Principal,
  id: number,
  by: string,
  now: string = new Date().toISOString(),
): Promise<Alert> {
  return handleAlert(store, principal, id, by, now, 'acknowledge');
}

/** Resolves an alert: the same condition later raises a new alert. InputError for an unknown id. */
export function resolve(
  store: Store,
  principal: Principal,
  id: number,
  by: string,
  now: string = new Date().toISOString(),
): Promise<Alert> {
  return handleAlert(store, principal, id, by, now, 'resolve');
}

/** A new webhook subscriber. */
export interface SubscribeOptions {
  url: string;
  /** Shared secret for the signature; generated (32 random bytes, hex) when absent. */
  secret?: string;
  kinds?: readonly string[];
  countryIds?: readonly string[];
  /** Highest sharing level the subscriber may receive (default GREEN). */
  maxSharing?: string;
  now?: string;
  /** Internal receivers the operator trusts (default `LENS_WEBHOOK_TRUSTED`). */
  trust?: WebhookTrust;
}

/**
 * Adds a subscriber after checking its options: an http(s) URL whose host resolves to
 * public addresses only (not loopback, private, link-local or this server's own, unless
 * trusted: see `webhook-targets.ts`), known alert kinds and TLP level. Returns it with its
 * secret (shown once to the user who subscribes).
 */
export async function subscribe(store: Store, o: SubscribeOptions): Promise<Subscription> {
  let url: URL;
  try {
    url = new URL(o.url);
  } catch {
    throw new InputError(`"${o.url}" is not a URL`, { column: 'url', expected: 'an http(s) URL' });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new InputError(`"${o.url}" is not an http(s) URL`, {
      column: 'url',
      expected: 'http:// or https://',
    });
  }
  try {
    await checkTarget(url, o.trust ?? trustFromEnv());
  } catch (error) {
    if (!(error instanceof RefusedTargetError)) throw error;
    throw new InputError(`"${o.url}": ${error.message}`, {
      column: 'url',
      expected: 'a URL of a public address',
    });
  }
  const kinds = o.kinds?.map((k) => {
    if (!ALERT_KINDS.includes(k as AlertKind))
      throw new InputError(`unknown alert kind "${k}"`, {
        column: '--kinds',
        expected: ALERT_KINDS.join(', '),
      });
    return k as AlertKind;
  });
  const maxSharing = (o.maxSharing ?? 'GREEN').toUpperCase();
  if (!TLP_LEVELS.includes(maxSharing as Tlp)) {
    throw new InputError(`unknown sharing level "${o.maxSharing}"`, {
      column: '--max-sharing',
      expected: TLP_LEVELS.join(', '),
    });
  }
  const secret = o.secret ?? randomBytes(32).toString('hex');
  if (secret.length < 16)
    throw new InputError('the secret is too short', {
      column: '--secret',
      expected: 'at least 16 characters',
    });
  const createdAt = o.now ?? new Date().toISOString();
  const id = await addSubscription(store.db, {
    url: url.href,
    secret,
    kinds: kinds ?? null,
    countryIds: o.countryIds ? [...o.countryIds] : null,
    maxSharing: maxSharing as Tlp,
    createdAt,
  });
  return {
    id,
    url: url.href,
    secret,
    kinds: kinds ?? null,
    countryIds: o.countryIds ? [...o.countryIds] : null,
    maxSharing: maxSharing as Tlp,
    active: true,
    createdAt,
  };
}

/** Stops a subscriber; its pending deliveries are withheld. InputError for an unknown id. */
export async function unsubscribe(store: Store, id: number): Promise<void> {
  const found = await store.db.transaction().execute((trx) => deactivateSubscription(trx, id));
  if (!found) throw new InputError(`no subscription ${id}`);
}

/** Active subscribers (with all: stopped ones too). */
export function subscriptions(store: Store, all = false): Promise<Subscription[]> {
  return listSubscriptions(store.db, all);
}

/** The header carrying the signature: `sha256=` and the hex HMAC. */
export const SIGNATURE_HEADER = 'x-lens-signature';
/** The header carrying the Unix time (seconds) the signature covers. */
export const TIMESTAMP_HEADER = 'x-lens-timestamp';

/**
 * The signature of a delivery: HMAC-SHA256 with the subscriber's secret over
 * `TIMESTAMP.BODY` (the timestamp header, a dot, the raw body), hex, prefixed `sha256=`.
 * Covering the timestamp lets receivers refuse replays of old deliveries.
 */
export function signPayload(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** Checks a signature in constant time (for receivers, and tests). */
export function verifySignature(
  secret: string,
  timestamp: string,
  body: string,
  signature: string,
): boolean {
  const expected = Buffer.from(signPayload(secret, timestamp, body));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/** How deliveries are attempted. */
export interface DeliveryOptions {
  /** Attempts per delivery before it is marked failed (default 5). */
  maxAttempts?: number;
  /** Wait before the second attempt, doubled for each later one (default 1,000 ms). */
  baseDelayMs?: number;
  /** Time allowed for one request (default 10,000 ms). */
  timeoutMs?: number;
  /** The clock (default the system clock); injected in tests. */
  now?: () => Date;
  /** Waits between attempts (default a timer); injected in tests. */
  sleep?: (ms: number) => Promise<void>;
  /** Internal receivers the operator trusts (default `LENS_WEBHOOK_TRUSTED`). */
  trust?: WebhookTrust;
}

/** What a delivery run did. */
export interface DeliveryReport {
  attempted: number;
  delivered: number;
  failed: number;
  /** Deliveries withheld: the subscription stopped, or the alert now above its cap. */
  withheld: number;
  deliveries: Delivery[];
}

/**
 * Why a pending delivery must not be sent now, or null: the subscription was stopped, the
 * alert is gone, or the alert as it is now is above the subscriber's sharing cap (or out of
 * its kinds and countries). Checked before every attempt, against the alert and the
 * subscription as they are then.
 */
function withholding(sub: Subscription | undefined, alert: Alert | undefined): string | null {
  if (!sub || !sub.active) return STOPPED;
  if (!alert) return 'not sent: the alert no longer exists';
  if (TLP_LEVELS.indexOf(alert.sharing) > TLP_LEVELS.indexOf(sub.maxSharing))
    return `not sent: the alert is ${alert.sharing}, above the subscriber's cap ${sub.maxSharing}`;
  if (sub.kinds && !sub.kinds.includes(alert.kind))
    return `not sent: the subscriber does not take ${alert.kind} alerts`;
  if (sub.countryIds && !sub.countryIds.includes(alert.countryId))
    return `not sent: the subscriber does not take alerts about ${alert.countryId}`;
  return null;
}

/**
 * Sends every pending delivery whose time has come: a POST of the alert as JSON, signed
 * (`x-lens-signature`, over `x-lens-timestamp` and the body), with `x-lens-delivery` (the
 * delivery id, stable across retries, for receivers to drop repeats). Before each attempt
 * the alert and the subscription are read again: a stopped subscription, or an alert now
 * above the subscriber's sharing cap, withholds the delivery (logged with the reason). The
 * target's addresses are checked as the connection is made (`guardedPost`): a refused
 * target fails the delivery at once; redirects are not followed. A 2xx answer delivers it;
 * anything else (or no answer within the timeout) is retried after `baseDelayMs`, then twice
 * that, and so on, up to `maxAttempts`, after which it is marked failed. Every attempt is
 * logged. State is saved after each attempt, so an interrupted run resumes where it was.
 */
export async function deliverWebhooks(
  store: Store,
  options: DeliveryOptions = {},
): Promise<DeliveryReport> {
  const maxAttempts = options.maxAttempts ?? 5;
  const base = options.baseDelayMs ?? 1000;
  const timeout = options.timeoutMs ?? 10_000;
  const clock = options.now ?? (() => new Date());
  const sleep = options.sleep ?? ((ms: number) => sleepMs(ms).then(() => undefined));
  const trust = options.trust ?? trustFromEnv();
  const due = await listDeliveries(store.db, { due: clock().toISOString() });
  const report: DeliveryReport = {
    attempted: 0,
    delivered: 0,
    failed: 0,
    withheld: 0,
    deliveries: [],
  };
  for (const d of due) {
    let attempt = d.attempts;
    for (;;) {
      attempt++;
      const sentAt = clock();
      // Webhooks go out on the operator's behalf; each subscriber's `maxSharing` limits them,
      // checked on the alert as it is when the body is built.
      const [sub] = await listSubscriptions(store.db, true, d.subscriptionId);
      const alert = await getAlert(store.db, SYSTEM, d.alertId);
      const withheld = withholding(sub, alert);
      if (withheld !== null || !sub || !alert) {
        await recordAttempt(
          store.db,
          {
            deliveryId: d.id,
            attempt,
            attemptedAt: sentAt.toISOString(),
            statusCode: null,
            error: withheld,
            durationMs: 0,
          },
          { status: 'withheld', nextAttemptAt: sentAt.toISOString() },
        );
        report.withheld++;
        break;
      }
      report.attempted++;
      const body = JSON.stringify({
        event: 'alert.raised',
        deliveryId: d.id,
        attempt,
        sentAt: sentAt.toISOString(),
        alert: alertPayload(alert),
      });
      const timestamp = String(Math.floor(sentAt.getTime() / 1000));
      const started = performance.now();
      let statusCode: number | null = null;
      let error: string | null = null;
      let refused = false;
      try {
        const answer = await guardedPost(
          new URL(sub.url),
          {
            'content-type': 'application/json',
            'user-agent': 'atrocity-lens-webhooks',
            'x-lens-event': 'alert.raised',
            'x-lens-delivery': String(d.id),
            [TIMESTAMP_HEADER]: timestamp,
            [SIGNATURE_HEADER]: signPayload(sub.secret, timestamp, body),
          },
          body,
          timeout,
          trust,
        );
        statusCode = answer.statusCode;
        if (statusCode >= 300 && statusCode < 400)
          error = `HTTP ${statusCode}: redirects are not followed`;
        else if (statusCode < 200 || statusCode >= 300) error = `HTTP ${statusCode}`;
      } catch (e) {
        refused = e instanceof RefusedTargetError;
        error =
          (e as Error).name === 'TimeoutError'
            ? `no answer within ${timeout} ms`
            : (((e as Error).cause as Error | undefined)?.message ?? (e as Error).message);
      }
      const durationMs = Math.round(performance.now() - started);
      const ok = error === null;
      const last = attempt >= maxAttempts || refused;
      const delay = base * 2 ** (attempt - 1);
      const status = ok ? 'delivered' : last ? 'failed' : 'pending';
      const next =
        ok || last ? sentAt.toISOString() : new Date(sentAt.getTime() + delay).toISOString();
      await recordAttempt(
        store.db,
        {
          deliveryId: d.id,
          attempt,
          attemptedAt: sentAt.toISOString(),
          statusCode,
          error,
          durationMs,
        },
        { status, nextAttemptAt: next },
      );
      if (ok) {
        report.delivered++;
        break;
      }
      if (last) {
        report.failed++;
        break;
      }
      await sleep(delay);
    }
  }
  report.deliveries = await listDeliveries(store.db);
  return report;
}

/** The alert as webhook receivers get it (the JSON contract). */
export function alertPayload(a: Alert): Record<string, unknown> {
  return {
    id: a.id,
    kind: a.kind,
    country: a.countryId,
    stage: a.stage,
    indicator: a.indicator,
    title: a.title,
    asOf: a.asOf,
    evidence: a.evidence,
    sharing: a.sharing,
    raisedAt: a.raisedAt,
  };
}

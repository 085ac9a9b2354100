import { strict as assert } from 'node:assert';
import { createServer } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { networkInterfaces } from 'node:os';
import { after, before, it } from 'node:test';
import type { EscalationEvent } from '../../src/core/escalation/types.js';
import {
  deliverWebhooks,
  signPayload,
  subscribe,
  unsubscribe,
  verifySignature,
} from '../../src/services/alerts.js';
import { EscalationMonitor, loadRules } from '../../src/services/escalation.js';
import { refusal } from '../../src/services/webhook-targets.js';
import type { WebhookTrust } from '../../src/services/webhook-targets.js';
import type { Store } from '../../src/store/database.js';
import {
  STOPPED,
  listAttempts,
  listDeliveries,
  raiseAlert,
} from '../../src/store/alerts-repository.js';
import type { Alert } from '../../src/store/alerts-repository.js';
import { onEveryStore } from '../support/stores.js';

const NOW = '2026-01-15T00:00:00.000Z';
/** The operator's setting that trusts the tests' receivers on 127.0.0.1. */
const LOCAL: WebhookTrust = { trusted: ['127.0.0.1'] };
/** No trusted receiver (whatever LENS_WEBHOOK_TRUSTED says where the tests run). */
const NONE: WebhookTrust = { trusted: [] };

/**
 * A receiver on 127.0.0.1 that answers with the next status of `script` (then 200) and keeps
 * what it got; `location` is sent with every answer (for redirects).
 */
async function receiver(script: number[], location?: string) {
  const got: { headers: IncomingHttpHeaders; body: string }[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      got.push({ headers: req.headers, body });
      res.writeHead(script.shift() ?? 200, location ? { location } : {}).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    got,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

let n = 0;
function attack(
  countryId: string,
  date: string,
  sharing: EscalationEvent['sharing'] = 'CLEAR',
): EscalationEvent {
  n++;
  return {
    source: 'report',
    sourceId: `w-${n}`,
    countryId,
    date: { start: date, end: date, precision: 'day' },
    place: { precision: 'country' },
    actors: [{ name: 'Militia', type: 'identity-militia', side: 'a' }],
    category: 'violence.against-civilians.attack',
    civilianTargeted: true,
    deaths: { best: 8, low: 8, high: 8 },
    accountability: 'none-known',
    sources: [],
    reliability: 'medium',
    sharing,
    provenance: { recordedAt: NOW },
  };
}

it('signs with HMAC-SHA256 over the timestamp and body', () => {
  const sig = signPayload('s3cret-s3cret-s3cret', '1700000000', '{"a":1}');
  assert.match(sig, /^sha256=[0-9a-f]{64}$/);
  assert.ok(verifySignature('s3cret-s3cret-s3cret', '1700000000', '{"a":1}', sig));
  assert.ok(!verifySignature('s3cret-s3cret-s3cret', '1700000001', '{"a":1}', sig));
  assert.ok(!verifySignature('other-secret-other', '1700000000', '{"a":1}', sig));
});

onEveryStore('webhooks', (target) => {
  let store: Store;
  let monitor: EscalationMonitor;
  before(async () => {
    store = await target.fresh();
    monitor = await EscalationMonitor.open(store, { rules: await loadRules() });
  });
  after(async () => {
    await store.close();
    await target.cleanup();
  });

  it('delivers signed alerts, retrying with backoff, and logs every attempt', async () => {
    const hook = await receiver([500, 503]);
    try {
      const sub = await subscribe(store, {
        url: hook.url,
        secret: 'a-long-shared-secret',
        kinds: ['red-flag'],
        now: NOW,
        trust: LOCAL,
      });
      const quiet = await subscribe(store, {
        url: hook.url,
        secret: 'a-long-shared-secret',
        countryIds: ['fra'],
        now: NOW,
        trust: LOCAL,
      });
      await monitor.record(attack('cod', '2021-05-01'), '2021-05-01', NOW);
      const raised = await monitor.record(attack('cod', '2021-05-03'), '2021-05-03', NOW);
      const flag = raised.alerts.find((a) => a.kind === 'red-flag')!;
      assert.ok(flag);
      assert.deepEqual(
        (await listDeliveries(store.db)).map((d) => [d.subscriptionId, d.alertId, d.status]),
        [[sub.id, flag.id, 'pending']],
        'only the matching subscriber gets it',
      );
      assert.notEqual(quiet.id, sub.id);
      const waits: number[] = [];
      let clock = Date.parse('2026-01-15T00:00:00Z');
      const report = await deliverWebhooks(store, {
        trust: LOCAL,
        baseDelayMs: 250,
        now: () => new Date(clock),
        sleep: async (ms) => {
          waits.push(ms);
          clock += ms;
        },
      });
      assert.deepEqual([report.attempted, report.delivered, report.failed], [3, 1, 0]);
      assert.deepEqual(waits, [250, 500]);
      assert.equal(hook.got.length, 3);
      for (const { headers, body } of hook.got) {
        const ts = String(headers['x-lens-timestamp']);
        assert.ok(
          verifySignature('a-long-shared-secret', ts, body, String(headers['x-lens-signature'])),
        );
        assert.equal(headers['x-lens-delivery'], String(report.deliveries[0]!.id));
      }
      const payload = JSON.parse(hook.got[2]!.body) as {
        attempt: number;
        alert: { id: number; kind: string; country: string; evidence: string[] };
      };
      assert.equal(payload.attempt, 3);
      assert.equal(payload.alert.id, flag.id);
      assert.equal(payload.alert.country, 'cod');
      assert.equal(payload.alert.evidence.length, 2);
      const log = await listAttempts(store.db, report.deliveries[0]!.id);
      assert.deepEqual(
        log.map((a) => [a.attempt, a.statusCode, a.error]),
        [
          [1, 500, 'HTTP 500'],
          [2, 503, 'HTTP 503'],
          [3, 200, null],
        ],
      );
      assert.equal(report.deliveries[0]!.status, 'delivered');
      const again = await deliverWebhooks(store, { trust: LOCAL, now: () => new Date(clock) });
      assert.equal(again.attempted, 0, 'nothing left to send');
    } finally {
      await hook.close();
    }
  });

  it('gives up after the last attempt, and keeps restricted alerts from subscribers not cleared for them', async () => {
    const hook = await receiver([500, 500, 500]);
    try {
      for (const s of await store.db.selectFrom('webhook_subscriptions').select('id').execute())
        await unsubscribe(store, Number(s.id));
      const green = await subscribe(store, {
        url: hook.url,
        secret: 'a-long-shared-secret',
        now: NOW,
        trust: LOCAL,
      });
      await monitor.record(attack('caf', '2021-05-01', 'AMBER'), '2021-05-01', NOW);
      const amber = await monitor.record(attack('caf', '2021-05-03', 'AMBER'), '2021-05-03', NOW);
      assert.ok(amber.alerts.length > 0 && amber.alerts.every((a) => a.sharing === 'AMBER'));
      assert.equal(
        (await listDeliveries(store.db)).filter((d) => d.subscriptionId === green.id).length,
        0,
        'GREEN subscriber, AMBER alerts',
      );
      const cleared = await subscribe(store, {
        url: hook.url,
        secret: 'a-long-shared-secret',
        maxSharing: 'amber',
        kinds: ['imminent', 'stage-rise'],
        now: NOW,
        trust: LOCAL,
      });
      await monitor.record(attack('ssd', '2021-05-01', 'AMBER'), '2021-05-01', NOW);
      await monitor.record(attack('ssd', '2021-05-03', 'AMBER'), '2021-05-03', NOW);
      const waits: number[] = [];
      const report = await deliverWebhooks(store, {
        trust: LOCAL,
        maxAttempts: 3,
        baseDelayMs: 100,
        sleep: async (ms) => void waits.push(ms),
      });
      assert.deepEqual([report.attempted, report.delivered, report.failed], [3, 0, 1]);
      assert.deepEqual(waits, [100, 200]);
      const mine = report.deliveries.filter((d) => d.subscriptionId === cleared.id);
      assert.deepEqual(
        mine.map((d) => [d.status, d.attempts, d.lastStatus]),
        [['failed', 3, 500]],
      );
      await assert.rejects(subscribe(store, { url: 'ftp://x', now: NOW }), /http/);
      await assert.rejects(
        subscribe(store, { url: hook.url, maxSharing: 'PURPLE', now: NOW, trust: LOCAL }),
        /sharing level/,
      );
    } finally {
      await hook.close();
    }
  });

  it('refuses internal targets at subscription by default: loopback, private, link-local, mapped', async () => {
    for (const url of [
      'http://127.0.0.1:9/hook',
      'http://localhost:9/hook',
      'http://[::1]:9/hook',
      'http://[::ffff:127.0.0.1]:9/hook',
      'http://169.254.169.254/latest/meta-data',
      'http://10.1.2.3/hook',
      'http://192.168.1.10/hook',
      'http://[fd00::1]/hook',
      'http://0.0.0.0:9/hook',
    ])
      await assert.rejects(
        subscribe(store, { url, secret: 'a-long-shared-secret', now: NOW, trust: NONE }),
        /refused: .* is (a loopback|a private|a link-local|a unique-local|a "this network")/,
        url,
      );
    // Forms of IPv6 that carry an IPv4 address another host may route: IPv4-compatible,
    // 6to4, Teredo.
    for (const url of [
      'http://[::127.0.0.1]:9/hook',
      'http://[2002:7f00:1::]:9/hook',
      'http://[2001:0:7f00:1::]:9/hook',
    ])
      await assert.rejects(
        subscribe(store, { url, secret: 'a-long-shared-secret', now: NOW, trust: NONE }),
        /refused: .* is an? (IPv4-compatible|6to4|Teredo) address/,
        url,
      );
    assert.equal(refusal('2606:4700::1111', NONE), null, 'a public IPv6 address is fine');
    assert.equal(refusal('8.8.8.8', NONE), null, 'a public address is fine');
    assert.equal(refusal('127.0.0.1', LOCAL), null, 'a trusted one too');
    assert.match(String(refusal('127.0.0.2', LOCAL)), /loopback/, 'trust names addresses');
    assert.equal(refusal('10.9.8.7', { trusted: ['10.0.0.0/8'] }), null, 'or ranges');
    // A server with a public address of its own does not post to itself.
    const own = () => new Set(['8.8.4.4']);
    assert.match(String(refusal('8.8.4.4', NONE, own)), /an address of this server/);
    assert.match(String(refusal('::ffff:8.8.4.4', NONE, own)), /an address of this server/);
    for (const i of Object.values(networkInterfaces()).flat())
      if (i) assert.notEqual(refusal(i.address, NONE), null, `${i.address} of an interface`);
  });

  it('checks the target again at delivery, after resolving it, and never follows redirects', async () => {
    const elsewhere = await receiver([]);
    const hook = await receiver([307, 307], elsewhere.url);
    try {
      for (const s of await store.db.selectFrom('webhook_subscriptions').select('id').execute())
        await unsubscribe(store, Number(s.id));
      const sub = await subscribe(store, {
        url: hook.url,
        secret: 'a-long-shared-secret',
        now: NOW,
        trust: LOCAL,
      });
      const local = await subscribe(store, {
        url: hook.url.replace('127.0.0.1', 'localhost'),
        secret: 'a-long-shared-secret',
        now: NOW,
        trust: { trusted: ['127.0.0.1', '::1'] },
      });
      await monitor.record(attack('mli', '2021-05-01'), '2021-05-01', NOW);
      await monitor.record(attack('mli', '2021-05-03'), '2021-05-03', NOW);
      const mine = (await listDeliveries(store.db)).filter((d) => d.status === 'pending');
      assert.ok(mine.some((d) => d.subscriptionId === sub.id));
      // The operator's setting is gone: the same targets are refused when sending.
      const refused = await deliverWebhooks(store, { trust: NONE, sleep: async () => undefined });
      assert.equal(hook.got.length, 0, 'nothing reached the internal receiver');
      const log = await listAttempts(store.db);
      for (const d of refused.deliveries.filter((x) => mine.some((m) => m.id === x.id))) {
        assert.equal(d.status, 'failed', 'a refused target is not retried');
        assert.match(String(d.lastError), /refused: .*loopback/);
        assert.equal(log.filter((a) => a.deliveryId === d.id).length, 1);
      }
      assert.ok(refused.deliveries.some((d) => d.subscriptionId === local.id));
      // Trusted again, a redirect is an answer, not a new request.
      await monitor.record(attack('ner', '2021-05-01'), '2021-05-01', NOW);
      await monitor.record(attack('ner', '2021-05-03'), '2021-05-03', NOW);
      await unsubscribe(store, local.id);
      const redirected = await deliverWebhooks(store, {
        trust: LOCAL,
        maxAttempts: 2,
        sleep: async () => undefined,
      });
      assert.equal(elsewhere.got.length, 0, 'the redirect was not followed');
      assert.ok(hook.got.length >= 2);
      const last = redirected.deliveries.filter(
        (d) => d.subscriptionId === sub.id && d.status === 'failed' && d.lastStatus === 307,
      );
      assert.ok(last.length > 0);
      assert.match(String(last[0]!.lastError), /redirects are not followed/);
    } finally {
      await hook.close();
      await elsewhere.close();
    }
  });

  it('withholds what a stopped subscription had pending, and an alert now above the cap', async () => {
    const hook = await receiver([]);
    try {
      for (const s of await store.db.selectFrom('webhook_subscriptions').select('id').execute())
        await unsubscribe(store, Number(s.id));
      const stopped = await subscribe(store, {
        url: hook.url,
        secret: 'a-long-shared-secret',
        maxSharing: 'RED',
        kinds: ['red-flag'],
        now: NOW,
        trust: LOCAL,
      });
      const green = await subscribe(store, {
        url: hook.url,
        secret: 'a-long-shared-secret',
        kinds: ['red-flag'],
        now: NOW,
        trust: LOCAL,
      });
      await monitor.record(attack('bfa', '2021-05-01', 'GREEN'), '2021-05-01', NOW);
      const raised = await monitor.record(attack('bfa', '2021-05-03', 'GREEN'), '2021-05-03', NOW);
      const flag = raised.alerts.find((a) => a.kind === 'red-flag')!;
      assert.equal(flag.sharing, 'GREEN');
      const queued = (await listDeliveries(store.db)).filter(
        (d) => d.alertId === flag.id && d.status === 'pending',
      );
      assert.deepEqual(queued.map((d) => d.subscriptionId).sort(), [stopped.id, green.id].sort());
      await unsubscribe(store, stopped.id);
      // Whatever changed it since it was queued, the alert is read as it is when sent.
      await store.db
        .updateTable('alerts')
        .set({ sharing: 'RED' })
        .where('id', '=', flag.id)
        .execute();
      const report = await deliverWebhooks(store, { trust: LOCAL });
      assert.equal(hook.got.length, 0, 'nothing was sent');
      const byId = new Map(report.deliveries.map((d) => [d.id, d]));
      const [toStopped, toGreen] = [stopped.id, green.id].map((id) =>
        byId.get(queued.find((d) => d.subscriptionId === id)!.id)!,
      );
      assert.deepEqual([toStopped!.status, toStopped!.lastError], ['withheld', STOPPED]);
      assert.deepEqual(
        (await listAttempts(store.db, toStopped!.id)).map((a) => [a.statusCode, a.error]),
        [[null, STOPPED]],
        'the log says why',
      );
      assert.equal(toGreen!.status, 'withheld');
      assert.equal(
        toGreen!.lastError,
        "not sent: the alert is RED, above the subscriber's cap GREEN",
      );
      assert.equal(report.withheld, 1, 'the stopped one was withheld when it stopped');
      const log = await listAttempts(store.db, toGreen!.id);
      assert.deepEqual(
        log.map((a) => [a.statusCode, a.error]),
        [[null, "not sent: the alert is RED, above the subscriber's cap GREEN"]],
      );
    } finally {
      await hook.close();
    }
  });

  it('a repeat at a higher level, or for another owner, raises an alert of its own', async () => {
    const draft = {
      kind: 'red-flag' as const,
      countryId: 'tcd',
      dedupKey: 'red-flag:tcd:civilian-targeting',
      stage: 'violence' as const,
      indicator: 'civilian-targeting',
      title: 'Chad: civilian targeting',
      asOf: '2021-05-01',
    };
    const green = await raiseAlert(
      store.db,
      { ...draft, evidence: ['report:g'], sharing: 'GREEN' },
      NOW,
    );
    const red = await raiseAlert(
      store.db,
      { ...draft, evidence: ['report:r'], sharing: 'RED' },
      NOW,
      'owner-org',
    );
    assert.ok(green.created && red.created);
    assert.notEqual(red.alert.id, green.alert.id);
    const again = await raiseAlert(
      store.db,
      { ...draft, evidence: ['report:g', 'report:g2'], sharing: 'GREEN' },
      NOW,
    );
    assert.deepEqual(
      [again.created, again.alert.id, again.alert.occurrences],
      [false, green.alert.id, 2],
    );
    const other = await raiseAlert(
      store.db,
      { ...draft, evidence: ['report:o'], sharing: 'RED' },
      NOW,
      'other-org',
    );
    assert.ok(other.created, 'another owner: another alert');
    const stored = (id: number) =>
      store.db.selectFrom('alerts').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    const first = await stored(green.alert.id);
    assert.deepEqual(
      [first.sharing, first.organisation, JSON.parse(first.evidence)],
      ['GREEN', null, ['report:g', 'report:g2']],
      'the GREEN alert keeps its level, owner and evidence of its level',
    );
    const kept: Pick<Alert, 'sharing' | 'organisationId'> = red.alert;
    assert.deepEqual([kept.sharing, kept.organisationId], ['RED', 'owner-org']);
  });
});

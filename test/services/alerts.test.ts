import { strict as assert } from 'node:assert';
import { createServer } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
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
import type { Store } from '../../src/store/database.js';
import { listAttempts, listDeliveries } from '../../src/store/alerts-repository.js';
import { onEveryStore } from '../support/stores.js';

const NOW = '2026-01-15T00:00:00.000Z';

/** A receiver on 127.0.0.1 that answers with the next status of `script` (then 200) and keeps what it got. */
async function receiver(script: number[]) {
  const got: { headers: IncomingHttpHeaders; body: string }[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      got.push({ headers: req.headers, body });
      res.writeHead(script.shift() ?? 200).end();
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
      });
      const quiet = await subscribe(store, {
        url: hook.url,
        secret: 'a-long-shared-secret',
        countryIds: ['fra'],
        now: NOW,
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
      const again = await deliverWebhooks(store, { now: () => new Date(clock) });
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
      });
      await monitor.record(attack('ssd', '2021-05-01', 'AMBER'), '2021-05-01', NOW);
      await monitor.record(attack('ssd', '2021-05-03', 'AMBER'), '2021-05-03', NOW);
      const waits: number[] = [];
      const report = await deliverWebhooks(store, {
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
        subscribe(store, { url: hook.url, maxSharing: 'PURPLE', now: NOW }),
        /sharing level/,
      );
    } finally {
      await hook.close();
    }
  });
});

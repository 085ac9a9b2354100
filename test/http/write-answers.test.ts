import * as assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import type { Store } from '../../src/services/context.js';
import { SYSTEM, createOrganisation } from '../../src/services/identity.js';
import { onEveryStore } from '../support/stores.js';
import { as, json, testServer } from './support.js';

/**
 * The answers of writes cross the route boundary for the principal who asked only: the
 * status a field report or a review refreshes is the writer's, not the shared one the
 * monitor raises alerts from.
 */

const today = new Date().toISOString().slice(0, 10);
const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString().slice(0, 10);

interface Refresh {
  status: { stage: string; redFlags: string[]; sharing: string };
  previous?: { stage: string };
  alerts: unknown[];
}

onEveryStore('write answers over HTTP', (target) => {
  let store: Store;
  let app: FastifyInstance;
  before(async () => {
    store = await target.fresh();
    for (const [id, kind] of [
      ['un-osapg', 'un-office'],
      ['ngo-watch', 'ngo'],
    ] as const)
      await createOrganisation(store, SYSTEM, { id, name: id, kind });
    app = await testServer(store);
  });
  after(async () => {
    await app.close();
    await store.close();
    await target.cleanup();
  });

  it("POST /reports and its review answer with the writer's status, never another organisation's RED reports", async () => {
    const red: string[] = [];
    for (const n of [9, 6, 3]) {
      const answer = json<{ report: { event: { key: string } }; refresh: Refresh }>(
        await app.inject({
          method: 'POST',
          url: '/api/v1/reports',
          headers: as('analyst-token'),
          payload: {
            country: 'cod',
            date: daysAgo(n),
            category: 'violence.against-civilians.attack',
            place: { name: `Djugu ${n}`, latitude: 1.9 + n / 100, longitude: 30.5 },
            perpetrators: ['Militia:identity-militia'],
            targets: ['Villagers:civilians'],
            deaths: { best: 212 },
            sharing: 'RED',
          },
        }),
        201,
      );
      red.push(answer.report.event.key);
    }
    const shared = json<{ statuses: { countryId: string; stage: string }[] }>(
      await app.inject({ url: '/api/v1/escalation/status', headers: as('analyst-token') }),
    ).statuses.find((s) => s.countryId === 'cod');
    assert.equal(shared?.stage, 'violence', 'the owner sees the violence');

    const answer = json<{ report: { event: { key: string } }; refresh: Refresh }>(
      await app.inject({
        method: 'POST',
        url: '/api/v1/reports',
        headers: as('other-analyst-token'),
        payload: {
          country: 'cod',
          date: today,
          category: 'context.protest',
          place: { name: 'Bunia' },
          sharing: 'CLEAR',
        },
      }),
      201,
    );
    const leaks = (text: string) => [
      ...red.filter((k) => text.includes(k)),
      ...['"RED"', '212', 'violence'].filter((w) => text.includes(w)),
    ];
    assert.deepEqual(leaks(JSON.stringify(answer.refresh)), []);
    assert.deepEqual(answer.refresh.status.redFlags, []);
    assert.deepEqual(answer.refresh.alerts, []);
    assert.equal(answer.refresh.previous?.stage, 'none');

    const reviewed = await app.inject({
      method: 'POST',
      url: `/api/v1/reports/${answer.report.event.key}/review`,
      headers: as('other-analyst-token'),
      payload: { state: 'verified' },
    });
    const body = json<{ refresh: Refresh }>(reviewed);
    assert.deepEqual(leaks(JSON.stringify(body.refresh)), []);
    assert.equal(body.refresh.status.stage, 'none');
  });
});

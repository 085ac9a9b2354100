import * as assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import type { EscalationEvent, Tlp } from '../../src/core/escalation/types.js';
import { buildServer } from '../../src/http/server.js';
import { MAX_ITEMS_PER_READ_ENTRY, auditTrail, verifyAudit } from '../../src/services/audit.js';
import type { Store } from '../../src/services/context.js';
import {
  SYSTEM,
  createApiToken,
  createOrganisation,
  createUser,
} from '../../src/services/identity.js';
import { insertEvent, insertFieldReport } from '../../src/store/events-repository.js';
import { onEveryStore } from '../support/stores.js';
import { json, problem } from './support.js';

const NOW = '2026-01-15T00:00:00.000Z';
/** AMBER reports in the store, more than one audit entry may list. */
const REPORTS = 150;
/** Recorded items a user may read per minute in these tests. */
const ALLOWANCE = 200;

function report(n: number, sharing: Tlp): EscalationEvent {
  return {
    source: 'report',
    sourceId: `read-${String(n).padStart(3, '0')}`,
    countryId: 'sdn',
    date: { start: '2025-11-02', end: '2025-11-02', precision: 'day' },
    place: { precision: 'country' },
    actors: [],
    category: 'mobilisation.hate-propaganda',
    civilianTargeted: false,
    deaths: null,
    accountability: 'none-known',
    sources: [],
    reliability: 'low',
    sharing,
    provenance: { reportedBy: 'a monitor', recordedAt: NOW },
  };
}

onEveryStore('HTTP reads record what they return', (target) => {
  let store: Store;
  let app: FastifyInstance;
  let token: string;
  let other: string;

  before(async () => {
    store = await target.fresh();
    for (const id of ['un-osapg', 'ngo-watch'])
      await createOrganisation(store, SYSTEM, { id, name: id, kind: 'un-office', now: NOW });
    for (const [username, organisationId] of [
      ['ana', 'un-osapg'],
      ['otto', 'ngo-watch'],
    ] as const)
      await createUser(store, SYSTEM, { username, organisationId, role: 'analyst', now: NOW });
    token = (await createApiToken(store, SYSTEM, { username: 'ana', name: 't', scopes: ['read'] }))
      .token;
    other = (await createApiToken(store, SYSTEM, { username: 'otto', name: 't', scopes: ['read'] }))
      .token;
    for (let n = 1; n <= REPORTS; n++) {
      const id = await insertEvent(store.db, report(n, 'AMBER'), 'submitted', 'un-osapg');
      await insertFieldReport(store.db, id, {
        state: 'submitted',
        submittedBy: 'a monitor',
        submittedAt: NOW,
        duplicateOf: null,
        candidates: [],
      });
    }
    app = await buildServer({ store, webRoot: '/nonexistent', auditedReadsPerMinute: ALLOWANCE });
  });
  after(async () => {
    await app.close();
    await store.close();
    await target.cleanup();
  });

  const seq = async () => (await auditTrail(store, SYSTEM)).at(-1)?.seq ?? 0;
  const get = (url: string, bearer = token) =>
    app.inject({ url, headers: { authorization: `Bearer ${bearer}` } });

  it('a page of a list records the items on the page, not every item of the list', async () => {
    const start = await seq();
    const first = json<{ items: { event: { key: string } }[]; next: string }>(
      await get('/api/v1/reports?limit=1'),
    );
    assert.equal(first.items.length, 1);
    let trail = await auditTrail(store, SYSTEM, { afterSeq: start });
    assert.equal(trail.length, 1);
    assert.deepEqual(trail[0]!.detail, {
      items: [{ id: first.items[0]!.event.key, tlp: 'AMBER' }],
    });
    assert.ok(JSON.stringify(trail[0]).length < 1000, 'an entry of a few hundred bytes');

    const second = json<{ items: { event: { key: string } }[] }>(
      await get(`/api/v1/reports?limit=2&cursor=${first.next}`),
    );
    trail = await auditTrail(store, SYSTEM, { afterSeq: start + 1 });
    assert.deepEqual(
      trail.flatMap((e) => (e.detail.items as { id: string }[]).map((i) => i.id)),
      second.items.map((r) => r.event.key),
    );
  });

  it('a large page is recorded in entries of bounded size', async () => {
    const start = await seq();
    const page = json<{ items: unknown[] }>(await get(`/api/v1/reports?limit=${REPORTS}`));
    assert.equal(page.items.length, REPORTS);
    const trail = await auditTrail(store, SYSTEM, { afterSeq: start });
    assert.deepEqual(
      trail.map((e) => (e.detail.items as unknown[]).length),
      [MAX_ITEMS_PER_READ_ENTRY, REPORTS - MAX_ITEMS_PER_READ_ENTRY],
    );
    assert.equal((await verifyAudit(store, SYSTEM)).ok, true);
  });

  it('limits the reads that write the trail per user, refusing before anything is recorded', async () => {
    // 1 + 2 + 150 items recorded so far this minute: 47 left of 200.
    const start = await seq();
    problem(await get(`/api/v1/reports?limit=100`), 429);
    assert.equal(await seq(), start, 'nothing recorded for a refused read');
    json(await get(`/api/v1/reports?limit=40`));
    // Another user has an allowance of their own, and reads nothing recorded here.
    const theirs = json<{ items: unknown[] }>(await get('/api/v1/reports?limit=100', other));
    assert.equal(theirs.items.length, 0);
    // Reads that record nothing are not limited.
    json(await get('/api/v1/countries?limit=5'));
  });
});

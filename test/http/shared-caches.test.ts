import * as assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import type { Store } from '../../src/services/context.js';
import { loadCountryRegistry } from '../../src/services/countries.js';
import { EscalationMonitor } from '../../src/services/escalation.js';
import { SYSTEM, createOrganisation } from '../../src/services/identity.js';
import { setSituation } from '../../src/services/planning.js';
import { submitReport } from '../../src/services/reports.js';
import { shareWith, withdrawAgreement } from '../../src/services/sharing.js';
import { onEveryStore } from '../support/stores.js';
import { USERS, as, json, testServer } from './support.js';

/**
 * Cached answers that show shared material (plans, needs drafts, capacity gaps, statuses)
 * follow every change of what their reader may see at once, wherever the change was made:
 * these changes are made outside the server, as `lens orgs unshare` would.
 */

const today = new Date().toISOString().slice(0, 10);
const analyst = USERS['analyst-token']!;

interface Plan {
  facts: { perpetrators: { type: string; events: number }[] };
  situation: { primary: string; override?: { situation: string } };
}

onEveryStore('caches of shared material', (target) => {
  let store: Store;
  let app: FastifyInstance;
  const plan = async (token: string, country = 'mli') =>
    json<Plan>(
      await app.inject({
        url: `/api/v1/countries/${country}/plan?asOf=${today}`,
        headers: as(token),
      }),
    );

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

  it("after an agreement is withdrawn, a viewer no longer sees the other organisation's AMBER judgement in a plan", async () => {
    await setSituation(store, analyst, {
      countryId: 'mli',
      situation: 'state-suppression',
      reason: 'arrests of opposition figures far from the front lines',
      source: 'field interviews',
      by: 'ana',
      effectiveFrom: '2020-01-01',
      tlp: 'AMBER',
    });
    const agreement = await shareWith(store, SYSTEM, {
      from: 'un-osapg',
      to: 'ngo-watch',
      tlp: 'AMBER',
    });
    const shared = await plan('viewer-token');
    assert.equal(shared.situation.override?.situation, 'state-suppression');
    assert.equal(shared.situation.primary, 'state-suppression');
    await withdrawAgreement(store, SYSTEM, agreement.id);
    const withdrawn = await plan('viewer-token');
    assert.equal(withdrawn.situation.override, undefined, 'the judgement is gone at once');
    assert.notEqual(withdrawn.situation.primary, 'state-suppression');
    assert.equal((await plan('analyst-token')).situation.primary, 'state-suppression');
  });

  it('counts attacks on civilians in a plan from the events its reader may see, and a new report shows at once', async () => {
    assert.deepEqual((await plan('analyst-token', 'bfa')).facts.perpetrators, []);
    const monitor = await EscalationMonitor.open(store);
    await submitReport(store, analyst, loadCountryRegistry(), monitor, {
      country: 'bfa',
      date: today,
      category: 'violence.against-civilians.attack',
      place: { name: 'Moura' },
      perpetrators: ['Soldiers:state-forces'],
      targets: ['Villagers:civilians'],
      deaths: { best: 40 },
      reportedBy: 'ana',
      sharing: 'AMBER',
    });
    const own = (await plan('analyst-token', 'bfa')).facts.perpetrators;
    assert.deepEqual(
      own.map((p) => [p.type, p.events]),
      [['state-forces', 1]],
    );
    assert.deepEqual(
      (await plan('viewer-token', 'bfa')).facts.perpetrators,
      [],
      "another organisation's AMBER report is not counted",
    );
  });
});

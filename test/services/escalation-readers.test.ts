import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { loadCountryRegistry } from '../../src/services/countries.js';
import { EscalationMonitor } from '../../src/services/escalation.js';
import { createOrganisation } from '../../src/services/identity.js';
import { submitReport } from '../../src/services/reports.js';
import { shareWith } from '../../src/services/sharing.js';
import { ANONYMOUS, SYSTEM } from '../../src/store/access.js';
import type { Principal } from '../../src/store/access.js';
import type { Store } from '../../src/store/database.js';
import { onEveryStore } from '../support/stores.js';

const registry = loadCountryRegistry();
const NOW = '2024-03-20T12:00:00.000Z';
const AS_OF = '2024-03-20';

const analyst = (organisationId: string): Principal => ({
  kind: 'user',
  userId: 1,
  username: `analyst-${organisationId}`,
  organisationId,
  role: 'analyst',
});

onEveryStore('escalation status per reader', (target) => {
  let store: Store;
  let monitor: EscalationMonitor;
  before(async () => {
    store = await target.fresh();
    for (const [id, kind] of [
      ['ngo-a', 'ngo'],
      ['un-b', 'un-office'],
    ] as const)
      await createOrganisation(store, SYSTEM, { id, name: id, kind, now: NOW });
    monitor = await EscalationMonitor.open(store);
    // Three AMBER reports of massacres of one group by one militia, no arrests: the
    // civilian-targeting red flag, known only to the organisation that filed them.
    for (const day of ['2024-03-01', '2024-03-08', '2024-03-15'])
      await submitReport(
        store,
        analyst('ngo-a'),
        registry,
        monitor,
        {
          country: 'cod',
          date: day,
          category: 'violence.against-civilians.attack',
          place: { name: 'Djugu', latitude: 1.92, longitude: 30.5 },
          perpetrators: ['Local militia:identity-militia'],
          targets: ['Villagers:civilians'],
          targetGroup: 'Hema',
          civilianTargeted: true,
          deaths: { best: 12 },
          accountability: 'none-known',
          reportedBy: 'monitor 7',
          sharing: 'AMBER',
        },
        { now: NOW },
      );
  });
  after(async () => {
    await store.close();
    await target.cleanup();
  });

  const fired = async (p: Principal) => {
    const [s] = await monitor.statusAsOf(['cod'], AS_OF, p);
    return s!.indicators.map((i) => i.id);
  };

  it('a submitted report updates the status incrementally to what a full reload computes', async () => {
    let last;
    for (const [day, category, state] of [
      ['2024-03-02', 'violence.against-civilians.attack', undefined],
      ['2024-03-06', 'violence.against-civilians.attack', undefined],
      ['2024-03-10', 'mobilisation.hate-propaganda', undefined],
      ['2024-03-14', 'violence.against-civilians.attack', undefined],
      ['2024-03-18', 'violence.against-civilians.attack', undefined],
    ] as const) {
      last = await submitReport(
        store,
        SYSTEM,
        registry,
        monitor,
        {
          country: 'caf',
          date: day,
          category,
          place: {
            name: `Village ${day}`,
            latitude: 5 + Number(day.slice(8)) / 10,
            longitude: 20.6,
          },
          perpetrators: ['Armed group:rebels'],
          civilianTargeted: category.startsWith('violence'),
          deaths: { best: 4 },
          reportedBy: 'monitor 9',
          sharing: state ?? 'GREEN',
        },
        { now: NOW },
      );
    }
    const fresh = await EscalationMonitor.open(store);
    const [full] = await fresh.statusAsOf(['caf'], AS_OF, SYSTEM);
    assert.notEqual(full!.stage, 'none', 'the reports make indicators fire');
    assert.deepEqual(last!.refresh.status, full);
  });

  it('counts AMBER reports only for readers allowed to see them', async () => {
    const own = await fired(analyst('ngo-a'));
    assert.ok(own.includes('civilian-targeting'), own.join(', '));
    assert.deepEqual(await fired(SYSTEM), own);
    assert.deepEqual(await fired(analyst('un-b')), []);
    assert.deepEqual(await fired(ANONYMOUS), []);
    await shareWith(store, SYSTEM, { from: 'ngo-a', to: 'un-b', tlp: 'AMBER', now: NOW });
    assert.deepEqual(await fired(analyst('un-b')), own);
    const timeline = await monitor.timeline('cod', '2024-01-01', AS_OF, 'month', ANONYMOUS);
    assert.ok(timeline.every((t) => t.stage === 'none'));
  });
});

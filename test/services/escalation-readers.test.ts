import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { loadCountryRegistry } from '../../src/services/countries.js';
import { EscalationMonitor } from '../../src/services/escalation.js';
import { createOrganisation } from '../../src/services/identity.js';
import { exportReports, reports, reviewReport, submitReport } from '../../src/services/reports.js';
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

const fieldMonitor = (organisationId: string): Principal => ({
  kind: 'user',
  userId: 2,
  username: `monitor-${organisationId}`,
  organisationId,
  role: 'field-monitor',
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

  it("answers a write with the writer's view: no stage, flag, death or key of another organisation's RED reports", async () => {
    const red: string[] = [];
    for (const day of ['2024-03-04', '2024-03-09', '2024-03-13']) {
      const r = await submitReport(
        store,
        analyst('un-b'),
        registry,
        monitor,
        {
          country: 'ssd',
          date: day,
          category: 'violence.against-civilians.attack',
          place: { name: `Kajo ${day}`, latitude: 4 + Number(day.slice(8)) / 10, longitude: 31 },
          perpetrators: ['Government forces:state-forces'],
          targets: ['Villagers:civilians'],
          targetGroup: 'Nuer',
          deaths: { best: 431 },
          reportedBy: 'desk',
          sharing: 'RED',
        },
        { now: NOW },
      );
      red.push(r.report.event.key);
    }
    const [shared] = await monitor.statusAsOf(['ssd'], AS_OF, SYSTEM);
    assert.equal(shared!.sharing, 'RED', 'the shared status rests on the RED reports');
    assert.ok(shared!.redFlags.length > 0, 'and raises a red flag');
    const leaks = (answer: unknown) => {
      const text = JSON.stringify(answer);
      return [
        ...red.filter((k) => text.includes(k)),
        ...['RED', '431', 'Nuer'].filter((w) => text.includes(`"${w}"`) || text.includes(`:${w}`)),
      ];
    };

    const writer = fieldMonitor('ngo-a');
    const clear = await submitReport(
      store,
      writer,
      registry,
      monitor,
      {
        country: 'ssd',
        date: '2024-03-19',
        category: 'context.protest',
        place: { name: 'Juba' },
        reportedBy: 'monitor-ngo-a',
        sharing: 'CLEAR',
      },
      { now: NOW },
    );
    const [own] = await monitor.statusAsOf(['ssd'], AS_OF, writer);
    assert.deepEqual(
      clear.refresh.status,
      own,
      "the writer's status, as GET /escalation/status gives it",
    );
    assert.deepEqual(clear.refresh.status.redFlags, []);
    assert.notEqual(clear.refresh.status.stage, 'violence');
    assert.equal(clear.refresh.previous?.stage, 'none');
    assert.deepEqual(clear.refresh.alerts, []);
    assert.deepEqual(leaks(clear.refresh), []);

    // The organisation's analyst reviews it: the answer is theirs, too.
    const reviewed = await reviewReport(store, analyst('ngo-a'), monitor, clear.report.event.key, {
      state: 'verified',
      by: 'analyst-ngo-a',
      now: NOW,
    });
    assert.deepEqual(
      reviewed.refresh.status,
      (await monitor.statusAsOf(['ssd'], AS_OF, analyst('ngo-a')))[0],
    );
    assert.deepEqual(reviewed.refresh.alerts, []);
    assert.deepEqual(leaks(reviewed.refresh), []);

    // The owner of the RED reports, and the operator, get the shared status and its alerts.
    const own2 = await submitReport(
      store,
      analyst('un-b'),
      registry,
      monitor,
      {
        country: 'ssd',
        date: '2024-03-19',
        category: 'context.protest',
        place: { name: 'Wau' },
        reportedBy: 'desk',
        sharing: 'CLEAR',
      },
      { now: NOW },
    );
    assert.equal(own2.refresh.status.sharing, 'RED');
    assert.deepEqual(own2.refresh.status, (await monitor.statusAsOf(['ssd'], AS_OF, SYSTEM))[0]);
  });

  it("names a report's duplicates only to readers who may see them", async () => {
    await shareWith(store, SYSTEM, { from: 'un-b', to: 'ngo-a', tlp: 'AMBER', now: NOW });
    const report = (sharing: string, reportedBy: string) =>
      submitReport(
        store,
        analyst('un-b'),
        registry,
        monitor,
        {
          country: 'caf',
          date: '2024-02-10',
          category: 'violence.against-civilians.attack',
          place: { name: 'Bria', latitude: 6.54, longitude: 21.99 },
          perpetrators: ['Ex-Seleka:rebels'],
          targets: ['Villagers:civilians'],
          deaths: { best: 5 },
          reportedBy,
          sharing,
        },
        { now: NOW },
      );
    const red = await report('RED', 'desk');
    const amber = await report('AMBER', 'second source');
    const key = amber.report.event.key;
    const redKey = red.report.event.key;
    assert.equal(amber.report.duplicateOf, redKey, 'its submitter sees the match');
    const seen = async (p: Principal) => {
      const [r] = await reports(store, p, { countryId: 'caf' }).then((l) =>
        l.filter((x) => x.event.key === key),
      );
      return r && { duplicateOf: r.duplicateOf, candidates: r.candidates };
    };
    assert.deepEqual(await seen(analyst('un-b')), { duplicateOf: redKey, candidates: [redKey] });
    // A partner reads the AMBER report under the agreement, not the RED one it repeats.
    assert.deepEqual(await seen(analyst('ngo-a')), { duplicateOf: null, candidates: [] });
    assert.deepEqual(await seen(fieldMonitor('un-b')), { duplicateOf: null, candidates: [] });
    const [exported] = (await exportReports(store, analyst('un-b'), { countryId: 'caf' })).filter(
      (x) => x.event.key === key,
    );
    assert.deepEqual([exported!.duplicateOf, exported!.candidates], [null, []], 'never in exports');
    // A GREEN report of the partner that links to the AMBER report it may see: the link is
    // shown to those who may see the AMBER report, never to another organisation's reader.
    const linked = await submitReport(
      store,
      analyst('ngo-a'),
      registry,
      monitor,
      {
        country: 'caf',
        date: '2024-02-11',
        category: 'violence.against-civilians.attack',
        place: { name: 'Ndele', latitude: 8.41, longitude: 20.65 },
        perpetrators: ['Unknown gunmen:unknown'],
        targets: ['Herders:civilians'],
        deaths: { best: 1 },
        reportedBy: 'partner desk',
        sharing: 'GREEN',
        relatesTo: key,
      },
      { now: NOW },
    );
    const linkSeenBy = async (p: Principal) => {
      const [r] = (await reports(store, p, { countryId: 'caf' })).filter(
        (x) => x.event.key === linked.report.event.key,
      );
      return r?.event.relatesTo ?? null;
    };
    assert.equal(await linkSeenBy(analyst('ngo-a')), key);
    assert.equal(await linkSeenBy(analyst('un-b')), key);
    assert.equal(await linkSeenBy(analyst('unrelated-c')), null, 'no name of an unseen report');
  });
});

import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { EscalationEvent } from '../../src/core/escalation/types.js';
import { acknowledge, alerts, resolve } from '../../src/services/alerts.js';
import { auditTrail } from '../../src/services/audit.js';
import { loadCountryRegistry } from '../../src/services/countries.js';
import {
  EscalationMonitor,
  checkpoints,
  countriesIn,
  escalationDir,
  loadRules,
} from '../../src/services/escalation.js';
import { importEvents } from '../../src/services/events.js';
import { importFile } from '../../src/services/import.js';
import { SYSTEM } from '../../src/services/identity.js';
import { reviewReport, submitReport } from '../../src/services/reports.js';
import type { Store } from '../../src/store/database.js';
import { sharedFile } from '../support/shared-data.js';
import { onEveryStore } from '../support/stores.js';

const registry = loadCountryRegistry();
const NOW = '2026-01-15T00:00:00.000Z';

let seq = 0;
/** An event in `countryId` on `date` (an attack on civilians of group G unless told otherwise). */
function event(
  countryId: string,
  date: string,
  over: Partial<EscalationEvent> = {},
): EscalationEvent {
  seq++;
  return {
    source: 'report',
    sourceId: `t-${seq}`,
    countryId,
    date: { start: date, end: date, precision: 'day' },
    place: { name: 'Town', precision: 'near' },
    actors: [
      { name: 'Militia X', type: 'identity-militia', side: 'a' },
      { name: 'Villagers', type: 'civilians', side: 'b' },
    ],
    targetGroup: 'Group G',
    category: 'violence.against-civilians.attack',
    civilianTargeted: true,
    deaths: { best: 6, low: 6, high: 6 },
    accountability: 'none-known',
    sources: [{ name: 'test' }],
    reliability: 'medium',
    sharing: 'CLEAR',
    provenance: { recordedAt: NOW },
    ...over,
  };
}

describe('rules files', () => {
  it('load the newest version, or the one named, and name the file and path of a problem', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lens-rules-'));
    try {
      const text = readFileSync(join(escalationDir(), 'rules.v1.json'), 'utf8');
      const v2 = JSON.parse(text) as { version: number; changelog: unknown[] };
      v2.version = 2;
      v2.changelog.push({ version: 2, date: '2026-12-01', changes: 'test' });
      writeFileSync(join(dir, 'rules.v1.json'), text);
      writeFileSync(join(dir, 'rules.v2.json'), JSON.stringify(v2));
      assert.equal((await loadRules('escalation', dir)).version, 2);
      assert.equal((await loadRules('escalation@1', dir)).version, 1);
      await assert.rejects(
        loadRules('escalation@7', dir),
        /no escalation rules "escalation@7".*escalation@1, escalation@2/s,
      );
      writeFileSync(
        join(dir, 'rules.v3.json'),
        text.replace('"windowDays": 730', '"windowDays": -1'),
      );
      await assert.rejects(
        loadRules('escalation', dir),
        /rules\.v3\.json: invalid escalation rules:\nindicators\[0\]\.windowDays: expected a whole number/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('checkpoints', () => {
  it('ends months, quarters and years', () => {
    assert.deepEqual(checkpoints('2020-01-15', '2020-04-30', 'month'), [
      '2020-01-31',
      '2020-02-29',
      '2020-03-31',
      '2020-04-30',
    ]);
    assert.deepEqual(checkpoints('2019-11-01', '2020-12-31', 'quarter'), [
      '2019-12-31',
      '2020-03-31',
      '2020-06-30',
      '2020-09-30',
      '2020-12-31',
    ]);
    assert.deepEqual(checkpoints('2019-05-01', '2021-01-01', 'year'), ['2019-12-31', '2020-12-31']);
    assert.deepEqual(checkpoints('2020-01-01', '2020-01-20', 'week'), [
      '2020-01-01',
      '2020-01-08',
      '2020-01-15',
    ]);
  });
});

onEveryStore('escalation monitor', (target) => {
  let store: Store;
  let monitor: EscalationMonitor;
  before(async () => {
    store = await target.fresh();
    monitor = await EscalationMonitor.open(store, {
      rules: await loadRules(),
      tiers: (id) => (id === 'nga' ? 'high' : 'low'),
      names: (id) => registry.byId(id)?.name ?? id,
    });
  });
  after(async () => {
    await store.close();
    await target.cleanup();
  });

  it('raises alerts as a country climbs the path, once each', async () => {
    const crisis = await monitor.record(
      event('nga', '2021-01-10', {
        category: 'crisis.unconstitutional-change.disputed-election',
        civilianTargeted: false,
        deaths: null,
        actors: [],
      }),
      '2021-01-10',
      NOW,
    );
    assert.equal(crisis.status.stage, 'crisis');
    assert.deepEqual(
      crisis.alerts.map((a) => a.dedupKey),
      ['stage-rise:nga:crisis'],
    );
    assert.match(crisis.alerts[0]!.title, /^Nigeria: stage rose from none to crisis/);

    const one = await monitor.record(event('nga', '2021-02-01'), '2021-02-01', NOW);
    assert.equal(one.status.stage, 'crisis', 'one attack is not yet a pattern');
    assert.deepEqual(one.alerts, []);

    const second = event('nga', '2021-02-10');
    const two = await monitor.record(second, '2021-02-10', NOW);
    assert.equal(two.status.stage, 'violence');
    assert.equal(two.status.imminent, true, 'tier high and a red flag');
    assert.deepEqual(
      two.alerts.map((a) => a.dedupKey),
      ['stage-rise:nga:violence', 'red-flag:nga:civilian-targeting', 'imminent:nga'],
    );
    const flag = two.alerts[1]!;
    assert.deepEqual(flag.evidence, [`report:${second.sourceId}`, `report:t-${seq - 1}`]);

    const again = await monitor.record(second, '2021-02-10', NOW);
    assert.deepEqual(again.alerts, [], 'the same event again changes nothing');

    const later = await monitor.refresh('nga', '2021-03-15', NOW);
    assert.deepEqual(
      later.alerts.map((a) => a.dedupKey),
      ['red-flag:nga:trial-massacres'],
      'unpunished after 30 days',
    );
  });

  it('updates only the country of the new event', async () => {
    const before = await store.db
      .selectFrom('escalation_status')
      .selectAll()
      .where('country_id', '=', 'nga')
      .executeTakeFirstOrThrow();
    await monitor.record(event('syr', '2021-03-15'), '2021-03-15', '2026-01-16T00:00:00.000Z');
    const afterRow = await store.db
      .selectFrom('escalation_status')
      .selectAll()
      .where('country_id', '=', 'nga')
      .executeTakeFirstOrThrow();
    assert.deepEqual(afterRow, before);
    const ids = (
      await store.db
        .selectFrom('escalation_status')
        .select('country_id')
        .orderBy('country_id')
        .execute()
    ).map((r) => r.country_id);
    assert.deepEqual(ids, ['nga', 'syr']);
  });

  it('deduplicates open alerts, and raises again once resolved', async () => {
    const open = await alerts(store, SYSTEM, { countryId: 'nga' });
    const byKey = new Map(open.map((a) => [a.dedupKey, a]));
    const flag = byKey.get('red-flag:nga:civilian-targeting')!;
    const acked = await acknowledge(store, SYSTEM, byKey.get('imminent:nga')!.id, 'analyst', NOW);
    assert.equal(acked.acknowledgedBy, 'analyst');
    assert.equal(acked.resolvedAt, null);
    await resolve(store, SYSTEM, flag.id, 'analyst', NOW);
    // Calm, then violence again: the stage rise and imminent alerts are still open (bumped);
    // the resolved red flag is raised anew.
    const calm = await monitor.refresh('nga', '2022-06-30', NOW);
    assert.equal(calm.status.stage, 'crisis');
    await monitor.record(event('nga', '2022-07-01'), '2022-07-01', NOW);
    const back = await monitor.record(event('nga', '2022-07-02'), '2022-07-02', NOW);
    assert.deepEqual(
      back.alerts.map((a) => a.dedupKey),
      ['red-flag:nga:civilian-targeting'],
    );
    assert.notEqual(back.alerts[0]!.id, flag.id);
    const now = new Map(
      (await alerts(store, SYSTEM, { countryId: 'nga' })).map((a) => [a.dedupKey, a]),
    );
    assert.equal(now.get('stage-rise:nga:violence')!.occurrences, 2);
    assert.equal(now.get('imminent:nga')!.occurrences, 2);
    assert.equal(
      (await alerts(store, SYSTEM, { countryId: 'nga', filter: 'all' })).length,
      open.length + 1,
    );
    assert.equal(
      (await alerts(store, SYSTEM, { filter: 'unacknowledged', countryId: 'nga' })).some(
        (a) => a.dedupKey === 'imminent:nga',
      ),
      false,
    );
  });

  it('gives the status of every country as of a date from imported events', async () => {
    await importEvents(store, registry, {
      kind: 'ucdp-ged',
      path: sharedFile('events', 'ucdp-ged-23.1-sample.csv'),
      now: NOW,
    });
    const ids = countriesIn(registry.all(), '2014-12-31');
    const statuses = await monitor.statusAsOf(ids, '2014-12-31', SYSTEM);
    assert.equal(statuses.length, ids.length);
    const syria = statuses.find((s) => s.countryId === 'syr')!;
    assert.notEqual(syria.stage, 'none');
    assert.ok(syria.indicators.every((i) => i.evidence.every((k) => k.startsWith('ucdp-ged:'))));
    assert.ok(
      statuses.findIndex((s) => s.countryId === 'syr') <
        statuses.findIndex((s) => s.stage === 'none'),
    );
    const timeline = await monitor.timeline('syr', '2012-01-01', '2014-12-31', 'quarter', SYSTEM);
    assert.equal(timeline.length, 12);
    assert.ok(timeline.some((t) => t.stage !== 'none'));
    assert.equal(timeline[timeline.length - 1]!.stage, syria.stage);
  });

  it('backtests the stages against the mass-killing onsets', async () => {
    for (const file of [
      ['ewp', 'mass-killing-episodes-2025.dev-to-2014.csv'],
      ['inputs', 'powell-thyne-coups.csv'],
      ['inputs', 'pitf-ethnic-war-2014.csv'],
    ]) {
      await importFile(store, registry, { path: sharedFile(...file), now: NOW });
    }
    const result = await monitor.backtest({ step: 'year' });
    assert.equal(result.onsets, 149);
    assert.ok(result.covered > 50 && result.covered <= 149, String(result.covered));
    const [crisis, mobilisation, violence] = result.stages;
    assert.deepEqual(
      result.stages.map((s) => s.stage),
      ['crisis', 'mobilisation', 'violence'],
    );
    assert.ok(crisis!.preceded > 0);
    assert.ok(
      crisis!.preceded >= mobilisation!.preceded && mobilisation!.preceded >= violence!.preceded,
    );
    assert.ok(crisis!.leadMonths!.min >= 0);
    assert.ok(crisis!.entries >= crisis!.followed + crisis!.withoutOnset);
    const rwanda = result.findings.find((f) => f.countryId === 'rwa' && f.year === 1994);
    assert.ok(rwanda?.covered);
  });

  it('keeps the incremental status equal to a full recomputation', async () => {
    // A stream of events in two countries, some replacing earlier ones, with a foreign
    // write in between (another monitor): the cache must notice and read again.
    const other = await EscalationMonitor.open(store, {
      rules: await loadRules(),
      tiers: () => 'low',
    });
    const kinds: EscalationEvent['category'][] = [
      'violence.against-civilians.attack',
      'context.protest',
      'mobilisation.hate-propaganda',
      'violence.armed-clash',
    ];
    const last = new Map<string, EscalationEvent>();
    for (let i = 0; i < 60; i++) {
      const country = i % 3 === 0 ? 'eth' : 'mli';
      const date = `2023-${String(1 + Math.floor(i / 6)).padStart(2, '0')}-${String(1 + (i % 6) * 4).padStart(2, '0')}`;
      let e = event(country, date, {
        category: kinds[i % kinds.length]!,
        deaths: { best: i % 7, low: i % 7, high: i % 7 },
      });
      const earlier = last.get(country);
      if (i % 10 === 9 && earlier) e = { ...earlier, deaths: { best: 30, low: 30, high: 30 } };
      const writer = i === 25 ? other : monitor;
      const r = await writer.record(e, date, NOW);
      const [full] = await monitor.statusAsOf([country], date, SYSTEM);
      assert.deepEqual(r.status, full, `after event ${i} (${country} ${date})`);
      last.set(country, e);
    }
  });

  it('takes field reports, finding duplicates of imported events', async () => {
    await importEvents(store, registry, {
      kind: 'acled-api',
      path: new URL('../fixtures/events/acled-api-page.json', import.meta.url).pathname,
      now: NOW,
    });
    const dup = await submitReport(
      store,
      SYSTEM,
      registry,
      monitor,
      {
        country: 'Nigeria',
        date: '2022-03-14',
        category: 'violence.against-civilians.attack',
        place: { name: 'Yelwata', admin1: 'Benue' },
        perpetrators: ['Fulani militia:identity-militia'],
        targets: ['Farmers:civilians'],
        targetGroup: 'Tiv',
        deaths: { best: 7 },
        sources: ['local monitor'],
        reportedBy: 'field office',
      },
      { now: NOW },
    );
    assert.equal(dup.report.state, 'duplicate');
    assert.equal(dup.report.duplicateOf, 'acled:NIG90001');
    assert.equal(dup.report.event.sharing, 'AMBER');
    assert.equal(dup.report.event.civilianTargeted, true);
    const fresh = await submitReport(
      store,
      SYSTEM,
      registry,
      monitor,
      {
        country: 'nga',
        date: '2022-03-14',
        category: 'mobilisation.hate-propaganda',
        place: { name: 'Makurdi', latitude: 7.73, longitude: 8.54 },
        perpetrators: ['Radio Benue Voice:political-militia'],
        reportedBy: 'field office',
      },
      { now: NOW },
    );
    assert.equal(fresh.report.state, 'submitted');
    assert.deepEqual(fresh.duplicates, []);
    const key = fresh.report.event.key;

    // The same again: compared with every report nearby (the Yelwata one included, AMBER
    // too), but only the match is revealed, so only it is audited as read.
    const { seq: before } = await store.db
      .selectFrom('audit_log')
      .select((eb) => eb.fn.max('seq').as('seq'))
      .executeTakeFirstOrThrow();
    const again = await submitReport(
      store,
      SYSTEM,
      registry,
      monitor,
      {
        country: 'nga',
        date: '2022-03-15',
        category: 'mobilisation.hate-propaganda',
        place: { name: 'Makurdi town', latitude: 7.74, longitude: 8.53 },
        perpetrators: ['Radio Benue Voice:political-militia'],
        reportedBy: 'second monitor',
      },
      { now: NOW },
    );
    assert.equal(again.report.duplicateOf, key);
    const reads = (await auditTrail(store, SYSTEM, { afterSeq: Number(before) })).filter(
      (e) => e.action === 'read',
    );
    assert.deepEqual(
      reads.map((e) => e.detail),
      [{ items: [{ id: key, tlp: 'AMBER' }] }],
    );
    const verified = await reviewReport(store, SYSTEM, monitor, key, {
      state: 'verified',
      by: 'desk officer',
      now: NOW,
    });
    assert.equal(verified.report.state, 'verified');
    assert.equal(verified.report.reviewedBy, 'desk officer');
    await assert.rejects(
      submitReport(
        store,
        SYSTEM,
        registry,
        monitor,
        { country: 'nga', date: '2022-03-14', category: 'violence.typo', reportedBy: 'x' },
        { now: NOW },
      ),
      /column "category": unknown category/,
    );
    await assert.rejects(
      submitReport(
        store,
        SYSTEM,
        registry,
        monitor,
        { country: 'nga', date: '2027-01-01', category: 'context.protest', reportedBy: 'x' },
        { now: NOW },
      ),
      /column "date": .*future/,
    );
    await assert.rejects(
      submitReport(
        store,
        SYSTEM,
        registry,
        monitor,
        {
          country: 'nga',
          date: '2022-03-20',
          category: 'response.accountability.arrests',
          relatesTo: 'acled:NOPE',
          reportedBy: 'x',
        },
        { now: NOW },
      ),
      /no stored event "acled:NOPE"/,
    );
    await assert.rejects(
      reviewReport(store, SYSTEM, monitor, key, { state: 'duplicate', by: 'x', now: NOW }),
      /needs the event it repeats/,
    );
  });
});

import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, before, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Tier } from '../../src/core/frameworks/types.js';
import type { ActorType, EscalationEvent } from '../../src/core/escalation/types.js';
import { openCase } from '../../src/services/cases.js';
import { loadCountryRegistry } from '../../src/services/countries.js';
import { EscalationMonitor, loadRules } from '../../src/services/escalation.js';
import { SYSTEM, createOrganisation, createUser } from '../../src/services/identity.js';
import { importFile } from '../../src/services/import.js';
import type { Store } from '../../src/store/database.js';
import { sharedFile } from '../support/shared-data.js';
import { onEveryStore } from '../support/stores.js';

const registry = loadCountryRegistry();
const NOW = '2026-01-15T00:00:00.000Z';
const fixtures = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'events');

/** One event of a replay fixture (`test/fixtures/events/*.fixture.json`). */
interface FixtureEvent {
  id: string;
  start: string;
  end?: string;
  category: string;
  place: string;
  perpetrator?: { name: string; type: ActorType };
  target?: { name: string; type: ActorType };
  targetGroup?: string;
  civilianTargeted: boolean;
  deaths: number | null;
  notes: string;
}

/** A fixture's events as field reports (verified, CLEAR), in date order. */
function fixture(name: string): EscalationEvent[] {
  const file = JSON.parse(readFileSync(join(fixtures, name), 'utf8')) as {
    country: string;
    events: FixtureEvent[];
  };
  return file.events.map((e) => ({
    source: 'report',
    sourceId: e.id,
    countryId: file.country,
    date: { start: e.start, end: e.end ?? e.start, precision: e.end ? 'days' : 'day' },
    place: { name: e.place, precision: 'near' },
    actors: [
      ...(e.perpetrator ? [{ ...e.perpetrator, side: 'a' as const }] : []),
      ...(e.target ? [{ ...e.target, side: 'b' as const }] : []),
    ],
    ...(e.targetGroup ? { targetGroup: e.targetGroup } : {}),
    category: e.category as EscalationEvent['category'],
    civilianTargeted: e.civilianTargeted,
    deaths: e.deaths === null ? null : { best: e.deaths, low: e.deaths, high: e.deaths },
    accountability: 'unknown',
    sources: [{ name: `fixture ${name}` }],
    reliability: 'high',
    sharing: 'CLEAR',
    provenance: { recordedAt: NOW },
    notes: e.notes,
  }));
}

onEveryStore('warning before the killing', (target) => {
  let store: Store;
  before(async () => {
    store = await target.fresh();
    for (const file of [
      ['inputs', 'ucdp-battle-deaths-v25.1.csv'],
      ['inputs', 'powell-thyne-coups.csv'],
      ['inputs', 'pitf-ethnic-war-2014.csv'],
    ]) {
      await importFile(store, registry, { path: sharedFile(...file), now: NOW });
    }
  });
  after(async () => {
    await store.close();
    await target.cleanup();
  });

  const monitorWith = async (rules: string, tiers?: (id: string) => Tier | undefined) =>
    EscalationMonitor.open(store, {
      rules: await loadRules(rules),
      tiers: tiers && ((id) => tiers(id)),
      names: (id) => registry.byId(id)?.name ?? id,
    });

  it('puts an interstate war where it is fought, not in every participant', async () => {
    // UCDP locates the 2024 US and UK strikes on the Houthis in Yemen, the United States
    // and the United Kingdom (gwno_loc); the fighting was in Yemen (gwno_battle).
    const stage = async (rules: string) =>
      Object.fromEntries(
        (
          await (await monitorWith(rules)).statusAsOf(['usa', 'gbr', 'yem'], '2025-12-31', SYSTEM)
        ).map((s) => [s.countryId, s.stage]),
      );
    assert.deepEqual(await stage('escalation@1'), { usa: 'crisis', gbr: 'crisis', yem: 'crisis' });
    assert.deepEqual(await stage('escalation@2'), { usa: 'none', gbr: 'none', yem: 'crisis' });
  });

  it('gives the same answer in the status and the timeline for the same date', async () => {
    const monitor = await monitorWith('escalation');
    for (const country of ['mmr', 'sdn', 'yem']) {
      const timeline = await monitor.timeline(
        country,
        '2025-01-01',
        '2026-12-31',
        'quarter',
        SYSTEM,
      );
      for (const entry of timeline) {
        const [status] = await monitor.statusAsOf([country], entry.date, SYSTEM);
        assert.deepEqual(
          [entry.stage, entry.indicators],
          [status!.stage, status!.indicators.map((i) => i.id)],
          `${country} on ${entry.date}`,
        );
      }
      assert.ok(
        timeline.some((e) => e.stage === 'crisis'),
        `${country} had a crisis`,
      );
    }
    // The 2024 markers were published in mid-2025: they count two years from then.
    const [sudan] = await monitor.statusAsOf(['sdn'], '2026-12-31', SYSTEM);
    assert.equal(sudan!.stage, 'crisis');
  });

  it('replays Kenya 2007-08: imminent in a low tier once the red-flag evidence is in', async () => {
    const monitor = await monitorWith('escalation', (id) => (id === 'ken' ? 'low' : undefined));
    const events = fixture('kenya-2007-08.fixture.json');
    const seen: { id: string; stage: string; imminent: boolean; redFlags: string[] }[] = [];
    let imminentAlert: number | undefined;
    for (const e of events) {
      const r = await monitor.record(e, e.date.end, NOW);
      seen.push({
        id: e.sourceId,
        stage: r.status.stage,
        imminent: r.status.imminent,
        redFlags: r.status.redFlags,
      });
      imminentAlert ??= r.alerts.find((a) => a.kind === 'imminent')?.id;
    }
    assert.deepEqual(
      seen.map((s) => [s.id, s.stage, s.imminent]),
      [
        ['ken-2007-12-30-result', 'crisis', false],
        ['ken-2007-12-31-kisumu', 'crisis', false],
        ['ken-2008-01-01-kiambaa', 'violence', false],
        ['ken-2008-01-03-burnt-forest', 'violence', false],
        ['ken-2008-01-25-nakuru', 'violence', true],
        ['ken-2008-01-27-naivasha', 'violence', true],
      ],
    );
    const [status] = await monitor.statusAsOf(['ken'], '2008-01-31', SYSTEM);
    assert.deepEqual(status!.redFlags, ['civilian-targeting']);
    assert.equal(
      status!.imminence?.met,
      'at least 1 red flag, 4 events, 100 deaths, 4 by a known perpetrator against a group',
    );
    // Under version 1 a low tier never reached imminence.
    const old = await monitorWith('escalation@1', () => 'low');
    assert.equal((await old.statusAsOf(['ken'], '2008-01-31', SYSTEM))[0]!.imminent, false);
    // The imminent alert opens a case on the fast track.
    assert.ok(imminentAlert !== undefined);
    await createOrganisation(store, SYSTEM, {
      id: 'desk',
      name: 'Desk',
      kind: 'un-office',
      now: NOW,
    });
    const user = await createUser(store, SYSTEM, {
      username: 'analyst',
      organisationId: 'desk',
      role: 'analyst',
      now: NOW,
    });
    const c = await openCase(
      store,
      {
        kind: 'user',
        userId: user.id,
        username: 'analyst',
        organisationId: 'desk',
        role: 'analyst',
      },
      { alertId: imminentAlert, now: NOW },
    );
    assert.equal(c.fastTrack, true);
  });

  it('replays Ethiopia 2020-21: imminent in a moderate tier once the red-flag evidence is in', async () => {
    const monitor = await monitorWith('escalation', (id) =>
      id === 'eth' ? 'moderate' : undefined,
    );
    const events = fixture('ethiopia-2020-21.fixture.json');
    const seen: [string, boolean][] = [];
    for (const e of events)
      seen.push([e.sourceId, (await monitor.record(e, e.date.end, NOW)).status.imminent]);
    assert.deepEqual(seen, [
      ['eth-2020-11-01-gawa-qanqa', false],
      ['eth-2020-11-04-tigray-war', false],
      ['eth-2020-11-09-mai-kadra', true],
      ['eth-2020-11-28-axum', true],
      ['eth-2020-12-23-bekoji', true],
      ['eth-2021-01-15-mahbere-dego', true],
    ]);
    const [before] = await monitor.statusAsOf(['eth'], '2020-11-05', SYSTEM);
    assert.equal(before!.imminent, false);
    assert.equal(
      before!.imminence?.needs,
      'tier moderate: at least 2 red flags, or 1 red flag, 2 events, 50 deaths',
    );
  });
});

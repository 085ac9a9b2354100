import * as assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { assessWorld } from '../../src/services/assess.js';
import { loadCountryRegistry } from '../../src/services/countries.js';
import { syncSources } from '../../src/services/sync.js';
import { buildWatchlist, loadOnsetModel, runOnsetBacktest } from '../../src/services/watchlist.js';
import type { Store } from '../../src/store/database.js';
import { sharedDataDir } from '../support/shared-data.js';
import { onEveryStore } from '../support/stores.js';

const registry = loadCountryRegistry();
const NOW = '2026-12-08T00:00:00.000Z';

/** The sources the preconditions framework, the forecast and the escalation markers read. */
const KINDS = [
  'ewp-episodes',
  'ewp-predictors',
  'vdem',
  'epr',
  'pts',
  'wdi',
  'un-imr',
  'ucdp-brd',
  'pitf',
  'coups-pt',
] as const;

onEveryStore('watch list on the development data', (target) => {
  let store: Store;
  before(async () => {
    store = await target.fresh();
    await syncSources(store, registry, { from: sharedDataDir(), only: KINDS, now: NOW });
  });
  after(async () => {
    await store.close();
    await target.cleanup();
  });

  it('lists every country with the contract fields, ranked among those with no episode under way', async () => {
    const list = JSON.parse(
      JSON.stringify(
        await buildWatchlist(store, registry.all(), { asOf: '1997', now: new Date(NOW) }),
      ),
    );
    assert.equal(list.asOf, '1997-12-31');
    assert.equal(list.forecast.origin, 1996, 'the last origin public on the date');
    const keys = [
      'country',
      'underWay',
      'episodes',
      'onsetRisk',
      'onsetRank',
      'tier',
      'tierWithoutFloor',
      'stage',
      'imminent',
      'drivers',
    ];
    for (const c of list.countries) {
      for (const k of keys) assert.ok(k in c, `${c.country.name}: ${k}`);
      assert.deepEqual(Object.keys(c.country).sort(), ['cow', 'id', 'name']);
      for (const d of c.drivers)
        assert.deepEqual(Object.keys(d).sort(), ['evidence', 'source', 'what']);
      if (c.underWay) {
        assert.equal(c.onsetRank, null);
        assert.ok(c.episodes.length > 0);
        assert.equal(c.tier, 'extreme', `${c.country.name}: the floor holds its tier`);
      }
      if (c.onsetRisk !== null) assert.ok(c.onsetRisk > 0 && c.onsetRisk < 1);
    }
    const ranked = list.countries.filter((c: { onsetRank: number | null }) => c.onsetRank !== null);
    assert.deepEqual(
      ranked.map((c: { onsetRank: number }) => c.onsetRank),
      ranked.map((_: unknown, i: number) => i + 1),
    );
    for (let i = 1; i < ranked.length; i++)
      assert.ok(ranked[i - 1].onsetRisk >= ranked[i].onsetRisk);
    const underWay = list.countries.filter((c: { underWay: boolean }) => c.underWay);
    assert.equal(underWay.length, 27, 'as docs/frameworks.md counts at the end of 1997');
    // The floor holds them at extreme; without it their conditions alone are shown.
    assert.ok(underWay.some((c: { tierWithoutFloor: string }) => c.tierWithoutFloor !== 'extreme'));
    const pakistan = list.countries.find(
      (c: { country: { cow: number } }) => c.country.cow === 770,
    );
    assert.ok(pakistan.onsetRank <= 5, `Pakistan (1999 onset) ranks ${pakistan.onsetRank}`);
    assert.ok(pakistan.drivers.some((d: { source: string }) => d.source === 'forecast'));
    assert.ok(pakistan.drivers.some((d: { source: string }) => d.source === 'structural'));
  });

  it('meets the targets as of 1997 over 1998–2008 and as of 2004 over 2005–2014', async () => {
    for (const [asOf, window, onsets] of [
      ['1997', '1998-2008', 5],
      ['2004', '2005-2014', 7],
    ] as const) {
      const r = await runOnsetBacktest(store, registry.all(), { asOf, window, workers: 1 });
      assert.deepEqual(
        Object.keys(r).filter((k) =>
          [
            'asOf',
            'window',
            'countries',
            'onsets',
            'auc',
            'top10',
            'top20',
            'top30',
            'misses',
          ].includes(k),
        ).length,
        9,
      );
      assert.equal(r.onsets, onsets);
      assert.ok(r.auc! >= 0.88, `${asOf}: AUC ${r.auc}`);
      assert.ok(r.top30! >= 0.7, `${asOf}: top 30 ${r.top30}`);
      assert.ok(
        r.auc! > r.alone.structural.auc!,
        `${asOf}: better than the structural score alone`,
      );
      for (const m of r.misses) {
        assert.ok(m.rank === null || m.rank > 30);
        assert.ok(m.episodes.length > 0);
      }
    }
    const r1997 = await runOnsetBacktest(store, registry.all(), {
      asOf: '1997',
      window: '1998-2008',
    });
    assert.deepEqual(
      r1997.misses.map((m) => m.country.name),
      ['Thailand'],
    );
  });

  it('says so when the forecast data end before the date, and still ranks on the rest', async () => {
    const list = await buildWatchlist(store, registry.all(), {
      asOf: '2026-12-31',
      now: new Date(NOW),
    });
    assert.equal(list.forecast.origin, null);
    assert.match(list.forecast.note ?? '', /end at 2012/);
    assert.ok(
      list.warnings.some((w) => /after today/.test(w)),
      'a future date is warned about',
    );
    const ranked = list.countries.filter((c) => c.onsetRank !== null);
    assert.ok(ranked.length > 100);
    assert.ok(ranked.every((c) => c.forecast === null && c.onsetRisk !== null));
    const epr = list.freshness.find((f) => f.source === 'epr');
    assert.equal(epr?.latestYear, 2020);
    assert.equal(epr?.stale, true);
  });

  it('changes no tier between the end of 2025 and the end of 2026 without new data', async () => {
    const report = await assessWorld(store, registry.all(), {
      asOf: '2026-12-31',
      now: new Date(NOW),
    });
    const moved = report.assessments.filter(
      (a) => a.change && a.change.previousTier !== null && a.change.previousTier !== a.tier,
    );
    for (const a of moved)
      assert.ok(
        a.change!.causes.some((c) => c.cause === 'new-data'),
        `${a.country.name} moved without new data`,
      );
    const improved = report.assessments.filter((a) => a.change?.direction === 'improved');
    for (const a of improved)
      assert.ok(
        a.change!.causes.some((c) => c.cause !== 'stale'),
        `${a.country.name}`,
      );
    assert.equal(improved.length, 0);
    const israel = report.assessments.find((a) => a.country.iso3 === 'ISR')!;
    assert.equal(israel.tier, 'high', 'its 2020 EPR values are carried, not dropped');
    assert.ok(israel.freshness.some((f) => f.source === 'epr' && f.stale));
  });

  it('defaults to the latest date the data support, not today', async () => {
    const report = await assessWorld(store, registry.all(), { now: new Date(NOW), change: false });
    assert.ok(report.asOf < NOW.slice(0, 10), report.asOf);
    assert.deepEqual(report.warnings, []);
    const list = await buildWatchlist(store, registry.all(), { now: new Date(NOW) });
    assert.equal(list.asOf, report.asOf);
  });
});

it('loads the shipped onset-risk model and pins its framework version', async () => {
  const model = await loadOnsetModel();
  assert.equal(model.id, 'onset-risk');
  assert.match(model.framework, /@\d+$/);
  await assert.rejects(loadOnsetModel('nope'), /unknown onset-risk model "nope".*onset-risk@1/);
});

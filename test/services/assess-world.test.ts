import * as assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import { assessWorld, revisedBetween } from '../../src/services/assess.js';
import { runBacktest, runRollingBacktest } from '../../src/services/backtest.js';
import { loadCountryRegistry } from '../../src/services/countries.js';
import { loadFramework } from '../../src/services/frameworks.js';
import { importFile } from '../../src/services/import.js';
import type { Store } from '../../src/store/database.js';
import { sharedFile } from '../support/shared-data.js';
import { onEveryStore } from '../support/stores.js';

const registry = loadCountryRegistry();
const NOW = '2026-01-15T00:00:00.000Z';
const HEADER =
  'Country,Country_OLD,Year,COW_Code_A,COW_Code_N,WordBank_Code_A,UN_Code_N,Region,PTS_A,PTS_H,PTS_S,NA_Status_A,NA_Status_H,NA_Status_S';

/** A Political Terror Scale file for Sudan 2005–2011, terror level 2 but in 2010. */
function ptsFile(dir: string, name: string, level2010: number): string {
  const rows = [];
  for (let year = 2005; year <= 2011; year++) {
    const v = year === 2010 ? level2010 : 2;
    rows.push(`Sudan,Sudan,${year},SUD,625,SDN,729,ssa,${v},NA,${v},0,88,0`);
  }
  const path = join(dir, name);
  writeFileSync(path, `${HEADER}\n${rows.join('\n')}\n`);
  return path;
}

onEveryStore('assessWorld', (target) => {
  let store: Store;
  const dir = mkdtempSync(join(tmpdir(), 'lens-assess-'));
  const sudan = registry.fromName('Sudan', 2010)!.id;
  const terror = async (asOf: string) =>
    (await assessWorld(store, registry.all(), { asOf, countryIds: [sudan] })).assessments[0]!;

  /** A one-factor framework on the terror scale alone, so that Sudan gets a score; its folder. */
  const terrorOnly = (): string => {
    const frameworksDir = join(dir, 'frameworks');
    if (existsSync(frameworksDir)) return frameworksDir;
    mkdirSync(frameworksDir);
    const framework = {
      id: 'terror-only',
      version: 1,
      title: 'Terror only',
      description: 'For tests.',
      basis: 'None.',
      changelog: [{ version: 1, date: '2026-01-01', changes: 'First.' }],
      aggregation: { method: 'mean' },
      tiers: { extreme: 3, high: 2, moderate: 1.5, low: 1, negligible: 0 },
      groups: [
        {
          id: 'regime',
          title: 'Regime',
          weight: 1,
          aggregation: { method: 'mean' },
          factors: [
            {
              id: 'terror',
              title: 'Terror',
              description: 'd',
              weight: 1,
              indicators: [
                {
                  id: 'pts',
                  title: 'PTS',
                  variables: ['pts:PTS_S'],
                  transform: { kind: 'window', stat: 'max', years: 2, anchor: 'published' },
                  severity: {
                    kind: 'thresholds',
                    direction: 'higher-is-worse',
                    thresholds: [2, 3, 4, 5],
                  },
                  weight: 1,
                },
              ],
            },
          ],
        },
      ],
    };
    writeFileSync(join(frameworksDir, 'terror-only.v1.json'), JSON.stringify(framework));
    return frameworksDir;
  };

  before(async () => {
    store = await target.fresh();
    // The first release codes 2010 at the top of the scale; a revision published in the
    // middle of 2012 brings it down to 2, and dates all its values by its release.
    await importFile(store, registry, {
      path: sharedFile('ewp', 'mass-killing-episodes-2025.dev-to-2014.csv'),
      now: NOW,
    });
    for (const [name, level, releasedOn] of [
      ['pts-first.csv', 5, '2011-06-30'],
      ['pts-revised.csv', 2, '2012-06-30'],
    ] as const) {
      await importFile(store, registry, {
        kind: 'pts',
        path: ptsFile(dir, name, level),
        releasedOn,
        now: NOW,
      });
    }
  });
  after(async () => {
    await store.close();
    await target.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  it('knows when a source was revised between two dates', async () => {
    const framework = await loadFramework('preconditions-2011');
    assert.equal(await revisedBetween(store, framework, '2011-12-31', '2012-12-31'), true);
    assert.equal(await revisedBetween(store, framework, '2012-12-31', '2013-12-31'), false);
    // The first release revises nothing.
    assert.equal(await revisedBetween(store, framework, '2010-12-31', '2011-12-31'), false);
  });

  it('compares with the values as known a year before, across a revision', async () => {
    // As of the end of 2011 only the first release is known: 2010 at 5.
    const then = await terror('2011-12-31');
    const human = (a: typeof then) => a.factors.find((f) => f.id === 'human-rights-violations');
    assert.equal(human(then)?.severity, 4);
    // A year later the revision replaces it; the change still starts from 4.
    const now = await terror('2012-12-31');
    assert.equal(human(now)?.severity, 1);
    assert.deepEqual(
      now.change?.factors.find((f) => f.id === 'human-rights-violations'),
      { id: 'human-rights-violations', from: 4, to: 1 },
    );
  });

  it('reads both dates from one load when nothing was revised in between', async () => {
    const later = await terror('2013-12-31');
    const human = later.factors.find((f) => f.id === 'human-rights-violations');
    assert.equal(human?.severity, 1);
    assert.equal(
      later.change?.factors.some((f) => f.id === 'human-rights-violations'),
      false,
      'unchanged from 2012',
    );
    assert.equal(later.change?.previousAsOf, '2012-12-31');
  });

  it('runs a rolling backtest from one load, or date by date across a revision', async () => {
    const frameworksDir = terrorOnly();
    const score = (r: Awaited<ReturnType<typeof runBacktest>>) =>
      r.tiers.flatMap((t) => t.countries).find((c) => c.countryId === sudan)?.score;
    for (const years of ['2007-2010', '2009-2013']) {
      const rolling = await runRollingBacktest(store, registry.all(), {
        framework: 'terror-only',
        years,
        horizon: 1,
        frameworksDir,
      });
      for (const r of rolling.results) {
        const alone = await runBacktest(store, registry.all(), {
          framework: 'terror-only',
          asOf: r.asOf,
          window: r.window,
          frameworksDir,
        });
        assert.deepEqual(r, alone, `${years}: as of ${r.asOf}`);
      }
      const at2011 = rolling.results.find((r) => r.asOf === '2011-12-31');
      if (at2011) assert.equal(score(at2011), 4, 'as known at the end of 2011: 2010 at 5');
    }
  });
  it("gives a successor's episodes to the successor once it is independent on the date scored", async () => {
    const frameworksDir = terrorOnly();
    const episodesOf = (r: Awaited<ReturnType<typeof runBacktest>>) =>
      r.tiers.flatMap((t) => t.countries).find((c) => c.countryId === sudan)?.episodes ?? [];
    // As of 2012 South Sudan (independent since 2011) is a country of its own: its 2013
    // episodes are not Sudan's.
    const after = await runBacktest(store, registry.all(), {
      framework: 'terror-only',
      asOf: '2012-12-31',
      window: { from: 2013, to: 2014 },
      frameworksDir,
    });
    assert.ok(episodesOf(after).length > 0, 'Sudan is scored, with its own episodes');
    assert.deepEqual(
      episodesOf(after).filter((code) => code.startsWith('ssd')),
      [],
      'no South Sudan episode on Sudan as of 2012',
    );
    // As of 2010 the south was part of Sudan: an episode there in the window counts for the
    // country as it was scored.
    const before = await runBacktest(store, registry.all(), {
      framework: 'terror-only',
      asOf: '2010-12-31',
      window: { from: 2011, to: 2014 },
      frameworksDir,
    });
    assert.ok(episodesOf(before).includes('ssd2013s1'));
  });
});

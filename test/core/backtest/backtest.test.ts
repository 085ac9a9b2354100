import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { auc as metricsAuc } from '../../../src/core/stats/metrics.js';

/** The AUC the backtest reports: metrics' AUC, null for a missing class. */
const auc = (scores: number[], labels: boolean[]): number | null => {
  const v = metricsAuc(
    scores,
    labels.map((l) => (l ? 1 : 0)),
  );
  return Number.isNaN(v) ? null : v;
};
import {
  backtest,
  compareBacktests,
  episodesInWindow,
  rollingSummary,
} from '../../../src/core/backtest/backtest.js';
import type { ScoredCountry } from '../../../src/core/backtest/backtest.js';
import type { Episode } from '../../../src/core/frameworks/assess.js';

function ep(code: string, where: string, startYear: number, endYear: number | null): Episode {
  return {
    code,
    name: code,
    locationCountryIds: [where],
    responsibleCountryIds: [where],
    startYear,
    endYear,
    stateLed: true,
  };
}

const episodes = [
  ep('a-old', 'a', 1990, 1999), // under way into the window
  ep('b-new', 'b', 2001, null), // begins in the window
  ep('c-before', 'c', 1980, 1995), // over before the window
  ep('d-split', 'd2', 2003, 2004), // in a state that split off d during the window
  ep('e-after', 'e', 2010, 2011), // after the window
];

const scored: ScoredCountry[] = [
  { countryId: 'a', name: 'A', score: 3.5, tier: 'extreme' },
  { countryId: 'f', name: 'F', score: 3.1, tier: 'extreme' },
  { countryId: 'b', name: 'B', score: 2.5, tier: 'high' },
  { countryId: 'd', name: 'D', score: 1.5, tier: 'moderate', outcomeIds: ['d', 'd2'] },
  { countryId: 'c', name: 'C', score: 1.2, tier: 'low' },
  { countryId: 'e', name: 'E', score: 0.5, tier: 'negligible' },
];

const spec = {
  framework: 'x',
  frameworkVersion: 1,
  asOf: '1997-12-31',
  window: { from: 1998, to: 2008 },
};

describe('auc', () => {
  it('is the share of positive-negative pairs ordered right, ties half', () => {
    assert.equal(auc([3, 2, 1], [true, false, false]), 1);
    assert.equal(auc([1, 2, 3], [true, false, false]), 0);
    assert.equal(auc([2, 2], [true, false]), 0.5);
    // Pairs: (4>1, 4>3, 2>1, 2<3) → 3 of 4.
    assert.equal(auc([4, 3, 2, 1], [true, false, true, false]), 0.75);
    assert.equal(auc([1, 2], [false, false]), null);
  });
});

describe('backtest', () => {
  it('counts ongoing and onset episodes in the window', () => {
    assert.deepEqual([...episodesInWindow(episodes, spec.window, 'ongoing').keys()].sort(), [
      'a',
      'b',
      'd2',
    ]);
    assert.deepEqual([...episodesInWindow(episodes, spec.window, 'onset').keys()].sort(), [
      'b',
      'd2',
    ]);
  });

  it('computes tiers, misses, AUC and top-two figures (hand-computed)', () => {
    const r = backtest({ ...spec, outcome: 'ongoing' }, scored, episodes);
    assert.deepEqual(
      r.tiers.map((t) => [t.tier, t.atrocities, t.total, t.share]),
      [
        ['extreme', 1, 2, 0.5],
        ['high', 1, 1, 1],
        ['moderate', 1, 1, 1],
        ['low', 0, 1, 0],
        ['negligible', 0, 1, 0],
      ],
    );
    assert.deepEqual(
      r.misses.map((m) => [m.countryId, m.episodes]),
      [['d', ['d-split']]],
    );
    // Positives a (3.5), b (2.5), d (1.5); negatives f (3.1), c (1.2), e (0.5).
    // Ordered pairs: a beats 3, b beats 2, d beats 2 → 7 of 9.
    assert.equal(r.auc, 7 / 9);
    assert.equal(r.topTwoRecall, 2 / 3);
    assert.equal(r.topTwoSize, 3);
    assert.equal(r.topTwoShare, 0.5);
    assert.equal(r.countries, 6);
    assert.equal(r.atrocityCountries, 3);
    assert.deepEqual(r.tiers[0]?.countries[0], {
      countryId: 'a',
      name: 'A',
      score: 3.5,
      tier: 'extreme',
      atrocity: true,
      episodes: ['a-old'],
    });

    const onset = backtest({ ...spec, outcome: 'onset' }, scored, episodes);
    assert.equal(onset.atrocityCountries, 2);
    assert.equal(onset.topTwoRecall, 0.5);
    // Positives b (2.5), d (1.5); negatives a, f, c, e: b beats 2, d beats 2 → 4 of 8.
    assert.equal(onset.auc, 0.5);
  });

  it('summarises rolling backtests and compares two frameworks', () => {
    const one = backtest({ ...spec, outcome: 'ongoing' }, scored, episodes);
    const other = backtest(
      { ...spec, framework: 'y', outcome: 'ongoing' },
      scored.map((c) => (c.countryId === 'd' ? { ...c, tier: 'high' as const, score: 2.2 } : c)),
      episodes,
    );
    const s = rollingSummary([one, other]);
    assert.equal(s.years.length, 2);
    assert.equal(s.meanTopTwoRecall, (2 / 3 + 1) / 2);
    assert.equal(s.meanExtremeShare, 0.5);
    const cmp = compareBacktests(one, other);
    assert.deepEqual(cmp.frameworks, ['x', 'y']);
    assert.deepEqual(cmp.disagreements, [
      { countryId: 'd', name: 'D', atrocity: true, tiers: ['moderate', 'high'] },
    ]);
  });
});

import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { backtestStages } from '../../../src/core/escalation/backtest.js';
import type { StagePoint } from '../../../src/core/escalation/backtest.js';
import { findDuplicates, haversineKm } from '../../../src/core/escalation/duplicates.js';
import type { DuplicateCandidate } from '../../../src/core/escalation/duplicates.js';

const base: DuplicateCandidate = {
  key: 'report:new',
  countryId: 'nga',
  date: { start: '2022-03-14', end: '2022-03-14', precision: 'day' },
  place: { name: 'Yelwata', latitude: 7.95, longitude: 8.73, precision: 'exact' },
  actors: [
    { name: 'Fulani militia', type: 'identity-militia', side: 'a' },
    { name: 'Farmers', type: 'civilians', side: 'b' },
  ],
};

describe('duplicate detection', () => {
  const acled: DuplicateCandidate = {
    ...base,
    key: 'acled:NIG1',
    date: { start: '2022-03-15', end: '2022-03-15', precision: 'day' },
    place: { name: 'Yelwata', latitude: 7.96, longitude: 8.74, precision: 'exact' },
    actors: [
      { name: 'Fulani Ethnic Militia (Nigeria)', type: 'identity-militia', side: 'a' },
      { name: 'Civilians (Nigeria)', type: 'civilians', side: 'b' },
    ],
  };

  it('matches the same place, dates within the window and the same actors', () => {
    const [m] = findDuplicates(base, [acled]);
    assert.equal(m?.key, 'acled:NIG1');
    assert.equal(m?.days, 1);
    assert.equal(m?.place, 'coordinates');
    assert.deepEqual(m?.actors, ['Fulani militia', 'civilians']);
  });

  it('does not match another country, a later week, a distant place or other actors', () => {
    assert.deepEqual(findDuplicates(base, [{ ...acled, countryId: 'cmr' }]), []);
    assert.deepEqual(
      findDuplicates(base, [
        { ...acled, date: { start: '2022-03-20', end: '2022-03-20', precision: 'day' } },
      ]),
      [],
    );
    assert.deepEqual(
      findDuplicates(base, [
        {
          ...acled,
          place: { name: 'Makurdi', latitude: 7.73, longitude: 8.54, precision: 'exact' },
        },
      ]),
      [],
    );
    assert.deepEqual(
      findDuplicates(base, [
        {
          ...acled,
          actors: [
            { name: 'Military Forces of Nigeria', type: 'state-forces', side: 'a' },
            acled.actors[1]!,
          ],
        },
      ]),
      [],
    );
  });

  it('matches a place known only to its province by name', () => {
    const vague = { ...base, place: { admin1: 'Benue', precision: 'admin1' as const } };
    const [m] = findDuplicates(vague, [{ ...acled, place: { ...acled.place, admin1: 'Benue' } }]);
    assert.equal(m?.place, 'admin1');
  });

  it('measures distances on the sphere', () => {
    assert.ok(Math.abs(haversineKm(0, 0, 0, 1) - 111.19) < 0.1);
  });
});

describe('stage backtest', () => {
  const dates = ['2000-12-31', '2001-12-31', '2002-12-31', '2003-12-31', '2004-12-31'];
  const line = (stages: StagePoint['stage'][]) =>
    stages.map((stage, i) => ({ date: dates[i]!, stage }));

  it('counts onsets preceded by each stage, lead times and false alarms', () => {
    const timelines = new Map([
      ['aaa', line(['none', 'crisis', 'violence', 'violence', 'none'])],
      ['bbb', line(['crisis', 'crisis', 'none', 'none', 'none'])],
      ['ccc', line(['none', 'none', 'none', 'none', 'none'])],
    ]);
    const result = backtestStages(
      timelines,
      dates,
      [
        { countryId: 'aaa', code: 'A', name: 'A', startYear: 2003, endYear: 2003 },
        { countryId: 'ccc', code: 'C', name: 'C', startYear: 2004, endYear: null },
        { countryId: 'ddd', code: 'D', name: 'D', startYear: 1990, endYear: 1991 },
      ],
      { lookbackYears: 5, horizonYears: 2 },
    );
    assert.deepEqual([result.onsets, result.covered], [3, 2]);
    const [crisis, mobilisation, violence] = result.stages;
    assert.deepEqual([crisis!.onsets, crisis!.preceded, crisis!.share], [2, 1, 0.5]);
    assert.deepEqual(
      crisis!.leadMonths,
      { min: 12, median: 12, max: 12 },
      'first crisis 2001-12-31, onset 2003-01-01',
    );
    assert.equal(mobilisation!.preceded, 1, 'violence counts as having passed mobilisation');
    assert.equal(violence!.leadMonths!.min, 0);
    // Entries: aaa enters crisis in 2001 (onset 2003 follows), bbb in 2000 (none follows).
    assert.deepEqual(
      [crisis!.entries, crisis!.followed, crisis!.withoutOnset, crisis!.falseAlarmShare],
      [2, 1, 1, 0.5],
    );
    // aaa stays at violence through 2003, the onset year: no second entry.
    assert.deepEqual([violence!.entries, violence!.followed], [1, 1]);
    assert.equal(result.outcomesUntil, 2004);
    const early = backtestStages(
      timelines,
      dates,
      [{ countryId: 'aaa', code: 'A', name: 'A', startYear: 2003, endYear: 2003 }],
      {
        outcomesUntil: 2001,
      },
    );
    assert.equal(early.covered, 0, 'an onset after the end of the list is not covered');
    assert.deepEqual(
      [early.stages[0]!.followed, early.stages[0]!.unjudged, early.stages[0]!.withoutOnset],
      [1, 1, 0],
      'entries whose horizon passes the end are not judged',
    );
    const a = result.findings.find((f) => f.code === 'A')!;
    assert.equal(a.highestStage, 'violence');
    assert.deepEqual(Object.keys(a.firstAt), ['crisis', 'mobilisation', 'violence']);
  });
});

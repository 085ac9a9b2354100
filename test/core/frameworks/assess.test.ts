import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { lastKnownYear, parseAsOf } from '../../../src/core/frameworks/as-of.js';
import {
  aggregate,
  assessCountry,
  changeBetween,
  liftScore,
  severityOf,
  tierOf,
} from '../../../src/core/frameworks/assess.js';
import type {
  AssessmentInput,
  Episode,
  Observation,
  Override,
} from '../../../src/core/frameworks/assess.js';
import type { Framework, SeverityMapping } from '../../../src/core/frameworks/types.js';
import { fixtureFramework } from './fixture.js';

const framework = fixtureFramework();

function rol(year: number, value: number | null, availableFrom = `${year + 1}-03-31`): Observation {
  return { variable: 'vdem:v2xcl_rol', year, value, source: 'vdem', release: 'v14', availableFrom };
}

function bd(year: number, value: number): Observation {
  return {
    variable: 'ucdp-brd:bd_best',
    year,
    value,
    source: 'ucdp-brd',
    availableFrom: `${year + 1}-06-30`,
  };
}

const episode: Episode = {
  code: 'xxx1990s1',
  name: 'government vs. rebels',
  locationCountryIds: ['aaa'],
  responsibleCountryIds: ['aaa'],
  startYear: 1990,
  endYear: 1994,
  stateLed: true,
};

function input(
  asOf: string,
  observations: Record<string, Observation[]>,
  extra: Partial<AssessmentInput> = {},
): AssessmentInput {
  return {
    asOf,
    observations: new Map(Object.entries(observations)),
    episodes: [episode],
    ...extra,
  };
}

describe('as-of dates', () => {
  it('reads a bare year as the end of that year and rejects bad dates', () => {
    assert.equal(parseAsOf('1997'), '1997-12-31');
    assert.equal(parseAsOf('2001-06-30'), '2001-06-30');
    assert.throws(() => parseAsOf('2001-02-30'), /invalid as-of date/);
    assert.throws(() => parseAsOf('last year'), /expected YYYY-MM-DD or YYYY/);
  });

  it('knows which years are complete (plus a lag) on a date', () => {
    assert.equal(lastKnownYear('1997-12-31'), 1997);
    assert.equal(lastKnownYear('1997-12-30'), 1996);
    assert.equal(lastKnownYear('1998-03-31', 3), 1997);
    assert.equal(lastKnownYear('1998-03-30', 3), 1996);
  });
});

describe('severity and aggregation', () => {
  it('maps values by thresholds in either direction, and linearly with clamping', () => {
    const low: SeverityMapping = {
      kind: 'thresholds',
      direction: 'lower-is-worse',
      thresholds: [0.8, 0.6, 0.4, 0.2],
    };
    assert.deepEqual(
      [0.9, 0.8, 0.5, 0.2, 0].map((v) => severityOf(v, low)),
      [0, 1, 2, 4, 4],
    );
    const lin = { kind: 'linear', best: 0, worst: 4 } as const;
    assert.deepEqual(
      [-1, 1, 3.5, 9].map((v) => severityOf(v, lin)),
      [0, 1, 3.5, 4],
    );
  });

  it('aggregates by mean, max, min and power mean, null for nothing', () => {
    const xs = [
      { value: 4, weight: 1 },
      { value: 0, weight: 3 },
    ];
    assert.equal(aggregate(xs, { method: 'mean' }), 1);
    assert.equal(aggregate(xs, { method: 'max' }), 4);
    assert.equal(aggregate(xs, { method: 'min' }), 0);
    assert.equal(aggregate(xs, { method: 'power-mean', p: 2 }), 2);
    assert.equal(aggregate([], { method: 'mean' }), null);
  });

  it('places scores on tiers by their lower bounds', () => {
    const cuts = framework.tiers;
    assert.deepEqual(
      [3.2, 3, 2.5, 1.5, 1.2, 0.3].map((s) => tierOf(s, cuts)),
      ['extreme', 'extreme', 'high', 'moderate', 'low', 'negligible'],
    );
  });
});

describe('assessCountry', () => {
  const world = {
    aaa: [rol(1995, 0.7), rol(1996, 0.3), bd(1996, 1500)],
    bbb: [rol(1996, 0.9), bd(1990, 30)],
  };

  it('scores factors with their evidence, groups, overall score and tier', () => {
    const a = assessCountry(framework, 'aaa', input('1997-12-31', world));
    const f = new Map(a.factors.map((x) => [x.id, x]));
    assert.equal(f.get('rule-of-law')?.severity, 3);
    assert.deepEqual(f.get('rule-of-law')?.evidence, [
      {
        indicator: 'rol',
        variable: 'vdem:v2xcl_rol',
        value: 0.3,
        year: 1996,
        source: 'vdem',
        release: 'v14',
        availableFrom: '1997-03-31',
        severity: 3,
        age: 1,
      },
    ]);
    assert.equal(f.get('armed-conflict')?.severity, 3);
    // Last under way in 1994, three years before 1997: within 5 years.
    assert.equal(f.get('history')?.severity, 3);
    assert.equal(f.get('war-crimes-threat')?.severity, 3);
    assert.equal(f.get('war-crimes-threat')?.kind, 'derived');
    assert.deepEqual(a.groups, [
      { id: 'regime', title: 'Regime', score: 3 },
      { id: 'conflict', title: 'Conflict', score: 3 },
    ]);
    assert.equal(a.score, 3);
    assert.equal(a.tier, 'extreme');
    assert.equal(a.coverage, 1);
    assert.deepEqual(
      a.drivers.map((d) => d.factor),
      ['rule-of-law', 'armed-conflict', 'history'],
    );
  });

  it('reports analyst factors and missing data as missing, never as 0', () => {
    const a = assessCountry(
      framework,
      'ccc',
      input('1997-12-31', { ...world, ccc: [bd(1996, 2000)] }),
    );
    const f = new Map(a.factors.map((x) => [x.id, x]));
    assert.equal(f.get('militias')?.severity, null);
    assert.equal(f.get('militias')?.kind, 'analyst');
    assert.equal(f.get('rule-of-law')?.severity, null);
    // The derived factor needs both its parts.
    assert.equal(f.get('war-crimes-threat')?.severity, null);
    assert.deepEqual(
      a.missing.map((m) => [m.factor, m.indicator ?? null]),
      [
        ['rule-of-law', 'rol'],
        ['militias', null],
        ['war-crimes-threat', null],
      ],
    );
    assert.match(a.missing[0]!.reason, /no value of vdem:v2xcl_rol in the 3 years to 1997/);
    // The regime group has no factor with data: it is left out, not counted as 0.
    assert.equal(a.groups[0]?.score, null);
    assert.equal(a.score, 3);
    assert.equal(a.coverage, 0.667);
  });

  it('gives no score or tier below the minimum coverage', () => {
    const a = assessCountry(framework, 'ddd', input('1997-12-31', { ...world, ddd: [] }));
    // Battle deaths are known absent (0) and the episode list has nothing: 2 of 3 indicators.
    assert.equal(a.coverage, 0.667);
    const sparse = assessCountry(
      { ...framework, minCoverage: 0.9 },
      'ddd',
      input('1997-12-31', { ...world, ddd: [] }),
    );
    assert.equal(sparse.score, null);
    assert.equal(sparse.tier, null);
  });

  it('reads covered years without a row of an event list as 0, and uncovered years as missing', () => {
    const a = assessCountry(framework, 'bbb', input('1997-12-31', world));
    const conflict = a.factors.find((x) => x.id === 'armed-conflict')!;
    assert.equal(conflict.severity, 0);
    assert.equal(conflict.evidence[0]?.note, 'no row in a year the source covers: 0');
    // As of 1989 the event list covers nothing yet: missing, not 0.
    const early = assessCountry(
      framework,
      'bbb',
      input('1989-12-31', { bbb: [rol(1988, 0.9)], aaa: [bd(1990, 30)] }),
    );
    assert.equal(early.factors.find((x) => x.id === 'armed-conflict')?.severity, null);
  });

  it('uses only values published by the as-of date', () => {
    // V-Dem 1996 published 1997-03-31: not known on 1997-03-30.
    const a = assessCountry(framework, 'aaa', input('1997-03-30', world));
    const r = a.factors.find((x) => x.id === 'rule-of-law')!;
    assert.equal(r.evidence[0]?.year, 1995);
    assert.equal(r.severity, 1);
    // Battle deaths of 1996 are published 1997-06-30: the event list covers nothing in the
    // window yet on 1997-03-30, so the factor is missing.
    assert.equal(a.factors.find((x) => x.id === 'armed-conflict')?.severity, null);
    // An episode under way in 1994 was not known as of the middle of 1994.
    const mid = assessCountry(framework, 'aaa', input('1994-06-30', world));
    assert.equal(mid.factors.find((x) => x.id === 'history')?.evidence[0]?.year, 1993);
  });

  it('takes the newest vintage of a value published by the date', () => {
    const vintages = { aaa: [rol(1996, 0.3, '1997-03-31'), rol(1996, 0.9, '1998-03-31')] };
    const a = assessCountry(framework, 'aaa', input('1997-12-31', vintages));
    assert.equal(a.factors.find((x) => x.id === 'rule-of-law')?.evidence[0]?.value, 0.3);
    const b = assessCountry(framework, 'aaa', input('1998-12-31', vintages));
    assert.equal(b.factors.find((x) => x.id === 'rule-of-law')?.evidence[0]?.value, 0.9);
  });

  it('shows overrides beside computed values and applies them unless told not to', () => {
    const overrides: Override[] = [
      {
        countryId: 'aaa',
        factorId: 'militias',
        severity: 4,
        reason: 'armed youth wings',
        source: 'field report 12',
        by: 'analyst-1',
        at: '1997-11-02T10:00:00Z',
      },
      {
        countryId: 'aaa',
        factorId: 'rule-of-law',
        severity: 1,
        reason: 'reform',
        source: 'report',
        by: 'analyst-2',
        at: '1997-11-03T10:00:00Z',
      },
      {
        countryId: 'aaa',
        factorId: 'rule-of-law',
        severity: 0,
        reason: 'later view',
        source: 'report',
        by: 'analyst-2',
        at: '1999-01-01T10:00:00Z',
      },
    ];
    const a = assessCountry(framework, 'aaa', input('1997-12-31', world, { overrides }));
    const f = new Map(a.factors.map((x) => [x.id, x]));
    assert.equal(f.get('militias')?.severity, 4);
    assert.equal(f.get('militias')?.computedSeverity, null);
    assert.equal(f.get('militias')?.override?.by, 'analyst-1');
    assert.equal(
      f.get('rule-of-law')?.severity,
      1,
      'the override recorded after the date is not seen',
    );
    assert.equal(f.get('rule-of-law')?.computedSeverity, 3);
    assert.equal(f.get('rule-of-law')?.overrideApplied, true);
    // The derived factor follows the overridden severity.
    assert.equal(f.get('war-crimes-threat')?.severity, 1);
    assert.equal(a.groups[0]?.score, 2.5);

    const automatic = assessCountry(
      framework,
      'aaa',
      input('1997-12-31', world, { overrides, applyOverrides: false }),
    );
    const g = new Map(automatic.factors.map((x) => [x.id, x]));
    assert.equal(g.get('rule-of-law')?.severity, 3);
    assert.equal(g.get('rule-of-law')?.override?.severity, 1, 'shown, not applied');
    assert.equal(g.get('rule-of-law')?.overrideApplied, false);
    assert.equal(automatic.score, 3);
  });

  it('reports the change from one year earlier', () => {
    const series = {
      aaa: [rol(1994, 0.9), rol(1995, 0.9), rol(1996, 0.3), bd(1995, 0), bd(1996, 1500)],
    };
    const a = assessCountry(
      framework,
      'aaa',
      input('1997-12-31', series),
      input('1996-12-31', series),
    );
    assert.equal(a.change?.direction, 'deteriorated');
    assert.equal(a.change?.previousAsOf, '1996-12-31');
    assert.equal(a.change?.previousTier, 'moderate');
    assert.equal(a.tier, 'extreme');
    assert.deepEqual(
      a.change?.factors.map((x) => x.id),
      ['rule-of-law', 'armed-conflict', 'war-crimes-threat'],
    );
    const back = assessCountry(
      framework,
      'aaa',
      input('1996-12-31', series),
      input('1997-12-31', series),
    );
    assert.equal(back.change?.direction, 'improved');
    const same = assessCountry(
      framework,
      'aaa',
      input('1997-12-31', series),
      input('1997-12-31', series),
    );
    assert.equal(same.change?.direction, 'unchanged');
    assert.equal(same.change?.delta, 0);
  });
});

describe('score floors', () => {
  const underWay = (code: string, countryId: string): Episode => ({
    ...episode,
    code,
    locationCountryIds: [countryId],
    responsibleCountryIds: [countryId],
    startYear: 1995,
    endYear: null,
  });
  const world = {
    aaa: [rol(1996, 0.3), bd(1996, 1500)],
    bbb: [rol(1996, 0.9), bd(1996, 0)],
    ccc: [rol(1996, 0.5), bd(1996, 30)],
  };
  const episodes = [episode, underWay('bbb1995s1', 'bbb'), underWay('ccc1995s1', 'ccc')];
  const floored = (trigger: { factor: string } | { indicator: string }): Framework => ({
    ...fixtureFramework(),
    floors: [{ ...trigger, atLeast: 4, score: 3, reason: 'an episode is under way' }],
  });
  const assess = (fw: Framework, id: string, extra: Partial<AssessmentInput> = {}) =>
    assessCountry(fw, id, input('1997-12-31', world, { episodes, ...extra }));

  it('lifts a country where the trigger holds into [floor, 4], keeps their order, and says why', () => {
    const fw = floored({ factor: 'history' });
    const plainB = assess(framework, 'bbb');
    const plainC = assess(framework, 'ccc');
    assert.ok(plainB.score !== null && plainC.score !== null);
    assert.ok(plainB.score < 3, 'below the extreme tier without the floor');
    const b = assess(fw, 'bbb');
    const c = assess(fw, 'ccc');
    assert.ok(Math.abs(b.score! - (3 + plainB.score / 4)) < 0.01);
    assert.equal(b.tier, 'extreme');
    assert.deepEqual(b.floor, {
      factor: 'history',
      severity: 4,
      score: 3,
      reason: 'an episode is under way',
      unliftedScore: plainB.score,
    });
    assert.equal(Math.sign(c.score! - b.score!), Math.sign(plainC.score - plainB.score));
    // aaa's episode ended in 1994: severity 3, below the trigger.
    const a = assess(fw, 'aaa');
    assert.equal(a.score, assess(framework, 'aaa').score);
    assert.equal(a.floor, undefined);
  });

  it('reads an indicator trigger, which an applied override of its factor replaces', () => {
    const fw = floored({ indicator: 'recency' });
    assert.equal(assess(fw, 'bbb').floor?.indicator, 'recency');
    const overrides: Override[] = [
      {
        countryId: 'bbb',
        factorId: 'history',
        severity: 1,
        reason: 'the episode ended in November',
        source: 'mission report',
        by: 'analyst-1',
        at: '1997-12-01T10:00:00Z',
      },
    ];
    const overridden = assess(fw, 'bbb', { overrides });
    assert.equal(overridden.floor, undefined);
    assert.ok(overridden.score !== null && overridden.score < 3);
    const automatic = assess(fw, 'bbb', { overrides, applyOverrides: false });
    assert.equal(automatic.floor?.severity, 4);
  });

  it('lifts 0 to the floor and 4 to 4', () => {
    assert.equal(liftScore(0, 2.8), 2.8);
    assert.equal(liftScore(4, 2.8), 4);
    assert.equal(liftScore(2, 2), 3);
  });
});

describe('look-backs anchored at the last published year', () => {
  // A source published two years after the fact (like the Political Terror Scale): the
  // value of 1995 becomes public on 1997-01-01, that of 1996 on 1998-01-01.
  function pts(year: number, value: number): Observation {
    return {
      variable: 'pts:PTS_S',
      year,
      value,
      source: 'pts',
      availableFrom: `${year + 2}-01-01`,
    };
  }
  const terror = (anchor?: 'as-of' | 'published'): Framework => {
    const f = fixtureFramework();
    f.groups[0]!.factors[0]!.indicators = [
      {
        id: 'terror',
        title: 'Political terror, worst of two years',
        variables: ['pts:PTS_S'],
        transform: { kind: 'window', stat: 'max', years: 2, ...(anchor ? { anchor } : {}) },
        severity: { kind: 'thresholds', direction: 'higher-is-worse', thresholds: [2, 3, 4, 5] },
        weight: 1,
      },
    ];
    return f;
  };
  const world = { aaa: [pts(1993, 2), pts(1994, 5), pts(1995, 4), pts(1996, 3)] };

  it('reads the last published years instead of finding nothing at the as-of year', () => {
    // As of the end of 1997 only 1995 and earlier are public: a window of 1996–1997 is empty.
    const plain = assessCountry(terror(), 'aaa', input('1997-12-31', world));
    assert.equal(plain.factors[0]?.severity, null);
    assert.match(plain.missing[0]!.reason, /in the 2 years to 1997/);
    const anchored = assessCountry(terror('published'), 'aaa', input('1997-12-31', world));
    const f = anchored.factors[0]!;
    assert.equal(f.severity, 4);
    assert.deepEqual(
      f.evidence.map((e) => [e.year, e.value]),
      [[1994, 5]],
    );
  });

  it('moves with what is published, and calls a stale source missing', () => {
    const later = assessCountry(terror('published'), 'aaa', input('1998-06-30', world));
    assert.deepEqual(
      later.factors[0]!.evidence.map((e) => [e.year, e.value]),
      [[1995, 4]],
    );
    // Nothing after 1996 is ever published: by 2003 the anchor stops three years back
    // (2000) and the window 1999–2000 is empty.
    const stale = assessCountry(terror('published'), 'aaa', input('2003-12-31', world));
    assert.equal(stale.factors[0]?.severity, null);
    assert.match(stale.missing[0]!.reason, /in the 2 years to 2000/);
  });
});

describe('fallbacks', () => {
  // Battle deaths (UCDP) from 1990 only; a war list (PITF) for the years before.
  function war(year: number, value: number): Observation {
    return {
      variable: 'pitf:ethnic_war_mag',
      year,
      value,
      source: 'pitf',
      availableFrom: `${year + 1}-01-01`,
    };
  }
  const withFallback = (): Framework => {
    const f = fixtureFramework();
    const conflict = f.groups[1]!.factors[0]!;
    conflict.aggregation = { method: 'first' };
    conflict.indicators.push({
      id: 'war-list',
      title: 'War magnitude',
      variables: ['pitf:ethnic_war_mag'],
      absentIsZero: true,
      transform: { kind: 'window', stat: 'max', years: 2 },
      severity: { kind: 'linear', best: 0, worst: 4 },
      weight: 1,
    });
    return f;
  };
  const world = {
    aaa: [rol(1988, 0.9), war(1988, 3), war(1996, 4), bd(1990, 30)],
    // Another country's row makes 1996 a year the battle-death list covers.
    bbb: [rol(1996, 0.9), bd(1996, 40)],
  };

  it('takes the first indicator with data, the later ones only where it has none', () => {
    const f = withFallback();
    const early = assessCountry(f, 'aaa', input('1989-12-31', world));
    // No battle-death series yet: the war list decides.
    assert.equal(early.factors.find((x) => x.id === 'armed-conflict')?.severity, 3);
    const late = assessCountry(f, 'aaa', input('1997-12-31', world));
    // Battle deaths are known (none in 1996–1997): the war of 1996 on the list does not count,
    // and is not shown as evidence.
    const conflict = late.factors.find((x) => x.id === 'armed-conflict')!;
    assert.equal(conflict.severity, 0);
    assert.deepEqual(
      conflict.evidence.map((e) => e.variable),
      ['ucdp-brd:bd_best'],
    );
    assert.deepEqual(
      conflict.indicators.map((i) => i.severity),
      [0, 4],
    );
    assert.equal(aggregate([{ value: 2, weight: 1 }], { method: 'first' }), 2);
  });

  it('combines variables of one indicator by the first with a reading', () => {
    const f = fixtureFramework();
    const ind = f.groups[0]!.factors[0]!.indicators[0]!;
    ind.variables = ['vdem:v2xcl_rol', 'vdem:v2x_jucon'];
    ind.combine = 'first';
    const jucon = (year: number, value: number): Observation => ({
      ...rol(year, value),
      variable: 'vdem:v2x_jucon',
    });
    const a = assessCountry(
      f,
      'aaa',
      input('1997-12-31', { aaa: [rol(1996, 0.7), jucon(1996, 0.1)] }),
    );
    const rule = a.factors.find((x) => x.id === 'rule-of-law')!;
    assert.equal(rule.severity, 1);
    assert.deepEqual(
      rule.evidence.map((e) => e.variable),
      ['vdem:v2xcl_rol'],
    );
    const b = assessCountry(f, 'aaa', input('1997-12-31', { aaa: [jucon(1996, 0.1)] }));
    assert.equal(b.factors.find((x) => x.id === 'rule-of-law')?.severity, 4);
  });
});

describe('the score without the floor', () => {
  it('keeps the conditions-only score and tier beside the lifted ones', () => {
    const fw: Framework = {
      ...fixtureFramework(),
      floors: [{ factor: 'history', atLeast: 4, score: 3, reason: 'under way' }],
    };
    const underWay: Episode = { ...episode, startYear: 1995, endYear: null };
    const world = { aaa: [rol(1996, 0.9), bd(1996, 0)] };
    const a = assessCountry(fw, 'aaa', input('1997-12-31', world, { episodes: [underWay] }));
    assert.equal(a.tier, 'extreme');
    assert.equal(a.scoreWithoutFloor, a.floor?.unliftedScore);
    assert.ok(a.scoreWithoutFloor! < 3);
    assert.equal(a.tierWithoutFloor, tierOf(a.scoreWithoutFloor!, fw.tiers));
    assert.notEqual(a.tierWithoutFloor, 'extreme');
    const none = assessCountry(fw, 'aaa', input('1997-12-31', world));
    assert.equal(none.scoreWithoutFloor, none.score, 'no floor: the same score');
  });
});

describe('carrying a reading that leaves its look-back', () => {
  // Rule of law published for 1990 only; as of 1997 the three-year look-back (1995–1997)
  // finds nothing.
  const world = { aaa: [rol(1990, 0.3), bd(1996, 0)] };
  const carried = (years: number, weight: number): Framework => ({
    ...fixtureFramework(),
    carry: { years, weight },
  });

  it('goes missing without a carry rule, and is carried with its age and a stale mark with one', () => {
    const plain = assessCountry(framework, 'aaa', input('1997-12-31', world));
    assert.equal(plain.factors.find((f) => f.id === 'rule-of-law')?.severity, null);
    const a = assessCountry(carried(5, 1), 'aaa', input('1997-12-31', world));
    const f = a.factors.find((x) => x.id === 'rule-of-law')!;
    assert.equal(f.severity, 3);
    assert.equal(f.evidence[0]?.year, 1990);
    assert.equal(f.evidence[0]?.age, 7);
    assert.equal(f.evidence[0]?.stale, true);
    assert.deepEqual(
      a.freshness.find((s) => s.source === 'vdem'),
      {
        source: 'vdem',
        release: 'v14',
        latestYear: 1990,
        availableFrom: '1991-03-31',
        stale: true,
      },
    );
    // Look-back 1995–1997 plus 4 years reaches 1991, not 1990.
    const short = assessCountry(carried(4, 1), 'aaa', input('1997-12-31', world));
    assert.equal(short.factors.find((x) => x.id === 'rule-of-law')?.severity, null);
  });

  it('weighs a stale reading by the carry weight, and an indicator rule wins over the framework', () => {
    const fw = carried(5, 1);
    const rule = fw.groups[0]!.factors[0]!;
    // Two indicators of rule of law: a current one at severity 0, a stale one at 3.
    rule.aggregation = { method: 'mean' };
    rule.indicators = [
      rule.indicators[0]!,
      { ...rule.indicators[0]!, id: 'fresh', variables: ['vdem:v2x_jucon'] },
    ];
    const jucon: Observation = {
      variable: 'vdem:v2x_jucon',
      year: 1997,
      value: 0.9,
      source: 'vdem',
      availableFrom: '1997-03-31',
    };
    const data = { aaa: [...world.aaa, jucon] };
    const full = assessCountry(fw, 'aaa', input('1997-12-31', data));
    assert.equal(full.factors[0]?.severity, 1.5);
    rule.indicators[0] = { ...rule.indicators[0]!, carry: { years: 10, weight: 0.5 } };
    const half = assessCountry(fw, 'aaa', input('1997-12-31', data));
    assert.equal(half.factors[0]?.severity, 1, '(3 × 0.5 + 0 × 1) / 1.5');
  });

  it('attributes a move to a value gone stale, which is not an improvement', () => {
    const fw = framework;
    const series = { aaa: [rol(1994, 0.3), bd(1994, 0), bd(1995, 0)] };
    const a = assessCountry(fw, 'aaa', input('1997-12-31', series), input('1996-12-31', series));
    const rule = a.change?.causes.find((c) => c.factor === 'rule-of-law');
    assert.equal(rule?.cause, 'stale');
    assert.ok(
      a.change?.causes.every((c) => c.cause === 'stale'),
      'battle deaths, whose list ends in 1995, left their window too',
    );
    assert.equal(a.change?.direction, 'unknown', 'too little left for a score: unknown');
    // With a carry rule the reading holds: nothing moves.
    const b = assessCountry(
      carried(5, 1),
      'aaa',
      input('1997-12-31', series),
      input('1996-12-31', series),
    );
    assert.equal(b.change?.direction, 'unchanged');
    assert.deepEqual(b.change?.causes, []);
  });

  it('attributes a move to new data, an override or a framework change', () => {
    const before = { aaa: [rol(1995, 0.9), bd(1996, 0)] };
    const after = { aaa: [rol(1995, 0.9), rol(1997, 0.3, '1997-12-01'), bd(1996, 0)] };
    const a = assessCountry(
      framework,
      'aaa',
      input('1997-12-31', after),
      input('1996-12-31', before),
    );
    assert.equal(a.change?.causes[0]?.cause, 'new-data');
    assert.match(a.change!.causes[0]!.detail, /vdem:v2xcl_rol 1997/);
    assert.equal(a.change?.direction, 'deteriorated');
    const overrides: Override[] = [
      {
        countryId: 'aaa',
        factorId: 'rule-of-law',
        severity: 4,
        reason: 'courts closed',
        source: 'field report',
        by: 'analyst-1',
        at: '1997-06-01T00:00:00Z',
      },
    ];
    const o = assessCountry(
      framework,
      'aaa',
      input('1997-12-31', before, { overrides }),
      input('1996-12-31', before),
    );
    assert.equal(o.change?.causes[0]?.cause, 'override');
    const v1 = assessCountry(framework, 'aaa', input('1996-12-31', before));
    const v2 = assessCountry(
      { ...framework, version: 2, tiers: { ...framework.tiers } },
      'aaa',
      input('1996-12-31', after),
    );
    const moved = {
      ...v2,
      factors: v2.factors.map((f) => (f.id === 'rule-of-law' ? { ...f, severity: 4 } : f)),
    };
    assert.equal(changeBetween(v1, moved).causes[0]?.cause, 'framework');
  });

  it('carries the episode list after its last year instead of counting uncoded years as peace', () => {
    const series = { aaa: [rol(2010, 0.9), bd(2010, 0)] };
    // The episode ended in 1994; the list covers to 2000. As of 2020 the recency is 6 years
    // (the list's reading at its end), stale, not 26.
    const a = assessCountry(
      framework,
      'aaa',
      input('2020-12-31', series, { episodesKnownTo: 2000 }),
    );
    const e = a.factors.find((f) => f.id === 'history')!.evidence[0]!;
    assert.equal(e.value, 6);
    assert.equal(e.stale, true);
    const b = assessCountry(
      framework,
      'aaa',
      input('2000-12-31', series, { episodesKnownTo: 2000 }),
    );
    assert.equal(b.factors.find((f) => f.id === 'history')!.evidence[0]!.stale, undefined);
  });
});

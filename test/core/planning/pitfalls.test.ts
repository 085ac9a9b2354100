import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CountryFacts } from '../../../src/core/planning/facts.js';
import { checkPitfalls } from '../../../src/core/planning/pitfalls.js';
import { classifySituation } from '../../../src/core/planning/situation.js';
import type { Measure, PitfallId } from '../../../src/core/planning/types.js';
import { exposed, measure, PITFALL_RULES, quietFacts, series } from './fixtures.js';

function warnings(facts: CountryFacts, proposed: Measure[], underWay: Measure[] = []) {
  return checkPitfalls({
    facts,
    situation: classifySituation(facts),
    proposed,
    underWay,
    rules: PITFALL_RULES,
  });
}

function ids(facts: CountryFacts, proposed: Measure[], underWay: Measure[] = []): PitfallId[] {
  return warnings(facts, proposed, underWay).map((w) => w.id);
}

const violence = (o: Partial<NonNullable<CountryFacts['escalation']>> = {}) => ({
  stage: 'violence' as const,
  imminent: false,
  redFlags: ['civilian-targeting'],
  indicators: [
    {
      id: 'civilian-targeting',
      title: 'Violence aimed at civilians',
      stage: 'violence' as const,
      redFlag: true,
      events: 12,
      deaths: 80,
      from: '2020-01-01',
      to: '2020-12-31',
    },
  ],
  ...o,
});

describe('pitfall rules: each fires when its conditions hold and stays silent otherwise', () => {
  it('blind neutrality: an all-parties embargo when one side commits most attacks on civilians', () => {
    const embargo = exposed('arms-embargo', 'blind-neutrality');
    const oneSided = quietFacts({
      perpetrators: [
        { type: 'state-forces', events: 9, deaths: 70 },
        { type: 'rebels', events: 1, deaths: 2 },
      ],
    });
    const w = warnings(oneSided, [embargo]).find((x) => x.id === 'blind-neutrality');
    assert.ok(w, 'fires');
    assert.deepEqual(w.measures, ['arms-embargo']);
    assert.equal(w.evidence[0]!.value, 0.9);
    const even = quietFacts({
      perpetrators: [
        { type: 'state-forces', events: 5, deaths: 30 },
        { type: 'rebels', events: 5, deaths: 30 },
      ],
    });
    assert.ok(
      !ids(even, [embargo]).includes('blind-neutrality'),
      'silent when violence is two-sided',
    );
    assert.ok(
      !ids(oneSided, [measure('other')]).includes('blind-neutrality'),
      'silent without an exposed measure',
    );
  });

  it('negative peace: a peace process when the tier is high and violence has begun', () => {
    const talks = exposed('mediation', 'negative-peace');
    const threatened = quietFacts({
      structural: { framework: 'f', tier: 'high', score: 3, coverage: 1, factors: [] },
      escalation: violence(),
    });
    const w = warnings(threatened, [talks]).find((x) => x.id === 'negative-peace');
    assert.ok(w);
    assert.deepEqual(
      w.evidence.map((e) => e.value),
      ['high', 'violence'],
    );
    const lowTier = quietFacts({ escalation: violence() });
    assert.ok(!ids(lowTier, [talks]).includes('negative-peace'), 'silent when the tier is low');
  });

  it('winding down at violence: fires once violence has begun, silent in peacetime', () => {
    const warning = exposed('early-warning', 'wind-down-at-violence', { agenda: 'direct' });
    assert.ok(
      ids(quietFacts({ escalation: violence() }), [warning]).includes('wind-down-at-violence'),
    );
    assert.ok(
      ids(quietFacts({ series: series('battleDeaths', { 2020: 3000 }) }), [warning]).includes(
        'wind-down-at-violence',
      ),
      'a war under way counts',
    );
    assert.ok(!ids(quietFacts(), [warning]).includes('wind-down-at-violence'));
  });

  it('perverse incentives: talks or peacekeepers while armed groups attack civilians in a war', () => {
    const peacekeepers = exposed('peace-operation', 'perverse-incentives', {
      agenda: 'escalation',
    });
    const war = quietFacts({
      series: series('battleDeaths', { 2019: 800, 2020: 1200 }),
      perpetrators: [{ type: 'rebels', events: 4, deaths: 25 }],
    });
    const w = warnings(war, [peacekeepers]).find((x) => x.id === 'perverse-incentives');
    assert.ok(w);
    assert.equal(w.evidence[0]!.label, 'attacks on civilians by rebels');
    const peace = quietFacts({ perpetrators: [{ type: 'rebels', events: 4, deaths: 25 }] });
    assert.ok(!ids(peace, [peacekeepers]).includes('perverse-incentives'), 'silent without a war');
    const cleanWar = quietFacts({ series: series('battleDeaths', { 2020: 1200 }) });
    assert.ok(
      !ids(cleanWar, [peacekeepers]).includes('perverse-incentives'),
      'silent without attacks',
    );
  });

  it('incitement vs press freedom: curbs on hate speech where expression is already restricted', () => {
    const curbs = exposed('counter-incitement', 'incitement-vs-press-freedom', { area: 'social' });
    const closed = quietFacts({ series: series('freeExpression', { 2019: 0.31 }) });
    const w = warnings(closed, [curbs]).find((x) => x.id === 'incitement-vs-press-freedom');
    assert.ok(w);
    assert.equal(w.evidence[0]!.value, 0.31);
    assert.equal(w.evidence[0]!.year, 2019);
    const open = quietFacts({ series: series('freeExpression', { 2019: 0.92 }) });
    assert.ok(!ids(open, [curbs]).includes('incitement-vs-press-freedom'));
  });

  it('security assistance to abusers: security sector support where forces are implicated', () => {
    const ssr = exposed('security-sector-reform', 'security-assistance-to-abusers', {
      area: 'security',
    });
    const abusive = quietFacts({ series: series('terror', { 2020: 5 }) });
    assert.ok(ids(abusive, [ssr]).includes('security-assistance-to-abusers'));
    const byEvents = quietFacts({ perpetrators: [{ type: 'state-forces', events: 2, deaths: 3 }] });
    assert.ok(ids(byEvents, [ssr]).includes('security-assistance-to-abusers'));
    const clean = quietFacts({ series: series('terror', { 2020: 2 }) });
    assert.ok(!ids(clean, [ssr]).includes('security-assistance-to-abusers'));
  });

  it('growth that widens gaps: growth programmes where groups are excluded', () => {
    const growth = exposed('growth', 'growth-widens-gaps', { area: 'economic' });
    const unequal = quietFacts({
      series: {
        ...series('excludedShare', { 2020: 0.18 }),
        ...series('discriminatedShare', { 2020: 0.02 }),
      },
    });
    const w = warnings(unequal, [growth]).find((x) => x.id === 'growth-widens-gaps');
    assert.ok(w);
    assert.equal(w.evidence.length, 2);
    const equal = quietFacts({ series: series('excludedShare', { 2020: 0.01 }) });
    assert.ok(!ids(equal, [growth]).includes('growth-widens-gaps'));
  });

  it('activities already under way are checked as well as proposed measures', () => {
    const embargo = exposed('arms-embargo', 'blind-neutrality', { agenda: 'direct' });
    const oneSided = quietFacts({
      perpetrators: [{ type: 'state-forces', events: 5, deaths: 10 }],
    });
    const w = warnings(oneSided, [], [embargo]).find((x) => x.id === 'blind-neutrality');
    assert.deepEqual(w?.measures, ['arms-embargo']);
  });

  it('incoherence: a declared tension between a direct and a structural measure, or only slow work while imminent', () => {
    const sanctions = measure('sanctions', {
      agenda: 'direct',
      tensions: [{ measure: 'aid', note: 'sanctions cut the aid channel' }],
    });
    const aid = measure('aid', { agenda: 'structural' });
    const w = warnings(quietFacts(), [sanctions, aid]).find(
      (x) => x.id === 'short-long-incoherence',
    );
    assert.ok(w);
    assert.deepEqual(w.measures, ['aid', 'sanctions']);
    const twoStructural = measure('aid2', {
      tensions: [{ measure: 'aid', note: 'same agenda' }],
    });
    assert.ok(!ids(quietFacts(), [twoStructural, aid]).includes('short-long-incoherence'));
    const imminent = quietFacts({
      structural: { framework: 'f', tier: 'extreme', score: 3.5, coverage: 1, factors: [] },
      escalation: violence({ imminent: true }),
    });
    const slow = measure('education', { agenda: 'structural', timeToEffect: 'years' });
    assert.ok(ids(imminent, [], [slow]).includes('short-long-incoherence'));
    assert.ok(!ids(quietFacts(), [], [slow]).includes('short-long-incoherence'));
  });
});

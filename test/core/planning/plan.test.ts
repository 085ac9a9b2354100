import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CapacityActor } from '../../../src/core/planning/capacity.js';
import type { CountryFacts } from '../../../src/core/planning/facts.js';
import { buildPlan, isActive } from '../../../src/core/planning/plan.js';
import { classifySituation } from '../../../src/core/planning/situation.js';
import type { Measure } from '../../../src/core/planning/types.js';
import { measure, PITFALL_RULES, quietFacts, RANKING } from './fixtures.js';

const measures: Measure[] = [
  measure('judiciary', {
    answers: { factors: ['preconditions-2011:rule-of-law'], indicators: [] },
    cases: ['c1'],
  }),
  measure('growth', {
    area: 'economic',
    answers: { factors: ['preconditions-2011:low-income'], indicators: [] },
    pitfalls: ['growth-widens-gaps'],
  }),
  measure('envoy', {
    agenda: 'direct',
    area: 'diplomatic',
    timeToEffect: 'weeks',
    answers: { factors: [], indicators: ['civilian-targeting', 'unconstitutional-change'] },
  }),
  measure('protect', {
    agenda: 'escalation',
    area: 'protection',
    timeToEffect: 'days',
    answers: { factors: [], indicators: ['civilian-targeting'] },
    fits: { situations: ['armed-conflict'], stages: ['violence'], note: '' },
  }),
  measure('unrelated', { answers: { factors: ['preconditions-2011:militias'], indicators: [] } }),
];

const factor = (id: string, severity: number) => ({
  id: `preconditions-2011:${id}`,
  title: id,
  severity,
  overridden: false,
  evidence: [],
});

const actors: CapacityActor[] = [
  {
    id: 'ngo',
    name: 'Example NGO',
    kind: 'civil-society',
    illustrative: true,
    links: [],
    capacities: [
      {
        measureId: 'judiciary',
        scope: { kind: 'countries', iso3: ['TST'] },
        currentUse: 'trains judges',
        preventionUse: '',
        commitment: 'high',
      },
      {
        measureId: 'envoy',
        scope: { kind: 'region', region: 'africa' },
        currentUse: '',
        preventionUse: '',
        commitment: 'low',
      },
    ],
  },
];

function plan(facts: CountryFacts) {
  return buildPlan({
    facts,
    situation: classifySituation(facts),
    measures,
    lessons: [
      {
        id: 'c1',
        title: 'Case one',
        countryId: 'tst',
        fromYear: 2000,
        toYear: 2001,
        situation: 'structural-risk',
        summary: '',
        actions: [],
        outcome: '',
        lessons: [],
        verdict: 'helped',
        sources: [],
      },
    ],
    actors,
    ranking: RANKING,
    pitfallRules: PITFALL_RULES,
  });
}

describe('plans', () => {
  const structural = quietFacts({
    structural: {
      framework: 'f',
      tier: 'moderate',
      score: 2,
      coverage: 1,
      factors: [factor('rule-of-law', 3), factor('low-income', 2), factor('militias', 1)],
    },
  });

  it('in peacetime: structural measures answering the factors at severity 2 or more, the most severe first', () => {
    const p = plan(structural);
    assert.equal(p.mode, 'structural');
    assert.deepEqual(
      p.measures.map((m) => m.id),
      ['judiciary', 'growth'],
    );
    assert.deepEqual(p.measures[0]!.answers.factors, [
      { id: 'preconditions-2011:rule-of-law', title: 'rule-of-law', severity: 3 },
    ]);
    assert.equal(p.measures[0]!.gap, false, 'a committed actor covers the judiciary');
    assert.equal(p.measures[0]!.providers[0]!.actorId, 'ngo');
    assert.deepEqual(p.measures[0]!.lessons, [{ id: 'c1', title: 'Case one', verdict: 'helped' }]);
    assert.equal(p.measures[1]!.gap, true, 'nobody covers growth');
    assert.deepEqual(
      p.activities.map((a) => a.measureId),
      ['judiciary'],
    );
  });

  it('atrocity prevention first when imminent: direct and escalation measures only, structural ones deferred', () => {
    const p = plan({
      ...structural,
      perpetrators: [
        {
          type: 'state-forces',
          events: 9,
          deaths: 80,
          names: [{ name: 'Army', events: 9, deaths: 80 }],
        },
        { type: 'rebels', events: 1, deaths: 2 },
      ],
      structural: { ...structural.structural!, tier: 'extreme' },
      series: { battleDeaths: [{ year: 2020, value: 2000, variable: 'v', source: 's' }] },
      escalation: {
        stage: 'violence',
        imminent: true,
        redFlags: ['civilian-targeting'],
        indicators: [
          {
            id: 'civilian-targeting',
            title: 'Violence aimed at civilians',
            stage: 'violence',
            redFlag: true,
            events: 10,
            deaths: 90,
            from: '2020-01-01',
            to: '2020-12-31',
          },
        ],
      },
    });
    assert.equal(p.mode, 'atrocity-prevention-first');
    assert.equal(p.lead, 'atrocity');
    assert.match(p.leadReason, /one-sided/);
    assert.deepEqual(
      p.measures.map((m) => m.id),
      ['protect', 'envoy'],
    );
    assert.deepEqual(p.deferred.map((d) => d.id).sort(), ['growth', 'judiciary']);
    assert.equal(p.measures[1]!.gap, true, 'the only envoy provider has low commitment');
    assert.ok(p.coherence.balance[0]!.startsWith('Atrocity prevention first'));
  });

  it('a current use of "none" or an empty one is not an activity under way', () => {
    assert.equal(isActive(''), false);
    assert.equal(isActive('none at present'), false);
    assert.equal(isActive('runs a monitoring network'), true);
  });
});

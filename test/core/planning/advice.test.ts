import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { identifyActors } from '../../../src/core/planning/actors.js';
import type { CapacityActor } from '../../../src/core/planning/capacity.js';
import { analyseLinks } from '../../../src/core/planning/capacity.js';
import type { CountryFacts, EpisodeFact } from '../../../src/core/planning/facts.js';
import { buildPlan, NO_CAPACITY_MAP } from '../../../src/core/planning/plan.js';
import type { PlanInput } from '../../../src/core/planning/plan.js';
import { classifySituation } from '../../../src/core/planning/situation.js';
import type { LessonCase, Measure } from '../../../src/core/planning/types.js';
import { measure, PITFALL_RULES, quietFacts, RANKING, series } from './fixtures.js';

const factor = (id: string, severity: number) => ({
  id: `preconditions-2011:${id}`,
  title: id,
  severity,
  overridden: false,
  evidence: [],
});

const lesson = (id: string, o: Partial<LessonCase>): LessonCase => ({
  id,
  title: id,
  countryId: 'tst',
  fromYear: 2000,
  toYear: 2001,
  situation: 'armed-conflict',
  stages: ['crisis'],
  summary: '',
  actions: [],
  outcome: '',
  lessons: [],
  verdict: 'mixed',
  sources: [],
  ...o,
});

const episode = (o: Partial<EpisodeFact> = {}): EpisodeFact => ({
  code: 'tst2018s1',
  name: 'Government of Testland vs. the Example people',
  stateLed: true,
  startYear: 2018,
  endYear: null,
  underWay: true,
  perpetrator: 'Government of Testland',
  targets: 'the Example people',
  ...o,
});

/** An armed conflict at the crisis stage, high tier. */
const war = quietFacts({
  structural: {
    framework: 'preconditions-2011@2',
    tier: 'high',
    score: 3,
    coverage: 1,
    factors: [factor('armed-conflict', 3)],
  },
  escalation: { stage: 'crisis', imminent: false, redFlags: [], indicators: [] },
  series: series('battleDeaths', { 2019: 300, 2020: 400 }),
});

const answersWar = { factors: ['preconditions-2011:armed-conflict'], indicators: [] };
const direct = (id: string, o: Partial<Measure> = {}) =>
  measure(id, {
    agenda: 'direct',
    area: 'diplomatic',
    answers: answersWar,
    fits: { situations: ['armed-conflict'], stages: ['crisis'], note: '' },
    ...o,
  });

function input(facts: CountryFacts, measures: Measure[], o: Partial<PlanInput> = {}): PlanInput {
  return {
    facts,
    situation: classifySituation(facts),
    measures,
    lessons: [],
    actors: [],
    ranking: RANKING,
    pitfallRules: PITFALL_RULES,
    ...o,
  };
}

describe('ranking by fit', () => {
  it('each measure shows the parts of its score, in order of weight, and they sum to it', () => {
    const p = buildPlan(input(war, [direct('envoy')]));
    const m = p.measures[0]!;
    assert.deepEqual(
      m.why.map((w) => w.part),
      ['situation', 'stage', 'agenda', 'lessons', 'risks'],
    );
    assert.equal(m.score, Math.round(m.why.reduce((s, w) => s + w.points, 0) * 100) / 100);
  });

  it('the situation outweighs the stage, the stage the agenda, the agenda the lessons and the risks', () => {
    const p = buildPlan(
      input(war, [
        direct('wrong-situation', {
          fits: { situations: ['state-suppression'], stages: ['crisis'], note: '' },
        }),
        direct('wrong-stage', {
          fits: { situations: ['armed-conflict'], stages: ['violence'], note: '' },
        }),
        direct('structural', { agenda: 'structural', area: 'governance' }),
        direct('fits'),
      ]),
    );
    assert.deepEqual(
      p.measures.map((m) => m.id),
      ['fits', 'structural', 'wrong-stage', 'wrong-situation'],
    );
  });

  it('lesson verdicts move a measure, weighted by how comparable the case is, and only cases over before the as-of year count', () => {
    const measures = [
      direct('a', { cases: ['here-helped'] }),
      direct('b', { cases: ['elsewhere-failed'] }),
    ];
    const lessons = [
      lesson('here-helped', { verdict: 'helped' }),
      lesson('elsewhere-failed', {
        countryId: 'xyz',
        situation: 'state-suppression',
        verdict: 'failed',
      }),
    ];
    const p = buildPlan(input(war, measures, { lessons }));
    const a = p.measures.find((m) => m.id === 'a')!;
    const b = p.measures.find((m) => m.id === 'b')!;
    assert.equal(
      a.why.find((w) => w.part === 'lessons')!.points,
      1.3,
      'same country and stage: 1 + 0.3',
    );
    assert.equal(
      b.why.find((w) => w.part === 'lessons')!.points,
      -0.5,
      'other country and situation, same stage: 0.2 + 0.3',
    );
    assert.deepEqual(
      p.measures.map((m) => m.id),
      ['a', 'b'],
    );
    const early = buildPlan(input({ ...war, asOf: '2001-06-30' }, measures, { lessons }));
    assert.deepEqual(
      early.measures.find((m) => m.id === 'a')!.lessons,
      [],
      'a 2000–01 case is not known in 2001',
    );
    assert.equal(
      early.measures.find((m) => m.id === 'a')!.why.find((w) => w.part === 'lessons')!.points,
      0,
    );
  });

  it("an action's own verdict counts for its measure rather than the case's", () => {
    const lessons = [
      lesson('c', {
        verdict: 'failed',
        actions: [{ measure: 'envoy', by: 'x', what: 'y', verdict: 'helped' }],
      }),
    ];
    const p = buildPlan(input(war, [direct('envoy', { cases: ['c'] })], { lessons }));
    assert.equal(p.measures[0]!.lessons[0]!.verdict, 'helped');
    assert.ok(p.measures[0]!.why.find((w) => w.part === 'lessons')!.points > 0);
  });
});

describe('pitfalls in the ranking', () => {
  const talks = direct('power-sharing', {
    pitfalls: ['negative-peace'],
    aim: 'all-parties',
  });
  // Made for any stage: below a measure made for this one, above it once it is penalised.
  const others = ['a', 'b', 'c'].map((id) =>
    direct(id, { fits: { situations: ['armed-conflict'], stages: [], note: '' } }),
  );

  it('negative peace: a mass killing under way pushes a peace process down and the warning names it', () => {
    const quiet = buildPlan(
      input(war, [talks, ...others], {
        ranking: { ...RANKING, size: { ...RANKING.size, escalation: 3 } },
      }),
    );
    assert.ok(
      quiet.measures.some((m) => m.id === 'power-sharing'),
      'without an episode it is proposed',
    );
    assert.ok(!quiet.pitfalls.some((w) => w.id === 'negative-peace'));
    const killing = { ...war, episodes: [episode()] };
    const p = buildPlan(
      input(killing, [talks, ...others], {
        ranking: { ...RANKING, size: { ...RANKING.size, escalation: 3 } },
      }),
    );
    assert.ok(!p.measures.some((m) => m.id === 'power-sharing'), 'kept out of the plan');
    const w = p.pitfalls.find((x) => x.id === 'negative-peace');
    assert.ok(w, 'warns of negative peace');
    assert.deepEqual(w.keptOut, ['power-sharing']);
    assert.equal(w.evidence[0]!.variable, 'tst2018s1');
    assert.deepEqual(w.cases, ['rwanda-1993-1994', 'darfur-2003-2005']);
  });

  it('blind neutrality: every mass killing under way by one side, with an embargo on all parties under way', () => {
    const embargo = direct('arms-embargo', { pitfalls: ['blind-neutrality'], aim: 'all-parties' });
    const actors: CapacityActor[] = [
      {
        id: 'unsc',
        name: 'Council',
        kind: 'un',
        illustrative: false,
        links: [],
        capacities: [
          {
            measureId: 'arms-embargo',
            scope: { kind: 'countries', iso3: ['TST'] },
            currentUse: 'embargo on every party',
            preventionUse: '',
            commitment: 'high',
          },
        ],
      },
    ];
    const facts = { ...war, episodes: [episode()] };
    const p = buildPlan(input(facts, [embargo, ...others], { actors }));
    const w = p.pitfalls.find((x) => x.id === 'blind-neutrality');
    assert.ok(w);
    assert.deepEqual(w.measures, ['arms-embargo']);
    assert.match(w.evidence[0]!.label, /every mass killing under way is state-led/);
    const two = { ...war, episodes: [episode(), episode({ code: 'tst2018ns1', stateLed: false })] };
    assert.ok(
      !buildPlan(input(two, [embargo], { actors })).pitfalls.some(
        (x) => x.id === 'blind-neutrality',
      ),
      'silent when both sides kill',
    );
  });

  it('perverse incentives: protection under way while battle deaths rise', () => {
    const mandate = measure('protection-mandates', {
      agenda: 'escalation',
      area: 'protection',
      answers: answersWar,
      pitfalls: ['perverse-incentives'],
    });
    const actors: CapacityActor[] = [
      {
        id: 'mission',
        name: 'Mission',
        kind: 'un',
        illustrative: false,
        links: [],
        capacities: [
          {
            measureId: 'protection-mandates',
            scope: { kind: 'countries', iso3: ['TST'] },
            currentUse: 'a peacekeeping mission deployed',
            preventionUse: '',
            commitment: 'high',
          },
        ],
      },
    ];
    const rising = buildPlan(input(war, [mandate], { actors }));
    const w = rising.pitfalls.find((x) => x.id === 'perverse-incentives');
    assert.ok(w);
    assert.equal(w.evidence.at(-1)!.value, 400);
    const falling = { ...war, series: series('battleDeaths', { 2019: 400, 2020: 300 }) };
    assert.ok(
      !buildPlan(input(falling, [mandate], { actors })).pitfalls.some(
        (x) => x.id === 'perverse-incentives',
      ),
    );
  });
});

describe('which agenda leads', () => {
  it('conflict prevention leads a war without signs of atrocities; both when a mass killing is under way', () => {
    assert.equal(buildPlan(input(war, [direct('a')])).lead, 'conflict');
    const p = buildPlan(input({ ...war, episodes: [episode()] }, [direct('a')]));
    assert.equal(p.lead, 'both');
    assert.match(p.leadReason, /mass killing under way/);
  });

  it('imminence alone, with no perpetrator in view, does not put atrocity prevention first', () => {
    const imminent = {
      ...war,
      escalation: {
        stage: 'violence' as const,
        imminent: true,
        redFlags: ['trial-massacres'],
        indicators: [],
      },
    };
    const p = buildPlan(input(imminent, [direct('a')]));
    assert.notEqual(p.lead, 'atrocity');
    assert.equal(p.mode, 'escalation');
    const withKilling = buildPlan(input({ ...imminent, episodes: [episode()] }, [direct('a')]));
    assert.equal(withKilling.lead, 'atrocity');
    assert.equal(withKilling.mode, 'atrocity-prevention-first');
  });
});

describe('judgement drives the plan', () => {
  const measures = [
    direct('war-measure'),
    direct('suppression-measure', {
      fits: { situations: ['state-suppression'], stages: ['crisis'], note: '' },
    }),
  ];
  const at = '2020-06-01T00:00:00.000Z';

  it('a situation judgement changes the ranking, with the computed plan beside it', () => {
    const situation = classifySituation(war, {
      situation: 'state-suppression',
      reason: 'the war has ended',
      source: 'field mission',
      by: 'ana',
      at,
    });
    const p = buildPlan({ ...input(war, measures), situation });
    assert.equal(p.measures[0]!.id, 'suppression-measure');
    assert.equal(p.judgement?.situation?.by, 'ana');
    assert.equal(p.judgement?.computed.measures[0], 'war-measure');
    assert.equal(p.judgement?.computed.mode, 'escalation');
    assert.equal(p.mode, 'direct', 'no longer an armed conflict: the crisis stage sets the mode');
  });

  it('a stage judgement changes the mode and the lead, and names actors', () => {
    const judged: CountryFacts = {
      ...war,
      escalation: { ...war.escalation!, imminent: true },
      stageJudgement: {
        id: 1,
        stage: 'imminent',
        reason: 'lists of targets circulating',
        source: 'field report',
        by: 'ana',
        at,
        perpetrators: ['Youth wing'],
        atRisk: ['Residents of the north'],
        computedStage: 'crisis',
        computedImminent: false,
      },
    };
    const p = buildPlan(input(judged, measures));
    assert.equal(p.lead, 'atrocity');
    assert.equal(p.mode, 'atrocity-prevention-first');
    assert.equal(p.judgement?.computed.lead, 'conflict');
    assert.equal(p.judgement?.computed.stage, 'crisis');
    assert.deepEqual(
      p.actors.dissuade.map((a) => a.name),
      ['Youth wing'],
    );
    assert.deepEqual(
      p.actors.protect.map((g) => g.group),
      ['Residents of the north'],
    );
  });
});

describe('actors', () => {
  it('perpetrators from episodes and events, groups at risk from episodes, events and EPR, with evidence and confidence', () => {
    const facts: CountryFacts = {
      ...war,
      episodes: [
        episode(),
        episode({
          code: 'old',
          underWay: false,
          endYear: 2017,
          perpetrator: 'Old junta',
          targets: 'students',
        }),
      ],
      perpetrators: [
        {
          type: 'identity-militia',
          events: 12,
          deaths: 40,
          names: [
            { name: 'Militia A', events: 11, deaths: 39 },
            { name: 'Militia B', events: 1, deaths: 1 },
          ],
        },
      ],
      targets: [{ group: 'Example people', events: 4, deaths: 9 }],
      series: {
        ...series('excludedShare', { 2019: 0.2 }),
        ...series('discriminatedShare', { 2019: 0.06 }),
      },
    };
    const a = identifyActors(facts);
    assert.deepEqual(
      a.dissuade.map((x) => [x.name, x.kind, x.confidence]),
      [
        ['Government of Testland', 'state-led', 'high'],
        ['Militia A', 'identity-militia', 'high'],
        ['Old junta', 'state-led', 'medium'],
        ['Militia B', 'identity-militia', 'low'],
      ],
    );
    assert.deepEqual(
      a.protect.map((x) => [x.group, x.confidence]),
      [
        ['the Example people', 'high'],
        ['ethnic groups excluded from power or discriminated against (EPR)', 'medium'],
        ['students', 'medium'],
        ['Example people', 'medium'],
      ],
    );
  });

  it('measures name whom they act on', () => {
    const p = buildPlan(
      input({ ...war, episodes: [episode()] }, [
        direct('sanction', { aim: 'perpetrators' }),
        direct('shelter', { aim: 'at-risk' }),
      ]),
    );
    assert.deepEqual(p.measures.find((m) => m.id === 'sanction')!.targets, [
      'Government of Testland',
    ]);
    assert.deepEqual(p.measures.find((m) => m.id === 'shelter')!.targets, ['the Example people']);
  });
});

describe('capacity', () => {
  it('without a capacity map the plan says so once and marks no measure a gap', () => {
    const p = buildPlan(input(war, [direct('a'), direct('b')]));
    assert.deepEqual(p.capacity, { map: false, note: NO_CAPACITY_MAP, uncoordinated: [] });
    assert.ok(p.measures.every((m) => !m.gap));
  });

  it('links: pairs, isolated actors, unknown links, and measures covered by actors who do not coordinate', () => {
    const cap = (measureId: string) => ({
      measureId,
      scope: { kind: 'world' as const },
      currentUse: '',
      preventionUse: '',
      commitment: 'high' as const,
    });
    const actors: CapacityActor[] = [
      {
        id: 'a',
        name: 'A',
        kind: 'un',
        illustrative: true,
        links: ['b', 'ghost'],
        capacities: [cap('m1')],
      },
      {
        id: 'b',
        name: 'B',
        kind: 'regional',
        illustrative: true,
        links: ['a'],
        capacities: [cap('m1')],
      },
      { id: 'c', name: 'C', kind: 'state', illustrative: true, links: [], capacities: [cap('m2')] },
      { id: 'd', name: 'D', kind: 'state', illustrative: true, links: [], capacities: [cap('m2')] },
    ];
    const place = { iso3: 'TST', region: 'africa' as const };
    const r = analyseLinks(actors, [
      { measureId: 'm1', countryId: 'tst', place },
      { measureId: 'm2', countryId: 'tst', place },
    ]);
    assert.deepEqual(r.pairs, [{ a: 'a', b: 'b', mutual: true }]);
    assert.deepEqual(r.isolated, ['c', 'd']);
    assert.deepEqual(r.unknown, [{ actorId: 'a', linked: 'ghost' }]);
    assert.deepEqual(r.uncoordinated, [
      { measureId: 'm2', countries: ['tst'], actors: ['c', 'd'] },
    ]);
  });
});

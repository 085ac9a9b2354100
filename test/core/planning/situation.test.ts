import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { classifySituation } from '../../../src/core/planning/situation.js';
import { quietFacts, series } from './fixtures.js';

describe('situations', () => {
  it('general structural risk when nothing else holds, with the tier as evidence', () => {
    const s = classifySituation(quietFacts());
    assert.equal(s.primary, 'structural-risk');
    assert.equal(s.findings[0]!.evidence[0]!.value, 'low');
  });

  it('armed conflict from recent battle deaths, but not from deaths older than two years', () => {
    const war = classifySituation(quietFacts({ series: series('battleDeaths', { 2019: 40 }) }));
    assert.equal(war.primary, 'armed-conflict');
    assert.equal(war.findings[0]!.evidence[0]!.year, 2019);
    const old = classifySituation(quietFacts({ series: series('battleDeaths', { 2017: 400 }) }));
    assert.notEqual(old.primary, 'armed-conflict');
  });

  it('post-war retribution: a major war ended within five years and repression followed', () => {
    const facts = quietFacts({
      series: {
        ...series('battleDeaths', { 2016: 5000, 2017: 10 }),
        ...series('terror', { 2019: 4 }),
      },
    });
    const s = classifySituation(facts);
    assert.equal(s.primary, 'post-war-retribution');
    assert.deepEqual(
      s.findings[0]!.evidence.map((e) => e.year),
      [2016, 2019],
    );
    const calm = quietFacts({
      series: { ...series('battleDeaths', { 2016: 5000 }), ...series('terror', { 2019: 1 }) },
    });
    assert.equal(classifySituation(calm).primary, 'structural-risk');
  });

  it('state-directed suppression: a non-democratic regime with widespread terror in peacetime', () => {
    const facts = quietFacts({
      series: { ...series('liberalDemocracy', { 2020: 0.08 }), ...series('terror', { 2020: 4 }) },
    });
    assert.equal(classifySituation(facts).primary, 'state-suppression');
    const democracy = quietFacts({
      series: { ...series('liberalDemocracy', { 2020: 0.7 }), ...series('terror', { 2020: 4 }) },
    });
    assert.equal(classifySituation(democracy).primary, 'structural-risk');
  });

  it('communal violence from attacks on civilians by militias and rioters', () => {
    const facts = quietFacts({
      perpetrators: [
        { type: 'identity-militia', events: 2, deaths: 10 },
        { type: 'rioters', events: 2, deaths: 1 },
      ],
    });
    const s = classifySituation(facts);
    assert.equal(s.primary, 'communal-violence');
    assert.equal(s.findings[0]!.evidence.length, 2);
  });

  it('several situations are listed, armed conflict first; an analyst judgement replaces the primary one', () => {
    const facts = quietFacts({
      series: series('battleDeaths', { 2020: 500 }),
      perpetrators: [{ type: 'identity-militia', events: 5, deaths: 20 }],
    });
    const s = classifySituation(facts);
    assert.deepEqual(
      s.findings.map((f) => f.kind),
      ['armed-conflict', 'communal-violence'],
    );
    const judged = classifySituation(facts, {
      situation: 'communal-violence',
      reason: 'the fighting is between militias of two communities',
      source: 'field mission report',
      by: 'analyst',
      at: '2020-12-01',
    });
    assert.equal(judged.primary, 'communal-violence');
    assert.equal(judged.computed, 'armed-conflict');
  });
});

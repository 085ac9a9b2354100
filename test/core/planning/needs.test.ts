import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { diffNeeds, draftNeeds, editNeeds } from '../../../src/core/planning/needs.js';
import { buildPlan } from '../../../src/core/planning/plan.js';
import { classifySituation } from '../../../src/core/planning/situation.js';
import { measure, quietFacts, series, PITFALL_RULES, RANKING } from './fixtures.js';

const facts = quietFacts({
  structural: {
    framework: 'f',
    tier: 'high',
    score: 2.8,
    coverage: 1,
    factors: [
      {
        id: 'preconditions-2011:rule-of-law',
        title: 'Weak rule of law',
        severity: 3,
        overridden: false,
        evidence: [],
      },
      {
        id: 'preconditions-2011:low-income',
        title: 'Low income',
        severity: 0,
        overridden: false,
        evidence: [],
      },
    ],
  },
  series: series('freeExpression', { 2020: 0.8 }),
});
const situation = classifySituation(facts);
const plan = buildPlan({
  facts,
  situation,
  measures: [measure('judiciary')],
  lessons: [],
  actors: [],
  ranking: RANKING,
  pitfallRules: PITFALL_RULES,
});

describe('needs assessments', () => {
  const doc = draftNeeds(facts, plan);

  it('drafts the five parts from the data', () => {
    assert.deepEqual(
      doc.parts['risk-factors'].map((i) => i.key),
      ['factor:preconditions-2011:rule-of-law'],
    );
    assert.deepEqual(
      doc.parts.resilience.map((i) => i.key),
      ['resilience:preconditions-2011:low-income', 'no-escalation', 'free-expression'],
    );
    assert.deepEqual(
      doc.parts['capacity-gaps'].map((i) => i.key),
      ['capacity:preconditions-2011:rule-of-law', 'capacity-map'],
    );
    assert.match(
      doc.parts['capacity-gaps'][1]!.text,
      /^no capacity map: gaps unknown/,
      'without a map the gaps are unknown, said once, not a gap on every measure',
    );
    assert.deepEqual(doc.parts.activities, []);
    assert.deepEqual(
      doc.parts.support.map((i) => i.key),
      ['support:judiciary'],
    );
  });

  it('edits add, reword and remove statements, and the diff shows exactly that', () => {
    const edited = editNeeds(doc, [
      { op: 'add', part: 'activities', text: 'A national peace committee meets monthly' },
      {
        op: 'change',
        part: 'support',
        key: 'support:judiciary',
        text: 'Judicial independence, starting with the appeal courts',
      },
      { op: 'remove', part: 'resilience', key: 'no-escalation' },
    ]);
    assert.equal(edited.parts.activities[0]!.key, 'analyst:1');
    assert.equal(doc.parts.activities.length, 0, 'the original is untouched');
    const diff = diffNeeds(doc, edited);
    assert.deepEqual(
      diff.map((d) => [d.part, d.added.length, d.removed.length, d.changed.length]),
      [
        ['resilience', 0, 1, 0],
        ['activities', 1, 0, 0],
        ['support', 0, 0, 1],
      ],
    );
    const again = editNeeds(edited, [{ op: 'add', part: 'activities', text: 'second' }]);
    assert.equal(again.parts.activities[1]!.key, 'analyst:2', 'analyst keys keep counting');
    assert.throws(
      () => editNeeds(doc, [{ op: 'remove', part: 'support', key: 'nope' }]),
      /part support has no statement "nope"/,
    );
    assert.deepEqual(diffNeeds(doc, doc), []);
  });
});

import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import {
  logit,
  onsetMetrics,
  onsetRisk,
  rankByRisk,
  validateOnsetRiskModel,
} from '../../../src/core/watchlist/onset-risk.js';
import type { OnsetRiskModel } from '../../../src/core/watchlist/onset-risk.js';

const model: OnsetRiskModel = {
  id: 'test',
  version: 1,
  title: 't',
  description: 'd',
  changelog: [{ version: 1, date: '2026-01-01', changes: 'c' }],
  framework: 'preconditions-2011@4',
  structural: { intercept: -6, slope: 1, weight: 1 },
  forecast: { spec: 'ewp-reference', weight: 1, publicationLagMonths: 9, maxAgeYears: 2 },
  escalation: { stages: { crisis: 0, mobilisation: 0.5, violence: 1 }, imminent: 1 },
};

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

describe('onset risk', () => {
  it('averages the log-odds of the parts that have a value', () => {
    const both = onsetRisk(model, {
      scoreWithoutFloor: 2,
      forecast: 0.1,
      stage: 'none',
      imminent: false,
    });
    assert.equal(both.structural, -4);
    assert.ok(Math.abs(both.risk! - sigmoid((-4 + logit(0.1)) / 2)) < 1e-12);
    // A missing forecast leaves the structural part alone: never read as a risk of 0.
    const alone = onsetRisk(model, {
      scoreWithoutFloor: 2,
      forecast: null,
      stage: null,
      imminent: false,
    });
    assert.ok(Math.abs(alone.risk! - sigmoid(-4)) < 1e-12);
    const none = onsetRisk(model, {
      scoreWithoutFloor: null,
      forecast: null,
      stage: 'crisis',
      imminent: false,
    });
    assert.equal(none.risk, null);
  });

  it('adds the escalation stage and imminence', () => {
    const base = { scoreWithoutFloor: 2, forecast: null, imminent: false };
    const v = onsetRisk(model, { ...base, stage: 'violence' });
    assert.equal(v.escalation, 1);
    assert.ok(Math.abs(v.risk! - sigmoid(-3)) < 1e-12);
    const i = onsetRisk(model, { ...base, stage: 'violence', imminent: true });
    assert.equal(i.escalation, 2);
  });

  it('ranks by risk, ties by name, and leaves rows without a risk unranked', () => {
    const rows = [
      { name: 'b', risk: 0.2 },
      { name: 'a', risk: 0.2 },
      { name: 'c', risk: null },
      { name: 'd', risk: 0.5 },
    ];
    const ranks = rankByRisk(rows);
    assert.deepEqual(
      rows.map((r) => ranks.get(r) ?? null),
      [3, 2, null, 1],
    );
  });

  it('measures AUC and top-k shares, unscored countries tied last', () => {
    const cases = [
      ...Array.from({ length: 40 }, (_, i) => ({
        name: `n${String(i).padStart(2, '0')}`,
        score: 40 - i,
        onset: false,
      })),
      { name: 'hit', score: 100, onset: true },
      { name: 'late', score: 5.5, onset: true },
      { name: 'blank', score: null, onset: true },
    ];
    const m = onsetMetrics(cases);
    assert.equal(m.countries, 43);
    assert.equal(m.onsets, 3);
    assert.equal(m.top10, 1 / 3);
    assert.equal(m.top30, 1 / 3);
    // hit beats all 40; late beats 5 (scores 1–5); blank beats none: (40 + 5 + 0) / 120.
    assert.ok(Math.abs(m.auc! - 45 / 120) < 1e-12);
    assert.equal(onsetMetrics([{ name: 'x', score: 1, onset: false }]).auc, null);
  });
});

describe('onset-risk model files', () => {
  it('accepts the shipped model', () => {
    const json = JSON.parse(
      readFileSync(
        new URL('../../../content/watchlist/onset-risk.v1.json', import.meta.url),
        'utf8',
      ),
    );
    assert.equal(validateOnsetRiskModel(json).ok, true);
  });

  it('refuses an unknown field, a missing part and a bad number, naming each path', () => {
    const bad = {
      ...model,
      structural: { intercept: -6, slop: 1, weight: 1 },
      forecast: { ...model.forecast, weight: -1 },
      escalation: { stages: { crisis: 0, mobilisation: 0.5 }, imminent: 1 },
      extra: true,
    };
    const v = validateOnsetRiskModel(bad);
    assert.equal(v.ok, false);
    const issues = v.ok ? [] : v.issues;
    assert.ok(
      issues.some((i) => /^extra: unknown field/.test(i)),
      issues.join('\n'),
    );
    assert.ok(issues.some((i) => /^structural\.slop: unknown field/.test(i)));
    assert.ok(issues.some((i) => /^structural\.slope: expected a number/.test(i)));
    assert.ok(issues.some((i) => /^forecast\.weight: expected a number ≥ 0/.test(i)));
    assert.ok(issues.some((i) => /^escalation\.stages\.violence: expected a number/.test(i)));
  });
});

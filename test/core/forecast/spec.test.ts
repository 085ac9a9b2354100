import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InputError } from '../../../src/core/errors.js';
import { validateModelSpec } from '../../../src/core/forecast/spec.js';
import type { ModelSpec } from '../../../src/core/forecast/spec.js';
import { boostingSpec, elasticNetSpec } from './fixtures.js';

/** The spec of the fixtures as raw JSON, with some fields changed (undefined removes one). */
function raw(base: ModelSpec, changes: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base, ...changes };
  for (const [k, v] of Object.entries(changes)) if (v === undefined) delete out[k];
  return out;
}

/** Asserts that validation fails with an InputError naming the file, the path and the expectation. */
function rejects(
  json: unknown,
  path: string,
  expected: RegExp,
  options: { known?: Set<string> } = {},
) {
  assert.throws(
    () => validateModelSpec(json, 'models/x.json', options.known, (id) => members(id)),
    (error: unknown) => {
      assert.ok(error instanceof InputError, String(error));
      assert.equal(error.file, 'models/x.json');
      assert.match(error.message, new RegExp(`^models/x\\.json: ${path}: invalid value`));
      assert.match(error.expected ?? '', expected);
      return true;
    },
  );
}

function members(id: string): ModelSpec {
  if (id === 'test-enet') return elasticNetSpec();
  if (id === 'test-gbm') return boostingSpec();
  if (id === 'other-outcome') return elasticNetSpec({ id, outcome: 'other' });
  if (id === 'an-ensemble')
    return { ...elasticNetSpec(), family: 'ensemble', members: [] } as ModelSpec;
  throw new Error(`no file models/${id}.json`);
}

const ensemble = {
  id: 'ens',
  version: 1,
  title: 't',
  description: 'd',
  changelog: [],
  family: 'ensemble',
  members: [
    { spec: 'test-enet', weight: 2 },
    { spec: 'test-gbm', weight: 1 },
  ],
  topN: 30,
};

describe('validateModelSpec', () => {
  const en = elasticNetSpec();
  const gbm = boostingSpec();

  it('accepts the three families', () => {
    assert.equal(en.family, 'elastic-net-logistic');
    assert.equal(gbm.family, 'gradient-boosting');
    const e = validateModelSpec(ensemble, 'ens.json', undefined, members);
    assert.equal(e.family, 'ensemble');
    if (e.family !== 'ensemble') return;
    assert.deepEqual(e.predictors, ['year', 'a', 'b', 'c']);
    assert.equal(e.outcome, 'y2');
    assert.deepEqual(
      e.members.map((m) => [m.spec.id, m.weight]),
      [
        ['test-enet', 2],
        ['test-gbm', 1],
      ],
    );
  });

  it('names the offending path and what was expected', () => {
    rejects([], '\\(root\\)', /a JSON object/);
    rejects(raw(en, { id: 'Bad Id' }), 'id', /lower-case/);
    rejects(raw(en, { title: undefined }), 'title', /a non-empty string/);
    rejects(raw(en, { family: 'random-forest' }), 'family', /"gradient-boosting"/);
    rejects(raw(en, { predictors: [] }), 'predictors', /non-empty list/);
    rejects(raw(en, { predictors: ['a', 'b', 7] }), 'predictors\\[2\\]', /a variable name/);
    rejects(raw(en, { predictors: ['a', 'b', 'a'] }), 'predictors\\[2\\]', /each predictor once/);
    rejects(raw(en, { predictors: ['a', 'y2'] }), 'outcome', /not also a predictor/);
    rejects(raw(en, { alpha: 1.5 }), 'alpha', /\[0, 1\]/);
    rejects(raw(en, { folds: 2 }), 'folds', /from 3 to 50/);
    rejects(raw(en, { lambdaRule: 'max' }), 'lambdaRule', /"min" or "1se"/);
    rejects(raw(en, { missing: 'drop' }), 'missing', /"complete-cases" or "impute-mean"/);
    rejects(raw(en, { horizonYears: 0 }), 'horizonYears', /from 1 to 10/);
    rejects(raw(gbm, { depth: 9 }), 'depth', /from 1 to 6/);
    rejects(raw(gbm, { learningRate: 0 }), 'learningRate', /\(0, 1\]/);
    rejects(raw(gbm, { subsample: undefined }), 'subsample', /\(0, 1\]/);
    rejects(raw(gbm, { bins: 256 }), 'bins', /from 2 to 255/);
  });

  it('refuses a field the family does not have, at every level', () => {
    const unknown = (json: unknown, path: string, fields: string) =>
      assert.throws(
        () => validateModelSpec(json, 'models/x.json', undefined, members),
        (error: unknown) => {
          assert.ok(error instanceof InputError, String(error));
          assert.equal(error.file, 'models/x.json');
          assert.equal(
            error.message,
            `models/x.json: ${path}: unknown field (expected one of ${fields})`,
          );
          return true;
        },
      );
    const header = 'id, version, title, description, changelog, family, topN';
    const data = 'source, outcome, horizonYears, onset, predictors, missing, seed';
    unknown(
      raw(en, { lamdaRule: '1se' }),
      'lamdaRule',
      `${header}, ${data}, alpha, folds, lambdaRule`,
    );
    unknown(
      raw(gbm, { alpha: 0.5 }),
      'alpha',
      `${header}, ${data}, trees, depth, learningRate, subsample, minLeafHessian, l2, bins, folds`,
    );
    unknown({ ...ensemble, predictors: ['a'] }, 'predictors', `${header}, members`);
    unknown(
      raw(en, { changelog: [{ version: 1, date: '2026-01-01', notes: 'First.' }] }),
      'changelog[0].notes',
      'version, date, note',
    );
    unknown(
      {
        ...ensemble,
        members: [
          { spec: 'test-enet', weight: 1 },
          { spec: 'test-gbm', wieght: 1 },
        ],
      },
      'members[1].wieght',
      'spec, weight',
    );
  });

  it('rejects names the store does not have', () => {
    const known = new Set(['year', 'a', 'b', 'c', 'y2', 'onset']);
    rejects(
      raw(en, { predictors: ['a', 'b', 'nope'] }),
      'predictors\\[2\\]',
      /a variable of source "test" in the store/,
      { known },
    );
    rejects(raw(en, { outcome: 'y3' }), 'outcome', /in the store/, { known });
    rejects(raw(en, { onset: 'o' }), 'onset', /in the store/, { known });
  });

  it('checks the members of an ensemble', () => {
    const with_ = (m: unknown) => ({ ...ensemble, members: m });
    rejects(with_([{ spec: 'test-enet', weight: 1 }]), 'members', /at least two/);
    rejects(
      with_([{ spec: 'test-enet', weight: 1 }, 'test-gbm']),
      'members\\[1\\]',
      /\{"spec": id/,
    );
    rejects(
      with_([
        { spec: 'test-enet', weight: 0 },
        { spec: 'test-gbm', weight: 1 },
      ]),
      'members\\[0\\].weight',
      /a positive number/,
    );
    rejects(
      with_([
        { spec: 'test-enet', weight: 1 },
        { spec: 'missing', weight: 1 },
      ]),
      'members\\[1\\].spec',
      /no file models\/missing.json/,
    );
    rejects(
      with_([
        { spec: 'test-enet', weight: 1 },
        { spec: 'an-ensemble', weight: 1 },
      ]),
      'members\\[1\\].spec',
      /a single model/,
    );
    rejects(
      with_([
        { spec: 'test-enet', weight: 1 },
        { spec: 'other-outcome', weight: 1 },
      ]),
      'members\\[1\\].spec',
      /the same outcome/,
    );
    rejects(
      with_([
        { spec: 'test-enet', weight: 1 },
        { spec: 'test-enet', weight: 1 },
      ]),
      'members\\[1\\].spec',
      /each member once/,
    );
    rejects(
      with_([
        { spec: 'ens', weight: 1 },
        { spec: 'test-enet', weight: 1 },
      ]),
      'members\\[0\\].spec',
      /another specification/,
    );
  });
});

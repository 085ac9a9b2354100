import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fitSpec } from '../../../src/core/forecast/models.js';
import type { LinearModel } from '../../../src/core/forecast/models.js';
import type { ModelSpec } from '../../../src/core/forecast/spec.js';
import { trainingRows, trainingSet } from '../../../src/core/forecast/training.js';
import {
  explainChange,
  forecastOrigin,
  scoreOrigin,
} from '../../../src/core/forecast/walk-forward.js';
import {
  boostingSpec,
  changedPanel,
  elasticNetSpec,
  ensembleSpec,
  fixturePanel,
} from './fixtures.js';

describe('training rows', () => {
  const spec = elasticNetSpec();
  const panel = fixturePanel(spec);

  it('stop at the cut-off year and keep complete cases with a known outcome', () => {
    const rows = trainingRows(panel, spec, 1990);
    assert.ok(rows.length > 0);
    const c = panel.predictors.indexOf('c');
    for (const i of rows) {
      assert.ok(panel.years[i]! <= 1990);
      assert.ok(!Number.isNaN(panel.y[i]!));
      assert.ok(!Number.isNaN(panel.x[c * panel.rows + i]!));
    }
    const incomplete = [...Array(panel.rows).keys()].filter(
      (i) => panel.years[i]! <= 1990 && Number.isNaN(panel.x[c * panel.rows + i]!),
    );
    assert.ok(incomplete.length > 0, 'the fixture has rows with a missing predictor');
    assert.equal(rows.length + incomplete.length, 24 * 11);
  });

  it('impute-mean keeps every row, filling with the training mean', () => {
    const impute = elasticNetSpec({ missing: 'impute-mean' });
    const set = trainingSet(panel, impute, 1990);
    assert.equal(set.rows.length, 24 * 11);
    const c = panel.predictors.indexOf('c');
    const known = set.rows.map((i) => panel.x[c * panel.rows + i]!).filter((v) => !Number.isNaN(v));
    const mean = known.reduce((s, v) => s + v, 0) / known.length;
    assert.ok(Math.abs(set.means[3]! - mean) < 1e-12);
    set.rows.forEach((i, r) => {
      if (Number.isNaN(panel.x[c * panel.rows + i]!))
        assert.equal(set.x.data[3 * set.x.rows + r], set.means[3]);
    });
  });

  it('name the problem when there is nothing to learn from', () => {
    assert.throws(() => trainingSet(panel, spec, 1970), /no training rows up to 1970/);
    const none = changedPanel(panel, (p) =>
      p.y.forEach((v, i) => (p.y[i] = Number.isNaN(v) ? v : 0)),
    );
    assert.throws(
      () => trainingSet(none, spec, 1990),
      /outcome y2 has no positive case in the \d+ training rows up to 1990/,
    );
  });
});

describe('walk-forward', () => {
  const specs: [string, ModelSpec][] = [
    ['elastic net', elasticNetSpec()],
    ['boosted trees', boostingSpec()],
    ['ensemble', ensembleSpec()],
  ];
  for (const [name, spec] of specs) {
    it(`${name}: never learns from a row of a year after origin - 2`, () => {
      const panel = fixturePanel(spec);
      const origin = 1995;
      const before = forecastOrigin(panel, spec, origin);
      // Rewrite every outcome after 1993 and every predictor of 1994 (but not of 1995, the
      // rows being forecast): the forecast of 1995 must not move at all.
      const future = changedPanel(panel, (p) => {
        for (let i = 0; i < p.rows; i++) {
          if (p.years[i]! <= origin - 2) continue;
          if (!Number.isNaN(p.y[i]!)) p.y[i] = 1 - p.y[i]!;
          if (p.years[i]! < origin)
            for (let j = 1; j < p.predictors.length; j++)
              p.x[j * p.rows + i] = 3 - p.x[j * p.rows + i]!;
        }
      });
      assert.deepEqual(forecastOrigin(future, spec, origin), before);
      // The test has power: changing an outcome of 1993 does move the forecast.
      const past = changedPanel(panel, (p) => {
        for (let i = 0; i < p.rows; i++) if (p.years[i] === origin - 2) p.y[i] = 1 - p.y[i]!;
      });
      assert.notDeepEqual(forecastOrigin(past, spec, origin).rows, before.rows);
    });
  }

  it('ranks every scorable country of the origin, 1 = highest risk', () => {
    const spec = elasticNetSpec();
    const panel = fixturePanel(spec);
    const f = forecastOrigin(panel, spec, 1996);
    assert.equal(f.origin, 1996);
    assert.equal(f.model.trainedTo, 1994);
    const c = panel.predictors.indexOf('c');
    const missing = [...Array(panel.rows).keys()].filter(
      (i) => panel.years[i] === 1996 && Number.isNaN(panel.x[c * panel.rows + i]!),
    ).length;
    assert.equal(f.rows.length, 24 - missing);
    f.rows.forEach((r, k) => {
      assert.equal(r.rank, k + 1);
      assert.ok(r.risk > 0 && r.risk < 1);
      if (k > 0) assert.ok(r.risk <= f.rows[k - 1]!.risk);
    });
  });

  it('an ensemble averages its members’ probabilities', () => {
    const spec = ensembleSpec();
    const panel = fixturePanel(spec);
    const model = fitSpec(panel, spec, 1993);
    assert.equal(model.family, 'ensemble');
    if (model.family !== 'ensemble') return;
    assert.deepEqual(
      model.members.map((m) => [m.id, m.weight]),
      [
        ['test-enet', 0.5],
        ['test-gbm', 0.5],
      ],
    );
    const both = scoreOrigin(panel, 1995, model).rows;
    const [en, gbm] = model.members.map((m) => scoreOrigin(panel, 1995, m.model).rows);
    for (const r of both) {
      const a = en!.find((x) => x.countryId === r.countryId)!.risk;
      const b = gbm!.find((x) => x.countryId === r.countryId)!.risk;
      assert.ok(Math.abs(r.risk - (a + b) / 2) < 1e-15);
    }
  });

  it('names an origin without data', () => {
    const spec = elasticNetSpec();
    const panel = fixturePanel(spec);
    assert.throws(
      () => forecastOrigin(panel, spec, 2003),
      /origin 2003: no country-year of 2003 has the predictors needed/,
    );
  });
});

describe('explainChange', () => {
  const model = (intercept: number, coefficients: Record<string, number>): LinearModel => ({
    family: 'elastic-net-logistic',
    lambda: 0.01,
    intercept,
    coefficients,
    trainingRows: 10,
    trainingPositives: 2,
    trainedTo: 2000,
    means: {},
  });

  it('splits each term into data (old coefficient) and model (new value) parts that add up', () => {
    const before = { model: model(-3, { a: 0.5, b: -1, c: 0 }), x: { a: 2, b: 1, c: 4 } };
    const after = { model: model(-2.5, { a: 0.7, b: -1, c: 0.25 }), x: { a: 3, b: 0, c: 4 } };
    const e = explainChange(['a', 'b', 'c'], before, after);
    // a: 0.5 x (3 - 2) from the data, (0.7 - 0.5) x 3 from the model; b: -1 x (0 - 1) from
    // the data; c: unchanged value, 0.25 x 4 from the model.
    const expected = [
      ['a', 0.5, 0.6],
      ['b', 1, 0],
      ['c', 0, 1],
    ] as const;
    expected.forEach(([p, data, model], k) => {
      const t = e.terms[k]!;
      assert.equal(t.predictor, p);
      assert.ok(Math.abs(t.data - data) < 1e-12 && Math.abs(t.model - model) < 1e-12, p);
    });
    assert.equal(e.intercept, 0.5);
    const eta = (m: { model: LinearModel; x: Record<string, number> }) =>
      Object.entries(m.model.coefficients).reduce(
        (s, [k, b]) => s + b * m.x[k]!,
        m.model.intercept,
      );
    assert.ok(Math.abs(e.total - (eta(after) - eta(before))) < 1e-12);
    const parts = e.intercept + e.terms.reduce((s, t) => s + t.data + t.model, 0);
    assert.ok(Math.abs(parts - e.total) < 1e-12);
  });

  it('the parts add up on fitted models too', () => {
    const spec = elasticNetSpec();
    const panel = fixturePanel(spec);
    const m0 = fitSpec(panel, spec, 1992) as LinearModel;
    const m1 = fitSpec(panel, spec, 1993) as LinearModel;
    const x0 = { year: 1994, a: 0.3, b: 1, c: -0.5 };
    const x1 = { year: 1995, a: 1.1, b: 0, c: 0.2 };
    const e = explainChange(spec.predictors, { model: m0, x: x0 }, { model: m1, x: x1 });
    const eta = (m: LinearModel, x: Record<string, number>) =>
      spec.predictors.reduce((s, p) => s + m.coefficients[p]! * x[p]!, m.intercept);
    assert.ok(Math.abs(e.total - (eta(m1, x1) - eta(m0, x0))) < 1e-9);
    assert.ok(Math.abs(e.intercept + e.terms.reduce((s, t) => s + t.total, 0) - e.total) < 1e-12);
  });
});

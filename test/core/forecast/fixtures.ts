import { buildPanel } from '../../../src/core/forecast/dataset.js';
import type { Panel, PanelValue } from '../../../src/core/forecast/dataset.js';
import { validateModelSpec } from '../../../src/core/forecast/spec.js';
import type {
  ElasticNetSpec,
  EnsembleSpec,
  GradientBoostingSpec,
  ModelSpec,
} from '../../../src/core/forecast/spec.js';
import { createRandom, randomNormal } from '../../../src/core/stats/random.js';

/** The header every test spec shares. */
const HEADER = {
  version: 1,
  title: 'test',
  description: 'test',
  changelog: [],
  source: 'test',
  outcome: 'y2',
  horizonYears: 2,
  onset: 'onset',
  missing: 'complete-cases',
  seed: 7,
  topN: 5,
};

/** An elastic-net spec on the fixture's predictors, validated. */
export function elasticNetSpec(overrides: Record<string, unknown> = {}): ElasticNetSpec {
  return validateModelSpec(
    {
      ...HEADER,
      id: 'test-enet',
      family: 'elastic-net-logistic',
      predictors: ['year', 'a', 'b', 'c'],
      alpha: 0.5,
      folds: 5,
      lambdaRule: 'min',
      ...overrides,
    },
    'test-enet.json',
  ) as ElasticNetSpec;
}

/** A small boosting spec on the fixture's predictors, validated. */
export function boostingSpec(overrides: Record<string, unknown> = {}): GradientBoostingSpec {
  return validateModelSpec(
    {
      ...HEADER,
      id: 'test-gbm',
      family: 'gradient-boosting',
      predictors: ['a', 'b', 'c'],
      trees: 40,
      depth: 2,
      learningRate: 0.1,
      subsample: 0.7,
      minLeafHessian: 0.5,
      l2: 1,
      bins: 16,
      folds: 3,
      ...overrides,
    },
    'test-gbm.json',
  ) as GradientBoostingSpec;
}

/** An ensemble of the two specs above, weights 1 and 1. */
export function ensembleSpec(): EnsembleSpec {
  const members: Record<string, ModelSpec> = {
    'test-enet': elasticNetSpec(),
    'test-gbm': boostingSpec(),
  };
  return validateModelSpec(
    {
      id: 'test-ensemble',
      version: 1,
      title: 'test',
      description: 'test',
      changelog: [],
      family: 'ensemble',
      members: [
        { spec: 'test-enet', weight: 1 },
        { spec: 'test-gbm', weight: 1 },
      ],
      topN: 5,
    },
    'test-ensemble.json',
    undefined,
    (id) => members[id]!,
  ) as EnsembleSpec;
}

/**
 * A seeded country-year panel: `countries` countries (C01, C02, …) over `from`..`to`, predictors
 * `a` (normal), `b` (0/1), `c` (normal, missing in a few rows), an onset drawn each year from
 * a logistic model of them, and the two-year outcome `y2` (an onset in either of the next two
 * years; unknown for the last two years).
 */
export function fixturePanel(
  spec: ModelSpec,
  options: { countries?: number; from?: number; to?: number; seed?: number } = {},
): Panel {
  const { countries = 24, from = 1980, to = 2000, seed = 1 } = options;
  const random = createRandom(seed);
  const values: PanelValue[] = [];
  const onsets = new Map<string, number>();
  for (let k = 1; k <= countries; k++) {
    const countryId = `C${String(k).padStart(2, '0')}`;
    const level = randomNormal(random);
    for (let year = from; year <= to; year++) {
      const a = level + 0.5 * randomNormal(random);
      const b = random() < 0.3 ? 1 : 0;
      const c = random() < 0.03 ? null : randomNormal(random);
      const eta = -2.2 + 1.2 * a + 0.8 * b + 0.3 * (c ?? 0);
      const onset = random() < 1 / (1 + Math.exp(-eta)) ? 1 : 0;
      onsets.set(`${countryId}|${year}`, onset);
      values.push(
        { countryId, year, variable: 'a', value: a },
        { countryId, year, variable: 'b', value: b },
        { countryId, year, variable: 'c', value: c },
        { countryId, year, variable: 'onset', value: onset },
      );
    }
    for (let year = from; year <= to - 2; year++) {
      const next =
        (onsets.get(`${countryId}|${year + 1}`) ?? 0) +
        (onsets.get(`${countryId}|${year + 2}`) ?? 0);
      values.push({ countryId, year, variable: 'y2', value: next > 0 ? 1 : 0 });
    }
  }
  return buildPanel(values, spec);
}

/** A copy of a panel with `change` applied to its arrays (the original is left alone). */
export function changedPanel(panel: Panel, change: (copy: Panel) => void): Panel {
  const copy: Panel = {
    ...panel,
    years: panel.years.slice(),
    x: panel.x.slice(),
    y: panel.y.slice(),
    onset: panel.onset.slice(),
  };
  change(copy);
  return copy;
}

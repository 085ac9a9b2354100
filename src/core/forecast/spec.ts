import { InputError } from '../errors.js';

/** Model families the forecast service can fit. */
export type ModelFamily = 'elastic-net-logistic';

/**
 * How rows with missing predictors are handled: `complete-cases` drops them (as the
 * reference does); `impute-mean` fills each missing cell with the training mean of its
 * column (computed on the training rows only, so no information leaks from the future).
 */
export type MissingPolicy = 'complete-cases' | 'impute-mean';

/** A forecasting model specification, stored as data in `content/models/`. */
export interface ModelSpec {
  id: string;
  version: number;
  title: string;
  description: string;
  changelog: { version: number; date: string; note: string }[];
  family: ModelFamily;
  /** Source kind whose variables hold the predictors and outcome (e.g. `ewp-predictors`). */
  source: string;
  /** Outcome variable: 1 when an onset happens within `horizonYears` after the row's year. */
  outcome: string;
  horizonYears: number;
  /** Variable marking an onset in the row's own year (for evaluation). */
  onset: string;
  predictors: string[];
  /** Elastic-net mixing in [0, 1]: 1 lasso, 0 ridge. */
  alpha: number;
  /** Cross-validation folds, at least 3. */
  folds: number;
  /** Which lambda cross-validation picks: the minimum deviance or the largest within 1 se. */
  lambdaRule: 'min' | '1se';
  /** Seed of the fold assignment. */
  seed: number;
  missing: MissingPolicy;
  /** Size of the high-risk list. */
  topN: number;
}

/**
 * Checks a parsed spec and returns it typed. Errors name the file and the offending path
 * (`predictors[3]`). `known`, when given, is the set of variable names available in the
 * store for the spec's source (without the `source:` prefix): unknown names are rejected.
 */
export function validateModelSpec(
  raw: unknown,
  file: string,
  known?: ReadonlySet<string>,
): ModelSpec {
  const fail = (path: string, expected: string, got?: unknown): never => {
    throw new InputError(
      `${path}: invalid value${got === undefined ? '' : ` ${JSON.stringify(got)}`}`,
      {
        file,
        expected,
      },
    );
  };
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    fail('(root)', 'a JSON object');
  const o = raw as Record<string, unknown>;
  const str = (k: string) =>
    typeof o[k] === 'string' && o[k] !== ''
      ? (o[k] as string)
      : fail(k, 'a non-empty string', o[k]);
  const num = (k: string, ok: (n: number) => boolean, expected: string) =>
    typeof o[k] === 'number' && ok(o[k] as number) ? (o[k] as number) : fail(k, expected, o[k]);
  const id = str('id');
  if (!/^[a-z0-9][a-z0-9-]*$/.test(id)) fail('id', 'lower-case letters, digits and dashes', id);
  const family = str('family');
  if (family !== 'elastic-net-logistic') fail('family', '"elastic-net-logistic"', family);
  const missing = str('missing');
  if (missing !== 'complete-cases' && missing !== 'impute-mean')
    fail('missing', '"complete-cases" or "impute-mean"', missing);
  const lambdaRule = str('lambdaRule');
  if (lambdaRule !== 'min' && lambdaRule !== '1se')
    fail('lambdaRule', '"min" or "1se"', lambdaRule);
  if (!Array.isArray(o.predictors) || o.predictors.length === 0)
    fail('predictors', 'a non-empty list of variable names');
  const predictors = o.predictors as unknown[];
  const seen = new Set<string>();
  predictors.forEach((p, i) => {
    if (typeof p !== 'string' || p === '') fail(`predictors[${i}]`, 'a variable name', p);
    if (seen.has(p as string)) fail(`predictors[${i}]`, 'each predictor once', p);
    seen.add(p as string);
    if (known && !known.has(p as string))
      fail(`predictors[${i}]`, `a variable of source "${o.source}" in the store`, p);
  });
  const outcome = str('outcome');
  const onset = str('onset');
  if (known && !known.has(outcome))
    fail('outcome', `a variable of source "${o.source}" in the store`, outcome);
  if (known && !known.has(onset))
    fail('onset', `a variable of source "${o.source}" in the store`, onset);
  if (seen.has(outcome)) fail('outcome', 'an outcome that is not also a predictor', outcome);
  const changelog = Array.isArray(o.changelog)
    ? (o.changelog as ModelSpec['changelog'])
    : fail('changelog', 'a list');
  return {
    id,
    version: num('version', (n) => Number.isInteger(n) && n > 0, 'a positive whole number'),
    title: str('title'),
    description: str('description'),
    changelog,
    family: 'elastic-net-logistic',
    source: str('source'),
    outcome,
    horizonYears: num(
      'horizonYears',
      (n) => Number.isInteger(n) && n >= 1 && n <= 10,
      'a whole number of years from 1 to 10',
    ),
    onset,
    predictors: predictors as string[],
    alpha: num('alpha', (n) => n >= 0 && n <= 1, 'a number in [0, 1]'),
    folds: num(
      'folds',
      (n) => Number.isInteger(n) && n >= 3 && n <= 50,
      'a whole number from 3 to 50',
    ),
    lambdaRule: lambdaRule as ModelSpec['lambdaRule'],
    seed: num('seed', (n) => Number.isInteger(n), 'a whole number'),
    missing: missing as MissingPolicy,
    topN: num('topN', (n) => Number.isInteger(n) && n >= 1, 'a positive whole number'),
  };
}

import { InputError } from '../errors.js';
import { unknownFields } from '../validation.js';

/**
 * Model families the forecast service can fit: elastic-net logistic regression (the
 * reference), gradient-boosted trees, and an ensemble averaging the probabilities of other
 * specifications.
 */
export type ModelFamily = 'elastic-net-logistic' | 'gradient-boosting' | 'ensemble';

/**
 * How rows with missing predictors are handled: `complete-cases` drops them (as the
 * reference does); `impute-mean` fills each missing cell with the training mean of its
 * column (computed on the training rows only, so no information leaks from the future).
 */
export type MissingPolicy = 'complete-cases' | 'impute-mean';

/** What every specification has: identity, history, and the data it is fitted on. */
interface SpecCommon {
  id: string;
  version: number;
  title: string;
  description: string;
  changelog: { version: number; date: string; note: string }[];
  /** Source kind whose variables hold the predictors and outcome (e.g. `ewp-predictors`). */
  source: string;
  /** Outcome variable: 1 when an onset happens within `horizonYears` after the row's year. */
  outcome: string;
  horizonYears: number;
  /** Variable marking an onset in the row's own year (for evaluation). */
  onset: string;
  /** Predictor variables (for an ensemble: every member's, each once). */
  predictors: string[];
  /** Size of the high-risk list. */
  topN: number;
}

/** What a single model (not an ensemble) adds: its missing-data policy and random seed. */
interface SingleModelCommon extends SpecCommon {
  missing: MissingPolicy;
  /** Seed of the cross-validation folds (and of the subsamples of boosting), plus the training cut-off year. */
  seed: number;
}

/** Elastic-net logistic regression, lambda chosen by k-fold cross-validation (the reference). */
export interface ElasticNetSpec extends SingleModelCommon {
  family: 'elastic-net-logistic';
  /** Elastic-net mixing in [0, 1]: 1 lasso, 0 ridge. */
  alpha: number;
  /** Cross-validation folds, 3 to 50. */
  folds: number;
  /** Which lambda cross-validation picks: the minimum deviance or the largest within 1 se. */
  lambdaRule: 'min' | '1se';
}

/**
 * Gradient-boosted trees for the logistic loss (see `src/core/stats/gbm.ts`). The number of
 * trees, at most `trees`, is chosen by cross-validation on folds of whole countries (every
 * year of a country in the same fold), at the least held-out deviance.
 */
export interface GradientBoostingSpec extends SingleModelCommon {
  family: 'gradient-boosting';
  /** Most trees, 1 to 5000. */
  trees: number;
  /** Depth of each tree, 1 to 6. */
  depth: number;
  /** Shrinkage of each tree, in (0, 1]. */
  learningRate: number;
  /** Share of the training rows each tree sees, in (0, 1]. */
  subsample: number;
  /** Least hessian sum p(1-p) on either side of a split, >= 0. */
  minLeafHessian: number;
  /** L2 penalty on leaf values, >= 0. */
  l2: number;
  /** Most intervals a predictor is cut into, 2 to 255. */
  bins: number;
  /** Cross-validation folds (of countries) choosing the number of trees, 3 to 20. */
  folds: number;
}

/** A single model's specification. */
export type SingleModelSpec = ElasticNetSpec | GradientBoostingSpec;

/**
 * A weighted average of the probabilities of other (single-model) specifications, each
 * fitted on its own under the same protocol. Source, outcome, horizon and onset come from the
 * members, which must agree on them.
 */
export interface EnsembleSpec extends SpecCommon {
  family: 'ensemble';
  /** The members and their weights (positive; they are normalised to sum to 1). */
  members: { weight: number; spec: SingleModelSpec }[];
}

/** A forecasting model specification, stored as data in `content/models/`. */
export type ModelSpec = SingleModelSpec | EnsembleSpec;

/** Where a spec's references go: the validated specification of another id, or an error. */
export type SpecResolver = (id: string) => ModelSpec;

/** The fields of a specification file, by family (every other field is refused). */
const HEADER_FIELDS = ['id', 'version', 'title', 'description', 'changelog', 'family', 'topN'];
const DATA_FIELDS = ['source', 'outcome', 'horizonYears', 'onset', 'predictors', 'missing', 'seed'];
const FIELDS: Record<ModelFamily, readonly string[]> = {
  'elastic-net-logistic': [...HEADER_FIELDS, ...DATA_FIELDS, 'alpha', 'folds', 'lambdaRule'],
  'gradient-boosting': [
    ...HEADER_FIELDS,
    ...DATA_FIELDS,
    'trees',
    'depth',
    'learningRate',
    'subsample',
    'minLeafHessian',
    'l2',
    'bins',
    'folds',
  ],
  ensemble: [...HEADER_FIELDS, 'members'],
};
const CHANGELOG_FIELDS = ['version', 'date', 'note'];
const MEMBER_FIELDS = ['spec', 'weight'];

/** How the validator refuses a field outside `allowed` of the object at `path`. */
type OnlyFields = (obj: object, path: string, allowed: readonly string[]) => void;

/**
 * Checks a parsed spec and returns it typed. Errors name the file and the offending path
 * (`predictors[3]`, `members[1].spec`); a field its family does not have is refused at any
 * level (`changelog[0].notes: unknown field (expected one of version, date, note)`).
 * `known`, when given, is the set of variable names available in the store for the spec's
 * source (without the `source:` prefix): unknown names are rejected. `resolve` loads the
 * members of an ensemble (required for one).
 */
export function validateModelSpec(
  raw: unknown,
  file: string,
  known?: ReadonlySet<string>,
  resolve?: SpecResolver,
): ModelSpec {
  const fail = (path: string, expected: string, got?: unknown): never => {
    throw new InputError(
      `${path}: invalid value${got === undefined ? '' : ` ${JSON.stringify(got)}`}`,
      { file, expected },
    );
  };
  const only: OnlyFields = (obj, path, allowed) => {
    const [u] = unknownFields(obj, allowed);
    if (u) throw new InputError(`${path ? `${path}.${u.key}` : u.key}: ${u.message}`, { file });
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
  const whole = (k: string, lo: number, hi: number) =>
    num(k, (n) => Number.isInteger(n) && n >= lo && n <= hi, `a whole number from ${lo} to ${hi}`);

  const id = str('id');
  if (!/^[a-z0-9][a-z0-9-]*$/.test(id)) fail('id', 'lower-case letters, digits and dashes', id);
  const family = str('family');
  if (family !== 'elastic-net-logistic' && family !== 'gradient-boosting' && family !== 'ensemble')
    fail('family', '"elastic-net-logistic", "gradient-boosting" or "ensemble"', family);
  only(o, '', FIELDS[family as ModelFamily]);
  const changelog = Array.isArray(o.changelog)
    ? (o.changelog as ModelSpec['changelog'])
    : fail('changelog', 'a list');
  changelog.forEach((entry: unknown, i) => {
    if (typeof entry === 'object' && entry !== null)
      only(entry, `changelog[${i}]`, CHANGELOG_FIELDS);
  });
  const header = {
    id,
    version: num('version', (n) => Number.isInteger(n) && n > 0, 'a positive whole number'),
    title: str('title'),
    description: str('description'),
    changelog,
    topN: num('topN', (n) => Number.isInteger(n) && n >= 1, 'a positive whole number'),
  };
  if (family === 'ensemble') return validateEnsemble(o, header, fail, only, resolve);

  const missing = str('missing');
  if (missing !== 'complete-cases' && missing !== 'impute-mean')
    fail('missing', '"complete-cases" or "impute-mean"', missing);
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
  const common = {
    ...header,
    source: str('source'),
    outcome,
    horizonYears: whole('horizonYears', 1, 10),
    onset,
    predictors: predictors as string[],
    missing: missing as MissingPolicy,
    seed: num('seed', (n) => Number.isInteger(n), 'a whole number'),
  };
  if (family === 'elastic-net-logistic') {
    const lambdaRule = str('lambdaRule');
    if (lambdaRule !== 'min' && lambdaRule !== '1se')
      fail('lambdaRule', '"min" or "1se"', lambdaRule);
    return {
      ...common,
      family,
      alpha: num('alpha', (n) => n >= 0 && n <= 1, 'a number in [0, 1]'),
      folds: whole('folds', 3, 50),
      lambdaRule: lambdaRule as ElasticNetSpec['lambdaRule'],
    };
  }
  return {
    ...common,
    family: 'gradient-boosting',
    trees: whole('trees', 1, 5000),
    depth: whole('depth', 1, 6),
    learningRate: num('learningRate', (n) => n > 0 && n <= 1, 'a number in (0, 1]'),
    subsample: num('subsample', (n) => n > 0 && n <= 1, 'a number in (0, 1]'),
    minLeafHessian: num('minLeafHessian', (n) => n >= 0, 'a number >= 0'),
    l2: num('l2', (n) => n >= 0, 'a number >= 0'),
    bins: whole('bins', 2, 255),
    folds: whole('folds', 3, 20),
  };
}

function validateEnsemble(
  o: Record<string, unknown>,
  header: Pick<ModelSpec, 'id' | 'version' | 'title' | 'description' | 'changelog' | 'topN'>,
  fail: (path: string, expected: string, got?: unknown) => never,
  only: OnlyFields,
  resolve: SpecResolver | undefined,
): EnsembleSpec {
  if (!Array.isArray(o.members) || o.members.length < 2)
    fail('members', 'a list of at least two {"spec": id, "weight": number}');
  if (!resolve) fail('members', 'an ensemble loaded with its members (through the service)');
  const members = (o.members as unknown[]).map((m, i) => {
    const at = `members[${i}]`;
    if (typeof m !== 'object' || m === null || Array.isArray(m))
      fail(at, '{"spec": id, "weight": number}', m);
    only(m as object, at, MEMBER_FIELDS);
    const { spec: ref, weight } = m as Record<string, unknown>;
    if (typeof ref !== 'string' || ref === '') fail(`${at}.spec`, 'the id of a specification', ref);
    if (ref === header.id) fail(`${at}.spec`, 'another specification than the ensemble', ref);
    if (typeof weight !== 'number' || !(weight > 0 && Number.isFinite(weight)))
      fail(`${at}.weight`, 'a positive number', weight);
    let spec: ModelSpec;
    try {
      spec = resolve!(ref as string);
    } catch (error) {
      return fail(`${at}.spec`, `a valid specification (${(error as Error).message})`, ref);
    }
    if (spec.family === 'ensemble') fail(`${at}.spec`, 'a single model, not an ensemble', ref);
    return { weight: weight as number, spec: spec as SingleModelSpec };
  });
  const first = members[0]!.spec;
  members.forEach(({ spec }, i) => {
    for (const k of ['source', 'outcome', 'horizonYears', 'onset'] as const) {
      if (spec[k] !== first[k])
        fail(
          `members[${i}].spec`,
          `a model with the same ${k} as members[0] (${first[k]})`,
          spec.id,
        );
    }
    if (members.findIndex((m) => m.spec.id === spec.id) !== i)
      fail(`members[${i}].spec`, 'each member once', spec.id);
  });
  const predictors = [...new Set(members.flatMap((m) => m.spec.predictors))];
  return {
    ...header,
    family: 'ensemble',
    source: first.source,
    outcome: first.outcome,
    horizonYears: first.horizonYears,
    onset: first.onset,
    predictors,
    members,
  };
}

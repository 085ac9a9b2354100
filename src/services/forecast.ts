import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CountryRegistry } from '../core/countries/registry.js';
import { InputError } from '../core/errors.js';
import { buildPanel, panelYears, YEAR } from '../core/forecast/dataset.js';
import type { Panel } from '../core/forecast/dataset.js';
import { ensembleOf, fitSingle } from '../core/forecast/models.js';
import type { FittedModel, LinearModel, SingleModel } from '../core/forecast/models.js';
import { validateModelSpec } from '../core/forecast/spec.js';
import { TABLE_COLUMNS } from '../core/forecast/table.js';
import type { ModellingTable } from '../core/forecast/table.js';
import type { ModelSpec, SingleModelSpec } from '../core/forecast/spec.js';
import { riskIntervals } from '../core/forecast/intervals.js';
import type { RiskInterval } from '../core/forecast/intervals.js';
import { explainChange, scoreOrigin } from '../core/forecast/walk-forward.js';
import type { OriginForecast } from '../core/forecast/walk-forward.js';
import type { Store } from '../store/database.js';
import { listVariables, observationsAsOf } from '../store/observations-repository.js';
import { contentDir } from './content.js';
import { buildTable, TABLE_SOURCE, tableValues } from './forecast-table.js';
import { FitError, fitJobs } from './forecast-pool.js';
import type { FitJob, ForecastPool } from './forecast-pool.js';

/**
 * The default model specification: the reference configuration on the project's own
 * modelling table (built from the raw sources, so it reaches the latest year they cover).
 */
export const DEFAULT_SPEC = 'lens-enet';

/** The reference configuration on the Early Warning Project's prepared table (parity with R). */
export const REFERENCE_SPEC = 'ewp-reference';

/** Folder of model specifications. */
export function modelsDir(): string {
  return contentDir('models');
}

/** Every model specification in `content/models`, validated (without the store's variables). */
export function listModelSpecs(dir = modelsDir()): ModelSpec[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => readSpec(join(dir, f), dir));
}

/** Reads and validates a spec file; the members of an ensemble are read from `dir` by id. */
function readSpec(file: string, dir: string, known?: ReadonlySet<string>): ModelSpec {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw error;
    throw new InputError(`not valid JSON: ${(error as Error).message}`, { file });
  }
  return validateModelSpec(json, file, known, (id) => {
    const member = join(dir, `${id}.json`);
    try {
      return readSpec(member, dir, known);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT')
        throw new Error(`no file ${member}`, { cause: error });
      throw error;
    }
  });
}

/**
 * A model specification by id (from `content/models`) or by file path (ending in .json);
 * checked against the variables in the store when `store` is given.
 */
export async function loadModelSpec(
  ref: string = DEFAULT_SPEC,
  store?: Store,
  dir = modelsDir(),
): Promise<ModelSpec> {
  const file = ref.endsWith('.json') ? ref : join(dir, `${ref}.json`);
  let spec: ModelSpec;
  try {
    spec = readSpec(file, dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      const known = listModelSpecs(dir).map((s) => s.id);
      throw new InputError(`unknown model specification "${ref}"`, {
        expected: `one of ${known.join(', ')} or a .json file`,
      });
    }
    throw error;
  }
  if (!store) return spec;
  if (spec.source === TABLE_SOURCE) return readSpec(file, dir, new Set(TABLE_COLUMNS));
  const prefix = `${spec.source}:`;
  const known = new Set(
    (await listVariables(store))
      .filter((v) => v.name.startsWith(prefix))
      .map((v) => v.name.slice(prefix.length)),
  );
  if (known.size === 0) {
    throw new InputError(`the store has no data of source "${spec.source}"`, {
      expected: `an import of it first, e.g. lens sync --only ${spec.source}`,
    });
  }
  return readSpec(file, dir, new Set([...known, YEAR]));
}

/**
 * The spec's variables from the store, as a panel (the latest vintage of each value; for the
 * project's own table, the table built from the raw sources as known on `asOf`, default the
 * latest vintage). `onTable` receives the table itself (its notes say what is partial).
 */
export async function loadPanel(
  store: Store,
  spec: ModelSpec,
  options: { asOf?: string; onTable?: (table: ModellingTable) => void } = {},
): Promise<Panel> {
  if (spec.source === TABLE_SOURCE) {
    const table = await buildTable(store, { asOf: options.asOf ?? '9999-12-31' });
    options.onTable?.(table);
    return buildPanel(tableValues(table), spec);
  }
  const names = [...spec.predictors, spec.outcome, spec.onset].map((v) => `${spec.source}:${v}`);
  const values = await observationsAsOf(store, { variables: names, asOf: '9999-12-31' });
  const prefix = spec.source.length + 1;
  return buildPanel(
    values.map((v) => ({
      countryId: v.countryId,
      year: v.year,
      variable: v.variable.slice(prefix),
      value: v.value,
    })),
    spec,
  );
}

/** A forecast row with the country's COW code and name, as written to CSV. */
export interface NamedForecastRow {
  origin: number;
  countryId: string;
  ccode: number | null;
  name: string;
  risk: number;
  rank: number;
}

/** The single models a spec fits: itself, or an ensemble's members. */
function singleSpecs(spec: ModelSpec): SingleModelSpec[] {
  return spec.family === 'ensemble' ? spec.members.map((m) => m.spec) : [spec];
}

/** Where fits run: a pool of threads already started, or the number of threads to start. */
export interface ThreadOptions {
  pool?: ForecastPool;
  /** Threads to start when no pool is given (default: the machine's cores; 1: none). */
  workers?: number;
}

/**
 * Fits the spec for each training cut-off in `trainTos` (an ensemble: each member), the steps
 * of every fit spread over threads (see `ForecastPool.fit`). `describe` names a cut-off in
 * error messages (e.g. "origin 2012"). `onFitted` reports cut-offs whose models are complete.
 */
export async function fitModels(
  panel: Panel,
  spec: ModelSpec,
  trainTos: readonly number[],
  options: ThreadOptions & {
    describe?: (trainTo: number) => string;
    onFitted?: (done: number, total: number) => void;
  } = {},
): Promise<FittedModel[]> {
  const specs = singleSpecs(spec);
  const jobs: FitJob[] = trainTos.flatMap((trainTo) => specs.map((_, k) => ({ spec: k, trainTo })));
  const left = trainTos.map(() => specs.length);
  let done = 0;
  let models: SingleModel[];
  try {
    models = await fitJobs(panel, specs, jobs, {
      pool: options.pool,
      workers: options.workers,
      onJob: (index) => {
        if (--left[Math.floor(index / specs.length)]! === 0)
          options.onFitted?.(++done, trainTos.length);
      },
    });
  } catch (error) {
    if (!(error instanceof FitError)) throw error;
    const where = options.describe?.(error.job.trainTo) ?? `training to ${error.job.trainTo}`;
    const who = spec.family === 'ensemble' ? ` (member ${specs[error.job.spec]!.id})` : '';
    throw new InputError(`${where}${who}: ${error.message}`);
  }
  return trainTos.map((trainTo, t) => {
    const own = models.slice(t * specs.length, (t + 1) * specs.length);
    return spec.family === 'ensemble' ? ensembleOf(spec, trainTo, own) : own[0]!;
  });
}

/**
 * Walk-forward forecasts for every origin from `from` to `to`: each fitted only on the
 * outcomes known at that origin (years up to origin - horizon). The fits run on threads (see
 * ThreadOptions). `onOrigin` reports progress.
 */
export async function walkForward(
  panel: Panel,
  spec: ModelSpec,
  options: ThreadOptions & {
    from: number;
    to: number;
    onOrigin?: (done: number, total: number) => void;
  },
): Promise<OriginForecast[]> {
  const { first, last } = panelYears(panel);
  if (!(options.from <= options.to))
    throw new InputError(`invalid origins ${options.from}-${options.to}`, {
      expected: 'FROM ≤ TO',
    });
  if (options.from < first + spec.horizonYears || options.to > last) {
    throw new InputError(`origins ${options.from}-${options.to} are outside the data`, {
      expected: `origins from ${first + spec.horizonYears} (the first year with a known outcome plus ${spec.horizonYears}) to ${last}`,
    });
  }
  const origins = Array.from({ length: options.to - options.from + 1 }, (_, k) => options.from + k);
  const describe = (trainTo: number) => `origin ${trainTo + spec.horizonYears}`;
  const models = await fitModels(
    panel,
    spec,
    origins.map((o) => o - spec.horizonYears),
    { pool: options.pool, workers: options.workers, describe, onFitted: options.onOrigin },
  );
  return origins.map((origin, k) => {
    try {
      return scoreOrigin(panel, origin, models[k]!);
    } catch (error) {
      throw new InputError((error as Error).message);
    }
  });
}

/** A forecast row with its interval (probabilities; null where the refits could not score it). */
export interface IntervalForecastRow extends NamedForecastRow {
  low: number | null;
  high: number | null;
}

/**
 * The forecasts of one origin with their 80 % intervals (see `riskIntervals`: the model
 * refitted on countries resampled with replacement, at the settings the forecast chose).
 */
export function withIntervals(
  panel: Panel,
  spec: ModelSpec,
  result: OriginForecast,
  named: readonly NamedForecastRow[],
): IntervalForecastRow[] {
  let intervals: Map<string, RiskInterval>;
  try {
    intervals = riskIntervals(panel, spec, result.model, result.origin);
  } catch (error) {
    throw new InputError(`interval of origin ${result.origin}: ${(error as Error).message}`);
  }
  return named.map((r) => ({
    ...r,
    low: intervals.get(r.countryId)?.low ?? null,
    high: intervals.get(r.countryId)?.high ?? null,
  }));
}

/** Adds COW codes and names to forecasts. */
export function nameForecasts(
  registry: CountryRegistry,
  forecasts: readonly OriginForecast[],
): NamedForecastRow[] {
  return forecasts.flatMap((f) =>
    f.rows.map((r) => {
      const country = registry.byId(r.countryId);
      const cow = country ? registry.codesOf(country, f.origin).cow : undefined;
      return {
        origin: f.origin,
        countryId: r.countryId,
        ccode: cow === undefined ? null : Number(cow),
        name: country?.name ?? r.countryId,
        risk: r.risk,
        rank: r.rank,
      };
    }),
  );
}

/** CSV of forecasts: `origin,ccode,name,risk,rank` (the contract of `lens forecast walk-forward`). */
export function forecastsToCsv(rows: readonly NamedForecastRow[]): string {
  const esc = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  return (
    [
      'origin,ccode,name,risk,rank',
      ...rows.map((r) => `${r.origin},${r.ccode ?? ''},${esc(r.name)},${r.risk},${r.rank}`),
    ].join('\n') + '\n'
  );
}

/**
 * Fits the model on outcomes up to `trainTo` (steps on worker threads), or at a fixed
 * elastic-net `lambda` when given (here, without cross-validation).
 */
export async function fitModel(
  panel: Panel,
  spec: ModelSpec,
  trainTo: number,
  options: ThreadOptions & { lambda?: number } = {},
): Promise<FittedModel> {
  if (options.lambda === undefined) {
    const [model] = await fitModels(panel, spec, [trainTo], options);
    return model!;
  }
  if (spec.family !== 'elastic-net-logistic')
    throw new InputError(`--lambda applies to elastic-net models; ${spec.id} is ${spec.family}`);
  try {
    return fitSingle(panel, spec, trainTo, options.lambda);
  } catch (error) {
    throw new InputError(`training to ${trainTo}: ${(error as Error).message}`);
  }
}

/** The predictor values of a country in a year, by name; undefined when the row is absent. */
export function rowValues(
  panel: Panel,
  countryId: string,
  year: number,
): Record<string, number> | undefined {
  for (let i = 0; i < panel.rows; i++) {
    if (panel.years[i] === year && panel.countryIds[i] === countryId) {
      const out: Record<string, number> = {};
      panel.predictors.forEach((name, j) => (out[name] = panel.x[j * panel.rows + i]!));
      return out;
    }
  }
  return undefined;
}

/** Why a country's forecast moved from origin `t - 1` to `t`: data and model, per predictor. */
export interface Explanation {
  countryId: string;
  origin: number;
  previousOrigin: number;
  risk: number;
  previousRisk: number;
  logOdds: number;
  previousLogOdds: number;
  change: number;
  interceptChange: number;
  dataChange: number;
  modelChange: number;
  terms: {
    predictor: string;
    value: number;
    previousValue: number;
    coefficient: number;
    previousCoefficient: number;
    data: number;
    model: number;
    total: number;
  }[];
}

/**
 * Decomposes the change in a country's log-odds between two consecutive origins (a linear
 * model's only: the parts of a tree model or an ensemble do not add up by predictor).
 */
export async function explainForecast(
  panel: Panel,
  spec: ModelSpec,
  countryId: string,
  origin: number,
  options: ThreadOptions = {},
): Promise<Explanation> {
  if (spec.family !== 'elastic-net-logistic') {
    throw new InputError(`cannot explain ${spec.id}: it is a ${spec.family} model`, {
      expected: 'a linear (elastic-net-logistic) specification, e.g. --spec ewp-reference',
    });
  }
  const previousOrigin = origin - 1;
  const raw1 = rowValues(panel, countryId, origin);
  const raw0 = rowValues(panel, countryId, previousOrigin);
  if (!raw1 || !raw0) {
    throw new InputError(`no data for ${countryId} in ${raw1 ? previousOrigin : origin}`, {
      expected: 'a country-year in the model data',
    });
  }
  const [m0, m1] = (await fitModels(
    panel,
    spec,
    [previousOrigin - spec.horizonYears, origin - spec.horizonYears],
    { ...options, describe: (t) => `origin ${t + spec.horizonYears}` },
  )) as LinearModel[];
  // Values as the model sees them: missing cells imputed (impute-mean) or NaN.
  const seen = (m: LinearModel, x: Record<string, number>) =>
    Object.fromEntries(
      spec.predictors.map((p) => [p, Number.isNaN(x[p]!) ? (m.means[p] ?? NaN) : x[p]!]),
    );
  const x1 = seen(m1!, raw1);
  const x0 = seen(m0!, raw0);
  const eta = (m: LinearModel, x: Record<string, number>) =>
    spec.predictors.reduce((s, p) => s + m.coefficients[p]! * x[p]!, m.intercept);
  const e1 = eta(m1!, x1);
  const e0 = eta(m0!, x0);
  if (Number.isNaN(e1) || Number.isNaN(e0))
    throw new InputError(`${countryId} has missing predictors in ${origin} or ${previousOrigin}`);
  const parts = explainChange(spec.predictors, { model: m0!, x: x0 }, { model: m1!, x: x1 });
  const terms = parts.terms
    .map((t) => ({
      ...t,
      value: x1[t.predictor]!,
      previousValue: x0[t.predictor]!,
      coefficient: m1!.coefficients[t.predictor] ?? 0,
      previousCoefficient: m0!.coefficients[t.predictor] ?? 0,
    }))
    .sort((a, b) => Math.abs(b.total) - Math.abs(a.total));
  return {
    countryId,
    origin,
    previousOrigin,
    risk: 1 / (1 + Math.exp(-e1)),
    previousRisk: 1 / (1 + Math.exp(-e0)),
    logOdds: e1,
    previousLogOdds: e0,
    change: e1 - e0,
    interceptChange: parts.intercept,
    dataChange: terms.reduce((s, t) => s + t.data, 0),
    modelChange: parts.intercept + terms.reduce((s, t) => s + t.model, 0),
    terms,
  };
}

/**
 * A fitted model as plain data for output: an elastic-net model's penalty, intercept and
 * coefficients (on the predictors' own scale); boosted trees' count and predictor importance;
 * an ensemble's members with their weights.
 */
export function modelSummary(model: FittedModel): Record<string, unknown> {
  switch (model.family) {
    case 'elastic-net-logistic':
      return {
        family: model.family,
        lambda: model.lambda,
        intercept: model.intercept,
        coefficients: model.coefficients,
        trainingRows: model.trainingRows,
        trainingPositives: model.trainingPositives,
        trainedTo: model.trainedTo,
      };
    case 'gradient-boosting':
      return {
        family: model.family,
        trees: model.trees,
        maxTrees: model.maxTrees,
        cvDeviance: model.cvDeviance,
        importance: model.importance,
        trainingRows: model.trainingRows,
        trainingPositives: model.trainingPositives,
        trainedTo: model.trainedTo,
      };
    case 'ensemble':
      return {
        family: model.family,
        trainedTo: model.trainedTo,
        members: model.members.map((m) => ({
          id: m.id,
          weight: m.weight,
          ...modelSummary(m.model),
        })),
      };
  }
}

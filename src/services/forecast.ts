import { readdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { CountryRegistry } from '../core/countries/registry.js';
import { InputError } from '../core/errors.js';
import { buildPanel, panelYears, YEAR } from '../core/forecast/dataset.js';
import type { Panel } from '../core/forecast/dataset.js';
import { validateModelSpec } from '../core/forecast/spec.js';
import type { ModelSpec } from '../core/forecast/spec.js';
import { explainChange, fitSpec, forecastOrigin } from '../core/forecast/walk-forward.js';
import type { FittedModel, OriginForecast } from '../core/forecast/walk-forward.js';
import type { Store } from '../store/database.js';
import { listVariables, observationsAsOf } from '../store/observations-repository.js';
import { contentDir } from './content.js';

/** The default model specification (the reference configuration). */
export const DEFAULT_SPEC = 'ewp-reference';

/** Folder of model specifications. */
export function modelsDir(): string {
  return contentDir('models');
}

/** Every model specification in `content/models`, validated (without the store's variables). */
export function listModelSpecs(dir = modelsDir()): ModelSpec[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => readSpec(join(dir, f)));
}

function readSpec(file: string, known?: ReadonlySet<string>): ModelSpec {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new InputError(`not valid JSON: ${(error as Error).message}`, { file });
  }
  return validateModelSpec(json, file, known);
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
    spec = readSpec(file);
  } catch (error) {
    if (
      (error as NodeJS.ErrnoException).code === 'ENOENT' ||
      /ENOENT/.test((error as Error).message)
    ) {
      const known = listModelSpecs(dir).map((s) => s.id);
      throw new InputError(`unknown model specification "${ref}"`, {
        expected: `one of ${known.join(', ')} or a .json file`,
      });
    }
    throw error;
  }
  if (!store) return spec;
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
  return readSpec(file, new Set([...known, YEAR]));
}

/** The spec's variables from the store, as a panel (the latest vintage of each value). */
export async function loadPanel(store: Store, spec: ModelSpec): Promise<Panel> {
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

/**
 * Walk-forward forecasts for every origin from `from` to `to`: each fitted only on the
 * outcomes known at that origin. Origins run in parallel on worker threads (`workers`,
 * default: the machine's cores, at most the number of origins). `onOrigin` reports progress.
 */
export async function walkForward(
  panel: Panel,
  spec: ModelSpec,
  options: {
    from: number;
    to: number;
    workers?: number;
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
  const n = Math.max(1, Math.min(options.workers ?? availableParallelism(), origins.length));
  if (n === 1) {
    return origins.map((origin, k) => {
      const result = runOrigin(panel, spec, origin);
      options.onOrigin?.(k + 1, origins.length);
      return result;
    });
  }
  const shares: number[][] = Array.from({ length: n }, () => []);
  // Later origins have more training rows: deal them out so every worker gets a mix.
  origins.forEach((o, k) => shares[k % n]!.push(o));
  const results: OriginForecast[] = [];
  const url = new URL(
    import.meta.url.endsWith('.ts') ? './forecast-worker.ts' : './forecast-worker.js',
    import.meta.url,
  );
  await Promise.all(
    shares.map(
      (share) =>
        new Promise<void>((resolve, reject) => {
          const worker = url.pathname.endsWith('.ts')
            ? // Running from the TypeScript sources (tests, development): load them through tsx.
              new Worker(
                `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(url.href)}); })`,
                { eval: true, workerData: { panel, spec, origins: share } },
              )
            : new Worker(url, { workerData: { panel, spec, origins: share } });
          let received = 0;
          worker.on(
            'message',
            (
              m:
                | { ok: true; result: OriginForecast }
                | { ok: false; origin: number; message: string },
            ) => {
              if (!m.ok) {
                void worker.terminate();
                reject(new InputError(`origin ${m.origin}: ${m.message}`));
                return;
              }
              results.push(m.result);
              received++;
              options.onOrigin?.(results.length, origins.length);
            },
          );
          worker.on('error', reject);
          worker.on('exit', (code) =>
            received === share.length
              ? resolve()
              : reject(new Error(`forecast worker stopped (exit ${code})`)),
          );
        }),
    ),
  );
  return results.sort((a, b) => a.origin - b.origin);
}

function runOrigin(panel: Panel, spec: ModelSpec, origin: number): OriginForecast {
  try {
    return forecastOrigin(panel, spec, origin);
  } catch (error) {
    throw new InputError(`origin ${origin}: ${(error as Error).message}`);
  }
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

/** Fits the model on outcomes up to `trainTo`, or at a fixed `lambda` when given. */
export function fitModel(
  panel: Panel,
  spec: ModelSpec,
  trainTo: number,
  lambda?: number,
): FittedModel {
  try {
    return fitSpec(panel, spec, trainTo, lambda);
  } catch (error) {
    throw new InputError((error as Error).message);
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

/** Decomposes the change in a country's log-odds between two consecutive origins. */
export function explainForecast(
  panel: Panel,
  spec: ModelSpec,
  countryId: string,
  origin: number,
): Explanation {
  const previousOrigin = origin - 1;
  const x1 = rowValues(panel, countryId, origin);
  const x0 = rowValues(panel, countryId, previousOrigin);
  if (!x1 || !x0) {
    throw new InputError(`no data for ${countryId} in ${x1 ? previousOrigin : origin}`, {
      expected: 'a country-year in the model data',
    });
  }
  const m1 = fitModel(panel, spec, origin - spec.horizonYears);
  const m0 = fitModel(panel, spec, previousOrigin - spec.horizonYears);
  const eta = (m: FittedModel, x: Record<string, number>) =>
    m.intercept +
    spec.predictors.reduce(
      (s, p) => s + (m.coefficients[p] ?? 0) * (Number.isNaN(x[p]!) ? (m.means[p] ?? NaN) : x[p]!),
      0,
    );
  const e1 = eta(m1, x1);
  const e0 = eta(m0, x0);
  if (Number.isNaN(e1) || Number.isNaN(e0))
    throw new InputError(`${countryId} has missing predictors in ${origin} or ${previousOrigin}`);
  const parts = explainChange(spec.predictors, { model: m0, x: x0 }, { model: m1, x: x1 });
  const terms = parts.terms
    .map((t) => ({
      ...t,
      value: x1[t.predictor]!,
      previousValue: x0[t.predictor]!,
      coefficient: m1.coefficients[t.predictor] ?? 0,
      previousCoefficient: m0.coefficients[t.predictor] ?? 0,
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

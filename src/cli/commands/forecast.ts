import { readFile, writeFile } from 'node:fs/promises';
import { InvalidArgumentError, Option } from 'commander';
import type { Command } from 'commander';
import { InputError } from '../../core/errors.js';
import { loadCountryRegistry } from '../../services/countries.js';
import { withStore } from '../../services/context.js';
import { findCountry } from '../../services/data.js';
import { evaluateForecastFiles } from '../../services/forecast-evaluation.js';
import { ForecastPool } from '../../services/forecast-pool.js';
import {
  DEFAULT_SPEC,
  explainForecast,
  fitModel,
  forecastsToCsv,
  loadModelSpec,
  loadPanel,
  modelSummary,
  nameForecasts,
  walkForward,
  withIntervals,
} from '../../services/forecast.js';
import { INTERVAL_LEVEL } from '../../core/forecast/intervals.js';
import { buildTable, compareWithPrepared, tableToCsv } from '../../services/forecast-table.js';
import type { TableNote } from '../../core/forecast/table.js';
import type { FittedModel } from '../../core/forecast/models.js';
import { panelYears } from '../../core/forecast/dataset.js';
import { FORMATS, print, render } from '../output.js';
import type { Format } from '../output.js';
import { ProgressBar } from '../progress.js';

type Db = () => string | undefined;

function out(text: string): void {
  print(text);
}

function isoDate(v: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(v) || Number.isNaN(Date.parse(v)))
    throw new InvalidArgumentError('--as-of must be a date (YYYY-MM-DD)');
  return v;
}

function year(name: string) {
  return (v: string): number => {
    if (!/^\d{4}$/.test(v)) throw new InvalidArgumentError(`${name} must be a year (YYYY)`);
    return Number(v);
  };
}

const f4 = (v: number | null | undefined) =>
  v === null || v === undefined || Number.isNaN(v) ? '' : v.toFixed(4);
const f3 = (v: number | null | undefined) =>
  v === null || v === undefined || Number.isNaN(v) ? '' : v.toFixed(3);
const pct = (v: number | null | undefined) =>
  v === null || v === undefined ? '' : `${(v * 100).toFixed(1)}%`;

/**
 * Runs `fn` with a pool of forecast threads, started first so that they load while the store
 * opens and the data are read, and stopped afterwards.
 */
async function withPool<T>(
  workers: number | undefined,
  fn: (pool: ForecastPool) => Promise<T>,
): Promise<T> {
  const pool = new ForecastPool(workers);
  try {
    return await fn(pool);
  } finally {
    await pool.close();
  }
}

/** A fitted model as text: its summary line and its coefficients or predictor importance. */
function printModel(model: FittedModel, indent: string): void {
  if (model.family === 'ensemble') {
    out(`${indent}ensemble of ${model.members.length} models, trained to ${model.trainedTo}`);
    for (const m of model.members) {
      out(`\n${indent}${m.id} (weight ${m.weight.toFixed(3)}):`);
      printModel(m.model, `${indent}  `);
    }
    return;
  }
  const linear = model.family === 'elastic-net-logistic';
  out(
    `${indent}${
      linear
        ? `lambda ${model.lambda}, intercept ${model.intercept}`
        : `${model.trees} trees (of at most ${model.maxTrees}), cross-validated deviance ${model.cvDeviance.toFixed(4)}`
    }, ${model.trainingRows} rows (${model.trainingPositives} positive) to ${model.trainedTo}`,
  );
  const rows = Object.entries(linear ? model.coefficients : model.importance)
    .map(([name, value]) => ({ name, value }))
    .sort((a, b) => (linear ? 0 : b.value - a.value));
  out(
    render('table', rows, rows, [
      { header: 'predictor', value: (r) => `${indent}${r.name}` },
      { header: linear ? 'coefficient' : 'importance', value: (r) => r.value, right: true },
    ]),
  );
}

/** `lens forecast …`: the statistical forecast of mass-killing onset. */
export function registerForecastCommands(program: Command, db: Db): void {
  const forecast = program
    .command('forecast')
    .description('statistical forecast of a new mass killing starting within two years');
  const specOption = () =>
    new Option('--spec <id>', 'model specification (content/models) or a .json file').default(
      DEFAULT_SPEC,
    );
  const workersOption = () =>
    new Option('--workers <n>', 'worker threads (default: the number of cores)').argParser((v) => {
      const n = Number(v);
      if (!(Number.isInteger(n) && n >= 1))
        throw new InvalidArgumentError('--workers must be a whole number ≥ 1');
      return n;
    });

  forecast
    .command('walk-forward')
    .description('forecasts for every origin year, each from a model fitted on what was known then')
    .requiredOption('--from <year>', 'first origin', year('--from'))
    .requiredOption('--to <year>', 'last origin', year('--to'))
    .requiredOption('--out <file>', 'CSV to write: origin,ccode,name,risk,rank')
    .addOption(specOption())
    .addOption(workersOption())
    .action(
      async (opts: { from: number; to: number; out: string; spec: string; workers?: number }) => {
        const registry = loadCountryRegistry();
        const rows = await withPool(opts.workers, (pool) =>
          withStore(db(), async (store) => {
            const spec = await loadModelSpec(opts.spec, store);
            const panel = await loadPanel(store, spec);
            const bar = new ProgressBar(`walk-forward ${opts.from}-${opts.to}`);
            try {
              const results = await walkForward(panel, spec, {
                from: opts.from,
                to: opts.to,
                pool,
                onOrigin: (d, t) => bar.update(d, t),
              });
              return nameForecasts(registry, results);
            } finally {
              bar.done();
            }
          }),
        );
        await writeFile(opts.out, forecastsToCsv(rows));
        out(`${rows.length} forecasts for origins ${opts.from}-${opts.to} written to ${opts.out}`);
      },
    );

  forecast
    .command('table')
    .description(
      "the project's own modelling table from the raw sources in the store, as known on a date; --compare checks it against the EWP prepared table",
    )
    .option('--as-of <date>', 'ISO date: values public by then (default: today)', isoDate)
    .option('--out <file>', 'CSV to write: country_id,year, then the predictors and outcomes')
    .option(
      '--compare',
      'compare with the EWP prepared table on every country-year both have (per column: share equal, correlation)',
    )
    .addOption(new Option('--format <format>', 'output format').choices(FORMATS).default('table'))
    .action(async (opts: { asOf?: string; out?: string; compare?: boolean; format: Format }) => {
      const { table, comparison } = await withStore(db(), async (store) => {
        const table = await buildTable(store, { asOf: opts.asOf });
        const comparison = opts.compare
          ? await compareWithPrepared(store, table, opts.asOf)
          : undefined;
        return { table, comparison };
      });
      if (opts.out) await writeFile(opts.out, tableToCsv(table));
      const summary = {
        asOf: opts.asOf ?? new Date().toISOString().slice(0, 10),
        rows: table.rows.length,
        firstYear: table.firstYear,
        lastYear: table.lastYear,
        episodesCodedTo: table.episodesCodedTo,
        sourceEnds: table.sourceEnds,
        notes: table.notes,
        ...(opts.out ? { out: opts.out } : {}),
        ...(comparison ? { comparison } : {}),
      };
      if (opts.format === 'json') return out(JSON.stringify(summary, null, 2));
      out(
        `modelling table: ${table.rows.length} country-years, ${table.firstYear}-${table.lastYear}; episode list coded to ${table.episodesCodedTo}${opts.out ? `; written to ${opts.out}` : ''}`,
      );
      for (const n of table.notes)
        out(
          `  note: ${n.message}${n.countries ? ` (${n.countries.slice(0, 10).join(', ')}${n.countries.length > 10 ? ', …' : ''})` : ''}`,
        );
      if (!comparison) return;
      out(
        `\nagainst the EWP prepared table: ${comparison.countryYears} country-years in both (${comparison.onlyThere} only there, ${comparison.onlyHere} only here)`,
      );
      out(
        render(opts.format, comparison, comparison.columns, [
          { header: 'column', value: (c) => c.column },
          { header: 'shared', value: (c) => c.shared, right: true },
          { header: 'equal', value: (c) => pct(c.shareEqual), right: true },
          { header: 'correlation', value: (c) => f4(c.correlation), right: true },
          { header: 'missing here', value: (c) => c.missingHere, right: true },
          { header: 'missing there', value: (c) => c.missingThere, right: true },
        ]),
      );
    });

  forecast
    .command('run')
    .description(
      'the forecast list of one origin year (default: the latest with data), top N marked',
    )
    .option('--origin <year>', 'origin year', year('--origin'))
    .addOption(specOption())
    .addOption(new Option('--format <format>', 'output format').choices(FORMATS).default('table'))
    .option('--all', 'every country, not only the top N')
    .addOption(workersOption())
    .action(
      async (opts: {
        origin?: number;
        spec: string;
        format: Format;
        all?: boolean;
        workers?: number;
      }) => {
        const registry = loadCountryRegistry();
        let notes: TableNote[] | undefined;
        let lastKnown: number | undefined;
        const { spec, rows, origin, model } = await withPool(opts.workers, (pool) =>
          withStore(db(), async (store) => {
            const spec = await loadModelSpec(opts.spec, store);
            const panel = await loadPanel(store, spec, { onTable: (t) => (notes = t.notes) });
            const origin = opts.origin ?? panelYears(panel).last;
            const [result] = await walkForward(panel, spec, { from: origin, to: origin, pool });
            for (let i = 0; i < panel.rows; i++)
              if (!Number.isNaN(panel.y[i]!) && panel.years[i]! <= result!.model.trainedTo)
                lastKnown = Math.max(lastKnown ?? -Infinity, panel.years[i]!);
            return {
              spec,
              origin,
              model: result!.model,
              rows: withIntervals(panel, spec, result!, nameForecasts(registry, [result!])),
            };
          }),
        );
        const shown = (opts.all ? rows : rows.filter((r) => r.rank <= spec.topN)).map((r) => ({
          ...r,
          top: r.rank <= spec.topN,
        }));
        const data = {
          spec: spec.id,
          origin,
          horizonYears: spec.horizonYears,
          topN: spec.topN,
          intervalLevel: INTERVAL_LEVEL,
          model: modelSummary(model),
          trainedTo: model.trainedTo,
          forecasts: shown,
          ...(notes ? { dataNotes: notes } : {}),
        };
        if (opts.format === 'table')
          out(
            `${spec.id}: risk of a new mass killing in ${origin + 1}-${origin + spec.horizonYears}, model trained on outcomes to ${model.trainedTo}${lastKnown !== undefined && lastKnown < model.trainedTo ? ` (known to ${lastKnown})` : ''}`,
          );
        out(
          render(opts.format, data, shown, [
            { header: 'rank', value: (r) => r.rank, right: true },
            { header: 'country', value: (r) => r.name },
            { header: 'ccode', value: (r) => r.ccode, right: true },
            { header: 'risk', value: (r) => pct(r.risk), right: true },
            {
              header: '80% interval',
              value: (r) => (r.low === null ? '' : `${pct(r.low)}-${pct(r.high)}`),
              right: true,
            },
            { header: `top ${spec.topN}`, value: (r) => (r.top ? '*' : '') },
          ]),
        );
        if (opts.format === 'table' && notes?.length) {
          out('\nthe modelling table is partial:');
          for (const n of notes) out(`  ${n.message}`);
        }
      },
    );

  forecast
    .command('fit')
    .description(
      "fit the model on outcomes known up to a year; coefficients on the predictors' own scale",
    )
    .requiredOption('--train-to <year>', 'last year whose outcome is used', year('--train-to'))
    .option('--lambda <value>', 'a fixed penalty (default: chosen by cross-validation)', (v) => {
      const n = Number(v);
      if (!(n >= 0)) throw new InvalidArgumentError('--lambda must be a number ≥ 0');
      return n;
    })
    .addOption(specOption())
    .addOption(
      new Option('--format <format>', 'output format').choices(['table', 'json']).default('json'),
    )
    .addOption(workersOption())
    .action(
      async (opts: {
        trainTo: number;
        lambda?: number;
        spec: string;
        format: Format;
        workers?: number;
      }) => {
        const model = await withPool(opts.lambda === undefined ? opts.workers : 1, (pool) =>
          withStore(db(), async (store) => {
            const spec = await loadModelSpec(opts.spec, store);
            return fitModel(await loadPanel(store, spec), spec, opts.trainTo, {
              lambda: opts.lambda,
              pool,
            });
          }),
        );
        if (opts.format === 'json') return out(JSON.stringify(modelSummary(model), null, 2));
        printModel(model, '');
      },
    );

  forecast
    .command('explain')
    .description(
      "why a country's forecast moved since the previous origin: changes in the data and in the model, by predictor",
    )
    .requiredOption('--country <country>', 'name or code')
    .requiredOption('--origin <year>', 'origin year', year('--origin'))
    .addOption(specOption())
    .addOption(new Option('--format <format>', 'output format').choices(FORMATS).default('table'))
    .option('--top <n>', 'predictors to list in the table', (v) => Number(v), 12)
    .addOption(workersOption())
    .action(
      async (opts: {
        country: string;
        origin: number;
        spec: string;
        format: Format;
        top: number;
        workers?: number;
      }) => {
        const registry = loadCountryRegistry();
        const country = findCountry(registry, opts.country, opts.origin);
        const e = await withPool(opts.workers, (pool) =>
          withStore(db(), async (store) => {
            const spec = await loadModelSpec(opts.spec, store);
            return explainForecast(await loadPanel(store, spec), spec, country.id, opts.origin, {
              pool,
            });
          }),
        );
        if (opts.format === 'table') {
          out(
            `${country.name}: risk ${pct(e.previousRisk)} at origin ${e.previousOrigin} → ${pct(e.risk)} at ${e.origin}; log-odds ${f3(e.previousLogOdds)} → ${f3(e.logOdds)} (change ${f3(e.change)} = data ${f3(e.dataChange)} + model ${f3(e.modelChange)}, of which intercept ${f3(e.interceptChange)})`,
          );
        }
        const rows = opts.format === 'table' ? e.terms.slice(0, opts.top) : e.terms;
        out(
          render(opts.format, e, rows, [
            { header: 'predictor', value: (t) => t.predictor },
            { header: 'value then', value: (t) => t.previousValue, right: true },
            { header: 'value now', value: (t) => t.value, right: true },
            { header: 'coef then', value: (t) => f3(t.previousCoefficient), right: true },
            { header: 'coef now', value: (t) => f3(t.coefficient), right: true },
            { header: 'data', value: (t) => f3(t.data), right: true },
            { header: 'model', value: (t) => f3(t.model), right: true },
            { header: 'total', value: (t) => f3(t.total), right: true },
          ]),
        );
      },
    );

  forecast
    .command('evaluate')
    .description(
      "score walk-forward forecasts against the onsets that followed (optionally against another system's)",
    )
    .argument('<file>', 'forecasts CSV (origin,ccode,name,risk,rank)')
    .option(
      '--against <file>',
      "another system's forecasts in the same columns, compared on the same country-years (repeatable)",
      (v: string, previous: string[] = []) => [...previous, v],
    )
    .requiredOption('--from <year>', 'first outcome year', year('--from'))
    .requiredOption('--to <year>', 'last outcome year', year('--to'))
    .addOption(
      new Option('--format <format>', 'output format').choices(['table', 'json']).default('table'),
    )
    .action(
      async (
        file: string,
        opts: { against?: string[]; from: number; to: number; format: Format },
      ) => {
        const registry = loadCountryRegistry();
        const texts = await Promise.all(
          [file, ...(opts.against ?? [])].map(async (f) => ({
            file: f,
            text: await readFile(f, 'utf8').catch((e: NodeJS.ErrnoException) => {
              throw new InputError(`cannot read: ${e.code}`, { file: f });
            }),
          })),
        );
        const report = await withStore(db(), (store) =>
          evaluateForecastFiles(store, registry, texts, { from: opts.from, to: opts.to }),
        );
        if (opts.format === 'json') return out(JSON.stringify(report, null, 2));
        out(
          `outcome years ${opts.from}-${opts.to}: ${report.countryYears} country-years scored by every file, ${report.onsets} onsets`,
        );
        out(
          render('table', report, report.systems, [
            { header: 'forecasts', value: (s) => s.file },
            { header: 'AUC', value: (s) => f3(s.auc), right: true },
            { header: 'avg precision', value: (s) => f3(s.averagePrecision), right: true },
            { header: 'top 10', value: (s) => pct(s.topShare[10]), right: true },
            { header: 'top 20', value: (s) => pct(s.topShare[20]), right: true },
            { header: 'top 30', value: (s) => pct(s.topShare[30]), right: true },
            {
              header: 'Brier (2-yr)',
              value: (s) => (s.brier === null ? '' : s.brier.toFixed(4)),
              right: true,
            },
            {
              header: 'ECE (2-yr)',
              value: (s) => (s.ece === null ? '' : s.ece.toFixed(4)),
              right: true,
            },
          ]),
        );
        for (const s of report.systems) {
          out(
            `\ncalibration of ${s.file} (two-year outcome, by decile of risk; expected calibration error ${s.ece === null ? 'n/a' : s.ece.toFixed(4)}):`,
          );
          out(
            render('table', s.calibration, s.calibration, [
              { header: 'decile', value: (c) => c.decile, right: true },
              { header: 'forecasts', value: (c) => c.count, right: true },
              { header: 'mean risk', value: (c) => pct(c.meanPredicted), right: true },
              { header: 'observed', value: (c) => pct(c.observed), right: true },
            ]),
          );
        }
      },
    );
}

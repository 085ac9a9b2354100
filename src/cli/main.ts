import { Command, CommanderError, Option } from 'commander';
import { InputError } from '../core/errors.js';
import { CODE_SYSTEMS } from '../core/countries/types.js';
import { SOURCES } from '../sources/index.js';
import type { SourceKind } from '../sources/types.js';
import { loadCountryRegistry } from '../services/countries.js';
import { withStore } from '../services/context.js';
import type { Store } from '../services/context.js';
import { dataCoverage, showCountryData } from '../services/data.js';
import { importFile } from '../services/import.js';
import type { ImportReport } from '../services/import.js';
import { emptySyncReport, syncSources } from '../services/sync.js';
import type { SyncReport } from '../services/sync.js';
import { currentIo, print, printError, render, withIo } from './output.js';
import type { Io } from './output.js';
import type { Format } from './output.js';
import { formatOption, wholeNumber } from './options.js';
import { ProgressBar } from './progress.js';
import { registerRiskCommands } from './commands/risk.js';
import { assessWorld } from '../services/assess.js';
import { buildWatchlist } from '../services/watchlist.js';
import {
  DEFAULT_SPEC,
  loadModelSpec,
  loadPanel,
  nameForecasts,
  walkForward,
} from '../services/forecast.js';
import { panelYears } from '../core/forecast/dataset.js';
import { registerForecastCommands } from './commands/forecast.js';
import { printEventImports, registerEscalationCommands } from './commands/escalation.js';
import { DETECTABLE_EVENT_KINDS } from '../sources/events/index.js';
import type { EventKind } from '../sources/events/index.js';
import { registerServeCommands } from './commands/serve.js';
import { serve } from '../http/listen.js';
import { settleStatuses } from '../services/escalation.js';
import { registerIdentityCommands } from './commands/identity.js';
import { registerPlanCommands } from './commands/plan.js';
import { registerWatchlistCommands } from './commands/watchlist.js';

const KINDS = SOURCES.map((s) => s.kind);

/**
 * Runs the `lens` command with `argv` (without node and script); returns the exit code.
 * Output goes to the standard streams, or to `io` when given (tests run commands in-process).
 */
export async function main(argv: string[], io?: Io): Promise<number> {
  return withIo(io, async () => {
    const program = buildProgram();
    try {
      await program.parseAsync(argv, { from: 'user' });
      return 0;
    } catch (error) {
      if (error instanceof CommanderError) return error.exitCode;
      if (error instanceof InputError) {
        printError(`lens: ${error.message}`);
        return 1;
      }
      const message = error instanceof Error ? error.message : String(error);
      printError(`lens: ${message}`);
      if (process.env.LENS_DEBUG && error instanceof Error) printError(`${error.stack}`);
      return 2;
    }
  });
}

function out(text: string): void {
  print(text);
}

/** Builds the command tree (exported for tests and help generation). */
export function buildProgram(): Command {
  const program = new Command('lens')
    .description(
      'Atrocity prevention lens: structural risk, forecasts and escalation watch for every country',
    )
    .option(
      '--db <url>',
      'database: a SQLite file path or postgres:// URL (default: LENS_DATABASE_URL or the per-user data folder)',
    )
    .exitOverride()
    .configureOutput({
      writeOut: (text) => currentIo().out(text),
      writeErr: (text) => currentIo().err(text),
    })
    .showHelpAfterError();
  const db = () => program.opts<{ db?: string }>().db;

  const countries = program.command('countries').description('the country registry');
  countries
    .command('resolve')
    .description('find a country by name or by a code in any system, optionally in a given year')
    .argument('<query>', 'a name or a code (COW, Gleditsch-Ward, ISO, V-Dem)')
    .addOption(
      new Option('--from <system>', 'the code system of the query').choices([
        ...CODE_SYSTEMS,
        'name',
      ]),
    )
    .option('--year <year>', 'the year (codes change meaning over time)', wholeNumber('--year'))
    .addOption(formatOption())
    .action((query: string, opts: { from?: string; year?: number; format: Format }) => {
      const registry = loadCountryRegistry();
      const found = registry.resolve(query, {
        from: opts.from as (typeof CODE_SYSTEMS)[number] | 'name' | undefined,
        year: opts.year,
      });
      if (found.length === 0) {
        const reason = registry.nonCountryReason(query);
        throw new InputError(
          reason ? `"${query}" is not a country: ${reason}` : `no country matches "${query}"`,
        );
      }
      const rows = found.map((c) => ({ ...c, codes: registry.codesOf(c, opts.year) }));
      out(
        render(
          opts.format,
          {
            query,
            year: opts.year ?? null,
            countries: rows.map((r) => ({
              id: r.id,
              name: r.name,
              from: r.from ?? null,
              to: r.to ?? null,
              codes: r.codes,
              predecessors: r.predecessors,
              successors: r.successors,
            })),
          },
          rows,
          [
            { header: 'id', value: (r) => r.id },
            { header: 'name', value: (r) => r.name },
            { header: 'from', value: (r) => r.from, right: true },
            { header: 'to', value: (r) => r.to, right: true },
            ...CODE_SYSTEMS.map((s) => ({
              header: s,
              value: (r: (typeof rows)[number]) => r.codes[s],
            })),
          ],
        ),
      );
    });

  program
    .command('import')
    .description('import one file of a public source (all or nothing; re-running is safe)')
    .argument('<kind>', `the format: ${KINDS.join(', ')}`)
    .argument('<file>', 'the file')
    .option('--version <label>', "release label (default: the reader's)")
    .option('--released <date>', 'publication date of this release, YYYY-MM-DD')
    .addOption(formatOption())
    .action(
      async (
        kind: string,
        file: string,
        opts: { version?: string; released?: string; format: Format },
      ) => {
        if (!KINDS.includes(kind as SourceKind)) {
          throw new InputError(`unknown kind "${kind}"`, {
            expected: `one of ${KINDS.join(', ')}`,
          });
        }
        const registry = loadCountryRegistry();
        const report = await withStore(db(), async (store) => {
          const bar = new ProgressBar(kind);
          try {
            return await importFile(store, registry, {
              kind: kind as SourceKind,
              path: file,
              version: opts.version,
              releasedOn: opts.released,
              onProgress: (d, t) => bar.update(d, t),
            });
          } finally {
            bar.done();
          }
        });
        printImports(opts.format, { ...emptySyncReport(), imported: [report] });
      },
    );

  program
    .command('sync')
    .description(
      'download every source from its publisher (or take them from --from) and import them',
    )
    .option(
      '--only <kinds...>',
      `only these kinds (${KINDS.join(', ')}; from a folder also the event kinds ${DETECTABLE_EVENT_KINDS.join(', ')})`,
    )
    .option(
      '--from <dir-or-url>',
      'a local folder or a mirror address: files are recognised by their columns, event files (UCDP GED, ACLED) included',
    )
    .option(
      '--sources <file>',
      "JSON file mapping kinds to download addresses (replaces the publishers')",
    )
    .addOption(formatOption())
    .action(async (opts: { only?: string[]; from?: string; sources?: string; format: Format }) => {
      const report = await runSync(db(), opts);
      printImports(opts.format, report);
    });

  const data = program.command('data').description('what the store holds');
  data
    .command('coverage')
    .description('per source: releases, countries, years, variables, values and unmatched rows')
    .addOption(formatOption())
    .action(async (opts: { format: Format }) => {
      const rows = await withStore(db(), (store) => dataCoverage(store));
      printCoverage(opts.format, rows);
    });
  data
    .command('show')
    .description('the values known for a country (latest year of each variable, or one year)')
    .argument('<country>', 'a name or code')
    .option('--year <year>', 'one observation year', wholeNumber('--year'))
    .option('--as-of <date>', 'as known on this date (YYYY-MM-DD; default today)')
    .option('--variable <text>', 'only variables whose name contains this text')
    .addOption(formatOption())
    .action(
      async (
        country: string,
        opts: { year?: number; asOf?: string; variable?: string; format: Format },
      ) => {
        const asOf = opts.asOf === undefined ? undefined : parseDate(opts.asOf, '--as-of');
        const registry = loadCountryRegistry();
        const result = await withStore(db(), (store) =>
          showCountryData(store, registry, country, { year: opts.year, asOf }),
        );
        const filter = opts.variable;
        const values = filter
          ? result.values.filter((v) => v.variable.includes(filter))
          : result.values;
        const shown = { ...result, values };
        if (opts.format === 'table') {
          out(
            `${result.country.name} (${result.country.id}), as known on ${result.asOf}: ${values.length} values`,
          );
        }
        out(
          render(opts.format, shown, values, [
            { header: 'variable', value: (v) => v.variable },
            { header: 'year', value: (v) => v.year, right: true },
            { header: 'value', value: (v) => v.value, right: true },
            { header: 'source', value: (v) => v.source },
            { header: 'public from', value: (v) => v.availableFrom },
          ]),
        );
      },
    );

  registerRiskCommands(program, db);
  registerForecastCommands(program, db);
  registerEscalationCommands(program, db);
  registerServeCommands(program, db);
  registerIdentityCommands(program, db);
  registerPlanCommands(program, db);
  registerWatchlistCommands(program, db);

  program
    .command('start')
    .description(
      'the main job: bring the data in (sync), print what the store covers, the countries at highest structural risk, those with mass killing under way and the highest risks of a new onset, and the forecast list, then open the dashboard',
    )
    .option(
      '--from <dir-or-url>',
      'take the sources from a local folder or mirror instead of the publishers',
    )
    .option('--only <kinds...>', 'only these kinds')
    .option('--no-serve', 'print the summary and exit instead of opening the dashboard')
    .option('--port <n>', 'TCP port of the dashboard', wholeNumber('--port'), 8080)
    .option('--host <address>', 'address the dashboard listens on', '127.0.0.1')
    .action(
      async (opts: {
        from?: string;
        only?: string[];
        serve: boolean;
        port: number;
        host: string;
      }) => {
        const report = await runSync(db(), { from: opts.from, only: opts.only, format: 'table' });
        printImports('table', report);
        // Statuses as the imported data stand, once, so that the first new event is compared
        // with them rather than with nothing.
        const today = new Date().toISOString().slice(0, 10);
        const settled = await withStore(db(), (store) =>
          settleStatuses(store, loadCountryRegistry().all(), today),
        );
        out(
          `Escalation statuses as of ${today}: ${settled.countries} countries, ${settled.aboveNone} above stage none (stored without alerts: the data are not news)`,
        );
        out('');
        const rows = await withStore(db(), (store) => dataCoverage(store));
        printCoverage('table', rows);
        out('');
        out(await withStore(db(), (store) => overviewText(store)));
        if (!opts.serve) return;
        // The dashboard on the same database, until interrupted.
        await serve({
          db: db(),
          port: opts.port,
          host: opts.host,
          workers: 1,
          onListening: (address) => out(`\nDashboard: ${address}/ (Ctrl-C to stop)`),
        });
      },
    );

  return program;
}

async function runSync(
  dbFlag: string | undefined,
  opts: { only?: string[]; from?: string; sources?: string; format: Format },
): Promise<SyncReport> {
  const only = opts.only?.map((k) => {
    if (!KINDS.includes(k as SourceKind) && !DETECTABLE_EVENT_KINDS.includes(k as EventKind)) {
      throw new InputError(`unknown kind "${k}" in --only`, {
        expected: `one of ${[...KINDS, ...DETECTABLE_EVENT_KINDS].join(', ')}`,
      });
    }
    return k as SourceKind | EventKind;
  });
  const addresses = opts.sources ? await readAddresses(opts.sources) : undefined;
  const registry = loadCountryRegistry();
  return withStore(dbFlag, (store) => {
    let bar: ProgressBar | undefined;
    return syncSources(store, registry, {
      only,
      from: opts.from,
      addresses,
      onFile: (file, kind) => {
        bar?.done();
        bar = new ProgressBar(`${kind.padEnd(14)} ${file.split('/').pop() ?? file}`);
        const current = bar;
        return (d, t) => current.update(d, t);
      },
    }).finally(() => bar?.done());
  });
}

async function readAddresses(file: string): Promise<Partial<Record<SourceKind, string>>> {
  const { readFile } = await import('node:fs/promises');
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new InputError(`cannot read the addresses: ${(error as Error).message}`, {
      file,
      expected: 'a JSON object mapping kinds to URLs',
    });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new InputError('not a JSON object', { file, expected: '{"vdem": "https://…", …}' });
  }
  const result: Partial<Record<SourceKind, string>> = {};
  for (const [kind, url] of Object.entries(parsed)) {
    if (!KINDS.includes(kind as SourceKind)) {
      throw new InputError(`unknown kind "${kind}"`, {
        file,
        expected: `one of ${KINDS.join(', ')}`,
      });
    }
    if (typeof url !== 'string' || !/^https?:\/\//.test(url)) {
      throw new InputError(`the address of "${kind}" is not an http(s) URL`, { file });
    }
    result[kind as SourceKind] = url;
  }
  return result;
}

function parseDate(value: string, flag: string): string {
  if (/^\d{4}$/.test(value)) return `${value}-12-31`;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(value))) {
    throw new InputError(`invalid date "${value}" for ${flag}`, {
      expected: 'YYYY-MM-DD or a year',
    });
  }
  return value;
}

function printImports(format: Format, report: SyncReport): void {
  const rows = report.imported;
  out(
    render(format, report, rows, [
      { header: 'kind', value: (r: ImportReport) => r.kind },
      { header: 'file', value: (r) => r.file.split('/').pop() },
      { header: 'status', value: (r) => r.status },
      { header: 'version', value: (r) => r.version },
      { header: 'rows', value: (r) => r.rows, right: true },
      { header: 'values', value: (r) => r.observations || r.episodes, right: true },
      { header: 'countries', value: (r) => r.countries, right: true },
      {
        header: 'unmatched',
        value: (r) => r.unmatched.filter((u) => !u.nonCountry).reduce((s, u) => s + u.rows, 0),
        right: true,
      },
      {
        header: 'non-country',
        value: (r) => r.unmatched.filter((u) => u.nonCountry).reduce((s, u) => s + u.rows, 0),
        right: true,
      },
    ]),
  );
  if (format !== 'table') return;
  for (const r of rows) {
    const name = r.file.split('/').pop();
    if (r.sameAs !== null && r.sameAs !== name)
      out(`  unchanged in ${r.kind}: ${name} has the same rows and values as ${r.sameAs}`);
    for (const b of r.backcast)
      out(
        `  back-cast to predecessor in ${r.kind}: ${b.rows} rows of ${b.from} (${b.years}) stored under ${b.to}, the state of those years`,
      );
    for (const u of r.unmatched.filter((x) => !x.nonCountry)) {
      out(
        `  unmatched in ${r.kind}: "${u.label}" (${u.keys}) ${u.rows} rows ${u.years}, first on line ${u.firstLine}: ${u.reason}`,
      );
    }
  }
  if (report.events.length > 0) {
    out('');
    printEventImports(format, report.events, report.events);
    if (report.events.some((r) => r.status === 'imported'))
      out(
        '  events stored as `lens events import --no-refresh` stores them: no status refreshed, no alert raised',
      );
  }
  for (const f of report.notImported) out(`  not imported: ${f.file}: ${f.reason}`);
  for (const f of report.documentation) out(`  skipped (documentation): ${f}`);
  for (const f of report.unrecognised) out(`  not recognised (no reader for its columns): ${f}`);
}

function printCoverage(format: Format, rows: Awaited<ReturnType<typeof dataCoverage>>): void {
  out(
    render(format, { sources: rows }, rows, [
      { header: 'source', value: (r) => r.source },
      { header: 'releases', value: (r) => r.releases, right: true },
      { header: 'version', value: (r) => r.latestVersion },
      { header: 'countries', value: (r) => r.countries, right: true },
      {
        header: 'years',
        value: (r) => (r.firstYear === null ? '' : `${r.firstYear}-${r.lastYear}`),
      },
      { header: 'variables', value: (r) => r.variables, right: true },
      { header: 'values', value: (r) => r.observations, right: true },
      { header: 'rows', value: (r) => r.rows, right: true },
      { header: 'unmatched', value: (r) => r.unmatched, right: true },
      { header: 'non-country', value: (r) => r.nonCountry, right: true },
    ]),
  );
}

/**
 * The picture the main job ends on: the countries in the top two structural tiers as of the
 * latest date the data support, the watch list (countries with mass killing under way, and
 * the highest risks of a new onset among the others), and the statistical forecast's top of
 * the list at the latest origin with data. A part whose data is missing says so instead of
 * failing the job.
 */
async function overviewText(store: Store): Promise<string> {
  const registry = loadCountryRegistry();
  const lines: string[] = [];
  try {
    // The latest date on which the store's data support a tier for most countries: today,
    // else the end of an earlier year (the sources in the store may be older releases).
    let report = await assessWorld(store, registry.all());
    for (
      let year = new Date().getUTCFullYear() - 1;
      year >= new Date().getUTCFullYear() - 8;
      year--
    ) {
      if (report.assessments.filter((a) => a.tier !== null).length * 2 >= report.assessments.length)
        break;
      report = await assessWorld(store, registry.all(), { asOf: `${year}-12-31` });
    }
    const top = report.assessments.filter((a) => a.tier === 'extreme' || a.tier === 'high');
    lines.push(
      `Structural risk (${report.framework.id} v${report.framework.version}) as of ${report.asOf}: ${top.length} of ${report.assessments.length} countries in the top two tiers`,
    );
    for (const tier of ['extreme', 'high'] as const) {
      const names = top.filter((a) => a.tier === tier).map((a) => a.country.name);
      lines.push(`  ${tier}: ${names.join(', ') || 'none'}`);
    }
  } catch (error) {
    lines.push(`Structural risk: not available (${(error as Error).message})`);
  }
  try {
    const list = await buildWatchlist(store, registry.all());
    const underWay = list.countries.filter((c) => c.underWay);
    lines.push(
      `\nWatch list as of ${list.asOf} (${list.model.id} v${list.model.version}): mass killing under way in ${underWay.length} countries: ${underWay.map((c) => c.country.name).join(', ') || 'none'}`,
    );
    lines.push('Highest risk of a new onset, among the others:');
    for (const c of list.countries.filter((x) => x.onsetRank !== null).slice(0, 10))
      lines.push(
        `  ${String(c.onsetRank).padStart(2)}. ${c.country.name} ${((c.onsetRisk ?? 0) * 100).toFixed(1)}% (${c.drivers.find((d) => d.source !== 'episodes')?.what ?? 'no driver'})`,
      );
    if (list.forecast.note) lines.push(`  (${list.forecast.note})`);
  } catch (error) {
    lines.push(`\nWatch list: not available (${(error as Error).message})`);
  }
  try {
    const spec = await loadModelSpec(DEFAULT_SPEC, store);
    const panel = await loadPanel(store, spec);
    const origin = panelYears(panel).last;
    const [result] = await walkForward(panel, spec, { from: origin, to: origin, workers: 1 });
    const named = nameForecasts(registry, result ? [result] : []).slice(0, 10);
    lines.push(
      `\nForecast (${spec.id}), risk of a new mass killing in ${origin + 1}-${origin + spec.horizonYears}, top 10:`,
    );
    for (const r of named)
      lines.push(`  ${String(r.rank).padStart(2)}. ${r.name} ${(r.risk * 100).toFixed(1)}%`);
  } catch (error) {
    lines.push(`\nForecast: not available (${(error as Error).message})`);
  }
  lines.push(
    '\nMore: lens assess, lens watchlist, lens backtest, lens forecast run, lens data show COUNTRY (--help on each).',
  );
  return lines.join('\n');
}

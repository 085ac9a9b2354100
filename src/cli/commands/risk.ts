import { InvalidArgumentError, Option } from 'commander';
import type { Command } from 'commander';
import { InputError } from '../../core/errors.js';
import { assessWorld, DEFAULT_FRAMEWORK } from '../../services/assess.js';
import {
  runBacktest,
  runBacktestComparison,
  runRollingBacktest,
  runRollingComparison,
} from '../../services/backtest.js';
import { loadCountryRegistry } from '../../services/countries.js';
import { withStore } from '../../services/context.js';
import { findCountry } from '../../services/data.js';
import { listEpisodesByDecade } from '../../services/episodes.js';
import {
  listFrameworks,
  loadFramework,
  storeVariables,
  validateFrameworkFile,
} from '../../services/frameworks.js';
import {
  addAnalystOverride,
  overridesFor,
  withdrawAnalystOverride,
} from '../../services/overrides.js';
import { SYSTEM } from '../../services/identity.js';
import { formatOption, wholeNumber } from '../options.js';
import { print, printError, render } from '../output.js';
import type { Format } from '../output.js';

type Db = () => string | undefined;

const pct = (v: number | null | undefined) =>
  v === null || v === undefined ? '' : `${(v * 100).toFixed(0)}%`;
const num = (v: number | null | undefined, d = 2) =>
  v === null || v === undefined ? '' : v.toFixed(d);

function out(text: string): void {
  print(text);
}

/** `lens frameworks`, `lens assess`, `lens backtest`, `lens override`, `lens episodes`. */
export function registerRiskCommands(program: Command, db: Db): void {
  const frameworks = program
    .command('frameworks')
    .description('structural risk frameworks (data in content/frameworks)');
  frameworks
    .command('list')
    .description('every framework version')
    .addOption(formatOption())
    .action(async (opts: { format: Format }) => {
      const list = await listFrameworks();
      out(
        render(opts.format, { frameworks: list }, list, [
          { header: 'id', value: (f) => f.id },
          { header: 'version', value: (f) => f.version, right: true },
          { header: 'latest', value: (f) => (f.latest ? 'yes' : '') },
          { header: 'title', value: (f) => f.title },
        ]),
      );
    });
  frameworks
    .command('show')
    .description('a framework: groups, factors, indicators, tiers')
    .argument('<id>', 'ID, ID@VERSION or ID.vVERSION')
    .addOption(formatOption(['table', 'json']))
    .action(async (id: string, opts: { format: Format }) => {
      const f = await loadFramework(id);
      if (opts.format === 'json') return out(JSON.stringify(f, null, 2));
      out(`${f.id} version ${f.version}: ${f.title}`);
      for (const g of f.groups) {
        out(`\n${g.id}: ${g.title} (weight ${g.weight ?? 1})`);
        for (const factor of g.factors) {
          const vars = factor.indicators.flatMap((i) =>
            i.transform.kind === 'episodes'
              ? [`mass-killing episodes (${i.transform.role}, ${i.transform.years} years)`]
              : i.variables,
          );
          out(
            `  ${factor.id}: ${factor.title}${vars.length ? ` — ${[...new Set(vars)].join(', ')}` : ' — analyst input'}`,
          );
        }
      }
      out(`\ntiers: ${JSON.stringify(f.tiers)}`);
    });
  frameworks
    .command('validate')
    .description("check a framework file (against the store's variables when it has data)")
    .argument('<file>', 'a framework JSON file')
    .addOption(formatOption(['table', 'json']))
    .action(async (file: string, opts: { format: Format }) => {
      const known = await withStore(db(), (store) => storeVariables(store));
      const result = await validateFrameworkFile(file, { knownVariables: known });
      if (opts.format === 'json') out(JSON.stringify(result, null, 2));
      else if (result.ok)
        out(
          `${result.file}: valid (${result.id} version ${result.version})${result.variablesChecked ? '' : '; variables not checked: the store is empty'}`,
        );
      else for (const i of result.issues) out(`${result.file}: ${i.path}: ${i.message}`);
      if (!result.ok) throw new InputError(`${result.file}: ${result.issues.length} problem(s)`);
    });

  program
    .command('assess')
    .description('score every country (or one) on a framework as of a date')
    .option('--framework <id>', 'framework ID or ID@VERSION', DEFAULT_FRAMEWORK)
    .option(
      '--as-of <date>',
      'YYYY-MM-DD or a year (its last day); default the latest date the data support',
    )
    .option('--country <country>', 'one country (name or code)')
    .option('--no-overrides', 'ignore analyst overrides (they are applied and shown by default)')
    .addOption(formatOption())
    .action(
      async (opts: {
        framework: string;
        asOf?: string;
        country?: string;
        overrides: boolean;
        format: Format;
      }) => {
        const registry = loadCountryRegistry();
        const countryIds = opts.country ? [findCountry(registry, opts.country).id] : undefined;
        const framework = await loadFramework(opts.framework);
        const report = await withStore(db(), async (store) =>
          assessWorld(store, registry.all(), {
            framework: opts.framework,
            asOf: opts.asOf,
            countryIds,
            overrides: await overridesFor(store, SYSTEM, framework.id, countryIds?.[0]),
            applyOverrides: opts.overrides,
          }),
        );
        const rows = report.assessments;
        for (const w of report.warnings) printError(`lens: warning: ${w}`);
        if (opts.format === 'table')
          out(
            `${report.framework.id} v${report.framework.version}, as of ${report.asOf}: ${rows.length} countries`,
          );
        out(
          render(opts.format, report, rows, [
            { header: 'country', value: (a) => a.country.name },
            { header: 'iso3', value: (a) => a.country.iso3 },
            { header: 'tier', value: (a) => a.tier ?? 'n/a' },
            { header: 'score', value: (a) => num(a.score), right: true },
            { header: 'without floor', value: (a) => num(a.scoreWithoutFloor), right: true },
            { header: 'tier without floor', value: (a) => a.tierWithoutFloor ?? 'n/a' },
            { header: 'coverage', value: (a) => pct(a.coverage), right: true },
            { header: 'change', value: (a) => a.change?.direction ?? '' },
            { header: 'drivers', value: (a) => a.drivers.map((d) => d.factor).join(' ') },
            {
              header: 'overridden',
              value: (a) =>
                a.factors
                  .filter((f) => f.override)
                  .map((f) => `${f.id}:${f.computedSeverity ?? '-'}→${f.override?.severity}`)
                  .join(' '),
            },
          ]),
        );
        if (opts.format === 'table' && opts.country && rows[0]) {
          const floor = rows[0].floor;
          if (floor) out(`  lifted from ${num(floor.unliftedScore)}: ${floor.reason}`);
          for (const f of rows[0].factors) {
            const ev = f.evidence
              .map(
                (e) =>
                  `${e.variable}=${num(e.value, 3)} (${e.year}${e.stale ? `, stale: ${e.age} years old` : ''})`,
              )
              .join(', ');
            out(
              `  ${f.id.padEnd(28)} ${String(f.severity ?? 'missing').padStart(7)}  ${f.kind === 'analyst' && !f.override ? 'analyst input' : ev}${f.override ? `  [override by ${f.override.by}: ${f.override.reason}]` : ''}`,
            );
          }
          for (const c of rows[0].change?.causes ?? [])
            out(
              `  since ${rows[0].change!.previousAsOf}: ${c.factor} ${c.from ?? '-'}→${c.to ?? '-'} (${c.cause}: ${c.detail})`,
            );
          out(
            `  sources: ${rows[0].freshness.map((f) => `${f.source}${f.release ? ` ${f.release}` : ''} to ${f.latestYear}${f.availableFrom ? ` (public ${f.availableFrom})` : ''}${f.stale ? ', stale' : ''}`).join('; ')}`,
          );
        }
      },
    );

  program
    .command('backtest')
    .description('the tiers as of a date against mass killing over a window (EWP episodes)')
    .option('--framework <id>', 'framework ID or ID@VERSION', DEFAULT_FRAMEWORK)
    .option('--as-of <date>', 'YYYY-MM-DD or a year (its last day)')
    .option('--window <years>', 'Y1-Y2, the years whose mass killing counts')
    .addOption(
      new Option('--outcome <kind>', 'ongoing: any episode under way; onset: new ones only')
        .choices(['ongoing', 'onset'])
        .default('ongoing'),
    )
    .option(
      '--rolling <years>',
      'repeat for every as-of year Y1-Y2, each with the next --horizon years',
    )
    .option(
      '--horizon <n>',
      'years after each as-of year in a rolling backtest',
      wholeNumber('--horizon'),
      5,
    )
    .option('--compare <ids>', 'two frameworks side by side: ID,ID')
    .addOption(
      new Option('--universe <u>', 'which countries: all assessed, or the EWP panel')
        .choices(['assessed', 'ewp-panel'])
        .default('assessed'),
    )
    .option(
      '--overrides',
      'apply analyst overrides recorded by the as-of date (default: automatic scoring only)',
    )
    .addOption(formatOption(['table', 'json']))
    .action(
      async (opts: {
        framework: string;
        asOf?: string;
        window?: string;
        outcome: 'ongoing' | 'onset';
        rolling?: string;
        horizon: number;
        compare?: string;
        universe: 'assessed' | 'ewp-panel';
        overrides?: boolean;
        format: Format;
      }) => {
        const registry = loadCountryRegistry();
        const countries = registry.all();
        const pair = opts.compare ? parsePair(opts.compare) : undefined;
        await withStore(db(), async (store) => {
          if (opts.rolling) {
            const base = {
              years: opts.rolling,
              horizon: opts.horizon,
              outcome: opts.outcome,
              universe: opts.universe,
            };
            const reports = pair
              ? await runRollingComparison(store, countries, { ...base, frameworks: pair })
              : [
                  await runRollingBacktest(store, countries, {
                    ...base,
                    framework: opts.framework,
                  }),
                ];
            if (opts.format === 'json')
              return out(
                JSON.stringify(pair ? { frameworks: pair, reports } : reports[0], null, 2),
              );
            for (const r of reports) {
              out(
                `${r.framework} v${r.frameworkVersion}, rolling ${opts.rolling}, ${r.outcome} over the next ${r.horizon} years: mean AUC ${num(r.meanAuc, 3)}, mean top-two recall ${pct(r.meanTopTwoRecall)}, mean top-two share ${pct(r.meanTopTwoShare)}, mean extreme-tier share ${pct(r.meanExtremeShare)}`,
              );
              out(
                render('table', r, r.years, [
                  { header: 'as of', value: (y) => y.asOf },
                  { header: 'window', value: (y) => `${y.window.from}-${y.window.to}` },
                  { header: 'countries', value: (y) => y.countries, right: true },
                  { header: 'with MK', value: (y) => y.atrocityCountries, right: true },
                  { header: 'AUC', value: (y) => num(y.auc, 3), right: true },
                  { header: 'top-2 recall', value: (y) => pct(y.topTwoRecall), right: true },
                  { header: 'top-2 size', value: (y) => y.topTwoSize, right: true },
                  { header: 'extreme share', value: (y) => pct(y.extremeShare), right: true },
                  { header: 'misses', value: (y) => y.misses, right: true },
                ]),
              );
              out('');
            }
            return;
          }
          if (!opts.asOf || !opts.window)
            throw new InputError('--as-of and --window are required (or --rolling)', {
              expected: 'e.g. --as-of 1997 --window 1998-2008',
            });
          const overrides = opts.overrides
            ? await overridesFor(store, SYSTEM, (await loadFramework(opts.framework)).id)
            : undefined;
          const base = {
            asOf: opts.asOf,
            window: opts.window,
            outcome: opts.outcome,
            universe: opts.universe,
            overrides,
          };
          if (pair) {
            const cmp = await runBacktestComparison(store, countries, {
              ...base,
              frameworks: pair,
            });
            if (opts.format === 'json') return out(JSON.stringify(cmp, null, 2));
            for (const r of cmp.results) printBacktest(r);
            out(
              `disagreements (top two tiers of one and not the other): ${cmp.disagreements.map((d) => `${d.name}${d.atrocity ? '*' : ''} [${d.tiers.join('/')}]`).join(', ') || 'none'}`,
            );
            return;
          }
          const result = await runBacktest(store, countries, {
            ...base,
            framework: opts.framework,
          });
          if (opts.format === 'json') return out(JSON.stringify(result, null, 2));
          printBacktest(result);
        });
      },
    );

  const override = program
    .command('override')
    .description('analyst judgement on a factor (stored with who, when, why)');
  override
    .command('set')
    .description("set or override a factor's severity for a country")
    .requiredOption('--country <country>', 'name or code')
    .requiredOption('--factor <id>', 'factor id (see `lens frameworks show`)')
    .requiredOption('--severity <n>', 'severity from 0 (absent) to 4 (extreme)', (v) =>
      severityArg(v),
    )
    .requiredOption('--reason <text>', 'why')
    .requiredOption('--source <text>', 'the evidence: a report, a field source, a URL')
    .option('--framework <id>', 'framework', DEFAULT_FRAMEWORK)
    .option('--by <name>', 'who (default: the user name)', process.env.USER ?? 'analyst')
    .option('--effective-from <date>', 'assessments as of earlier dates ignore it (default: today)')
    .option('--tlp <level>', 'sharing level: CLEAR, GREEN, AMBER (default), AMBER+STRICT or RED')
    .option(
      '--org <id>',
      'the organisation that owns it (default none: only you see it above GREEN)',
    )
    .addOption(formatOption(['table', 'json']))
    .action(
      async (opts: {
        country: string;
        factor: string;
        severity: number;
        reason: string;
        source: string;
        framework: string;
        by: string;
        effectiveFrom?: string;
        tlp?: string;
        org?: string;
        format: Format;
      }) => {
        const registry = loadCountryRegistry();
        const country = findCountry(registry, opts.country);
        const stored = await withStore(db(), (store) =>
          addAnalystOverride(store, SYSTEM, {
            framework: opts.framework,
            countryId: country.id,
            factorId: opts.factor,
            severity: opts.severity,
            reason: opts.reason,
            source: opts.source,
            by: opts.by,
            effectiveFrom: opts.effectiveFrom,
            tlp: opts.tlp,
            organisation: opts.org,
          }),
        );
        out(
          opts.format === 'json'
            ? JSON.stringify(stored, null, 2)
            : `override ${stored.id}: ${country.name} ${stored.factorId} = ${stored.severity} (${stored.frameworkId}), by ${stored.by} at ${stored.at}`,
        );
      },
    );
  override
    .command('list')
    .description('active overrides')
    .option('--framework <id>', 'only this framework')
    .option('--country <country>', 'only this country')
    .addOption(formatOption())
    .action(async (opts: { framework?: string; country?: string; format: Format }) => {
      const registry = loadCountryRegistry();
      const countryId = opts.country ? findCountry(registry, opts.country).id : undefined;
      const list = await withStore(db(), (store) =>
        overridesFor(store, SYSTEM, opts.framework, countryId),
      );
      out(
        render(opts.format, { overrides: list }, list, [
          { header: 'id', value: (o) => o.id, right: true },
          { header: 'framework', value: (o) => o.frameworkId },
          { header: 'country', value: (o) => o.countryId },
          { header: 'factor', value: (o) => o.factorId },
          { header: 'severity', value: (o) => o.severity, right: true },
          { header: 'by', value: (o) => o.by },
          { header: 'at', value: (o) => o.at },
          { header: 'reason', value: (o) => o.reason },
          { header: 'source', value: (o) => o.source },
        ]),
      );
    });
  override
    .command('withdraw')
    .description('withdraw an override (kept in the record, no longer applied)')
    .argument('<id>', 'override id', wholeNumber('id'))
    .action(async (id: number) => {
      await withStore(db(), (store) => withdrawAnalystOverride(store, SYSTEM, id));
      out(`override ${id} withdrawn`);
    });

  program
    .command('episodes')
    .description('mass-killing episodes since 1945 by decade of onset, wartime and peacetime')
    .addOption(new Option('--by <what>', 'grouping').choices(['decade', 'none']).default('decade'))
    .addOption(
      new Option('--context <ctx>', 'only episodes that began in war or in peace').choices([
        'war',
        'peace',
      ]),
    )
    .addOption(formatOption())
    .action(async (opts: { by: 'decade' | 'none'; context?: 'war' | 'peace'; format: Format }) => {
      const result = await withStore(db(), (store) =>
        listEpisodesByDecade(store, { context: opts.context }),
      );
      if (opts.by === 'none') {
        const rows = result.episodes;
        return out(
          render(opts.format, result, rows, [
            { header: 'code', value: (e) => e.code },
            { header: 'country', value: (e) => e.countryLabel },
            { header: 'start', value: (e) => e.startYear, right: true },
            { header: 'end', value: (e) => e.endYear ?? 'ongoing', right: true },
            { header: 'perpetrator', value: (e) => (e.stateLed ? 'state' : 'non-state') },
            { header: 'context', value: (e) => e.context },
            { header: 'name', value: (e) => e.name },
          ]),
        );
      }
      out(
        render(opts.format, result, result.decades, [
          { header: 'decade', value: (d) => `${d.decade}s` },
          { header: 'episodes', value: (d) => d.total, right: true },
          { header: 'in war', value: (d) => d.war, right: true },
          { header: 'in peace', value: (d) => d.peace, right: true },
          { header: 'unknown', value: (d) => d.unknown, right: true },
          { header: 'state-led', value: (d) => d.stateLed, right: true },
          { header: 'non-state', value: (d) => d.nonState, right: true },
        ]),
      );
      if (opts.format === 'table') out(`\nrule: ${result.rule}`);
    });
}

function printBacktest(r: Awaited<ReturnType<typeof runBacktest>>): void {
  out(
    `${r.framework} v${r.frameworkVersion} as of ${r.asOf}, mass killing (${r.outcome}) ${r.window.from}-${r.window.to}`,
  );
  out(
    render('table', r, r.tiers, [
      { header: 'tier', value: (t) => t.tier },
      { header: 'countries', value: (t) => t.total, right: true },
      { header: 'with MK', value: (t) => t.atrocities, right: true },
      { header: 'share', value: (t) => pct(t.share), right: true },
      {
        header: 'which',
        value: (t) =>
          t.countries
            .filter((c) => c.atrocity)
            .map((c) => c.name)
            .join(', '),
      },
    ]),
  );
  out(
    `AUC ${num(r.auc, 3)}; top two tiers hold ${r.topTwoSize} countries and ${pct(r.topTwoRecall)} of those with mass killing`,
  );
  out(
    `misses (mass killing, rated below high): ${r.misses.map((m) => `${m.name} (${m.tier}, ${num(m.score)})`).join(', ') || 'none'}\n`,
  );
}

function parsePair(text: string): [string, string] {
  const parts = text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (parts.length !== 2)
    throw new InputError(`--compare takes two frameworks, got "${text}"`, { expected: 'ID,ID' });
  return [parts[0]!, parts[1]!];
}

function severityArg(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0 || n > 4)
    throw new InvalidArgumentError('severity must be a number from 0 to 4');
  return n;
}

import type { Command } from 'commander';
import { InputError } from '../../core/errors.js';
import { loadCountryRegistry } from '../../services/countries.js';
import { withStore } from '../../services/context.js';
import {
  buildWatchlist,
  runOnsetBacktest,
  runRollingOnsetBacktest,
} from '../../services/watchlist.js';
import { formatOption, wholeNumber } from '../options.js';
import { print, printError, render } from '../output.js';
import type { Format } from '../output.js';

type Db = () => string | undefined;

const pct = (v: number | null | undefined, d = 0) =>
  v === null || v === undefined ? '' : `${(v * 100).toFixed(d)}%`;
const num = (v: number | null | undefined, d = 3) =>
  v === null || v === undefined ? '' : v.toFixed(d);

/** `lens watchlist` and `lens watchlist backtest`. */
export function registerWatchlistCommands(program: Command, db: Db): void {
  const watchlist = program
    .command('watchlist')
    .description(
      'every country: episode under way, and the risk of a new onset (structural score without floor, forecast, escalation) with its drivers',
    )
    .option(
      '--as-of <date>',
      'YYYY-MM-DD or a year (its last day); default the latest date the data support',
    )
    .option('--model <id>', 'onset-risk model ID or ID@VERSION (content/watchlist)')
    .option('--workers <n>', 'threads for the forecast fit', wholeNumber('--workers'), 1)
    .addOption(formatOption())
    .action(async (opts: { asOf?: string; model?: string; workers: number; format: Format }) => {
      const registry = loadCountryRegistry();
      const list = await withStore(db(), (store) =>
        buildWatchlist(store, registry.all(), {
          asOf: opts.asOf,
          model: opts.model,
          workers: opts.workers,
        }),
      );
      for (const w of list.warnings) printError(`lens: warning: ${w}`);
      if (opts.format === 'table') {
        print(
          `Watch list as of ${list.asOf} (${list.model.id} v${list.model.version}; ${list.framework.id} v${list.framework.version}; forecast ${list.forecast.spec}, ${list.forecast.origin === null ? 'none' : `origin ${list.forecast.origin}`})`,
        );
        print(
          `Sources: ${list.freshness.map((f) => `${f.source} to ${f.latestYear}${f.stale ? ' (stale)' : ''}`).join(', ')}`,
        );
      }
      print(
        render(opts.format, list, list.countries, [
          { header: 'rank', value: (c) => c.onsetRank ?? '', right: true },
          { header: 'country', value: (c) => c.country.name },
          { header: 'cow', value: (c) => c.country.cow ?? '', right: true },
          { header: 'under way', value: (c) => (c.underWay ? c.episodes.join(' ') : '') },
          { header: 'onset risk', value: (c) => pct(c.onsetRisk, 1), right: true },
          { header: 'tier', value: (c) => c.tier ?? 'n/a' },
          { header: 'without floor', value: (c) => c.tierWithoutFloor ?? 'n/a' },
          { header: 'forecast', value: (c) => pct(c.forecast, 1), right: true },
          { header: 'stage', value: (c) => c.stage ?? '' },
          { header: 'imminent', value: (c) => (c.imminent ? 'yes' : '') },
          {
            header: 'drivers',
            value: (c) =>
              c.drivers
                .filter((d) => d.source !== 'episodes')
                .map((d) => d.what)
                .join('; '),
          },
        ]),
      );
    });

  watchlist
    .command('backtest')
    .description(
      'among countries with no episode under way on a date, how well the onset risk ranks those where a new one begins in a window',
    )
    .option('--as-of <date>', 'YYYY-MM-DD or a year (its last day)')
    .option('--window <years>', 'Y1-Y2, the years in which a new episode counts')
    .option(
      '--rolling <years>',
      'repeat as of every year Y1-Y2, each over the next --horizon years',
    )
    .option('--horizon <n>', 'years after each as-of year (rolling)', wholeNumber('--horizon'), 5)
    .option('--model <id>', 'onset-risk model ID or ID@VERSION (content/watchlist)')
    .option('--workers <n>', 'threads for the forecast fits', wholeNumber('--workers'), 2)
    .addOption(formatOption(['table', 'json']))
    .action(async (_opts: unknown, cmd: Command) => {
      // `--as-of` and `--model` are also options of `lens watchlist`, which reads them first.
      const opts = cmd.optsWithGlobals<{
        asOf?: string;
        window?: string;
        rolling?: string;
        horizon: number;
        model?: string;
        workers: number;
        format: Format;
      }>();
      const registry = loadCountryRegistry();
      if (opts.rolling) {
        const r = await withStore(db(), (store) =>
          runRollingOnsetBacktest(store, registry.all(), {
            years: opts.rolling!,
            horizon: opts.horizon,
            model: opts.model,
            workers: opts.workers,
          }),
        );
        if (opts.format === 'json') return print(JSON.stringify(r, null, 2));
        print(
          `Rolling onset backtest (${r.model.id} v${r.model.version}), windows of ${r.horizon} years: AUC and top-30 share`,
        );
        print(
          render('table', r, r.years, [
            { header: 'as of', value: (y) => y.asOf },
            { header: 'window', value: (y) => `${y.window.from}-${y.window.to}` },
            { header: 'countries', value: (y) => y.countries, right: true },
            { header: 'onsets', value: (y) => y.onsets, right: true },
            {
              header: 'onset risk',
              value: (y) => `${num(y.onsetRisk.auc)} ${pct(y.onsetRisk.top30)}`,
            },
            {
              header: 'structural',
              value: (y) => `${num(y.structural.auc)} ${pct(y.structural.top30)}`,
            },
            {
              header: 'forecast',
              value: (y) => `${num(y.forecast.auc)} ${pct(y.forecast.top30)}`,
            },
          ]),
        );
        for (const k of ['onsetRisk', 'structural', 'forecast'] as const) {
          const m = r.mean[k];
          print(
            `mean ${k}: AUC ${num(m.auc)}, top 10 ${pct(m.top10)}, top 20 ${pct(m.top20)}, top 30 ${pct(m.top30)}`,
          );
        }
        return;
      }
      if (!opts.asOf || !opts.window)
        throw new InputError('--as-of and --window are required', {
          expected: 'e.g. --as-of 1997 --window 1998-2008 (or --rolling 1975-2004)',
        });
      const r = await withStore(db(), (store) =>
        runOnsetBacktest(store, registry.all(), {
          asOf: opts.asOf!,
          window: opts.window!,
          model: opts.model,
          workers: opts.workers,
        }),
      );
      if (opts.format === 'json') return print(JSON.stringify(r, null, 2));
      print(
        `Onset backtest as of ${r.asOf}, new episodes ${r.window.from}-${r.window.to} (${r.model.id} v${r.model.version}; forecast ${r.forecast.origin === null ? 'none' : `origin ${r.forecast.origin}`})`,
      );
      print(`${r.countries} countries with no episode under way, ${r.onsets} with a new one`);
      print(
        render(
          'table',
          null,
          [
            { name: 'onset risk', m: r },
            { name: 'structural score alone', m: r.alone.structural },
            { name: 'forecast alone', m: r.alone.forecast },
          ],
          [
            { header: 'ranking', value: (x) => x.name },
            { header: 'AUC', value: (x) => num(x.m.auc), right: true },
            { header: 'top 10', value: (x) => pct(x.m.top10), right: true },
            { header: 'top 20', value: (x) => pct(x.m.top20), right: true },
            { header: 'top 30', value: (x) => pct(x.m.top30), right: true },
          ],
        ),
      );
      for (const m of r.misses)
        print(
          `  miss: ${m.country.name}, rank ${m.rank ?? 'none'}, ${pct(m.onsetRisk, 1)}: ${m.episodes.join(', ')}`,
        );
      if (r.forecast.note) print(`  ${r.forecast.note}`);
    });
}

import { backtest, compareBacktests, rollingSummary } from '../core/backtest/backtest.js';
import type {
  BacktestComparison,
  BacktestResult,
  Outcome,
  RollingSummary,
  ScoredCountry,
  YearWindow,
} from '../core/backtest/backtest.js';
import type { Country } from '../core/countries/types.js';
import { InputError } from '../core/errors.js';
import { parseAsOf, yearOf } from '../core/frameworks/as-of.js';
import { assessCountries } from '../core/frameworks/assess.js';
import type { AssessmentInput, Episode, Observation, Override } from '../core/frameworks/assess.js';
import type { Framework } from '../core/frameworks/types.js';
import type { Store } from '../store/database.js';
import { observationsAsOf } from '../store/observations-repository.js';
import {
  DEFAULT_FRAMEWORK,
  countryRef,
  loadEpisodes,
  loadInput,
  lookbackYears,
  revisedBetween,
  selectCountries,
} from './assess.js';
import { loadFramework } from './frameworks.js';

/**
 * Which countries a backtest counts: `assessed`, every country that exists on the as-of
 * date and has enough data for a tier; `ewp-panel`, only those of them in the Early Warning
 * Project's outcome panel that year (states above 500,000 people, where mass killing is
 * coded), read from `ewp-base:mk_ongoing`.
 */
export type Universe = 'assessed' | 'ewp-panel';

/** Options of `runBacktest`. */
export interface BacktestOptions {
  /** Framework `ID` or `ID@VERSION`; default `preconditions-2011`. */
  framework?: string;
  /** `YYYY-MM-DD` or `YYYY` (end of that year). */
  asOf: string;
  /** Calendar years, inclusive: `{from, to}` or `"Y1-Y2"`. */
  window: YearWindow | string;
  /** Default `ongoing`. */
  outcome?: Outcome;
  /** Default `assessed`. */
  universe?: Universe;
  /** Apply analyst overrides recorded by the as-of date (default: automatic scoring only). */
  overrides?: readonly Override[];
  frameworksDir?: string;
}

/**
 * Scores every country as of a date and sets the tiers against mass killing in the window
 * (EWP episodes located in the country, or in states that took its place during the
 * window). The JSON field names of the result are a contract (`lens backtest`).
 */
export async function runBacktest(
  store: Store,
  countries: readonly Country[],
  options: BacktestOptions,
): Promise<BacktestResult> {
  const framework = await loadFramework(
    options.framework ?? DEFAULT_FRAMEWORK,
    options.frameworksDir,
  );
  const episodes = await loadEpisodes(store);
  const asOf = parseAsOf(options.asOf);
  const window = typeof options.window === 'string' ? parseWindow(options.window) : options.window;
  return backtestOne(store, countries, framework, episodes, asOf, window, options);
}

/** Options of `runRollingBacktest`. */
export interface RollingOptions {
  framework?: string;
  /** As-of years, inclusive (each as of 31 December): `{from, to}` or `"1975-2012"`. */
  years: YearWindow | string;
  /**
   * Length of the window after each as-of year, in years (default 5): as of the end of Y the
   * window is Y+1 … Y+horizon, cut at the last year of the episode data. Years whose window
   * would start after it are left out.
   */
  horizon?: number;
  outcome?: Outcome;
  universe?: Universe;
  frameworksDir?: string;
}

/** A rolling backtest: the summary, and each year's full result. */
export interface RollingReport extends RollingSummary {
  horizon: number;
  /** Last year the episode data covers (windows are cut there). */
  outcomeDataEnd: number;
  results: BacktestResult[];
}

/** Repeats the backtest as of the end of every year of a span and summarises it. */
export async function runRollingBacktest(
  store: Store,
  countries: readonly Country[],
  options: RollingOptions,
): Promise<RollingReport> {
  const framework = await loadFramework(
    options.framework ?? DEFAULT_FRAMEWORK,
    options.frameworksDir,
  );
  const episodes = await loadEpisodes(store);
  const span = typeof options.years === 'string' ? parseWindow(options.years) : options.years;
  const horizon = options.horizon ?? 5;
  if (!Number.isInteger(horizon) || horizon < 1) {
    throw new InputError(`invalid horizon ${horizon}`, { expected: 'a whole number of years ≥ 1' });
  }
  const dataEnd = episodeDataEnd(episodes);
  const last = Math.min(span.to, dataEnd - 1);
  // One load for every date unless a source was revised within the span (see
  // `revisedBetween`): the values of each date are those of the load already public on it.
  const shared =
    last > span.from &&
    !(await revisedBetween(store, framework, `${span.from}-12-31`, `${last}-12-31`))
      ? await loadInput(store, framework, `${last}-12-31`, episodes, {
          extraYears: last - span.from,
        })
      : undefined;
  const lookback = lookbackYears(framework);
  const results: BacktestResult[] = [];
  for (let y = span.from; y <= last; y++) {
    const asOf = `${y}-12-31`;
    const window = { from: y + 1, to: Math.min(y + horizon, dataEnd) };
    const input = shared && inputAsOf(shared, asOf, lookback);
    results.push(
      await backtestOne(store, countries, framework, episodes, asOf, window, options, input),
    );
  }
  return { ...rollingSummary(results), horizon, outcomeDataEnd: dataEnd, results };
}

/** Two frameworks' backtests on the same date, window and outcome, side by side. */
export async function runBacktestComparison(
  store: Store,
  countries: readonly Country[],
  options: Omit<BacktestOptions, 'framework'> & { frameworks: [string, string] },
): Promise<BacktestComparison> {
  const [a, b] = await Promise.all(
    options.frameworks.map((framework) => runBacktest(store, countries, { ...options, framework })),
  );
  return compareBacktests(a!, b!);
}

/** Two frameworks' rolling backtests side by side. */
export async function runRollingComparison(
  store: Store,
  countries: readonly Country[],
  options: Omit<RollingOptions, 'framework'> & { frameworks: [string, string] },
): Promise<[RollingReport, RollingReport]> {
  const a = await runRollingBacktest(store, countries, {
    ...options,
    framework: options.frameworks[0],
  });
  const b = await runRollingBacktest(store, countries, {
    ...options,
    framework: options.frameworks[1],
  });
  return [a, b];
}

/** `"1998-2008"` (or a single year `"1998"`) → `{from: 1998, to: 2008}`. */
export function parseWindow(text: string): YearWindow {
  const m = /^\s*(\d{4})\s*(?:-\s*(\d{4}))?\s*$/.exec(text);
  const from = m ? Number(m[1]) : NaN;
  const to = m?.[2] ? Number(m[2]) : from;
  if (!m || to < from) {
    throw new InputError(`invalid window "${text}"`, {
      expected: 'Y1-Y2 with Y1 ≤ Y2, e.g. 1998-2008',
    });
  }
  return { from, to };
}

/** The last year the episode list covers: the latest start or end year it mentions. */
export function episodeDataEnd(episodes: readonly Episode[]): number {
  let end = -Infinity;
  for (const e of episodes) end = Math.max(end, e.startYear, e.endYear ?? e.startYear);
  if (end === -Infinity) {
    throw new InputError('no mass-killing episodes in the store', {
      expected: 'the EWP episode list imported (`lens sync`)',
    });
  }
  return end;
}

async function backtestOne(
  store: Store,
  countries: readonly Country[],
  framework: Framework,
  episodes: readonly Episode[],
  asOf: string,
  window: YearWindow,
  options: { outcome?: Outcome; universe?: Universe; overrides?: BacktestOptions['overrides'] },
  preloaded?: AssessmentInput,
): Promise<BacktestResult> {
  if (window.from <= yearOf(asOf) - 1) {
    throw new InputError(
      `window ${window.from}-${window.to} starts before the as-of date ${asOf}`,
      {
        expected: 'a window after the as-of year',
      },
    );
  }
  const dataEnd = episodeDataEnd(episodes);
  if (window.to > dataEnd) {
    throw new InputError(
      `window ${window.from}-${window.to} ends after the episode data (${dataEnd})`,
      {
        expected: `a window ending by ${dataEnd}`,
      },
    );
  }
  const year = yearOf(asOf);
  const selected = selectCountries(countries, year);
  const input =
    preloaded ??
    (await loadInput(store, framework, asOf, episodes, {
      overrides: options.overrides,
    }));
  if (input.observations.size === 0) {
    throw new InputError(`no data of framework ${framework.id} was public by ${asOf}`, {
      expected: 'a later as-of date',
    });
  }
  let universe = selected;
  if ((options.universe ?? 'assessed') === 'ewp-panel') {
    const panel = await observationsAsOf(store, {
      variables: ['ewp-base:mk_ongoing'],
      asOf: '9999-12-31',
      fromYear: year,
      toYear: year,
    });
    const ids = new Set(panel.map((r) => r.countryId));
    universe = selected.filter((c) => ids.has(c.id));
  }
  const assessed = assessCountries(
    framework,
    universe.map((c) => c.id),
    input,
  );
  const byId = new Map(countries.map((c) => [c.id, c]));
  const scored: ScoredCountry[] = [];
  for (const a of assessed) {
    if (a.score === null || a.tier === null) continue;
    const country = byId.get(a.countryId)!;
    const ref = countryRef(country, year);
    const s: ScoredCountry = {
      countryId: a.countryId,
      name: ref.name,
      score: a.score,
      tier: a.tier,
      outcomeIds: outcomeIds(country, byId, year, window),
    };
    if (ref.cow !== undefined) s.cow = ref.cow;
    if (ref.iso3 !== undefined) s.iso3 = ref.iso3;
    scored.push(s);
  }
  return backtest(
    {
      framework: framework.id,
      frameworkVersion: framework.version,
      asOf,
      window,
      outcome: options.outcome ?? 'ongoing',
    },
    scored,
    episodes,
  );
}

/**
 * The part of a load made as of a later date that an assessment as of `asOf` reads: the
 * values public on `asOf` of the `years` years up to its year.
 */
function inputAsOf(load: AssessmentInput, asOf: string, years: number): AssessmentInput {
  const to = yearOf(asOf);
  const observations = new Map<string, Observation[]>();
  for (const [countryId, list] of load.observations) {
    const kept = list.filter(
      (o) =>
        o.year <= to &&
        o.year > to - years &&
        (o.availableFrom === undefined || o.availableFrom <= asOf),
    );
    if (kept.length > 0) observations.set(countryId, kept);
  }
  return { ...load, asOf, observations };
}

/**
 * The country and, transitively, the successors that came into being after the year scored
 * (`year`) and by the end of the window: their episodes count for the country as scored
 * before the split. A successor already independent in `year` is a country of its own, and
 * its episodes are its own (South Sudan's 2013 episodes are not Sudan's as of 2012).
 */
export function outcomeIds(
  country: Country,
  byId: ReadonlyMap<string, Country>,
  year: number,
  window: YearWindow,
): string[] {
  const out = new Set<string>([country.id]);
  const queue = [...country.successors];
  while (queue.length > 0) {
    const id = queue.shift()!;
    const c = byId.get(id);
    if (out.has(id) || !c || (c.from ?? -Infinity) > window.to || (c.from ?? -Infinity) <= year)
      continue;
    out.add(id);
    queue.push(...c.successors);
  }
  return [...out];
}

import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { YearWindow } from '../core/backtest/backtest.js';
import type { Country } from '../core/countries/types.js';
import { InputError } from '../core/errors.js';
import type { CountryStatus } from '../core/escalation/engine.js';
import type { Stage } from '../core/escalation/rules.js';
import { panelYears } from '../core/forecast/dataset.js';
import type { Panel } from '../core/forecast/dataset.js';
import type { ModelSpec } from '../core/forecast/spec.js';
import { lastKnownYear, parseAsOf, yearOf } from '../core/frameworks/as-of.js';
import type { Episode, SourceFreshness } from '../core/frameworks/assess.js';
import type { Tier } from '../core/frameworks/types.js';
import {
  onsetMetrics,
  onsetRisk,
  rankByRisk,
  validateOnsetRiskModel,
} from '../core/watchlist/onset-risk.js';
import type { OnsetMetrics, OnsetRiskModel } from '../core/watchlist/onset-risk.js';
import type { Principal } from '../store/access.js';
import type { Store } from '../store/database.js';
import { assessWorld, episodesKnownTo, loadEpisodes } from './assess.js';
import type { AssessmentReport } from './assess.js';
import { episodeDataEnd, outcomeIds, parseWindow } from './backtest.js';
import { contentDir } from './content.js';
import { EscalationMonitor } from './escalation.js';
import { loadModelSpec, loadPanel, walkForward } from './forecast.js';
import { SYSTEM } from './identity.js';

/** The default onset-risk model (`content/watchlist/`). */
export const DEFAULT_ONSET_MODEL = 'onset-risk';

/** Folder of onset-risk model files. */
export function watchlistDir(): string {
  return contentDir('watchlist');
}

/**
 * The onset-risk model `ref`: `ID` (newest version) or `ID@VERSION`, from `dir`. Throws
 * InputError naming the file and every problem of a bad one, or the known ids.
 */
export async function loadOnsetModel(
  ref: string = DEFAULT_ONSET_MODEL,
  dir = watchlistDir(),
): Promise<OnsetRiskModel> {
  const m = /^([a-z0-9][a-z0-9-]*?)(?:@(\d+))?$/.exec(ref.trim());
  const files = (await readdir(dir)).filter((f) => /\.v\d+\.json$/.test(f)).sort();
  const models: OnsetRiskModel[] = [];
  for (const f of files) {
    const file = join(dir, f);
    let json: unknown;
    try {
      json = JSON.parse(await readFile(file, 'utf8'));
    } catch (error) {
      throw new InputError(`not valid JSON: ${(error as Error).message}`, { file });
    }
    const v = validateOnsetRiskModel(json);
    if (!v.ok) throw new InputError(`invalid onset-risk model:\n${v.issues.join('\n')}`, { file });
    models.push(v.model);
  }
  const pick = models
    .filter((x) => m && x.id === m[1] && (m[2] === undefined || x.version === Number(m[2])))
    .sort((a, b) => b.version - a.version)[0];
  if (!pick) {
    throw new InputError(`unknown onset-risk model "${ref}"`, {
      expected: `one of ${models.map((x) => `${x.id}@${x.version}`).join(', ')}`,
    });
  }
  return pick;
}

/** Why a country is where it is on the list: one part's reading and what shows it. */
export interface WatchlistDriver {
  /** `episodes`, `escalation`, `forecast` or `structural`. */
  source: string;
  what: string;
  evidence: string;
}

/** One country on the watch list (the JSON contract of `lens watchlist`). */
export interface WatchlistCountry {
  country: { id: string; name: string; cow: number | null };
  /** A mass-killing episode is under way in the country on the date. */
  underWay: boolean;
  /** Codes of the episodes under way. */
  episodes: string[];
  /** Risk in [0, 1] that a new mass killing begins (see `OnsetRiskModel`); null: no part has a value. */
  onsetRisk: number | null;
  /** 1 = highest among countries with no episode under way; null for the others. */
  onsetRank: number | null;
  tier: Tier | null;
  tierWithoutFloor: Tier | null;
  scoreWithoutFloor: number | null;
  /** The forecast's probability of an onset in the two years after its origin; null: none. */
  forecast: number | null;
  stage: Stage | null;
  imminent: boolean;
  drivers: WatchlistDriver[];
  /** Each source read for the country, by name: latest year, release, date public. */
  freshness: SourceFreshness[];
}

/** The watch list as of a date. */
export interface Watchlist {
  asOf: string;
  model: { id: string; version: number };
  framework: { id: string; version: number };
  forecast: { spec: string; origin: number | null; note?: string };
  /** Each source read by any country: the freshest reading of it. */
  freshness: SourceFreshness[];
  warnings: string[];
  /** Countries with a new-onset rank first (by rank), then those with an episode under way. */
  countries: WatchlistCountry[];
}

/** Options of `buildWatchlist`. */
export interface WatchlistOptions {
  /** `YYYY-MM-DD` or `YYYY`; default the latest date the data support. */
  asOf?: string;
  /** Onset-risk model `ID` or `ID@VERSION`. */
  model?: string;
  /** Who reads: escalation evidence the reader may not see does not count. Default the system. */
  reader?: Principal;
  now?: Date;
  /** Threads for the forecast fit (default 1). */
  workers?: number;
}

/** Forecast risks of one origin by country id, or why there are none. */
interface OriginRisks {
  origin: number | null;
  risks: ReadonlyMap<string, number>;
  note?: string;
}

/**
 * The watch list: every country's onset risk from its structural score without the floor,
 * the statistical forecast of the origin public on the date and its escalation status,
 * ranked among the countries with no episode under way, with drivers and evidence.
 */
export async function buildWatchlist(
  store: Store,
  countries: readonly Country[],
  options: WatchlistOptions = {},
): Promise<Watchlist> {
  const model = await loadOnsetModel(options.model);
  const report = await assessWorld(store, countries, {
    framework: model.framework,
    asOf: options.asOf === undefined ? undefined : parseAsOf(options.asOf),
    change: false,
    now: options.now,
  });
  const episodes = await loadEpisodes(store);
  const forecast = await forecastFor(store, model, [report.asOf], options.workers ?? 1);
  return combine(store, model, report, episodes, forecast.get(report.asOf)!, options.reader);
}

/** The forecasts the model reads as of each date (one fit per distinct origin). */
async function forecastFor(
  store: Store,
  model: OnsetRiskModel,
  dates: readonly string[],
  workers: number,
): Promise<Map<string, OriginRisks>> {
  const out = new Map<string, OriginRisks>();
  const none = (note: string) => {
    for (const d of dates) out.set(d, { origin: null, risks: new Map(), note });
    return out;
  };
  let spec: ModelSpec;
  let panel: Panel;
  try {
    spec = await loadModelSpec(model.forecast.spec, store);
    panel = await loadPanel(store, spec);
  } catch (error) {
    if (error instanceof InputError) return none(`forecast not available: ${error.message}`);
    throw error;
  }
  if (panel.rows === 0) return none('forecast not available: the panel is empty');
  const { first, last } = panelYears(panel);
  const wanted = new Map<string, number>();
  for (const d of dates) {
    const known = lastKnownYear(d, model.forecast.publicationLagMonths);
    const origin = Math.min(known, last);
    if (known - origin > model.forecast.maxAgeYears) {
      out.set(d, {
        origin: null,
        risks: new Map(),
        note: `no forecast: the model data (${spec.id}) end at ${last}, ${known - last} years before the last year public on ${d} (${known}); a forecast more than ${model.forecast.maxAgeYears} years old is not used`,
      });
    } else if (origin < first + spec.horizonYears) {
      out.set(d, {
        origin: null,
        risks: new Map(),
        note: `no forecast: origin ${origin} is before the first with a known outcome (${first + spec.horizonYears})`,
      });
    } else wanted.set(d, origin);
  }
  const origins = [...new Set(wanted.values())].sort((a, b) => a - b);
  const byOrigin = new Map<number, Map<string, number>>();
  // Contiguous runs of origins share one walk-forward call (its fits spread over threads).
  for (let i = 0; i < origins.length;) {
    let j = i;
    while (j + 1 < origins.length && origins[j + 1] === origins[j]! + 1) j++;
    const results = await walkForward(panel, spec, {
      from: origins[i]!,
      to: origins[j]!,
      workers,
    });
    for (const r of results)
      byOrigin.set(r.origin, new Map(r.rows.map((row) => [row.countryId, row.risk])));
    i = j + 1;
  }
  for (const [d, origin] of wanted) out.set(d, { origin, risks: byOrigin.get(origin)! });
  return out;
}

/** The codes of episodes under way in each country (location) in the last year known on `asOf`. */
export function episodesUnderWay(
  episodes: readonly Episode[],
  asOf: string,
): Map<string, string[]> {
  const year = Math.min(lastKnownYear(asOf), episodesKnownTo(episodes) ?? Infinity);
  const out = new Map<string, string[]>();
  for (const e of episodes) {
    if (e.startYear > year || (e.endYear !== null && e.endYear < year)) continue;
    for (const id of new Set(e.locationCountryIds)) {
      const list = out.get(id);
      if (list) list.push(e.code);
      else out.set(id, [e.code]);
    }
  }
  for (const list of out.values()) list.sort();
  return out;
}

async function combine(
  store: Store,
  model: OnsetRiskModel,
  report: Awaited<ReturnType<typeof assessWorld>>,
  episodes: readonly Episode[],
  forecast: OriginRisks,
  reader: Principal = SYSTEM,
): Promise<Watchlist> {
  const asOf = report.asOf;
  const tiers = new Map(report.assessments.map((a) => [a.country.id, a.tier ?? undefined]));
  const monitor = await EscalationMonitor.open(store, {
    tiers: (id, date) => (date === asOf ? tiers.get(id) : undefined),
  });
  const statuses = new Map(
    (
      await monitor.statusAsOf(
        report.assessments.map((a) => a.country.id),
        asOf,
        reader,
      )
    ).map((s) => [s.countryId, s]),
  );
  const underWay = episodesUnderWay(episodes, asOf);
  const rows = report.assessments.map((a) => {
    const status = statuses.get(a.country.id);
    const p = forecast.risks.get(a.country.id) ?? null;
    const risk = onsetRisk(model, {
      scoreWithoutFloor: a.scoreWithoutFloor,
      forecast: p,
      stage: status?.stage ?? null,
      imminent: status?.imminent ?? false,
    });
    const codes = underWay.get(a.country.id) ?? [];
    return { a, status, p, risk: risk.risk, codes, name: a.country.name };
  });
  const ranks = rankByRisk(rows.filter((r) => r.codes.length === 0));
  const countries: WatchlistCountry[] = rows.map((r) => ({
    country: { id: r.a.country.id, name: r.a.country.name, cow: r.a.country.cow ?? null },
    underWay: r.codes.length > 0,
    episodes: r.codes,
    onsetRisk: r.risk === null ? null : round(r.risk),
    onsetRank: ranks.get(r) ?? null,
    tier: r.a.tier,
    tierWithoutFloor: r.a.tierWithoutFloor,
    scoreWithoutFloor: r.a.scoreWithoutFloor,
    forecast: r.p === null ? null : round(r.p),
    stage: r.status?.stage ?? null,
    imminent: r.status?.imminent ?? false,
    drivers: driversOf(r.a, r.status, r.p, forecast, model, r.codes),
    freshness: r.a.freshness,
  }));
  countries.sort(
    (x, y) =>
      (x.onsetRank ?? Infinity) - (y.onsetRank ?? Infinity) ||
      (y.onsetRisk ?? -1) - (x.onsetRisk ?? -1) ||
      x.country.name.localeCompare(y.country.name),
  );
  const out: Watchlist = {
    asOf,
    model: { id: model.id, version: model.version },
    framework: { id: report.framework.id, version: report.framework.version },
    forecast: {
      spec: model.forecast.spec,
      origin: forecast.origin,
      ...(forecast.note ? { note: forecast.note } : {}),
    },
    freshness: freshest(countries.flatMap((c) => c.freshness)),
    warnings: [...report.warnings, ...(forecast.note ? [forecast.note] : [])],
    countries,
  };
  return out;
}

/** Per source, the reading with the latest year (stale only if that one is). */
function freshest(list: readonly SourceFreshness[]): SourceFreshness[] {
  const out = new Map<string, SourceFreshness>();
  for (const s of list) {
    const cur = out.get(s.source);
    if (
      !cur ||
      s.latestYear > cur.latestYear ||
      (s.latestYear === cur.latestYear && cur.stale && !s.stale)
    )
      out.set(s.source, s);
  }
  return [...out.values()].sort((a, b) => a.source.localeCompare(b.source));
}

function driversOf(
  a: AssessmentReport,
  status: CountryStatus | undefined,
  p: number | null,
  forecast: OriginRisks,
  model: OnsetRiskModel,
  codes: readonly string[],
): WatchlistDriver[] {
  const out: WatchlistDriver[] = [];
  if (codes.length > 0)
    out.push({ source: 'episodes', what: 'mass killing under way', evidence: codes.join(', ') });
  let escalation: WatchlistDriver | undefined;
  if (status && (status.stage !== 'none' || status.imminent)) {
    escalation = {
      source: 'escalation',
      what: `stage ${status.stage}${status.imminent ? ', atrocities imminent' : ''}${status.redFlags.length ? `, red flags: ${status.redFlags.join(', ')}` : ''}`,
      evidence: status.indicators
        .map((i) => `${i.title}: ${i.events} events, ${i.deaths} deaths (${i.from} to ${i.to})`)
        .join('; '),
    };
  }
  // A stage the model gives weight to leads; one it does not (a crisis, in version 1) is
  // shown last, as context.
  const weighs =
    status !== undefined &&
    (status.imminent ? model.escalation.imminent : 0) +
      (status.stage === 'none' ? 0 : model.escalation.stages[status.stage]) !==
      0;
  if (escalation && weighs) out.push(escalation);
  if (p !== null && forecast.origin !== null) {
    out.push({
      source: 'forecast',
      what: `${(p * 100).toFixed(1)}% risk of a new mass killing in ${forecast.origin + 1}–${forecast.origin + 2}`,
      evidence: `${model.forecast.spec}, origin ${forecast.origin}`,
    });
  }
  for (const d of a.drivers) {
    const f = a.factors.find((x) => x.id === d.factor);
    out.push({
      source: 'structural',
      what: `${d.title}: severity ${d.severity} of 4`,
      evidence: (f?.evidence ?? [])
        .map(
          (e) =>
            `${e.variable} = ${round(e.value)} (${e.year}${e.release ? `, ${e.source} ${e.release}` : ''}${e.stale ? `, stale: ${e.age} years old` : ''})`,
        )
        .join('; '),
    });
  }
  if (escalation && !weighs) out.push(escalation);
  return out;
}

/** One ranking's place for an onset country outside the top 30. */
export interface OnsetMiss {
  country: { id: string; name: string; cow: number | null };
  rank: number | null;
  onsetRisk: number | null;
  episodes: string[];
}

/** The onset backtest (the JSON contract of `lens watchlist backtest`). */
export interface OnsetBacktest extends OnsetMetrics {
  asOf: string;
  window: YearWindow;
  model: { id: string; version: number };
  forecast: { spec: string; origin: number | null; note?: string };
  /** Onset countries ranked below 30th, by rank. */
  misses: OnsetMiss[];
  /** The same countries ranked by the structural score without floor alone, and by the forecast alone. */
  alone: { structural: OnsetMetrics; forecast: OnsetMetrics };
}

/** Options of `runOnsetBacktest`. */
export interface OnsetBacktestOptions {
  asOf: string;
  window: YearWindow | string;
  model?: string;
  workers?: number;
}

/**
 * Among the countries with no episode under way on the date and a structural score, how well
 * the onset risk ranks those where a new episode begins in the window (in the country or a
 * state that took its place by the window's end).
 */
export async function runOnsetBacktest(
  store: Store,
  countries: readonly Country[],
  options: OnsetBacktestOptions,
): Promise<OnsetBacktest> {
  const asOf = parseAsOf(options.asOf);
  const window = typeof options.window === 'string' ? parseWindow(options.window) : options.window;
  const [result] = await onsetBacktests(store, countries, [{ asOf, window }], options);
  return result!;
}

/** A rolling onset backtest: one line per as-of year, three rankings, and their means. */
export interface RollingOnsetBacktest {
  model: { id: string; version: number };
  horizon: number;
  years: {
    asOf: string;
    window: YearWindow;
    countries: number;
    onsets: number;
    onsetRisk: OnsetMetrics;
    structural: OnsetMetrics;
    forecast: OnsetMetrics;
  }[];
  /** Means over the years with a value. */
  mean: Record<
    'onsetRisk' | 'structural' | 'forecast',
    Record<'auc' | 'top10' | 'top20' | 'top30', number | null>
  >;
}

/** The onset backtest as of the end of every year of a span, each over the next `horizon` years. */
export async function runRollingOnsetBacktest(
  store: Store,
  countries: readonly Country[],
  options: { years: YearWindow | string; horizon?: number; model?: string; workers?: number },
): Promise<RollingOnsetBacktest> {
  const span = typeof options.years === 'string' ? parseWindow(options.years) : options.years;
  const horizon = options.horizon ?? 5;
  if (!Number.isInteger(horizon) || horizon < 1)
    throw new InputError(`invalid horizon ${horizon}`, { expected: 'a whole number of years ≥ 1' });
  const end = episodeDataEnd(await loadEpisodes(store));
  const specs: { asOf: string; window: YearWindow }[] = [];
  for (let y = span.from; y <= Math.min(span.to, end - 1); y++)
    specs.push({ asOf: `${y}-12-31`, window: { from: y + 1, to: Math.min(y + horizon, end) } });
  const results = await onsetBacktests(store, countries, specs, options);
  const model = await loadOnsetModel(options.model);
  const years = results.map((r) => ({
    asOf: r.asOf,
    window: r.window,
    countries: r.countries,
    onsets: r.onsets,
    onsetRisk: {
      countries: r.countries,
      onsets: r.onsets,
      auc: r.auc,
      top10: r.top10,
      top20: r.top20,
      top30: r.top30,
    },
    structural: r.alone.structural,
    forecast: r.alone.forecast,
  }));
  const meanOf = (k: 'onsetRisk' | 'structural' | 'forecast') => {
    const m = (f: 'auc' | 'top10' | 'top20' | 'top30') => {
      const xs = years.map((y) => y[k][f]).filter((x): x is number => x !== null);
      return xs.length === 0 ? null : round(xs.reduce((s, x) => s + x, 0) / xs.length);
    };
    return { auc: m('auc'), top10: m('top10'), top20: m('top20'), top30: m('top30') };
  };
  return {
    model: { id: model.id, version: model.version },
    horizon,
    years,
    mean: {
      onsetRisk: meanOf('onsetRisk'),
      structural: meanOf('structural'),
      forecast: meanOf('forecast'),
    },
  };
}

/** Backtests of several dates, the forecasts of all their origins fitted together. */
async function onsetBacktests(
  store: Store,
  countries: readonly Country[],
  specs: readonly { asOf: string; window: YearWindow }[],
  options: { model?: string; workers?: number },
): Promise<OnsetBacktest[]> {
  const model = await loadOnsetModel(options.model);
  const episodes = await loadEpisodes(store);
  const end = episodeDataEnd(episodes);
  for (const { asOf, window } of specs) {
    if (window.from <= yearOf(asOf))
      throw new InputError(
        `window ${window.from}-${window.to} does not start after the as-of year ${yearOf(asOf)}`,
        {
          expected: 'a window after the as-of year',
        },
      );
    if (window.to > end)
      throw new InputError(
        `window ${window.from}-${window.to} ends after the episode data (${end})`,
        {
          expected: `a window ending by ${end}`,
        },
      );
  }
  const forecasts = await forecastFor(
    store,
    model,
    specs.map((s) => s.asOf),
    options.workers ?? 2,
  );
  const byId = new Map(countries.map((c) => [c.id, c]));
  const out: OnsetBacktest[] = [];
  for (const { asOf, window } of specs) {
    const report = await assessWorld(store, countries, {
      framework: model.framework,
      asOf,
      change: false,
    });
    const list = await combine(store, model, report, episodes, forecasts.get(asOf)!);
    const onsets = new Map<string, string[]>();
    for (const e of episodes) {
      if (e.startYear < window.from || e.startYear > window.to) continue;
      for (const id of new Set(e.locationCountryIds))
        onsets.set(id, [...(onsets.get(id) ?? []), e.code]);
    }
    const cases = list.countries
      .filter((c) => !c.underWay && c.scoreWithoutFloor !== null)
      .map((c) => {
        const country = byId.get(c.country.id)!;
        const codes = [
          ...new Set(
            outcomeIds(country, byId, yearOf(asOf), window).flatMap((id) => onsets.get(id) ?? []),
          ),
        ].sort();
        return { c, codes, onset: codes.length > 0 };
      });
    const metrics = onsetMetrics(
      cases.map((x) => ({ name: x.c.country.name, score: x.c.onsetRisk, onset: x.onset })),
    );
    const forecast = forecasts.get(asOf)!;
    out.push({
      asOf,
      window,
      model: { id: model.id, version: model.version },
      forecast: {
        spec: model.forecast.spec,
        origin: forecast.origin,
        ...(forecast.note ? { note: forecast.note } : {}),
      },
      ...metrics,
      misses: cases
        .filter((x) => x.onset && (x.c.onsetRank === null || x.c.onsetRank > 30))
        .sort((x, y) => (x.c.onsetRank ?? Infinity) - (y.c.onsetRank ?? Infinity))
        .map((x) => ({
          country: x.c.country,
          rank: x.c.onsetRank,
          onsetRisk: x.c.onsetRisk,
          episodes: x.codes,
        })),
      alone: {
        structural: onsetMetrics(
          cases.map((x) => ({
            name: x.c.country.name,
            score: x.c.scoreWithoutFloor,
            onset: x.onset,
          })),
        ),
        forecast: onsetMetrics(
          cases.map((x) => ({ name: x.c.country.name, score: x.c.forecast, onset: x.onset })),
        ),
      },
    });
  }
  return out;
}

function round(x: number): number {
  return Math.round(x * 10000) / 10000;
}

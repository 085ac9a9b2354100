import type { Episode } from '../frameworks/assess.js';
import type { Tier } from '../frameworks/types.js';
import { TIERS } from '../frameworks/types.js';
import { auc } from '../stats/metrics.js';

/**
 * Which mass killings count as the outcome over a window of calendar years (inclusive):
 * `ongoing`, any episode under way at some point in the window (including ones that began
 * before it); `onset`, only episodes that begin in the window.
 */
export type Outcome = 'ongoing' | 'onset';

/** Calendar years, inclusive. */
export interface YearWindow {
  from: number;
  to: number;
}

/**
 * A country as scored on the as-of date. `outcomeIds` are the country ids whose episodes
 * count for it: itself and, when it split or was succeeded during the window, the states
 * that took its place (Yugoslavia's 1998 Kosovo episode is coded in Serbia). Default: itself.
 */
export interface ScoredCountry {
  countryId: string;
  name: string;
  cow?: number;
  iso3?: string;
  /** Overall score in [0, 4]. */
  score: number;
  tier: Tier;
  outcomeIds?: readonly string[];
}

/** A country in a backtest's tier: did it suffer mass killing in the window, and which. */
export interface BacktestCountry {
  countryId: string;
  cow?: number;
  iso3?: string;
  name: string;
  score: number;
  tier: Tier;
  atrocity: boolean;
  /** Codes of the episodes that count. */
  episodes: string[];
}

/** One tier's line: its countries, how many suffered mass killing, and the share. */
export interface TierResult {
  tier: Tier;
  countries: BacktestCountry[];
  atrocities: number;
  total: number;
  /** atrocities / total, in [0, 1]; null for an empty tier. */
  share: number | null;
}

/** A framework's tiers as of a date against mass killing in a window. */
export interface BacktestResult {
  framework: string;
  frameworkVersion: number;
  asOf: string;
  window: YearWindow;
  outcome: Outcome;
  tiers: TierResult[];
  /** Countries with mass killing in the window rated below high. */
  misses: BacktestCountry[];
  /** AUC of the score against the outcome, in [0, 1]; null without both classes. */
  auc: number | null;
  /** Share of countries with mass killing that are in the extreme or high tier, in [0, 1]. */
  topTwoRecall: number | null;
  /** Number of countries in the extreme and high tiers. */
  topTwoSize: number;
  /** topTwoSize / countries, in [0, 1]. */
  topTwoShare: number | null;
  /** Countries scored (with a tier). */
  countries: number;
  /** Countries scored that suffered mass killing in the window. */
  atrocityCountries: number;
}

/** What `backtest` needs besides the scored countries. */
export interface BacktestSpec {
  framework: string;
  frameworkVersion: number;
  asOf: string;
  window: YearWindow;
  outcome: Outcome;
}

/**
 * The episodes that count for each location country in the window, by country id.
 * `ongoing`: start ≤ window end and (no end, or end ≥ window start); `onset`: start inside.
 */
export function episodesInWindow(
  episodes: readonly Episode[],
  window: YearWindow,
  outcome: Outcome,
): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const e of episodes) {
    const counts =
      outcome === 'onset'
        ? e.startYear >= window.from && e.startYear <= window.to
        : e.startYear <= window.to && (e.endYear === null || e.endYear >= window.from);
    if (!counts) continue;
    for (const id of new Set(e.locationCountryIds)) {
      const list = out.get(id);
      if (list) list.push(e.code);
      else out.set(id, [e.code]);
    }
  }
  return out;
}

/**
 * Scores against outcomes: per tier the countries, atrocities, total and share; the misses
 * (mass killing below high); AUC of the score; recall and size of the top two tiers.
 * Pure; countries are listed by descending score within each tier.
 */
export function backtest(
  spec: BacktestSpec,
  scored: readonly ScoredCountry[],
  episodes: readonly Episode[],
): BacktestResult {
  const hits = episodesInWindow(episodes, spec.window, spec.outcome);
  const rows: BacktestCountry[] = scored
    .map((c) => {
      const codes = [
        ...new Set((c.outcomeIds ?? [c.countryId]).flatMap((id) => hits.get(id) ?? [])),
      ];
      const row: BacktestCountry = {
        countryId: c.countryId,
        name: c.name,
        score: c.score,
        tier: c.tier,
        atrocity: codes.length > 0,
        episodes: codes.sort(),
      };
      if (c.cow !== undefined) row.cow = c.cow;
      if (c.iso3 !== undefined) row.iso3 = c.iso3;
      return row;
    })
    .sort((a, b) => b.score - a.score || a.name.localeCompare(b.name));
  const tiers = TIERS.map((tier): TierResult => {
    const countries = rows.filter((r) => r.tier === tier);
    const atrocities = countries.filter((r) => r.atrocity).length;
    return {
      tier,
      countries,
      atrocities,
      total: countries.length,
      share: countries.length === 0 ? null : atrocities / countries.length,
    };
  });
  const isTop = (t: Tier) => t === 'extreme' || t === 'high';
  const positives = rows.filter((r) => r.atrocity);
  const topTwoSize = rows.filter((r) => isTop(r.tier)).length;
  return {
    framework: spec.framework,
    frameworkVersion: spec.frameworkVersion,
    asOf: spec.asOf,
    window: spec.window,
    outcome: spec.outcome,
    tiers,
    misses: positives.filter((r) => !isTop(r.tier)),
    auc: aucOrNull(
      rows.map((r) => r.score),
      rows.map((r) => (r.atrocity ? 1 : 0)),
    ),
    topTwoRecall:
      positives.length === 0
        ? null
        : positives.filter((r) => isTop(r.tier)).length / positives.length,
    topTwoSize,
    topTwoShare: rows.length === 0 ? null : topTwoSize / rows.length,
    countries: rows.length,
    atrocityCountries: positives.length,
  };
}

/** One as-of year of a rolling backtest, in brief. */
export interface RollingYear {
  asOf: string;
  window: YearWindow;
  countries: number;
  atrocityCountries: number;
  auc: number | null;
  topTwoRecall: number | null;
  topTwoSize: number;
  topTwoShare: number | null;
  /** Share of extreme-tier countries with mass killing; null for an empty tier. */
  extremeShare: number | null;
  misses: number;
}

/** A rolling backtest: one line per as-of year and the means over the years that have them. */
export interface RollingSummary {
  framework: string;
  frameworkVersion: number;
  outcome: Outcome;
  years: RollingYear[];
  meanAuc: number | null;
  meanTopTwoRecall: number | null;
  meanTopTwoShare: number | null;
  meanExtremeShare: number | null;
}

/** Summarises backtests of one framework over successive as-of dates. */
export function rollingSummary(results: readonly BacktestResult[]): RollingSummary {
  const first = results[0];
  const years = results.map((r): RollingYear => ({
    asOf: r.asOf,
    window: r.window,
    countries: r.countries,
    atrocityCountries: r.atrocityCountries,
    auc: r.auc,
    topTwoRecall: r.topTwoRecall,
    topTwoSize: r.topTwoSize,
    topTwoShare: r.topTwoShare,
    extremeShare: r.tiers[0]?.share ?? null,
    misses: r.misses.length,
  }));
  return {
    framework: first?.framework ?? '',
    frameworkVersion: first?.frameworkVersion ?? 0,
    outcome: first?.outcome ?? 'ongoing',
    years,
    meanAuc: mean(years.map((y) => y.auc)),
    meanTopTwoRecall: mean(years.map((y) => y.topTwoRecall)),
    meanTopTwoShare: mean(years.map((y) => y.topTwoShare)),
    meanExtremeShare: mean(years.map((y) => y.extremeShare)),
  };
}

/** Two frameworks' backtests side by side, and the countries they place differently. */
export interface BacktestComparison {
  frameworks: [string, string];
  results: [BacktestResult, BacktestResult];
  /** Countries in the top two tiers of one framework and not of the other. */
  disagreements: {
    countryId: string;
    name: string;
    atrocity: boolean;
    tiers: [Tier | null, Tier | null];
  }[];
}

/** Sets two backtests of the same date, window and outcome side by side. */
export function compareBacktests(a: BacktestResult, b: BacktestResult): BacktestComparison {
  const tierIn = (r: BacktestResult) =>
    new Map(r.tiers.flatMap((t) => t.countries.map((c) => [c.countryId, c] as const)));
  const ta = tierIn(a);
  const tb = tierIn(b);
  const isTop = (t: Tier | undefined) => t === 'extreme' || t === 'high';
  const ids = [...new Set([...ta.keys(), ...tb.keys()])];
  const disagreements = ids
    .filter((id) => isTop(ta.get(id)?.tier) !== isTop(tb.get(id)?.tier))
    .map((id) => {
      const c = (ta.get(id) ?? tb.get(id))!;
      return {
        countryId: id,
        name: c.name,
        atrocity: c.atrocity,
        tiers: [ta.get(id)?.tier ?? null, tb.get(id)?.tier ?? null] as [Tier | null, Tier | null],
      };
    })
    .sort((x, y) => x.name.localeCompare(y.name));
  return { frameworks: [a.framework, b.framework], results: [a, b], disagreements };
}

/** Mean of the non-null values; null when there are none. */
function mean(xs: readonly (number | null)[]): number | null {
  const v = xs.filter((x): x is number => x !== null);
  return v.length === 0 ? null : v.reduce((s, x) => s + x, 0) / v.length;
}

/** AUC of the score (ties count half); null when one class is empty (metrics gives NaN). */
function aucOrNull(scores: readonly number[], outcome: readonly number[]): number | null {
  const value = auc(scores, outcome);
  return Number.isNaN(value) ? null : value;
}

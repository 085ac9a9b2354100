import { monthsBetween } from './dates.js';
import type { Stage } from './rules.js';
import { STAGES } from './rules.js';

/**
 * The historical backtest of the escalation path: given each country's stage at regular
 * checkpoints (replayed from markers and events through the rules) and the mass-killing
 * episodes, how many onsets were preceded by each stage and how long before, and how often
 * each stage was entered with no onset following.
 */

/** A country's stage on a checkpoint date. */
export interface StagePoint {
  date: string;
  stage: Stage;
}

/** A mass-killing episode in one country: onset year, end year (null: still going). */
export interface EpisodeRef {
  countryId: string;
  code: string;
  name: string;
  startYear: number;
  endYear: number | null;
}

/** Backtest settings. */
export interface StageBacktestOptions {
  /** Years before an onset in which a stage counts as preceding it (default 5). */
  lookbackYears?: number;
  /** Years after a stage is entered in which an onset counts as following it (default 2). */
  horizonYears?: number;
  /**
   * The last year the episode list covers (default: the latest start or end year among the
   * episodes). Entries whose horizon runs past it cannot be judged and are counted apart.
   */
  outcomesUntil?: number;
}

/** The figures for one stage (reached means: at this stage or a higher one). */
export interface StageFigures {
  stage: Exclude<Stage, 'none'>;
  /** Onsets covered by the data. */
  onsets: number;
  /** Of them, how many had the stage reached at a checkpoint in the lookback years before. */
  preceded: number;
  /** `preceded / onsets`, null without onsets. */
  share: number | null;
  /** Months from the first checkpoint at the stage (in the lookback) to the onset (1 January of its year). */
  leadMonths: { min: number; median: number; max: number } | null;
  /** Times a country entered the stage (a run of checkpoints at it or above). */
  entries: number;
  /** Entries while a mass killing was under way in the country (not counted as alarms). */
  duringEpisode: number;
  /** Entries followed by an onset in the country within the horizon. */
  followed: number;
  /** Entries with no onset following and no episode under way: false alarms. */
  withoutOnset: number;
  /** Entries too recent to judge: their horizon runs past the end of the episode list. */
  unjudged: number;
  /** `withoutOnset / (followed + withoutOnset)`, null when there are none. */
  falseAlarmShare: number | null;
}

/** One onset and what preceded it. */
export interface OnsetFinding {
  countryId: string;
  code: string;
  name: string;
  year: number;
  covered: boolean;
  /** Highest stage at a checkpoint in the lookback years (none when not covered). */
  highestStage: Stage;
  /** Per stage reached: the first checkpoint at it in the lookback, and the months to the onset. */
  firstAt: Partial<Record<Exclude<Stage, 'none'>, { date: string; leadMonths: number }>>;
}

/** The backtest's result. */
export interface StageBacktestResult {
  /** The checkpoints' span: onsets count as covered when their year starts inside it and a full lookback year after its start. */
  coverage: { from: string; to: string };
  lookbackYears: number;
  horizonYears: number;
  /** The last year of the episode list (see `outcomesUntil`). */
  outcomesUntil: number;
  onsets: number;
  covered: number;
  stages: StageFigures[];
  findings: OnsetFinding[];
}

/**
 * Runs the backtest. `timelines` maps countries to their checkpoints in date order (every
 * country evaluated; a country absent had no data and stays at `none`). `checkpoints` is the
 * common list of checkpoint dates. Pure.
 */
export function backtestStages(
  timelines: ReadonlyMap<string, readonly StagePoint[]>,
  checkpoints: readonly string[],
  episodes: readonly EpisodeRef[],
  options: StageBacktestOptions = {},
): StageBacktestResult {
  const lookback = options.lookbackYears ?? 5;
  const horizon = options.horizonYears ?? 2;
  const from = checkpoints[0] ?? '';
  const to = checkpoints[checkpoints.length - 1] ?? '';
  const stages = STAGES.filter((s): s is Exclude<Stage, 'none'> => s !== 'none');
  const rank = (s: Stage) => STAGES.indexOf(s);
  const firstYear = Number(from.slice(0, 4));
  const lastYear = Number(to.slice(0, 4));
  const outcomesUntil =
    options.outcomesUntil ??
    episodes.reduce((m, e) => Math.max(m, e.startYear, e.endYear ?? e.startYear), -Infinity);

  const findings: OnsetFinding[] = episodes.map((e) => {
    const onset = `${String(e.startYear).padStart(4, '0')}-01-01`;
    const covered =
      from !== '' &&
      e.startYear >= firstYear + 1 &&
      e.startYear <= Math.min(lastYear + 1, outcomesUntil);
    const finding: OnsetFinding = {
      countryId: e.countryId,
      code: e.code,
      name: e.name,
      year: e.startYear,
      covered,
      highestStage: 'none',
      firstAt: {},
    };
    if (!covered) return finding;
    const windowStart = `${String(e.startYear - lookback).padStart(4, '0')}-01-01`;
    for (const p of timelines.get(e.countryId) ?? []) {
      if (p.date < windowStart || p.date >= onset) continue;
      if (rank(p.stage) > rank(finding.highestStage)) finding.highestStage = p.stage;
      for (const s of stages) {
        if (rank(p.stage) >= rank(s) && finding.firstAt[s] === undefined) {
          finding.firstAt[s] = {
            date: p.date,
            leadMonths: Math.round(monthsBetween(p.date, onset) * 10) / 10,
          };
        }
      }
    }
    return finding;
  });

  const byCountry = new Map<string, EpisodeRef[]>();
  for (const e of episodes) {
    const list = byCountry.get(e.countryId);
    if (list) list.push(e);
    else byCountry.set(e.countryId, [e]);
  }

  const figures = stages.map((s): StageFigures => {
    const covered = findings.filter((f) => f.covered);
    const leads = covered
      .map((f) => f.firstAt[s]?.leadMonths)
      .filter((x): x is number => x !== undefined)
      .sort((a, b) => a - b);
    let entries = 0;
    let during = 0;
    let followed = 0;
    let unjudged = 0;
    for (const [countryId, points] of timelines) {
      const own = byCountry.get(countryId) ?? [];
      let inside = false;
      for (const p of points) {
        const reached = rank(p.stage) >= rank(s);
        if (reached && !inside) {
          entries++;
          const year = Number(p.date.slice(0, 4));
          // An onset in the entry's own year counts as following it (the order within the
          // year is unknown); an episode begun in an earlier year and not over is under way.
          if (own.some((e) => e.startYear < year && (e.endYear === null || year <= e.endYear))) {
            during++;
          } else if (own.some((e) => e.startYear >= year && e.startYear <= year + horizon)) {
            followed++;
          } else if (year + horizon > outcomesUntil) {
            unjudged++;
          }
        }
        inside = reached;
      }
    }
    const alarms = entries - during - unjudged;
    return {
      stage: s,
      onsets: covered.length,
      preceded: leads.length,
      share: covered.length ? leads.length / covered.length : null,
      leadMonths: leads.length
        ? { min: leads[0] as number, median: median(leads), max: leads[leads.length - 1] as number }
        : null,
      entries,
      duringEpisode: during,
      followed,
      withoutOnset: alarms - followed,
      unjudged,
      falseAlarmShare: alarms > 0 ? (alarms - followed) / alarms : null,
    };
  });

  return {
    coverage: { from, to },
    lookbackYears: lookback,
    horizonYears: horizon,
    outcomesUntil,
    onsets: findings.length,
    covered: findings.filter((f) => f.covered).length,
    stages: figures,
    findings,
  };
}

function median(sorted: readonly number[]): number {
  const n = sorted.length;
  const mid = Math.floor(n / 2);
  return n % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

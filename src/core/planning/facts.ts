import type { ActorType } from '../escalation/types.js';
import type { Stage } from '../escalation/rules.js';
import type { Tier } from '../frameworks/types.js';
import type { Region } from './regions.js';
import type { PlanStage } from './types.js';

/**
 * What the planning engine knows of one country on one date: the structural assessment, the
 * escalation status, the perpetrators of attacks on civilians, a few yearly series and the
 * forecast. Gathered by the planning service from the store; everything here was public on
 * `asOf`.
 */

/** One fact behind a conclusion, as a reader can check it. */
export interface Evidence {
  /** What the fact is, in words (e.g. "battle deaths"). */
  label: string;
  value?: number | string;
  /** Calendar year the value describes. */
  year?: number;
  /** Store variable (`kind:column`) or escalation indicator id. */
  variable?: string;
  /** Source kind (e.g. `ucdp-brd`) or `escalation`, `assessment`, `forecast`, `analyst`. */
  source?: string;
}

/** One value of a yearly series: calendar year of the observation, its value and variable. */
export interface YearValue {
  year: number;
  value: number;
  variable: string;
  source: string;
}

/**
 * The yearly series the situation and pitfall rules read, newest year last:
 * `battleDeaths` (UCDP, best estimate, all conflicts on the territory), `ethnicWar` and
 * `revolutionaryWar` (PITF, 1 when under way), `terror` (Political Terror Scale, 1–5, the
 * highest of its three codings), `liberalDemocracy` (V-Dem index, 0–1), `freeExpression`
 * (V-Dem freedom of expression and alternative information, 0–1), `adverseRegimeChange`
 * (PITF, 1 in a year with one), `coups` (successful coups that year), `excludedShare` and
 * `discriminatedShare` (EPR, share of the population, 0–1).
 */
export type SeriesKey =
  | 'battleDeaths'
  | 'ethnicWar'
  | 'revolutionaryWar'
  | 'terror'
  | 'liberalDemocracy'
  | 'freeExpression'
  | 'adverseRegimeChange'
  | 'coups'
  | 'excludedShare'
  | 'discriminatedShare';

/** A factor of the structural assessment, as `FRAMEWORK:FACTOR`, with its severity in [0, 4]. */
export interface FactorFact {
  id: string;
  title: string;
  /** Null: missing (no data, or analyst input not given). */
  severity: number | null;
  overridden: boolean;
  evidence: Evidence[];
}

/** An escalation indicator that fired on the date. */
export interface IndicatorFact {
  id: string;
  title: string;
  stage: Exclude<Stage, 'none'>;
  redFlag: boolean;
  events: number;
  deaths: number;
  from: string;
  to: string;
}

/** Attacks on civilians in the escalation window by perpetrators of one actor type. */
export interface PerpetratorFact {
  type: ActorType;
  events: number;
  deaths: number;
  /** The named perpetrators of this type (side A of the events), most events first. */
  names?: { name: string; events: number; deaths: number }[];
}

/** Attacks on civilians in the window whose events name the group targeted. */
export interface TargetFact {
  group: string;
  events: number;
  deaths: number;
}

/**
 * A mass-killing episode in the country (Early Warning Project list), as known on the as-of
 * date: begun at least a year before, and `underWay` when not known to have ended before the
 * as-of year. Years are calendar years; `endYear` null: open at the end of the list.
 */
export interface EpisodeFact {
  code: string;
  name: string;
  stateLed: boolean;
  startYear: number;
  endYear: number | null;
  underWay: boolean;
  /** The perpetrator as the episode's name gives it (the part before "vs."). */
  perpetrator: string;
  /** The targeted groups as the episode's name gives them (the part after "vs."). */
  targets: string;
}

/**
 * An analyst's judgement of the escalation stage, replacing the computed one, with the
 * perpetrators and groups at risk the analyst names (may be empty).
 */
export interface StageJudgement {
  id: number;
  stage: PlanStage;
  reason: string;
  source: string;
  by: string;
  at: string;
  perpetrators: string[];
  atRisk: string[];
}

/** Everything the planning engine uses about one country on one date. */
export interface CountryFacts {
  countryId: string;
  name: string;
  iso3?: string;
  region: Region | null;
  /** `YYYY-MM-DD`. */
  asOf: string;
  structural: {
    framework: string;
    tier: Tier | null;
    /** Overall score (0–4, higher is more risk); null below the minimum coverage. */
    score: number | null;
    /** Share of indicators with data, in [0, 1]. */
    coverage: number;
    factors: FactorFact[];
  } | null;
  escalation: {
    stage: Stage;
    imminent: boolean;
    redFlags: string[];
    indicators: IndicatorFact[];
  } | null;
  perpetrators: PerpetratorFact[];
  /** Groups named as targets of attacks on civilians in the window, most events first. */
  targets?: TargetFact[];
  /** Mass-killing episodes in the country known on the date (under way or recent). */
  episodes?: EpisodeFact[];
  /**
   * An analyst's stage judgement in force: `escalation.stage` and `imminent` already follow
   * it; `computedStage` keeps what the data alone give.
   */
  stageJudgement?: StageJudgement & { computedStage: PlanStage | null; computedImminent: boolean };
  series: Partial<Record<SeriesKey, YearValue[]>>;
  /** Forecast of mass-killing onset: probability in [0, 1], rank among `of` countries. */
  forecast?: { probability: number; rank: number; of: number; origin: number };
}

/** The newest value of a series, if any. */
export function latest(facts: CountryFacts, key: SeriesKey): YearValue | undefined {
  const s = facts.series[key];
  return s && s.length > 0 ? s[s.length - 1] : undefined;
}

/** Values of a series in calendar years `from`..`to` inclusive. */
export function within(facts: CountryFacts, key: SeriesKey, from: number, to: number): YearValue[] {
  return (facts.series[key] ?? []).filter((v) => v.year >= from && v.year <= to);
}

/** A series value as evidence. */
export function evidenceOf(label: string, v: YearValue): Evidence {
  return { label, value: v.value, year: v.year, variable: v.variable, source: v.source };
}

/** The severity of a factor `FRAMEWORK:FACTOR`; null when missing or not assessed. */
export function severityOf(facts: CountryFacts, factorId: string): number | null {
  return facts.structural?.factors.find((f) => f.id === factorId)?.severity ?? null;
}

/** Whether an escalation indicator fired. */
export function fired(facts: CountryFacts, indicatorId: string): IndicatorFact | undefined {
  return facts.escalation?.indicators.find((i) => i.id === indicatorId);
}

/** The stage a plan reads: `imminent` when atrocities look imminent, else the escalation stage. */
export function planStage(facts: CountryFacts): PlanStage {
  const e = facts.escalation;
  if (!e) return 'none';
  return e.imminent ? 'imminent' : e.stage;
}

import type { Stage } from '../escalation/rules.js';

/**
 * The prevention toolkit, the lessons library and the capacity map as the planning engine
 * sees them. The toolkit and the lessons are content files (`content/toolkit/`), validated
 * on load; the capacity map is stored (imported from CSV or JSON).
 */

/**
 * The three prevention agendas: `structural` (general risk of violent conflict and of
 * peacetime atrocities), `direct` (imminent conflict or serious instability), `escalation`
 * (armed conflict under way: keep armed groups from turning on civilians).
 */
export type Agenda = 'structural' | 'direct' | 'escalation';

/** Every agenda, in the order plans list them. */
export const AGENDAS: readonly Agenda[] = ['structural', 'direct', 'escalation'];

/**
 * The area of the toolkit a measure belongs to. Structural: `economic`, `governance`,
 * `security`, `human-rights`, `social`. Direct: `early-warning`, `diplomatic`, `sanctions`,
 * `inducements`, `military`, `legal`. Escalation prevention: `protection`, `monitoring`,
 * `humanitarian`, `arms-flows`, `accountability`.
 */
export type MeasureArea =
  | 'economic'
  | 'governance'
  | 'security'
  | 'human-rights'
  | 'social'
  | 'early-warning'
  | 'diplomatic'
  | 'sanctions'
  | 'inducements'
  | 'military'
  | 'legal'
  | 'protection'
  | 'monitoring'
  | 'humanitarian'
  | 'arms-flows'
  | 'accountability';

/** Every measure area. */
export const MEASURE_AREAS: readonly MeasureArea[] = [
  'economic',
  'governance',
  'security',
  'human-rights',
  'social',
  'early-warning',
  'diplomatic',
  'sanctions',
  'inducements',
  'military',
  'legal',
  'protection',
  'monitoring',
  'humanitarian',
  'arms-flows',
  'accountability',
];

/**
 * The situations in which atrocity risk arises, each with its own prevention logic:
 * `state-suppression` (a non-democratic regime against opponents or marginalised groups in
 * peacetime), `communal-violence` (groups outside the state and established armed groups,
 * usually incited), `post-war-retribution` (victors against former enemy groups right after a
 * war), `armed-conflict` (atrocities within a war under way), `structural-risk` (none of
 * these: general structural risk only).
 */
export type SituationKind =
  | 'state-suppression'
  | 'communal-violence'
  | 'post-war-retribution'
  | 'armed-conflict'
  | 'structural-risk';

/** Every situation kind. */
export const SITUATION_KINDS: readonly SituationKind[] = [
  'state-suppression',
  'communal-violence',
  'post-war-retribution',
  'armed-conflict',
  'structural-risk',
];

/**
 * Kinds of actor that can deliver a measure: `un` (UN bodies, offices, agencies, missions),
 * `regional` (regional and sub-regional organisations), `state` (governments acting
 * bilaterally, including the country's own), `civil-society` (national and international
 * NGOs, faith groups, media, researchers), `ifi` (international financial institutions and
 * development banks), `court` (international and hybrid courts and tribunals).
 */
export type ActorKind = 'un' | 'regional' | 'state' | 'civil-society' | 'ifi' | 'court';

/** Every actor kind. */
export const ACTOR_KINDS: readonly ActorKind[] = [
  'un',
  'regional',
  'state',
  'civil-society',
  'ifi',
  'court',
];

/** How long a measure takes to show effect, roughly. */
export type TimeToEffect = 'days' | 'weeks' | 'months' | 'years';

/** Every time to effect, quickest first. */
export const TIMES_TO_EFFECT: readonly TimeToEffect[] = ['days', 'weeks', 'months', 'years'];

/**
 * The known pitfalls of prevention the plan checks for (each has a rule in the planning
 * engine that says when it applies and with what evidence):
 * - `blind-neutrality`: treating all parties alike when one side commits atrocities (an arms
 *   embargo on every party that leaves the victims defenceless);
 * - `negative-peace`: a peace process at any price that treats perpetrators and victims
 *   alike, or blinds outsiders to atrocity planning;
 * - `wind-down-at-violence`: believing prevention ends when violence begins;
 * - `perverse-incentives`: conflict management rewarding violence (a seat at the table for
 *   groups that kill civilians; peacekeepers without a mandate to protect civilians);
 * - `incitement-vs-press-freedom`: curbing hate speech at the cost of a free press;
 * - `security-assistance-to-abusers`: building security forces that are implicated in abuses;
 * - `growth-widens-gaps`: growth or reform that widens inequality between groups;
 * - `short-long-incoherence`: direct measures that undercut the structural ones, or the
 *   reverse.
 */
export type PitfallId =
  | 'blind-neutrality'
  | 'negative-peace'
  | 'wind-down-at-violence'
  | 'perverse-incentives'
  | 'incitement-vs-press-freedom'
  | 'security-assistance-to-abusers'
  | 'growth-widens-gaps'
  | 'short-long-incoherence';

/** Every pitfall id. */
export const PITFALL_IDS: readonly PitfallId[] = [
  'blind-neutrality',
  'negative-peace',
  'wind-down-at-violence',
  'perverse-incentives',
  'incitement-vs-press-freedom',
  'security-assistance-to-abusers',
  'growth-widens-gaps',
  'short-long-incoherence',
];

/**
 * The stage a plan reads, or a measure or a lesson speaks to: the escalation stages (`none`,
 * `crisis`, `mobilisation`, `violence`) and `imminent` (atrocities look imminent: the
 * escalation status's imminence, or an analyst's judgement).
 */
export type PlanStage = Stage | 'imminent';

/** Every plan stage, lowest first. */
export const PLAN_STAGES: readonly PlanStage[] = [
  'none',
  'crisis',
  'mobilisation',
  'violence',
  'imminent',
];

/**
 * Whom a measure acts on: `perpetrators` (those to be dissuaded: sanctions, prosecution),
 * `at-risk` (the groups to be protected: protection sites, evacuation), `all-parties` (every
 * party alike: an arms embargo on all sides, an even-handed envoy, power sharing), `society`
 * (the country as a whole: structural work).
 */
export type MeasureAim = 'perpetrators' | 'at-risk' | 'all-parties' | 'society';

/** Every measure aim. */
export const MEASURE_AIMS: readonly MeasureAim[] = [
  'perpetrators',
  'at-risk',
  'all-parties',
  'society',
];

/** A tension between two measures that only a case-by-case decision resolves. */
export interface Tension {
  /** Id of the other measure. */
  measure: string;
  /** What pulls against what, in one or two sentences. */
  note: string;
}

/**
 * One measure of the prevention toolkit. Text fields are the project's own words.
 * `answers.factors` are framework factors as `FRAMEWORK:FACTOR`
 * (e.g. `preconditions-2011:rule-of-law`, `un-foa-2014:weak-state-structures`);
 * `answers.indicators` are escalation indicator ids of `content/escalation/` rules (e.g.
 * `civilian-targeting`).
 */
export interface Measure {
  id: string;
  title: string;
  agenda: Agenda;
  area: MeasureArea;
  /** What the measure is and does. */
  summary: string;
  answers: { factors: string[]; indicators: string[] };
  /** Where it fits: situations and stages (empty stage list: any stage). */
  fits: { situations: SituationKind[]; stages: PlanStage[]; note: string };
  /** Whom it acts on (from toolkit version 2; absent in version 1). */
  aim?: MeasureAim;
  /** Situations in which it backfires or does harm, in words. */
  backfires: string[];
  deliveredBy: ActorKind[];
  timeToEffect: TimeToEffect;
  /** The pitfalls this measure is exposed to. */
  pitfalls: PitfallId[];
  tensions: Tension[];
  sideEffects: string[];
  /** Ids of lessons-library cases where the measure's record is relevant. */
  cases: string[];
}

/** The plan modes, as the ranking weights name them (see `PlanMode` in `plan.ts`). */
export type RankingMode = 'atrocity-prevention-first' | 'escalation' | 'direct' | 'structural';

/** Every plan mode. */
export const RANKING_MODES: readonly RankingMode[] = [
  'atrocity-prevention-first',
  'escalation',
  'direct',
  'structural',
];

/**
 * How plans rank measures, as data (toolkit version 2 on). A measure's score is the sum of
 * five parts, meant to weigh in this order: its fit to the situation, to the stage, to the
 * agenda the mode calls for, the record of comparable past cases, and the risks it answers;
 * then a penalty per pitfall whose conditions hold and to which it is exposed.
 */
export interface RankingWeights {
  /** Made for the primary situation; for another that holds; only for others. */
  situation: { primary: number; holds: number; other: number };
  /** Made for the stage (or any stage: 0); only for other stages. */
  stage: { fits: number; other: number };
  /** Per mode and agenda: points, or null when the mode does not propose that agenda. */
  agenda: Record<RankingMode, Record<Agenda, number | null>>;
  /**
   * Lessons: a verdict's value (`helped`, `mixed`, `failed`) times how comparable the case
   * is (`sameCountry`, else `sameSituation`, else `other`; plus `sameStage`), summed and
   * kept within ±`max`. Only cases that ended before the plan's year count.
   */
  lessons: {
    helped: number;
    mixed: number;
    failed: number;
    sameCountry: number;
    sameSituation: number;
    sameStage: number;
    other: number;
    max: number;
  };
  /**
   * Risks answered: `perSeverity` times the highest factor severity (0–4), `perFactor` per
   * factor, `indicator` per fired indicator, `redFlag` per red flag; at most `max`.
   */
  risks: {
    perSeverity: number;
    perFactor: number;
    indicator: number;
    redFlag: number;
    max: number;
  };
  /** Measures proposed at most, per mode. */
  size: Record<RankingMode, number>;
}

/**
 * One condition of a pitfall rule, by name (`test`) with its parameters. The engine knows
 * each test (see `pitfalls.ts`): `imminent`; `tier-and-stage` (`tiers`, `stages`);
 * `episode-under-way` (optional `stateLed`); `one-sided-attacks` (`share`, `events`);
 * `one-sided-episodes`; `situation` (`situations`); `stage` (`stages`);
 * `armed-perpetrators-in-war`; `indicator` (`indicators`); `series-below` and
 * `series-at-least` (`series`, `value`); `group-share` (`value`); `factor-at-least`
 * (`factor`, `value`); `state-attacks`; `deaths-rising-with` (`measures`); `tension`.
 */
export interface PitfallTest {
  test: string;
  tiers?: string[];
  stages?: PlanStage[];
  situations?: SituationKind[];
  indicators?: string[];
  measures?: string[];
  series?: string;
  factor?: string;
  value?: number;
  share?: number;
  events?: number;
  stateLed?: boolean;
}

/**
 * A pitfall as data: when it applies (any of `when`), what to do instead, how far it pushes
 * exposed measures down the ranking (`penalty`, points), and the lessons cases it rests on.
 */
export interface PitfallRuleSpec {
  id: PitfallId;
  title: string;
  warning: string;
  penalty: number;
  when: PitfallTest[];
  cases: string[];
}

/** The toolkit file: versioned like frameworks. */
export interface Toolkit {
  id: string;
  version: number;
  title: string;
  changelog: { version: number; date: string; note: string }[];
  measures: Measure[];
  /** Ranking weights (version 2 on). */
  ranking?: RankingWeights;
  /** The pitfall rules (version 2 on). */
  pitfallRules?: PitfallRuleSpec[];
}

/** A source a case rests on. */
export interface CaseSource {
  title: string;
  /** Author or publisher and year, as a reader would cite it. */
  citation: string;
  url?: string;
}

/** One thing done in a past case: which measure, by whom, what exactly. */
export interface CaseAction {
  measure: string;
  by: string;
  what: string;
  /** The record of this action when it differs from the case's verdict (version 2 on). */
  verdict?: 'helped' | 'mixed' | 'failed';
}

/**
 * A past situation in the lessons library, in the project's words: where and when, what was
 * done and by whom, what happened, what it teaches, and the sources. `countryId` is a
 * registry id; years are calendar years, inclusive.
 */
export interface LessonCase {
  id: string;
  title: string;
  countryId: string;
  fromYear: number;
  toYear: number;
  situation: SituationKind;
  /** The stages the case speaks to: when its measures were taken (version 2 on). */
  stages?: PlanStage[];
  summary: string;
  actions: CaseAction[];
  outcome: string;
  lessons: string[];
  /** Whether the record of the measures was, on balance, `helped`, `mixed`, `failed`. */
  verdict: 'helped' | 'mixed' | 'failed';
  sources: CaseSource[];
}

/** The lessons library file. */
export interface Lessons {
  id: string;
  version: number;
  title: string;
  changelog: { version: number; date: string; note: string }[];
  cases: LessonCase[];
}

/**
 * How committed an actor is to using a capacity for atrocity prevention: `none`, `low`,
 * `medium`, `high`. Plans count an actor as available from `medium` up.
 */
export type Commitment = 'none' | 'low' | 'medium' | 'high';

/** Every commitment level, weakest first. */
export const COMMITMENTS: readonly Commitment[] = ['none', 'low', 'medium', 'high'];

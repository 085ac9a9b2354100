/**
 * Structural-risk frameworks as data: groups of factors, each measured by indicators that
 * read variables of the store, map them to a severity from 0 (absent) to 4 (extreme), and
 * aggregate into an overall score placed on five tiers.
 *
 * These types describe a framework after validation (`validateFramework`); the JSON files in
 * `content/frameworks/` have exactly this shape.
 */

/** The five tiers, from most to least risk. */
export type Tier = 'extreme' | 'high' | 'moderate' | 'low' | 'negligible';

/** Every tier, most risk first. */
export const TIERS: readonly Tier[] = ['extreme', 'high', 'moderate', 'low', 'negligible'];

/** Highest severity of a factor or indicator; 0 means the condition is absent. */
export const MAX_SEVERITY = 4;

/**
 * How several numbers (severities of indicators, factors or groups) become one, each
 * weighted by its `weight`:
 * - `mean`: weighted arithmetic mean;
 * - `max`: the largest (weights ignored); "one factor can be enough";
 * - `power-mean`: (Σ w·xᵖ / Σ w)^(1/p), between the mean (p = 1) and the max (p → ∞):
 *   severe parts count more than mild ones, so several present factors add up while one
 *   extreme factor still pulls the result up;
 * - `min`: the smallest (weights ignored); for derived factors that need every part;
 * - `first`: the first part (in the order listed) that has a value (weights ignored): the
 *   later parts are fallbacks, e.g. a war list that fills in the years before a better
 *   battle-death series begins.
 * Missing parts are left out, never counted as 0.
 */
export type Aggregation =
  | { method: 'mean' }
  | { method: 'max' }
  | { method: 'min' }
  | { method: 'first' }
  | { method: 'power-mean'; p: number };

/**
 * How an indicator turns a country's yearly values of a variable into one number, looking
 * back from the reference year (the calendar year of the as-of date) or, with
 * `anchor: 'published'`, from the variable's last published year (see `Anchor`):
 * - `latest`: the most recent value of a year in (end − maxAgeYears, end];
 * - `window`: `stat` of the values of the years in (end − years, end] (at least one needed);
 * - `change`: latest value minus the value `years` earlier (both within `maxAgeYears` of
 *   their target year); negative when the variable fell;
 * - `episodes`: mass-killing episodes located in the country (`role: 'location'`) or by its
 *   state (`'responsible'`): the number of years since one was last under way, 0 when one is
 *   under way in the reference year; absent (severity 0) when none in the last `years` years.
 */
export type Transform =
  | { kind: 'latest'; maxAgeYears: number; anchor?: Anchor }
  | { kind: 'window'; stat: 'max' | 'min' | 'mean' | 'sum'; years: number; anchor?: Anchor }
  | { kind: 'change'; years: number; maxAgeYears: number; anchor?: Anchor }
  | { kind: 'episodes'; role: 'location' | 'responsible'; years: number; stateLedOnly?: boolean };

/**
 * Where the years a `latest`, `window` or `change` transform looks back over end:
 * - `as-of` (default): at the reference year, the calendar year of the as-of date;
 * - `published`: at the last year of the variable that any country has a value for among
 *   those public on the as-of date (never after the reference year). A source published
 *   two years after the fact then still counts its last two published years as "the last
 *   two years", instead of falling out of every window that ends at the as-of year. The
 *   anchor is never more than `MAX_PUBLICATION_DELAY_YEARS` before the reference year.
 */
export type Anchor = 'as-of' | 'published';

/**
 * How many years before the reference year a `published` anchor may fall at most: a source
 * whose last published year is older than that reads as stale (its windows end here and
 * find nothing), so that loading a fixed span of years is always enough. Three years covers
 * a publication lag of up to 24 months on any as-of date.
 */
export const MAX_PUBLICATION_DELAY_YEARS = 3;

/**
 * How a transformed value maps to a severity in [0, 4]:
 * - `thresholds`: four cut-points; the severity is how many of them the value reaches
 *   (`≥` when `direction` is `higher-is-worse`, `≤` when `lower-is-worse`); cut-points are
 *   ordered in the direction of worsening;
 * - `linear`: continuous; `best` maps to 0, `worst` to 4, linear in between, clamped.
 *   `worst < best` means lower values are worse.
 */
export type SeverityMapping =
  | {
      kind: 'thresholds';
      direction: 'higher-is-worse' | 'lower-is-worse';
      thresholds: [number, number, number, number];
    }
  | { kind: 'linear'; best: number; worst: number };

/**
 * One measurement of a factor. With several `variables`, each is transformed and mapped
 * on its own and the severities are combined by `combine` (default `max`): the alternatives
 * are usually the same quantity from different sources or periods, so the worst available
 * reading counts (`max`), or their mean (`mean`), or the first variable in the list that
 * has a reading, the later ones filling in only where it has none (`first`: e.g. UCDP
 * battle deaths from 1989, PITF war magnitudes before).
 */
export interface Indicator {
  id: string;
  title: string;
  /** Store variable names, `<source kind>:<column>`. Empty only for `episodes` transforms. */
  variables: string[];
  transform: Transform;
  severity: SeverityMapping;
  /** Relative weight in the factor's aggregation, in (0, 10]. */
  weight: number;
  /** How the severities of several variables combine; default `max`. */
  combine?: 'max' | 'mean' | 'first';
  /**
   * For event lists (conflict and crisis datasets) that only list the country-years when
   * something happened: a year the source covers with no row for the country counts as 0.
   * Coverage is the span of years the variable has for any country on the as-of date.
   */
  absentIsZero?: boolean;
  /** What the indicator measures and its limits, for reports. */
  note?: string;
  /** How long its last reading may be carried once it leaves the look-back (see `Carry`). */
  carry?: Carry;
}

/**
 * How a reading that has left an indicator's look-back is carried forward: the indicator is
 * read again as if the as-of year were up to `years` earlier, and the first reading found
 * counts, marked stale with its age, its weight in the factor multiplied by `weight`. A value
 * ageing out of its window is then not read as an improvement: only a newer value changes it.
 */
export interface Carry {
  /** Years beyond the look-back a reading may be carried, in [1, 20]. */
  years: number;
  /** Multiplier of the indicator's weight while its reading is stale, in (0, 1]. */
  weight: number;
}

/** A factor: scored from its indicators, derived from other factors, or left to analysts. */
export interface Factor {
  id: string;
  title: string;
  description: string;
  /** Relative weight in the group's aggregation, in (0, 10]. */
  weight: number;
  /** How indicator severities combine (default `max`). */
  aggregation?: Aggregation;
  indicators: Indicator[];
  /**
   * A factor computed from other factors' severities (ids anywhere in the framework),
   * combined by `aggregation` (e.g. `min`: all of them must be present). Dependencies must
   * not form a cycle.
   */
  derivedFrom?: string[];
  /**
   * True when no public data measures it: only an analyst can set it. Without an analyst
   * value it is reported missing, never scored 0.
   */
  analystInput?: boolean;
}

/** A group of factors (social, regime, economic, armed conflict, …). */
export interface Group {
  id: string;
  title: string;
  /** Relative weight in the overall aggregation, in (0, 10]. */
  weight: number;
  /** How factor severities combine into the group score in [0, 4]. */
  aggregation: Aggregation;
  factors: Factor[];
}

/**
 * Lower bounds of the tiers on the overall score scale [0, 4]: a score ≥ `extreme` is
 * extreme, ≥ `high` is high, and so on; `negligible` must be 0. Strictly decreasing.
 */
export type TierCutPoints = Record<Tier, number>;

/** One entry of a framework's history. */
export interface ChangelogEntry {
  version: number;
  /** ISO date `YYYY-MM-DD`. */
  date: string;
  changes: string;
}

/**
 * A reading severe enough on its own to lift the overall score: where it holds, the score `s`
 * becomes `score + s × (4 − score) / 4`, so the country sits in `[score, 4]` with the order
 * among such countries kept. Names exactly one trigger: a factor (its applied severity, so an
 * analyst's override counts) or an indicator (its computed severity; an applied override of
 * the indicator's factor replaces its readings, floors included).
 */
export interface ScoreFloor {
  factor?: string;
  indicator?: string;
  /** The trigger holds when its severity is at least this, in [0, 4]. */
  atLeast: number;
  /** The least overall score of a country where the trigger holds, in (0, 4). */
  score: number;
  /** Why, in words an analyst reads beside the assessment. */
  reason: string;
}

/** A structural-risk framework, one version of it. */
export interface Framework {
  id: string;
  /** Positive integer; versions of the same id coexist as separate files. */
  version: number;
  title: string;
  description: string;
  /** Where the factor list comes from (publication), in the project's words. */
  basis: string;
  changelog: ChangelogEntry[];
  /** How group scores combine into the overall score in [0, 4]. */
  aggregation: Aggregation;
  tiers: TierCutPoints;
  /**
   * Least share of scorable indicators (those with a data source) that must have data for
   * the country to get a score and tier; below it the assessment reports `tier: null`.
   * In [0, 1]; default 0.5.
   */
  minCoverage?: number;
  /** Readings that lift the overall score on their own; the highest that holds applies. */
  floors?: ScoreFloor[];
  /** How every indicator without its own `carry` carries its last reading; default: not at all. */
  carry?: Carry;
  groups: Group[];
}

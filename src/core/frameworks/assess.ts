import { lastKnownYear, yearOf } from './as-of.js';
import type {
  Aggregation,
  Carry,
  Factor,
  Framework,
  Indicator,
  ScoreFloor,
  SeverityMapping,
  Tier,
  TierCutPoints,
} from './types.js';
import { MAX_PUBLICATION_DELAY_YEARS, MAX_SEVERITY, TIERS } from './types.js';
import { factorOrder } from './validate.js';

/**
 * One value of one variable for one country-year, as the store knows it. `year` is the
 * calendar year the value describes, not the year it was published; `availableFrom`
 * (`YYYY-MM-DD`), when given, is the first date it was public: the engine ignores it on
 * earlier as-of dates. `value` null: the source lists the cell as missing.
 */
export interface Observation {
  variable: string;
  year: number;
  value: number | null;
  /** Source kind, e.g. `vdem`. */
  source: string;
  /** Release label of the source, e.g. `v14`. */
  release?: string;
  availableFrom?: string;
}

/**
 * A mass-killing episode (Early Warning Project). Calendar years, inclusive; `endYear` null
 * means still under way at the end of the data. Country ids of the project's registry.
 */
export interface Episode {
  code: string;
  name: string;
  locationCountryIds: readonly string[];
  responsibleCountryIds: readonly string[];
  startYear: number;
  endYear: number | null;
  stateLed: boolean;
}

/**
 * An analyst's judgement on one factor of one country: the severity in [0, 4] they set,
 * why, on what source, who, and when it was recorded (`at`, ISO date or timestamp). It holds
 * from `effectiveFrom` (`YYYY-MM-DD`, default the date of `at`): assessments as of earlier
 * dates do not see it. The latest applicable override of a factor wins.
 */
export interface Override {
  countryId: string;
  factorId: string;
  severity: number;
  reason: string;
  source: string;
  by: string;
  at: string;
  effectiveFrom?: string;
}

/** Calendar years a variable covers for any country on the as-of date, inclusive. */
export interface VariableCoverage {
  first: number;
  last: number;
}

/** What the engine needs to assess countries as of one date. */
export interface AssessmentInput {
  /** `YYYY-MM-DD`. */
  asOf: string;
  /** Observations per country id; values not yet available on `asOf` are ignored. */
  observations: ReadonlyMap<string, readonly Observation[]>;
  /** All episodes (the engine picks each country's). */
  episodes: readonly Episode[];
  /**
   * Year spans of variables, for `absentIsZero` indicators. Default: computed from
   * `observations` (which should then hold every country, not a selection).
   */
  coverage?: ReadonlyMap<string, VariableCoverage>;
  overrides?: readonly Override[];
  /** Whether overrides change severities and scores (default true); they are shown anyway. */
  applyOverrides?: boolean;
  /**
   * Months after the end of a year before an episode's status in that year counts as known
   * (default 0: large-scale killing is reported as it happens; the coding is retrospective).
   */
  episodeLagMonths?: number;
  /**
   * Last calendar year the episode list covers (default: unbounded). After it, the list's
   * last known reading is carried with its age instead of counting years nobody coded as
   * years without an episode.
   */
  episodesKnownTo?: number;
}

/** One value behind a severity: the transformed value of a variable and the year it refers to. */
export interface Evidence {
  indicator: string;
  variable: string;
  /** The value after the indicator's transformation (e.g. the mean over a window). */
  value: number;
  year: number;
  source: string;
  release?: string;
  /** Severity in [0, 4] this value maps to. */
  severity: number;
  /** How the value was read when it is not a plain observation (e.g. "no row: 0"). */
  note?: string;
  /** First date the value was public (`YYYY-MM-DD`), when the store knows it. */
  availableFrom?: string;
  /** Reference year minus `year`: how old the reading is on the as-of date. */
  age: number;
  /** True when the reading has left the indicator's look-back and is carried (`Carry`). */
  stale?: boolean;
}

/**
 * How fresh one source is in an assessment: the latest year of it that was read, its release
 * and the date that value became public; `stale` when a reading of it is carried.
 */
export interface SourceFreshness {
  source: string;
  release?: string;
  latestYear: number;
  availableFrom?: string;
  stale: boolean;
}

/** One indicator's result: severity in [0, 4], or null when no variable had data. */
export interface IndicatorResult {
  id: string;
  title: string;
  severity: number | null;
  /** Why there is no severity, when there is none. */
  missing?: string;
}

/** A factor's result. `severity` is what the score uses; `computedSeverity` the data's. */
export interface FactorAssessment {
  id: string;
  title: string;
  group: string;
  /** `scored` from indicators, `derived` from other factors, `analyst` input only. */
  kind: 'scored' | 'derived' | 'analyst';
  /** Severity in [0, 4] used in the score (the override's when one is applied); null: missing. */
  severity: number | null;
  computedSeverity: number | null;
  override?: Override;
  overrideApplied: boolean;
  evidence: Evidence[];
  indicators: IndicatorResult[];
}

/** A group's score in [0, 4], or null when none of its factors has a severity. */
export interface GroupAssessment {
  id: string;
  title: string;
  score: number | null;
}

/** Something the assessment could not measure. */
export interface Missing {
  factor: string;
  indicator?: string;
  reason: string;
}

/** A factor that weighs most in the score. */
export interface Driver {
  factor: string;
  title: string;
  severity: number;
}

/**
 * Why a factor's severity moved between two dates:
 * - `new-data`: a value it reads became public between the dates;
 * - `stale`: no new value: a reading left its look-back (or is carried at a lower weight);
 * - `framework`: the two assessments are of different framework versions;
 * - `override`: an analyst's override was set, changed or withdrawn.
 */
export type ChangeCause = 'new-data' | 'stale' | 'framework' | 'override';

/** One factor's move and its cause. */
export interface ChangeAttribution {
  factor: string;
  from: number | null;
  to: number | null;
  cause: ChangeCause;
  /** What changed, in words (the value, source and year behind it). */
  detail: string;
}

/**
 * How the assessment moved since an earlier date (one year before, by default): by more than
 * `CHANGE_THRESHOLD` in score, or to another tier. Only a move with a cause other than
 * `stale` counts: a change owed to values ageing alone is `unchanged`, with its causes listed.
 */
export interface Change {
  direction: 'deteriorated' | 'improved' | 'unchanged' | 'unknown';
  previousAsOf: string;
  previousScore: number | null;
  previousTier: Tier | null;
  /** Score now minus score then; null when either is missing. */
  delta: number | null;
  /** Factors whose severity moved by at least 1. */
  factors: { id: string; from: number | null; to: number | null }[];
  /** Every factor whose severity moved, with the cause. */
  causes: ChangeAttribution[];
}

/** A floor of the framework that lifted the score: what held and the score before the lift. */
export interface AppliedFloor {
  factor?: string;
  indicator?: string;
  severity: number;
  score: number;
  reason: string;
  /** The overall score before the floor was applied. */
  unliftedScore: number;
}

/** One country's assessment as of a date. Scores and severities are in [0, 4]. */
export interface CountryAssessment {
  countryId: string;
  framework: string;
  frameworkVersion: number;
  asOf: string;
  /** Overall score, higher is more risk; null below the framework's minimum coverage. */
  score: number | null;
  tier: Tier | null;
  /**
   * The score and tier before any floor: the conditions alone, so that the risk of a new
   * onset stays visible where an episode under way holds the tier at extreme.
   */
  scoreWithoutFloor: number | null;
  tierWithoutFloor: Tier | null;
  /** Share of indicators with a data source that had data, in [0, 1]. */
  coverage: number;
  groups: GroupAssessment[];
  factors: FactorAssessment[];
  missing: Missing[];
  drivers: Driver[];
  /** Present when a floor of the framework lifted the score. */
  floor?: AppliedFloor;
  /** Each source read, by name: how fresh its readings are. */
  freshness: SourceFreshness[];
  change?: Change;
}

/** Score difference (on the 0–4 scale) below which an assessment counts as unchanged. */
export const CHANGE_THRESHOLD = 0.1;

/** Default least share of scorable indicators with data for a country to get a tier. */
export const DEFAULT_MIN_COVERAGE = 0.5;

/**
 * The year spans of every variable among observations available on `asOf`, for
 * `absentIsZero` indicators: an event list that has rows up to 1996 covers 1996 for every
 * country, so a country without a row that year had no event.
 */
export function variableCoverage(
  observations: Iterable<readonly Observation[]>,
  asOf: string,
): Map<string, VariableCoverage> {
  const out = new Map<string, VariableCoverage>();
  const refYear = yearOf(asOf);
  for (const list of observations) {
    for (const o of list) {
      if (!isAvailable(o, asOf, refYear)) continue;
      const c = out.get(o.variable);
      if (!c) out.set(o.variable, { first: o.year, last: o.year });
      else {
        if (o.year < c.first) c.first = o.year;
        if (o.year > c.last) c.last = o.year;
      }
    }
  }
  return out;
}

/**
 * Assesses each country as of `input.asOf` with `framework`; with `previous` (the same data
 * as of an earlier date, normally one year before) each assessment also reports its change.
 * Countries without observations are still assessed (everything missing, no tier).
 */
export function assessCountries(
  framework: Framework,
  countryIds: readonly string[],
  input: AssessmentInput,
  previous?: AssessmentInput,
): CountryAssessment[] {
  const shape = shapeOf(framework);
  const prepared = prepare(input);
  const prevPrepared = previous ? prepare(previous) : undefined;
  return countryIds.map((id) => {
    const now = assessPrepared(shape, id, prepared);
    if (prevPrepared) now.change = changeBetween(assessPrepared(shape, id, prevPrepared), now);
    return now;
  });
}

/** Assesses one country (see `assessCountries`). */
export function assessCountry(
  framework: Framework,
  countryId: string,
  input: AssessmentInput,
  previous?: AssessmentInput,
): CountryAssessment {
  return assessCountries(framework, [countryId], input, previous)[0]!;
}

/**
 * The change from `before` to `after`: deteriorated when the score rose by at least
 * `CHANGE_THRESHOLD` or the tier rose, improved for the reverse, unknown when either score
 * is missing; unchanged when every factor that moved did so only because its values aged
 * (cause `stale`). Each factor that moved is attributed to its cause (`ChangeCause`).
 */
export function changeBetween(before: CountryAssessment, after: CountryAssessment): Change {
  const factors: Change['factors'] = [];
  const causes: ChangeAttribution[] = [];
  const prev = new Map(before.factors.map((f) => [f.id, f]));
  for (const f of after.factors) {
    const old = prev.get(f.id);
    const from = old?.severity ?? null;
    const to = f.severity;
    if (
      (from === null) !== (to === null) ||
      (from !== null && to !== null && Math.abs(to - from) >= 1)
    ) {
      factors.push({ id: f.id, from, to });
    }
    if (from !== to) causes.push({ factor: f.id, from, to, ...causeOf(before, after, old, f) });
  }
  const base = {
    previousAsOf: before.asOf,
    previousScore: before.score,
    previousTier: before.tier,
    factors,
    causes,
  };
  if (before.score === null || after.score === null) {
    return { ...base, direction: 'unknown', delta: null };
  }
  const delta = round(after.score - before.score);
  const tierMove =
    before.tier && after.tier ? TIERS.indexOf(before.tier) - TIERS.indexOf(after.tier) : 0;
  let direction: Change['direction'] = 'unchanged';
  if (causes.length > 0 && causes.every((c) => c.cause === 'stale')) direction = 'unchanged';
  else if (tierMove > 0 || (tierMove === 0 && delta >= CHANGE_THRESHOLD))
    direction = 'deteriorated';
  else if (tierMove < 0 || (tierMove === 0 && delta <= -CHANGE_THRESHOLD)) direction = 'improved';
  return { ...base, direction, delta };
}

/** The cause of one factor's move between two assessments, and what changed in words. */
function causeOf(
  before: CountryAssessment,
  after: CountryAssessment,
  old: FactorAssessment | undefined,
  now: FactorAssessment,
): { cause: ChangeCause; detail: string } {
  const overrideKey = (f: FactorAssessment | undefined) =>
    f?.override ? `${f.override.at}|${f.override.severity}|${f.overrideApplied}` : '';
  if (overrideKey(old) !== overrideKey(now)) {
    const o = now.override ?? old?.override;
    const what = now.override ? `set to ${now.override.severity}` : 'withdrawn';
    return { cause: 'override', detail: `analyst override ${what}${o ? ` by ${o.by}` : ''}` };
  }
  if (before.framework !== after.framework || before.frameworkVersion !== after.frameworkVersion) {
    return {
      cause: 'framework',
      detail: `${before.framework} v${before.frameworkVersion} → ${after.framework} v${after.frameworkVersion}`,
    };
  }
  const earlier = new Map((old?.evidence ?? []).map((e) => [`${e.indicator}|${e.variable}`, e]));
  const backwards = after.asOf < before.asOf;
  const fresh = now.evidence.filter((e) => {
    const b = earlier.get(`${e.indicator}|${e.variable}`);
    if (e.variable.startsWith('episodes:')) return !b || b.note !== e.note;
    // Looking back in time, any other current reading is the data of that date.
    if (backwards) return !e.stale && (!b || b.year !== e.year || b.value !== e.value);
    return e.availableFrom !== undefined && e.availableFrom > before.asOf;
  });
  if (fresh.length > 0) {
    return {
      cause: 'new-data',
      detail: fresh.map((e) => `${e.variable} ${e.year}${e.note ? ` (${e.note})` : ''}`).join('; '),
    };
  }
  const stale = now.evidence.filter((e) => e.stale);
  const gone = now.indicators.filter((i) => i.severity === null).map((i) => `${i.id} missing`);
  return {
    cause: 'stale',
    detail:
      [...stale.map((e) => `${e.variable} ${e.year} carried, ${e.age} years old`), ...gone].join(
        '; ',
      ) || 'a value left the look-back',
  };
}

/** The tier of a score in [0, 4] under the cut-points (lower bounds). */
export function tierOf(score: number, cuts: TierCutPoints): Tier {
  for (const tier of TIERS) if (score >= cuts[tier]) return tier;
  return 'negligible';
}

/**
 * Combines values in [0, 4] with weights by an aggregation rule; null for no values.
 * See `Aggregation` for the rules.
 */
export function aggregate(
  values: readonly { value: number; weight: number }[],
  rule: Aggregation,
): number | null {
  if (values.length === 0) return null;
  switch (rule.method) {
    case 'max':
      return Math.max(...values.map((v) => v.value));
    case 'min':
      return Math.min(...values.map((v) => v.value));
    case 'first':
      return values[0]!.value;
    case 'mean':
    case 'power-mean': {
      const p = rule.method === 'mean' ? 1 : rule.p;
      let num = 0;
      let den = 0;
      for (const v of values) {
        num += v.weight * Math.pow(v.value, p);
        den += v.weight;
      }
      return Math.pow(num / den, 1 / p);
    }
  }
}

/** Maps a transformed value to a severity in [0, 4]. */
export function severityOf(value: number, mapping: SeverityMapping): number {
  if (mapping.kind === 'linear') {
    const t = (value - mapping.best) / (mapping.worst - mapping.best);
    return Math.min(1, Math.max(0, t)) * MAX_SEVERITY;
  }
  const higher = mapping.direction === 'higher-is-worse';
  let severity = 0;
  for (const t of mapping.thresholds) if (higher ? value >= t : value <= t) severity++;
  return severity;
}

interface Point {
  value: number | null;
  source: string;
  release?: string;
  availableFrom?: string;
}

interface Prepared {
  asOf: string;
  refYear: number;
  episodeYear: number;
  /** True when the episode list ends before the as-of date's last known year. */
  episodesCapped: boolean;
  /** country → variable → year → point */
  series: Map<string, Map<string, Map<number, Point>>>;
  episodesByLocation: Map<string, Episode[]>;
  episodesByResponsible: Map<string, Episode[]>;
  coverage: ReadonlyMap<string, VariableCoverage>;
  /** variable → last year any country has a non-null value public on the date. */
  published: Map<string, number>;
  overrides: Map<string, Override[]>;
  applyOverrides: boolean;
}

function isAvailable(o: Observation, asOf: string, refYear: number): boolean {
  return o.year <= refYear && (o.availableFrom === undefined || o.availableFrom <= asOf);
}

function prepare(input: AssessmentInput): Prepared {
  const refYear = yearOf(input.asOf);
  const series = new Map<string, Map<string, Map<number, Point>>>();
  const published = new Map<string, number>();
  for (const [countryId, list] of input.observations) {
    const byVar = new Map<string, Map<number, Point>>();
    for (const o of list) {
      if (!isAvailable(o, input.asOf, refYear)) continue;
      if (o.value !== null && o.year > (published.get(o.variable) ?? -Infinity)) {
        published.set(o.variable, o.year);
      }
      let years = byVar.get(o.variable);
      if (!years) byVar.set(o.variable, (years = new Map()));
      const prev = years.get(o.year);
      // Several vintages of one value: the most recently published one known on the date.
      if (prev && (prev.availableFrom ?? '') > (o.availableFrom ?? '')) continue;
      years.set(o.year, {
        value: o.value,
        source: o.source,
        release: o.release,
        availableFrom: o.availableFrom,
      });
    }
    series.set(countryId, byVar);
  }
  const knownYear = lastKnownYear(input.asOf, input.episodeLagMonths ?? 0);
  const episodeYear = Math.min(knownYear, input.episodesKnownTo ?? Infinity);
  const byLocation = new Map<string, Episode[]>();
  const byResponsible = new Map<string, Episode[]>();
  for (const e of input.episodes) {
    if (e.startYear > episodeYear) continue;
    for (const id of new Set(e.locationCountryIds)) push(byLocation, id, e);
    for (const id of new Set(e.responsibleCountryIds)) push(byResponsible, id, e);
  }
  const overrides = new Map<string, Override[]>();
  for (const o of input.overrides ?? []) {
    const from = o.effectiveFrom ?? o.at.slice(0, 10);
    if (from <= input.asOf) push(overrides, o.countryId, o);
  }
  return {
    asOf: input.asOf,
    refYear,
    episodeYear,
    episodesCapped: episodeYear < knownYear,
    series,
    episodesByLocation: byLocation,
    episodesByResponsible: byResponsible,
    coverage: input.coverage ?? variableCoverage(input.observations.values(), input.asOf),
    published,
    overrides,
    applyOverrides: input.applyOverrides ?? true,
  };
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** What the engine looks up about a framework for every country, computed once. */
interface Shape {
  framework: Framework;
  groupOf: Map<string, string>;
  factorById: Map<string, Factor>;
  /** Factors in an order where each derived factor follows its dependencies. */
  order: Factor[];
}

/** An indicator's carry rule: its own, else the framework's. */
function carryOf(ind: Indicator, framework: Framework): Carry | undefined {
  return ind.transform.kind === 'episodes' ? undefined : (ind.carry ?? framework.carry);
}

function shapeOf(framework: Framework): Shape {
  const groupOf = new Map<string, string>();
  const factorById = new Map<string, Factor>();
  for (const g of framework.groups) {
    for (const f of g.factors) {
      groupOf.set(f.id, g.id);
      factorById.set(f.id, f);
    }
  }
  return { framework, groupOf, factorById, order: factorOrder(framework) };
}

function assessPrepared(shape: Shape, countryId: string, data: Prepared): CountryAssessment {
  const { framework, groupOf, factorById } = shape;
  const overrides = latestOverrides(data.overrides.get(countryId) ?? []);
  const results = new Map<string, FactorAssessment>();
  const missing: Missing[] = [];
  let scorable = 0;
  let withData = 0;

  for (const factor of shape.order) {
    const evidence: Evidence[] = [];
    const indicators: IndicatorResult[] = [];
    let computed: number | null = null;
    let kind: FactorAssessment['kind'] = 'scored';
    if (factor.analystInput) {
      kind = 'analyst';
      missing.push({ factor: factor.id, reason: 'analyst input: no public data measures it' });
    } else if (factor.derivedFrom) {
      kind = 'derived';
      const rule = factor.aggregation ?? { method: 'min' };
      const deps = factor.derivedFrom.map((id) => results.get(id)?.severity ?? null);
      const present = deps.filter((s): s is number => s !== null);
      const complete = rule.method === 'min' ? present.length === deps.length : present.length > 0;
      computed = complete
        ? aggregate(
            present.map((value) => ({ value, weight: 1 })),
            rule,
          )
        : null;
      if (computed === null) {
        missing.push({
          factor: factor.id,
          reason: `derived from ${factor.derivedFrom.join(', ')}, missing`,
        });
      }
    } else {
      const parts: { value: number; weight: number }[] = [];
      // With `first`, only the deciding indicator's values are evidence; fallbacks are not.
      const firstOnly = factor.aggregation?.method === 'first';
      for (const ind of factor.indicators) {
        scorable++;
        const r = evaluateIndicator(ind, countryId, data, carryOf(ind, framework));
        indicators.push(r.result);
        if (!firstOnly || parts.length === 0) evidence.push(...r.evidence);
        if (r.result.severity === null) {
          missing.push({
            factor: factor.id,
            indicator: ind.id,
            reason: r.result.missing ?? 'no data',
          });
        } else {
          withData++;
          parts.push({ value: r.result.severity, weight: ind.weight * (r.weight ?? 1) });
        }
      }
      computed = aggregate(parts, factor.aggregation ?? { method: 'max' });
    }
    const override = overrides.get(factor.id);
    const applied = override !== undefined && data.applyOverrides;
    results.set(factor.id, {
      id: factor.id,
      title: factor.title,
      group: groupOf.get(factor.id)!,
      kind,
      severity: applied ? override.severity : roundOrNull(computed),
      computedSeverity: roundOrNull(computed),
      ...(override ? { override } : {}),
      overrideApplied: applied,
      evidence,
      indicators,
    });
  }

  const groups: GroupAssessment[] = framework.groups.map((g) => {
    const parts = g.factors
      .map((f) => ({ value: results.get(f.id)!.severity, weight: f.weight }))
      .filter((p): p is { value: number; weight: number } => p.value !== null);
    return { id: g.id, title: g.title, score: roundOrNull(aggregate(parts, g.aggregation)) };
  });
  const overall = aggregate(
    framework.groups
      .map((g, i) => ({ value: groups[i]!.score, weight: g.weight }))
      .filter((p): p is { value: number; weight: number } => p.value !== null),
    framework.aggregation,
  );
  const coverage = scorable === 0 ? 0 : withData / scorable;
  const enough = coverage >= (framework.minCoverage ?? DEFAULT_MIN_COVERAGE);
  const floor = overall === null ? undefined : floorOf(framework, results, overall);
  const score = enough ? roundOrNull(floor ? liftScore(overall!, floor.score) : overall) : null;
  const scoreWithoutFloor = enough ? roundOrNull(overall) : null;
  const factors = framework.groups.flatMap((g) => g.factors.map((f) => results.get(f.id)!));
  const drivers = factors
    .filter(
      (f): f is FactorAssessment & { severity: number } => f.severity !== null && f.severity > 0,
    )
    .map((f) => ({ f, weight: factorById.get(f.id)!.weight }))
    .sort((a, b) => b.f.severity - a.f.severity || b.weight - a.weight)
    .slice(0, 3)
    .map(({ f }) => ({ factor: f.id, title: f.title, severity: f.severity }));
  return {
    countryId,
    framework: framework.id,
    frameworkVersion: framework.version,
    asOf: data.asOf,
    score,
    tier: score === null ? null : tierOf(score, framework.tiers),
    scoreWithoutFloor,
    tierWithoutFloor:
      scoreWithoutFloor === null ? null : tierOf(scoreWithoutFloor, framework.tiers),
    coverage: round(coverage),
    groups,
    factors,
    missing,
    drivers,
    ...(floor && score !== null ? { floor } : {}),
    freshness: freshnessOf(factors),
  };
}

/** Per source read (by name), its latest year, release and public date, and staleness. */
export function freshnessOf(factors: readonly FactorAssessment[]): SourceFreshness[] {
  const out = new Map<string, SourceFreshness>();
  for (const f of factors) {
    for (const e of f.evidence) {
      if (e.note === ABSENT_NOTE) continue;
      const cur = out.get(e.source);
      if (!cur || e.year > cur.latestYear) {
        const s: SourceFreshness = {
          source: e.source,
          latestYear: e.year,
          stale: (cur?.stale ?? false) || e.stale === true,
        };
        if (e.release !== undefined) s.release = e.release;
        if (e.availableFrom !== undefined) s.availableFrom = e.availableFrom;
        out.set(e.source, s);
      } else if (e.stale) cur.stale = true;
    }
  }
  return [...out.values()].sort((a, b) => a.source.localeCompare(b.source));
}

/**
 * The highest floor of the framework that holds for these factor results, with the severity
 * that triggered it; undefined when none holds.
 */
function floorOf(
  framework: Framework,
  results: ReadonlyMap<string, FactorAssessment>,
  overall: number,
): AppliedFloor | undefined {
  let best: AppliedFloor | undefined;
  for (const f of framework.floors ?? []) {
    const severity = floorSeverity(f, results);
    if (severity === null || severity < f.atLeast) continue;
    if (best && best.score >= f.score) continue;
    const trigger = f.factor !== undefined ? { factor: f.factor } : { indicator: f.indicator! };
    best = {
      ...trigger,
      severity,
      score: f.score,
      reason: f.reason,
      unliftedScore: round(overall),
    };
  }
  return best;
}

function floorSeverity(
  f: ScoreFloor,
  results: ReadonlyMap<string, FactorAssessment>,
): number | null {
  if (f.factor !== undefined) return results.get(f.factor)?.severity ?? null;
  for (const factor of results.values()) {
    const indicator = factor.indicators.find((i) => i.id === f.indicator);
    if (!indicator) continue;
    // An applied override stands for the factor's readings, this one included.
    if (factor.overrideApplied) return factor.severity;
    return indicator.severity;
  }
  return null;
}

/** Places a score `s` in `[floor, 4]`, keeping the order among lifted scores. */
export function liftScore(s: number, floor: number): number {
  return floor + (s / MAX_SEVERITY) * (MAX_SEVERITY - floor);
}

function latestOverrides(list: readonly Override[]): Map<string, Override> {
  const out = new Map<string, Override>();
  for (const o of list) {
    const prev = out.get(o.factorId);
    if (!prev || o.at >= prev.at) out.set(o.factorId, o);
  }
  return out;
}

interface Reading {
  value: number;
  year: number;
  source: string;
  release?: string;
  note?: string;
  availableFrom?: string;
}

/**
 * An indicator's severity and evidence; `weight` is the multiplier of its weight when its
 * readings are carried (`Carry`), undefined when they are current.
 */
function evaluateIndicator(
  ind: Indicator,
  countryId: string,
  data: Prepared,
  carry: Carry | undefined,
): { result: IndicatorResult; evidence: Evidence[]; weight?: number } {
  const base = { id: ind.id, title: ind.title };
  if (ind.transform.kind === 'episodes') {
    const r = readEpisodes(ind.transform, countryId, data);
    const severity = severityOf(r.value, ind.severity);
    const e: Evidence = {
      indicator: ind.id,
      variable: `episodes:${ind.transform.role}`,
      ...r,
      severity,
      age: data.refYear - r.year,
    };
    // After the end of the list: its reading at the end, carried.
    if (data.episodesCapped) e.stale = true;
    return { result: { ...base, severity }, evidence: [e] };
  }
  const evidence: Evidence[] = [];
  const reasons: string[] = [];
  const country = data.series.get(countryId);
  let lastEnd = data.refYear;
  for (const variable of ind.variables) {
    const view = seriesView(ind, country?.get(variable), data, variable);
    const end = endYear(ind, variable, data);
    lastEnd = end;
    let r = view ? readSeries(ind, view, end) : undefined;
    let stale = false;
    // Nothing in the look-back: the last reading, read as of up to `carry.years` years before.
    for (let k = 1; view && !r && carry && k <= carry.years; k++) {
      r = readSeries(ind, view, end - k);
      stale = r !== undefined;
    }
    if (!r) {
      reasons.push(variable);
      continue;
    }
    const e: Evidence = {
      indicator: ind.id,
      variable,
      value: r.value,
      year: r.year,
      source: r.source,
      severity: severityOf(r.value, ind.severity),
      age: data.refYear - r.year,
    };
    if (r.release !== undefined) e.release = r.release;
    if (r.note !== undefined) e.note = r.note;
    if (r.availableFrom !== undefined) e.availableFrom = r.availableFrom;
    if (stale) e.stale = true;
    evidence.push(e);
    // The first variable with a reading decides; the later ones only fill in for it.
    if (ind.combine === 'first') break;
  }
  if (evidence.length === 0) {
    const t = ind.transform;
    const span = 'maxAgeYears' in t ? t.maxAgeYears : t.years;
    return {
      result: {
        ...base,
        severity: null,
        missing: `no value of ${reasons.join(' or ')} in the ${span} years to ${lastEnd} published by ${data.asOf}`,
      },
      evidence,
    };
  }
  const weight = carry && evidence.every((e) => e.stale) ? carry.weight : undefined;
  let severity = evidence[0]!.severity;
  if (ind.combine === 'mean') {
    let sum = 0;
    for (const e of evidence) sum += e.severity;
    severity = sum / evidence.length;
  } else {
    for (const e of evidence) severity = Math.max(severity, e.severity);
  }
  return { result: { ...base, severity }, evidence, ...(weight !== undefined ? { weight } : {}) };
}

/**
 * The last year an indicator's look-back reads for a variable: the reference year, or with
 * `anchor: 'published'` the variable's last published year (not after the reference year,
 * not more than `MAX_PUBLICATION_DELAY_YEARS` before it).
 */
function endYear(ind: Indicator, variable: string, data: Prepared): number {
  const t = ind.transform;
  if (t.kind === 'episodes' || t.anchor !== 'published') return data.refYear;
  // Nothing published at all reads like a stale source: the window ends at the cap.
  const last = data.published.get(variable) ?? -Infinity;
  return Math.min(data.refYear, Math.max(last, data.refYear - MAX_PUBLICATION_DELAY_YEARS));
}

/** A covered year without a row of an event list, read as 0 (`absentIsZero`). */
const ABSENT_NOTE = 'no row in a year the source covers: 0';

/**
 * A country's yearly values of one variable as an indicator reads them: its rows, and with
 * `absentIsZero` a 0 for a year the source covers (`first`…`last`) without a row.
 */
interface SeriesView {
  years: Map<number, Point> | undefined;
  /** Covered span for `absentIsZero`; `last` is capped at the reference year. */
  first: number;
  last: number;
  /** Source kind, for the 0 readings. */
  source: string;
}

function seriesView(
  ind: Indicator,
  years: Map<number, Point> | undefined,
  data: Prepared,
  variable: string,
): SeriesView | undefined {
  const cov = ind.absentIsZero ? data.coverage.get(variable) : undefined;
  if (!years && !cov) return undefined;
  return {
    years,
    first: cov ? cov.first : Infinity,
    last: cov ? Math.min(cov.last, data.refYear) : -Infinity,
    source: variable.slice(0, variable.indexOf(':')),
  };
}

/** The reading of one year: the row's value, a 0 for a covered year without a row, or none. */
function readAt(view: SeriesView, y: number): Reading | undefined {
  const p = view.years?.get(y);
  if (p) {
    if (p.value === null) return undefined;
    const r: Reading = { value: p.value, year: y, source: p.source };
    if (p.release !== undefined) r.release = p.release;
    if (p.availableFrom !== undefined) r.availableFrom = p.availableFrom;
    return r;
  }
  if (y >= view.first && y <= view.last) {
    return { value: 0, year: y, source: view.source, note: ABSENT_NOTE };
  }
  return undefined;
}

/** The most recent reading of a year in (to − maxAge, to]. */
function latestIn(view: SeriesView, to: number, maxAge: number): Reading | undefined {
  for (let y = to; y > to - maxAge; y--) {
    const r = readAt(view, y);
    if (r) return r;
  }
  return undefined;
}

function readSeries(ind: Indicator, view: SeriesView, end: number): Reading | undefined {
  const t = ind.transform;
  switch (t.kind) {
    case 'latest':
      return latestIn(view, end, t.maxAgeYears);
    case 'change': {
      const now = latestIn(view, end, t.maxAgeYears);
      if (!now) return undefined;
      const then = latestIn(view, now.year - t.years, t.maxAgeYears);
      if (!then) return undefined;
      return { ...now, value: now.value - then.value, note: `change since ${then.year}` };
    }
    case 'window': {
      const rs: Reading[] = [];
      for (let y = end; y > end - t.years; y--) {
        const r = readAt(view, y);
        if (r) rs.push(r);
      }
      if (rs.length === 0) return undefined;
      if (t.stat === 'max' || t.stat === 'min') {
        let pick = rs[0]!;
        for (const b of rs) {
          if (t.stat === 'max' ? b.value > pick.value : b.value < pick.value) pick = b;
        }
        return { ...pick, note: pick.note ?? `${t.stat} of ${rs.length} years to ${rs[0]!.year}` };
      }
      let sum = 0;
      for (const r of rs) sum += r.value;
      return {
        ...rs[0]!,
        value: t.stat === 'sum' ? sum : sum / rs.length,
        note: rs.every((r) => r.note)
          ? 'no row in the years the source covers: 0'
          : `${t.stat} of ${rs.length} years to ${rs[0]!.year}`,
      };
    }
    case 'episodes':
      return undefined;
  }
}

/**
 * Years since a mass-killing episode of the country was last under way, as known on the
 * as-of date: 0 while one is under way; `years` (beyond the window) when none was.
 */
function readEpisodes(
  t: Extract<Indicator['transform'], { kind: 'episodes' }>,
  countryId: string,
  data: Prepared,
): Reading & { note: string } {
  const list =
    (t.role === 'location' ? data.episodesByLocation : data.episodesByResponsible).get(countryId) ??
    [];
  let best: { since: number; lastYear: number; codes: string[] } | undefined;
  for (const e of list) {
    if (t.stateLedOnly && !e.stateLed) continue;
    const lastYear = Math.min(e.endYear ?? Infinity, data.episodeYear);
    const since = data.episodeYear - lastYear;
    if (since >= t.years) continue;
    if (!best || since < best.since) best = { since, lastYear, codes: [e.code] };
    else if (since === best.since) best.codes.push(e.code);
  }
  if (!best) {
    return {
      value: t.years,
      year: data.episodeYear,
      source: 'ewp-episodes',
      note: `no episode under way in ${data.episodeYear - t.years + 1}–${data.episodeYear}`,
    };
  }
  return {
    value: best.since,
    year: best.lastYear,
    source: 'ewp-episodes',
    note:
      best.since === 0
        ? `under way in ${best.lastYear}: ${best.codes.join(', ')}`
        : `last under way in ${best.lastYear}: ${best.codes.join(', ')}`,
  };
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

function roundOrNull(x: number | null): number | null {
  return x === null ? null : round(x);
}

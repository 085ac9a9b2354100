import { unknownFields } from '../validation.js';
import { isCategory, isCategoryPattern } from './taxonomy.js';
import type { EventCategory } from './taxonomy.js';
import { ACTOR_TYPES, EVENT_SOURCES, RELIABILITIES } from './types.js';
import type { ActorType, EventSource, Reliability } from './types.js';

/**
 * The escalation rules, as data (`content/escalation/*.json`): which events and structural
 * markers make each indicator fire, over which windows, at which thresholds. Windows are in
 * days and end on the as-of date (inclusive); an event is inside a window when its end date
 * is.
 */

/** The stages of the path of escalation, in order. `none`: no indicator fired. */
export type Stage = 'none' | 'crisis' | 'mobilisation' | 'violence';

/** Every stage, lowest first. */
export const STAGES: readonly Stage[] = ['none', 'crisis', 'mobilisation', 'violence'];

/** Review states of field reports. */
export type ReviewState = 'submitted' | 'verified' | 'rejected' | 'duplicate';

/** Every review state. */
export const REVIEW_STATES: readonly ReviewState[] = [
  'submitted',
  'verified',
  'rejected',
  'duplicate',
];

/** Instability levels above none, lowest first. */
export type InstabilityLevel = 'medium' | 'high';

/**
 * Which events an indicator counts. Every given condition must hold:
 * - `categories`: the event's category is one of these or under one (prefixes at dots);
 * - `civilianTargeted`: equals this;
 * - `perpetrators` / `targets`: the type of actor 1 / actor 2 is one of these;
 * - `minDeaths` / `maxDeaths`: best death estimate within bounds (not counted = 0);
 * - `sources`: the event comes from one of these;
 * - `minReliability`: at least this reliable (`high` > `medium` > `low` > `unknown`);
 * - `targetGroupKnown` true: the event names the communal group targeted;
 * - `identifiedPerpetrator` true: actor 1 has a name that identifies it (not "Unidentified
 *   …", "Unknown …"): an organised perpetrator, with `perpetrators` for its type.
 */
export interface EventMatch {
  categories: string[];
  civilianTargeted?: boolean;
  perpetrators?: ActorType[];
  targets?: ActorType[];
  minDeaths?: number;
  maxDeaths?: number;
  sources?: EventSource[];
  minReliability?: Reliability;
  targetGroupKnown?: boolean;
  identifiedPerpetrator?: boolean;
}

/** Structural tiers as the imminence rule names them; `unknown`: no tier known for the date. */
export type ImminenceTier = 'extreme' | 'high' | 'moderate' | 'low' | 'negligible' | 'unknown';

/** Every tier the imminence rule can name, highest first. */
export const IMMINENCE_TIERS: readonly ImminenceTier[] = [
  'extreme',
  'high',
  'moderate',
  'low',
  'negligible',
  'unknown',
];

/**
 * How much red-flag evidence makes atrocities imminent, per structural tier: red flags can
 * raise the warning in any tier; a lower tier needs more of them. One `level` per group of
 * tiers; the warning holds when any of its `anyOf` conditions does: at least `minRedFlags`
 * red flags fired, with at least `minEvents` events and `minDeaths` deaths behind them (an
 * event behind several red flags counts once), `minGroupEvents` of them by an identified
 * perpetrator against a group (naming the group targeted, or by a militia organised along
 * communal lines): where the structure shows little risk, the events must show who targets
 * which group.
 */
export interface ImminenceRule {
  description: string;
  levels: {
    tiers: ImminenceTier[];
    anyOf: ImminenceCondition[];
  }[];
}

/** One condition of an imminence level; thresholds absent from the file are 0. */
export interface ImminenceCondition {
  minRedFlags: number;
  minEvents: number;
  minDeaths: number;
  minGroupEvents: number;
}

/** What every indicator has. */
interface IndicatorBase {
  /** Lower-case id, unique in the file (`civilian-targeting`). */
  id: string;
  title: string;
  description: string;
  /** The stage the indicator signals when it fires. */
  stage: Exclude<Stage, 'none'>;
  /** One of the red flags, the evidence the imminence rule weighs. */
  redFlag: boolean;
  match: EventMatch;
  /** Days before and including the as-of date that count (≥ 1). */
  windowDays: number;
  /** Thresholds are scaled by the instability factor (lowered when instability is high). */
  amplified: boolean;
  /**
   * Fires only when one of the `anyOf` indicators (defined earlier in the file) fired, and
   * instability is at least `instability`.
   */
  requires?: { anyOf?: string[]; instability?: InstabilityLevel };
}

/** Fires when at least `minEvents` matching events, with `minDeaths` deaths in all, fall in the window. */
export interface CountIndicator extends IndicatorBase {
  kind: 'count';
  minEvents: number;
  minDeaths: number;
}

/**
 * Fires when at least `minEvents` matching events fall in the window and their daily rate
 * is at least `ratio` times the rate over the `baselineDays` before the window (a baseline
 * without events counts as one event, so a sudden start qualifies once above `ratio`).
 */
export interface AccelerationIndicator extends IndicatorBase {
  kind: 'acceleration';
  baselineDays: number;
  minEvents: number;
  ratio: number;
}

/**
 * Fires on unpunished acts: matching events in the window whose grace period (`graceDays`
 * after the event) has passed with no accountability: their own accountability is
 * `none-known` and no `response.accountability` event relates to them. At least
 * `minEvents` of them; with `perGroup`, against the same target group (or, the group being
 * unknown, by the same perpetrator); with `escalating`, the last of them killed at least as
 * many as the first (each unpunished act followed by a bolder one).
 */
export interface ImpunityIndicator extends IndicatorBase {
  kind: 'impunity';
  graceDays: number;
  minEvents: number;
  perGroup: boolean;
  escalating: boolean;
}

/** An indicator of any kind. */
export type Indicator = CountIndicator | AccelerationIndicator | ImpunityIndicator;

/**
 * The instability amplifier: matching events (protests, riots, fighting) in the window set
 * a level; each level scales the thresholds of `amplified` indicators by its `factor`
 * (in (0, 1]: more instability, lower thresholds; counts round up, never below 1).
 */
export interface InstabilityRule {
  match: EventMatch;
  windowDays: number;
  levels: { level: InstabilityLevel; minEvents: number; factor: number }[];
}

/**
 * A historical crisis marker read from the structural data in the store: every
 * country-year where `variable` is at least `min` becomes an event of `category` dated over
 * that year. With `deaths`, the value is the death count of the year.
 */
export interface MarkerRule {
  variable: string;
  min: number;
  category: EventCategory;
  label: string;
  deaths: boolean;
}

/** A version of the rules. */
export interface EscalationRules {
  id: string;
  version: number;
  title: string;
  description: string;
  changelog: { version: number; date: string; changes: string }[];
  /** Most event keys listed as evidence per fired indicator (the most recent). */
  maxEvidence: number;
  /** Review states of field reports the rules count (rejected and duplicates never count). */
  reportStates: ReviewState[];
  markers: MarkerRule[];
  instability: InstabilityRule;
  indicators: Indicator[];
  /**
   * When red flags make atrocities imminent. Absent (version 1): a high or extreme tier
   * with at least one red flag.
   */
  imminence?: ImminenceRule;
}

/** One problem in a rules file: where (`indicators[3].windowDays`) and what. */
export interface RulesIssue {
  path: string;
  message: string;
}

/** The typed rules, or every problem found. */
export type RulesValidation =
  { ok: true; rules: EscalationRules } | { ok: false; issues: RulesIssue[] };

type Json = Record<string, unknown>;

const ID = /^[a-z0-9][a-z0-9-]*$/;
const VARIABLE = /^[a-z0-9-]+:\S+$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Checks a parsed rules file: the schema above, unknown fields (typos), known categories and
 * actor types, positive windows and thresholds, unique ids, `requires` naming indicators
 * defined earlier (so there are no cycles), instability levels in increasing order with
 * decreasing factors. Pure; collects every issue.
 */
export function validateRules(input: unknown): RulesValidation {
  const issues: RulesIssue[] = [];
  const v = new Validator(issues);
  if (!isObject(input))
    return { ok: false, issues: [{ path: '(root)', message: 'expected a JSON object' }] };
  v.keys(input, '', [
    'id',
    'version',
    'title',
    'description',
    'changelog',
    'maxEvidence',
    'reportStates',
    'markers',
    'instability',
    'indicators',
    'imminence',
  ]);
  const id = v.str(input, 'id', '', ID);
  const version = v.int(input, 'version', '', 1);
  const title = v.str(input, 'title', '');
  const description = v.str(input, 'description', '');
  const changelog = v.arr(input, 'changelog', '', (x, p) => {
    if (!v.obj(x, p)) return undefined;
    v.keys(x, p, ['version', 'date', 'changes']);
    const ver = v.int(x, 'version', p, 1);
    const date = v.str(x, 'date', p, DATE);
    const changes = v.str(x, 'changes', p);
    return ver === undefined || date === undefined || changes === undefined
      ? undefined
      : { version: ver, date, changes };
  });
  if (changelog && version !== undefined && !changelog.some((e) => e.version === version)) {
    v.fail('changelog', `expected an entry for version ${version}`);
  }
  const maxEvidence = v.int(input, 'maxEvidence', '', 1);
  const reportStates = v.arr(input, 'reportStates', '', (x, p) => {
    if (x === 'submitted' || x === 'verified') return x as ReviewState;
    return v.fail(
      p,
      'expected "submitted" or "verified" (rejected reports and duplicates never count)',
    );
  });
  const markers = v.arr(input, 'markers', '', (x, p) => marker(v, x, p));
  const instability = instabilityRule(v, input.instability, 'instability');
  const seen = new Set<string>();
  const indicators = v.arr(input, 'indicators', '', (x, p) => indicator(v, x, p, seen));
  const imminence =
    input.imminence === undefined ? undefined : imminenceRule(v, input.imminence, 'imminence');
  if (issues.length > 0) return { ok: false, issues };
  return {
    ok: true,
    rules: {
      id: id!,
      version: version!,
      title: title!,
      description: description!,
      changelog: changelog!,
      maxEvidence: maxEvidence!,
      reportStates: reportStates!,
      markers: markers!,
      instability: instability!,
      indicators: indicators!,
      ...(imminence ? { imminence } : {}),
    },
  };
}

function imminenceRule(v: Validator, x: unknown, p: string): ImminenceRule | undefined {
  if (!v.obj(x, p)) return undefined;
  v.keys(x, p, ['description', 'levels']);
  const description = v.str(x, 'description', p);
  const named = new Set<ImminenceTier>();
  const levels = v.arr(x, 'levels', p, (l, lp) => {
    if (!v.obj(l, lp)) return undefined;
    v.keys(l, lp, ['tiers', 'anyOf']);
    const tiers = v.arr(l, 'tiers', lp, (t, tp) => {
      if (!IMMINENCE_TIERS.includes(t as ImminenceTier))
        return v.fail(tp, `expected one of ${IMMINENCE_TIERS.join(', ')}`);
      if (named.has(t as ImminenceTier))
        return v.fail(tp, `tier "${String(t)}" is named by an earlier level`);
      named.add(t as ImminenceTier);
      return t as ImminenceTier;
    });
    const anyOf = v.arr(l, 'anyOf', lp, (c, cp) => {
      if (!v.obj(c, cp)) return undefined;
      v.keys(c, cp, ['minRedFlags', 'minEvents', 'minDeaths', 'minGroupEvents']);
      const minRedFlags = v.int(c, 'minRedFlags', cp, 1);
      const [minEvents, minDeaths, minGroupEvents] = (
        ['minEvents', 'minDeaths', 'minGroupEvents'] as const
      ).map((k) => (c[k] === undefined ? 0 : v.int(c, k, cp, 0)));
      return minRedFlags === undefined ||
        minEvents === undefined ||
        minDeaths === undefined ||
        minGroupEvents === undefined
        ? undefined
        : { minRedFlags, minEvents, minDeaths, minGroupEvents };
    });
    if (anyOf && anyOf.length === 0) v.fail(at(lp, 'anyOf'), 'expected at least one condition');
    return tiers === undefined || anyOf === undefined ? undefined : { tiers, anyOf };
  });
  if (levels) {
    const missing = IMMINENCE_TIERS.filter((t) => !named.has(t));
    if (missing.length > 0)
      v.fail(at(p, 'levels'), `expected every tier to be named; missing ${missing.join(', ')}`);
  }
  return description === undefined || levels === undefined ? undefined : { description, levels };
}

/** The issues as lines `path: message`, for users. */
export function formatRulesIssues(issues: readonly RulesIssue[]): string {
  return issues.map((i) => `${i.path}: ${i.message}`).join('\n');
}

function marker(v: Validator, x: unknown, p: string): MarkerRule | undefined {
  if (!v.obj(x, p)) return undefined;
  v.keys(x, p, ['variable', 'min', 'category', 'label', 'deaths']);
  const variable = v.str(x, 'variable', p, VARIABLE);
  const min = v.num(x, 'min', p, 0);
  const category = v.str(x, 'category', p);
  if (category !== undefined && !isCategory(category)) {
    v.fail(
      at(p, 'category'),
      `unknown category "${category}" (see the taxonomy in docs/escalation.md)`,
    );
  }
  const label = v.str(x, 'label', p);
  const deaths = x.deaths === undefined ? false : v.bool(x, 'deaths', p);
  if (variable === undefined || min === undefined || label === undefined || deaths === undefined)
    return undefined;
  if (category === undefined || !isCategory(category)) return undefined;
  return { variable, min, category, label, deaths };
}

function instabilityRule(v: Validator, x: unknown, p: string): InstabilityRule | undefined {
  if (!v.obj(x, p)) return undefined;
  v.keys(x, p, ['match', 'windowDays', 'levels']);
  const match = eventMatch(v, x.match, at(p, 'match'));
  const windowDays = v.int(x, 'windowDays', p, 1);
  const levels = v.arr(x, 'levels', p, (l, lp) => {
    if (!v.obj(l, lp)) return undefined;
    v.keys(l, lp, ['level', 'minEvents', 'factor']);
    const level: InstabilityLevel | undefined =
      l.level === 'medium' || l.level === 'high'
        ? l.level
        : v.fail(at(lp, 'level'), 'expected "medium" or "high"');
    const minEvents = v.int(l, 'minEvents', lp, 1);
    const factor = v.num(l, 'factor', lp, 0);
    if (factor !== undefined && (factor <= 0 || factor > 1))
      v.fail(at(lp, 'factor'), 'expected a number in (0, 1]');
    return level === undefined || minEvents === undefined || factor === undefined
      ? undefined
      : { level, minEvents, factor };
  });
  if (levels) {
    const order: InstabilityLevel[] = ['medium', 'high'];
    levels.forEach((l, i) => {
      const prev = levels[i - 1];
      if (!prev) return;
      if (order.indexOf(l.level) <= order.indexOf(prev.level))
        v.fail(at(at(p, 'levels'), i), 'levels must go from medium to high, each once');
      if (l.minEvents <= prev.minEvents)
        v.fail(
          at(at(at(p, 'levels'), i), 'minEvents'),
          `expected more than ${prev.minEvents} (the level below)`,
        );
      if (l.factor > prev.factor)
        v.fail(
          at(at(at(p, 'levels'), i), 'factor'),
          `expected at most ${prev.factor} (the level below)`,
        );
    });
  }
  if (match === undefined || windowDays === undefined || levels === undefined) return undefined;
  return { match, windowDays, levels };
}

const INDICATOR_KEYS = [
  'id',
  'title',
  'description',
  'kind',
  'stage',
  'redFlag',
  'match',
  'windowDays',
  'amplified',
  'requires',
];
const KIND_KEYS: Record<Indicator['kind'], string[]> = {
  count: ['minEvents', 'minDeaths'],
  acceleration: ['baselineDays', 'minEvents', 'ratio'],
  impunity: ['graceDays', 'minEvents', 'perGroup', 'escalating'],
};

function indicator(v: Validator, x: unknown, p: string, seen: Set<string>): Indicator | undefined {
  if (!v.obj(x, p)) return undefined;
  const kind = x.kind;
  if (kind !== 'count' && kind !== 'acceleration' && kind !== 'impunity') {
    v.fail(at(p, 'kind'), 'expected "count", "acceleration" or "impunity"');
    return undefined;
  }
  v.keys(x, p, [...INDICATOR_KEYS, ...KIND_KEYS[kind]]);
  const id = v.str(x, 'id', p, ID);
  if (id !== undefined) {
    if (seen.has(id)) v.fail(at(p, 'id'), `id "${id}" is used by an earlier indicator`);
  }
  const title = v.str(x, 'title', p);
  const description = v.str(x, 'description', p);
  const stage: Exclude<Stage, 'none'> | undefined =
    x.stage === 'crisis' || x.stage === 'mobilisation' || x.stage === 'violence'
      ? x.stage
      : v.fail(at(p, 'stage'), 'expected "crisis", "mobilisation" or "violence"');
  const redFlag = v.bool(x, 'redFlag', p);
  const match = eventMatch(v, x.match, at(p, 'match'));
  const windowDays = v.int(x, 'windowDays', p, 1);
  const amplified = x.amplified === undefined ? false : v.bool(x, 'amplified', p);
  let requires: IndicatorBase['requires'];
  if (x.requires !== undefined) {
    const rp = at(p, 'requires');
    if (v.obj(x.requires, rp)) {
      const r = x.requires;
      v.keys(r, rp, ['anyOf', 'instability']);
      requires = {};
      if (r.anyOf !== undefined) {
        const anyOf = v.arr(r, 'anyOf', rp, (y, yp) => {
          if (typeof y !== 'string') return v.fail(yp, 'expected an indicator id');
          if (!seen.has(y))
            return v.fail(yp, `"${y}" is not an indicator defined earlier in the file`);
          return y;
        });
        if (anyOf) requires.anyOf = anyOf;
      }
      if (r.instability !== undefined) {
        if (r.instability === 'medium' || r.instability === 'high')
          requires.instability = r.instability;
        else v.fail(at(rp, 'instability'), 'expected "medium" or "high"');
      }
    }
  }
  if (id !== undefined) seen.add(id);
  const base =
    id === undefined ||
    title === undefined ||
    description === undefined ||
    stage === undefined ||
    redFlag === undefined ||
    match === undefined ||
    windowDays === undefined ||
    amplified === undefined
      ? undefined
      : {
          id,
          title,
          description,
          stage,
          redFlag,
          match,
          windowDays,
          amplified,
          ...(requires ? { requires } : {}),
        };
  if (kind === 'count') {
    const minEvents = v.int(x, 'minEvents', p, 1);
    const minDeaths = x.minDeaths === undefined ? 0 : v.int(x, 'minDeaths', p, 0);
    return base && minEvents !== undefined && minDeaths !== undefined
      ? { ...base, kind, minEvents, minDeaths }
      : undefined;
  }
  if (kind === 'acceleration') {
    const baselineDays = v.int(x, 'baselineDays', p, 1);
    const minEvents = v.int(x, 'minEvents', p, 1);
    const ratio = v.num(x, 'ratio', p, 0);
    if (ratio !== undefined && ratio < 1)
      v.fail(at(p, 'ratio'), "expected a number ≥ 1 (a rate at least the baseline's)");
    return base && baselineDays !== undefined && minEvents !== undefined && ratio !== undefined
      ? { ...base, kind, baselineDays, minEvents, ratio }
      : undefined;
  }
  const graceDays = v.int(x, 'graceDays', p, 0);
  const minEvents = v.int(x, 'minEvents', p, 1);
  const perGroup = x.perGroup === undefined ? false : v.bool(x, 'perGroup', p);
  const escalating = x.escalating === undefined ? false : v.bool(x, 'escalating', p);
  if (graceDays !== undefined && windowDays !== undefined && graceDays >= windowDays) {
    v.fail(at(p, 'graceDays'), `expected fewer days than the window (${windowDays})`);
  }
  return base &&
    graceDays !== undefined &&
    minEvents !== undefined &&
    perGroup !== undefined &&
    escalating !== undefined
    ? { ...base, kind, graceDays, minEvents, perGroup, escalating }
    : undefined;
}

function eventMatch(v: Validator, x: unknown, p: string): EventMatch | undefined {
  if (!v.obj(x, p)) return undefined;
  v.keys(x, p, [
    'categories',
    'civilianTargeted',
    'perpetrators',
    'targets',
    'minDeaths',
    'maxDeaths',
    'sources',
    'minReliability',
    'targetGroupKnown',
    'identifiedPerpetrator',
  ]);
  const categories = v.arr(x, 'categories', p, (y, yp) => {
    if (typeof y !== 'string' || !isCategoryPattern(y)) {
      return v.fail(
        yp,
        `unknown category "${String(y)}" (a code of the taxonomy or a prefix of codes at a dot)`,
      );
    }
    return y;
  });
  if (categories && categories.length === 0)
    v.fail(at(p, 'categories'), 'expected at least one category');
  const out: EventMatch = { categories: categories ?? [] };
  if (x.civilianTargeted !== undefined) {
    const b = v.bool(x, 'civilianTargeted', p);
    if (b !== undefined) out.civilianTargeted = b;
  }
  for (const key of ['perpetrators', 'targets'] as const) {
    if (x[key] === undefined) continue;
    const list = v.arr(x, key, p, (y, yp) =>
      ACTOR_TYPES.includes(y as ActorType)
        ? (y as ActorType)
        : v.fail(yp, `expected one of ${ACTOR_TYPES.join(', ')}`),
    );
    if (list) out[key] = list;
  }
  for (const key of ['minDeaths', 'maxDeaths'] as const) {
    if (x[key] === undefined) continue;
    const n = v.int(x, key, p, 0);
    if (n !== undefined) out[key] = n;
  }
  if (out.minDeaths !== undefined && out.maxDeaths !== undefined && out.maxDeaths < out.minDeaths) {
    v.fail(at(p, 'maxDeaths'), `expected at least minDeaths (${out.minDeaths})`);
  }
  for (const key of ['targetGroupKnown', 'identifiedPerpetrator'] as const) {
    if (x[key] === undefined) continue;
    const b = v.bool(x, key, p);
    if (b !== undefined) out[key] = b;
  }
  if (x.sources !== undefined) {
    const list = v.arr(x, 'sources', p, (y, yp) =>
      EVENT_SOURCES.includes(y as EventSource)
        ? (y as EventSource)
        : v.fail(yp, `expected one of ${EVENT_SOURCES.join(', ')}`),
    );
    if (list) out.sources = list;
  }
  if (x.minReliability !== undefined) {
    if (RELIABILITIES.includes(x.minReliability as Reliability))
      out.minReliability = x.minReliability as Reliability;
    else v.fail(at(p, 'minReliability'), `expected one of ${RELIABILITIES.join(', ')}`);
  }
  return categories ? out : undefined;
}

function isObject(x: unknown): x is Json {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function at(base: string, key: string | number): string {
  if (typeof key === 'number') return `${base}[${key}]`;
  return base ? `${base}.${key}` : key;
}

/** Small typed readers that record an issue (with its path) and return undefined on failure. */
class Validator {
  constructor(private readonly issues: RulesIssue[]) {}

  fail(path: string, message: string): undefined {
    this.issues.push({ path, message });
    return undefined;
  }

  obj(x: unknown, path: string): x is Json {
    if (isObject(x)) return true;
    this.fail(path || '(root)', 'expected an object');
    return false;
  }

  /** Flags keys outside `allowed`, so that a misspelt field is not silently ignored. */
  keys(x: Json, path: string, allowed: readonly string[]): void {
    for (const u of unknownFields(x, allowed)) this.fail(at(path, u.key), u.message);
  }

  str(x: Json, key: string, base: string, pattern?: RegExp): string | undefined {
    const s = x[key];
    const path = at(base, key);
    if (typeof s !== 'string' || s.trim() === '')
      return this.fail(path, 'expected a non-empty string');
    if (pattern && !pattern.test(s))
      return this.fail(path, `expected a string matching ${pattern}`);
    return s;
  }

  int(x: Json, key: string, base: string, min: number): number | undefined {
    const n = x[key];
    if (typeof n !== 'number' || !Number.isInteger(n) || n < min) {
      return this.fail(at(base, key), `expected a whole number ≥ ${min}`);
    }
    return n;
  }

  num(x: Json, key: string, base: string, min: number): number | undefined {
    const n = x[key];
    if (typeof n !== 'number' || !Number.isFinite(n) || n < min)
      return this.fail(at(base, key), `expected a number ≥ ${min}`);
    return n;
  }

  bool(x: Json, key: string, base: string): boolean | undefined {
    const b = x[key];
    if (typeof b !== 'boolean') return this.fail(at(base, key), 'expected true or false');
    return b;
  }

  arr<T>(
    x: Json,
    key: string,
    base: string,
    item: (value: unknown, path: string) => T | undefined,
  ): T[] | undefined {
    const a = x[key];
    const path = at(base, key);
    if (!Array.isArray(a)) return this.fail(path, 'expected an array');
    const out: T[] = [];
    let ok = true;
    a.forEach((value, i) => {
      const r = item(value, at(path, i));
      if (r === undefined) ok = false;
      else out.push(r);
    });
    return ok ? out : undefined;
  }
}

import type { Tier } from '../frameworks/types.js';
import { dateOfDay, dayNumber } from './dates.js';
import type {
  EscalationRules,
  EventMatch,
  ImminenceCondition,
  ImminenceRule,
  ImminenceTier,
  Indicator,
  InstabilityLevel,
  Stage,
} from './rules.js';
import { STAGES } from './rules.js';
import { CATEGORIES, matchesCategory } from './taxonomy.js';
import { RELIABILITIES, TLP_LEVELS } from './types.js';
import type { EventFacts, Tlp } from './types.js';

/**
 * The escalation engine: for one country and one date, which indicators fire on the events
 * known by then, the stage reached, the red flags and whether atrocities are imminent. Pure
 * and deterministic: the same events, rules, date and tier give the same status.
 */

/** An indicator that fired, with the evidence that made it fire. */
export interface FiredIndicator {
  id: string;
  title: string;
  kind: Indicator['kind'];
  stage: Exclude<Stage, 'none'>;
  redFlag: boolean;
  /** The window, ISO dates inclusive. */
  from: string;
  to: string;
  /** Matching events counted (for impunity: unpunished acts; per group, the largest group's). */
  events: number;
  /** Best-estimate deaths of those events. */
  deaths: number;
  /** Thresholds applied, after the instability factor for amplified indicators. */
  threshold: { minEvents: number; minDeaths?: number; ratio?: number };
  /** Acceleration: matching events in the baseline period before the window. */
  baselineEvents?: number;
  /** Impunity per group: the group (or `perpetrator: NAME`) the acts were aimed at. */
  group?: string;
  /** Keys of the events that made it fire, most recent first, at most `rules.maxEvidence`. */
  evidence: string[];
  /** The strictest sharing level among the counted events. */
  sharing: Tlp;
}

/** Instability in the amplifier's window: level, matching events, the factor applied. */
export interface Instability {
  level: 'none' | InstabilityLevel;
  events: number;
  factor: number;
}

/**
 * Why a status is imminent or not: the tier the rule read, the red-flag evidence, what the
 * tier needs and the condition met (null: none).
 */
export interface Imminence {
  tier: ImminenceTier;
  /** Red flags that fired. */
  redFlags: number;
  /** Distinct events behind them (an event behind several counts once). */
  events: number;
  /** Best-estimate deaths of those events. */
  deaths: number;
  /** Those of them by a known perpetrator against a group (named, or by a communal militia). */
  groupEvents: number;
  /** What the tier needs, in words. */
  needs: string;
  /** The condition that held, in words; null when none did. */
  met: string | null;
}

/**
 * A country's escalation status on a date. `imminent`: the red flags that fired are enough
 * evidence for the structural tier (the rules' `imminence`; without it, a high or extreme
 * tier and one red flag). `tier` null: not known (no assessment given).
 */
export interface CountryStatus {
  countryId: string;
  asOf: string;
  stage: Stage;
  imminent: boolean;
  /** Why imminent or not (absent from statuses stored before rules could say). */
  imminence?: Imminence;
  tier: Tier | null;
  /** Ids of the red-flag indicators that fired. */
  redFlags: string[];
  /** Fired indicators, in the order of the rules. */
  indicators: FiredIndicator[];
  instability: Instability;
  /** The strictest sharing level of the evidence behind the status. */
  sharing: Tlp;
  /** `id@version` of the rules. */
  rules: string;
}

/** One event with what the engine derives from it once. */
interface Prepared {
  facts: EventFacts;
  endDay: number;
  source: string;
  reliability: number;
  sharing: number;
}

/**
 * A country's events, sorted and indexed once so the status can be evaluated on many dates
 * (timelines, backtests) without sorting again, and kept up to date one event at a time
 * (`upsert`) by the incremental monitor. Accountability responses (events of
 * `response.accountability` relating to another event) are indexed by the event they
 * concern.
 */
export class CountryEvents {
  private readonly list: Prepared[] = [];
  private readonly byKey = new Map<string, Prepared>();
  private readonly responses = new Map<string, number>();

  constructor(events: readonly EventFacts[] = []) {
    for (const facts of events) {
      const p = prepare(facts);
      if (!p) continue;
      const earlier = this.byKey.get(facts.key);
      if (earlier) this.list[this.list.indexOf(earlier)] = p;
      else this.list.push(p);
      this.byKey.set(facts.key, p);
      this.noteResponse(p);
    }
    this.list.sort(order);
  }

  /** The events, by end date then key. */
  get events(): readonly Prepared[] {
    return this.list;
  }

  /** Adds an event, or replaces the one with the same key; keeps the order. */
  upsert(facts: EventFacts): void {
    const p = prepare(facts);
    const old = this.byKey.get(facts.key);
    if (old) {
      const at = this.locate(old);
      if (at >= 0) this.list.splice(at, 1);
      this.byKey.delete(facts.key);
    }
    if (!p) return;
    let at = this.firstFrom(p.endDay);
    while (at < this.list.length && order(this.list[at] as Prepared, p) < 0) at++;
    this.list.splice(at, 0, p);
    this.byKey.set(facts.key, p);
    this.noteResponse(p);
  }

  /** Index of the first event ending on or after `day`. */
  firstFrom(day: number): number {
    let lo = 0;
    let hi = this.list.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.list[mid] as Prepared).endDay < day) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /**
   * True when the act is known to have gone unpunished on `day`: a source says no one was
   * held to account (`none-known`) and no accountability response relates to it by then.
   * An act whose accountability is unknown (imported datasets) is not evidence of impunity.
   */
  unpunished(e: Prepared, day: number): boolean {
    if (e.facts.accountability !== 'none-known') return false;
    const response = this.responses.get(e.facts.key);
    return response === undefined || response > day;
  }

  private locate(p: Prepared): number {
    for (
      let i = this.firstFrom(p.endDay);
      i < this.list.length && (this.list[i] as Prepared).endDay === p.endDay;
      i++
    ) {
      if (this.list[i] === p) return i;
    }
    return -1;
  }

  private noteResponse(p: Prepared): void {
    const f = p.facts;
    if (f.relatesTo !== null && matchesCategory(f.category, 'response.accountability')) {
      const earlier = this.responses.get(f.relatesTo);
      if (earlier === undefined || p.endDay < earlier) this.responses.set(f.relatesTo, p.endDay);
    }
  }
}

function prepare(facts: EventFacts): Prepared | undefined {
  const endDay = dayNumber(facts.dateEnd);
  if (Number.isNaN(endDay)) return undefined;
  const colon = facts.key.indexOf(':');
  return {
    facts,
    endDay,
    source: colon < 0 ? '' : facts.key.slice(0, colon),
    reliability: RELIABILITIES.length - 1 - RELIABILITIES.indexOf(facts.reliability),
    sharing: TLP_LEVELS.indexOf(facts.sharing),
  };
}

function order(a: Prepared, b: Prepared): number {
  return (
    a.endDay - b.endDay || (a.facts.key < b.facts.key ? -1 : a.facts.key > b.facts.key ? 1 : 0)
  );
}

/** A rules set compiled for fast matching: category patterns expanded to code sets. */
export interface CompiledRules {
  rules: EscalationRules;
  matchers: Map<EventMatch, (e: Prepared) => boolean>;
  lookbackDays: number;
}

/** Compiles `rules` once for many evaluations. */
export function compileRules(rules: EscalationRules): CompiledRules {
  const matchers = new Map<EventMatch, (e: Prepared) => boolean>();
  const add = (m: EventMatch) => matchers.set(m, compileMatch(m));
  add(rules.instability.match);
  for (const i of rules.indicators) add(i.match);
  return { rules, matchers, lookbackDays: lookbackDays(rules) };
}

/**
 * Days before the as-of date (inclusive) that any indicator or the amplifier reads: events
 * ending earlier cannot change the status.
 */
export function lookbackDays(rules: EscalationRules): number {
  let days = rules.instability.windowDays;
  for (const i of rules.indicators) {
    days = Math.max(days, i.windowDays + (i.kind === 'acceleration' ? i.baselineDays : 0));
  }
  return days;
}

/**
 * For each category the rules read, the days before the as-of date (inclusive) in which its
 * events can matter: the longest window (with baseline) of the indicators and amplifier that
 * match it. Accountability responses get the longest impunity window. Categories absent are
 * never read, so stores need not load them.
 */
export function categoryLookbacks(rules: EscalationRules): Map<string, number> {
  const out = new Map<string, number>();
  const add = (m: EventMatch, days: number) => {
    for (const { code } of CATEGORIES) {
      if (m.categories.some((p) => matchesCategory(code, p)))
        out.set(code, Math.max(out.get(code) ?? 0, days));
    }
  };
  add(rules.instability.match, rules.instability.windowDays);
  let impunity = 0;
  for (const i of rules.indicators) {
    add(i.match, i.windowDays + (i.kind === 'acceleration' ? i.baselineDays : 0));
    if (i.kind === 'impunity') impunity = Math.max(impunity, i.windowDays);
  }
  if (impunity > 0) add({ categories: ['response.accountability'] }, impunity);
  return out;
}

function compileMatch(m: EventMatch): (e: Prepared) => boolean {
  const codes = new Set(
    CATEGORIES.map((x) => x.code as string).filter((code) =>
      m.categories.some((p) => matchesCategory(code, p)),
    ),
  );
  const perpetrators = m.perpetrators ? new Set<string>(m.perpetrators) : undefined;
  const targets = m.targets ? new Set<string>(m.targets) : undefined;
  const sources = m.sources ? new Set<string>(m.sources) : undefined;
  const minReliability =
    m.minReliability === undefined
      ? undefined
      : RELIABILITIES.length - 1 - RELIABILITIES.indexOf(m.minReliability);
  return (e) => {
    const f = e.facts;
    if (!codes.has(f.category)) return false;
    if (m.civilianTargeted !== undefined && f.civilianTargeted !== m.civilianTargeted) return false;
    if (perpetrators && (f.actor1Type === null || !perpetrators.has(f.actor1Type))) return false;
    if (targets && (f.actor2Type === null || !targets.has(f.actor2Type))) return false;
    const deaths = f.deathsBest ?? 0;
    if (m.minDeaths !== undefined && deaths < m.minDeaths) return false;
    if (m.maxDeaths !== undefined && deaths > m.maxDeaths) return false;
    if (sources && !sources.has(e.source)) return false;
    if (minReliability !== undefined && e.reliability < minReliability) return false;
    if (m.targetGroupKnown !== undefined && (f.targetGroup !== null) !== m.targetGroupKnown)
      return false;
    if (
      m.identifiedPerpetrator !== undefined &&
      identified(f.actor1Name) !== m.identifiedPerpetrator
    )
      return false;
    return true;
  };
}

/**
 * An act by a known perpetrator aimed at a group: the perpetrator is identified (not
 * "Unidentified …"), and the act names the group targeted or the perpetrator is a militia
 * organised along communal lines (a community attacking civilians as a community).
 */
function aimedAtGroup(e: Prepared): boolean {
  return (
    identified(e.facts.actor1Name) &&
    (e.facts.targetGroup !== null || e.facts.actor1Type === 'identity-militia')
  );
}

/** Names that say the actor is not known ("Unidentified Armed Group (Kenya)", "unknown gang"). */
const UNIDENTIFIED = /^\s*(unidentified|unknown|unnamed|un-identified)\b/i;

/** True when an actor's name identifies it. */
function identified(name: string | null): boolean {
  return name !== null && name.trim() !== '' && !UNIDENTIFIED.test(name);
}

/**
 * The status of `countryId` on `asOf` (ISO date) from its events: only events ending on or
 * before `asOf` count. `tier` is the structural tier on that date, if known.
 */
export function evaluateCountry(
  compiled: CompiledRules,
  countryId: string,
  asOf: string,
  events: CountryEvents,
  tier: Tier | null = null,
): CountryStatus {
  const { rules } = compiled;
  const asOfDay = dayNumber(asOf);
  if (Number.isNaN(asOfDay)) throw new RangeError(`invalid as-of date "${asOf}"`);
  const all = events.events;
  const end = events.firstFrom(asOfDay + 1);
  const window = (days: number): [number, number] => [events.firstFrom(asOfDay - days + 1), end];
  const matcher = (m: EventMatch) => compiled.matchers.get(m) ?? compileMatch(m);

  const instability = measureInstability(compiled, all, window(rules.instability.windowDays));
  const levelRank = (l: Instability['level']) => ['none', 'medium', 'high'].indexOf(l);
  const fired: FiredIndicator[] = [];
  const firedIds = new Set<string>();
  const behindRedFlags = new Map<string, Prepared>();
  let sharing = instability.sharingRank;

  for (const ind of rules.indicators) {
    if (ind.requires?.anyOf && !ind.requires.anyOf.some((id) => firedIds.has(id))) continue;
    if (
      ind.requires?.instability &&
      levelRank(instability.level) < levelRank(ind.requires.instability)
    )
      continue;
    const factor = ind.amplified ? instability.factor : 1;
    const scale = (n: number, floor: number) => Math.max(floor, Math.ceil(n * factor - 1e-9));
    const match = matcher(ind.match);
    const [lo, hi] = window(ind.windowDays);
    const base = {
      id: ind.id,
      title: ind.title,
      kind: ind.kind,
      stage: ind.stage,
      redFlag: ind.redFlag,
      from: dateOfDay(asOfDay - ind.windowDays + 1),
      to: asOf,
    };
    let result: FiredIndicator | undefined;
    let lastHits: readonly Prepared[] = [];
    if (ind.kind === 'count') {
      const minEvents = scale(ind.minEvents, 1);
      const minDeaths = scale(ind.minDeaths, 0);
      const hits = collect(all, lo, hi, match);
      const deaths = sumDeaths(hits);
      if (hits.length >= minEvents && deaths >= minDeaths) {
        lastHits = hits;
        result = {
          ...base,
          events: hits.length,
          deaths,
          threshold: { minEvents, minDeaths },
          ...evidence(hits, rules.maxEvidence),
        };
      }
    } else if (ind.kind === 'acceleration') {
      const minEvents = scale(ind.minEvents, 1);
      const hits = collect(all, lo, hi, match);
      if (hits.length >= minEvents) {
        const baseLo = events.firstFrom(asOfDay - ind.windowDays - ind.baselineDays + 1);
        const baseline = count(all, baseLo, lo, match);
        const rate = hits.length / ind.windowDays;
        const baseRate = Math.max(baseline, 1) / ind.baselineDays;
        if (rate >= ind.ratio * baseRate) {
          lastHits = hits;
          result = {
            ...base,
            events: hits.length,
            deaths: sumDeaths(hits),
            threshold: { minEvents, ratio: ind.ratio },
            baselineEvents: baseline,
            ...evidence(hits, rules.maxEvidence),
          };
        }
      }
    } else {
      const minEvents = scale(ind.minEvents, 1);
      const hits = collect(
        all,
        lo,
        hi,
        (e) => match(e) && e.endDay + ind.graceDays <= asOfDay && events.unpunished(e, asOfDay),
      );
      const accept = (list: readonly Prepared[]) =>
        list.length >= minEvents && (!ind.escalating || escalates(list));
      const chosen = ind.perGroup ? largestGroup(hits, accept) : { group: undefined, hits };
      if (chosen.hits.length > 0 && accept(chosen.hits)) {
        lastHits = chosen.hits;
        result = {
          ...base,
          events: chosen.hits.length,
          deaths: sumDeaths(chosen.hits),
          threshold: { minEvents },
          ...(chosen.group === undefined ? {} : { group: chosen.group }),
          ...evidence(chosen.hits, rules.maxEvidence),
        };
      }
    }
    if (result) {
      if (ind.redFlag) for (const e of lastHits) behindRedFlags.set(e.facts.key, e);
      fired.push(result);
      firedIds.add(ind.id);
      sharing = Math.max(sharing, TLP_LEVELS.indexOf(result.sharing));
    }
  }

  let stage: Stage = 'none';
  for (const f of fired) if (STAGES.indexOf(f.stage) > STAGES.indexOf(stage)) stage = f.stage;
  const redFlags = fired.filter((f) => f.redFlag).map((f) => f.id);
  const behind = [...behindRedFlags.values()];
  const imminence = judgeImminence(rules.imminence, tier, {
    redFlags: redFlags.length,
    events: behind.length,
    deaths: sumDeaths(behind),
    groupEvents: behind.filter(aimedAtGroup).length,
  });
  return {
    countryId,
    asOf,
    stage,
    imminent: imminence.met !== null,
    imminence,
    tier,
    redFlags,
    indicators: fired,
    instability: {
      level: instability.level,
      events: instability.events,
      factor: instability.factor,
    },
    sharing: TLP_LEVELS[sharing] ?? 'CLEAR',
    rules: `${rules.id}@${rules.version}`,
  };
}

/** The rule of rules without `imminence` (version 1): a high or extreme tier and one red flag. */
const TIER_RULE: ImminenceRule = {
  description: 'A high or extreme structural tier and at least one red flag.',
  levels: [
    {
      tiers: ['extreme', 'high'],
      anyOf: [{ minRedFlags: 1, minEvents: 0, minDeaths: 0, minGroupEvents: 0 }],
    },
    { tiers: ['moderate', 'low', 'negligible', 'unknown'], anyOf: [] },
  ],
};

/**
 * Whether the red-flag evidence is enough for the tier: the first condition of the tier's
 * level that holds, in words, or null.
 */
export function judgeImminence(
  rule: ImminenceRule | undefined,
  tier: Tier | null,
  evidence: { redFlags: number; events: number; deaths: number; groupEvents: number },
): Imminence {
  const t: ImminenceTier = tier ?? 'unknown';
  const level = (rule ?? TIER_RULE).levels.find((l) => l.tiers.includes(t));
  const conditions = level?.anyOf ?? [];
  const words = (c: ImminenceCondition) =>
    [
      `${c.minRedFlags} red flag${c.minRedFlags === 1 ? '' : 's'}`,
      c.minEvents > 0 ? `${c.minEvents} events` : '',
      c.minDeaths > 0 ? `${c.minDeaths} deaths` : '',
      c.minGroupEvents > 0 ? `${c.minGroupEvents} by a known perpetrator against a group` : '',
    ]
      .filter((w) => w !== '')
      .join(', ');
  const held = conditions.find(
    (c) =>
      evidence.redFlags >= c.minRedFlags &&
      evidence.events >= c.minEvents &&
      evidence.deaths >= c.minDeaths &&
      evidence.groupEvents >= c.minGroupEvents,
  );
  return {
    tier: t,
    ...evidence,
    needs:
      conditions.length === 0
        ? `tier ${t}: red flags do not make atrocities imminent under these rules`
        : `tier ${t}: at least ${conditions.map(words).join(', or ')}`,
    met: held === undefined ? null : `at least ${words(held)}`,
  };
}

function measureInstability(
  compiled: CompiledRules,
  all: readonly Prepared[],
  [lo, hi]: [number, number],
): Instability & { sharingRank: number } {
  const rule = compiled.rules.instability;
  const match = compiled.matchers.get(rule.match) ?? compileMatch(rule.match);
  const hits = collect(all, lo, hi, match);
  let level: Instability['level'] = 'none';
  let factor = 1;
  for (const l of rule.levels) {
    if (hits.length >= l.minEvents) {
      level = l.level;
      factor = l.factor;
    }
  }
  const sharingRank = level === 'none' ? 0 : hits.reduce((s, e) => Math.max(s, e.sharing), 0);
  return { level, events: hits.length, factor, sharingRank };
}

function collect(
  all: readonly Prepared[],
  lo: number,
  hi: number,
  match: (e: Prepared) => boolean,
): Prepared[] {
  const out: Prepared[] = [];
  for (let i = lo; i < hi; i++) {
    const e = all[i] as Prepared;
    if (match(e)) out.push(e);
  }
  return out;
}

function count(
  all: readonly Prepared[],
  lo: number,
  hi: number,
  match: (e: Prepared) => boolean,
): number {
  let n = 0;
  for (let i = lo; i < hi; i++) if (match(all[i] as Prepared)) n++;
  return n;
}

function sumDeaths(events: readonly Prepared[]): number {
  let s = 0;
  for (const e of events) s += e.facts.deathsBest ?? 0;
  return s;
}

/** The most recent keys (events are in date order) and the strictest sharing level. */
function evidence(events: readonly Prepared[], max: number): { evidence: string[]; sharing: Tlp } {
  const keys: string[] = [];
  for (let i = events.length - 1; i >= 0 && keys.length < max; i--)
    keys.push((events[i] as Prepared).facts.key);
  const rank = events.reduce((s, e) => Math.max(s, e.sharing), 0);
  return { evidence: keys, sharing: TLP_LEVELS[rank] ?? 'CLEAR' };
}

/**
 * Acts grouped by target group (or perpetrator when the group is unknown); the largest group
 * that `accept`s, ties broken by the most recent act, then by name. Empty when none does.
 */
function largestGroup(
  events: readonly Prepared[],
  accept: (list: readonly Prepared[]) => boolean,
): { group: string | undefined; hits: Prepared[] } {
  const groups = new Map<string, Prepared[]>();
  for (const e of events) {
    const f = e.facts;
    const key =
      f.targetGroup ?? (f.actor1Name === null ? '(unknown)' : `perpetrator: ${f.actor1Name}`);
    const list = groups.get(key);
    if (list) list.push(e);
    else groups.set(key, [e]);
  }
  let best: { group: string | undefined; hits: Prepared[] } = { group: undefined, hits: [] };
  for (const [group, hits] of groups) {
    if (!accept(hits)) continue;
    const last = (hits[hits.length - 1] as Prepared).endDay;
    const bestLast = best.hits.length
      ? (best.hits[best.hits.length - 1] as Prepared).endDay
      : -Infinity;
    if (
      hits.length > best.hits.length ||
      (hits.length === best.hits.length &&
        (last > bestLast || (last === bestLast && group < (best.group ?? ''))))
    ) {
      best = { group, hits };
    }
  }
  return best;
}

/** The last act killed at least as many as the first (and there are at least two). */
function escalates(events: readonly Prepared[]): boolean {
  if (events.length < 2) return false;
  const first = (events[0] as Prepared).facts.deathsBest ?? 0;
  const last = (events[events.length - 1] as Prepared).facts.deathsBest ?? 0;
  return last >= first;
}

/** The higher of two stages. */
export function maxStage(a: Stage, b: Stage): Stage {
  return STAGES.indexOf(a) >= STAGES.indexOf(b) ? a : b;
}

/** True when stage `a` is above stage `b`. */
export function stageAbove(a: Stage, b: Stage): boolean {
  return STAGES.indexOf(a) > STAGES.indexOf(b);
}

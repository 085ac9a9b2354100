import type { Stage } from '../escalation/rules.js';
import type { Tier } from '../frameworks/types.js';
import type { CapacityActor, Place, Provider } from './capacity.js';
import { covers, isCommitted, providers } from './capacity.js';
import type { CountryFacts } from './facts.js';
import type { PitfallWarning } from './pitfalls.js';
import { checkPitfalls, tensionsAmong } from './pitfalls.js';
import type { Situation } from './situation.js';
import type { Agenda, LessonCase, Measure, PitfallId, TimeToEffect } from './types.js';

/**
 * Tailored prevention plans: the toolkit's measures ranked for one country by the risks they
 * answer, the fit to its situation and stage, and the actors able and committed to deliver
 * them; the pitfalls that apply; and a check that short- and long-term measures cohere.
 */

/**
 * How the plan leans: `atrocity-prevention-first` (risk high and imminent: a narrow, deep set
 * of direct and escalation measures; structural work deferred), `escalation` (armed conflict
 * or violence under way), `direct` (crisis or mobilisation), `structural` (no escalation).
 */
export type PlanMode = 'atrocity-prevention-first' | 'escalation' | 'direct' | 'structural';

/** Measures a plan proposes at most, by mode. */
export const PLAN_SIZE: Record<PlanMode, number> = {
  'atrocity-prevention-first': 8,
  escalation: 12,
  direct: 12,
  structural: 12,
};

/** Least factor severity (0–4) for a factor to count as a risk a measure answers. */
export const RISK_SEVERITY = 2;

/** A proposed measure with why, who can deliver it, and its record. */
export interface PlannedMeasure {
  id: string;
  title: string;
  agenda: Agenda;
  area: string;
  timeToEffect: TimeToEffect;
  /** Ranking score (higher first): relevance to the risks plus fit. */
  score: number;
  /** The risks it answers here: factors at or above `RISK_SEVERITY`, indicators that fired. */
  answers: {
    factors: { id: string; title: string; severity: number }[];
    indicators: { id: string; title: string; redFlag: boolean }[];
  };
  /** Why it fits (or fits less well) here, in words. */
  fit: string[];
  /** Actors able to deliver it in the country, most committed first. */
  providers: Provider[];
  /** True when no actor of at least medium commitment covers it: a capacity gap. */
  gap: boolean;
  /** Lessons-library cases with the measure's record. */
  lessons: { id: string; title: string; verdict: LessonCase['verdict'] }[];
  pitfalls: PitfallId[];
}

/** An activity under way in the country, from the capacity map. */
export interface Activity {
  actorId: string;
  actor: string;
  measureId: string;
  currentUse: string;
  illustrative: boolean;
}

/** A plan for one country on one date. */
export interface Plan {
  countryId: string;
  name: string;
  asOf: string;
  risk: {
    tier: Tier | null;
    score: number | null;
    stage: Stage | null;
    imminent: boolean;
    forecast?: CountryFacts['forecast'];
  };
  situation: Situation;
  mode: PlanMode;
  modeReason: string;
  measures: PlannedMeasure[];
  /** Measures that answer the risks but wait (e.g. structural work while prevention comes first). */
  deferred: { id: string; title: string; reason: string }[];
  activities: Activity[];
  pitfalls: PitfallWarning[];
  coherence: {
    /** Declared tensions among the proposed measures. */
    tensions: { a: string; b: string; note: string }[];
    /** Remarks on the balance of quick and slow, direct and structural measures. */
    balance: string[];
  };
}

/** What a plan is built from. */
export interface PlanInput {
  facts: CountryFacts;
  situation: Situation;
  measures: readonly Measure[];
  lessons: readonly LessonCase[];
  actors: readonly CapacityActor[];
}

/** Whether a capacity's current use describes an activity under way (not empty or "none"). */
export function isActive(currentUse: string): boolean {
  const t = currentUse.trim();
  return t !== '' && !/^(none|-|n\/a|not used)\b/i.test(t);
}

function chooseMode(facts: CountryFacts, situation: Situation): { mode: PlanMode; reason: string } {
  const e = facts.escalation;
  const tier = facts.structural?.tier ?? null;
  if (e?.imminent)
    return {
      mode: 'atrocity-prevention-first',
      reason: `structural tier ${tier} and violence red flags (${e.redFlags.join(', ')}): atrocities look imminent`,
    };
  if (e?.stage === 'violence' || situation.primary === 'armed-conflict')
    return {
      mode: 'escalation',
      reason:
        e?.stage === 'violence'
          ? 'early violence under way: keep armed actors from turning on civilians'
          : 'armed conflict under way: keep armed actors from turning on civilians',
    };
  if (e?.stage === 'crisis' || e?.stage === 'mobilisation')
    return { mode: 'direct', reason: `escalation stage ${e.stage}: act before violence starts` };
  return { mode: 'structural', reason: 'no escalation under way: lower the structural risk' };
}

const AGENDA_WEIGHT: Record<PlanMode, Record<Agenda, number>> = {
  'atrocity-prevention-first': { structural: -Infinity, direct: 1, escalation: 1.5 },
  escalation: { structural: -0.5, direct: 0.5, escalation: 1.5 },
  direct: { structural: 0, direct: 1, escalation: -Infinity },
  structural: { structural: 1, direct: -0.5, escalation: -Infinity },
};

function rank(input: PlanInput, mode: PlanMode, place: Place) {
  const { facts, situation } = input;
  const factors = new Map((facts.structural?.factors ?? []).map((f) => [f.id, f]));
  const fired = new Map((facts.escalation?.indicators ?? []).map((i) => [i.id, i]));
  const stage = facts.escalation?.stage ?? 'none';
  const situations = new Set(situation.findings.map((f) => f.kind));
  const lessons = new Map(input.lessons.map((c) => [c.id, c]));
  const ranked: (PlannedMeasure & { excluded?: string })[] = [];
  for (const m of input.measures) {
    const answeredFactors = m.answers.factors
      .map((id) => factors.get(id))
      .filter((f) => f !== undefined && f.severity !== null && f.severity >= RISK_SEVERITY)
      .map((f) => ({ id: f!.id, title: f!.title, severity: f!.severity! }));
    const answeredIndicators = m.answers.indicators
      .map((id) => fired.get(id))
      .filter((i) => i !== undefined)
      .map((i) => ({ id: i!.id, title: i!.title, redFlag: i!.redFlag }));
    if (answeredFactors.length === 0 && answeredIndicators.length === 0) continue;
    const fit: string[] = [];
    let score =
      Math.max(0, ...answeredFactors.map((f) => f.severity)) / 2 +
      0.25 * answeredFactors.length +
      answeredIndicators.reduce((s, i) => s + (i.redFlag ? 2.5 : 1.5), 0);
    if (m.fits.situations.includes(situation.primary)) {
      score += 1;
      fit.push(`fits the situation (${situation.primary})`);
    } else if (m.fits.situations.some((s) => situations.has(s))) {
      score += 0.5;
      fit.push(
        `fits a situation that also holds (${m.fits.situations.filter((s) => situations.has(s)).join(', ')})`,
      );
    } else if (m.fits.situations.length > 0) {
      score -= 1;
      fit.push(`made for other situations (${m.fits.situations.join(', ')})`);
    }
    if (m.fits.stages.length > 0) {
      if (m.fits.stages.includes(stage)) {
        score += 0.5;
        fit.push(`fits the stage (${stage})`);
      } else {
        score -= 1.5;
        fit.push(`made for other stages (${m.fits.stages.join(', ')})`);
      }
    }
    const weight = AGENDA_WEIGHT[mode][m.agenda];
    const able = providers(input.actors, m.id, place);
    const planned: PlannedMeasure & { excluded?: string } = {
      id: m.id,
      title: m.title,
      agenda: m.agenda,
      area: m.area,
      timeToEffect: m.timeToEffect,
      score: Math.round((score + (Number.isFinite(weight) ? weight : 0)) * 100) / 100,
      answers: { factors: answeredFactors, indicators: answeredIndicators },
      fit,
      providers: able,
      gap: !able.some((p) => isCommitted(p.commitment)),
      lessons: m.cases
        .map((id) => lessons.get(id))
        .filter((c) => c !== undefined)
        .map((c) => ({ id: c!.id, title: c!.title, verdict: c!.verdict })),
      pitfalls: m.pitfalls,
    };
    if (!Number.isFinite(weight))
      planned.excluded =
        mode === 'atrocity-prevention-first'
          ? 'structural work waits while atrocity prevention comes first'
          : `an ${m.agenda} measure, not called for at this stage`;
    ranked.push(planned);
  }
  return ranked.sort((a, b) => b.score - a.score || a.id.localeCompare(b.id));
}

function balance(measures: readonly PlannedMeasure[], mode: PlanMode): string[] {
  const out: string[] = [];
  const quick = measures.filter((m) => m.timeToEffect === 'days' || m.timeToEffect === 'weeks');
  const slow = measures.filter((m) => m.timeToEffect === 'years');
  const structural = measures.filter((m) => m.agenda === 'structural');
  const direct = measures.filter((m) => m.agenda !== 'structural');
  if (mode === 'atrocity-prevention-first') {
    out.push(
      'Atrocity prevention first: the plan is narrow and deep, direct and escalation measures only; structural work resumes once the threat recedes.',
    );
    if (quick.length === 0)
      out.push('No measure here takes effect within weeks: look for quicker means.');
  } else if (mode === 'structural') {
    if (structural.length === 0) out.push('No structural measure answers the risks found.');
    if (direct.length > 0)
      out.push(
        'Direct measures are proposed without escalation: use them sparingly, their credibility depends on it.',
      );
  } else {
    if (quick.length === 0)
      out.push('Nothing takes effect within weeks although escalation is under way.');
    if (slow.length > 0 && direct.length > 0)
      out.push(
        `Slow measures (${slow.map((m) => m.id).join(', ')}) run beside direct ones: sequence them so the direct ones are not undercut.`,
      );
  }
  return out;
}

/** Builds the plan of one country. Pure: the same input gives the same plan. */
export function buildPlan(input: PlanInput): Plan {
  const { facts, situation } = input;
  const place: Place = { iso3: facts.iso3, region: facts.region };
  const { mode, reason } = chooseMode(facts, situation);
  const ranked = rank(input, mode, place);
  const eligible = ranked.filter((m) => m.excluded === undefined);
  const measures = eligible.slice(0, PLAN_SIZE[mode]);
  const deferred = ranked
    .filter((m) => m.excluded !== undefined)
    .map((m) => ({ id: m.id, title: m.title, reason: m.excluded! }));
  const byId = new Map(input.measures.map((m) => [m.id, m]));
  const activities: Activity[] = [];
  for (const a of input.actors) {
    for (const c of a.capacities) {
      if (!isActive(c.currentUse) || !byId.has(c.measureId) || !covers(c.scope, place)) continue;
      activities.push({
        actorId: a.id,
        actor: a.name,
        measureId: c.measureId,
        currentUse: c.currentUse,
        illustrative: a.illustrative,
      });
    }
  }
  const proposed = measures.map((m) => byId.get(m.id)!);
  const underWay = [...new Set(activities.map((a) => a.measureId))].map((id) => byId.get(id)!);
  const cleaned = measures.map(({ excluded: _, ...m }) => m);
  return {
    countryId: facts.countryId,
    name: facts.name,
    asOf: facts.asOf,
    risk: {
      tier: facts.structural?.tier ?? null,
      score: facts.structural?.score ?? null,
      stage: facts.escalation?.stage ?? null,
      imminent: facts.escalation?.imminent ?? false,
      ...(facts.forecast ? { forecast: facts.forecast } : {}),
    },
    situation,
    mode,
    modeReason: reason,
    measures: cleaned,
    deferred,
    activities,
    pitfalls: checkPitfalls({ facts, situation, proposed, underWay }),
    coherence: { tensions: tensionsAmong(proposed), balance: balance(cleaned, mode) },
  };
}

import type { Stage } from '../escalation/rules.js';
import type { Tier } from '../frameworks/types.js';
import type { PlanActors } from './actors.js';
import { identifyActors } from './actors.js';
import type { CapacityActor, Place, Provider } from './capacity.js';
import { covers, isCommitted, providers, uncoordinated } from './capacity.js';
import type { CountryFacts, Evidence } from './facts.js';
import { planStage } from './facts.js';
import type { PitfallWarning } from './pitfalls.js';
import { checkPitfalls, pitfallConditions, tensionsAmong } from './pitfalls.js';
import type { Situation, SituationOverride } from './situation.js';
import type {
  Agenda,
  LessonCase,
  Measure,
  MeasureAim,
  PitfallId,
  PitfallRuleSpec,
  PlanStage,
  RankingMode,
  RankingWeights,
  TimeToEffect,
} from './types.js';

/**
 * Tailored prevention plans: the toolkit's measures ranked for one country by their fit to
 * its situation, its stage and the agenda that leads, the record of comparable past cases and
 * the risks they answer (weights from the toolkit); whom to dissuade and whom to protect;
 * which agenda leads; the pitfalls that apply; the actors able and committed to deliver the
 * measures; and a check that short- and long-term measures cohere.
 */

/**
 * How the plan leans: `atrocity-prevention-first` (risk high and imminent: a narrow, deep set
 * of direct and escalation measures; structural work deferred), `escalation` (armed conflict
 * or violence under way), `direct` (crisis or mobilisation), `structural` (no escalation).
 */
export type PlanMode = RankingMode;

/**
 * Which agenda leads: `atrocity` (atrocity prevention first: narrow, deep, sparing),
 * `conflict` (conflict prevention first: war risk dominates and atrocity risk follows from
 * it), `both` (equal weight).
 */
export type Lead = 'atrocity' | 'conflict' | 'both';

/** What the plan says when no capacity map is loaded, once instead of a gap on every measure. */
export const NO_CAPACITY_MAP = 'no capacity map: gaps unknown';

/** Least factor severity (0–4) for a factor to count as a risk a measure answers. */
export const RISK_SEVERITY = 2;

/** One part of a measure's score, for the reader: which part, its points, why. */
export interface ScorePart {
  part: 'situation' | 'stage' | 'agenda' | 'lessons' | 'risks' | 'pitfalls';
  points: number;
  note: string;
}

/** A proposed measure with why, who can deliver it, and its record. */
export interface PlannedMeasure {
  id: string;
  title: string;
  agenda: Agenda;
  area: string;
  timeToEffect: TimeToEffect;
  /** Ranking score (higher first): the sum of `why`. */
  score: number;
  /** The risks it answers here: factors at or above `RISK_SEVERITY`, indicators that fired. */
  answers: {
    factors: { id: string; title: string; severity: number }[];
    indicators: { id: string; title: string; redFlag: boolean }[];
  };
  /** Why it fits (or fits less well) here, in words. */
  fit: string[];
  /** The parts of the score, in order of weight: why it ranks where it does. */
  why: ScorePart[];
  /** Whom it acts on (toolkit aim) and, here, who that is: the plan's actors. */
  aim?: MeasureAim;
  targets: string[];
  /** Actors able to deliver it in the country, most committed first. */
  providers: Provider[];
  /**
   * True when no actor of at least medium commitment covers it: a capacity gap. Always false
   * when no capacity map is loaded (`capacity.map` false: gaps unknown).
   */
  gap: boolean;
  /** Lessons-library cases with the measure's record (its action's verdict where given). */
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
  /** Which agenda leads, and why. */
  lead: Lead;
  leadReason: string;
  mode: PlanMode;
  modeReason: string;
  /** Whom to dissuade and whom to protect. */
  actors: PlanActors;
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
  /**
   * What the capacity map says: `map` false when none is loaded (`note` says gaps are
   * unknown); otherwise the proposed measures that several committed actors cover here
   * without coordinating (from the map's links).
   */
  capacity: {
    map: boolean;
    note?: string;
    uncoordinated: { measureId: string; actors: string[] }[];
  };
  /**
   * Analysts' judgements in force (situation, stage) and the plan the data alone give, shown
   * beside the judged one.
   */
  judgement?: {
    situation?: SituationOverride;
    stage?: NonNullable<CountryFacts['stageJudgement']>;
    computed: { lead: Lead; mode: PlanMode; stage: PlanStage | null; measures: string[] };
  };
}

/** What a plan is built from. */
export interface PlanInput {
  facts: CountryFacts;
  situation: Situation;
  measures: readonly Measure[];
  lessons: readonly LessonCase[];
  actors: readonly CapacityActor[];
  /** The toolkit's ranking weights. */
  ranking: RankingWeights;
  /** The toolkit's pitfall rules. */
  pitfallRules: readonly PitfallRuleSpec[];
}

/** Whether a capacity's current use describes an activity under way (not empty or "none"). */
export function isActive(currentUse: string): boolean {
  const t = currentUse.trim();
  return t !== '' && !/^(none|-|n\/a|not used)\b/i.test(t);
}

const round = (x: number) => Math.round(x * 100) / 100;

/**
 * Which agenda leads. Atrocity prevention first only where atrocities look imminent and the
 * killing has a perpetrator in view (a mass killing under way, one-sided attacks on
 * civilians) or an analyst judged them imminent: narrowly, deeply and sparingly. Conflict
 * prevention first where a war is under way (or the stage is violence) and no sign of
 * atrocities beyond it. Both otherwise.
 */
function chooseLead(
  facts: CountryFacts,
  situation: Situation,
  conditions: ReadonlyMap<PitfallId, Evidence[]>,
): { lead: Lead; reason: string } {
  const e = facts.escalation;
  const episodes = (facts.episodes ?? []).filter((x) => x.underWay);
  const oneSided = (conditions.get('blind-neutrality') ?? []).filter(
    (x) => x.source === 'escalation' || x.source === 'ewp-episodes',
  );
  const judged = facts.stageJudgement?.stage === 'imminent';
  const war = situation.findings.some((f) => f.kind === 'armed-conflict');
  if (e?.imminent && (judged || episodes.length > 0 || oneSided.length > 0)) {
    const why = judged
      ? `an analyst judged atrocities imminent (${facts.stageJudgement!.reason})`
      : episodes.length > 0
        ? `a mass killing is under way (${episodes[0]!.name})`
        : `the killing of civilians is one-sided (${oneSided[0]!.label}: ${oneSided[0]!.value})`;
    return {
      lead: 'atrocity',
      reason: `atrocities look imminent (${e.redFlags.join(', ') || 'stage imminent'}) and ${why}: atrocity prevention leads, aimed at the perpetrators and the groups at risk`,
    };
  }
  const signs: string[] = [];
  if (e?.imminent) signs.push(`red flags (${e.redFlags.join(', ')})`);
  if (episodes.length > 0) signs.push(`a mass killing under way (${episodes[0]!.name})`);
  if (oneSided.length > 0) signs.push('one-sided killing of civilians');
  if (facts.perpetrators.some((p) => p.type === 'state-forces' && p.events > 0) && !war)
    signs.push('attacks on civilians by state forces');
  if (war) {
    if (signs.length === 0)
      return {
        lead: 'conflict',
        reason:
          'a war is under way and the atrocity risk follows from it: conflict prevention leads, with escalation prevention to keep armed actors from turning on civilians',
      };
    return {
      lead: 'both',
      reason: `a war is under way and there are signs of atrocities beyond it (${signs.join('; ')}): conflict and atrocity prevention with equal weight`,
    };
  }
  return {
    lead: 'both',
    reason:
      signs.length > 0
        ? `no war, but ${signs.join('; ')}: conflict and atrocity prevention with equal weight`
        : 'no war and no sign that atrocities are imminent: structural prevention lowers the risk of both',
  };
}

function chooseMode(
  facts: CountryFacts,
  situation: Situation,
  lead: Lead,
): { mode: PlanMode; reason: string } {
  const e = facts.escalation;
  if (lead === 'atrocity')
    return {
      mode: 'atrocity-prevention-first',
      reason: `structural tier ${facts.structural?.tier ?? 'not assessed'} and atrocities imminent: a narrow, deep plan of direct and escalation measures`,
    };
  // Violence in a country of low structural risk and at peace (riots, clashes) calls for
  // direct measures, not for protection forces.
  const tier = facts.structural?.tier;
  const lowRisk = tier === 'negligible' || tier === 'low';
  const violence = e?.stage === 'violence' && !lowRisk;
  if (e?.imminent || violence || situation.primary === 'armed-conflict')
    return {
      mode: 'escalation',
      reason: e?.imminent
        ? `red flags (${e.redFlags.join(', ')}) without a perpetrator in view: escalation prevention, watching for atrocities`
        : e?.stage === 'violence'
          ? 'early violence under way: keep armed actors from turning on civilians'
          : 'armed conflict under way: keep armed actors from turning on civilians',
    };
  if (e?.stage === 'violence')
    return {
      mode: 'direct',
      reason: `violence under way, but structural risk ${tier} and no war: direct measures to stop it spreading`,
    };
  if (e?.stage === 'crisis' || e?.stage === 'mobilisation')
    return { mode: 'direct', reason: `escalation stage ${e.stage}: act before violence starts` };
  return { mode: 'structural', reason: 'no escalation under way: lower the structural risk' };
}

type Ranked = PlannedMeasure & { excluded?: string; penalties: Map<PitfallId, number> };

const lessonIndex = new WeakMap<readonly LessonCase[], Map<string, LessonCase>>();

/** The lessons by id, indexed once per library (plans of every country share one). */
function lessonsById(lessons: readonly LessonCase[]): Map<string, LessonCase> {
  let byId = lessonIndex.get(lessons);
  if (!byId) {
    byId = new Map(lessons.map((c) => [c.id, c]));
    lessonIndex.set(lessons, byId);
  }
  return byId;
}

function lessonPoints(
  m: Measure,
  input: PlanInput,
  stage: PlanStage,
): { points: number; note: string; shown: PlannedMeasure['lessons'] } {
  if (m.cases.length === 0) return { points: 0, note: 'no earlier case', shown: [] };
  const w = input.ranking.lessons;
  const year = Number(input.facts.asOf.slice(0, 4));
  const byId = lessonsById(input.lessons);
  let points = 0;
  const notes: string[] = [];
  const shown: PlannedMeasure['lessons'] = [];
  for (const id of m.cases) {
    const c = byId.get(id);
    // Only cases over before the plan's year: a plan as of 1993 cannot learn from 1994.
    if (!c || c.toYear >= year) continue;
    const verdict = c.actions.find((a) => a.measure === m.id && a.verdict)?.verdict ?? c.verdict;
    shown.push({ id: c.id, title: c.title, verdict });
    const like =
      c.countryId === input.facts.countryId
        ? w.sameCountry
        : c.situation === input.situation.primary
          ? w.sameSituation
          : w.other;
    const comparability = like + (c.stages?.includes(stage) ? w.sameStage : 0);
    const p = w[verdict] * comparability;
    if (p !== 0) notes.push(`${c.id} ${verdict} (×${round(comparability)})`);
    points += p;
  }
  points = Math.max(-w.max, Math.min(w.max, points));
  return {
    points: round(points),
    note:
      notes.length > 0 ? notes.join(', ') : shown.length > 0 ? 'mixed record' : 'no earlier case',
    shown,
  };
}

function rank(
  input: PlanInput,
  mode: PlanMode,
  place: Place,
  conditions: ReadonlyMap<PitfallId, Evidence[]>,
  actors: PlanActors,
): Ranked[] {
  const { facts, situation, ranking: w } = input;
  const factors = new Map((facts.structural?.factors ?? []).map((f) => [f.id, f]));
  const fired = new Map((facts.escalation?.indicators ?? []).map((i) => [i.id, i]));
  const stage = planStage(facts);
  const situations = new Set(situation.findings.map((f) => f.kind));
  const rules = new Map(input.pitfallRules.map((r) => [r.id, r]));
  const known = input.actors.length > 0;
  const ranked: Ranked[] = [];
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
    const why: ScorePart[] = [];
    if (m.fits.situations.includes(situation.primary)) {
      fit.push(`fits the situation (${situation.primary})`);
      why.push({ part: 'situation', points: w.situation.primary, note: fit.at(-1)! });
    } else if (m.fits.situations.some((s) => situations.has(s))) {
      fit.push(
        `fits a situation that also holds (${m.fits.situations.filter((s) => situations.has(s)).join(', ')})`,
      );
      why.push({ part: 'situation', points: w.situation.holds, note: fit.at(-1)! });
    } else if (m.fits.situations.length > 0) {
      fit.push(`made for other situations (${m.fits.situations.join(', ')})`);
      why.push({ part: 'situation', points: w.situation.other, note: fit.at(-1)! });
    }
    if (m.fits.stages.length > 0) {
      if (m.fits.stages.includes(stage)) {
        fit.push(`fits the stage (${stage})`);
        why.push({ part: 'stage', points: w.stage.fits, note: fit.at(-1)! });
      } else {
        fit.push(`made for other stages (${m.fits.stages.join(', ')})`);
        why.push({ part: 'stage', points: w.stage.other, note: fit.at(-1)! });
      }
    }
    const agendaWeight = w.agenda[mode][m.agenda];
    if (agendaWeight !== null)
      why.push({
        part: 'agenda',
        points: agendaWeight,
        note: `${m.agenda} measure in ${mode} mode`,
      });
    const lessons = lessonPoints(m, input, stage);
    why.push({ part: 'lessons', points: lessons.points, note: lessons.note });
    const risk = Math.min(
      w.risks.max,
      w.risks.perSeverity * Math.max(0, ...answeredFactors.map((f) => f.severity)) +
        w.risks.perFactor * answeredFactors.length +
        answeredIndicators.reduce(
          (s, i) => s + (i.redFlag ? w.risks.redFlag : w.risks.indicator),
          0,
        ),
    );
    why.push({
      part: 'risks',
      points: round(risk),
      note: `answers ${answeredFactors.length} factor(s), ${answeredIndicators.length} indicator(s)`,
    });
    const penalties = new Map<PitfallId, number>();
    for (const id of m.pitfalls) {
      const rule = rules.get(id);
      if (!rule || rule.penalty === 0 || !conditions.has(id)) continue;
      penalties.set(id, rule.penalty);
      why.push({
        part: 'pitfalls',
        points: -rule.penalty,
        note: `exposed to ${id}, which applies here`,
      });
    }
    const able = providers(input.actors, m.id, place);
    const targets =
      m.aim === 'perpetrators'
        ? actors.dissuade.map((a) => a.name)
        : m.aim === 'at-risk'
          ? actors.protect.map((g) => g.group)
          : m.aim === 'all-parties'
            ? ['all parties alike']
            : [];
    const planned: Ranked = {
      id: m.id,
      title: m.title,
      agenda: m.agenda,
      area: m.area,
      timeToEffect: m.timeToEffect,
      score: round(why.reduce((s, p) => s + p.points, 0)),
      answers: { factors: answeredFactors, indicators: answeredIndicators },
      fit,
      why,
      ...(m.aim ? { aim: m.aim } : {}),
      targets,
      providers: able,
      gap: known && !able.some((p) => isCommitted(p.commitment)),
      lessons: lessons.shown,
      pitfalls: m.pitfalls,
      penalties,
    };
    if (agendaWeight === null)
      planned.excluded =
        mode === 'atrocity-prevention-first'
          ? 'structural work waits while atrocity prevention comes first'
          : `an ${m.agenda} measure, not called for at this stage`;
    ranked.push(planned);
  }
  return ranked.sort((a, b) => b.score - a.score || a.id.localeCompare(b.id));
}

/**
 * Measures a pitfall's penalty kept out of the plan: exposed, and within the plan's size
 * without the penalty but not with it.
 */
function keptOutBy(eligible: readonly Ranked[], size: number): Map<PitfallId, string[]> {
  const unpenalised = [...eligible]
    .map((m) => ({ m, score: m.score + [...m.penalties.values()].reduce((s, p) => s + p, 0) }))
    .sort((a, b) => b.score - a.score || a.m.id.localeCompare(b.m.id))
    .slice(0, size)
    .map((x) => x.m);
  const inPlan = new Set(eligible.slice(0, size).map((m) => m.id));
  const out = new Map<PitfallId, string[]>();
  for (const m of unpenalised) {
    if (inPlan.has(m.id)) continue;
    for (const id of m.penalties.keys()) out.set(id, [...(out.get(id) ?? []), m.id]);
  }
  return out;
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

/** The facts and situation as the data alone give them, without analysts' judgements. */
function unjudged(input: PlanInput): PlanInput {
  const { facts, situation } = input;
  const j = facts.stageJudgement;
  const rest: CountryFacts = { ...facts };
  delete rest.stageJudgement;
  const computedFacts: CountryFacts =
    j && facts.escalation
      ? {
          ...rest,
          escalation: {
            ...facts.escalation,
            stage:
              j.computedStage === 'imminent' || j.computedStage === null
                ? facts.escalation.stage
                : j.computedStage,
            imminent: j.computedImminent,
          },
        }
      : rest;
  const computedSituation: Situation = { ...situation };
  delete computedSituation.override;
  return {
    ...input,
    facts: computedFacts,
    situation: { ...computedSituation, primary: situation.computed },
  };
}

function plan(input: PlanInput): Plan {
  const { facts, situation } = input;
  const place: Place = { iso3: facts.iso3, region: facts.region };
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
  const underWay = [...new Set(activities.map((a) => a.measureId))].map((id) => byId.get(id)!);
  const conditions = pitfallConditions({ facts, situation, rules: input.pitfallRules, underWay });
  const { lead, reason: leadReason } = chooseLead(facts, situation, conditions);
  const { mode, reason } = chooseMode(facts, situation, lead);
  const actors = identifyActors(facts);
  const ranked = rank(input, mode, place, conditions, actors);
  const eligible = ranked.filter((m) => m.excluded === undefined);
  const size = input.ranking.size[mode];
  const measures = eligible.slice(0, size);
  const deferred = ranked
    .filter((m) => m.excluded !== undefined)
    .map((m) => ({ id: m.id, title: m.title, reason: m.excluded! }));
  const proposed = measures.map((m) => byId.get(m.id)!);
  const cleaned = measures.map(({ excluded: _, penalties: __, ...m }) => m);
  const known = input.actors.length > 0;
  const links = cleaned
    .map((m) => ({
      measureId: m.id,
      actors: [
        ...new Set(m.providers.filter((p) => isCommitted(p.commitment)).map((p) => p.actorId)),
      ].sort(),
    }))
    .filter((m) => uncoordinated(input.actors, m.actors));
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
    lead,
    leadReason,
    mode,
    modeReason: reason,
    actors,
    measures: cleaned,
    deferred,
    activities,
    pitfalls: checkPitfalls({
      facts,
      situation,
      proposed,
      underWay,
      rules: input.pitfallRules,
      keptOut: keptOutBy(eligible, size),
      conditions,
    }),
    coherence: { tensions: tensionsAmong(proposed), balance: balance(cleaned, mode) },
    capacity: known
      ? { map: true, uncoordinated: links }
      : { map: false, note: NO_CAPACITY_MAP, uncoordinated: [] },
  };
}

/**
 * Builds the plan of one country. Pure: the same input gives the same plan. With an
 * analyst's judgement of the situation or the stage, the plan follows the judgement and
 * shows the one the data alone give beside it.
 */
export function buildPlan(input: PlanInput): Plan {
  const judged = plan(input);
  const { override } = input.situation;
  const stage = input.facts.stageJudgement;
  if (!override && !stage) return judged;
  const computed = plan(unjudged(input));
  return {
    ...judged,
    judgement: {
      ...(override ? { situation: override } : {}),
      ...(stage ? { stage } : {}),
      computed: {
        lead: computed.lead,
        mode: computed.mode,
        stage: stage ? stage.computedStage : planStage(input.facts),
        measures: computed.measures.map((m) => m.id),
      },
    },
  };
}

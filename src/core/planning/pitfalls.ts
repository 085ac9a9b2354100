import type { Evidence } from './facts.js';
import type { CountryFacts } from './facts.js';
import { evidenceOf, fired, latest, severityOf } from './facts.js';
import type { Situation } from './situation.js';
import type { Measure, PitfallId } from './types.js';

/**
 * The known pitfalls of prevention as rules. A pitfall applies to a plan when a measure the
 * plan proposes, or an activity already under way, is exposed to it (the toolkit says which
 * measures are), and the country's facts give the conditions in which it bites. Every
 * warning carries the evidence that triggered it.
 */

/** Share of attacks on civilians by one perpetrator type from which violence is one-sided. */
export const ONE_SIDED_SHARE = 0.7;
/** Least attacks on civilians in the window before one-sidedness is judged. */
export const ONE_SIDED_EVENTS = 3;
/** Political Terror Scale level from which security forces count as implicated in abuses. */
export const ABUSIVE_TERROR = 4;
/** V-Dem freedom of expression below which curbs on speech are likely to hit the press. */
export const RESTRICTED_EXPRESSION = 0.6;
/** Share of the population excluded or discriminated (EPR) from which gaps between groups matter. */
export const UNEQUAL_GROUPS = 0.1;

/** A pitfall that applies, with the measures exposed, what to do, and the evidence. */
export interface PitfallWarning {
  id: PitfallId;
  title: string;
  /** Why it matters here and what to do instead, in words. */
  warning: string;
  /** Ids of the exposed measures (proposed or under way). */
  measures: string[];
  evidence: Evidence[];
}

/** What the rules look at. */
export interface PitfallContext {
  facts: CountryFacts;
  situation: Situation;
  /** Measures the plan proposes. */
  proposed: readonly Measure[];
  /** Measures already under way in the country (from the capacity map). */
  underWay: readonly Measure[];
}

interface PitfallRule {
  id: PitfallId;
  title: string;
  warning: string;
  /** Evidence that the conditions hold; empty when they do not. */
  conditions(ctx: PitfallContext): Evidence[];
}

const ARMED_PERPETRATORS = new Set(['rebels', 'political-militia', 'identity-militia']);

function oneSided(facts: CountryFacts): Evidence[] {
  const total = facts.perpetrators.reduce((n, p) => n + p.events, 0);
  if (total < ONE_SIDED_EVENTS) return [];
  const top = [...facts.perpetrators].sort((a, b) => b.events - a.events)[0]!;
  const share = top.events / total;
  return share >= ONE_SIDED_SHARE
    ? [
        {
          label: `share of attacks on civilians by ${top.type}`,
          value: Math.round(share * 100) / 100,
          source: 'escalation',
        },
        { label: 'attacks on civilians in the window', value: total, source: 'escalation' },
      ]
    : [];
}

function credibleThreat(facts: CountryFacts): Evidence[] {
  const s = facts.structural;
  const e = facts.escalation;
  if (e?.imminent) return [{ label: 'atrocities imminent', value: 'yes', source: 'escalation' }];
  const highTier = s?.tier === 'high' || s?.tier === 'extreme';
  const escalating = e !== null && (e.stage === 'mobilisation' || e.stage === 'violence');
  if (highTier && escalating) {
    return [
      { label: 'structural tier', value: s.tier!, source: 'assessment', variable: s.framework },
      { label: 'escalation stage', value: e.stage, source: 'escalation' },
    ];
  }
  return [];
}

const RULES: readonly PitfallRule[] = [
  {
    id: 'blind-neutrality',
    title: 'Treating all parties alike when one side commits the atrocities',
    warning:
      'The violence against civilians is one-sided. Measures aimed evenly at every party (an arms embargo on all sides, even-handed statements) can leave the targeted group defenceless and reward the perpetrator: aim pressure at those responsible and protect the targeted group.',
    conditions: ({ facts, situation }) => {
      const evidence = oneSided(facts);
      if (evidence.length > 0) return evidence;
      const suppression = situation.findings.find((f) => f.kind === 'state-suppression');
      return suppression ? suppression.evidence : [];
    },
  },
  {
    id: 'negative-peace',
    title: 'Peace at any price when atrocities are credibly threatened',
    warning:
      'Atrocities are credibly threatened. A settlement that treats perpetrators and victims alike, or talks that absorb outsiders’ attention, can hide preparation for mass killing: keep atrocity risk on the agenda of every negotiation and make protection a condition of the deal.',
    conditions: ({ facts }) => credibleThreat(facts),
  },
  {
    id: 'wind-down-at-violence',
    title: 'Believing prevention ends when violence begins',
    warning:
      'Violence has begun. This is when prevention matters most: keep monitoring, early warning and direct measures running and add escalation prevention, rather than scaling down or handing over to crisis response alone.',
    conditions: ({ facts, situation }) => {
      const out: Evidence[] = [];
      if (facts.escalation?.stage === 'violence')
        out.push({ label: 'escalation stage', value: 'violence', source: 'escalation' });
      const war = situation.findings.find((f) => f.kind === 'armed-conflict');
      if (war) out.push(...war.evidence);
      return out;
    },
  },
  {
    id: 'perverse-incentives',
    title: 'Conflict management that rewards violence against civilians',
    warning:
      'Armed groups attack civilians in a war. Offering a seat at the table or a share of power to those who kill civilians teaches that killing pays, and peacekeepers without a mandate and means to protect civilians can raise the toll: tie access to talks to conduct, and insist on a protection-of-civilians mandate.',
    conditions: ({ facts, situation }) => {
      if (!situation.findings.some((f) => f.kind === 'armed-conflict')) return [];
      const armed = facts.perpetrators.filter((p) => ARMED_PERPETRATORS.has(p.type));
      const out: Evidence[] = armed.map((p) => ({
        label: `attacks on civilians by ${p.type}`,
        value: p.events,
        source: 'escalation',
      }));
      const targeting = fired(facts, 'civilian-targeting');
      if (targeting)
        out.push({
          label: targeting.title,
          value: targeting.events,
          variable: targeting.id,
          source: 'escalation',
        });
      return out;
    },
  },
  {
    id: 'incitement-vs-press-freedom',
    title: 'Curbing incitement at the cost of press freedom',
    warning:
      'Freedom of expression is already restricted. Laws or jamming against hate speech can be turned against journalists and critics: keep any curb narrow, judged case by case, and pair it with support for independent media.',
    conditions: ({ facts }) => {
      const v = latest(facts, 'freeExpression');
      return v && v.value < RESTRICTED_EXPRESSION
        ? [evidenceOf('freedom of expression and alternative information', v)]
        : [];
    },
  },
  {
    id: 'security-assistance-to-abusers',
    title: 'Security assistance to forces implicated in abuses',
    warning:
      'The state’s forces are implicated in abuses. Training, equipment or reform support can strengthen the capacity to commit atrocities: vet units, condition assistance on conduct and accountability, and monitor its use.',
    conditions: ({ facts }) => {
      const out: Evidence[] = [];
      const terror = latest(facts, 'terror');
      if (terror && terror.value >= ABUSIVE_TERROR)
        out.push(evidenceOf('political terror', terror));
      const state = facts.perpetrators.find((p) => p.type === 'state-forces');
      if (state && state.events > 0)
        out.push({
          label: 'attacks on civilians by state forces',
          value: state.events,
          source: 'escalation',
        });
      return out;
    },
  },
  {
    id: 'growth-widens-gaps',
    title: 'Progress that widens the gaps between groups',
    warning:
      'Groups are excluded or discriminated against. Growth, reform or new capacity that flows to the favoured groups widens the gaps that drive the risk: target benefits at the excluded and track how they are shared between groups.',
    conditions: ({ facts }) => {
      const out: Evidence[] = [];
      const excluded = latest(facts, 'excludedShare');
      const discriminated = latest(facts, 'discriminatedShare');
      const share = (excluded?.value ?? 0) + (discriminated?.value ?? 0);
      if (share >= UNEQUAL_GROUPS) {
        if (excluded) out.push(evidenceOf('excluded share of the population', excluded));
        if (discriminated)
          out.push(evidenceOf('discriminated share of the population', discriminated));
      }
      const inequality = severityOf(facts, 'preconditions-2011:horizontal-inequality');
      if (out.length === 0 && inequality !== null && inequality >= 2)
        out.push({
          label: 'horizontal inequality severity',
          value: inequality,
          source: 'assessment',
          variable: 'preconditions-2011:horizontal-inequality',
        });
      return out;
    },
  },
];

/** Every pitfall rule's id and title, in the order warnings are listed. */
export const PITFALLS: readonly { id: PitfallId; title: string }[] = [
  ...RULES.map(({ id, title }) => ({ id, title })),
  { id: 'short-long-incoherence', title: 'Short-term and long-term measures that pull apart' },
];

/** The tensions declared by the toolkit between measures that are all in `measures`. */
export function tensionsAmong(
  measures: readonly Measure[],
): { a: string; b: string; note: string }[] {
  const ids = new Set(measures.map((m) => m.id));
  const seen = new Set<string>();
  const out: { a: string; b: string; note: string }[] = [];
  for (const m of measures) {
    for (const t of m.tensions) {
      if (!ids.has(t.measure)) continue;
      const key = [m.id, t.measure].sort().join('|');
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({ a: m.id, b: t.measure, note: t.note });
    }
  }
  return out;
}

/**
 * The incoherence check: declared tensions between a proposed measure and one under way or
 * proposed, where one of the two is a direct or escalation measure and the other a
 * structural one, or where slow structural measures are what is under way while violence is
 * imminent.
 */
function incoherence(ctx: PitfallContext): PitfallWarning | undefined {
  const all = [...new Map([...ctx.proposed, ...ctx.underWay].map((m) => [m.id, m])).values()];
  const byId = new Map(all.map((m) => [m.id, m]));
  const evidence: Evidence[] = [];
  const measures = new Set<string>();
  for (const t of tensionsAmong(all)) {
    const a = byId.get(t.a)!;
    const b = byId.get(t.b)!;
    if ((a.agenda === 'structural') === (b.agenda === 'structural')) continue;
    evidence.push({ label: `${t.a} vs ${t.b}`, value: t.note, source: 'toolkit' });
    measures.add(t.a).add(t.b);
  }
  if (ctx.facts.escalation?.imminent) {
    const slow = ctx.underWay.filter(
      (m) => m.agenda === 'structural' && m.timeToEffect === 'years',
    );
    const direct = ctx.underWay.some((m) => m.agenda !== 'structural');
    if (slow.length > 0 && !direct) {
      evidence.push({
        label: 'only slow structural measures under way while atrocities are imminent',
        value: slow.map((m) => m.id).join(', '),
        source: 'capacity',
      });
      for (const m of slow) measures.add(m.id);
    }
  }
  if (evidence.length === 0) return undefined;
  return {
    id: 'short-long-incoherence',
    title: PITFALLS.find((p) => p.id === 'short-long-incoherence')!.title,
    warning:
      'Some direct measures and structural ones pull against each other here. Decide which comes first for this case, sequence them, and say so, rather than letting each office pursue its own.',
    measures: [...measures].sort(),
    evidence,
  };
}

/** The pitfalls that apply, each with the exposed measures and the evidence. */
export function checkPitfalls(ctx: PitfallContext): PitfallWarning[] {
  const exposedTo = (id: PitfallId) =>
    [
      ...new Set(
        [...ctx.proposed, ...ctx.underWay].filter((m) => m.pitfalls.includes(id)).map((m) => m.id),
      ),
    ].sort();
  const out: PitfallWarning[] = [];
  for (const rule of RULES) {
    const measures = exposedTo(rule.id);
    if (measures.length === 0) continue;
    const evidence = rule.conditions(ctx);
    if (evidence.length === 0) continue;
    out.push({ id: rule.id, title: rule.title, warning: rule.warning, measures, evidence });
  }
  const incoherent = incoherence(ctx);
  if (incoherent) out.push(incoherent);
  return out;
}

import type { Evidence } from './facts.js';
import type { CountryFacts, SeriesKey as SeriesName } from './facts.js';
import { evidenceOf, fired, latest, planStage, severityOf, within } from './facts.js';
import type { Situation } from './situation.js';
import type { Measure, PitfallId, PitfallRuleSpec, PitfallTest } from './types.js';

/**
 * The known pitfalls of prevention as rules, read from the toolkit (`pitfallRules`, version 2
 * on): each names the tests under which it applies (any one suffices), a warning, a ranking
 * penalty and the lessons cases it rests on. A pitfall applies to a plan when a measure the
 * plan proposes, keeps out for that pitfall, or finds under way is exposed to it (the toolkit
 * says which measures are), and a test holds. Every warning carries the evidence.
 */

/** A pitfall that applies, with the measures exposed, what to do, and the evidence. */
export interface PitfallWarning {
  id: PitfallId;
  title: string;
  /** Why it matters here and what to do instead, in words. */
  warning: string;
  /** Ids of the exposed measures (proposed or under way). */
  measures: string[];
  /** Exposed measures that answer the risks but were ranked out of the plan by this pitfall. */
  keptOut?: string[];
  evidence: Evidence[];
  /** Lessons cases the rule rests on. */
  cases: string[];
}

/** What the rules look at. */
export interface PitfallContext {
  facts: CountryFacts;
  situation: Situation;
  /** Measures the plan proposes. */
  proposed: readonly Measure[];
  /** Measures already under way in the country (from the capacity map). */
  underWay: readonly Measure[];
  /** The toolkit's pitfall rules. */
  rules: readonly PitfallRuleSpec[];
  /** Measures kept out of the plan, by the pitfall whose penalty did it. */
  keptOut?: ReadonlyMap<PitfallId, readonly string[]>;
  /** The conditions already found (`pitfallConditions`), so they are not tested twice. */
  conditions?: ReadonlyMap<PitfallId, Evidence[]>;
}

const ARMED_PERPETRATORS = new Set(['rebels', 'political-militia', 'identity-militia']);

function oneSidedAttacks(facts: CountryFacts, share: number, least: number): Evidence[] {
  const total = facts.perpetrators.reduce((n, p) => n + p.events, 0);
  if (total < least) return [];
  const top = [...facts.perpetrators].sort((a, b) => b.events - a.events)[0]!;
  const part = top.events / total;
  return part >= share
    ? [
        {
          label: `share of attacks on civilians by ${top.type}`,
          value: Math.round(part * 100) / 100,
          source: 'escalation',
        },
        { label: 'attacks on civilians in the window', value: total, source: 'escalation' },
      ]
    : [];
}

function episodeEvidence(e: NonNullable<CountryFacts['episodes']>[number]): Evidence {
  return {
    label: `mass killing under way since ${e.startYear} (${e.stateLed ? 'state-led' : 'non-state'})`,
    value: e.name,
    variable: e.code,
    source: 'ewp-episodes',
  };
}

/** The facts behind each test; empty when it does not hold. */
function runTest(t: PitfallTest, ctx: PitfallContext): Evidence[] {
  const { facts, situation } = ctx;
  const e = facts.escalation;
  const underWay = (facts.episodes ?? []).filter((x) => x.underWay);
  switch (t.test) {
    case 'imminent':
      return e?.imminent
        ? [{ label: 'atrocities imminent', value: 'yes', source: 'escalation' }]
        : [];
    case 'tier-and-stage': {
      const s = facts.structural;
      const stage = planStage(facts);
      return s?.tier && t.tiers!.includes(s.tier) && t.stages!.includes(stage)
        ? [
            {
              label: 'structural tier',
              value: s.tier,
              source: 'assessment',
              variable: s.framework,
            },
            { label: 'escalation stage', value: stage, source: 'escalation' },
          ]
        : [];
    }
    case 'episode-under-way':
      return underWay
        .filter((x) => t.stateLed === undefined || x.stateLed === t.stateLed)
        .map(episodeEvidence);
    case 'one-sided-attacks':
      return oneSidedAttacks(facts, t.share!, t.events!);
    case 'one-sided-episodes': {
      // Every episode under way is by the same side: the killing of civilians is one-sided.
      if (underWay.length === 0) return [];
      const stateLed = underWay[0]!.stateLed;
      return underWay.every((x) => x.stateLed === stateLed)
        ? [
            {
              label: `every mass killing under way is ${stateLed ? 'state-led' : 'by non-state groups'}`,
              value: underWay.length,
              source: 'ewp-episodes',
            },
            ...underWay.map(episodeEvidence),
          ]
        : [];
    }
    case 'situation':
      return situation.findings
        .filter((f) => t.situations!.includes(f.kind))
        .flatMap((f) => f.evidence);
    case 'stage': {
      const stage = planStage(facts);
      return t.stages!.includes(stage)
        ? [{ label: 'escalation stage', value: stage, source: 'escalation' }]
        : [];
    }
    case 'armed-perpetrators-in-war': {
      if (!situation.findings.some((f) => f.kind === 'armed-conflict')) return [];
      const out: Evidence[] = facts.perpetrators
        .filter((p) => ARMED_PERPETRATORS.has(p.type))
        .map((p) => ({
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
    }
    case 'indicator':
      return t.indicators!.flatMap((id) => {
        const f = fired(facts, id);
        return f ? [{ label: f.title, value: f.events, variable: f.id, source: 'escalation' }] : [];
      });
    case 'series-below':
    case 'series-at-least': {
      const v = latest(facts, t.series as SeriesName);
      if (!v) return [];
      const holds = t.test === 'series-below' ? v.value < t.value! : v.value >= t.value!;
      return holds ? [evidenceOf(SERIES_LABELS[t.series as SeriesName], v)] : [];
    }
    case 'group-share': {
      const excluded = latest(facts, 'excludedShare');
      const discriminated = latest(facts, 'discriminatedShare');
      if ((excluded?.value ?? 0) + (discriminated?.value ?? 0) < t.value!) return [];
      return [
        ...(excluded ? [evidenceOf('excluded share of the population', excluded)] : []),
        ...(discriminated
          ? [evidenceOf('discriminated share of the population', discriminated)]
          : []),
      ];
    }
    case 'factor-at-least': {
      const severity = severityOf(facts, t.factor!);
      return severity !== null && severity >= t.value!
        ? [
            {
              label: `${t.factor} severity`,
              value: severity,
              source: 'assessment',
              variable: t.factor,
            },
          ]
        : [];
    }
    case 'state-attacks': {
      const state = facts.perpetrators.find((p) => p.type === 'state-forces');
      return state && state.events > 0
        ? [
            {
              label: 'attacks on civilians by state forces',
              value: state.events,
              source: 'escalation',
            },
          ]
        : [];
    }
    case 'deaths-rising-with': {
      // Protection already in place, yet the killing grows: battle deaths rose in the newest year.
      const active = ctx.underWay.filter((m) => t.measures!.includes(m.id));
      if (active.length === 0) return [];
      const year = Number(facts.asOf.slice(0, 4));
      const deaths = within(facts, 'battleDeaths', year - 3, year);
      const [before, last] = deaths.slice(-2);
      return before && last && last.value > before.value
        ? [
            { label: 'under way', value: active.map((m) => m.id).join(', '), source: 'capacity' },
            evidenceOf('battle deaths, year before', before),
            evidenceOf('battle deaths, newest year', last),
          ]
        : [];
    }
    case 'tension':
      return incoherence(ctx);
    default:
      return [];
  }
}

const SERIES_LABELS: Record<SeriesName, string> = {
  battleDeaths: 'battle deaths',
  ethnicWar: 'ethnic war',
  revolutionaryWar: 'revolutionary war',
  terror: 'political terror',
  liberalDemocracy: 'liberal democracy index',
  freeExpression: 'freedom of expression and alternative information',
  adverseRegimeChange: 'adverse regime change',
  coups: 'coups',
  excludedShare: 'excluded share of the population',
  discriminatedShare: 'discriminated share of the population',
};

/**
 * The evidence that a rule's conditions hold (the tests of `when` that hold, in order), for
 * every rule except the incoherence check, which depends on the measures. Ranking reads it
 * before the plan is chosen.
 */
export function pitfallConditions(
  ctx: Omit<PitfallContext, 'proposed' | 'underWay' | 'keptOut'> & {
    underWay?: readonly Measure[];
  },
): Map<PitfallId, Evidence[]> {
  const full: PitfallContext = { ...ctx, proposed: [], underWay: ctx.underWay ?? [] };
  const out = new Map<PitfallId, Evidence[]>();
  for (const rule of ctx.rules) {
    if (rule.when.some((t) => t.test === 'tension')) continue;
    const evidence = rule.when.flatMap((t) => runTest(t, full));
    if (evidence.length > 0) out.set(rule.id, evidence);
  }
  return out;
}

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
 * imminent. The measures concerned are listed as the evidence's values.
 */
function incoherence(ctx: PitfallContext): Evidence[] {
  const all = [...new Map([...ctx.proposed, ...ctx.underWay].map((m) => [m.id, m])).values()];
  const byId = new Map(all.map((m) => [m.id, m]));
  const evidence: Evidence[] = [];
  for (const t of tensionsAmong(all)) {
    const a = byId.get(t.a)!;
    const b = byId.get(t.b)!;
    if ((a.agenda === 'structural') === (b.agenda === 'structural')) continue;
    evidence.push({ label: `${t.a} vs ${t.b}`, value: t.note, source: 'toolkit' });
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
    }
  }
  return evidence;
}

/** The measures an incoherence warning concerns, from its evidence. */
function incoherentMeasures(evidence: readonly Evidence[]): string[] {
  const ids = new Set<string>();
  for (const e of evidence) {
    if (e.source === 'toolkit') for (const id of e.label.split(' vs ')) ids.add(id);
    else for (const id of String(e.value).split(', ')) ids.add(id);
  }
  return [...ids].sort();
}

/** The pitfalls that apply, each with the exposed measures and the evidence, in rule order. */
export function checkPitfalls(ctx: PitfallContext): PitfallWarning[] {
  const out: PitfallWarning[] = [];
  for (const rule of ctx.rules) {
    const incoherent = rule.when.some((t) => t.test === 'tension');
    const keptOut = [...(ctx.keptOut?.get(rule.id) ?? [])].sort();
    const exposed = [
      ...new Set(
        [...ctx.proposed, ...ctx.underWay]
          .filter((m) => m.pitfalls.includes(rule.id))
          .map((m) => m.id),
      ),
    ].sort();
    if (!incoherent && exposed.length + keptOut.length === 0) continue;
    const evidence =
      !incoherent && ctx.conditions
        ? (ctx.conditions.get(rule.id) ?? [])
        : rule.when.flatMap((t) => runTest(t, ctx));
    if (evidence.length === 0) continue;
    out.push({
      id: rule.id,
      title: rule.title,
      warning: rule.warning,
      measures: incoherent ? incoherentMeasures(evidence) : exposed,
      ...(keptOut.length > 0 ? { keptOut } : {}),
      evidence,
      cases: rule.cases,
    });
  }
  return out;
}

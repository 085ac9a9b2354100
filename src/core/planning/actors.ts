import type { CountryFacts, Evidence } from './facts.js';
import { latest } from './facts.js';

/**
 * Whom a plan aims at: the likely perpetrators to be dissuaded and the groups at risk to be
 * protected, each with the evidence and a confidence. Atrocity prevention aims at an actor,
 * not at a country: a sanction names whom it targets, a deployment whom it protects.
 */

/** How far the evidence carries: `high`, `medium`, `low`. */
export type Confidence = 'high' | 'medium' | 'low';

/** A likely perpetrator: its name, its kind (an event actor type, or `state-led` / `non-state` for an episode's), the evidence and the confidence. */
export interface DissuadeActor {
  name: string;
  kind: string;
  evidence: Evidence[];
  confidence: Confidence;
}

/** A group at risk, with the evidence and the confidence. */
export interface ProtectGroup {
  group: string;
  evidence: Evidence[];
  confidence: Confidence;
}

/** The actors of a plan. */
export interface PlanActors {
  dissuade: DissuadeActor[];
  protect: ProtectGroup[];
}

/** Least attacks on civilians by one named perpetrator in the window for high confidence. */
export const MANY_ATTACKS = 10;
/** Least attacks for medium confidence (fewer: low). */
export const SOME_ATTACKS = 3;
/** Least excluded plus discriminated population share (EPR) for excluded groups to be named. */
export const EXCLUDED_GROUPS = 0.1;
/** Least discriminated population share (EPR) for that naming to carry medium confidence. */
export const DISCRIMINATED_GROUPS = 0.05;
/** Named perpetrators and groups listed at most. */
export const MAX_ACTORS = 6;

/**
 * Affiliations of victims that name a state or armed body (event data record the officials,
 * soldiers and coalition staff killed): victims, but not a group at risk of atrocities.
 */
const ARMED_OR_STATE =
  /\b(military|police|armed) forces\b|\bgovernment of\b|\bcoalition\b|\bforces of\b/i;

const RANK: Record<Confidence, number> = { high: 0, medium: 1, low: 2 };

function strongest(a: Confidence, b: Confidence): Confidence {
  return RANK[a] <= RANK[b] ? a : b;
}

function byEvents(events: number): Confidence {
  if (events >= MANY_ATTACKS) return 'high';
  return events >= SOME_ATTACKS ? 'medium' : 'low';
}

/** Adds or merges (by name, ignoring case) an entry; the stronger confidence wins. */
function merge<T extends { evidence: Evidence[]; confidence: Confidence }>(
  into: Map<string, T>,
  name: string,
  entry: T,
): void {
  const k = name.trim().toLowerCase();
  const had = into.get(k);
  if (!had) into.set(k, entry);
  else {
    had.evidence.push(...entry.evidence);
    had.confidence = strongest(had.confidence, entry.confidence);
  }
}

function sorted<T extends { evidence: Evidence[]; confidence: Confidence }>(
  m: Map<string, T>,
): T[] {
  return [...m.values()]
    .sort(
      (a, b) => RANK[a.confidence] - RANK[b.confidence] || b.evidence.length - a.evidence.length,
    )
    .slice(0, MAX_ACTORS);
}

/**
 * The likely perpetrators and the groups at risk, from the mass-killing episodes in the
 * country (under way: high confidence; ended within the last years: medium), the named
 * perpetrators and targeted groups of attacks on civilians in the window (by number of
 * events), the population shares EPR codes as excluded or discriminated, and an analyst's
 * stage judgement.
 */
export function identifyActors(facts: CountryFacts): PlanActors {
  const dissuade = new Map<string, DissuadeActor>();
  const protect = new Map<string, ProtectGroup>();
  for (const e of facts.episodes ?? []) {
    const confidence: Confidence = e.underWay ? 'high' : 'medium';
    const evidence: Evidence = {
      label: `mass killing ${e.underWay ? 'under way' : 'ended'} (${e.startYear}–${e.endYear ?? ''})`,
      value: e.name,
      variable: e.code,
      source: 'ewp-episodes',
    };
    if (e.perpetrator)
      merge(dissuade, e.perpetrator, {
        name: e.perpetrator,
        kind: e.stateLed ? 'state-led' : 'non-state',
        evidence: [evidence],
        confidence,
      });
    if (e.targets)
      merge(protect, e.targets, { group: e.targets, evidence: [evidence], confidence });
  }
  for (const p of facts.perpetrators) {
    for (const n of p.names ?? [])
      merge(dissuade, n.name, {
        name: n.name,
        kind: p.type,
        evidence: [
          {
            label: `attacks on civilians in the window (deaths ${n.deaths})`,
            value: n.events,
            source: 'events',
          },
        ],
        confidence: byEvents(n.events),
      });
  }
  for (const t of (facts.targets ?? []).filter((x) => !ARMED_OR_STATE.test(x.group)))
    merge(protect, t.group, {
      group: t.group,
      evidence: [
        {
          label: `attacks on civilians naming the group (deaths ${t.deaths})`,
          value: t.events,
          source: 'events',
        },
      ],
      confidence: byEvents(t.events),
    });
  const excluded = latest(facts, 'excludedShare');
  const discriminated = latest(facts, 'discriminatedShare');
  if ((excluded?.value ?? 0) + (discriminated?.value ?? 0) >= EXCLUDED_GROUPS) {
    const evidence: Evidence[] = [];
    for (const [label, v] of [
      ['excluded share of the population', excluded],
      ['discriminated share of the population', discriminated],
    ] as const)
      if (v)
        evidence.push({
          label,
          value: v.value,
          year: v.year,
          variable: v.variable,
          source: v.source,
        });
    merge(protect, 'epr', {
      group: 'ethnic groups excluded from power or discriminated against (EPR)',
      evidence,
      confidence: (discriminated?.value ?? 0) >= DISCRIMINATED_GROUPS ? 'medium' : 'low',
    });
  }
  const j = facts.stageJudgement;
  if (j) {
    const evidence = (): Evidence[] => [
      { label: `analyst judgement by ${j.by}`, value: j.reason, source: 'analyst' },
    ];
    for (const name of j.perpetrators)
      merge(dissuade, name, {
        name,
        kind: 'named by analyst',
        evidence: evidence(),
        confidence: 'medium',
      });
    for (const group of j.atRisk)
      merge(protect, group, { group, evidence: evidence(), confidence: 'medium' });
  }
  return { dissuade: sorted(dissuade), protect: sorted(protect) };
}

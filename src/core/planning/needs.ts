import type { Evidence } from './facts.js';
import type { CountryFacts } from './facts.js';
import { latest, evidenceOf } from './facts.js';
import type { Plan } from './plan.js';

/**
 * Needs assessments: for a country and date, the five parts of a living assessment, drafted
 * from the data and the plan, then edited by analysts. Every version is kept; `diffNeeds`
 * shows what changed between two.
 */

/**
 * The five parts: `risk-factors` (national factors behind the risk), `resilience` (sources
 * of social resilience and stability), `capacity-gaps` (national capacity and protection
 * gaps), `activities` (preventive activities already under way), `support` (areas that need
 * more support).
 */
export type NeedsPart = 'risk-factors' | 'resilience' | 'capacity-gaps' | 'activities' | 'support';

/** Every part, in document order. */
export const NEEDS_PARTS: readonly NeedsPart[] = [
  'risk-factors',
  'resilience',
  'capacity-gaps',
  'activities',
  'support',
];

/** Titles of the parts as a document prints them. */
export const NEEDS_PART_TITLES: Record<NeedsPart, string> = {
  'risk-factors': 'Factors behind the risk',
  resilience: 'Sources of resilience',
  'capacity-gaps': 'National capacity and protection gaps',
  activities: 'Preventive activities under way',
  support: 'Areas that need support',
};

/**
 * One statement of a part. `key` identifies it across versions (drafted items have keys
 * derived from what they describe; analysts' items `analyst:N`). `origin` says who wrote it.
 */
export interface NeedsItem {
  key: string;
  text: string;
  origin: 'data' | 'analyst';
  evidence: Evidence[];
}

/** A needs assessment document (one version). */
export interface NeedsDocument {
  countryId: string;
  name: string;
  /** `YYYY-MM-DD`: the date of the data it was drafted from. */
  asOf: string;
  parts: Record<NeedsPart, NeedsItem[]>;
}

/** Least severity (0–4) of a factor listed as a risk; at most this, as a resilience. */
export const RISK_AT = 2;
export const RESILIENCE_AT = 1;

/** Factor ids (any framework) that measure national capacity to protect. */
const CAPACITY_FACTORS = [
  'preconditions-2011:rule-of-law',
  'un-foa-2014:weak-state-structures',
  'un-foa-2014:absence-of-mitigating-factors',
  'preconditions-2011:absence-of-democracy',
];

function factorItem(
  prefix: string,
  f: NonNullable<CountryFacts['structural']>['factors'][number],
  text: string,
): NeedsItem {
  return {
    key: `${prefix}:${f.id}`,
    text,
    origin: 'data',
    evidence: [
      {
        label: 'severity (0–4)',
        value: f.severity ?? 'missing',
        source: 'assessment',
        variable: f.id,
      },
      ...f.evidence,
    ],
  };
}

/** Drafts the five parts from a country's facts and its plan. */
export function draftNeeds(facts: CountryFacts, plan: Plan): NeedsDocument {
  const factors = facts.structural?.factors ?? [];
  const risk: NeedsItem[] = factors
    .filter((f) => f.severity !== null && f.severity >= RISK_AT)
    .sort((a, b) => b.severity! - a.severity! || a.id.localeCompare(b.id))
    .map((f) => factorItem('factor', f, `${f.title}: severity ${f.severity} of 4`));
  for (const i of facts.escalation?.indicators ?? []) {
    risk.push({
      key: `indicator:${i.id}`,
      text: `${i.title} (${i.stage}${i.redFlag ? ', red flag' : ''}): ${i.events} events, ${i.deaths} deaths between ${i.from} and ${i.to}`,
      origin: 'data',
      evidence: [{ label: i.title, value: i.events, variable: i.id, source: 'escalation' }],
    });
  }
  if (facts.forecast) {
    risk.push({
      key: 'forecast',
      text: `Forecast risk of a mass-killing onset: ${(facts.forecast.probability * 100).toFixed(1)}% (rank ${facts.forecast.rank} of ${facts.forecast.of})`,
      origin: 'data',
      evidence: [
        {
          label: 'probability',
          value: facts.forecast.probability,
          year: facts.forecast.origin,
          source: 'forecast',
        },
      ],
    });
  }
  const resilience: NeedsItem[] = factors
    .filter((f) => f.severity !== null && f.severity <= RESILIENCE_AT)
    .map((f) => factorItem('resilience', f, `${f.title}: low (severity ${f.severity} of 4)`));
  if (facts.escalation?.stage === 'none')
    resilience.push({
      key: 'no-escalation',
      text: 'No crisis, mobilisation or violence indicator fired on the date',
      origin: 'data',
      evidence: [{ label: 'escalation stage', value: 'none', source: 'escalation' }],
    });
  const expression = latest(facts, 'freeExpression');
  if (expression && expression.value >= 0.7)
    resilience.push({
      key: 'free-expression',
      text: 'Open public debate and independent information',
      origin: 'data',
      evidence: [evidenceOf('freedom of expression and alternative information', expression)],
    });
  const gaps: NeedsItem[] = factors
    .filter((f) => CAPACITY_FACTORS.includes(f.id) && f.severity !== null && f.severity >= RISK_AT)
    .map((f) =>
      factorItem('capacity', f, `Weak national capacity: ${f.title} (severity ${f.severity} of 4)`),
    );
  if (!plan.capacity.map)
    gaps.push({
      key: 'capacity-map',
      text: `${plan.capacity.note}: load a capacity map to find the measures no committed actor covers`,
      origin: 'data',
      evidence: [{ label: 'capacity map actors', value: 0, source: 'capacity' }],
    });
  for (const m of plan.measures.filter((x) => x.gap)) {
    gaps.push({
      key: `protection-gap:${m.id}`,
      text: `${m.title}: needed, and no capable actor with at least medium commitment covers it`,
      origin: 'data',
      evidence: [{ label: 'committed providers', value: 0, source: 'capacity', variable: m.id }],
    });
  }
  const activities: NeedsItem[] = plan.activities.map((a) => ({
    key: `activity:${a.actorId}:${a.measureId}`,
    text: `${a.actor}${a.illustrative ? ' (illustrative)' : ''}: ${a.currentUse} [${a.measureId}]`,
    origin: 'data',
    evidence: [
      { label: 'capacity map', value: a.actorId, source: 'capacity', variable: a.measureId },
    ],
  }));
  const support: NeedsItem[] = plan.measures.map((m) => ({
    key: `support:${m.id}`,
    text: `${m.title}${m.gap ? ' (capacity gap)' : ''}: answers ${[
      ...m.answers.factors.map((f) => f.title),
      ...m.answers.indicators.map((i) => i.title),
    ].join('; ')}`,
    origin: 'data',
    evidence: [{ label: 'plan rank score', value: m.score, source: 'plan', variable: m.id }],
  }));
  return {
    countryId: facts.countryId,
    name: facts.name,
    asOf: facts.asOf,
    parts: { 'risk-factors': risk, resilience, 'capacity-gaps': gaps, activities, support },
  };
}

/** An analyst's edit of a document: add a statement to a part, change one, or remove one. */
export type NeedsEdit =
  | { op: 'add'; part: NeedsPart; text: string }
  | { op: 'change'; part: NeedsPart; key: string; text: string }
  | { op: 'remove'; part: NeedsPart; key: string };

/**
 * Applies edits to a document, returning a new one. Throws Error naming the key when a
 * change or removal names a statement the part does not hold.
 */
export function editNeeds(doc: NeedsDocument, edits: readonly NeedsEdit[]): NeedsDocument {
  const parts = Object.fromEntries(
    NEEDS_PARTS.map((p) => [p, doc.parts[p].map((i) => ({ ...i }))]),
  ) as Record<NeedsPart, NeedsItem[]>;
  let next =
    Math.max(
      0,
      ...NEEDS_PARTS.flatMap((p) =>
        parts[p].filter((i) => i.key.startsWith('analyst:')).map((i) => Number(i.key.slice(8))),
      ),
    ) + 1;
  for (const e of edits) {
    const list = parts[e.part];
    if (e.op === 'add') {
      list.push({ key: `analyst:${next++}`, text: e.text, origin: 'analyst', evidence: [] });
      continue;
    }
    const at = list.findIndex((i) => i.key === e.key);
    if (at < 0) throw new Error(`part ${e.part} has no statement "${e.key}"`);
    if (e.op === 'remove') list.splice(at, 1);
    else list[at] = { ...list[at]!, text: e.text, origin: 'analyst' };
  }
  return { ...doc, parts };
}

/** What changed in one part between two versions. */
export interface PartDiff {
  part: NeedsPart;
  added: NeedsItem[];
  removed: NeedsItem[];
  changed: { key: string; from: string; to: string }[];
}

/** The differences between two documents, part by part (parts without change left out). */
export function diffNeeds(from: NeedsDocument, to: NeedsDocument): PartDiff[] {
  const out: PartDiff[] = [];
  for (const part of NEEDS_PARTS) {
    const before = new Map(from.parts[part].map((i) => [i.key, i]));
    const after = new Map(to.parts[part].map((i) => [i.key, i]));
    const added = [...after.values()].filter((i) => !before.has(i.key));
    const removed = [...before.values()].filter((i) => !after.has(i.key));
    const changed = [...after.values()]
      .filter((i) => before.has(i.key) && before.get(i.key)!.text !== i.text)
      .map((i) => ({ key: i.key, from: before.get(i.key)!.text, to: i.text }));
    if (added.length + removed.length + changed.length > 0)
      out.push({ part, added, removed, changed });
  }
  return out;
}

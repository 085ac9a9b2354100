/**
 * The planning documents of the country lens drawn for reading: the prevention plan (its
 * mode, measures ranked, pitfalls with their warnings and evidence, tensions), the needs
 * assessment (its parts, each line with where it came from) and the capacity gaps. Parts
 * of a document these do not know are drawn as they come (`structured`).
 */
import { h } from './dom.js';
import type { Child } from './dom.js';
import { num } from './format.js';
import { humanise, structured } from './structured.js';

/** A piece of evidence as the planning documents cite it. */
interface Cited {
  label: string;
  value: number | string;
  year?: number;
  source?: string;
}

/** A ranked measure of a plan. */
interface PlanMeasure {
  id: string;
  title: string;
  agenda: string;
  area: string;
  timeToEffect: string;
  score: number;
  gap: boolean;
  fit: string[];
  pitfalls: string[];
}

/** A pitfall the plan warns about. */
interface PlanPitfall {
  id: string;
  title: string;
  warning: string;
  measures: string[];
  evidence: Cited[];
}

/** `GET /countries/{id}/plan`, the parts drawn here. */
interface PlanDocument {
  plan?: {
    lead?: string;
    leadReason?: string;
    actors?: {
      dissuade: { name: string; kind: string; confidence: string }[];
      protect: { group: string; confidence: string }[];
    };
    capacity?: { map: boolean; note?: string };
    mode?: string;
    modeReason?: string;
    situation?: { primary?: string };
    measures?: PlanMeasure[];
    pitfalls?: PlanPitfall[];
    coherence?: { tensions?: { a: string; b: string; note: string }[] };
  };
}

function cited(evidence: readonly Cited[]): Child {
  if (evidence.length === 0) return null;
  return h(
    'ul',
    { class: 'evidence-list' },
    ...evidence.map((e) =>
      h(
        'li',
        {},
        `${e.label}: ${typeof e.value === 'number' ? num(e.value) : e.value}${e.year ? ` (${e.year})` : ''}${e.source ? `, ${e.source}` : ''}`,
      ),
    ),
  );
}

/** The prevention plan with its pitfalls. */
export function planView(doc: unknown): Child[] {
  const plan = (doc as PlanDocument).plan;
  if (!plan?.measures) return [structured(doc)];
  const titles = new Map(plan.measures.map((m) => [m.id, m.title]));
  const known = plan.capacity?.map !== false;
  const actors = plan.actors;
  return [
    plan.lead
      ? h(
          'p',
          { class: 'plan-lead' },
          h(
            'strong',
            {},
            plan.lead === 'both'
              ? 'Conflict and atrocity prevention lead'
              : `${humanise(plan.lead)} prevention leads`,
          ),
          plan.leadReason ? `: ${plan.leadReason}` : '',
        )
      : null,
    actors
      ? h(
          'ul',
          { class: 'plan-actors' },
          ...actors.dissuade.map((a) =>
            h('li', {}, `Dissuade: ${a.name} (${a.kind}, ${a.confidence} confidence)`),
          ),
          ...actors.protect.map((g) =>
            h('li', {}, `Protect: ${g.group} (${g.confidence} confidence)`),
          ),
        )
      : null,
    plan.capacity?.note ? h('p', { class: 'capacity-note' }, plan.capacity.note) : null,
    h(
      'p',
      { class: 'plan-mode' },
      h('strong', {}, `${humanise(plan.mode ?? 'plan')} agenda`),
      plan.situation?.primary ? ` in a situation of ${humanise(plan.situation.primary)}` : '',
      plan.modeReason ? `: ${plan.modeReason}` : '',
    ),
    h(
      'table',
      { class: 'data compact', id: 'plan-measures' },
      h('caption', {}, 'Measures, best fit first (gap: no capable, committed actor covers it)'),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ...['measure', 'agenda', 'area', 'takes', 'fit', 'gap', 'pitfalls'].map((x) =>
            h('th', { scope: 'col' }, x),
          ),
        ),
      ),
      h(
        'tbody',
        {},
        ...plan.measures.map((m) =>
          h(
            'tr',
            { 'data-measure': m.id },
            h('td', {}, m.title),
            h('td', {}, m.agenda),
            h('td', {}, humanise(m.area)),
            h('td', {}, m.timeToEffect),
            h('td', {}, m.fit.join('; ')),
            h('td', {}, !known ? 'unknown' : m.gap ? h('strong', {}, 'gap') : ''),
            h('td', {}, m.pitfalls.map(humanise).join(', ')),
          ),
        ),
      ),
    ),
    h('h3', {}, `Pitfalls to avoid (${plan.pitfalls?.length ?? 0})`),
    h(
      'ul',
      { class: 'pitfalls' },
      ...(plan.pitfalls ?? []).map((p) =>
        h(
          'li',
          { 'data-pitfall': p.id },
          h('strong', {}, p.title),
          h('p', {}, p.warning),
          p.measures.length
            ? h(
                'p',
                { class: 'muted' },
                `Concerns: ${p.measures.map((m) => titles.get(m) ?? m).join(', ')}`,
              )
            : null,
          cited(p.evidence),
        ),
      ),
    ),
    plan.coherence?.tensions?.length
      ? h(
          'details',
          {},
          h('summary', {}, `Tensions between measures (${plan.coherence.tensions.length})`),
          h(
            'ul',
            {},
            ...plan.coherence.tensions.map((t) =>
              h('li', {}, `${titles.get(t.a) ?? t.a} and ${titles.get(t.b) ?? t.b}: ${t.note}`),
            ),
          ),
        )
      : null,
  ];
}

/** `GET /countries/{id}/needs`: parts of lines, each with its origin and evidence. */
interface NeedsDocument {
  asOf?: string;
  parts?: Record<string, { key: string; text: string; origin: string; evidence?: Cited[] }[]>;
}

/** The needs assessment, part by part. */
export function needsView(doc: unknown): Child[] {
  const needs = doc as NeedsDocument;
  if (!needs.parts) return [structured(doc)];
  return [
    needs.asOf
      ? h(
          'p',
          { class: 'caption' },
          `Version as of ${needs.asOf}; lines marked “analyst” were written by analysts, the others drafted from the data.`,
        )
      : null,
    ...Object.entries(needs.parts).map(([part, lines]) =>
      h(
        'div',
        { class: 'needs-part', 'data-part': part },
        h('h3', {}, `${humanise(part)} (${lines.length})`),
        lines.length
          ? h(
              'ul',
              {},
              ...lines.map((l) =>
                h(
                  'li',
                  {},
                  l.text,
                  l.origin !== 'data' ? h('span', { class: 'muted' }, ` (${l.origin})`) : null,
                ),
              ),
            )
          : h('p', { class: 'muted' }, 'none'),
      ),
    ),
  ];
}

/** `GET /capacity/gaps`: measures no capable, committed actor covers. */
interface GapsDocument {
  gaps?: { measureId: string; weak: unknown[] }[];
}

/** The capacity gaps as a list of measures. */
export function gapsView(doc: unknown): Child[] {
  const gaps = (doc as GapsDocument).gaps;
  if (!gaps) return [structured(doc)];
  return [
    h('p', {}, `${gaps.length} measures the plans need that no capable, committed actor covers:`),
    h(
      'ul',
      { class: 'gap-list' },
      ...gaps.map((g) =>
        h(
          'li',
          {},
          humanise(g.measureId),
          g.weak.length
            ? h('span', { class: 'muted' }, ` (weakly covered by ${g.weak.length})`)
            : null,
        ),
      ),
    ),
  ];
}

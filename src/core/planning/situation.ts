import type { Evidence } from './facts.js';
import type { CountryFacts } from './facts.js';
import { evidenceOf, fired, latest, severityOf, within } from './facts.js';
import type { SituationKind } from './types.js';

/**
 * Which of the situations of atrocity risk a country is in, from its facts, with the evidence
 * for each. Several can hold at once (a war and communal violence); the primary one decides
 * the plan's emphasis: armed conflict, then post-war retribution, state-directed
 * suppression, communal violence, in that order, and general structural risk when none holds.
 */

/** Least battle deaths in a year for a war to count as under way (UCDP's threshold). */
export const WAR_DEATHS = 25;
/** Least battle deaths in a year of a war whose end opens a post-war period. */
export const MAJOR_WAR_DEATHS = 1000;
/** Years after the last war year in which retribution against former enemies is watched. */
export const POST_WAR_YEARS = 5;
/** V-Dem liberal democracy below which a regime counts as non-democratic. */
export const NON_DEMOCRATIC = 0.3;
/** Political Terror Scale level from which state repression counts as widespread. */
export const WIDESPREAD_TERROR = 4;
/** Years after an adverse regime change in which suppression is watched closely. */
export const AFTER_REGIME_CHANGE_YEARS = 5;
/** Least attacks on civilians by communal perpetrators in the window for communal violence. */
export const COMMUNAL_EVENTS = 3;
/** How old (years before the as-of year) the newest value of a yearly series may be. */
export const MAX_AGE_YEARS = 2;

/** One situation that holds, with its evidence. */
export interface SituationFinding {
  kind: SituationKind;
  evidence: Evidence[];
}

/** An analyst's judgement of the situation, replacing the computed primary one. */
export interface SituationOverride {
  situation: SituationKind;
  reason: string;
  source: string;
  by: string;
  at: string;
}

/** The classification: the primary situation, all that hold, and any analyst judgement. */
export interface Situation {
  primary: SituationKind;
  /** The primary situation the data alone give (differs from `primary` under an override). */
  computed: SituationKind;
  findings: SituationFinding[];
  override?: SituationOverride;
}

const ORDER: readonly SituationKind[] = [
  'armed-conflict',
  'post-war-retribution',
  'state-suppression',
  'communal-violence',
  'structural-risk',
];

const COMMUNAL_PERPETRATORS = new Set(['identity-militia', 'political-militia', 'rioters']);

/** The yearly value of a series if it is recent enough to describe the present. */
function current(facts: CountryFacts, key: Parameters<typeof latest>[1]) {
  const v = latest(facts, key);
  const year = Number(facts.asOf.slice(0, 4));
  return v && v.year >= year - MAX_AGE_YEARS ? v : undefined;
}

/** Evidence of a war under way: recent battle deaths, PITF war years, conflict events. */
function armedConflict(facts: CountryFacts): Evidence[] {
  const out: Evidence[] = [];
  const deaths = current(facts, 'battleDeaths');
  if (deaths && deaths.value >= WAR_DEATHS) out.push(evidenceOf('battle deaths', deaths));
  for (const key of ['ethnicWar', 'revolutionaryWar'] as const) {
    const war = current(facts, key);
    if (war && war.value > 0)
      out.push(evidenceOf(key === 'ethnicWar' ? 'ethnic war' : 'revolutionary war', war));
  }
  for (const id of ['armed-contest', 'armed-conflict-events']) {
    const f = fired(facts, id);
    if (f) out.push({ label: f.title, value: f.events, variable: id, source: 'escalation' });
  }
  return out;
}

/** Evidence that a major war ended within `POST_WAR_YEARS` and repression followed. */
function postWar(facts: CountryFacts, atWar: boolean): Evidence[] {
  if (atWar) return [];
  const year = Number(facts.asOf.slice(0, 4));
  const war = within(facts, 'battleDeaths', year - POST_WAR_YEARS, year).filter(
    (v) => v.value >= MAJOR_WAR_DEATHS,
  );
  if (war.length === 0) return [];
  const last = war[war.length - 1]!;
  const terror = current(facts, 'terror');
  const stateAttacks = facts.perpetrators.find((p) => p.type === 'state-forces');
  const after: Evidence[] = [];
  if (terror && terror.value >= WIDESPREAD_TERROR - 1)
    after.push(evidenceOf('political terror after the war', terror));
  if (stateAttacks && stateAttacks.events > 0)
    after.push({
      label: 'attacks on civilians by state forces',
      value: stateAttacks.events,
      source: 'escalation',
    });
  return after.length > 0 ? [evidenceOf('last year of major war', last), ...after] : [];
}

/** Evidence of a non-democratic regime repressing in peacetime. */
function suppression(facts: CountryFacts, atWar: boolean): Evidence[] {
  if (atWar) return [];
  const democracy = current(facts, 'liberalDemocracy');
  if (!democracy || democracy.value >= NON_DEMOCRATIC) return [];
  const year = Number(facts.asOf.slice(0, 4));
  const signs: Evidence[] = [];
  const terror = current(facts, 'terror');
  if (terror && terror.value >= WIDESPREAD_TERROR)
    signs.push(evidenceOf('political terror', terror));
  const change = within(facts, 'adverseRegimeChange', year - AFTER_REGIME_CHANGE_YEARS, year)
    .filter((v) => v.value > 0)
    .pop();
  if (change) signs.push(evidenceOf('adverse regime change', change));
  const state = facts.perpetrators.find((p) => p.type === 'state-forces');
  if (state && state.events > 0)
    signs.push({
      label: 'attacks on civilians by state forces',
      value: state.events,
      source: 'escalation',
    });
  return signs.length > 0 ? [evidenceOf('liberal democracy index', democracy), ...signs] : [];
}

/** Evidence of violence by communal perpetrators, or of communal mobilisation on divisions. */
function communal(facts: CountryFacts): Evidence[] {
  const out: Evidence[] = [];
  const attacks = facts.perpetrators.filter((p) => COMMUNAL_PERPETRATORS.has(p.type));
  const events = attacks.reduce((n, p) => n + p.events, 0);
  if (events >= COMMUNAL_EVENTS) {
    for (const p of attacks)
      out.push({
        label: `attacks on civilians by ${p.type}`,
        value: p.events,
        source: 'escalation',
      });
  }
  const divided = (severityOf(facts, 'preconditions-2011:politicised-divisions') ?? 0) >= 2;
  for (const id of ['hate-mobilisation', 'militias']) {
    const f = fired(facts, id);
    if (f && divided)
      out.push({ label: f.title, value: f.events, variable: id, source: 'escalation' });
  }
  return out;
}

/**
 * Classifies a country's situation. With an analyst `override`, its situation is the primary
 * one and the computed classification is kept beside it.
 */
export function classifySituation(facts: CountryFacts, override?: SituationOverride): Situation {
  const war = armedConflict(facts);
  const atWar = war.length > 0;
  const candidates: SituationFinding[] = [
    { kind: 'armed-conflict', evidence: war },
    { kind: 'post-war-retribution', evidence: postWar(facts, atWar) },
    { kind: 'state-suppression', evidence: suppression(facts, atWar) },
    { kind: 'communal-violence', evidence: communal(facts) },
  ];
  const findings = candidates.filter((c) => c.evidence.length > 0);
  if (findings.length === 0) {
    const tier = facts.structural?.tier;
    findings.push({
      kind: 'structural-risk',
      evidence: [
        {
          label: 'structural tier',
          value: tier ?? 'not assessed',
          source: 'assessment',
          variable: facts.structural?.framework,
        },
      ],
    });
  }
  findings.sort((a, b) => ORDER.indexOf(a.kind) - ORDER.indexOf(b.kind));
  const computed = findings[0]!.kind;
  return override
    ? { primary: override.situation, computed, findings, override }
    : { primary: computed, computed, findings };
}

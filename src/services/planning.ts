import type { Country } from '../core/countries/types.js';
import type { CountryRegistry } from '../core/countries/registry.js';
import { InputError } from '../core/errors.js';
import type { Tlp } from '../core/escalation/types.js';
import { addDays } from '../core/escalation/dates.js';
import { parseAsOf, yearOf } from '../core/frameworks/as-of.js';
import type { Tier } from '../core/frameworks/types.js';
import type { CapacityActor, Need } from '../core/planning/capacity.js';
import { analyseLinks, capacityGaps } from '../core/planning/capacity.js';
import type {
  CountryFacts,
  EpisodeFact,
  PerpetratorFact,
  SeriesKey,
  TargetFact,
  YearValue,
} from '../core/planning/facts.js';
import { planStage } from '../core/planning/facts.js';
import { MAX_AGE_YEARS } from '../core/planning/situation.js';
import type { Plan } from '../core/planning/plan.js';
import { buildPlan, NO_CAPACITY_MAP } from '../core/planning/plan.js';
import type { Region } from '../core/planning/regions.js';
import { regionOfCow } from '../core/planning/regions.js';
import type { Situation, SituationOverride } from '../core/planning/situation.js';
import { classifySituation } from '../core/planning/situation.js';
import type {
  LessonCase,
  Measure,
  PitfallRuleSpec,
  PlanStage,
  RankingWeights,
  SituationKind,
} from '../core/planning/types.js';
import { PLAN_STAGES, SITUATION_KINDS } from '../core/planning/types.js';
import type { Principal } from '../store/access.js';
import {
  agreementsFor,
  AccessDeniedError,
  canUpdate,
  describePrincipal,
  requireAction,
} from '../store/access.js';
import type { Store } from '../store/database.js';
import type { Episode } from '../store/episodes-repository.js';
import { listEpisodes } from '../store/episodes-repository.js';
import { factsVisibleTo, loadFacts } from '../store/events-repository.js';
import { observationsAsOf } from '../store/observations-repository.js';
import {
  addSituationOverride,
  addStageOverride,
  listSituationOverrides,
  listStageOverrides,
  loadActors,
  withdrawSituationOverride,
  withdrawStageOverride,
} from '../store/planning-repository.js';
import type { StoredSituationOverride, StoredStageOverride } from '../store/planning-repository.js';
import { assessWorld, countryRef, DEFAULT_FRAMEWORK, selectCountries } from './assess.js';
import { audited } from './audit.js';
import { EscalationMonitor } from './escalation.js';
import { DEFAULT_SPEC, loadModelSpec, loadPanel, nameForecasts, walkForward } from './forecast.js';
import { ForecastPool } from './forecast-pool.js';
import { panelYears } from '../core/forecast/dataset.js';
import { overridesFor } from './overrides.js';
import { loadLessons, loadToolkit } from './toolkit.js';

/**
 * From risk to advice for many countries at once: the facts the planning engine needs (the
 * structural assessment, the escalation status, attacks on civilians, yearly series), read
 * with one query per kind whatever the number of countries, then situations, plans and
 * capacity gaps.
 */

/** Store variables behind each yearly series (the highest value per year when several). */
export const SERIES_VARIABLES: Record<SeriesKey, readonly string[]> = {
  battleDeaths: ['ucdp-brd:bd_best'],
  ethnicWar: ['pitf:ethnic_war'],
  revolutionaryWar: ['pitf:revolutionary_war'],
  terror: ['pts:PTS_A', 'pts:PTS_H', 'pts:PTS_S'],
  liberalDemocracy: ['vdem:v2x_libdem'],
  freeExpression: ['vdem:v2x_freexp_altinf'],
  adverseRegimeChange: ['pitf:adverse_regime_change'],
  coups: ['coups-pt:pt_coup'],
  excludedShare: ['epr:exclpop'],
  discriminatedShare: ['epr:discrimpop'],
};

/** Years of yearly series read before the as-of year. */
export const SERIES_YEARS = 10;

/** Days of events before the as-of date in which attacks on civilians are counted. */
export const ATTACK_WINDOW_DAYS = 365;

/** Years after its end in which a mass-killing episode still names perpetrators and targets. */
export const RECENT_EPISODE_YEARS = 5;

/** Named perpetrators kept per actor type, and targeted groups kept, per country. */
export const NAMES_KEPT = 5;

/**
 * The episodes of a country known on `asOf`. The episode list is coded after the fact, so an
 * episode counts from the year after it began (as yearly sources are read); it is under way
 * when it ends in the as-of year or later, or is open at the end of a list that reaches
 * within `MAX_AGE_YEARS` of the as-of year; ended ones are kept for `RECENT_EPISODE_YEARS`.
 */
export function episodesOn(
  episodes: readonly Episode[],
  countryId: string,
  asOfYear: number,
): EpisodeFact[] {
  const listEnd = Math.max(0, ...episodes.map((e) => Math.max(e.startYear, e.endYear ?? 0)));
  const out: EpisodeFact[] = [];
  for (const e of episodes) {
    if (!e.locationCountryIds.includes(countryId) || e.startYear > asOfYear - 1) continue;
    const underWay =
      e.endYear === null ? listEnd >= asOfYear - MAX_AGE_YEARS : e.endYear >= asOfYear;
    const lastYear = e.endYear ?? listEnd;
    if (!underWay && lastYear < asOfYear - RECENT_EPISODE_YEARS) continue;
    const [perpetrator, targets] = e.name.split(/\s+vs\.?\s+/i);
    out.push({
      code: e.code,
      name: e.name.trim(),
      stateLed: e.stateLed,
      startYear: e.startYear,
      endYear: e.endYear,
      underWay,
      perpetrator: (perpetrator ?? '').trim(),
      targets: (targets ?? '').trim().replace(/\.$/, ''),
    });
  }
  return out;
}

/** Keeps the `NAMES_KEPT` entries with most events. */
function topByEvents<T extends { events: number }>(m: Map<string, T>): T[] {
  return [...m.values()].sort((a, b) => b.events - a.events).slice(0, NAMES_KEPT);
}

/** The forecast of one country, when the caller has one (see `ForecastPort`). */
export type ForecastPort = (countryId: string) => CountryFacts['forecast'] | undefined;

/** Options of `planningFacts` and what builds on it. */
export interface PlanningOptions {
  /** `YYYY-MM-DD` or `YYYY`; default today (from `now`). */
  asOf?: string;
  /** Registry ids; default every country that exists in the as-of year. */
  countryIds?: readonly string[];
  /** Structural framework; default `preconditions-2011`. */
  framework?: string;
  forecast?: ForecastPort;
  now?: Date;
}

/** The region of a country, from its COW number. */
export function regionOf(country: Country, year: number): Region | null {
  const cow = countryRef(country, year).cow;
  return cow === undefined ? null : regionOfCow(cow);
}

/** The facts of every selected country on one date. */
export async function planningFacts(
  store: Store,
  registry: CountryRegistry,
  principal: Principal,
  options: PlanningOptions = {},
): Promise<CountryFacts[]> {
  const asOf = parseAsOf(options.asOf ?? (options.now ?? new Date()).toISOString().slice(0, 10));
  const year = yearOf(asOf);
  const countries = selectCountries(registry.all(), year, options.countryIds);
  const ids = countries.map((c) => c.id);
  const framework = options.framework ?? DEFAULT_FRAMEWORK;
  let assessments: Awaited<ReturnType<typeof assessWorld>>['assessments'] = [];
  try {
    const report = await assessWorld(store, registry.all(), {
      asOf,
      framework,
      countryIds: ids,
      change: false,
      overrides: await overridesFor(store, principal, framework.split('@')[0]),
    });
    assessments = report.assessments;
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
  }
  const byCountry = new Map(assessments.map((a) => [a.country.id, a]));
  const tiers = new Map<string, Tier>();
  for (const a of assessments) if (a.tier) tiers.set(a.country.id, a.tier);
  const monitor = await EscalationMonitor.open(store, { tiers: (id) => tiers.get(id) });
  const variables = Object.values(SERIES_VARIABLES).flat();
  const [statuses, events, values, episodes, stageJudgements] = await Promise.all([
    monitor.statusAsOf(ids, asOf, principal),
    // Attacks on civilians are counted from the events the principal may see, as the status.
    factsVisibleTo(store.db, principal).then((visible) =>
      loadFacts(store, store.db, {
        countryIds: ids,
        from: addDays(asOf, -(ATTACK_WINDOW_DAYS - 1)),
        to: asOf,
        reportStates: monitor.rules.reportStates,
        visible,
      }),
    ),
    observationsAsOf(store, {
      variables,
      asOf,
      countryIds: ids,
      fromYear: year - SERIES_YEARS,
      toYear: year,
    }),
    listEpisodes(store),
    stageJudgementsOn(store, principal, asOf),
  ]);
  const statusOf = new Map(statuses.map((s) => [s.countryId, s]));
  const seriesKey = new Map<string, SeriesKey>();
  for (const [key, vars] of Object.entries(SERIES_VARIABLES) as [SeriesKey, string[]][])
    for (const v of vars) seriesKey.set(v, key);
  const series = new Map<string, Partial<Record<SeriesKey, Map<number, YearValue>>>>();
  for (const v of values) {
    if (v.value === null) continue;
    const key = seriesKey.get(v.variable)!;
    const perCountry = series.get(v.countryId) ?? {};
    series.set(v.countryId, perCountry);
    const byYear = (perCountry[key] ??= new Map());
    const prev = byYear.get(v.year);
    if (!prev || v.value > prev.value)
      byYear.set(v.year, { year: v.year, value: v.value, variable: v.variable, source: v.source });
  }
  type Named = { name: string; events: number; deaths: number };
  const attacks = new Map<string, Map<string, PerpetratorFact & { byName: Map<string, Named> }>>();
  const targeted = new Map<string, Map<string, TargetFact>>();
  for (const e of events) {
    if (!e.civilianTargeted) continue;
    if (e.targetGroup) {
      const perCountry = targeted.get(e.countryId) ?? new Map<string, TargetFact>();
      targeted.set(e.countryId, perCountry);
      const t = perCountry.get(e.targetGroup) ?? { group: e.targetGroup, events: 0, deaths: 0 };
      t.events += 1;
      t.deaths += e.deathsBest ?? 0;
      perCountry.set(e.targetGroup, t);
    }
    if (!e.actor1Type) continue;
    const perCountry = attacks.get(e.countryId) ?? new Map();
    attacks.set(e.countryId, perCountry);
    const p = perCountry.get(e.actor1Type) ?? {
      type: e.actor1Type,
      events: 0,
      deaths: 0,
      byName: new Map<string, Named>(),
    };
    p.events += 1;
    p.deaths += e.deathsBest ?? 0;
    if (e.actor1Name) {
      const n = p.byName.get(e.actor1Name) ?? { name: e.actor1Name, events: 0, deaths: 0 };
      n.events += 1;
      n.deaths += e.deathsBest ?? 0;
      p.byName.set(e.actor1Name, n);
    }
    perCountry.set(e.actor1Type, p);
  }
  return countries.map((c) => {
    const ref = countryRef(c, year);
    const a = byCountry.get(c.id);
    const s = statusOf.get(c.id);
    const perCountry = series.get(c.id) ?? {};
    const forecast = options.forecast?.(c.id);
    const countryEpisodes = episodesOn(episodes, c.id, year);
    const targets = targeted.get(c.id);
    const facts: CountryFacts = {
      countryId: c.id,
      name: c.name,
      ...(ref.iso3 ? { iso3: ref.iso3 } : {}),
      region: regionOf(c, year),
      asOf,
      structural: a
        ? {
            framework: `${a.framework}@${a.frameworkVersion}`,
            tier: a.tier,
            score: a.score,
            coverage: a.coverage,
            factors: a.factors.map((f) => ({
              id: `${a.framework}:${f.id}`,
              title: f.title,
              severity: f.severity,
              overridden: f.overrideApplied,
              evidence: f.evidence.map((e) => ({
                label: e.indicator,
                value: e.value,
                year: e.year,
                variable: e.variable,
                source: e.source,
              })),
            })),
          }
        : null,
      escalation: s
        ? {
            stage: s.stage,
            imminent: s.imminent,
            redFlags: s.redFlags,
            indicators: s.indicators.map((i) => ({
              id: i.id,
              title: i.title,
              stage: i.stage,
              redFlag: i.redFlag,
              events: i.events,
              deaths: i.deaths,
              from: i.from,
              to: i.to,
            })),
          }
        : null,
      perpetrators: [...(attacks.get(c.id)?.values() ?? [])]
        .sort((x, y) => y.events - x.events)
        .map(({ byName, ...p }) => (byName.size > 0 ? { ...p, names: topByEvents(byName) } : p)),
      ...(targets ? { targets: topByEvents(targets) } : {}),
      ...(countryEpisodes.length > 0 ? { episodes: countryEpisodes } : {}),
      series: Object.fromEntries(
        Object.entries(perCountry).map(([k, m]) => [
          k,
          [...m.values()].sort((x, y) => x.year - y.year),
        ]),
      ),
      ...(forecast ? { forecast } : {}),
    };
    const judged = stageJudgements.get(c.id);
    return judged ? withStageJudgement(facts, judged) : facts;
  });
}

/** The latest stage judgement in force on `asOf` per country that `principal` may see. */
async function stageJudgementsOn(
  store: Store,
  principal: Principal,
  asOf: string,
): Promise<Map<string, StoredStageOverride>> {
  const out = new Map<string, StoredStageOverride>();
  for (const o of await listStageOverrides(store, principal)) {
    if (o.withdrawnAt || o.effectiveFrom > asOf) continue;
    out.set(o.countryId, o);
  }
  return out;
}

/** The facts with the escalation stage an analyst judged; the computed one kept beside it. */
function withStageJudgement(facts: CountryFacts, j: StoredStageOverride): CountryFacts {
  const e = facts.escalation ?? { stage: 'none', imminent: false, redFlags: [], indicators: [] };
  return {
    ...facts,
    escalation: {
      ...e,
      // Judged imminent: the stage stays as computed, the imminence is the analyst's.
      stage: j.stage === 'imminent' ? e.stage : j.stage,
      imminent: j.stage === 'imminent',
    },
    stageJudgement: {
      id: j.id,
      stage: j.stage,
      reason: j.reason,
      source: j.source,
      by: j.by,
      at: j.at,
      perpetrators: j.perpetrators,
      atRisk: j.atRisk,
      computedStage: facts.escalation ? planStage(facts) : null,
      computedImminent: facts.escalation?.imminent ?? false,
    },
  };
}

/** The latest analyst situation judgement in force on `asOf` per country. */
async function situationOverrides(
  store: Store,
  principal: Principal,
  asOf: string,
): Promise<Map<string, SituationOverride>> {
  const out = new Map<string, SituationOverride>();
  for (const o of await listSituationOverrides(store, principal)) {
    if (o.withdrawnAt || o.effectiveFrom > asOf) continue;
    out.set(o.countryId, {
      situation: o.situation,
      reason: o.reason,
      source: o.source,
      by: o.by,
      at: o.at,
    });
  }
  return out;
}

/** Everything a plan reads besides the country's facts. */
export interface PlanningContent {
  measures: readonly Measure[];
  lessons: readonly LessonCase[];
  actors: readonly CapacityActor[];
  ranking: RankingWeights;
  pitfallRules: readonly PitfallRuleSpec[];
}

/** The toolkit, the lessons library and the stored capacity map `principal` may see. */
export async function planningContent(
  store: Store,
  principal: Principal,
): Promise<PlanningContent> {
  const [toolkit, lessons, actors] = await Promise.all([
    loadToolkit(),
    loadLessons(),
    loadActors(store, principal),
  ]);
  if (!toolkit.ranking || !toolkit.pitfallRules)
    throw new InputError(
      `toolkit version ${toolkit.version} has no ranking weights or pitfall rules`,
      { expected: 'toolkit version 2 or later in content/toolkit' },
    );
  return {
    measures: toolkit.measures,
    lessons: lessons.cases,
    actors,
    ranking: toolkit.ranking,
    pitfallRules: toolkit.pitfallRules,
  };
}

/** A country's facts, situation and plan. */
export interface CountryPlan {
  facts: CountryFacts;
  situation: Situation;
  plan: Plan;
}

/** Plans for every selected country on one date (see `planningFacts`). */
export async function planCountries(
  store: Store,
  registry: CountryRegistry,
  principal: Principal,
  options: PlanningOptions = {},
  content?: PlanningContent,
): Promise<CountryPlan[]> {
  const [facts, c] = await Promise.all([
    planningFacts(store, registry, principal, options),
    content ?? planningContent(store, principal),
  ]);
  const overrides = await situationOverrides(store, principal, facts[0]?.asOf ?? '9999-12-31');
  return facts.map((f) => {
    const situation = classifySituation(f, overrides.get(f.countryId));
    return { facts: f, situation, plan: buildPlan({ facts: f, situation, ...c }) };
  });
}

/** Gaps for a country, a region or the world: measures plans need that no committed actor covers. */
export async function gapReport(
  store: Store,
  registry: CountryRegistry,
  principal: Principal,
  options: PlanningOptions & { region?: Region } = {},
) {
  const content = await planningContent(store, principal);
  let countryIds = options.countryIds;
  if (options.region) {
    // Only the region's countries are planned (their events and series read), not the world.
    const asOf = parseAsOf(options.asOf ?? (options.now ?? new Date()).toISOString().slice(0, 10));
    const year = yearOf(asOf);
    countryIds = selectCountries(registry.all(), year)
      .filter((c) => regionOf(c, year) === options.region)
      .map((c) => c.id);
  }
  const plans = await planCountries(
    store,
    registry,
    principal,
    { ...options, countryIds },
    content,
  );
  const needs: Need[] = plans.flatMap((p) =>
    p.plan.measures.map((m) => ({
      measureId: m.id,
      countryId: p.facts.countryId,
      place: { iso3: p.facts.iso3, region: p.facts.region },
    })),
  );
  const { gaps, matrix } = capacityGaps(content.actors, needs);
  const links = analyseLinks(content.actors, needs);
  return {
    asOf: plans[0]?.facts.asOf ?? null,
    scope: options.region ?? (options.countryIds?.join(',') || 'world'),
    countries: plans.length,
    actors: content.actors.map((a) => ({
      id: a.id,
      name: a.name,
      kind: a.kind,
      illustrative: a.illustrative,
    })),
    gaps,
    matrix,
    links,
    ...(content.actors.length === 0 ? { note: NO_CAPACITY_MAP } : {}),
  };
}

/** Records an analyst's judgement of a country's situation, with reason and source. */
export async function setSituation(
  store: Store,
  principal: Principal,
  o: {
    countryId: string;
    situation: string;
    reason: string;
    source: string;
    by: string;
    effectiveFrom?: string;
    organisation?: string | null;
    tlp?: Tlp;
    now?: Date;
  },
): Promise<StoredSituationOverride> {
  requireAction(principal, 'override');
  if (!(SITUATION_KINDS as readonly string[]).includes(o.situation))
    throw new InputError(`unknown situation "${o.situation}"`, {
      column: '--situation',
      expected: SITUATION_KINDS.join(', '),
    });
  if (o.reason.trim() === '' || o.source.trim() === '')
    throw new InputError('a situation judgement needs a reason and a source', {
      column: o.reason.trim() === '' ? '--reason' : '--source',
    });
  const at = (o.now ?? new Date()).toISOString();
  const effectiveFrom = o.effectiveFrom ? parseAsOf(o.effectiveFrom) : at.slice(0, 10);
  const organisation = ownerOf(principal, o.organisation);
  const tlp = o.tlp ?? 'AMBER';
  return audited(store, async (trx, record) => {
    const stored = await addSituationOverride(trx, {
      countryId: o.countryId,
      situation: o.situation as SituationKind,
      reason: o.reason.trim(),
      source: o.source.trim(),
      by: o.by,
      at,
      effectiveFrom,
      organisation,
      tlp,
    });
    record({
      at,
      actor: principal,
      action: 'create',
      itemType: 'situation-judgement',
      itemId: String(stored.id),
      detail: { country: o.countryId, situation: o.situation, tlp },
    });
    return stored;
  });
}

/**
 * The organisation that owns what `principal` writes: a user's own (a user cannot write on
 * behalf of another organisation); for the local operator, the one given or none.
 */
export function ownerOf(principal: Principal, given?: string | null): string | null {
  if (principal.kind !== 'user') return given ?? null;
  if (given && given !== principal.organisationId)
    throw new AccessDeniedError(
      `${describePrincipal(principal)} may not write on behalf of organisation ${given}`,
    );
  return principal.organisationId;
}

/**
 * Withdraws a situation judgement: only its organisation may (AccessDeniedError otherwise);
 * InputError when `principal` sees no open one with that id.
 */
export async function withdrawSituation(
  store: Store,
  principal: Principal,
  id: number,
  now = new Date(),
): Promise<void> {
  const found = (await listSituationOverrides(store, principal)).find(
    (o) => o.id === id && !o.withdrawnAt,
  );
  if (
    found &&
    !canUpdate(
      principal,
      'override',
      { organisationId: found.organisation, tlp: found.tlp },
      await agreementsFor(store.db, principal),
    )
  )
    throw new AccessDeniedError(`${describePrincipal(principal)} may not withdraw judgement ${id}`);
  const missing = () =>
    new InputError(`no open situation judgement with id ${id}`, {
      expected: 'an id from `lens situation list`',
    });
  if (!found) throw missing();
  // Withdrawn in the meantime: the transaction is rolled back and nothing is recorded.
  await audited(store, async (trx, record) => {
    if (!(await withdrawSituationOverride(trx, id, now.toISOString()))) throw missing();
    record({
      at: now.toISOString(),
      actor: principal,
      action: 'withdraw',
      itemType: 'situation-judgement',
      itemId: String(id),
    });
  });
}

/** Stored situation judgements (withdrawn ones too), of one country when given. */
export function situationJudgements(
  store: Store,
  principal: Principal,
  countryId?: string,
): Promise<StoredSituationOverride[]> {
  return listSituationOverrides(store, principal, countryId);
}

/** Records an analyst's judgement of a country's escalation stage, with reason and source. */
export async function setStage(
  store: Store,
  principal: Principal,
  o: {
    countryId: string;
    stage: string;
    reason: string;
    source: string;
    by: string;
    perpetrators?: readonly string[];
    atRisk?: readonly string[];
    effectiveFrom?: string;
    organisation?: string | null;
    tlp?: Tlp;
    now?: Date;
  },
): Promise<StoredStageOverride> {
  requireAction(principal, 'override');
  if (!(PLAN_STAGES as readonly string[]).includes(o.stage))
    throw new InputError(`unknown stage "${o.stage}"`, {
      column: '--stage',
      expected: PLAN_STAGES.join(', '),
    });
  if (o.reason.trim() === '' || o.source.trim() === '')
    throw new InputError('a stage judgement needs a reason and a source', {
      column: o.reason.trim() === '' ? '--reason' : '--source',
    });
  const names = (list?: readonly string[]) => [
    ...new Set((list ?? []).map((n) => n.replace(/\s+/g, ' ').trim()).filter(Boolean)),
  ];
  const at = (o.now ?? new Date()).toISOString();
  const effectiveFrom = o.effectiveFrom ? parseAsOf(o.effectiveFrom) : at.slice(0, 10);
  const organisation = ownerOf(principal, o.organisation);
  const tlp = o.tlp ?? 'AMBER';
  return audited(store, async (trx, record) => {
    const stored = await addStageOverride(trx, {
      countryId: o.countryId,
      stage: o.stage as PlanStage,
      reason: o.reason.trim(),
      source: o.source.trim(),
      perpetrators: names(o.perpetrators),
      atRisk: names(o.atRisk),
      by: o.by,
      at,
      effectiveFrom,
      organisation,
      tlp,
    });
    record({
      at,
      actor: principal,
      action: 'create',
      itemType: 'stage-judgement',
      itemId: String(stored.id),
      detail: { country: o.countryId, stage: o.stage, tlp },
    });
    return stored;
  });
}

/**
 * Withdraws a stage judgement: only its organisation may (AccessDeniedError otherwise);
 * InputError when `principal` sees no open one with that id.
 */
export async function withdrawStage(
  store: Store,
  principal: Principal,
  id: number,
  now = new Date(),
): Promise<void> {
  const found = (await listStageOverrides(store, principal)).find(
    (o) => o.id === id && !o.withdrawnAt,
  );
  if (
    found &&
    !canUpdate(
      principal,
      'override',
      { organisationId: found.organisation, tlp: found.tlp },
      await agreementsFor(store.db, principal),
    )
  )
    throw new AccessDeniedError(
      `${describePrincipal(principal)} may not withdraw stage judgement ${id}`,
    );
  const missing = () =>
    new InputError(`no open stage judgement with id ${id}`, {
      expected: 'an id from `lens situation stages`',
    });
  if (!found) throw missing();
  await audited(store, async (trx, record) => {
    if (!(await withdrawStageOverride(trx, id, now.toISOString()))) throw missing();
    record({
      at: now.toISOString(),
      actor: principal,
      action: 'withdraw',
      itemType: 'stage-judgement',
      itemId: String(id),
    });
  });
}

/** Stored stage judgements (withdrawn ones too), of one country when given. */
export function stageJudgements(
  store: Store,
  principal: Principal,
  countryId?: string,
): Promise<StoredStageOverride[]> {
  return listStageOverrides(store, principal, countryId);
}

/**
 * The default model's forecast for one origin year (default: the latest the panel
 * supports), as a port for plans and needs assessments. Fitting takes seconds, so callers
 * ask for it explicitly.
 */
export async function latestForecast(
  store: Store,
  registry: CountryRegistry,
  options: { origin?: number; spec?: string; workers?: number } = {},
): Promise<ForecastPort> {
  const pool = new ForecastPool(options.workers);
  try {
    const spec = await loadModelSpec(options.spec ?? DEFAULT_SPEC, store);
    const panel = await loadPanel(store, spec);
    const origin = options.origin ?? panelYears(panel).last;
    const results = await walkForward(panel, spec, { from: origin, to: origin, pool });
    const rows = nameForecasts(registry, results);
    const byId = new Map(
      rows.map((r) => [
        r.countryId,
        { probability: r.risk, rank: r.rank, of: rows.length, origin },
      ]),
    );
    return (id) => byId.get(id);
  } finally {
    await pool.close();
  }
}

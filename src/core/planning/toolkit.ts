import { unknownFields } from '../validation.js';
import {
  ACTOR_KINDS,
  AGENDAS,
  MEASURE_AIMS,
  MEASURE_AREAS,
  PITFALL_IDS,
  PLAN_STAGES,
  RANKING_MODES,
  SITUATION_KINDS,
  TIMES_TO_EFFECT,
} from './types.js';
import type {
  Agenda,
  CaseAction,
  CaseSource,
  LessonCase,
  Lessons,
  Measure,
  MeasureArea,
  PitfallRuleSpec,
  PitfallTest,
  PlanStage,
  RankingWeights,
  Tension,
  Toolkit,
} from './types.js';

/**
 * Validation of the toolkit and lessons content files (`content/toolkit/`): the schema of
 * `types.ts`, unknown fields (typos), enums, unique ids and cross references. Pure: the
 * references to check against are passed in.
 */

/** One problem in a content file: where (`measures[12].answers.factors[0]`) and what. */
export interface ContentIssue {
  path: string;
  message: string;
}

/** The toolkit, or every problem found. */
export type ToolkitValidation =
  { ok: true; toolkit: Toolkit } | { ok: false; issues: ContentIssue[] };

/** The lessons library, or every problem found. */
export type LessonsValidation =
  { ok: true; lessons: Lessons } | { ok: false; issues: ContentIssue[] };

/** What a toolkit's references are checked against. */
export interface ToolkitRefs {
  /** Framework factors as `FRAMEWORK:FACTOR` (`preconditions-2011:rule-of-law`). */
  factors: ReadonlySet<string>;
  /** Escalation indicator ids of the rules (`civilian-targeting`). */
  indicators: ReadonlySet<string>;
  /** Case ids of the lessons library; when absent, `cases` entries are checked for form only. */
  caseIds?: ReadonlySet<string>;
}

/** What a lessons library's references are checked against. */
export interface LessonsRefs {
  /** Measure ids of the toolkit. */
  measures: ReadonlySet<string>;
  /** Country registry ids. */
  countries: ReadonlySet<string>;
}

/**
 * The agenda each measure area belongs to: the five structural areas, the six direct ones,
 * and the five of escalation prevention.
 */
export const AGENDA_OF_AREA: Readonly<Record<MeasureArea, Agenda>> = {
  economic: 'structural',
  governance: 'structural',
  security: 'structural',
  'human-rights': 'structural',
  social: 'structural',
  'early-warning': 'direct',
  diplomatic: 'direct',
  sanctions: 'direct',
  inducements: 'direct',
  military: 'direct',
  legal: 'direct',
  protection: 'escalation',
  monitoring: 'escalation',
  humanitarian: 'escalation',
  'arms-flows': 'escalation',
  accountability: 'escalation',
};

/** Earliest and latest calendar year a lessons case may cover. */
export const CASE_YEARS = { min: 1900, max: 2100 } as const;

/**
 * Checks a parsed toolkit file: the `Toolkit` schema; agendas, areas (and that the area
 * belongs to the agenda), situations, stages, actor kinds, times to effect and pitfalls from
 * their lists; unique measure ids; every measure answering at least one known factor or
 * indicator; tensions naming another existing measure (checked once every measure reads
 * correctly); cases naming known lessons cases; a changelog entry for the file's version and
 * none for a later one. Collects every issue.
 */
export function validateToolkit(value: unknown, refs: ToolkitRefs): ToolkitValidation {
  const r = new ContentReader();
  const root = r.object(value, '');
  if (!root) return { ok: false, issues: r.issues };
  r.only(root, '', ['id', 'version', 'title', 'changelog', 'measures', 'ranking', 'pitfallRules']);
  const head = header(r, root);
  const measures = r.list(root, 'measures', '', (v, p) => measure(r, v, p, refs), true);
  r.uniqueIds(root, 'measures', 'measure');
  if (measures) checkTensions(r, measures);
  // From version 2 the file carries the ranking weights and the pitfall rules.
  const needsPlanning = head !== undefined && head.version >= 2;
  const ranking =
    root.ranking !== undefined || needsPlanning ? rankingOf(r, root.ranking, 'ranking') : undefined;
  const pitfallRules =
    root.pitfallRules !== undefined || needsPlanning
      ? r.list(root, 'pitfallRules', '', (v, p) => pitfallRule(r, v, p, refs, measures), true)
      : undefined;
  if (pitfallRules) {
    r.uniqueIds(root, 'pitfallRules', 'pitfall rule');
    const missing = PITFALL_IDS.filter((id) => !pitfallRules.some((p) => p.id === id));
    if (missing.length > 0) r.issue('pitfallRules', `expected a rule for ${missing.join(', ')}`);
  }
  if (r.issues.length > 0 || !head || !measures) return { ok: false, issues: r.issues };
  return {
    ok: true,
    toolkit: {
      ...head,
      measures,
      ...(ranking ? { ranking } : {}),
      ...(pitfallRules ? { pitfallRules } : {}),
    },
  };
}

/**
 * Checks a parsed lessons file: the `Lessons` schema; unique case ids; known countries and
 * measures; years from `CASE_YEARS.min` to `CASE_YEARS.max` with `fromYear` ≤ `toYear`;
 * situations and verdicts from their lists; source URLs (optional) as http(s) addresses;
 * the changelog as for the toolkit. Collects every issue.
 */
export function validateLessons(value: unknown, refs: LessonsRefs): LessonsValidation {
  const r = new ContentReader();
  const root = r.object(value, '');
  if (!root) return { ok: false, issues: r.issues };
  r.only(root, '', ['id', 'version', 'title', 'changelog', 'cases']);
  const head = header(r, root);
  const cases = r.list(root, 'cases', '', (v, p) => lessonCase(r, v, p, refs), true);
  r.uniqueIds(root, 'cases', 'case');
  if (r.issues.length > 0 || !head || !cases) return { ok: false, issues: r.issues };
  return { ok: true, lessons: { ...head, cases } };
}

type Json = Record<string, unknown>;
type Changelog = Toolkit['changelog'];

const ID = /^[a-z0-9][a-z0-9-]*$/;
const VERDICTS = ['helped', 'mixed', 'failed'] as const;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const URL_PATTERN = /^https?:\/\/\S+$/;

function key(base: string, name: string | number): string {
  if (typeof name === 'number') return `${base}[${name}]`;
  return base === '' ? name : `${base}.${name}`;
}

/**
 * Reads typed values out of parsed JSON: each reader records an issue under its path and
 * answers undefined when the value does not fit.
 */
class ContentReader {
  readonly issues: ContentIssue[] = [];

  issue(path: string, message: string): undefined {
    this.issues.push({ path: path === '' ? '(root)' : path, message });
    return undefined;
  }

  object(value: unknown, path: string): Json | undefined {
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Json;
    return this.issue(path, 'expected an object');
  }

  /** Flags keys outside `allowed`, so that a misspelt optional field is not silently ignored. */
  only(obj: Json, path: string, allowed: readonly string[]): void {
    for (const u of unknownFields(obj, allowed)) this.issue(key(path, u.key), u.message);
  }

  text(obj: Json, name: string, path: string, pattern?: RegExp): string | undefined {
    const value = obj[name];
    const at = key(path, name);
    if (typeof value !== 'string' || value.trim() === '') {
      return this.issue(at, 'expected a non-empty string');
    }
    if (pattern && !pattern.test(value))
      return this.issue(at, `expected a string matching ${pattern}`);
    return value;
  }

  integer(obj: Json, name: string, path: string, min: number, max: number): number | undefined {
    const value = obj[name];
    if (typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max) {
      return value;
    }
    const range = max === Number.MAX_SAFE_INTEGER ? `≥ ${min}` : `in [${min}, ${max}]`;
    return this.issue(key(path, name), `expected a whole number ${range}`);
  }

  number(obj: Json, name: string, path: string): number | undefined {
    const value = obj[name];
    if (typeof value === 'number' && Number.isFinite(value)) return value;
    return this.issue(key(path, name), 'expected a number');
  }

  /** An object whose fields are all numbers, exactly `names`. */
  numbers<K extends string>(
    value: unknown,
    path: string,
    names: readonly K[],
  ): Record<K, number> | undefined {
    const o = this.object(value, path);
    if (!o) return undefined;
    this.only(o, path, names);
    const out = {} as Record<K, number>;
    let complete = true;
    for (const n of names) {
      const v = this.number(o, n, path);
      if (v === undefined) complete = false;
      else out[n] = v;
    }
    return complete ? out : undefined;
  }

  choice<T extends string>(
    obj: Json,
    name: string,
    path: string,
    values: readonly T[],
  ): T | undefined {
    return this.member(obj[name], key(path, name), values);
  }

  member<T extends string>(value: unknown, path: string, values: readonly T[]): T | undefined {
    if (typeof value === 'string' && (values as readonly string[]).includes(value)) {
      return value as T;
    }
    return this.issue(path, `expected one of ${values.join(', ')}`);
  }

  list<T>(
    obj: Json,
    name: string,
    path: string,
    item: (value: unknown, path: string) => T | undefined,
    nonEmpty = false,
  ): T[] | undefined {
    const value = obj[name];
    const at = key(path, name);
    if (!Array.isArray(value)) return this.issue(at, 'expected an array');
    if (nonEmpty && value.length === 0) return this.issue(at, 'expected at least one entry');
    const out: T[] = [];
    let complete = true;
    value.forEach((entry, i) => {
      const read = item(entry, key(at, i));
      if (read === undefined) complete = false;
      else out.push(read);
    });
    return complete ? out : undefined;
  }

  /** A list of strings, each from `values` (when given) and none repeated. */
  strings<T extends string = string>(
    obj: Json,
    name: string,
    path: string,
    options: {
      nonEmpty?: boolean;
      values?: readonly T[];
      check?: (s: string) => string | undefined;
    },
  ): T[] | undefined {
    const seen = new Set<string>();
    return this.list(
      obj,
      name,
      path,
      (value, at) => {
        if (typeof value !== 'string' || value.trim() === '') {
          return this.issue(at, 'expected a non-empty string');
        }
        if (options.values) {
          if (this.member(value, at, options.values) === undefined) return undefined;
        }
        const problem = options.check?.(value);
        if (problem !== undefined) return this.issue(at, problem);
        if (seen.has(value)) return this.issue(at, `"${value}" is listed twice`);
        seen.add(value);
        return value as T;
      },
      options.nonEmpty,
    );
  }

  /**
   * Flags entries of the array `obj[name]` whose `id` repeats an earlier entry's. Reads the
   * raw entries, so duplicates are reported even when other entries have problems.
   */
  uniqueIds(obj: Json, name: string, what: string): void {
    const entries = obj[name];
    if (!Array.isArray(entries)) return;
    const first = new Map<string, number>();
    entries.forEach((entry: unknown, i) => {
      const id = (entry as Json | null)?.id;
      if (typeof id !== 'string') return;
      const earlier = first.get(id);
      if (earlier === undefined) first.set(id, i);
      else
        this.issue(
          `${name}[${i}].id`,
          `duplicate ${what} id "${id}" (first at ${name}[${earlier}])`,
        );
    });
  }
}

/** `id`, `version`, `title` and `changelog`, shared by both files. */
function header(
  r: ContentReader,
  root: Json,
): { id: string; version: number; title: string; changelog: Changelog } | undefined {
  const id = r.text(root, 'id', '', ID);
  const version = r.integer(root, 'version', '', 1, Number.MAX_SAFE_INTEGER);
  const title = r.text(root, 'title', '');
  const changelog = r.list(
    root,
    'changelog',
    '',
    (value, path) => {
      const entry = r.object(value, path);
      if (!entry) return undefined;
      r.only(entry, path, ['version', 'date', 'note']);
      const v = r.integer(entry, 'version', path, 1, Number.MAX_SAFE_INTEGER);
      const date = r.text(entry, 'date', path, DATE);
      const note = r.text(entry, 'note', path);
      if (date !== undefined && !isCalendarDate(date)) {
        return r.issue(key(path, 'date'), 'expected a real calendar date');
      }
      return v === undefined || date === undefined || note === undefined
        ? undefined
        : { version: v, date, note };
    },
    true,
  );
  if (changelog && version !== undefined) {
    if (!changelog.some((e) => e.version === version)) {
      r.issue('changelog', `expected an entry for version ${version}`);
    }
    changelog.forEach((e, i) => {
      if (e.version > version) {
        r.issue(
          key(key('changelog', i), 'version'),
          `expected at most the file's version ${version}`,
        );
      }
    });
  }
  if (id === undefined || version === undefined || title === undefined || !changelog)
    return undefined;
  return { id, version, title, changelog };
}

/** Whether `YYYY-MM-DD` names a day that exists (not 2025-02-30). */
function isCalendarDate(date: string): boolean {
  const day = new Date(`${date}T00:00:00Z`);
  return !Number.isNaN(day.getTime()) && day.toISOString().slice(0, 10) === date;
}

function measure(
  r: ContentReader,
  value: unknown,
  path: string,
  refs: ToolkitRefs,
): Measure | undefined {
  const m = r.object(value, path);
  if (!m) return undefined;
  r.only(m, path, [
    'id',
    'title',
    'agenda',
    'area',
    'summary',
    'answers',
    'fits',
    'aim',
    'backfires',
    'deliveredBy',
    'timeToEffect',
    'pitfalls',
    'tensions',
    'sideEffects',
    'cases',
  ]);
  const id = r.text(m, 'id', path, ID);
  const aim = m.aim === undefined ? undefined : r.choice(m, 'aim', path, MEASURE_AIMS);
  const title = r.text(m, 'title', path);
  const agenda = r.choice(m, 'agenda', path, AGENDAS);
  const area = r.choice(m, 'area', path, MEASURE_AREAS);
  if (agenda && area && AGENDA_OF_AREA[area] !== agenda) {
    r.issue(
      key(path, 'area'),
      `area "${area}" belongs to the ${AGENDA_OF_AREA[area]} agenda, not ${agenda}`,
    );
  }
  const summary = r.text(m, 'summary', path);
  const answers = answersOf(r, m.answers, key(path, 'answers'), refs);
  const fits = fitsOf(r, m.fits, key(path, 'fits'));
  const backfires = r.strings(m, 'backfires', path, { nonEmpty: true });
  const deliveredBy = r.strings(m, 'deliveredBy', path, { nonEmpty: true, values: ACTOR_KINDS });
  const timeToEffect = r.choice(m, 'timeToEffect', path, TIMES_TO_EFFECT);
  const pitfalls = r.strings(m, 'pitfalls', path, { values: PITFALL_IDS });
  const tensions = r.list(m, 'tensions', path, (v, p) => tension(r, v, p));
  const sideEffects = r.strings(m, 'sideEffects', path, {});
  const caseIds = refs.caseIds;
  const cases = r.strings(m, 'cases', path, {
    check: (c) => {
      if (!ID.test(c)) return `expected a case id matching ${ID}`;
      return caseIds && !caseIds.has(c)
        ? `unknown case "${c}" (not in the lessons library)`
        : undefined;
    },
  });
  if (
    id === undefined ||
    title === undefined ||
    agenda === undefined ||
    area === undefined ||
    summary === undefined ||
    !answers ||
    !fits ||
    !backfires ||
    !deliveredBy ||
    timeToEffect === undefined ||
    !pitfalls ||
    !tensions ||
    !sideEffects ||
    !cases ||
    (m.aim !== undefined && aim === undefined)
  ) {
    return undefined;
  }
  return {
    id,
    title,
    agenda,
    area,
    summary,
    answers,
    fits,
    ...(aim ? { aim } : {}),
    backfires,
    deliveredBy,
    timeToEffect,
    pitfalls,
    tensions,
    sideEffects,
    cases,
  };
}

function answersOf(
  r: ContentReader,
  value: unknown,
  path: string,
  refs: ToolkitRefs,
): Measure['answers'] | undefined {
  const a = r.object(value, path);
  if (!a) return undefined;
  r.only(a, path, ['factors', 'indicators']);
  const factors = r.strings(a, 'factors', path, {
    check: (f) =>
      refs.factors.has(f)
        ? undefined
        : `unknown factor "${f}" (expected FRAMEWORK:FACTOR of a framework)`,
  });
  const indicators = r.strings(a, 'indicators', path, {
    check: (i) =>
      refs.indicators.has(i)
        ? undefined
        : `unknown indicator "${i}" (expected an escalation rules indicator id)`,
  });
  if (!factors || !indicators) return undefined;
  if (factors.length + indicators.length === 0) {
    return r.issue(path, 'expected at least one factor or indicator the measure answers');
  }
  return { factors, indicators };
}

function fitsOf(r: ContentReader, value: unknown, path: string): Measure['fits'] | undefined {
  const f = r.object(value, path);
  if (!f) return undefined;
  r.only(f, path, ['situations', 'stages', 'note']);
  const situations = r.strings(f, 'situations', path, { nonEmpty: true, values: SITUATION_KINDS });
  const stages = r.strings<PlanStage>(f, 'stages', path, { values: PLAN_STAGES });
  const note = r.text(f, 'note', path);
  if (!situations || !stages || note === undefined) return undefined;
  return { situations, stages, note };
}

function tension(r: ContentReader, value: unknown, path: string): Tension | undefined {
  const t = r.object(value, path);
  if (!t) return undefined;
  r.only(t, path, ['measure', 'note']);
  const measureId = r.text(t, 'measure', path, ID);
  const note = r.text(t, 'note', path);
  return measureId === undefined || note === undefined ? undefined : { measure: measureId, note };
}

/**
 * Tensions name another measure of the file, each at most once (checked once every measure
 * reads correctly, since the ids of broken ones are unknown).
 */
function checkTensions(r: ContentReader, measures: readonly Measure[]): void {
  const ids = new Set(measures.map((m) => m.id));
  measures.forEach((m, i) => {
    const named = new Set<string>();
    m.tensions.forEach((t, j) => {
      const at = `measures[${i}].tensions[${j}].measure`;
      if (t.measure === m.id) r.issue(at, 'a measure cannot be in tension with itself');
      else if (!ids.has(t.measure)) r.issue(at, `unknown measure "${t.measure}"`);
      else if (named.has(t.measure)) r.issue(at, `"${t.measure}" is listed twice`);
      named.add(t.measure);
    });
  });
}

function lessonCase(
  r: ContentReader,
  value: unknown,
  path: string,
  refs: LessonsRefs,
): LessonCase | undefined {
  const c = r.object(value, path);
  if (!c) return undefined;
  r.only(c, path, [
    'id',
    'title',
    'countryId',
    'fromYear',
    'toYear',
    'situation',
    'stages',
    'summary',
    'actions',
    'outcome',
    'lessons',
    'verdict',
    'sources',
  ]);
  const id = r.text(c, 'id', path, ID);
  const title = r.text(c, 'title', path);
  let countryId = r.text(c, 'countryId', path);
  if (countryId !== undefined && !refs.countries.has(countryId)) {
    countryId = r.issue(
      key(path, 'countryId'),
      `unknown country "${countryId}" (expected a registry id)`,
    );
  }
  const fromYear = r.integer(c, 'fromYear', path, CASE_YEARS.min, CASE_YEARS.max);
  let toYear = r.integer(c, 'toYear', path, CASE_YEARS.min, CASE_YEARS.max);
  if (fromYear !== undefined && toYear !== undefined && toYear < fromYear) {
    toYear = r.issue(key(path, 'toYear'), `expected a year ≥ fromYear (${fromYear})`);
  }
  const situation = r.choice(c, 'situation', path, SITUATION_KINDS);
  const stages =
    c.stages === undefined
      ? undefined
      : r.strings<PlanStage>(c, 'stages', path, { nonEmpty: true, values: PLAN_STAGES });
  const summary = r.text(c, 'summary', path);
  const actions = r.list(c, 'actions', path, (v, p) => action(r, v, p, refs.measures), true);
  const outcome = r.text(c, 'outcome', path);
  const lessons = r.strings(c, 'lessons', path, { nonEmpty: true });
  const verdict = r.choice(c, 'verdict', path, VERDICTS);
  const sources = r.list(c, 'sources', path, (v, p) => source(r, v, p), true);
  if (
    id === undefined ||
    title === undefined ||
    countryId === undefined ||
    fromYear === undefined ||
    toYear === undefined ||
    situation === undefined ||
    summary === undefined ||
    !actions ||
    outcome === undefined ||
    !lessons ||
    verdict === undefined ||
    !sources ||
    (c.stages !== undefined && !stages)
  ) {
    return undefined;
  }
  return {
    id,
    title,
    countryId,
    fromYear,
    toYear,
    situation,
    ...(stages ? { stages } : {}),
    summary,
    actions,
    outcome,
    lessons,
    verdict,
    sources,
  };
}

function action(
  r: ContentReader,
  value: unknown,
  path: string,
  measures: ReadonlySet<string>,
): CaseAction | undefined {
  const a = r.object(value, path);
  if (!a) return undefined;
  r.only(a, path, ['measure', 'by', 'what', 'verdict']);
  const verdict = a.verdict === undefined ? undefined : r.choice(a, 'verdict', path, VERDICTS);
  let measureId = r.text(a, 'measure', path);
  if (measureId !== undefined && !measures.has(measureId)) {
    measureId = r.issue(
      key(path, 'measure'),
      `unknown measure "${measureId}" (not in the toolkit)`,
    );
  }
  const by = r.text(a, 'by', path);
  const what = r.text(a, 'what', path);
  if (
    measureId === undefined ||
    by === undefined ||
    what === undefined ||
    (a.verdict !== undefined && verdict === undefined)
  )
    return undefined;
  return { measure: measureId, by, what, ...(verdict ? { verdict } : {}) };
}

function source(r: ContentReader, value: unknown, path: string): CaseSource | undefined {
  const s = r.object(value, path);
  if (!s) return undefined;
  r.only(s, path, ['title', 'citation', 'url']);
  const title = r.text(s, 'title', path);
  const citation = r.text(s, 'citation', path);
  const url = s.url === undefined ? undefined : r.text(s, 'url', path, URL_PATTERN);
  if (title === undefined || citation === undefined || (s.url !== undefined && url === undefined)) {
    return undefined;
  }
  return url === undefined ? { title, citation } : { title, citation, url };
}

const LESSON_WEIGHTS = [
  'helped',
  'mixed',
  'failed',
  'sameCountry',
  'sameSituation',
  'sameStage',
  'other',
  'max',
] as const;

function rankingOf(r: ContentReader, value: unknown, path: string): RankingWeights | undefined {
  const o = r.object(value, path);
  if (!o) return undefined;
  r.only(o, path, ['situation', 'stage', 'agenda', 'lessons', 'risks', 'size']);
  const situation = r.numbers(o.situation, key(path, 'situation'), [
    'primary',
    'holds',
    'other',
  ] as const);
  const stage = r.numbers(o.stage, key(path, 'stage'), ['fits', 'other'] as const);
  const lessons = r.numbers(o.lessons, key(path, 'lessons'), LESSON_WEIGHTS);
  const risks = r.numbers(o.risks, key(path, 'risks'), [
    'perSeverity',
    'perFactor',
    'indicator',
    'redFlag',
    'max',
  ] as const);
  const size = r.numbers(o.size, key(path, 'size'), RANKING_MODES);
  const agendaObj = r.object(o.agenda, key(path, 'agenda'));
  let agenda: RankingWeights['agenda'] | undefined;
  if (agendaObj) {
    r.only(agendaObj, key(path, 'agenda'), RANKING_MODES);
    const out = {} as RankingWeights['agenda'];
    let complete = true;
    for (const mode of RANKING_MODES) {
      const at = key(key(path, 'agenda'), mode);
      const perMode = r.object(agendaObj[mode], at);
      if (!perMode) {
        complete = false;
        continue;
      }
      r.only(perMode, at, AGENDAS);
      const weights = {} as Record<Agenda, number | null>;
      for (const a of AGENDAS) {
        const v = perMode[a];
        if (v === null || (typeof v === 'number' && Number.isFinite(v))) weights[a] = v;
        else {
          r.issue(key(at, a), 'expected a number, or null (not proposed in this mode)');
          complete = false;
        }
      }
      out[mode] = weights;
    }
    if (complete) agenda = out;
  }
  if (!situation || !stage || !lessons || !risks || !size || !agenda) return undefined;
  return { situation, stage, agenda, lessons, risks, size };
}

/** The tests a pitfall condition may name, each with the parameters it needs. */
const PITFALL_TESTS: Readonly<Record<string, readonly (keyof PitfallTest)[]>> = {
  imminent: [],
  'tier-and-stage': ['tiers', 'stages'],
  'episode-under-way': [],
  'one-sided-attacks': ['share', 'events'],
  'one-sided-episodes': [],
  situation: ['situations'],
  stage: ['stages'],
  'armed-perpetrators-in-war': [],
  indicator: ['indicators'],
  'series-below': ['series', 'value'],
  'series-at-least': ['series', 'value'],
  'group-share': ['value'],
  'factor-at-least': ['factor', 'value'],
  'state-attacks': [],
  'deaths-rising-with': ['measures'],
  tension: [],
};

const OPTIONAL_PARAMS: Readonly<Record<string, readonly (keyof PitfallTest)[]>> = {
  'episode-under-way': ['stateLed'],
};

const SERIES = [
  'battleDeaths',
  'ethnicWar',
  'revolutionaryWar',
  'terror',
  'liberalDemocracy',
  'freeExpression',
  'adverseRegimeChange',
  'coups',
  'excludedShare',
  'discriminatedShare',
] as const;

function pitfallRule(
  r: ContentReader,
  value: unknown,
  path: string,
  refs: ToolkitRefs,
  measures: readonly Measure[] | undefined,
): PitfallRuleSpec | undefined {
  const o = r.object(value, path);
  if (!o) return undefined;
  r.only(o, path, ['id', 'title', 'warning', 'penalty', 'when', 'cases']);
  const id = r.choice(o, 'id', path, PITFALL_IDS);
  const title = r.text(o, 'title', path);
  const warning = r.text(o, 'warning', path);
  const penalty = r.number(o, 'penalty', path);
  const measureIds = measures ? new Set(measures.map((m) => m.id)) : undefined;
  const when = r.list(o, 'when', path, (v, p) => pitfallTest(r, v, p, refs, measureIds), true);
  const caseIds = refs.caseIds;
  const cases = r.strings(o, 'cases', path, {
    check: (c) =>
      caseIds && !caseIds.has(c) ? `unknown case "${c}" (not in the lessons library)` : undefined,
  });
  if (
    id === undefined ||
    title === undefined ||
    warning === undefined ||
    penalty === undefined ||
    !when ||
    !cases
  )
    return undefined;
  return { id, title, warning, penalty, when, cases };
}

function pitfallTest(
  r: ContentReader,
  value: unknown,
  path: string,
  refs: ToolkitRefs,
  measureIds: ReadonlySet<string> | undefined,
): PitfallTest | undefined {
  const o = r.object(value, path);
  if (!o) return undefined;
  const test = r.choice(o, 'test', path, Object.keys(PITFALL_TESTS));
  if (test === undefined) return undefined;
  const needed = PITFALL_TESTS[test]!;
  r.only(o, path, ['test', ...needed, ...(OPTIONAL_PARAMS[test] ?? [])]);
  const out: PitfallTest = { test };
  let complete = true;
  const keep = <K extends keyof PitfallTest>(k: K, v: PitfallTest[K] | undefined) => {
    if (v === undefined) complete = false;
    else out[k] = v;
  };
  for (const k of needed) {
    if (k === 'tiers')
      keep(
        k,
        r.strings(o, k, path, { nonEmpty: true, values: ['low', 'moderate', 'high', 'extreme'] }),
      );
    else if (k === 'stages')
      keep(k, r.strings<PlanStage>(o, k, path, { nonEmpty: true, values: PLAN_STAGES }));
    else if (k === 'situations')
      keep(k, r.strings(o, k, path, { nonEmpty: true, values: SITUATION_KINDS }));
    else if (k === 'indicators')
      keep(
        k,
        r.strings(o, k, path, {
          nonEmpty: true,
          check: (i) => (refs.indicators.has(i) ? undefined : `unknown indicator "${i}"`),
        }),
      );
    else if (k === 'measures')
      keep(
        k,
        r.strings(o, k, path, {
          nonEmpty: true,
          check: (m) => (measureIds && !measureIds.has(m) ? `unknown measure "${m}"` : undefined),
        }),
      );
    else if (k === 'series') keep(k, r.choice(o, k, path, SERIES));
    else if (k === 'factor') {
      const f = r.text(o, k, path);
      keep(
        k,
        f !== undefined && !refs.factors.has(f)
          ? r.issue(key(path, k), `unknown factor "${f}"`)
          : f,
      );
    } else if (k === 'value' || k === 'share' || k === 'events') keep(k, r.number(o, k, path));
  }
  if (o.stateLed !== undefined) {
    if (typeof o.stateLed === 'boolean') out.stateLed = o.stateLed;
    else {
      r.issue(key(path, 'stateLed'), 'expected true or false');
      complete = false;
    }
  }
  return complete ? out : undefined;
}

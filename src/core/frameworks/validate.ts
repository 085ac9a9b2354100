import type {
  Aggregation,
  Anchor,
  ChangelogEntry,
  Carry,
  Factor,
  Framework,
  Group,
  Indicator,
  ScoreFloor,
  SeverityMapping,
  TierCutPoints,
  Transform,
} from './types.js';
import { unknownFields } from '../validation.js';
import { MAX_SEVERITY, TIERS } from './types.js';

/** One problem in a framework file: where (`groups[2].factors[1].weight`) and what. */
export interface FrameworkIssue {
  path: string;
  message: string;
}

/** The result of validation: the typed framework, or every problem found. */
export type FrameworkValidation =
  { ok: true; framework: Framework } | { ok: false; issues: FrameworkIssue[] };

/** What the validator checks against besides the schema. */
export interface ValidateOptions {
  /**
   * Variable names the store knows (`vdem:v2xcl_rol`, …). When given, an indicator naming
   * any other variable is rejected; when absent, variable names are only checked for form.
   */
  knownVariables?: ReadonlySet<string>;
}

type Json = Record<string, unknown>;

const ID = /^[a-z0-9][a-z0-9-]*$/;
const VARIABLE = /^[a-z0-9-]+:\S+$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Checks a parsed framework file against the schema of `types.ts` and its rules: unique ids,
 * weights in (0, 10], known variables, ordered tier cut-points, severity thresholds ordered
 * in the direction of worsening, derived factors without cycles. Pure; collects every issue
 * rather than stopping at the first.
 */
export function validateFramework(
  input: unknown,
  options: ValidateOptions = {},
): FrameworkValidation {
  const issues: FrameworkIssue[] = [];
  const fail = (path: string, message: string): undefined => {
    issues.push({ path, message });
    return undefined;
  };
  const ctx: Ctx = { fail, known: options.knownVariables };

  if (!isObject(input)) {
    return { ok: false, issues: [{ path: '(root)', message: 'expected a JSON object' }] };
  }
  onlyKeys(ctx, input, '', [
    'id',
    'version',
    'title',
    'description',
    'basis',
    'changelog',
    'aggregation',
    'tiers',
    'minCoverage',
    'floors',
    'carry',
    'groups',
  ]);
  const id = str(ctx, input, 'id', '', ID);
  const version = posInt(ctx, input, 'version', '');
  const title = str(ctx, input, 'title', '');
  const description = str(ctx, input, 'description', '');
  const basis = str(ctx, input, 'basis', '');
  const changelog = arr(ctx, input, 'changelog', '', (v, p) => changelogEntry(ctx, v, p), true);
  const aggregation = agg(ctx, input.aggregation, 'aggregation');
  const tiers = tierCutPoints(ctx, input.tiers, 'tiers');
  let minCoverage: number | undefined;
  if (input.minCoverage !== undefined) {
    const v = input.minCoverage;
    if (typeof v !== 'number' || !(v >= 0 && v <= 1))
      fail('minCoverage', 'expected a number in [0, 1]');
    else minCoverage = v;
  }
  const groups = arr(ctx, input, 'groups', '', (v, p) => group(ctx, v, p), true);
  if (changelog && version !== undefined && !changelog.some((c) => c.version === version)) {
    fail('changelog', `expected an entry for version ${version}`);
  }

  if (groups) checkIds(ctx, groups);
  let floors: ScoreFloor[] | undefined;
  if (input.floors !== undefined) {
    floors = arr(ctx, input, 'floors', '', (v, p) => scoreFloor(ctx, v, p, groups ?? []), false);
  }

  const carry = input.carry === undefined ? undefined : carryOf(ctx, input.carry, 'carry');

  if (issues.length > 0) return { ok: false, issues };
  const framework: Framework = {
    id: id!,
    version: version!,
    title: title!,
    description: description!,
    basis: basis!,
    changelog: changelog!,
    aggregation: aggregation!,
    tiers: tiers!,
    groups: groups!,
  };
  if (minCoverage !== undefined) framework.minCoverage = minCoverage;
  if (floors !== undefined) framework.floors = floors;
  if (carry !== undefined) framework.carry = carry;
  return { ok: true, framework };
}

/** The issues as lines `path: message`, for users. */
export function formatIssues(issues: readonly FrameworkIssue[]): string {
  return issues.map((i) => `${i.path}: ${i.message}`).join('\n');
}

interface Ctx {
  fail: (path: string, message: string) => undefined;
  known?: ReadonlySet<string>;
}

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function at(base: string, key: string | number): string {
  if (typeof key === 'number') return `${base}[${key}]`;
  return base ? `${base}.${key}` : key;
}

/** Reports every key of `obj` not in `allowed`, at its path (see `core/validation.ts`). */
function onlyKeys(ctx: Ctx, obj: Json, base: string, allowed: readonly string[]): void {
  for (const u of unknownFields(obj, allowed)) ctx.fail(at(base, u.key), u.message);
}

function str(ctx: Ctx, obj: Json, key: string, base: string, pattern?: RegExp): string | undefined {
  const v = obj[key];
  const path = at(base, key);
  if (typeof v !== 'string' || v.trim() === '')
    return ctx.fail(path, 'expected a non-empty string');
  if (pattern && !pattern.test(v)) return ctx.fail(path, `expected a string matching ${pattern}`);
  return v;
}

function posInt(ctx: Ctx, obj: Json, key: string, base: string): number | undefined {
  const v = obj[key];
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) {
    return ctx.fail(at(base, key), 'expected a positive integer');
  }
  return v;
}

function num(ctx: Ctx, v: unknown, path: string): number | undefined {
  if (typeof v !== 'number' || !Number.isFinite(v)) return ctx.fail(path, 'expected a number');
  return v;
}

function weight(ctx: Ctx, obj: Json, base: string): number | undefined {
  const v = obj.weight;
  if (typeof v !== 'number' || !(v > 0 && v <= 10)) {
    return ctx.fail(at(base, 'weight'), 'expected a number in (0, 10]');
  }
  return v;
}

function arr<T>(
  ctx: Ctx,
  obj: Json,
  key: string,
  base: string,
  item: (v: unknown, path: string) => T | undefined,
  nonEmpty: boolean,
): T[] | undefined {
  const v = obj[key];
  const path = at(base, key);
  if (!Array.isArray(v)) return ctx.fail(path, 'expected an array');
  if (nonEmpty && v.length === 0) return ctx.fail(path, 'expected at least one entry');
  const out: T[] = [];
  let bad = false;
  v.forEach((x, i) => {
    const r = item(x, at(path, i));
    if (r === undefined) bad = true;
    else out.push(r);
  });
  return bad ? undefined : out;
}

function changelogEntry(ctx: Ctx, v: unknown, path: string): ChangelogEntry | undefined {
  if (!isObject(v)) return ctx.fail(path, 'expected an object');
  onlyKeys(ctx, v, path, ['version', 'date', 'changes']);
  const version = posInt(ctx, v, 'version', path);
  const date = str(ctx, v, 'date', path, DATE);
  const changes = str(ctx, v, 'changes', path);
  if (version === undefined || date === undefined || changes === undefined) return undefined;
  return { version, date, changes };
}

function agg(ctx: Ctx, v: unknown, path: string): Aggregation | undefined {
  if (!isObject(v)) return ctx.fail(path, 'expected an object {"method": …}');
  onlyKeys(ctx, v, path, v.method === 'power-mean' ? ['method', 'p'] : ['method']);
  switch (v.method) {
    case 'mean':
    case 'max':
    case 'min':
    case 'first':
      return { method: v.method };
    case 'power-mean': {
      const p = v.p;
      if (typeof p !== 'number' || !(p >= 1 && p <= 16)) {
        return ctx.fail(at(path, 'p'), 'expected a number in [1, 16]');
      }
      return { method: 'power-mean', p };
    }
    default:
      return ctx.fail(at(path, 'method'), 'expected one of mean, max, min, first, power-mean');
  }
}

function tierCutPoints(ctx: Ctx, v: unknown, path: string): TierCutPoints | undefined {
  if (!isObject(v)) return ctx.fail(path, `expected an object with keys ${TIERS.join(', ')}`);
  const out: Partial<TierCutPoints> = {};
  let bad = false;
  for (const tier of TIERS) {
    const x = v[tier];
    if (x === undefined) {
      ctx.fail(at(path, tier), 'missing cut-point');
      bad = true;
    } else if (typeof x !== 'number' || !(x >= 0 && x <= MAX_SEVERITY)) {
      ctx.fail(at(path, tier), `expected a number in [0, ${MAX_SEVERITY}]`);
      bad = true;
    } else out[tier] = x;
  }
  for (const key of Object.keys(v)) {
    if (!(TIERS as readonly string[]).includes(key)) {
      ctx.fail(at(path, key), `unknown tier (expected ${TIERS.join(', ')})`);
      bad = true;
    }
  }
  if (bad) return undefined;
  const cuts = out as TierCutPoints;
  if (cuts.negligible !== 0) return ctx.fail(at(path, 'negligible'), 'expected 0');
  for (let i = 1; i < TIERS.length; i++) {
    const upper = TIERS[i - 1]!;
    const lower = TIERS[i]!;
    if (!(cuts[upper] > cuts[lower])) {
      return ctx.fail(
        at(path, upper),
        `expected a cut-point above ${lower} (${cuts[lower]}): tiers must be strictly decreasing`,
      );
    }
  }
  return cuts;
}

function group(ctx: Ctx, v: unknown, path: string): Group | undefined {
  if (!isObject(v)) return ctx.fail(path, 'expected an object');
  onlyKeys(ctx, v, path, ['id', 'title', 'weight', 'aggregation', 'factors']);
  const id = str(ctx, v, 'id', path, ID);
  const title = str(ctx, v, 'title', path);
  const w = weight(ctx, v, path);
  const aggregation = agg(ctx, v.aggregation, at(path, 'aggregation'));
  const factors = arr(ctx, v, 'factors', path, (x, p) => factor(ctx, x, p), true);
  if (!id || !title || w === undefined || !aggregation || !factors) return undefined;
  return { id, title, weight: w, aggregation, factors };
}

function factor(ctx: Ctx, v: unknown, path: string): Factor | undefined {
  if (!isObject(v)) return ctx.fail(path, 'expected an object');
  onlyKeys(ctx, v, path, [
    'id',
    'title',
    'description',
    'weight',
    'aggregation',
    'indicators',
    'derivedFrom',
    'analystInput',
  ]);
  const id = str(ctx, v, 'id', path, ID);
  const title = str(ctx, v, 'title', path);
  const description = str(ctx, v, 'description', path);
  const w = weight(ctx, v, path);
  const aggregation =
    v.aggregation === undefined ? undefined : agg(ctx, v.aggregation, at(path, 'aggregation'));
  const badAggregation = v.aggregation !== undefined && aggregation === undefined;
  const indicators = arr(ctx, v, 'indicators', path, (x, p) => indicator(ctx, x, p), false);
  let analystInput: boolean | undefined;
  if (v.analystInput !== undefined) {
    if (typeof v.analystInput !== 'boolean')
      ctx.fail(at(path, 'analystInput'), 'expected true or false');
    else analystInput = v.analystInput;
  }
  let derivedFrom: string[] | undefined;
  if (v.derivedFrom !== undefined) {
    const d = v.derivedFrom;
    if (!Array.isArray(d) || d.length === 0 || !d.every((x) => typeof x === 'string')) {
      ctx.fail(at(path, 'derivedFrom'), 'expected a non-empty array of factor ids');
    } else derivedFrom = d as string[];
  }
  if (indicators) {
    const sources = [indicators.length > 0, derivedFrom !== undefined, analystInput === true];
    const count = sources.filter(Boolean).length;
    if (count !== 1) {
      ctx.fail(
        path,
        'expected exactly one of: indicators (non-empty), derivedFrom, analystInput: true',
      );
      return undefined;
    }
  }
  if (!id || !title || !description || w === undefined || badAggregation || !indicators) {
    return undefined;
  }
  const out: Factor = { id, title, description, weight: w, indicators };
  if (aggregation) out.aggregation = aggregation;
  if (derivedFrom) out.derivedFrom = derivedFrom;
  if (analystInput !== undefined) out.analystInput = analystInput;
  return out;
}

function indicator(ctx: Ctx, v: unknown, path: string): Indicator | undefined {
  if (!isObject(v)) return ctx.fail(path, 'expected an object');
  onlyKeys(ctx, v, path, [
    'id',
    'title',
    'variables',
    'transform',
    'severity',
    'weight',
    'combine',
    'absentIsZero',
    'note',
    'carry',
  ]);
  const id = str(ctx, v, 'id', path, ID);
  const title = str(ctx, v, 'title', path);
  const w = weight(ctx, v, path);
  const transform = transformOf(ctx, v.transform, at(path, 'transform'));
  const severity = severityOf(ctx, v.severity, at(path, 'severity'));
  const variables = arr(
    ctx,
    v,
    'variables',
    path,
    (x, p) => {
      if (typeof x !== 'string' || !VARIABLE.test(x)) {
        return ctx.fail(p, 'expected a variable name "<source>:<column>"');
      }
      if (ctx.known && !ctx.known.has(x)) return ctx.fail(p, `unknown variable "${x}"`);
      return x;
    },
    false,
  );
  if (variables && transform) {
    if (transform.kind === 'episodes' && variables.length > 0) {
      ctx.fail(at(path, 'variables'), 'expected [] for an episodes transform');
      return undefined;
    }
    if (transform.kind !== 'episodes' && variables.length === 0) {
      ctx.fail(at(path, 'variables'), 'expected at least one variable');
      return undefined;
    }
  }
  let combine: 'max' | 'mean' | 'first' | undefined;
  if (v.combine !== undefined) {
    if (v.combine !== 'max' && v.combine !== 'mean' && v.combine !== 'first') {
      ctx.fail(at(path, 'combine'), 'expected "max", "mean" or "first"');
      return undefined;
    }
    combine = v.combine;
  }
  if (v.absentIsZero !== undefined && typeof v.absentIsZero !== 'boolean') {
    ctx.fail(at(path, 'absentIsZero'), 'expected true or false');
    return undefined;
  }
  if (v.note !== undefined && typeof v.note !== 'string') {
    ctx.fail(at(path, 'note'), 'expected a string');
    return undefined;
  }
  const carry = v.carry === undefined ? undefined : carryOf(ctx, v.carry, at(path, 'carry'));
  if (v.carry !== undefined && !carry) return undefined;
  if (carry && transform?.kind === 'episodes') {
    ctx.fail(at(path, 'carry'), 'not used by an episodes transform');
    return undefined;
  }
  if (!id || !title || w === undefined || !transform || !severity || !variables) return undefined;
  const out: Indicator = { id, title, variables, transform, severity, weight: w };
  if (carry) out.carry = carry;
  if (combine) out.combine = combine;
  if (v.absentIsZero === true) out.absentIsZero = true;
  if (typeof v.note === 'string') out.note = v.note;
  return out;
}

/** `{"years": 1–20, "weight": (0, 1]}`: how long and at what weight a reading is carried. */
function carryOf(ctx: Ctx, v: unknown, path: string): Carry | undefined {
  if (!isObject(v)) return ctx.fail(path, 'expected an object {"years": …, "weight": …}');
  onlyKeys(ctx, v, path, ['years', 'weight']);
  const y = years(ctx, v, 'years', path, 20);
  const w = v.weight;
  if (typeof w !== 'number' || !(w > 0 && w <= 1)) {
    return ctx.fail(at(path, 'weight'), 'expected a number in (0, 1]');
  }
  return y === undefined ? undefined : { years: y, weight: w };
}

function years(ctx: Ctx, obj: Json, key: string, path: string, max = 100): number | undefined {
  const v = obj[key];
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > max) {
    return ctx.fail(at(path, key), `expected an integer number of years in [1, ${max}]`);
  }
  return v;
}

function transformOf(ctx: Ctx, v: unknown, path: string): Transform | undefined {
  if (!isObject(v)) return ctx.fail(path, 'expected an object {"kind": …}');
  const fields: Record<string, readonly string[]> = {
    latest: ['kind', 'maxAgeYears', 'anchor'],
    window: ['kind', 'stat', 'years', 'anchor'],
    change: ['kind', 'years', 'maxAgeYears', 'anchor'],
    // `anchor` has its own message for an episodes transform, below.
    episodes: ['kind', 'role', 'years', 'stateLedOnly', 'anchor'],
  };
  const allowed = typeof v.kind === 'string' ? fields[v.kind] : undefined;
  if (allowed) onlyKeys(ctx, v, path, allowed);
  let anchor: Anchor | undefined;
  if (v.anchor !== undefined) {
    if (v.kind === 'episodes') {
      return ctx.fail(at(path, 'anchor'), 'not used by an episodes transform');
    }
    if (v.anchor !== 'as-of' && v.anchor !== 'published') {
      return ctx.fail(at(path, 'anchor'), 'expected "as-of" or "published"');
    }
    anchor = v.anchor;
  }
  const anchored = <T extends Transform>(t: T): T => (anchor ? { ...t, anchor } : t);
  switch (v.kind) {
    case 'latest': {
      const maxAgeYears = years(ctx, v, 'maxAgeYears', path);
      return maxAgeYears === undefined ? undefined : anchored({ kind: 'latest', maxAgeYears });
    }
    case 'window': {
      const y = years(ctx, v, 'years', path);
      const stat = v.stat;
      if (stat !== 'max' && stat !== 'min' && stat !== 'mean' && stat !== 'sum') {
        return ctx.fail(at(path, 'stat'), 'expected one of max, min, mean, sum');
      }
      return y === undefined ? undefined : anchored({ kind: 'window', stat, years: y });
    }
    case 'change': {
      const y = years(ctx, v, 'years', path);
      const maxAgeYears = years(ctx, v, 'maxAgeYears', path);
      if (y === undefined || maxAgeYears === undefined) return undefined;
      return anchored({ kind: 'change', years: y, maxAgeYears });
    }
    case 'episodes': {
      const y = years(ctx, v, 'years', path, 200);
      const role = v.role;
      if (role !== 'location' && role !== 'responsible') {
        return ctx.fail(at(path, 'role'), 'expected "location" or "responsible"');
      }
      if (v.stateLedOnly !== undefined && typeof v.stateLedOnly !== 'boolean') {
        return ctx.fail(at(path, 'stateLedOnly'), 'expected true or false');
      }
      if (y === undefined) return undefined;
      const out: Transform = { kind: 'episodes', role, years: y };
      if (v.stateLedOnly === true) out.stateLedOnly = true;
      return out;
    }
    default:
      return ctx.fail(at(path, 'kind'), 'expected one of latest, window, change, episodes');
  }
}

function severityOf(ctx: Ctx, v: unknown, path: string): SeverityMapping | undefined {
  if (!isObject(v)) return ctx.fail(path, 'expected an object {"kind": …}');
  if (v.kind === 'linear' || v.kind === 'thresholds') {
    onlyKeys(
      ctx,
      v,
      path,
      v.kind === 'linear' ? ['kind', 'best', 'worst'] : ['kind', 'direction', 'thresholds'],
    );
  }
  if (v.kind === 'linear') {
    const best = num(ctx, v.best, at(path, 'best'));
    const worst = num(ctx, v.worst, at(path, 'worst'));
    if (best === undefined || worst === undefined) return undefined;
    if (best === worst) return ctx.fail(at(path, 'worst'), 'expected a value different from best');
    return { kind: 'linear', best, worst };
  }
  if (v.kind !== 'thresholds')
    return ctx.fail(at(path, 'kind'), 'expected "thresholds" or "linear"');
  const direction = v.direction;
  if (direction !== 'higher-is-worse' && direction !== 'lower-is-worse') {
    return ctx.fail(at(path, 'direction'), 'expected "higher-is-worse" or "lower-is-worse"');
  }
  const t = v.thresholds;
  if (
    !Array.isArray(t) ||
    t.length !== MAX_SEVERITY ||
    !t.every((x) => typeof x === 'number' && Number.isFinite(x))
  ) {
    return ctx.fail(at(path, 'thresholds'), `expected ${MAX_SEVERITY} numbers`);
  }
  const xs = t as number[];
  for (let i = 1; i < xs.length; i++) {
    const ordered = direction === 'higher-is-worse' ? xs[i]! > xs[i - 1]! : xs[i]! < xs[i - 1]!;
    if (!ordered) {
      return ctx.fail(
        at(at(path, 'thresholds'), i),
        direction === 'higher-is-worse'
          ? 'expected thresholds strictly increasing (higher-is-worse)'
          : 'expected thresholds strictly decreasing (lower-is-worse)',
      );
    }
  }
  return { kind: 'thresholds', direction, thresholds: [xs[0]!, xs[1]!, xs[2]!, xs[3]!] };
}

/** Unique group, factor and indicator ids; derived factors name existing factors, no cycles. */
function scoreFloor(ctx: Ctx, v: unknown, path: string, groups: Group[]): ScoreFloor | undefined {
  if (!isObject(v)) return ctx.fail(path, 'expected an object');
  onlyKeys(ctx, v, path, ['factor', 'indicator', 'atLeast', 'score', 'reason']);
  const factors = new Set(groups.flatMap((g) => g.factors.map((f) => f.id)));
  const indicators = new Set(
    groups.flatMap((g) => g.factors.flatMap((f) => f.indicators.map((i) => i.id))),
  );
  const hasFactor = v.factor !== undefined;
  const hasIndicator = v.indicator !== undefined;
  if (hasFactor === hasIndicator) {
    return ctx.fail(path, 'expected exactly one of "factor" or "indicator"');
  }
  const key = hasFactor ? 'factor' : 'indicator';
  const id = str(ctx, v, key, path, ID);
  if (id !== undefined && !(hasFactor ? factors : indicators).has(id)) {
    ctx.fail(at(path, key), `unknown ${key} "${id}"`);
  }
  const atLeast = v.atLeast;
  if (typeof atLeast !== 'number' || !(atLeast >= 0 && atLeast <= MAX_SEVERITY)) {
    ctx.fail(at(path, 'atLeast'), `expected a severity in [0, ${MAX_SEVERITY}]`);
  }
  const score = v.score;
  if (typeof score !== 'number' || !(score > 0 && score < MAX_SEVERITY)) {
    ctx.fail(at(path, 'score'), `expected a number in (0, ${MAX_SEVERITY})`);
  }
  const reason = str(ctx, v, 'reason', path);
  if (id === undefined || reason === undefined) return undefined;
  if (typeof atLeast !== 'number' || typeof score !== 'number') return undefined;
  const trigger = hasFactor ? { factor: id } : { indicator: id };
  return { ...trigger, atLeast, score, reason };
}

function checkIds(ctx: Ctx, groups: Group[]): void {
  const groupIds = new Set<string>();
  const factorPaths = new Map<string, string>();
  groups.forEach((g, gi) => {
    if (groupIds.has(g.id)) ctx.fail(`groups[${gi}].id`, `duplicate group id "${g.id}"`);
    groupIds.add(g.id);
    g.factors.forEach((f, fi) => {
      const path = `groups[${gi}].factors[${fi}]`;
      if (factorPaths.has(f.id)) ctx.fail(`${path}.id`, `duplicate factor id "${f.id}"`);
      else factorPaths.set(f.id, path);
      const indicatorIds = new Set<string>();
      f.indicators.forEach((ind, ii) => {
        if (indicatorIds.has(ind.id)) {
          ctx.fail(`${path}.indicators[${ii}].id`, `duplicate indicator id "${ind.id}"`);
        }
        indicatorIds.add(ind.id);
      });
    });
  });
  const deps = new Map<string, string[]>();
  for (const g of groups)
    for (const f of g.factors) if (f.derivedFrom) deps.set(f.id, f.derivedFrom);
  for (const [id, from] of deps) {
    from.forEach((dep, i) => {
      if (!factorPaths.has(dep)) {
        ctx.fail(`${factorPaths.get(id)}.derivedFrom[${i}]`, `unknown factor "${dep}"`);
      }
    });
  }
  const cycle = findCycle(deps);
  if (cycle) {
    ctx.fail(
      `${factorPaths.get(cycle[0]!)}.derivedFrom`,
      `cycle in derived factors: ${cycle.join(' -> ')}`,
    );
  }
}

/** A cycle in the dependency graph as its ids (first repeated at the end), or undefined. */
function findCycle(deps: ReadonlyMap<string, readonly string[]>): string[] | undefined {
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (id: string): string[] | undefined => {
    const s = state.get(id);
    if (s === 'done') return undefined;
    if (s === 'open') return [...stack.slice(stack.indexOf(id)), id];
    state.set(id, 'open');
    stack.push(id);
    for (const dep of deps.get(id) ?? []) {
      const found = visit(dep);
      if (found) return found;
    }
    stack.pop();
    state.set(id, 'done');
    return undefined;
  };
  for (const id of [...deps.keys()].sort()) {
    const found = visit(id);
    if (found) return found;
  }
  return undefined;
}

/** The order in which factors can be computed: every derived factor after its dependencies. */
export function factorOrder(framework: Framework): Factor[] {
  const byId = new Map<string, Factor>();
  for (const g of framework.groups) for (const f of g.factors) byId.set(f.id, f);
  const out: Factor[] = [];
  const seen = new Set<string>();
  const visit = (f: Factor): void => {
    if (seen.has(f.id)) return;
    seen.add(f.id);
    for (const dep of f.derivedFrom ?? []) {
      const d = byId.get(dep);
      if (d) visit(d);
    }
    out.push(f);
  };
  for (const f of byId.values()) visit(f);
  return out;
}

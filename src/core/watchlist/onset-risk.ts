import type { Stage } from '../escalation/rules.js';
import { STAGES } from '../escalation/rules.js';
import { auc } from '../stats/metrics.js';
import { unknownFields } from '../validation.js';

/**
 * How the watch list combines what the lens knows of a country into one risk that a new
 * mass killing begins: the structural score without its floor, the statistical forecast and
 * the escalation status. Data (`content/watchlist/`), versioned like the frameworks.
 *
 * Each part is first read as log-odds of an onset within the forecast's horizon:
 * - structural: `intercept + slope × scoreWithoutFloor` (score in [0, 4]);
 * - forecast: the log-odds of its probability.
 * The onset risk's log-odds are the weighted mean of the parts that have a value (a missing
 * forecast leaves the structural part alone, never a 0), plus the escalation stage's
 * log-odds and, when atrocities look imminent, `imminent`.
 */
export interface OnsetRiskModel {
  id: string;
  version: number;
  title: string;
  description: string;
  changelog: { version: number; date: string; changes: string }[];
  /** Framework id (newest version) or `ID@VERSION` whose score without floor is read. */
  framework: string;
  structural: { intercept: number; slope: number; weight: number };
  forecast: {
    /** Model specification id. */
    spec: string;
    weight: number;
    /**
     * Months after the end of an origin year before its predictors are public: the origin of
     * an as-of date is the last year public by then.
     */
    publicationLagMonths: number;
    /** Years an origin may lag the as-of date's before the forecast counts as missing. */
    maxAgeYears: number;
  };
  /** Log-odds added per escalation stage (`none` is 0) and when imminent. */
  escalation: { stages: Record<Exclude<Stage, 'none'>, number>; imminent: number };
}

/** What the model reads of one country. Nulls: that part is missing. */
export interface OnsetInputs {
  scoreWithoutFloor: number | null;
  /** Probability in [0, 1] of an onset within the forecast's horizon. */
  forecast: number | null;
  stage: Stage | null;
  imminent: boolean;
}

/** The parts' log-odds and the onset risk in [0, 1]; null when neither part has a value. */
export interface OnsetRisk {
  risk: number | null;
  structural: number | null;
  forecast: number | null;
  escalation: number;
}

/** Log-odds of a probability, kept finite. */
export function logit(p: number): number {
  const q = Math.min(1 - 1e-6, Math.max(1e-6, p));
  return Math.log(q / (1 - q));
}

/** The onset risk of one country under the model. Pure. */
export function onsetRisk(model: OnsetRiskModel, x: OnsetInputs): OnsetRisk {
  const structural =
    x.scoreWithoutFloor === null
      ? null
      : model.structural.intercept + model.structural.slope * x.scoreWithoutFloor;
  const forecast = x.forecast === null ? null : logit(x.forecast);
  let num = 0;
  let den = 0;
  if (structural !== null) {
    num += model.structural.weight * structural;
    den += model.structural.weight;
  }
  if (forecast !== null) {
    num += model.forecast.weight * forecast;
    den += model.forecast.weight;
  }
  const escalation =
    (x.stage && x.stage !== 'none' ? model.escalation.stages[x.stage] : 0) +
    (x.imminent ? model.escalation.imminent : 0);
  if (den === 0) return { risk: null, structural, forecast, escalation };
  const eta = num / den + escalation;
  return { risk: 1 / (1 + Math.exp(-eta)), structural, forecast, escalation };
}

/**
 * Ranks 1, 2, … by descending risk (ties by `name`) among the entries with a risk; the
 * others get null.
 */
export function rankByRisk<T extends { risk: number | null; name: string }>(
  rows: readonly T[],
): Map<T, number> {
  const ranked = rows
    .filter((r) => r.risk !== null)
    .sort((a, b) => b.risk! - a.risk! || a.name.localeCompare(b.name));
  return new Map(ranked.map((r, i) => [r, i + 1]));
}

/** One country in an onset backtest: its score (null: unscored, ranked last) and outcome. */
export interface OnsetCase {
  name: string;
  score: number | null;
  onset: boolean;
}

/** AUC and top-k shares of a ranking of onsets. */
export interface OnsetMetrics {
  countries: number;
  onsets: number;
  /** AUC in [0, 1] (ties half; unscored countries tie at the bottom); null without both classes. */
  auc: number | null;
  /** Share of onset countries ranked in the top k, in [0, 1]; null without onsets. */
  top10: number | null;
  top20: number | null;
  top30: number | null;
}

/** Metrics of a ranking: AUC over every case, top-k shares by rank (ties broken by name). */
export function onsetMetrics(cases: readonly OnsetCase[]): OnsetMetrics {
  // Unscored countries tie below every scored one.
  const floor = Math.min(0, ...cases.map((c) => c.score ?? 0)) - 1;
  const scores = cases.map((c) => c.score ?? floor);
  const outcome = cases.map((c) => (c.onset ? 1 : 0));
  const a = auc(scores, outcome);
  const ranked = [...cases].sort(
    (x, y) => (y.score ?? -Infinity) - (x.score ?? -Infinity) || x.name.localeCompare(y.name),
  );
  const onsets = cases.filter((c) => c.onset).length;
  const top = (k: number) =>
    onsets === 0
      ? null
      : ranked.slice(0, k).filter((c) => c.onset && c.score !== null).length / onsets;
  return {
    countries: cases.length,
    onsets,
    auc: Number.isNaN(a) ? null : a,
    top10: top(10),
    top20: top(20),
    top30: top(30),
  };
}

const MODEL_FIELDS = [
  'id',
  'version',
  'title',
  'description',
  'changelog',
  'framework',
  'structural',
  'forecast',
  'escalation',
];

/**
 * Checks a parsed onset-risk model file; returns the model or every problem found, each as
 * `path: message`.
 */
export function validateOnsetRiskModel(
  input: unknown,
): { ok: true; model: OnsetRiskModel } | { ok: false; issues: string[] } {
  const issues: string[] = [];
  const isObj = (v: unknown): v is Record<string, unknown> =>
    typeof v === 'object' && v !== null && !Array.isArray(v);
  if (!isObj(input)) return { ok: false, issues: ['(root): expected a JSON object'] };
  const only = (obj: Record<string, unknown>, path: string, allowed: readonly string[]) => {
    for (const u of unknownFields(obj, allowed)) issues.push(`${path}${u.key}: ${u.message}`);
  };
  const text = (obj: Record<string, unknown>, key: string, path: string) => {
    if (typeof obj[key] !== 'string' || obj[key] === '')
      issues.push(`${path}${key}: expected a non-empty string`);
  };
  const number = (obj: Record<string, unknown>, key: string, path: string, min = -Infinity) => {
    const v = obj[key];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < min)
      issues.push(`${path}${key}: expected a number${min > -Infinity ? ` ≥ ${min}` : ''}`);
  };
  const part = (key: string, fields: readonly string[]) => {
    const v = input[key];
    if (!isObj(v)) {
      issues.push(`${key}: expected an object`);
      return undefined;
    }
    only(v, `${key}.`, fields);
    return v;
  };
  only(input, '', MODEL_FIELDS);
  for (const k of ['id', 'title', 'description', 'framework']) text(input, k, '');
  if (!Number.isInteger(input.version) || (input.version as number) < 1)
    issues.push('version: expected a positive integer');
  if (
    !Array.isArray(input.changelog) ||
    !input.changelog.some((c) => isObj(c) && c.version === input.version)
  )
    issues.push(`changelog: expected a list with an entry for version ${String(input.version)}`);
  const s = part('structural', ['intercept', 'slope', 'weight']);
  if (s) {
    number(s, 'intercept', 'structural.');
    number(s, 'slope', 'structural.');
    number(s, 'weight', 'structural.', 0);
  }
  const f = part('forecast', ['spec', 'weight', 'publicationLagMonths', 'maxAgeYears']);
  if (f) {
    text(f, 'spec', 'forecast.');
    number(f, 'weight', 'forecast.', 0);
    number(f, 'publicationLagMonths', 'forecast.', 0);
    number(f, 'maxAgeYears', 'forecast.', 0);
  }
  const e = part('escalation', ['stages', 'imminent']);
  if (e) {
    number(e, 'imminent', 'escalation.');
    const st = e.stages;
    const names = STAGES.filter((x) => x !== 'none');
    if (!isObj(st)) issues.push('escalation.stages: expected an object');
    else {
      only(st, 'escalation.stages.', names);
      for (const n of names) number(st, n, 'escalation.stages.');
    }
  }
  if (issues.length > 0) return { ok: false, issues };
  return { ok: true, model: input as unknown as OnsetRiskModel };
}

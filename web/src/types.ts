/**
 * The shapes of the API's answers that the dashboard reads (a subset of each: fields it
 * does not show are left out). Scores and severities are on the 0–4 scale; probabilities in
 * [0, 1]; dates `YYYY-MM-DD`; timestamps ISO 8601.
 */
import type { Tier } from './palette.js';

/** A country as the API lists it, with its current (or last) COW and ISO alpha-3 codes. */
export interface CountryItem {
  id: string;
  name: string;
  from?: number | null;
  to?: number | null;
  cow?: number | null;
  iso3?: string | null;
}

/** How a report names a country. */
export interface CountryRef {
  id: string;
  name: string;
  cow?: number;
  iso3?: string;
}

/** One value behind a factor's severity. */
export interface Evidence {
  indicator: string;
  variable: string;
  value: number;
  year: number;
  source: string;
  release?: string;
  severity: number;
  note?: string;
}

/** An analyst's judgement on a factor. */
export interface Override {
  id?: number;
  countryId: string;
  factorId: string;
  severity: number;
  reason: string;
  source: string;
  by: string;
  at: string;
  effectiveFrom?: string;
  withdrawnAt?: string | null;
}

/** One factor of an assessment. */
export interface FactorAssessment {
  id: string;
  title: string;
  group: string;
  kind: string;
  severity: number | null;
  computedSeverity: number | null;
  override?: Override;
  overrideApplied: boolean;
  evidence: Evidence[];
  indicators: { id: string; title: string; severity: number | null; missing?: string }[];
}

/** How an assessment moved since a year earlier. */
export interface Change {
  direction: 'deteriorated' | 'improved' | 'unchanged' | 'unknown';
  previousAsOf: string;
  previousScore: number | null;
  previousTier: Tier | null;
  delta: number | null;
  factors: { id: string; from: number | null; to: number | null }[];
}

/** One country's structural assessment. */
export interface Assessment {
  country: CountryRef;
  asOf: string;
  score: number | null;
  tier: Tier | null;
  coverage: number;
  groups: { id: string; title: string; score: number | null }[];
  factors: FactorAssessment[];
  missing: { factor: string; indicator?: string; reason: string }[];
  drivers: { factor: string; title: string; severity: number }[];
  /** Present when a reading severe on its own (an atrocity under way) lifted the score. */
  floor?: { reason: string; score: number; unliftedScore: number };
  change?: Change;
}

/** The answer of `GET /assessments`. */
export interface AssessReport {
  framework: { id: string; version: number; title: string };
  asOf: string;
  assessments: Assessment[];
}

/** One row of a forecast list. */
export interface ForecastRow {
  origin: number;
  countryId: string;
  ccode: number | null;
  name: string;
  risk: number;
  /** The 80 % interval of the risk (null where it could not be computed). */
  low?: number | null;
  high?: number | null;
  rank: number;
  top?: boolean;
}

/** The answer of `GET /forecasts`. */
export interface ForecastReport {
  spec: string;
  origin: number;
  horizonYears: number;
  topN: number;
  /** Coverage of each forecast's interval (0.8). */
  intervalLevel?: number;
  trainedTo?: number;
  forecasts: ForecastRow[];
}

/** A framework as listed. */
export interface FrameworkSummary {
  id: string;
  version: number;
  title: string;
}

/** One fired indicator of an escalation status. */
export interface IndicatorStatus {
  id: string;
  title: string;
  stage: string;
  redFlag: boolean;
  from: string;
  to: string;
  events: number;
  deaths?: number;
  evidence: string[];
  sharing: string;
}

/** A country's place on the path of escalation. */
export interface CountryStatus {
  countryId: string;
  asOf: string;
  stage: 'none' | 'crisis' | 'mobilisation' | 'violence';
  imminent: boolean;
  tier: Tier | null;
  redFlags: string[];
  indicators: IndicatorStatus[];
  sharing: string;
}

/** One checkpoint of an escalation timeline. */
export interface TimelineEntry {
  date: string;
  stage: CountryStatus['stage'];
  imminent: boolean;
  tier: Tier | null;
  redFlags: string[];
  indicators: string[];
  events: number;
  sharing: string;
}

/** An event of the escalation monitor. */
export interface LensEvent {
  key?: string;
  id?: number | string;
  source: string;
  category: string;
  date: { start: string; end: string; precision: string };
  place?: { name?: string; admin1?: string; latitude?: number; longitude?: number };
  deaths?: { best: number; low?: number; high?: number };
  civilianTargeted?: boolean;
  sharing: string;
  notes?: string;
}

/** An alert. */
export interface Alert {
  id: number;
  kind: string;
  countryId: string;
  stage: string;
  indicator: string | null;
  title: string;
  asOf: string;
  evidence: string[];
  sharing: string;
  raisedAt: string;
  occurrences: number;
  acknowledgedAt: string | null;
  acknowledgedBy: string | null;
  resolvedAt: string | null;
  resolvedBy: string | null;
}

/** One tier's row of a backtest. */
export interface BacktestTier {
  tier: Tier;
  atrocities: number;
  total: number;
  share: number | null;
  countries: { countryId: string; name: string; atrocity: boolean; score: number }[];
}

/** A backtest of one framework. */
export interface BacktestResult {
  framework: string;
  frameworkVersion: number;
  asOf: string;
  window: { from: number; to: number };
  outcome: string;
  tiers: BacktestTier[];
  misses: { countryId: string; name: string; tier: Tier; score: number; episodes: string[] }[];
  auc: number | null;
  topTwoRecall: number | null;
  topTwoSize: number;
  topTwoShare: number | null;
  countries: number;
  atrocityCountries: number;
}

/** Counts of mass-killing episodes of one decade of onset. */
export interface DecadeCount {
  decade: number;
  total: number;
  war: number;
  peace: number;
  unknown: number;
  stateLed: number;
  nonState: number;
}

/** The answer of `GET /episodes`. */
export interface EpisodesReport {
  rule: string;
  decades: DecadeCount[];
  episodes: {
    code: string;
    name: string;
    startYear: number;
    endYear: number | null;
    stateLed: boolean;
    context: string;
    locationCountryIds: string[];
  }[];
}

/** The signed-in user, as `GET /me` answers. */
export interface Me {
  username?: string;
  organisationId?: string;
  user?: { id?: string | number; username?: string; email?: string; name?: string } | null;
  email?: string;
  name?: string;
  organisation?: { id: string; name: string } | string | null;
  /** The user's organisations; `active`: the one the session acts for. */
  organisations?: (
    { id: string; name: string; kind?: string; role?: string; active?: boolean } | string
  )[];
  role?: string;
  clearance?: string;
  /** The scopes of the API token used; absent for a session. */
  scopes?: string[];
  /** The writes the role allows at all (`handle-alert`, `work-case`, …); absent on older servers. */
  actions?: string[];
}

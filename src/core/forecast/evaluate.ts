import { InputError } from '../errors.js';
import { auc, averagePrecision, brierScore, calibrationByDecile } from '../stats/metrics.js';

/** One line of a forecasts CSV: origin year, COW code, name, probability in [0, 1], rank. */
export interface ForecastLine {
  origin: number;
  ccode: number;
  name: string;
  risk: number;
  rank: number;
}

/**
 * Parses a forecasts CSV (`origin,ccode,name,risk,rank`, other columns ignored, quoted
 * names allowed). Errors name the file, line and column.
 */
export function parseForecastCsv(text: string, file: string): ForecastLine[] {
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  const header = splitCsvLine(lines[0] ?? '').map((h) => h.trim());
  const need = ['origin', 'ccode', 'risk'];
  const index = Object.fromEntries(
    ['origin', 'ccode', 'name', 'risk', 'rank'].map((c) => [c, header.indexOf(c)]),
  );
  for (const c of need) {
    if (index[c] === -1)
      throw new InputError(`missing column "${c}"`, {
        file,
        line: 1,
        expected: 'a header with origin, ccode, name, risk, rank',
      });
  }
  const out: ForecastLine[] = [];
  const seen = new Set<string>();
  for (let k = 1; k < lines.length; k++) {
    const line = lines[k]!;
    if (line.trim() === '') continue;
    const cells = splitCsvLine(line);
    const num = (c: string, integer: boolean) => {
      const raw = (cells[index[c]!] ?? '').trim();
      const v = Number(raw);
      if (raw === '' || !Number.isFinite(v) || (integer && !Number.isInteger(v))) {
        throw new InputError(`invalid value "${raw}"`, {
          file,
          line: k + 1,
          column: c,
          expected: integer ? 'a whole number' : 'a number',
        });
      }
      return v;
    };
    const risk = num('risk', false);
    if (risk < 0 || risk > 1)
      throw new InputError(`risk ${risk} is not a probability`, {
        file,
        line: k + 1,
        column: 'risk',
        expected: 'a number in [0, 1]',
      });
    const row = {
      origin: num('origin', true),
      ccode: num('ccode', true),
      name: index.name! >= 0 ? (cells[index.name!] ?? '') : '',
      risk,
      rank: index.rank! >= 0 ? num('rank', true) : 0,
    };
    const key = `${row.origin}|${row.ccode}`;
    if (seen.has(key))
      throw new InputError(`a second forecast for ccode ${row.ccode} at origin ${row.origin}`, {
        file,
        line: k + 1,
        expected: 'one forecast per country and origin',
      });
    seen.add(key);
    out.push(row);
  }
  return out;
}

function splitCsvLine(line: string): string[] {
  const cells: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      cells.push(cur);
      cur = '';
    } else cur += ch;
  }
  cells.push(cur);
  return cells;
}

/** Onsets known per country: `onset(countryId, year)` is true/false, or undefined when not coded. */
export type OnsetLookup = (countryId: string, year: number) => boolean | undefined;

/** The scores of one system on the common country-years. */
export interface SystemEvaluation {
  file: string;
  /** AUC of the one-year-ahead score against onset that year, in [0, 1]. */
  auc: number | null;
  averagePrecision: number | null;
  /** Share of onsets whose country ranked within the top k of its year (k = 10, 20, 30). */
  topShare: Record<number, number | null>;
  /** Brier score of the two-year forecasts against the two-year outcome. */
  brier: number | null;
  calibration: { decile: number; count: number; meanPredicted: number; observed: number }[];
  /**
   * Expected calibration error of the two-year outcome: the mean over forecasts of
   * |mean risk − observed share| of their decile (0: calibrated); null without forecasts.
   */
  ece: number | null;
}

/** Forecasts of several systems evaluated on exactly the same country-years. */
export interface EvaluationReport {
  from: number;
  to: number;
  countryYears: number;
  onsets: number;
  twoYearForecasts: number;
  systems: SystemEvaluation[];
}

/**
 * Evaluates forecast sets on outcome years `from`..`to`. For each outcome year y the score of
 * a country is the larger of its forecasts from origins y−1 and y−2 and the label is an onset
 * in y; only country-years that every set scores (and whose onset is coded) count. Brier
 * score and calibration use each forecast of origin t against an onset in t+1 or t+2, for
 * origins whose two years lie in the period.
 */
export function evaluateForecasts(
  sets: { file: string; rows: readonly ForecastLine[] }[],
  toCountry: (ccode: number, year: number) => string | undefined,
  onset: OnsetLookup,
  period: { from: number; to: number },
): EvaluationReport {
  const byKey = sets.map((s) => {
    const m = new Map<string, number>();
    for (const r of s.rows) {
      const id = toCountry(r.ccode, r.origin);
      if (id) m.set(`${id}|${r.origin}`, r.risk);
    }
    return m;
  });
  const countryIds = new Set<string>();
  for (const m of byKey) for (const k of m.keys()) countryIds.add(k.split('|')[0]!);
  // One-year scores on the common country-years.
  const common: { countryId: string; year: number; label: boolean; scores: number[] }[] = [];
  for (let y = period.from; y <= period.to; y++) {
    for (const id of countryIds) {
      const label = onset(id, y);
      if (label === undefined) continue;
      const scores = byKey.map((m) => {
        const a = m.get(`${id}|${y - 1}`);
        const b = m.get(`${id}|${y - 2}`);
        return a === undefined ? b : b === undefined ? a : Math.max(a, b);
      });
      if (scores.some((s) => s === undefined)) continue;
      common.push({ countryId: id, year: y, label, scores: scores as number[] });
    }
  }
  // Two-year forecasts on the common country-origins.
  const two: { label: boolean; risks: number[] }[] = [];
  for (let t = period.from - 1; t + 2 <= period.to; t++) {
    for (const id of countryIds) {
      const o1 = onset(id, t + 1);
      const o2 = onset(id, t + 2);
      if (o1 === undefined || o2 === undefined) continue;
      const risks = byKey.map((m) => m.get(`${id}|${t}`));
      if (risks.some((r) => r === undefined)) continue;
      two.push({ label: o1 || o2, risks: risks as number[] });
    }
  }
  const labels = common.map((c) => (c.label ? 1 : 0));
  const systems = sets.map((s, k): SystemEvaluation => {
    const scores = common.map((c) => c.scores[k]!);
    const topShare: Record<number, number | null> = {};
    for (const top of [10, 20, 30]) topShare[top] = topShareOf(common, k, top);
    const risks = two.map((t) => t.risks[k]!);
    const outcome = two.map((t) => (t.label ? 1 : 0));
    return {
      file: s.file,
      auc: common.length ? auc(scores, labels) : null,
      averagePrecision: common.length ? averagePrecision(scores, labels) : null,
      topShare,
      brier: two.length ? brierScore(risks, outcome) : null,
      calibration: two.length ? calibrationByDecile(risks, outcome) : [],
      ece: two.length ? expectedCalibrationError(calibrationByDecile(risks, outcome)) : null,
    };
  });
  return {
    from: period.from,
    to: period.to,
    countryYears: common.length,
    onsets: labels.reduce((s: number, l) => s + l, 0),
    twoYearForecasts: two.length,
    systems,
  };
}

function topShareOf(
  common: readonly { year: number; label: boolean; scores: number[] }[],
  k: number,
  top: number,
): number | null {
  const years = new Map<number, { label: boolean; score: number }[]>();
  for (const c of common) {
    const list = years.get(c.year) ?? [];
    list.push({ label: c.label, score: c.scores[k]! });
    years.set(c.year, list);
  }
  let onsets = 0;
  let hits = 0;
  for (const list of years.values()) {
    const sorted = [...list].sort((a, b) => b.score - a.score);
    sorted.forEach((c, rank) => {
      if (!c.label) return;
      onsets++;
      if (rank < top) hits++;
    });
  }
  return onsets ? hits / onsets : null;
}

/** The expected calibration error of deciles: their |mean risk − observed| weighted by size. */
export function expectedCalibrationError(
  deciles: readonly { count: number; meanPredicted: number; observed: number }[],
): number {
  const total = deciles.reduce((s, d) => s + d.count, 0);
  if (total === 0) return 0;
  return deciles.reduce((s, d) => s + d.count * Math.abs(d.meanPredicted - d.observed), 0) / total;
}

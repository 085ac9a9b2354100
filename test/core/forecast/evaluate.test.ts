import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InputError } from '../../../src/core/errors.js';
import {
  evaluateForecasts,
  expectedCalibrationError,
  parseForecastCsv,
} from '../../../src/core/forecast/evaluate.js';
import type { ForecastLine } from '../../../src/core/forecast/evaluate.js';

const line = (origin: number, ccode: number, risk: number): ForecastLine => ({
  origin,
  ccode,
  name: `C${ccode}`,
  risk,
  rank: 0,
});
const toCountry = (ccode: number) => `C${ccode}`;

describe('evaluateForecasts', () => {
  it('scores outcome year y by the larger of the forecasts from y-1 and y-2, ranked within the year', () => {
    // 31 countries; from origin 2000 country k has risk (100 - k) / 100, so rank k; from 1999
    // all have 0.001 except country 25 with 0.999, which lifts it to rank 1 for 2001 and
    // moves countries 1..24 down one place. Onsets in 2001: countries 5, 15, 25 and 31.
    const rows: ForecastLine[] = [];
    for (let k = 1; k <= 31; k++) {
      rows.push(line(2000, k, (100 - k) / 100), line(1999, k, k === 25 ? 0.999 : 0.001));
    }
    const onsets = new Set(['C5', 'C15', 'C25', 'C31']);
    const report = evaluateForecasts(
      [{ file: 'a.csv', rows }],
      toCountry,
      (id, year) => (year === 2001 ? onsets.has(id) : undefined),
      { from: 2001, to: 2001 },
    );
    assert.equal(report.countryYears, 31);
    assert.equal(report.onsets, 4);
    const [a] = report.systems;
    // Ranks 6, 16, 1 and 31: within the top 10, 2 of 4; top 20 and 30, 3 of 4.
    assert.deepEqual(a!.topShare, { 10: 0.5, 20: 0.75, 30: 0.75 });
    // AUC: country 5 outscores 23 of the 27 non-onsets, 15 outscores 14, 25 all 27, 31 none.
    assert.ok(Math.abs(a!.auc! - (23 + 14 + 27 + 0) / (4 * 27)) < 1e-12);
    // Average precision: precision 1/1, 2/6, 3/16, 4/31 at the four onsets.
    assert.ok(Math.abs(a!.averagePrecision! - (1 + 2 / 6 + 3 / 16 + 4 / 31) / 4) < 1e-12);
    // No origin has both following years in the period: no two-year score.
    assert.equal(report.twoYearForecasts, 0);
    assert.equal(a!.brier, null);
  });

  it('compares systems on the country-years every one scores, with coded outcomes', () => {
    // Countries 1..4. Onsets: 1 in 2001, 3 in 2002; country 4's 2002 is not coded.
    const onset = (id: string, year: number): boolean | undefined =>
      id === 'C4' && year === 2002
        ? undefined
        : (id === 'C1' && year === 2001) || (id === 'C3' && year === 2002);
    const a: ForecastLine[] = [];
    const b: ForecastLine[] = [];
    for (let k = 1; k <= 4; k++) {
      for (const origin of [1999, 2000, 2001]) {
        a.push(line(origin, k, 0.1 * k + 0.01 * (origin - 1999)));
        // System b has no forecast for country 2 from 1999 and 2000.
        if (!(k === 2 && origin < 2001)) b.push(line(origin, k, 0.5 - 0.1 * k));
      }
    }
    const report = evaluateForecasts(
      [
        { file: 'a.csv', rows: a },
        { file: 'b.csv', rows: b },
      ],
      toCountry,
      onset,
      { from: 2001, to: 2002 },
    );
    // 2001: countries 1, 3, 4 (b cannot score 2); 2002: 1, 2 (b from 2001 only), 3 (4 not coded).
    assert.equal(report.countryYears, 6);
    assert.equal(report.onsets, 2);
    // Two-year forecasts of origin 2000 (onset in 2001 or 2002): countries 1 and 3, both
    // followed by an onset (2 has no b forecast, 4's 2002 is not coded).
    assert.equal(report.twoYearForecasts, 2);
    const [sa, sb] = report.systems;
    assert.ok(Math.abs(sa!.brier! - ((0.11 - 1) ** 2 + (0.31 - 1) ** 2) / 2) < 1e-12);
    assert.ok(Math.abs(sb!.brier! - ((0.4 - 1) ** 2 + (0.2 - 1) ** 2) / 2) < 1e-12);
    // Both forecasts were followed by an onset: every decile observes 1.
    assert.ok(Math.abs(sa!.ece! - (0.89 + 0.69) / 2) < 1e-12);
    assert.ok(Math.abs(sb!.ece! - (0.6 + 0.8) / 2) < 1e-12);
    // a: 2001 scores 0.11 (onset), 0.31, 0.41; 2002 scores 0.12, 0.22, 0.32 (onset).
    // Onset 1 outscores none of the 4 non-onsets, onset 3 outscores 0.11, 0.12, 0.22.
    assert.ok(Math.abs(sa!.auc! - 3 / 8) < 1e-12);
    // b: 2001 scores 0.4 (onset), 0.2, 0.1; 2002 scores 0.4, 0.3, 0.2 (onset). Onset 1
    // outscores 0.2, 0.1, 0.3 and ties 0.4; onset 3 outscores 0.1 and ties 0.2 (ties count half).
    assert.ok(Math.abs(sb!.auc! - (3.5 + 1.5) / 8) < 1e-12);
  });

  it('leaves out forecasts of countries it cannot match', () => {
    const report = evaluateForecasts(
      [{ file: 'a.csv', rows: [line(2000, 1, 0.2), line(2000, 99, 0.9)] }],
      (ccode) => (ccode === 99 ? undefined : `C${ccode}`),
      () => false,
      { from: 2001, to: 2001 },
    );
    assert.equal(report.countryYears, 1);
  });
});

describe('parseForecastCsv', () => {
  const fails = (text: string, where: { line?: number; column?: string }, message: RegExp) =>
    assert.throws(
      () => parseForecastCsv(text, 'f.csv'),
      (error: unknown) => {
        assert.ok(error instanceof InputError);
        assert.equal(error.file, 'f.csv');
        assert.equal(error.line, where.line);
        assert.equal(error.column, where.column);
        assert.match(error.message, message);
        return true;
      },
    );

  it('reads the contract columns, quoted names and CRLF', () => {
    const rows = parseForecastCsv(
      'origin,ccode,name,risk,rank,extra\r\n2012,490,"Congo, Democratic Republic of",0.25,1,x\r\n2012,2,"The ""US""",0.01,2,y\r\n',
      'f.csv',
    );
    assert.deepEqual(rows, [
      { origin: 2012, ccode: 490, name: 'Congo, Democratic Republic of', risk: 0.25, rank: 1 },
      { origin: 2012, ccode: 2, name: 'The "US"', risk: 0.01, rank: 2 },
    ]);
  });

  it('names the file, line and column of a problem', () => {
    fails('origin,ccode,name,rank\n2012,2,US,1\n', { line: 1 }, /f\.csv:1: missing column "risk"/);
    fails(
      'origin,ccode,name,risk,rank\n2012,2,US,0.1,1\n2012,20,Canada,high,2\n',
      { line: 3, column: 'risk' },
      /f\.csv:3: column "risk": invalid value "high" \(expected a number\)/,
    );
    fails(
      'origin,ccode,name,risk,rank\n2012.5,2,US,0.1,1\n',
      { line: 2, column: 'origin' },
      /invalid value "2012.5" \(expected a whole number\)/,
    );
    fails(
      'origin,ccode,name,risk,rank\n2012,2,US,1.5,1\n',
      { line: 2, column: 'risk' },
      /risk 1.5 is not a probability/,
    );
    fails(
      'origin,ccode,name,risk,rank\n2012,2,US,0.1,1\n2012,2,US,0.2,2\n',
      { line: 3 },
      /a second forecast for ccode 2 at origin 2012/,
    );
  });
});

describe('expected calibration error', () => {
  it('weights each decile by its forecasts', () => {
    const ece = expectedCalibrationError([
      { count: 30, meanPredicted: 0.01, observed: 0 },
      { count: 10, meanPredicted: 0.2, observed: 0.1 },
    ]);
    assert.ok(Math.abs(ece - (30 * 0.01 + 10 * 0.1) / 40) < 1e-12);
    assert.equal(expectedCalibrationError([]), 0);
  });
});

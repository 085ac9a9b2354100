import * as assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { sourceByKind } from '../../src/sources/index.js';
import { PITF_SETS, pitfVariableNames } from '../../src/sources/pitf.js';
import type { EpisodeRecord, ObservationRecord, SourceKind } from '../../src/sources/types.js';
import { UCDP_VARIABLES } from '../../src/sources/ucdp-brd.js';
import { sharedFile } from '../support/shared-data.js';
import { collect } from './helpers.js';

async function observations(kind: SourceKind, ...path: string[]): Promise<ObservationRecord[]> {
  const read = sourceByKind(kind).readObservations;
  assert.ok(read, `${kind} reads observations`);
  return collect(read(sharedFile(...path)));
}

async function episodes(...path: string[]): Promise<EpisodeRecord[]> {
  const read = sourceByKind('ewp-episodes').readEpisodes;
  assert.ok(read);
  return collect(read(sharedFile(...path)));
}

/** The record of a country-year, found by one of its keys. */
function find(
  records: readonly ObservationRecord[],
  system: string,
  code: string,
  year: number,
): ObservationRecord {
  const found = records.filter(
    (r) => r.year === year && r.keys.some((k) => k.system === system && k.code === code),
  );
  assert.equal(found.length, 1, `${system} ${code} ${year}: ${found.length} records`);
  return found[0] as ObservationRecord;
}

/** Records carry whole numbers of a year, at least one key, and finite-or-null values. */
function assertWellFormed(records: readonly ObservationRecord[]): void {
  for (const r of records) {
    assert.ok(Number.isInteger(r.year) && r.line >= 2 && r.keys.length > 0 && r.label !== '');
    for (const v of Object.values(r.values)) assert.ok(v === null || Number.isFinite(v));
  }
}

describe('EWP files', () => {
  it('prepared predictors: 7,459 country-years, every predictor and outcome as a value', async () => {
    const records = await observations(
      'ewp-predictors',
      'ewp',
      'prepared-predictors-2025.dev-to-2012.csv',
    );
    assert.equal(records.length, 7459);
    assertWellFormed(records);
    const usa = find(records, 'cow', '2', 1960);
    assert.deepEqual(usa.keys, [
      { system: 'cow', code: '2' },
      { system: 'name', code: 'United States of America' },
    ]);
    assert.equal(usa.values['popsize.log2'], 27.4287897129285);
    assert.equal(usa.values.year_sq, 3841600);
    assert.equal(usa.values.mk_onset_1or2, 0);
    assert.equal(Object.keys(usa.values).length, 42);
    assert.ok(!('year' in usa.values) && !('ccode' in usa.values) && !('ewp_name' in usa.values));
  });

  it('base data: 9,641 country-years; the unnamed index and the text columns are not values', async () => {
    const records = await observations('ewp-base', 'ewp', 'basedata-2025.dev-to-2014.csv');
    assert.equal(records.length, 9641);
    assertWellFormed(records);
    const r = records[0] as ObservationRecord;
    assert.equal(r.line, 2);
    assert.equal(r.label, 'United States of America');
    for (const column of ['', 'mk_ongoing_code', 'mk_ethnicflag', 'country', 'ewp_name']) {
      assert.ok(!(column in r.values), column);
    }
    assert.equal(r.values.independence_year, 1816);
  });

  it('episodes: the workbook and the CSV give the same 149 episodes', async () => {
    const fromXlsx = await episodes('ewp', 'mass-killing-episodes-2025.dev-to-2014.xlsx');
    const fromCsv = await episodes('ewp', 'mass-killing-episodes-2025.dev-to-2014.csv');
    assert.equal(fromXlsx.length, 149);
    // `line` is the sheet row in one and the CSV line in the other (CSV fields span lines).
    const withoutLine = ({ line: _line, ...rest }: EpisodeRecord) => rest;
    assert.deepEqual(fromXlsx.map(withoutLine), fromCsv.map(withoutLine));
    assert.deepEqual(
      fromXlsx.slice(0, 3).map((e) => e.line),
      [2, 3, 4],
    );

    const byCode = new Map(fromCsv.map((e) => [e.code, e]));
    const czech = byCode.get('csk1945s1');
    assert.deepEqual(
      { ...czech, summary: undefined },
      {
        line: 2,
        code: 'csk1945s1',
        name: 'government vs. ethnic Germans',
        summary: undefined,
        countryLabel: 'Czechoslovakia',
        startYear: 1945,
        endYear: 1946,
        stateLed: true,
        ethnicGroups: 1,
        locationCow: [315, 316, 317],
        responsibleCow: [315, 316, 317],
      },
    );
    const syria = byCode.get('syr2011s1');
    assert.equal(syria?.endYear, null);
    assert.deepEqual(syria?.locationCow, [652]);
    const afghanistan = byCode.get('afg2001ns1');
    assert.equal(afghanistan?.stateLed, false);
    assert.deepEqual(afghanistan?.responsibleCow, []);
    assert.equal(fromCsv.filter((e) => e.endYear === null).length, 20);
    assert.equal(fromCsv.filter((e) => !e.stateLed).length, 25);
  });
});

describe('raw inputs', () => {
  it('WDI extract: 17,290 rows keyed by ISO3, ISO2 (NA is Namibia) and COW', async () => {
    const records = await observations('wdi', 'inputs', 'wdi-extract.csv');
    assert.equal(records.length, 17290);
    assertWellFormed(records);
    const namibia = find(records, 'iso2', 'NA', 2020);
    assert.deepEqual(namibia.keys, [
      { system: 'iso3', code: 'NAM' },
      { system: 'iso2', code: 'NA' },
      { system: 'cow', code: '565' },
      { system: 'name', code: 'Namibia' },
    ]);
    assert.equal(namibia.values['wdi.gdppc.new'], 3787.49943973286);
    const afghanistan = find(records, 'iso3', 'AFG', 2024);
    assert.equal(afghanistan.values['wdi.trade.new'], null);
    assert.equal(afghanistan.values['wdi.popsize.new'], 42647492);
  });

  it('V-Dem: 9,170 country-years, every numeric column a value under its own name', async () => {
    const records = await observations('vdem', 'inputs', 'vdem-v14-subset.csv');
    assert.equal(records.length, 9170);
    const sweden = find(records, 'vdem', '5', 2020);
    assert.deepEqual(sweden.keys, [
      { system: 'vdem', code: '5' },
      { system: 'vdemText', code: 'SWE' },
      { system: 'name', code: 'Sweden' },
    ]);
    assert.equal(sweden.values.v2x_libdem, 0.872);
    assert.equal(sweden.values.v2clkill, 3.296);
    assert.equal(Object.keys(sweden.values).length, 293);
    const myanmar = find(records, 'vdemText', 'MMR', 1990);
    assert.equal(myanmar.values.v2x_libdem, 0.019);
  });

  it('UCDP: dyad-years aggregated to 1,132 location country-years, 3 more fought in only', async () => {
    const records = await observations('ucdp-brd', 'inputs', 'ucdp-battle-deaths-v25.1.csv');
    assert.equal(records.length, 1135);
    assertWellFormed(records);
    const v = UCDP_VARIABLES;
    // Russia–Ukraine 2022 is one dyad located "365, 369": its 91,502 deaths count in both.
    const russia = find(records, 'gw', '365', 2022);
    const ukraine = find(records, 'gw', '369', 2022);
    assert.equal(russia.values[v.bestDeaths], 91502);
    assert.equal(russia.values[v.sharedDyads], 1);
    assert.equal(russia.values[v.intrastateDeaths], 0);
    assert.equal(russia.label, 'GW 365');
    assert.deepEqual(ukraine.values, {
      [v.bestDeaths]: 91545,
      [v.lowDeaths]: 69269,
      [v.highDeaths]: 166933,
      [v.intrastateDeaths]: 43,
      [v.dyads]: 2,
      [v.conflicts]: 2,
      [v.sharedDyads]: 1,
      [v.extrasystemic]: 0,
      [v.interstate]: 1,
      [v.intrastate]: 0,
      [v.internationalized]: 1,
      [v.interstateBattle]: 1,
      [v.interstateAbroad]: 0,
    });
    assert.equal(ukraine.label, 'Ukraine');
    // Pakistan 2024: three dyads of its own plus the Afghanistan–Pakistan interstate dyad.
    const pakistan = find(records, 'gw', '770', 2024);
    assert.equal(pakistan.values[v.bestDeaths], 1665);
    assert.equal(pakistan.values[v.dyads], 4);
    assert.equal(pakistan.values[v.intrastateDeaths], 1604);
    assert.equal(pakistan.line, 144);
    // Iraq 2003: the coalition dyad located "2, 200, 645, 900".
    assert.equal(find(records, 'gw', '645', 2003).values[v.bestDeaths], 7927);
    assert.equal(find(records, 'gw', '2', 2003).values[v.bestDeaths], 7992);
    // The Iraq war was fought in Iraq (gwno_battle 645): the United States and the United
    // Kingdom took part abroad.
    assert.equal(find(records, 'gw', '645', 2003).values[v.interstateBattle], 1);
    for (const gw of ['2', '200']) {
      assert.equal(find(records, 'gw', gw, 2003).values[v.interstateBattle], 0);
      assert.equal(find(records, 'gw', gw, 2003).values[v.interstateAbroad], 1);
    }
    // A Russian missile fell in Poland in 2022 (a battle location of the Russia–Ukraine
    // dyad): Poland has no dyad of its own, so only the battle flag is set.
    const poland = find(records, 'gw', '290', 2022);
    assert.equal(poland.values[v.interstateBattle], 1);
    assert.equal(poland.values[v.bestDeaths], null);
    assert.equal(records.filter((r) => r.values[v.dyads] === null).length, 3);
  });

  it('EPR: 10,665 rows; cntr_relevance encoded R → 1, P → 0', async () => {
    const records = await observations('epr', 'inputs', 'epr-country-year.csv');
    assert.equal(records.length, 10665);
    assertWellFormed(records);
    const usa = find(records, 'gw', '2', 1946);
    assert.equal(usa.values.cntr_relevance, 1);
    assert.equal(usa.values.discrimpop, 0.124);
    assert.equal(find(records, 'gw', '41', 1946).values.cntr_relevance, 0);
    assert.equal(find(records, 'gw', '41', 1946).values.nstar, null);
  });

  it('Powell & Thyne: 12,384 G-W country-years', async () => {
    const records = await observations('coups-pt', 'inputs', 'powell-thyne-coups.csv');
    assert.equal(records.length, 12384);
    assertWellFormed(records);
    const first = records[0] as ObservationRecord;
    assert.deepEqual(first.keys, [{ system: 'gw', code: '2' }]);
    assert.equal(first.label, 'GW 2');
    assert.equal(Object.keys(first.values).length, 18);
  });

  it('coups by country-year: 776 rows, names with commas', async () => {
    const records = await observations('coups-cy', 'inputs', 'coups-country-year.csv');
    assert.equal(records.length, 776);
    assertWellFormed(records);
    assert.ok(records.some((r) => r.label.includes(', ')));
  });

  it('PTS: 10,220 rows read as Latin-1, NA codes are no key', async () => {
    const records = await observations('pts', 'inputs', 'political-terror-scale-2024.csv');
    assert.equal(records.length, 10220);
    assertWellFormed(records);
    const turkey = find(records, 'cow', '640', 1980);
    assert.equal(turkey.label, 'Türkiye');
    assert.deepEqual(turkey.keys, [
      { system: 'cow', code: '640' },
      { system: 'iso3', code: 'TUR' },
      { system: 'isoN', code: '792' },
      { system: 'name', code: 'Türkiye' },
      { system: 'name', code: 'Turkey' },
    ]);
    assert.deepEqual(turkey.values, {
      PTS_A: 4,
      PTS_H: null,
      PTS_S: 3,
      NA_Status_A: 0,
      NA_Status_H: 88,
      NA_Status_S: 0,
    });
    const serbia = records.find((r) => r.label === 'Serbia');
    assert.ok(serbia && !serbia.keys.some((k) => k.system === 'cow'));
  });

  it('Polity5: special codes kept raw, polity2 as is; state transitions keep the successor', async () => {
    const records = await observations('polity5', 'inputs', 'polity5.csv');
    // Every row; the closing rows of Ethiopia 1993, Yugoslavia 1991 and Sudan 2011 give way
    // to their successors' rows of the same year (the importer decides once resolved).
    assert.equal(records.length, 17574);
    const closing = records.filter((r) => r.yields);
    assert.ok(closing.every((r) => r.values.change === 96 || r.values.change === 98));
    for (const name of ['Ethiopia 1993', 'Sudan 2011', 'Yugoslavia 1991']) {
      assert.ok(
        closing.some((r) => `${r.label} ${r.year}` === name),
        name,
      );
    }
    assertWellFormed(records);
    const afghanistan = find(records, 'name', 'Afghanistan', 1979);
    assert.equal(afghanistan.values.polity, -66);
    assert.equal(afghanistan.values.polity2, null);
    const chile = find(records, 'name', 'Chile', 1973);
    assert.equal(chile.values.polity2, -7);
    assert.equal(find(records, 'name', 'United States', 2018).values.polity2, 8);
    const ethiopia = records.find((r) => r.label === 'Ethiopia' && r.year === 1993 && !r.yields)!;
    assert.equal(ethiopia.line, 4990);
    assert.equal(ethiopia.values.change, 97);
    const yugoslavia = records.find(
      (r) => r.label === 'Yugoslavia' && r.year === 1991 && !r.yields,
    )!;
    assert.equal(yugoslavia.line, 17312);
    assert.equal(yugoslavia.values.change, 99);
  });

  it('UN infant mortality: 17,775 rows; rows without a COW code keep their ISO3', async () => {
    const records = await observations('un-imr', 'inputs', 'un-infant-mortality.csv');
    assert.equal(records.length, 17775);
    assertWellFormed(records);
    assert.equal(find(records, 'iso3', 'BDI', 1950).values.un_imr, 162.8657);
    const aruba = find(records, 'iso3', 'ABW', 1950);
    assert.deepEqual(aruba.keys, [{ system: 'iso3', code: 'ABW' }]);
  });

  it('HIEF: exact repeats flagged to give way (8,808 rows, 8,784 country-years)', async () => {
    const records = await observations('hief', 'inputs', 'hief-ethnic-fractionalization.csv');
    assert.equal(records.length, 8808);
    assert.equal(records.filter((r) => !r.yields).length, 8784);
    assert.match(records.find((r) => r.yields)?.yields ?? '', /^repeats line \d+ word for word$/);
    assertWellFormed(records);
    const kept = records.filter((r) => !r.yields);
    assert.equal(find(kept, 'name', 'Argentina', 2000).values.EFindex, 0.129);
  });

  it('ICCPR: 10,357 rows keyed by COW and name', async () => {
    const records = await observations('iccpr', 'inputs', 'iccpr-optional-protocol.csv');
    assert.equal(records.length, 10357);
    assertWellFormed(records);
    assert.deepEqual(find(records, 'cow', '700', 1945).values, { 'ios.iccpr1': 0 });
  });
});

describe('PITF problem sets', () => {
  const files = {
    'adverse-regime-change': { set: PITF_SETS[3], countryYears: 326 },
    // 887 episode-country-years, less Sudan 2011, listed under both 625 and 626 (one state).
    'ethnic-war': { set: PITF_SETS[1], countryYears: 886 },
    genopoliticide: { set: PITF_SETS[4], countryYears: 280 },
    'revolutionary-war': { set: PITF_SETS[2], countryYears: 552 },
  } as const;
  const read: Record<string, { xls: ObservationRecord[]; csv: ObservationRecord[] }> = {};

  before(async () => {
    for (const name of Object.keys(files)) {
      read[name] = {
        xls: await observations('pitf', 'inputs', `pitf-${name}-2014.xls`),
        csv: await observations('pitf', 'inputs', `pitf-${name}-2014.csv`),
      };
    }
  });

  for (const [name, { set, countryYears }] of Object.entries(files)) {
    it(`${name}: the .xls and the .csv give the same ${countryYears} country-years`, () => {
      const { xls, csv } = read[name] ?? { xls: [], csv: [] };
      assert.equal(xls.length, countryYears);
      assertWellFormed(xls);
      const withoutLine = ({ line: _line, ...rest }: ObservationRecord) => rest;
      assert.deepEqual(xls.map(withoutLine), csv.map(withoutLine));
      for (const r of xls) assert.deepEqual(Object.keys(r.values), pitfVariableNames(set));
    });
  }

  it('two ethnic wars in one country-year are aggregated', () => {
    const records = read['ethnic-war']?.csv ?? [];
    // Central African Republic 2012: the 2005 war (AVEMAG 2.5) and the one begun in 2012 (1.5).
    assert.deepEqual(find(records, 'polity', '482', 2012), {
      line: 94,
      keys: [
        { system: 'polity', code: '482' },
        { system: 'name', code: 'Central African Republic' },
      ],
      label: 'Central African Republic',
      year: 2012,
      values: {
        ethnic_war: 1,
        ethnic_war_episodes: 2,
        ethnic_war_onset: 1,
        ethnic_war_mag: 2.5,
        ethnic_war_fight: 3,
        ethnic_war_fatal: 1,
        ethnic_war_area: 3,
      },
    });
    // Sudan 2014: two episodes, both rows without a country name.
    const sudan = find(records, 'polity', '626', 2014);
    assert.equal(sudan.label, 'SDN');
    assert.deepEqual(sudan.keys, [{ system: 'polity', code: '626' }]);
    assert.equal(sudan.values.ethnic_war_episodes, 2);
    // Myanmar 1950: every magnitude coded 9 (unknown).
    const myanmar = find(records, 'polity', '775', 1950);
    assert.equal(myanmar.values.ethnic_war_mag, null);
    assert.equal(myanmar.values.ethnic_war_fight, null);
  });
});

// The modelling table's derivation rules on small hand-made inputs: episodes coded by COW
// code per year, the reference's inheritance and targeting rules, carried values, and what is
// unknown after the episode list ends.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildModellingTable, RAW, VDEM_DERIVED } from '../../../src/core/forecast/table.js';
import type { Series, TableEpisode, TableInputs } from '../../../src/core/forecast/table.js';

/** A series with the same value in every year of `years` for each country. */
function flat(ids: string[], years: [number, number], value: number): Series {
  return new Map(
    ids.map((id) => [
      id,
      new Map(
        Array.from({ length: years[1] - years[0] + 1 }, (_, k) => [years[0] + k, value] as const),
      ),
    ]),
  );
}

const COW: Record<string, number> = { aaa: 1, bbb: 2, ccc: 3, old: 4, new: 4, isl: 5 };

function inputs(episodes: TableEpisode[], changes: Partial<TableInputs> = {}): TableInputs {
  const ids = ['aaa', 'bbb', 'ccc', 'old', 'new'];
  const series = new Map<string, Series>();
  for (const name of new Set(Object.values(RAW))) series.set(name, flat(ids, [1950, 2000], 1));
  series.set(RAW.coups!, flat(ids, [1950, 2000], 0));
  series.set(
    RAW.fractionalisation!,
    new Map([
      ['aaa', new Map([[1970, 0.5]])],
      ['bbb', new Map([[1950, 0.2]])],
    ]),
  );
  return {
    frame: [
      { countryId: 'aaa', firstYear: 1950, lastYear: 2000, independenceYear: 1900 },
      { countryId: 'bbb', firstYear: 1950, lastYear: 2000, independenceYear: 1960 },
      { countryId: 'ccc', firstYear: 1950, lastYear: 1980, independenceYear: 1900 },
      { countryId: 'old', firstYear: 1950, lastYear: 1979, independenceYear: 1900 },
      {
        countryId: 'new',
        firstYear: 1980,
        lastYear: 2000,
        independenceYear: 1900,
        continues: 'old',
      },
    ],
    series,
    episodes,
    episodesCodedTo: 1995,
    regions: { aaa: 'eur', bbb: 'afr' },
    efindexFallback: { ccc: 0.9 },
    countryOf: (cow, year) => {
      if (cow === 4) return year < 1980 ? 'old' : 'new';
      return Object.keys(COW).find((id) => COW[id] === cow && id !== 'old' && id !== 'new');
    },
    ...changes,
  };
}

function at(table: ReturnType<typeof buildModellingTable>, id: string, year: number) {
  const row = table.rows.find((r) => r.countryId === id && r.year === year);
  assert.ok(row, `row ${id} ${year}`);
  return Object.fromEntries(table.columns.map((c, j) => [c, row.values[j]!]));
}

const episode = (e: Partial<TableEpisode> & { code: string; startYear: number }): TableEpisode => ({
  endYear: null,
  ethnicGroups: 0,
  location: [],
  responsible: [],
  ...e,
});

describe('modelling table', () => {
  it('codes onsets, ongoing counts, history and outcomes from the episode list', () => {
    const table = buildModellingTable(
      inputs([
        episode({ code: 'a1', startYear: 1970, endYear: 1972, location: [1], responsible: [1] }),
        episode({ code: 'a2', startYear: 1971, endYear: 1971, location: [1], ethnicGroups: 1 }),
      ]),
      1995,
    );
    const y1968 = at(table, 'aaa', 1968);
    assert.equal(y1968.mk_onset_1or2, 1, 'onset two years later');
    assert.equal(y1968.mk_onset_1, 0);
    assert.equal(y1968.mk_onset_2, 1);
    assert.equal(y1968.mk_ever, 0);
    const y1971 = at(table, 'aaa', 1971);
    assert.equal(y1971.mk_onset, 1);
    assert.equal(y1971.mk_onset_prev_year, 1);
    assert.equal(y1971.mk_ongoing_count_log2, Math.log2(3));
    assert.equal(y1971.mean_mk_onset_interaction, 2);
    // The reference keeps the targeting flag of the episode listed last among those under way.
    assert.deepEqual([y1971.widetargeting, y1971.narrowtargeting], [0, 1]);
    const y1972 = at(table, 'aaa', 1972);
    assert.deepEqual([y1972.widetargeting, y1972.narrowtargeting], [1, 0]);
    const y1990 = at(table, 'aaa', 1990);
    assert.equal(y1990.mk_ever, 1, 'history stays');
    assert.equal(y1990.mk_ongoing_count_log2, 0);
  });

  it('codes an episode in a state outside the table to its first location inheritor', () => {
    const table = buildModellingTable(
      inputs([episode({ code: 'z', startYear: 1964, endYear: 1964, location: [5, 2] })]),
      1995,
    );
    assert.equal(at(table, 'bbb', 1964).mk_onset, 1);
    assert.equal(at(table, 'bbb', 1970).mk_ever, 1);
  });

  it('follows a COW code across a change of state and continues its onset count', () => {
    const table = buildModellingTable(
      inputs([
        episode({ code: 'o', startYear: 1975, endYear: 1985, location: [4], responsible: [4] }),
        episode({ code: 'p', startYear: 1979, endYear: 1979, location: [4] }),
      ]),
      1995,
    );
    const first = at(table, 'new', 1980);
    assert.equal(first.mk_ongoing_count_log2, 1, 'the 1975 episode is still under way');
    assert.equal(first.mean_mk_onset_interaction, 2, 'onsets of the state it continues');
    assert.equal(first.mk_onset_prev_year, 1, 'the 1979 onset of the state it continues');
    assert.equal(first.mk_ever, 1);
  });

  it('leaves outcomes unknown after the episode list and carries episodes under way', () => {
    const table = buildModellingTable(
      inputs([episode({ code: 'c', startYear: 1990, location: [3] })], {
        frame: [{ countryId: 'ccc', firstYear: 1950, lastYear: 2000, independenceYear: 1900 }],
      }),
      2000,
    );
    assert.equal(at(table, 'ccc', 1993).mk_onset_1or2, 0);
    assert.ok(Number.isNaN(at(table, 'ccc', 1994).mk_onset_1or2), 'onset of 1996 unknown');
    assert.ok(Number.isNaN(at(table, 'ccc', 1996).mk_onset));
    assert.equal(at(table, 'ccc', 2000).mk_ongoing_count_log2, 1);
    assert.equal(at(table, 'ccc', 1997).mk_onset_prev_year, 0, 'no onset known');
    assert.ok(table.notes.some((n) => n.source === 'ewp-episodes' && /1995/.test(n.message)));
  });

  it('counts an outcome window past the end of a country as no onset', () => {
    const table = buildModellingTable(inputs([]), 1995);
    assert.equal(at(table, 'ccc', 1980).mk_onset_1or2, 0);
  });

  it('carries and back-fills fractionalisation, falls back to a fixed value, derives the rest', () => {
    const table = buildModellingTable(inputs([]), 1995);
    assert.equal(at(table, 'aaa', 1960).efindex, 0.5, 'back-filled from 1970');
    assert.equal(at(table, 'bbb', 1990).efindex, 0.2, 'carried forward');
    assert.equal(at(table, 'ccc', 1970).efindex, 0.9, 'fixed fallback');
    const r = at(table, 'bbb', 1961);
    assert.equal(r.newcountry, 1);
    assert.equal(r['countryage.new.log2'], 1);
    assert.equal(at(table, 'bbb', 1963).newcountry, 0);
    assert.equal(at(table, 'aaa', 1970)['reg.eur'], 1);
    assert.equal(at(table, 'bbb', 1970)['reg.eur'], 0, 'Africa: every dummy 0');
    assert.equal(at(table, 'aaa', 1990).includesnonstate, 1);
    assert.equal(at(table, 'aaa', 1988).includesnonstate, 0);
    assert.equal(at(table, 'aaa', 1970).year_sq, 1970 * 1970);
  });

  it('codes a coup attempt within the last five years and battle deaths on a log scale', () => {
    const base = inputs([]);
    const series = new Map(base.series);
    const coups = flat(['aaa'], [1950, 2000], 0) as Map<string, Map<number, number>>;
    coups.get('aaa')!.set(1970, 1);
    series.set(RAW.coups!, coups);
    series.set(RAW.battleDeaths!, new Map([['aaa', new Map([[1990, 1023]])]]));
    const table = buildModellingTable({ ...base, series }, 1995);
    assert.equal(at(table, 'aaa', 1974)['coup.try.5yr'], 1);
    assert.equal(at(table, 'aaa', 1975)['coup.try.5yr'], 0);
    assert.equal(at(table, 'aaa', 1990)['battledeaths.log2'], 10);
    assert.equal(at(table, 'bbb', 1990)['battledeaths.log2'], 0, 'no battle: 0');
    assert.ok(Number.isNaN(at(table, 'aaa', 1991)['battledeaths.log2']), 'after the source');
    const ended = new Map(series);
    ended.set(RAW.coups!, flat(['aaa'], [1950, 1990], 0));
    const partial = buildModellingTable({ ...base, series: ended }, 1995);
    assert.ok(Number.isNaN(at(partial, 'aaa', 1991)['coup.try.5yr']), 'unknown after the source');
    assert.ok(
      partial.notes.some((n) => n.predictor === 'coup.try.5yr' && /ends in 1990/.test(n.message)),
    );
  });

  it('names the predictor and the source when a source is missing', () => {
    const base = inputs([]);
    const series = new Map(base.series);
    series.delete(RAW.coups!);
    series.delete(RAW[VDEM_DERIVED[0]]!);
    assert.throws(
      () => buildModellingTable({ ...base, series }, 1995),
      /predictor v2csgender_binary: no data of vdem-ewp:v2csgender_binary.*predictor coup\.try\.5yr: no data of coups-cy:cou\.any/,
    );
  });

  it('says which countries lack a predictor in the last year', () => {
    const base = inputs([]);
    const series = new Map(base.series);
    series.set(RAW.infantMortality!, flat(['aaa', 'bbb', 'new'], [1950, 1990], 4));
    const table = buildModellingTable({ ...base, series }, 1995);
    const note = table.notes.find((n) => n.predictor === 'un_imr_sqrt' && n.countries);
    assert.deepEqual(note?.countries, ['aaa', 'bbb', 'new']);
    assert.equal(at(table, 'aaa', 1990).un_imr_sqrt, 2);
  });
});

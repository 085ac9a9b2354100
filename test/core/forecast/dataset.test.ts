import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildPanel, panelYears } from '../../../src/core/forecast/dataset.js';
import { panelColumns } from '../../../src/core/forecast/training.js';
import { elasticNetSpec } from './fixtures.js';

describe('buildPanel', () => {
  const spec = elasticNetSpec();
  const panel = buildPanel(
    [
      { countryId: 'ZZ', year: 2001, variable: 'a', value: 1 },
      { countryId: 'AA', year: 2001, variable: 'a', value: 2 },
      { countryId: 'AA', year: 2001, variable: 'b', value: null },
      { countryId: 'AA', year: 2001, variable: 'y2', value: 1 },
      { countryId: 'AA', year: 2001, variable: 'onset', value: 0 },
      { countryId: 'AA', year: 2000, variable: 'c', value: 3 },
      { countryId: 'AA', year: 2000, variable: 'unrelated', value: 9 },
    ],
    spec,
  );

  it('has one row per country-year, sorted by year then country', () => {
    assert.equal(panel.rows, 3);
    assert.deepEqual([...panel.years], [2000, 2001, 2001]);
    assert.deepEqual(panel.countryIds, ['AA', 'AA', 'ZZ']);
    assert.deepEqual(panel.predictors, ['year', 'a', 'b', 'c']);
  });

  it('lays predictors out by column, NaN where missing or null, the year filled in', () => {
    const column = (name: string) => {
      const j = panel.predictors.indexOf(name);
      return [...panel.x.subarray(j * panel.rows, (j + 1) * panel.rows)];
    };
    assert.deepEqual(column('year'), [2000, 2001, 2001]);
    assert.deepEqual(column('a'), [NaN, 2, 1]);
    assert.deepEqual(column('b'), [NaN, NaN, NaN]);
    assert.deepEqual(column('c'), [3, NaN, NaN]);
    assert.deepEqual([...panel.y], [NaN, 1, NaN]);
    assert.deepEqual([...panel.onset], [NaN, 0, NaN]);
  });

  it('knows its years and finds columns by name', () => {
    assert.deepEqual(panelYears(panel), { first: 2000, last: 2001 });
    assert.deepEqual(panelColumns(panel, ['c', 'a']), [3, 1]);
    assert.throws(() => panelColumns(panel, ['d']), /predictor d is not in the panel/);
    assert.throws(() => panelYears(buildPanel([], spec)), /the panel is empty/);
  });
});

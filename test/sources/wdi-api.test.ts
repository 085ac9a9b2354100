import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { readWdiApi, wdiApi } from '../../src/sources/wdi-api.js';
import { wdi } from '../../src/sources/wdi.js';
import type { ObservationRecord } from '../../src/sources/types.js';
import { sharedFile } from '../support/shared-data.js';
import { collect, fixture, rejectsInput, tempFile } from './helpers.js';

describe('World Bank API v2 JSON', () => {
  it('reads one indicator into country-years keyed by ISO3, ISO2 and name', async () => {
    const records = await collect(readWdiApi(fixture('wdi-api-gdp-per-capita.json')));
    assert.equal(records.length, 8);
    const namibia = records.find((r) => r.label === 'Namibia' && r.year === 2023);
    assert.deepEqual(namibia, {
      line: 8,
      keys: [
        { system: 'iso3', code: 'NAM' },
        { system: 'iso2', code: 'NA' },
        { system: 'name', code: 'Namibia' },
      ],
      label: 'Namibia',
      year: 2023,
      values: { 'NY.GDP.PCAP.KD': 3977.97779975114 },
    });
    const afghanistan2024 = records.find((r) => r.label === 'Afghanistan' && r.year === 2024);
    assert.deepEqual(afghanistan2024?.values, { 'NY.GDP.PCAP.KD': null });
  });

  it('agrees with the CSV extract for the same cells', async () => {
    const api = await collect(readWdiApi(fixture('wdi-api-gdp-per-capita.json')));
    const extract: ObservationRecord[] = [];
    assert.ok(wdi.readObservations);
    for await (const r of wdi.readObservations(sharedFile('inputs', 'wdi-extract.csv'))) {
      if (r.year >= 2023) extract.push(r);
    }
    for (const r of api) {
      const iso3 = r.keys.find((k) => k.system === 'iso3')?.code;
      const same = extract.find(
        (e) => e.year === r.year && e.keys.some((k) => k.system === 'iso3' && k.code === iso3),
      );
      assert.equal(same?.values['wdi.gdppc.new'], r.values['NY.GDP.PCAP.KD'], `${iso3} ${r.year}`);
    }
  });

  it('merges several responses (indicators) into one record per country-year', async () => {
    const records = await collect(readWdiApi(fixture('wdi-api-two-indicators.json')));
    assert.deepEqual(
      records.map((r) => [r.label, r.year, r.values]),
      [
        ['Afghanistan', 2023, { 'NY.GDP.PCAP.KD': 378.06630312259, 'SP.POP.TOTL': 41454761 }],
        ['Namibia', 2023, { 'NY.GDP.PCAP.KD': 3977.97779975114, 'SP.POP.TOTL': 2963095 }],
      ],
    );
  });

  it('sniffs API responses, not other JSON or CSV', async () => {
    assert.ok(wdiApi.sniff);
    assert.equal(await wdiApi.sniff(fixture('wdi-api-gdp-per-capita.json')), true);
    assert.equal(await wdiApi.sniff(fixture('wdi-non-numeric.csv')), false);
    const { path, cleanup } = tempFile('other.json', '[{"id": 1, "value": 2}]');
    try {
      assert.equal(await wdiApi.sniff(path), false);
    } finally {
      cleanup();
    }
  });

  it('an API error response is reported with the API message', async () => {
    const path = fixture('wdi-api-error.json');
    await rejectsInput(() => collect(readWdiApi(path)), { file: path }, [
      'returned an error',
      'The provided parameter value is not valid',
    ]);
  });

  it('a value that is not a number names the entry and the field', async () => {
    const path = fixture('wdi-api-bad-value.json');
    await rejectsInput(() => collect(readWdiApi(path)), { file: path, column: 'value' }, [
      'entry 4',
      '"378.07 (est.)"',
      'a number or null',
    ]);
  });

  it('a truncated download is invalid JSON', async () => {
    const text = readFileSync(fixture('wdi-api-gdp-per-capita.json'), 'utf8');
    const { path, cleanup } = tempFile('cut.json', text.slice(0, text.length / 2));
    try {
      await rejectsInput(() => collect(readWdiApi(path)), { file: path }, ['not valid JSON']);
    } finally {
      cleanup();
    }
  });

  it('a first page saved alone is refused (the other pages would be lost)', async () => {
    const text = readFileSync(fixture('wdi-api-gdp-per-capita.json'), 'utf8').replace(
      '"pages": 1',
      '"pages": 3',
    );
    const { path, cleanup } = tempFile('page1.json', text);
    try {
      await rejectsInput(() => collect(readWdiApi(path)), { file: path }, [
        'NY.GDP.PCAP.KD has 3 pages but the file holds only page 1',
      ]);
    } finally {
      cleanup();
    }
  });

  it('quarterly or monthly dates are refused', async () => {
    const text = readFileSync(fixture('wdi-api-gdp-per-capita.json'), 'utf8').replace(
      '"2024"',
      '"2024Q1"',
    );
    const { path, cleanup } = tempFile('quarterly.json', text);
    try {
      await rejectsInput(() => collect(readWdiApi(path)), { file: path, column: 'date' }, [
        '"2024Q1"',
        'annual',
      ]);
    } finally {
      cleanup();
    }
  });
});

import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InputError } from '../../src/core/errors.js';
import { CsvTable, parseNumber } from '../../src/sources/csv.js';
import { sourceByKind } from '../../src/sources/index.js';
import { collect, fixture, rejectsInput, tempFile } from './helpers.js';

const read = (kind: string, path: string) => {
  const source = sourceByKind(kind);
  assert.ok(source.readObservations);
  return collect(source.readObservations(path));
};

describe('parseNumber', () => {
  it('reads plain decimals and treats NA, .., . and empty as missing', () => {
    assert.equal(parseNumber('1.47e+08', 'f', 2, 'c'), 1.47e8);
    assert.equal(parseNumber('-88.0', 'f', 2, 'c'), -88);
    assert.equal(parseNumber('.5', 'f', 2, 'c'), 0.5);
    assert.equal(parseNumber('0', 'f', 2, 'c'), 0);
    for (const missing of ['NA', '', '..', '.'])
      assert.equal(parseNumber(missing, 'f', 2, 'c'), null);
  });

  it('rejects anything else, naming file, line, column and value', () => {
    for (const text of ['n/a', '0x10', 'Inf', ' 5', '1,5', 'NaN', '-', '1e']) {
      assert.throws(
        () => parseNumber(text, 'data.csv', 7, 'gdp'),
        (error: unknown) =>
          error instanceof InputError &&
          error.file === 'data.csv' &&
          error.line === 7 &&
          error.column === 'gdp' &&
          error.message.includes(`"${text}"`),
      );
    }
  });
});

describe('CsvTable', () => {
  it('counts lines across quoted line breaks (CRLF too) and skipped blank lines', async () => {
    const { path, cleanup } = tempFile(
      'lines.csv',
      'a,b,c\r\n1,"x\r\ny",3\r\n\r\n4,5,6\r\n7,"p\nq\nr",9\r\n10,11,12',
    );
    try {
      const table = await CsvTable.open(path, { required: ['a', 'c'] });
      assert.deepEqual(table.header, ['a', 'b', 'c']);
      const records = await collect(table);
      assert.deepEqual(
        records.map((r) => [r.line, r.fields[0]]),
        [
          [2, '1'],
          [5, '4'],
          [6, '7'],
          [9, '10'],
        ],
      );
    } finally {
      cleanup();
    }
  });

  it('reports progress in bytes up to the file size', async () => {
    const path = fixture('coups-cy-duplicate.csv');
    const calls: [number, number][] = [];
    const table = await CsvTable.open(path, {
      onProgress: (done, total) => calls.push([done, total]),
    });
    await collect(table);
    const last = calls.at(-1);
    assert.ok(last);
    assert.equal(last[0], last[1]);
    assert.ok(last[1] > 0);
  });

  it('reports a missing file as an InputError', async () => {
    await rejectsInput(() => CsvTable.open('/nonexistent/file.csv'), {
      file: '/nonexistent/file.csv',
    });
  });
});

describe('bad input', () => {
  it('malformed CSV: an unterminated quote names the line where the record starts', async () => {
    const path = fixture('coups-cy-unterminated-quote.csv');
    await rejectsInput(() => read('coups-cy', path), { file: path, line: 3 }, [
      'never closed',
      'closing double quote',
    ]);
  });

  it('wrong encoding: Latin-1 bytes in a UTF-8 source name line and column', async () => {
    // "Côte d'Ivoire" with ô as the single Latin-1 byte 0xF4.
    const bytes = Buffer.concat([
      Buffer.from('Country,Year,EFindex\nGhana,1960,0.6\nC'),
      Buffer.from([0xf4]),
      Buffer.from("te d'Ivoire,1960,0.8\n"),
    ]);
    const { path, cleanup } = tempFile('hief.csv', bytes);
    try {
      await rejectsInput(() => read('hief', path), { file: path, line: 3, column: 'Country' }, [
        'not valid UTF-8',
        'Latin-1',
      ]);
    } finally {
      cleanup();
    }
  });

  it('the same Latin-1 bytes are read correctly where the source is Latin-1 (PTS)', async () => {
    const bytes = Buffer.concat([
      Buffer.from(
        'Country,Country_OLD,Year,COW_Code_A,COW_Code_N,WordBank_Code_A,UN_Code_N,Region,PTS_A,PTS_H,PTS_S,NA_Status_A,NA_Status_H,NA_Status_S\r\nT',
      ),
      Buffer.from([0xfc]),
      Buffer.from('rkiye,Turkey,1980,TUR,640,TUR,792,eca,4,NA,3,0,88,0\r\n'),
    ]);
    const { path, cleanup } = tempFile('pts.csv', bytes);
    try {
      const [record] = await read('pts', path);
      assert.equal(record?.label, 'Türkiye');
    } finally {
      cleanup();
    }
  });

  it('missing column: lists what is missing and what the header has', async () => {
    const path = fixture('polity5-missing-column.csv');
    await rejectsInput(() => read('polity5', path), { file: path, line: 1, column: 'polity2' }, [
      '"polity2"',
      'the header has: country, year, fragment, democ, autoc, polity, durable',
    ]);
  });

  it('renamed column: suggests the near match', async () => {
    const path = fixture('wdi-renamed-column.csv');
    await rejectsInput(() => read('wdi', path), { file: path, line: 1, column: 'iso3c' }, [
      '"iso3c" → found "iso3"',
    ]);
  });

  it('non-numeric value: names line, column and the value', async () => {
    const path = fixture('wdi-non-numeric.csv');
    await rejectsInput(() => read('wdi', path), { file: path, line: 3, column: 'wdi.trade.new' }, [
      '"n/a" is not a number',
    ]);
  });

  it('duplicate key: names both lines', async () => {
    const path = fixture('coups-cy-duplicate.csv');
    await rejectsInput(() => read('coups-cy', path), { file: path, line: 4 }, [
      '"Afghanistan" 1945',
      'lines 2 and 4',
    ]);
  });

  it('duplicate key in Polity5 that is not a state transition: names both lines', async () => {
    const path = fixture('polity5-duplicate.csv');
    await rejectsInput(() => read('polity5', path), { file: path, line: 4 }, [
      '"Chile" 1973',
      'lines 3 and 4',
    ]);
  });

  it('truncated file: the last record has fewer fields than the header', async () => {
    const path = fixture('un-imr-truncated.csv');
    await rejectsInput(() => read('un-imr', path), { file: path, line: 4, column: 'ccode' }, [
      'truncated',
      '3 of 4 fields',
    ]);
  });

  it('wrong field count in the middle of the file', async () => {
    const path = fixture('un-imr-short-row.csv');
    await rejectsInput(() => read('un-imr', path), { file: path, line: 3, column: 'ccode' }, [
      'has 3 fields but the header has 4',
    ]);
  });

  it('a missing year is named with its column', async () => {
    const { path, cleanup } = tempFile(
      'coups.csv',
      'ccode,country,year,cou.any\n700,Afghanistan,,0\n',
    );
    try {
      await rejectsInput(() => read('coups-cy', path), { file: path, line: 2, column: 'year' }, [
        'year is missing',
      ]);
    } finally {
      cleanup();
    }
  });

  it('an empty file', async () => {
    const { path, cleanup } = tempFile('empty.csv', '');
    try {
      await rejectsInput(() => read('hief', path), { file: path, line: 1 }, ['empty']);
    } finally {
      cleanup();
    }
  });
});

import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { read, utils, write } from '@e965/xlsx';
import type { BookType } from '@e965/xlsx';
import { detectKind } from '../../src/sources/index.js';
import { readPitf } from '../../src/sources/pitf.js';
import { sniffFormat } from '../../src/sources/spreadsheet.js';
import { openTable } from '../../src/sources/table.js';
import { sharedFile } from '../support/shared-data.js';
import { writeZip } from '../support/zip-writer.js';
import { collect } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'lens-workbooks-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** The PITF genocide sheet, as published (.xls), saved again in another workbook format. */
function resaved(bookType: BookType, name: string): string {
  const book = read(readFileSync(sharedFile('inputs', 'pitf-genopoliticide-2014.xls')));
  const file = join(dir, name);
  writeFileSync(file, write(book, { type: 'buffer', bookType }) as Buffer);
  return file;
}

const withoutLines = <T extends { line: number }>(rows: readonly T[]) =>
  rows.map(({ line: _line, ...rest }) => rest);

describe('workbooks are ZIP containers, read as spreadsheets and never unpacked', () => {
  it('tells the EWP episode workbook from an archive', async () => {
    const xlsx = sharedFile('ewp', 'mass-killing-episodes-2025.dev-to-2014.xlsx');
    assert.equal(await sniffFormat(xlsx), 'xlsx');
    assert.equal(await detectKind(xlsx), 'ewp-episodes');
    assert.equal(await sniffFormat(sharedFile('inputs', 'pitf-ethnic-war-2014.xls')), 'xls');
  });

  for (const [bookType, name, format] of [
    ['xlsm', 'pitf-genopoliticide.xlsm', 'xlsx'],
    ['xlsb', 'pitf-genopoliticide.xlsb', 'xlsx'],
    ['ods', 'pitf-genopoliticide.ods', 'ods'],
  ] as const) {
    it(`reads a .${bookType} workbook like the .xls it was saved from`, async () => {
      const file = resaved(bookType, name);
      assert.equal(await sniffFormat(file), format);
      assert.equal(await detectKind(file), 'pitf');
      const xls = await collect(readPitf(sharedFile('inputs', 'pitf-genopoliticide-2014.xls')));
      assert.deepEqual(withoutLines(await collect(readPitf(file))), withoutLines(xls));
    });
  }

  it('takes other office documents and plain archives for what they are', async () => {
    const docx = join(dir, 'codebook.docx');
    writeFileSync(
      docx,
      writeZip([
        { name: '[Content_Types].xml', data: Buffer.from('<Types/>') },
        { name: 'word/document.xml', data: Buffer.from('<w:document/>') },
      ]),
    );
    const odt = join(dir, 'codebook.odt');
    writeFileSync(
      odt,
      writeZip([
        {
          name: 'mimetype',
          data: Buffer.from('application/vnd.oasis.opendocument.text'),
          deflate: false,
        },
        { name: 'content.xml', data: Buffer.from('<office:document-content/>') },
      ]),
    );
    const archive = join(dir, 'pitf.zip');
    writeFileSync(
      archive,
      writeZip([
        {
          name: 'pitf-genopoliticide-2014.csv',
          data: readFileSync(sharedFile('inputs', 'pitf-genopoliticide-2014.csv')),
        },
      ]),
    );
    assert.equal(await sniffFormat(docx), 'office');
    assert.equal(await sniffFormat(odt), 'office');
    assert.equal(await sniffFormat(archive), 'zip');
    for (const file of [docx, odt, archive]) {
      assert.equal(await detectKind(file), undefined);
      await assert.rejects(openTable(file), /not a table/);
    }
  });

  it('reads an .ods sheet with the header checked as for CSV', async () => {
    const book = utils.book_new();
    utils.book_append_sheet(book, utils.aoa_to_sheet([['COUNTRY', 'YEAR']]), 'Sheet1');
    const file = join(dir, 'short.ods');
    writeFileSync(file, write(book, { type: 'buffer', bookType: 'ods' }) as Buffer);
    await assert.rejects(openTable(file, { required: ['COUNTRY', 'CCODE'] }), /CCODE/);
  });
});

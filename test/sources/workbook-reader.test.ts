import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RowSource } from '../../src/sources/table.js';
import { openTable } from '../../src/sources/table.js';
import { sharedFile } from '../support/shared-data.js';

/** Every value of a table by its column name, row by row, as the readers give them. */
async function values(table: RowSource): Promise<Record<string, string>[]> {
  const out: Record<string, string>[] = [];
  for await (const r of table)
    out.push(Object.fromEntries(table.header.map((name, i) => [name, r.fields[i] ?? ''])));
  return out;
}

/**
 * The workbooks the project reads, each beside the CSV its publisher's sheet was saved as:
 * the workbook reader must give the same header and the same value in every cell.
 */
const PAIRS = [
  ['inputs', 'pitf-adverse-regime-change-2014'],
  ['inputs', 'pitf-ethnic-war-2014'],
  ['inputs', 'pitf-genopoliticide-2014'],
  ['inputs', 'pitf-revolutionary-war-2014'],
  ['ewp', 'mass-killing-episodes-2025.dev-to-2014'],
] as const;

describe('the workbook reader gives the values of the CSV saved beside each workbook', () => {
  for (const [folder, name] of PAIRS) {
    const ext = folder === 'ewp' ? 'xlsx' : 'xls';
    it(`${name}.${ext}`, async () => {
      const book = await openTable(sharedFile(folder, `${name}.${ext}`));
      const csv = await openTable(sharedFile(folder, `${name}.csv`));
      assert.deepEqual(book.header, csv.header);
      const [fromBook, fromCsv] = [await values(book), await values(csv)];
      assert.equal(fromBook.length, fromCsv.length);
      fromBook.forEach((row, i) => assert.deepEqual(row, fromCsv[i], `row ${i + 2}`));
    });
  }
});

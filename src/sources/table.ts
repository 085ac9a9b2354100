import { CsvTable, checkHeader } from './csv.js';
import type { CsvRecord, TextEncoding } from './csv.js';
import { InputError } from '../core/errors.js';
import { isWorkbook, readSheet, sniffFormat } from './spreadsheet.js';
import type { OnProgress } from './types.js';

/**
 * Rows of a table with a header, from a CSV file or a spreadsheet sheet. `line` in each record
 * is the CSV line or the spreadsheet row (both 1-based, header = 1 in the usual layout).
 */
export interface RowSource extends AsyncIterable<CsvRecord> {
  readonly file: string;
  readonly header: readonly string[];
  /** Index of a column by exact name, or -1. */
  indexOf(name: string): number;
}

/** Options for {@link openTable}. */
export interface OpenTableOptions {
  /** Sheet to read when the file is a workbook; default the first sheet. */
  sheet?: string;
  /** CSV encoding; default `utf-8`. */
  encoding?: TextEncoding;
  required?: readonly string[];
  onProgress?: OnProgress;
}

/**
 * Opens a CSV file, or a sheet of a workbook (.xlsx, .xls, .ods), recognised by content. The
 * header is checked against `required` in both cases, with the same messages. A ZIP archive or
 * another office document is an InputError: it holds no table of its own.
 */
export async function openTable(file: string, options: OpenTableOptions = {}): Promise<RowSource> {
  const format = await sniffFormat(file);
  if (format === 'zip' || format === 'office') {
    throw new InputError(
      format === 'zip' ? 'a ZIP archive, not a table' : 'an office document, not a table',
      { file, expected: 'a CSV file or a workbook (.xlsx, .xls, .ods)' },
    );
  }
  if (!isWorkbook(format)) return CsvTable.open(file, options);
  const sheet = await readSheet(file, options.sheet, options.onProgress);
  checkHeader(file, sheet.header, options.required ?? []);
  const index = new Map(sheet.header.map((name, i) => [name, i]));
  return {
    file,
    header: sheet.header,
    indexOf: (name) => index.get(name) ?? -1,
    async *[Symbol.asyncIterator]() {
      for (const { row, fields } of sheet.rows) yield { line: row, fields };
    },
  };
}

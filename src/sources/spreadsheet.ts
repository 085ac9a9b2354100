import { open, readFile } from 'node:fs/promises';
import { read, utils } from '@e965/xlsx';
import type { WorkBook, WorkSheet } from '@e965/xlsx';
import { InputError } from '../core/errors.js';
import type { OnProgress } from './types.js';
import { readZipDirectory, readZipEntry } from './zip.js';

/**
 * What a file is, by its content: a workbook (`xlsx`: Office Open XML, .xlsx, .xlsm, .xlsb;
 * `xls`: Excel 97-2003; `ods`: OpenDocument spreadsheet), JSON, another office document
 * (`office`: a ZIP container of Office Open XML or OpenDocument that is not a workbook, such as
 * .docx, .pptx, .odt), a ZIP archive of files (`zip`), or text (CSV).
 */
export type FileFormat = 'xlsx' | 'xls' | 'ods' | 'office' | 'zip' | 'json' | 'text';

/** True for the formats {@link readSheet} reads. */
export function isWorkbook(format: FileFormat): format is 'xlsx' | 'xls' | 'ods' {
  return format === 'xlsx' || format === 'xls' || format === 'ods';
}

/**
 * Recognises a file by its content, never by its name: OLE2 magic bytes for .xls; for a ZIP,
 * the entries of its directory (an Excel workbook holds `xl/workbook.xml` or `.bin`, any Office
 * Open XML package `[Content_Types].xml`, an OpenDocument file a `mimetype` entry saying
 * whether it is a spreadsheet; anything else is an archive of files); JSON by its first
 * non-blank character; anything else is text (CSV).
 */
export async function sniffFormat(file: string): Promise<FileFormat> {
  const head = await readHead(file, 512);
  if (head.length >= 4 && head[0] === 0x50 && head[1] === 0x4b && head[2] === 3 && head[3] === 4) {
    return zipFormat(file);
  }
  const ole2 = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];
  if (head.length >= 8 && ole2.every((b, i) => head[i] === b)) return 'xls';
  const text = head
    .toString('utf8')
    .replace(/^\uFEFF/, '')
    .trimStart();
  if (text.startsWith('[') || text.startsWith('{')) return 'json';
  return 'text';
}

const ODS_MIMETYPE = 'application/vnd.oasis.opendocument.spreadsheet';

async function zipFormat(file: string): Promise<FileFormat> {
  try {
    const entries = await readZipDirectory(file);
    const names = new Set(entries.map((e) => e.name));
    if (names.has('xl/workbook.xml') || names.has('xl/workbook.bin')) return 'xlsx';
    if (names.has('[Content_Types].xml')) return 'office';
    // OpenDocument names its kind in the entry `mimetype` (a few dozen bytes).
    const mimetype = entries.find((e) => e.name === 'mimetype' && e.size < 200);
    if (mimetype) {
      const type = (await readZipEntry(file, mimetype)).toString('latin1').trim();
      return type === ODS_MIMETYPE ? 'ods' : 'office';
    }
    return 'zip';
  } catch (error) {
    // A damaged ZIP: unpacking it reports what is wrong, with the archive named.
    if (error instanceof InputError) return 'zip';
    throw error;
  }
}

/** The first `n` bytes of a file (fewer if it is shorter). */
export async function readHead(file: string, n: number): Promise<Buffer> {
  const handle = await open(file, 'r').catch((error: unknown) => {
    throw new InputError(error instanceof Error ? error.message : String(error), {
      file,
      expected: 'a readable file',
    });
  });
  try {
    const buffer = Buffer.alloc(n);
    const { bytesRead } = await handle.read(buffer, 0, n, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/**
 * One sheet as rows of cell texts. `row` is the 1-based spreadsheet row number (the header is
 * normally row 1). Numbers are written as JavaScript writes them (`1945`, `2.5`), booleans as
 * `TRUE`/`FALSE`, empty cells as `''`; fully blank rows are dropped.
 */
export interface SheetRows {
  sheet: string;
  header: string[];
  rows: { row: number; fields: string[] }[];
}

/**
 * Reads a sheet of an .xlsx or .xls workbook. Workbooks are read whole: the publishers' files
 * are a few hundred kilobytes. `sheet` picks a sheet by name (InputError listing the sheets
 * when absent); default the first sheet.
 */
export async function readSheet(
  file: string,
  sheet?: string,
  onProgress?: OnProgress,
): Promise<SheetRows> {
  const bytes = await readFile(file);
  onProgress?.(bytes.length, bytes.length);
  const book = readBook(file, bytes);
  const name = sheet ?? book.SheetNames[0];
  const ws = name === undefined ? undefined : book.Sheets[name];
  if (name === undefined || ws === undefined) {
    throw new InputError(`the workbook has no sheet "${sheet ?? ''}"`, {
      file,
      expected: `a sheet named "${sheet ?? ''}" (the workbook has: ${book.SheetNames.join(', ')})`,
    });
  }
  const all = sheetTexts(ws);
  const first = all.find((r) => r.fields.some((f) => f !== ''));
  if (first === undefined) {
    throw new InputError(`sheet "${name}" is empty`, { file, expected: 'a header row' });
  }
  const header = trimTrailingBlanks(first.fields);
  const rows = all
    .filter((r) => r.row > first.row && r.fields.some((f) => f !== ''))
    .map((r) => ({ row: r.row, fields: fitTo(r.fields, header, file, r.row) }));
  return { sheet: name, header, rows };
}

/**
 * Header rows of every sheet (parsing only the first row of each), for recognising a workbook.
 * Returns undefined when the file is not a workbook the reader (SheetJS) can read.
 */
export async function readSheetHeaders(file: string): Promise<Map<string, string[]> | undefined> {
  if (!isWorkbook(await sniffFormat(file))) return undefined;
  let book: WorkBook;
  try {
    book = read(await readFile(file), { type: 'buffer', sheetRows: 1 });
  } catch {
    return undefined;
  }
  const headers = new Map<string, string[]>();
  for (const name of book.SheetNames) {
    const ws = book.Sheets[name];
    const first = ws === undefined ? undefined : sheetTexts(ws)[0];
    headers.set(name, first ? trimTrailingBlanks(first.fields) : []);
  }
  return headers;
}

function readBook(file: string, bytes: Buffer): WorkBook {
  try {
    return read(bytes, { type: 'buffer' });
  } catch (error) {
    throw new InputError(
      `not a readable spreadsheet: ${error instanceof Error ? error.message : String(error)}`,
      { file, expected: 'an Excel workbook (.xlsx or .xls)' },
    );
  }
}

function sheetTexts(ws: WorkSheet): { row: number; fields: string[] }[] {
  const ref = ws['!ref'];
  if (ref === undefined) return [];
  const start = utils.decode_range(ref).s;
  const rows = utils.sheet_to_json<unknown[]>(ws, {
    header: 1,
    raw: true,
    defval: null,
    blankrows: true,
  });
  return rows.map((cells, i) => ({
    row: start.r + i + 1,
    fields: Array.from(cells, cellText),
  }));
}

function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return String(value);
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  return String(value);
}

function trimTrailingBlanks(fields: string[]): string[] {
  let end = fields.length;
  while (end > 0 && fields[end - 1] === '') end--;
  return fields.slice(0, end);
}

/** Pads a row to the header's width; a value under no header is an InputError. */
function fitTo(fields: string[], header: readonly string[], file: string, row: number): string[] {
  const width = header.length;
  if (fields.length === width) return fields;
  if (fields.length < width) return [...fields, ...Array<string>(width - fields.length).fill('')];
  const stray = fields.findIndex((f, i) => i >= width && f !== '');
  if (stray >= 0) {
    throw new InputError(
      `row ${row} has a value ("${fields[stray]}") in a column without a header`,
      {
        file,
        line: row,
        column: utils.encode_col(stray),
        expected: `values only under the ${width} named columns`,
      },
    );
  }
  return fields.slice(0, width);
}

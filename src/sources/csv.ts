import { isUtf8 } from 'node:buffer';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Transform, pipeline } from 'node:stream';
import { CsvError, parse } from 'csv-parse';
import type { CastingContext } from 'csv-parse';
import { InputError } from '../core/errors.js';
import { sniffFormat } from './spreadsheet.js';
import type { OnProgress } from './types.js';

/**
 * Text encodings the readers accept. `utf-8` is strict: a byte sequence that is not UTF-8
 * is an InputError naming its line and column. `latin1` (ISO 8859-1) never fails.
 */
export type TextEncoding = 'utf-8' | 'latin1';

/** How to open a CSV file. */
export interface CsvOptions {
  /** Default `utf-8`. */
  encoding?: TextEncoding;
  /** Columns the header must contain (exact, case-sensitive names). */
  required?: readonly string[];
  /** Called with bytes read so far and the file size, once per chunk read. */
  onProgress?: OnProgress;
}

/** One data record: its 1-based starting line (the header is line 1) and its fields. */
export interface CsvRecord {
  line: number;
  fields: string[];
}

/** Cell texts that mean "missing" in every numeric column. */
const MISSING_TEXTS: ReadonlySet<string> = new Set(['', 'NA', '..', '.']);
const NUMBER_PATTERN = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const NUMBER_EXPECTED = 'a number, or NA, "..", "." or an empty cell for a missing value';

/**
 * Parses a numeric cell. `NA`, `..`, `.` and the empty cell are missing (null); anything else
 * that is not a plain decimal number (e.g. `n/a`, `1,5`, `0x10`, `Inf`) is an InputError naming
 * the file, line, column and the value. The location is passed as arguments so the common
 * path allocates nothing.
 */
export function parseNumber(
  text: string,
  file: string,
  line: number,
  column: string,
): number | null {
  if (MISSING_TEXTS.has(text)) return null;
  const n = Number(text);
  // Number() also accepts blanks, hex/binary/octal prefixes and Infinity; the character checks
  // rule those out cheaply, and the pattern settles anything unusual.
  if (Number.isFinite(n) && isPlainNumberShape(text)) return n;
  if (Number.isFinite(n) && NUMBER_PATTERN.test(text)) return n;
  throw new InputError(`"${text}" is not a number`, {
    file,
    line,
    column,
    expected: NUMBER_EXPECTED,
  });
}

function isPlainNumberShape(text: string): boolean {
  const first = text.charCodeAt(0);
  const last = text.charCodeAt(text.length - 1);
  const firstOk = (first >= 48 && first <= 57) || first === 45 || first === 43 || first === 46;
  const lastOk = (last >= 48 && last <= 57) || last === 46;
  const prefixed = first === 48 && text.length > 2 && text.charCodeAt(1) > 57;
  return firstOk && lastOk && !prefixed;
}

/**
 * Parses a cell that must hold an integer (a year, a country code); missing is an error.
 * `1960.0` is accepted as 1960.
 */
export function parseInteger(
  text: string,
  file: string,
  line: number,
  column: string,
  what: string,
): number {
  const n = NUMBER_PATTERN.test(text) ? Number(text) : Number.NaN;
  if (Number.isInteger(n)) return n;
  throw new InputError(text === '' ? `${what} is missing` : `"${text}" is not ${what}`, {
    file,
    line,
    column,
    expected: `${what} (a whole number)`,
  });
}

/**
 * A CSV file opened for streaming: the header has been read and checked; iterating yields the
 * data records in file order. Field counts are checked against the header (a short last record
 * means a truncated file); with strict UTF-8, a record holding bytes that are not UTF-8 is an
 * InputError naming line and column. Memory use does not grow with the file size.
 */
export class CsvTable implements AsyncIterable<CsvRecord> {
  /** Column names as written in the header (an unnamed column is `''`). */
  readonly header: readonly string[];
  private readonly indexByName: Map<string, number>;

  private constructor(
    readonly file: string,
    header: string[],
    private readonly records: AsyncGenerator<CsvRecord, void, undefined>,
    private readonly state: ParseState,
  ) {
    this.header = header;
    this.indexByName = new Map(header.map((name, i) => [name, i]));
  }

  /**
   * Opens `file` and reads its header. Throws InputError for an empty file, an unreadable
   * header, a repeated column name, or required columns that are missing (listing them with
   * near matches and the header as found).
   */
  static async open(file: string, options: CsvOptions = {}): Promise<CsvTable> {
    const state: ParseState = { nextLine: 1, emptyLines: 0, parserLines: 0, invalidUtf8: false };
    const records = parseRecords(file, options.encoding ?? 'utf-8', options.onProgress, state);
    const first = await records.next();
    if (first.done) {
      throw new InputError('the file is empty', { file, line: 1, expected: 'a header line' });
    }
    const header = first.value.fields;
    const table = new CsvTable(file, header, records, state);
    try {
      if (state.invalidUtf8) table.checkText(first.value);
      checkHeader(file, header, options.required ?? []);
    } catch (error) {
      await table.close();
      throw error;
    }
    return table;
  }

  /** Index of a column by exact name, or -1 when the header lacks it. */
  indexOf(name: string): number {
    return this.indexByName.get(name) ?? -1;
  }

  /** Index of a column the header must have (checked at open when listed as required). */
  column(name: string): number {
    const i = this.indexOf(name);
    if (i < 0) throw missingColumns(this.file, this.header, [name]);
    return i;
  }

  /** Stops reading and releases the file; safe to call more than once. */
  async close(): Promise<void> {
    await this.records.return();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<CsvRecord, void, undefined> {
    const width = this.header.length;
    // A record of the wrong width is held back one step: if nothing follows it, the file was
    // cut short, which deserves a different message than a malformed row in the middle.
    let odd: CsvRecord | undefined;
    try {
      for await (const record of this.records) {
        if (odd) throw this.fieldCountError(odd, false);
        if (record.fields.length !== width) {
          odd = record;
          continue;
        }
        if (this.state.invalidUtf8) this.checkText(record);
        yield record;
      }
      if (odd) throw this.fieldCountError(odd, true);
      if (this.state.invalidUtf8) {
        throw new InputError('the file is not valid UTF-8', {
          file: this.file,
          expected: 'UTF-8 text',
        });
      }
    } finally {
      await this.close();
    }
  }

  private fieldCountError(record: CsvRecord, last: boolean): InputError {
    const count = record.fields.length;
    const width = this.header.length;
    const column = count < width ? this.header[count] : undefined;
    const where = { file: this.file, line: record.line, column };
    if (last && count < width) {
      return new InputError(
        `the file ends in the middle of a record (${count} of ${width} fields): it looks truncated`,
        { ...where, expected: `${width} fields like the header; download the file again` },
      );
    }
    return new InputError(`the record has ${count} fields but the header has ${width}`, {
      ...where,
      column: column ?? this.header[width - 1],
      expected: `${width} fields per record`,
    });
  }

  /** Finds the field where invalid UTF-8 bytes were replaced by U+FFFD. */
  private checkText(record: CsvRecord): void {
    const i = record.fields.findIndex((f) => f.includes('\uFFFD'));
    if (i < 0) return;
    throw new InputError(
      `the text is not valid UTF-8 ("${record.fields[i]}"); the file looks Latin-1 or Windows-1252 encoded`,
      {
        file: this.file,
        line: record.line,
        column: this.header[i] ?? `#${i + 1}`,
        expected: 'UTF-8 text: re-save the file as UTF-8 or download it again from the publisher',
      },
    );
  }
}

/** Reads just the header of a CSV file (for recognising formats). Decoded as Latin-1, so it
 * never fails on encoding; column names are ASCII in every supported format. */
export async function readCsvHeader(file: string): Promise<readonly string[]> {
  const table = await CsvTable.open(file, { encoding: 'latin1' });
  await table.close();
  return table.header;
}

/**
 * The header of a file if it is a text table (see `readCsvHeader`); undefined for a binary
 * file (spreadsheet, archive) or text that is not a readable CSV. For recognising formats
 * by their columns.
 */
export async function textTableHeader(file: string): Promise<readonly string[] | undefined> {
  if ((await sniffFormat(file)) !== 'text') return undefined;
  try {
    return await readCsvHeader(file);
  } catch (error) {
    if (error instanceof InputError) return undefined;
    throw error;
  }
}

interface ParseState {
  /** Line on which the next record starts. */
  nextLine: number;
  /** Empty lines skipped so far (csv-parse counts them cumulatively). */
  emptyLines: number;
  /** csv-parse's line count at the previous record. */
  parserLines: number;
  /** Some bytes were not UTF-8 (they come out of the parser as U+FFFD). */
  invalidUtf8: boolean;
}

/**
 * The streaming core: file → (UTF-8 check, progress) → csv-parse. Line numbers are counted
 * here rather than taken from csv-parse, whose `lines` drifts on CRLF inside quoted fields.
 */
async function* parseRecords(
  file: string,
  encoding: TextEncoding,
  onProgress: OnProgress | undefined,
  state: ParseState,
): AsyncGenerator<CsvRecord, void, undefined> {
  const total = await fileSize(file);
  const parser = parse({
    bom: true,
    encoding: encoding === 'latin1' ? 'latin1' : 'utf8',
    relax_column_count: true,
    skip_empty_lines: true,
    // Any line ending, each time: csv-parse would otherwise take the first one it meets for
    // the whole file (UCDP's DECO 1.0 ends its header with CRLF and its rows with LF).
    record_delimiter: ['\r\n', '\n', '\r'],
    on_record: (fields: string[], context: CastingContext): CsvRecord => {
      const skipped = context.empty_lines - state.emptyLines;
      state.emptyLines = context.empty_lines;
      state.nextLine += skipped;
      const line = state.nextLine;
      let span = 1;
      // csv-parse's own count is exact unless a quoted field holds a line break (where it
      // counts CRLF twice), so fields are scanned only when its count moved by more than one.
      if (context.lines - state.parserLines !== 1 + skipped) {
        for (const field of fields) {
          for (let at = field.indexOf('\n'); at >= 0; at = field.indexOf('\n', at + 1)) span++;
        }
      }
      state.parserLines = context.lines;
      state.nextLine += span;
      return { line, fields };
    },
  });
  const source = createReadStream(file, { highWaterMark: 1 << 20 });
  const check = byteCheck(encoding === 'utf-8', total, onProgress, state);
  const stream = pipeline(source, check, parser, () => {});
  try {
    yield* stream as AsyncIterable<CsvRecord>;
  } catch (error) {
    throw toInputError(error, file, state);
  } finally {
    source.destroy();
    parser.destroy();
  }
}

async function fileSize(file: string): Promise<number> {
  try {
    return (await stat(file)).size;
  } catch (error) {
    throw toInputError(error, file, {
      nextLine: 1,
      emptyLines: 0,
      parserLines: 0,
      invalidUtf8: false,
    });
  }
}

/** Passes bytes through unchanged, reporting progress and checking UTF-8 validity. */
function byteCheck(
  strictUtf8: boolean,
  total: number,
  onProgress: OnProgress | undefined,
  state: ParseState,
): Transform {
  let done = 0;
  let tail: Buffer | undefined;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      done += chunk.length;
      if (strictUtf8 && !state.invalidUtf8) {
        const bytes = tail ? Buffer.concat([tail, chunk]) : chunk;
        const cut = completeUtf8Length(bytes);
        tail = cut < bytes.length ? Buffer.from(bytes.subarray(cut)) : undefined;
        if (!isUtf8(bytes.subarray(0, cut))) state.invalidUtf8 = true;
      }
      onProgress?.(done, total);
      callback(null, chunk);
    },
    flush(callback) {
      if (tail && !isUtf8(tail)) state.invalidUtf8 = true;
      callback();
    },
  });
}

/** Length of the prefix of `bytes` that does not end inside a multi-byte UTF-8 sequence. */
function completeUtf8Length(bytes: Uint8Array): number {
  const n = bytes.length;
  for (let i = n - 1; i >= 0 && i >= n - 4; i--) {
    const b = bytes[i] as number;
    if (b < 0x80) return n;
    if (b >= 0xc0) {
      const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : 2;
      return n - i >= need ? n : i;
    }
  }
  return n;
}

function toInputError(error: unknown, file: string, state: ParseState): unknown {
  if (error instanceof InputError || !(error instanceof CsvError)) {
    if (error instanceof Error && 'code' in error && error.code === 'ENOENT') {
      return new InputError('no such file', { file, expected: 'an existing file' });
    }
    return error;
  }
  const skipped = typeof error.empty_lines === 'number' ? error.empty_lines - state.emptyLines : 0;
  const line = state.nextLine + Math.max(0, skipped);
  if (error.code === 'CSV_QUOTE_NOT_CLOSED') {
    return new InputError(
      'a quoted field opened in the record starting here is never closed: the file is truncated or has an unbalanced quote',
      { file, line, expected: 'a closing double quote (") before the end of the file' },
    );
  }
  return new InputError(`malformed CSV: ${error.message}`, {
    file,
    line,
    expected: 'RFC 4180 CSV (fields with commas, quotes or line breaks inside double quotes)',
  });
}

/**
 * Checks a header (CSV or spreadsheet): no column named twice, every required column present
 * (InputError listing the missing ones, near matches and the header as found).
 */
export function checkHeader(
  file: string,
  header: readonly string[],
  required: readonly string[],
): void {
  const seen = new Set<string>();
  for (const name of header) {
    if (name !== '' && seen.has(name)) {
      throw new InputError('the header names this column twice', {
        file,
        line: 1,
        column: name,
        expected: 'distinct column names',
      });
    }
    seen.add(name);
  }
  const missing = required.filter((name) => !seen.has(name));
  if (missing.length > 0) throw missingColumns(file, header, missing, required);
}

/**
 * "header lacks columns a, b (did you mean …?); the header has: …". Near matches catch renamed
 * columns (case changes, a suffix added or dropped).
 */
function missingColumns(
  file: string,
  header: readonly string[],
  missing: readonly string[],
  required: readonly string[] = missing,
): InputError {
  // A column that is itself required and present is not a candidate for a renamed one.
  const candidates = header.filter((h) => h !== '' && !required.includes(h));
  const hints = missing.flatMap((name) => {
    const near = candidates.filter((h) => isNearName(name, h));
    return near.length > 0 ? [`"${name}" → found ${near.map((h) => `"${h}"`).join(' or ')}`] : [];
  });
  const shown = header.slice(0, 30).map((h) => (h === '' ? '(unnamed)' : h));
  const more = header.length > 30 ? `, … (${header.length - 30} more)` : '';
  const hintText = hints.length > 0 ? `; renamed? ${hints.join('; ')}` : '';
  return new InputError(
    `the header lacks required column${missing.length > 1 ? 's' : ''} ${missing.map((m) => `"${m}"`).join(', ')}${hintText}; the header has: ${shown.join(', ')}${more}`,
    {
      file,
      line: 1,
      column: missing[0],
      expected: `columns ${missing.map((m) => `"${m}"`).join(', ')}`,
    },
  );
}

function isNearName(wanted: string, found: string): boolean {
  const a = wanted.toLowerCase();
  const b = found.toLowerCase();
  if (a === b) return true;
  if (Math.abs(a.length - b.length) > 2) return false;
  return editDistance(a, b) <= (a.length > 6 ? 2 : 1);
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(
        Math.min((previous[j] as number) + 1, (current[j - 1] as number) + 1, substitution),
      );
    }
    previous = current;
  }
  return previous[b.length] as number;
}

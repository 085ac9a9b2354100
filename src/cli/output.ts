/** Output formats of commands that print data. */
export type Format = 'table' | 'json' | 'csv';

/** The formats accepted by `--format`. */
export const FORMATS: readonly Format[] = ['table', 'json', 'csv'];

/** A column of a printed table: header and how to get the cell from a row. */
export interface Column<T> {
  header: string;
  value: (row: T) => string | number | boolean | null | undefined;
  /** Right-align (numbers). */
  right?: boolean;
}

/** Renders rows as an aligned text table. */
export function renderTable<T>(rows: readonly T[], columns: readonly Column<T>[]): string {
  const cells = rows.map((r) => columns.map((c) => cellText(c.value(r))));
  const widths = columns.map((c, i) =>
    Math.max(c.header.length, ...cells.map((row) => (row[i] ?? '').length)),
  );
  const line = (values: string[]) =>
    values
      .map((v, i) => (columns[i]?.right ? v.padStart(widths[i] ?? 0) : v.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [
    line(columns.map((c) => c.header)),
    line(widths.map((w) => '-'.repeat(w))),
    ...cells.map(line),
  ].join('\n');
}

/** Renders rows as RFC 4180 CSV with a header line. */
export function renderCsv<T>(rows: readonly T[], columns: readonly Column<T>[]): string {
  const escape = (v: string) => (/[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  return [
    columns.map((c) => escape(c.header)).join(','),
    ...rows.map((r) => columns.map((c) => escape(cellText(c.value(r)))).join(',')),
  ].join('\n');
}

/**
 * Formats data for printing: `json` prints `data` whole (the JSON contract), `table` and
 * `csv` print `rows` with `columns`.
 */
export function render<T>(
  format: Format,
  data: unknown,
  rows: readonly T[],
  columns: readonly Column<T>[],
): string {
  if (format === 'json') return JSON.stringify(data, null, 2);
  if (format === 'csv') return renderCsv(rows, columns);
  return renderTable(rows, columns);
}

function cellText(v: string | number | boolean | null | undefined): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number')
    return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(6)));
  return String(v);
}

/** Where a command's output goes: standard output and error, unless redirected (tests). */
export interface Io {
  out(text: string): void;
  err(text: string): void;
}

const STDIO: Io = {
  out: (text) => void process.stdout.write(text),
  err: (text) => void process.stderr.write(text),
};

let current: Io = STDIO;

/** Prints a line (a newline is added when missing) to the current output. */
export function print(text: string): void {
  current.out(text.endsWith('\n') ? text : `${text}\n`);
}

/** Prints a line to the current error output. */
export function printError(text: string): void {
  current.err(text.endsWith('\n') ? text : `${text}\n`);
}

/** The current output. */
export function currentIo(): Io {
  return current;
}

/** Runs `fn` with output sent to `io` (standard streams when absent), then restores it. */
export async function withIo<T>(io: Io | undefined, fn: () => Promise<T>): Promise<T> {
  const previous = current;
  current = io ?? STDIO;
  try {
    return await fn();
  } finally {
    current = previous;
  }
}

/**
 * An error in something a user gave us (a file, a flag, a value), worded for that user.
 * `file`, `line` (1-based) and `column` locate the problem when they are known;
 * `expected` says what would have been accepted.
 */
export class InputError extends Error {
  readonly file?: string;
  readonly line?: number;
  readonly column?: string;
  readonly expected?: string;

  constructor(
    message: string,
    where: { file?: string; line?: number; column?: string; expected?: string } = {},
  ) {
    super(InputError.format(message, where));
    this.name = 'InputError';
    this.file = where.file;
    this.line = where.line;
    this.column = where.column;
    this.expected = where.expected;
  }

  /** "file:line: column "x": message (expected …)" with whichever parts are known. */
  static format(
    message: string,
    where: { file?: string; line?: number; column?: string; expected?: string },
  ): string {
    const place = [where.file, where.line === undefined ? undefined : String(where.line)]
      .filter((p) => p !== undefined)
      .join(':');
    const column = where.column === undefined ? '' : `column "${where.column}": `;
    const expected = where.expected === undefined ? '' : ` (expected ${where.expected})`;
    return `${place ? place + ': ' : ''}${column}${message}${expected}`;
  }
}

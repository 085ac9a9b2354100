import { dayNumber, isIsoDate } from '../../core/escalation/dates.js';
import { InputError } from '../../core/errors.js';

/** Cell parsers shared by the event readers; each throws InputError naming file, line and column. */

const MONTHS = [
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
];

/**
 * A date as event sources write it: `YYYY-MM-DD`, optionally followed by a time
 * (`2017-07-30T00:00:00`, the UCDP API), `YYYYMMDD` (GDELT) or `D Month YYYY` (older ACLED
 * exports). Returns `YYYY-MM-DD`.
 */
export function parseEventDate(text: string, file: string, line: number, column: string): string {
  // The common case first, without a regular expression: millions of rows take it.
  if (text.length === 10 && !Number.isNaN(dayNumber(text))) return text;
  const t = text.trim();
  let iso: string | undefined;
  let m = /^(\d{4}-\d{2}-\d{2})(?:[T ][\d:.]+Z?)?$/.exec(t);
  if (m) iso = m[1];
  else if ((m = /^(\d{4})(\d{2})(\d{2})$/.exec(t))) iso = `${m[1]}-${m[2]}-${m[3]}`;
  else if ((m = /^(\d{1,2}) ([A-Za-z]+) (\d{4})$/.exec(t))) {
    const month = MONTHS.indexOf((m[2] as string).toLowerCase());
    if (month >= 0)
      iso = `${m[3]}-${String(month + 1).padStart(2, '0')}-${(m[1] as string).padStart(2, '0')}`;
  }
  if (iso === undefined || !isIsoDate(iso)) {
    throw new InputError(t === '' ? 'the date is missing' : `"${t}" is not a date`, {
      file,
      line,
      column,
      expected: 'a date YYYY-MM-DD (or YYYYMMDD, or "23 February 2022")',
    });
  }
  return iso;
}

/** A death count: a whole number ≥ 0. */
export function parseDeaths(text: string, file: string, line: number, column: string): number {
  const t = text.trim();
  if (/^\d+(\.0+)?$/.test(t)) return Number(t);
  throw new InputError(t === '' ? 'the death count is missing' : `"${t}" is not a death count`, {
    file,
    line,
    column,
    expected: 'a whole number of deaths, 0 or more',
  });
}

/** A coordinate in [-limit, limit]; undefined for an empty cell. */
export function parseCoordinate(
  text: string,
  file: string,
  line: number,
  column: string,
  limit: 90 | 180,
): number | undefined {
  const t = text.trim();
  if (t === '') return undefined;
  const n = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t) ? Number(t) : Number.NaN;
  if (Number.isFinite(n) && Math.abs(n) <= limit) return n;
  throw new InputError(`"${t}" is not a ${limit === 90 ? 'latitude' : 'longitude'}`, {
    file,
    line,
    column,
    expected: `decimal degrees in [-${limit}, ${limit}]`,
  });
}

/** A cell that must not be empty (an id). */
export function required(
  text: string,
  file: string,
  line: number,
  column: string,
  what: string,
): string {
  const t = text.trim();
  if (t !== '') return t;
  throw new InputError(`${what} is missing`, { file, line, column, expected: what });
}

/** The items of a list cell split at `separator`, trimmed, empty ones dropped. */
export function splitList(text: string, separator: string | RegExp): string[] {
  return text
    .split(separator)
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/** A code from a fixed set; InputError listing the accepted codes otherwise. */
export function oneOf<T>(
  text: string,
  table: Readonly<Record<string, T>>,
  file: string,
  line: number,
  column: string,
  expected: string,
): T {
  const t = text.trim();
  const v = Object.prototype.hasOwnProperty.call(table, t) ? table[t] : undefined;
  if (v !== undefined) return v;
  throw new InputError(t === '' ? 'the value is missing' : `"${t}" is not a known code`, {
    file,
    line,
    column,
    expected,
  });
}

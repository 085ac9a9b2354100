import type { CodeSystem } from '../core/countries/types.js';
import { InputError } from '../core/errors.js';
import { CsvTable, parseInteger, parseNumber } from './csv.js';
import type { TextEncoding } from './csv.js';
import type { CountryKey, ObservationRecord, OnProgress } from './types.js';

/** A column holding a country code or name. */
export interface KeyColumn {
  column: string;
  system: CodeSystem | 'name';
  /**
   * Cell texts meaning "no code on this row". Default `''` and `NA`; for `iso2` only `''`,
   * because `NA` is Namibia.
   */
  missing?: readonly string[];
  /** The column may be absent from the header (an extra key some releases carry). */
  optional?: boolean;
}

/** A text column turned into a number by a documented rule (e.g. EPR `cntr_relevance`). */
export interface TextRule {
  /** Number for the cell, or undefined when the text is not one the rule knows. */
  encode: (text: string) => number | null | undefined;
  /** What the rule accepts, for the error message. */
  expected: string;
}

/**
 * How a one-row-per-country-year CSV is laid out. Every column that is not the year, a key,
 * unnamed (R's row index) or listed in `text` is a value column and must be numeric.
 */
export interface CountryYearLayout {
  /** Default `utf-8`. */
  encoding?: TextEncoding;
  /** The column holding the calendar year of the observation. */
  year: string;
  /** Key columns, in the order importers should try them (codes before names). */
  keys: readonly KeyColumn[];
  /** Column used as the row's label; default the first name key, else the first key. */
  label?: string;
  /** Columns that are not values: names, alphabetic codes, free text, metadata. */
  text?: readonly string[] | ((column: string) => boolean);
  /** Text columns encoded as numbers, keyed by column name. */
  encoders?: Readonly<Record<string, TextRule>>;
  /** Columns the header must have (year and non-optional keys are added). */
  required: readonly string[];
  /**
   * Two rows with the same keys and year: `error` (default) names both lines;
   * `drop-identical` keeps the first when the rows' values are equal (some publishers repeat
   * rows verbatim) and is an error otherwise; `allow` leaves the decision to the caller.
   */
  duplicates?: 'error' | 'drop-identical' | 'allow';
  /**
   * Rows the source itself marks as standing for no state that year (PTS lists states
   * before and after their existence with every score "not applicable"): returns the reason,
   * and the importer reports the row as such instead of matching it.
   */
  placeholder?: (values: Readonly<Record<string, number | null>>) => string | undefined;
  /**
   * Rows that give way to another row of the same country-year when both exist (see
   * `ObservationRecord.yields`): returns why, for the report.
   */
  yields?: (label: string, year: number) => string | undefined;
}

/**
 * Streams the observations of a country-year CSV laid out as `layout` says. Values keep the
 * source's column names; cells `NA`, `..`, `.` and empty are `null` (known missing).
 */
export async function* readCountryYears(
  file: string,
  layout: CountryYearLayout,
  onProgress?: OnProgress,
): AsyncGenerator<ObservationRecord, void, undefined> {
  const required = [
    layout.year,
    ...layout.keys.filter((k) => !k.optional).map((k) => k.column),
    ...layout.required,
  ];
  const table = await CsvTable.open(file, {
    encoding: layout.encoding,
    required: [...new Set(required)],
    onProgress,
  });
  try {
    yield* observations(table, layout);
  } finally {
    await table.close();
  }
}

async function* observations(
  table: CsvTable,
  layout: CountryYearLayout,
): AsyncGenerator<ObservationRecord, void, undefined> {
  const file = table.file;
  const yearAt = table.column(layout.year);
  const keys = layout.keys
    .map((key) => ({
      ...key,
      at: table.indexOf(key.column),
      missing: new Set(key.missing ?? (key.system === 'iso2' ? [''] : ['', 'NA'])),
    }))
    .filter((key) => key.at >= 0);
  const labelColumn =
    layout.label ?? (keys.find((k) => k.system === 'name') ?? keys[0])?.column ?? layout.year;
  const labelAt = table.column(labelColumn);
  const labelSystem = keys.find((k) => k.column === labelColumn)?.system ?? 'name';
  const isText =
    typeof layout.text === 'function'
      ? layout.text
      : (column: string) => (layout.text as readonly string[] | undefined)?.includes(column);
  const notValues = new Set([layout.year, labelColumn, ...keys.map((k) => k.column)]);
  const valueAt: number[] = [];
  const valueNames: string[] = [];
  const valueEncoders: (TextRule | undefined)[] = [];
  table.header.forEach((name, i) => {
    if (name === '' || notValues.has(name) || isText(name)) return;
    valueAt.push(i);
    valueNames.push(name);
    valueEncoders.push(layout.encoders?.[name]);
  });
  const guard = new DuplicateGuard(file, layout.duplicates ?? 'error');

  for await (const { line, fields } of table) {
    const year = parseInteger(fields[yearAt] as string, file, line, layout.year, 'a year');
    const rowKeys: CountryKey[] = [];
    for (const key of keys) {
      const text = (fields[key.at] as string).trim();
      if (key.missing.has(text)) continue;
      const code = normaliseCode(text, key.system, file, line, key.column);
      if (!rowKeys.some((k) => k.system === key.system && k.code === code)) {
        rowKeys.push({ system: key.system, code });
      }
    }
    if (rowKeys.length === 0) {
      throw new InputError('the row names no country', {
        file,
        line,
        column: keys[0]?.column,
        expected: `a value in ${keys.map((k) => `"${k.column}"`).join(' or ')}`,
      });
    }
    const values: Record<string, number | null> = {};
    for (let v = 0; v < valueAt.length; v++) {
      const text = fields[valueAt[v] as number] as string;
      const name = valueNames[v] as string;
      const encoder = valueEncoders[v];
      values[name] = encoder
        ? encodeText(encoder, text, file, line, name)
        : parseNumber(text, file, line, name);
    }
    const label = labelOf((fields[labelAt] as string).trim(), labelSystem, rowKeys);
    const duplicateKey = `${year}\u0001${rowKeys.map((k) => `${k.system}:${k.code}`).join('\u0001')}`;
    const accepted = guard.accept(duplicateKey, line, label, year, valueAt, fields);
    const placeholder = layout.placeholder?.(values);
    const record: ObservationRecord = { line, keys: rowKeys, label, year, values };
    const yields = layout.yields?.(label, year);
    if (yields) record.yields = yields;
    if (accepted !== true) record.yields = `repeats line ${accepted} word for word`;
    if (placeholder) record.placeholder = placeholder;
    yield record;
  }
}

/**
 * A row's label: the name as written; a numeric code reads better with its system ("GW 2");
 * a row without the label cell falls back to its first key.
 */
function labelOf(text: string, system: CodeSystem | 'name', keys: readonly CountryKey[]): string {
  const numeric = system === 'cow' || system === 'gw' || system === 'isoN' || system === 'vdem';
  if (text !== '' && !numeric) return text;
  const key = keys.find((k) => k.system === system) ?? (keys[0] as CountryKey);
  const prefix = { cow: 'COW', gw: 'GW', isoN: 'ISO', vdem: 'V-Dem' } as Record<string, string>;
  return key.system === 'name' ? key.code : `${prefix[key.system] ?? key.system} ${key.code}`;
}

/**
 * Country codes as the registry expects them: numeric systems (COW, G-W, ISO numeric, V-Dem
 * id) as integers without padding or decimals; alphabetic codes upper-cased; names as written.
 */
export function normaliseCode(
  text: string,
  system: CodeSystem | 'name',
  file: string,
  line: number,
  column: string,
): string {
  switch (system) {
    case 'cow':
    case 'gw':
    case 'isoN':
    case 'vdem':
      return String(parseInteger(text, file, line, column, `a numeric ${system} country code`));
    case 'name':
      return text;
    default:
      return text.toUpperCase();
  }
}

function encodeText(
  encoder: TextRule,
  text: string,
  file: string,
  line: number,
  column: string,
): number | null {
  const value = encoder.encode(text);
  if (value !== undefined) return value;
  throw new InputError(`"${text}" is not a value this column can take`, {
    file,
    line,
    column,
    expected: encoder.expected,
  });
}

/**
 * Remembers the line of every country-year seen (one short string and number per row), to
 * report a repeated country-year with both lines.
 */
export class DuplicateGuard {
  private readonly seen = new Map<string, { line: number; fingerprint?: string }>();

  constructor(
    private readonly file: string,
    private readonly policy: 'error' | 'drop-identical' | 'allow',
  ) {}

  /**
   * `true` when the row is new; the earlier row's line when it repeats that row verbatim
   * under `drop-identical`; throws InputError for a conflicting repeat.
   */
  accept(
    key: string,
    line: number,
    label: string,
    year: number,
    valueAt: readonly number[],
    fields: readonly string[],
  ): true | number {
    if (this.policy === 'allow') return true;
    const fingerprint =
      this.policy === 'drop-identical' ? valueAt.map((i) => fields[i]).join('\u0001') : undefined;
    const earlier = this.seen.get(key);
    if (earlier === undefined) {
      this.seen.set(key, { line, fingerprint });
      return true;
    }
    if (fingerprint !== undefined && fingerprint === earlier.fingerprint) return earlier.line;
    throw duplicateError(this.file, label, year, earlier.line, line);
  }
}

/** `"X" 1993 appears twice, on lines 12 and 40`, located at the second line. */
export function duplicateError(
  file: string,
  label: string,
  year: number,
  firstLine: number,
  secondLine: number,
): InputError {
  return new InputError(
    `"${label}" ${year} appears twice, on lines ${firstLine} and ${secondLine}`,
    { file, line: secondLine, expected: 'one row per country and year' },
  );
}

import { readFile } from 'node:fs/promises';
import { InputError } from '../core/errors.js';
import { readHead } from './spreadsheet.js';
import { WDI } from './wdi-common.js';
import type { CountryKey, ObservationRecord, OnProgress, SourceDescriptor } from './types.js';

/**
 * A response of the World Bank Indicators API v2 in JSON
 * (`https://api.worldbank.org/v2/country/all/indicator/{id}?format=json&per_page=20000`),
 * saved to a file: `[ {page, pages, per_page, total, …}, [ {indicator: {id, value},
 * country: {id, value}, countryiso3code, date, value, …}, … ] ]`. A file may also hold
 * several responses in an outer array (pages, or one per indicator), and may mix indicators
 * (`indicator/A;B?source=2`).
 *
 * Records are country-years: all indicators of one country and year in one record, keyed by
 * `countryiso3code` (ISO3; empty for some aggregates), `country.id` (ISO2 for countries) and
 * the World Bank name. Variable names are the indicator ids (`NY.GDP.PCAP.KD`); a `null`
 * value is known missing. `line` is the 1-based position of the country-year's first entry
 * among all entries of the file (JSON has no useful line numbers: the API writes one line).
 * The file is read whole: one indicator for all countries and years is about 4 MB.
 */
export async function* readWdiApi(
  path: string,
  onProgress?: OnProgress,
): AsyncGenerator<ObservationRecord, void, undefined> {
  const text = await readText(path);
  onProgress?.(Buffer.byteLength(text), Buffer.byteLength(text));
  const pages = responses(parseJson(path, text), path);
  const byCountryYear = new Map<string, ObservationRecord>();
  const entryOf = new Map<string, number>();
  let entry = 0;
  pages.forEach((rows, p) => {
    for (const item of rows) {
      entry++;
      const where = `entry ${entry} (response ${p + 1})`;
      const row = checkEntry(item, path, where);
      const keyText = `${row.countryKey}\u0001${row.year}`;
      let record = byCountryYear.get(keyText);
      if (record === undefined) {
        record = { line: entry, keys: row.keys, label: row.label, year: row.year, values: {} };
        byCountryYear.set(keyText, record);
      }
      const valueKey = `${keyText}\u0001${row.indicator}`;
      const earlier = entryOf.get(valueKey);
      if (earlier !== undefined) {
        throw new InputError(
          `${row.indicator} for "${row.label}" ${row.year} is given twice, in entries ${earlier} and ${entry}`,
          { file: path, column: 'value', expected: 'one entry per indicator, country and year' },
        );
      }
      entryOf.set(valueKey, entry);
      record.values[row.indicator] = row.value;
    }
  });
  yield* byCountryYear.values();
}

interface Entry {
  indicator: string;
  countryKey: string;
  keys: CountryKey[];
  label: string;
  year: number;
  value: number | null;
}

async function readText(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new InputError(error instanceof Error ? error.message : String(error), {
      file: path,
      expected: 'a readable file',
    });
  }
}

function parseJson(path: string, text: string): unknown {
  try {
    return JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const position = /position (\d+)/.exec(message)?.[1];
    const line =
      position === undefined
        ? text.split('\n').length
        : text.slice(0, Number(position)).split('\n').length;
    throw new InputError(`not valid JSON: ${message}`, {
      file: path,
      line,
      expected: 'a World Bank API v2 JSON response (the file may be truncated)',
    });
  }
}

/** The entry arrays of every response in the file. */
function responses(json: unknown, path: string): unknown[][] {
  const shapeError = (what: string) =>
    new InputError(what, {
      file: path,
      expected:
        'a World Bank API v2 JSON response: [ {"page": …, "pages": …, "per_page": …, "total": …}, [ entries ] ]',
    });
  if (!Array.isArray(json) || json.length === 0) throw shapeError('not a World Bank API response');
  const apiMessage = errorMessage(json[0]);
  if (apiMessage !== undefined) {
    throw new InputError(`the World Bank API returned an error instead of data: ${apiMessage}`, {
      file: path,
      expected: 'a successful response (check the indicator id and the query parameters)',
    });
  }
  const list: unknown[] = Array.isArray(json[0]) ? json : [json];
  const pagesSeen = new Map<string, { pages: number; seen: Set<number> }>();
  const all = list.map((response, i) => {
    if (!Array.isArray(response) || !isMeta(response[0])) {
      throw shapeError(`response ${i + 1} does not start with the paging object`);
    }
    const rows: unknown = response[1];
    if (rows !== null && rows !== undefined && !Array.isArray(rows)) {
      throw shapeError(`response ${i + 1} has no array of entries`);
    }
    const entries: unknown[] = rows ?? [];
    const { page, pages } = response[0] as { page: unknown; pages: unknown };
    const series = idOf((entries[0] as { indicator?: unknown } | undefined)?.indicator) ?? '';
    const paging = pagesSeen.get(series) ?? { pages: Number(pages) || 1, seen: new Set() };
    paging.seen.add(Number(page) || 1);
    pagesSeen.set(series, paging);
    return entries;
  });
  // A saved first page of a multi-page answer would silently lose the other pages.
  for (const [series, { pages, seen }] of pagesSeen) {
    const missing = Array.from({ length: pages }, (_, i) => i + 1).filter((p) => !seen.has(p));
    if (missing.length > 0) {
      throw new InputError(
        `${series || 'the response'} has ${pages} pages but the file holds only page${seen.size > 1 ? 's' : ''} ${[...seen].join(', ')}`,
        {
          file: path,
          expected: 'every page of the response (or one page: request with per_page=20000)',
        },
      );
    }
  }
  return all;
}

function isMeta(value: unknown): boolean {
  return typeof value === 'object' && value !== null && 'page' in value && 'per_page' in value;
}

/** The API's `[{"message": [{"id", "key", "value"}]}]` error, as text. */
function errorMessage(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || !('message' in value)) return undefined;
  const messages = (value as { message: unknown }).message;
  if (!Array.isArray(messages)) return String(messages);
  return messages
    .map((m: unknown) => {
      const { id, key, value: detail } = (m ?? {}) as Record<string, unknown>;
      return [id, key, detail].filter((x) => x !== undefined).join(' ');
    })
    .join('; ');
}

function checkEntry(item: unknown, path: string, where: string): Entry {
  const bad = (column: string, expected: string, got: unknown) =>
    new InputError(`${where}: ${JSON.stringify(got) ?? 'nothing'} is not ${expected}`, {
      file: path,
      column,
      expected,
    });
  if (typeof item !== 'object' || item === null) throw bad('entry', 'an object', item);
  const row = item as Record<string, unknown>;
  const indicator = idOf(row.indicator);
  if (indicator === undefined) throw bad('indicator', 'an object with an "id"', row.indicator);
  const countryId = idOf(row.country);
  if (countryId === undefined) throw bad('country', 'an object with an "id"', row.country);
  const name = (row.country as { value?: unknown }).value;
  const iso3 = typeof row.countryiso3code === 'string' ? row.countryiso3code.trim() : '';
  if (typeof row.date !== 'string' || !/^\d{4}$/.test(row.date)) {
    throw bad('date', 'a calendar year such as "2020" (annual data)', row.date);
  }
  const value = row.value;
  if (value !== null && (typeof value !== 'number' || !Number.isFinite(value))) {
    throw bad('value', 'a number or null', value);
  }
  const keys: CountryKey[] = [];
  if (iso3 !== '') keys.push({ system: 'iso3', code: iso3.toUpperCase() });
  if (/^[A-Za-z]{2}$/.test(countryId)) keys.push({ system: 'iso2', code: countryId.toUpperCase() });
  const label = typeof name === 'string' && name.trim() !== '' ? name.trim() : iso3 || countryId;
  if (typeof name === 'string' && name.trim() !== '') keys.push({ system: 'name', code: label });
  return {
    indicator,
    countryKey: iso3 || countryId,
    keys: keys.length > 0 ? keys : [{ system: 'name', code: countryId }],
    label,
    year: Number(row.date),
    value,
  };
}

function idOf(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const id = (value as { id?: unknown }).id;
  return typeof id === 'string' && id.trim() !== '' ? id.trim() : undefined;
}

/** World Development Indicators through the World Bank API v2 (saved JSON responses). */
export const wdiApi: SourceDescriptor = {
  kind: 'wdi-api',
  title: 'World Development Indicators (World Bank API v2, JSON)',
  ...WDI,
  url: 'https://api.worldbank.org/v2/country/all/indicator/{indicator}?format=json&per_page=20000',
  version: 'API v2',
  signature: [],
  sniff: async (path) => {
    const head = (await readHead(path, 4096)).toString('utf8').replace(/^\uFEFF/, '');
    return (
      /^\s*\[\s*\[?\s*\{[^{}]*"per_page"\s*:/.test(head) ||
      /^\s*\[\s*\{\s*"message"\s*:\s*\[\s*\{[^{}]*"key"/.test(head)
    );
  },
  readObservations: readWdiApi,
};

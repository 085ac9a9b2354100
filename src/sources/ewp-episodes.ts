import { InputError } from '../core/errors.js';
import { parseInteger } from './csv.js';
import { EWP } from './ewp-common.js';
import { isWorkbook, readSheetHeaders, sniffFormat } from './spreadsheet.js';
import { openTable } from './table.js';
import type { RowSource } from './table.js';
import type { EpisodeRecord, OnProgress, SourceDescriptor } from './types.js';

/** The sheet of the EWP workbook that lists the episodes. */
export const EPISODE_SHEET = 'mk_events';

const STATE_LED = 'State-Led or Non-State-Led';

/**
 * Columns of the episode list. The published file misspells "responsible"
 * (`mk_repsonsible_state_…`); the correct spelling is accepted too, should a later release
 * fix it.
 */
const COLUMNS = {
  country: 'country',
  name: 'mk_event_name',
  summary: 'mk_event_summary',
  start: 'startyear',
  end: 'endyear',
  code: 'mk_event_code',
  stateLed: STATE_LED,
  ethnicGroups: 'mk_number_eth_groups',
  location: ['mk_location_cow', 'mk_location_inheritor1', 'mk_location_inheritor2'],
  responsible: [
    'mk_repsonsible_state_cow',
    'mk_repsonsible_state_inheritor1',
    'mk_repsonsible_state_inheritor2',
  ],
} as const;

const SIGNATURE = ['mk_event_code', 'mk_event_name', 'startyear', 'endyear', STATE_LED];

/**
 * Reads the EWP mass-killing episode list from the workbook (sheet `mk_events`) or from the
 * same rows saved as CSV; both give the same records (`line` is the spreadsheet row or the
 * CSV line). A blank end year means still under way at the end of the data (`endYear` null).
 * COW lists keep the order location/responsible state, inheritor 1, inheritor 2, without
 * blanks or repeats. Throws InputError for a repeated episode code, an end before the start,
 * or a state-led cell that is neither "State-Led" nor "Non-State-Led".
 */
export async function* readEpisodes(
  path: string,
  onProgress?: OnProgress,
): AsyncGenerator<EpisodeRecord, void, undefined> {
  const table = await openTable(path, {
    sheet: EPISODE_SHEET,
    required: [...SIGNATURE, COLUMNS.country, COLUMNS.summary, COLUMNS.location[0]],
    onProgress,
  });
  const file = table.file;
  const at = (name: string) => table.indexOf(name);
  const col = {
    country: at(COLUMNS.country),
    name: at(COLUMNS.name),
    summary: at(COLUMNS.summary),
    start: at(COLUMNS.start),
    end: at(COLUMNS.end),
    code: at(COLUMNS.code),
    stateLed: at(COLUMNS.stateLed),
    ethnicGroups: at(COLUMNS.ethnicGroups),
    location: COLUMNS.location.map(at),
    responsible: COLUMNS.responsible.map((name) => {
      const i = at(name);
      return i >= 0 ? i : at(name.replace('repsonsible', 'responsible'));
    }),
  };
  const firstLineOf = new Map<string, number>();
  for await (const { line, fields } of table) {
    const cell = (i: number) => (i >= 0 ? (fields[i] as string).trim() : '');
    const code = cell(col.code);
    if (code === '') {
      throw new InputError('the episode has no code', {
        file,
        line,
        column: COLUMNS.code,
        expected: 'an episode code such as "afg1978s1"',
      });
    }
    const earlier = firstLineOf.get(code);
    if (earlier !== undefined) {
      throw new InputError(
        `episode code "${code}" appears twice, on lines ${earlier} and ${line}`,
        {
          file,
          line,
          column: COLUMNS.code,
          expected: 'one row per episode',
        },
      );
    }
    firstLineOf.set(code, line);
    const startYear = parseInteger(cell(col.start), file, line, COLUMNS.start, 'a start year');
    const endText = cell(col.end);
    const endYear =
      endText === '' || endText === 'NA'
        ? null
        : parseInteger(endText, file, line, COLUMNS.end, 'an end year');
    if (endYear !== null && endYear < startYear) {
      throw new InputError(`the episode ends (${endYear}) before it starts (${startYear})`, {
        file,
        line,
        column: COLUMNS.end,
        expected: `an end year of ${startYear} or later, or a blank cell for an ongoing episode`,
      });
    }
    const ethnic = cell(col.ethnicGroups);
    yield {
      line,
      code,
      name: text(cell(col.name)),
      summary: text(cell(col.summary)),
      countryLabel: cell(col.country),
      startYear,
      endYear,
      stateLed: parseStateLed(cell(col.stateLed), file, line),
      ethnicGroups:
        ethnic === '' || ethnic === 'NA'
          ? null
          : parseInteger(ethnic, file, line, COLUMNS.ethnicGroups, 'a number of groups'),
      locationCow: cowList(table, fields, col.location, file, line),
      responsibleCow: cowList(table, fields, col.responsible, file, line),
    };
  }
}

/** Free text with Windows line breaks made plain (Excel and CSV exports differ there). */
function text(value: string): string {
  return value.replace(/\r\n?/g, '\n');
}

function parseStateLed(value: string, file: string, line: number): boolean {
  const folded = value.toLowerCase().replace(/[^a-z]/g, '');
  if (folded === 'stateled') return true;
  if (folded === 'nonstateled') return false;
  throw new InputError(`"${value}" is not a state-led flag`, {
    file,
    line,
    column: STATE_LED,
    expected: '"State-Led" or "Non-State-Led"',
  });
}

function cowList(
  table: RowSource,
  fields: readonly string[],
  columns: readonly number[],
  file: string,
  line: number,
): number[] {
  const codes: number[] = [];
  for (const i of columns) {
    if (i < 0) continue;
    const value = (fields[i] as string).trim();
    if (value === '' || value === 'NA') continue;
    const code = parseInteger(value, file, line, table.header[i] as string, 'a COW country code');
    if (!codes.includes(code)) codes.push(code);
  }
  return codes;
}

/** EWP mass-killing episode list (`…mass killing events….xlsx`, sheet `mk_events`, or CSV). */
export const ewpEpisodes: SourceDescriptor = {
  kind: 'ewp-episodes',
  title: 'Early Warning Project mass-killing episodes',
  ...EWP,
  signature: SIGNATURE,
  sniff: async (path) => {
    if (!isWorkbook(await sniffFormat(path))) return false;
    const header = (await readSheetHeaders(path))?.get(EPISODE_SHEET);
    return header !== undefined && SIGNATURE.every((c) => header.includes(c));
  },
  readEpisodes,
};

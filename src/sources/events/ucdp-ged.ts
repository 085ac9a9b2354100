import type { EventCategory } from '../../core/escalation/taxonomy.js';
import type {
  Actor,
  ActorType,
  DatePrecision,
  PlacePrecision,
} from '../../core/escalation/types.js';
import { InputError } from '../../core/errors.js';
import { CsvTable } from '../csv.js';
import type { CountryKey, OnProgress } from '../types.js';
import {
  oneOf,
  parseCoordinate,
  parseDeaths,
  parseEventDate,
  required,
  splitList,
} from './fields.js';
import { readJsonRecords } from './json.js';
import { plainCsvRecords } from './plain-csv.js';
import type { EventReader, EventRow, ReadEvent } from './types.js';

/**
 * UCDP Georeferenced Event Dataset (GED): one row per event of organised violence with at
 * least one death. Mapping onto the taxonomy (docs/escalation.md, "UCDP GED"):
 * - `type_of_violence` 1 (state-based) → `violence.armed-clash`; 2 (non-state) →
 *   `violence.non-state`, or `violence.communal` when both sides are identity groups;
 *   3 (one-sided, against civilians) → `violence.against-civilians.attack`, civilian
 *   targeting true.
 * - Actors: side A and side B. "Government of …" is `state-forces` when its Gleditsch-Ward
 *   code (`gwnoa`/`gwnob`) is the event's country, else `external`; "Civilians" are
 *   `civilians`; in non-state violence "Supporters of …" are a `political-militia` and
 *   religious or ethnic communities (names such as "Christians (Nigeria)", "Fulani") an
 *   `identity-militia`; other non-state sides are `rebels` (organised armed groups).
 * - `date_prec` 1 day, 2 days, 3 week, 4 month, 5 year (within the `date_start`–`date_end`
 *   span UCDP gives); `where_prec` 1 exact, 2 near (≤ 25 km), 3 admin2, 4 admin1, 5 region,
 *   6 country, 7 unknown (international waters or airspace).
 * - Deaths `best`, `low`, `high` (bounds widened to include `best` where a row has it outside
 *   them); reliability `high` for `event_clarity` 1, `medium` for 2;
 *   sources from `source_office`; public data (CLEAR); accountability not coded (unknown).
 * Country: `country_id` (Gleditsch-Ward), then the `country` name.
 */
const REQUIRED = [
  'id',
  'type_of_violence',
  'side_a',
  'side_b',
  'country',
  'country_id',
  'date_start',
  'date_end',
  'date_prec',
  'where_prec',
  'latitude',
  'longitude',
  'best',
  'low',
  'high',
];

const TYPES: Record<string, 1 | 2 | 3> = { '1': 1, '2': 2, '3': 3 };
const DATE_PRECISION: Record<string, DatePrecision> = {
  '1': 'day',
  '2': 'days',
  '3': 'week',
  '4': 'month',
  '5': 'year',
};
const PLACE_PRECISION: Record<string, PlacePrecision> = {
  '1': 'exact',
  '2': 'near',
  '3': 'admin2',
  '4': 'admin1',
  '5': 'region',
  '6': 'country',
  '7': 'unknown',
};

/** Religious and ethnic community names UCDP uses for informally organised non-state sides. */
export const IDENTITY =
  /\b(christians?|muslims?|hindus?|sikhs?|buddhists?|jews|sunnis?|shi'?as?|fulani|hema|lendu|dinka|nuer|tiv|birom|berom|jukun|tutsi|hutu|pokot|turkana|toposa|karamojong|murle|lou nuer|bari|dogon|bambara|tuareg|arabs?|afar|issa|oromo|somali|amhara|borana|garre|degodia|marehan|hawiye|darod|dir|masalit|zaghawa|fur|misseriya|rizeigat|maaliya|hamar|mangal|turi|zaidi|kuki|naga|bodo|adivasis?|santhal|dayak|madurese|yoruba|hausa|igbo|ijaw|itsekiri|urhobo|kikuyu|kalenjin|luo|luhya|kisii|maasai|ethnic|tribe|clan)\b/i;

/** The actor type of a GED side (see the mapping above). */
function gedActorType(name: string, gw: string, countryGw: string, type: 1 | 2 | 3): ActorType {
  if (/^government of /i.test(name)) {
    return gw === '' || gw.split(',').some((s) => s.trim() === countryGw)
      ? 'state-forces'
      : 'external';
  }
  if (/^civilians\b/i.test(name)) return 'civilians';
  if (type === 2) {
    if (/^supporters of /i.test(name)) return 'political-militia';
    if (IDENTITY.test(name)) return 'identity-militia';
  }
  return 'rebels';
}

/** One GED row, its cells got by column name (CSV) or key (API JSON), as text. */
export type GedCells = (column: string) => string;

/** Maps one GED row (cells by column name) onto an event; InputError for a malformed cell. */
export function mapGedRow(get: GedCells, file: string, line: number): EventRow {
  const id = required(get('id'), file, line, 'id', 'the event id');
  if (!/^\d+$/.test(id)) {
    throw new InputError(`"${id}" is not a GED event id`, {
      file,
      line,
      column: 'id',
      expected: 'a whole number',
    });
  }
  const type = oneOf(
    get('type_of_violence'),
    TYPES,
    file,
    line,
    'type_of_violence',
    '1 (state-based), 2 (non-state) or 3 (one-sided)',
  );
  const countryGw = required(
    get('country_id'),
    file,
    line,
    'country_id',
    'the Gleditsch-Ward country code',
  );
  if (!/^\d+$/.test(countryGw)) {
    throw new InputError(`"${countryGw}" is not a Gleditsch-Ward code`, {
      file,
      line,
      column: 'country_id',
      expected: 'a whole number',
    });
  }
  const countryName = get('country').trim();
  const start = parseEventDate(get('date_start'), file, line, 'date_start');
  const end = parseEventDate(get('date_end'), file, line, 'date_end');
  if (end < start) {
    throw new InputError(`date_end ${end} is before date_start ${start}`, {
      file,
      line,
      column: 'date_end',
      expected: 'a date on or after date_start',
    });
  }
  const precision = oneOf(
    get('date_prec'),
    DATE_PRECISION,
    file,
    line,
    'date_prec',
    'a date precision 1 to 5',
  );
  const placePrecision = oneOf(
    get('where_prec'),
    PLACE_PRECISION,
    file,
    line,
    'where_prec',
    'a place precision 1 to 7',
  );
  const latitude = parseCoordinate(get('latitude'), file, line, 'latitude', 90);
  const longitude = parseCoordinate(get('longitude'), file, line, 'longitude', 180);
  const best = parseDeaths(get('best'), file, line, 'best');
  // About 1% of GED rows have a best estimate outside [low, high] (e.g. low 3, best 2):
  // the bounds are widened to include it rather than the publisher's file refused.
  const low = Math.min(best, parseDeaths(get('low'), file, line, 'low'));
  const high = Math.max(best, parseDeaths(get('high'), file, line, 'high'));
  const sideA = required(get('side_a'), file, line, 'side_a', 'side A');
  const sideB = required(get('side_b'), file, line, 'side_b', 'side B');
  const a: Actor = {
    name: sideA,
    type: gedActorType(sideA, get('gwnoa').trim(), countryGw, type),
    side: 'a',
  };
  const b: Actor = {
    name: sideB,
    type: gedActorType(sideB, get('gwnob').trim(), countryGw, type),
    side: 'b',
  };
  let category: EventCategory;
  if (type === 1) category = 'violence.armed-clash';
  else if (type === 3) category = 'violence.against-civilians.attack';
  else
    category =
      a.type === 'identity-militia' && b.type === 'identity-militia'
        ? 'violence.communal'
        : 'violence.non-state';
  const place: ReadEvent['place'] = { precision: placePrecision };
  const where = get('where_coordinates').trim();
  if (where) place.name = where;
  const adm1 = get('adm_1').trim();
  const adm2 = get('adm_2').trim();
  if (adm1) place.admin1 = adm1;
  if (adm2) place.admin2 = adm2;
  if (latitude !== undefined && longitude !== undefined) {
    place.latitude = latitude;
    place.longitude = longitude;
  }
  const offices = splitList(get('source_office'), ';');
  const notes = [get('dyad_name').trim(), get('where_description').trim()]
    .filter((s) => s !== '')
    .join('; ');
  const keys: CountryKey[] = [{ system: 'gw', code: String(Number(countryGw)) }];
  if (countryName) keys.push({ system: 'name', code: countryName });
  const event: ReadEvent = {
    source: 'ucdp-ged',
    sourceId: id,
    date: { start, end, precision },
    place,
    actors: [a, b],
    category,
    civilianTargeted: type === 3,
    deaths: { best, low, high },
    accountability: 'unknown',
    sources: offices.length ? offices.map((name) => ({ name })) : [{ name: 'UCDP' }],
    reliability: get('event_clarity').trim() === '2' ? 'medium' : 'high',
    sharing: 'CLEAR',
  };
  if (notes) event.notes = notes;
  return { type: 'event', line, keys, label: countryName || `GW ${countryGw}`, event };
}

/** Reads a GED CSV file (the publisher's download, one event per row). */
export async function* readGedCsv(
  path: string,
  onProgress?: OnProgress,
): AsyncGenerator<EventRow, void, undefined> {
  const options = { required: REQUIRED, onProgress };
  const table = await CsvTable.open(path, { required: REQUIRED });
  const index = (c: string) => table.indexOf(c);
  const columns = new Map<string, number>();
  for (const name of [
    ...REQUIRED,
    'gwnoa',
    'gwnob',
    'where_coordinates',
    'adm_1',
    'adm_2',
    'source_office',
    'dyad_name',
    'where_description',
    'event_clarity',
  ]) {
    columns.set(name, index(name));
  }
  const seen = new Map<string, number>();
  for await (const { line, fields } of plainCsvRecords(table, options)) {
    const get: GedCells = (c) => {
      const i = columns.get(c) ?? -1;
      return i < 0 ? '' : (fields[i] as string);
    };
    const row = mapGedRow(get, path, line);
    if (row.type === 'event') checkUnique(seen, row.event.sourceId, line, path);
    yield row;
  }
}

/**
 * Reads a page of the UCDP API (`/api/gedevents/VERSION`): an object whose `Result` array
 * holds events with the CSV's column names (numbers as numbers, dates with a time part).
 */
export async function* readGedApi(
  path: string,
  onProgress?: OnProgress,
): AsyncGenerator<EventRow, void, undefined> {
  const records = await readJsonRecords(path, ['Result'], onProgress);
  const seen = new Map<string, number>();
  for (const { line, value } of records) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new InputError('a record is not a JSON object', {
        file: path,
        line,
        expected: 'an object per event',
      });
    }
    const record = value as Record<string, unknown>;
    const missing = REQUIRED.find((c) => !(c in record));
    if (missing) {
      throw new InputError('the record lacks a field', {
        file: path,
        line,
        column: missing,
        expected: `the fields ${REQUIRED.join(', ')}`,
      });
    }
    const row = mapGedRow((c) => textOf(record[c]), path, line);
    if (row.type === 'event') checkUnique(seen, row.event.sourceId, line, path);
    yield row;
  }
}

/** A JSON value as the text a CSV cell would hold (null and absent: empty). */
export function textOf(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}

/** An event id seen twice in one file is an error: the natural key must be unique. */
export function checkUnique(
  seen: Map<string, number>,
  id: string,
  line: number,
  file: string,
): void {
  const earlier = seen.get(id);
  if (earlier !== undefined) {
    throw new InputError(`event id "${id}" appears twice, on lines ${earlier} and ${line}`, {
      file,
      line,
      expected: 'each event once per file',
    });
  }
  seen.set(id, line);
}

const COMMON = {
  source: 'ucdp-ged' as const,
  title: 'UCDP Georeferenced Event Dataset (GED)',
  publisher:
    'Uppsala Conflict Data Program, Department of Peace and Conflict Research, Uppsala University',
  licence: 'CC BY 4.0: free to use with attribution.',
  citation:
    'Sundberg, Ralph and Erik Melander (2013). Introducing the UCDP Georeferenced Event Dataset. Journal of Peace Research 50(4): 523–532; Davies, Shawn et al. (2024), Organized violence 1989–2023. Journal of Peace Research 61(4).',
};

/** UCDP GED as downloaded (CSV). */
export const ucdpGedCsv: EventReader = {
  ...COMMON,
  kind: 'ucdp-ged',
  url: 'https://ucdp.uu.se/downloads/',
  signature: REQUIRED,
  read: readGedCsv,
};

/** UCDP GED from the UCDP API (JSON pages). */
export const ucdpGedApi: EventReader = {
  ...COMMON,
  kind: 'ucdp-ged-api',
  url: 'https://ucdpapi.pcr.uu.se/api/gedevents/23.1',
  read: readGedApi,
};

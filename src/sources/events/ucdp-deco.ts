import type { EventCategory } from '../../core/escalation/taxonomy.js';
import type { Actor, ActorType, DatePrecision } from '../../core/escalation/types.js';
import { daysBetween } from '../../core/escalation/dates.js';
import { InputError } from '../../core/errors.js';
import { CsvTable } from '../csv.js';
import type { CountryKey, OnProgress } from '../types.js';
import { oneOf, parseCoordinate, parseDeaths, required, splitList } from './fields.js';
import type { EventReader, EventRow, ReadEvent } from './types.js';
import { IDENTITY, checkUnique } from './ucdp-ged.js';

/**
 * UCDP Deadly Electoral Conflict dataset (DECO): events of organised violence tied to an
 * election, with GED-like columns and electoral ones (docs/escalation.md, "UCDP DECO").
 * - `type_of_violence` 1, 2, 3 as in GED (armed clash; non-state or, between identity
 *   groups, communal violence; one-sided violence against civilians); 4, violence that does
 *   not meet GED's organisation threshold: state forces firing on protesters or supporters
 *   (`violence.against-civilians.excessive-force`), others' deadly clashes
 *   (`violence.communal`).
 * - Actors: "Government of …" is `state-forces` when it names the event's country, else
 *   `external`; "Civilians" `civilians`; "Opponents of …" and "Supporters of …"
 *   `political-militia`; other sides by the electoral side (`electoral_side_a`,
 *   `electoral_side_b`): security forces and public officials `state-forces`, political
 *   supporters and politicians `political-militia`; a side named after a religious or
 *   ethnic community (the GED reader's list: Kikuyu, Kalenjin, …) `identity-militia`;
 *   other militias `political-militia`, rebel groups `rebels`, external actors `external`,
 *   civilians `civilians`, anything else `unknown`.
 * - Dates `date_start`, `date_end` as `M/D/YYYY`; precision from the span (one day `day`,
 *   up to six `days`, up to a week `week`, up to a month `month`, longer `year`).
 * - Place: coordinates when given (`NA` when not); DECO gives no place precision, so it is
 *   `unknown`.
 * - Deaths `best`, `low`, `high` (bounds widened to include `best`).
 * - Electoral purpose, timing (1 before the election, 2 on election day, 3 after it; other
 *   codes kept as written), electoral sides and perpetrator code go into the notes, which
 *   rules and analysts read; `ucdp_ged` 1 marks events also in GED.
 * - Reliability `high` (UCDP-coded); public data (CLEAR); accountability not coded (unknown).
 * Country: `country_id` (Gleditsch-Ward), then the `country` name.
 */
const REQUIRED = [
  'id',
  'type_of_violence',
  'side_a',
  'side_b',
  'country_id',
  'country',
  'date_start',
  'date_end',
  'best',
  'low',
  'high',
  'latitude',
  'longitude',
  'electoral_vio',
  'electoral_purpose',
  'electoral_timing',
];

const OPTIONAL = [
  'source_article',
  'conflict_name',
  'electoral_side_a',
  'electoral_side_b',
  'electoral_perpetrator',
  'electoral_type',
  'ucdp_ged',
];

const TYPES: Record<string, 1 | 2 | 3 | 4> = { '1': 1, '2': 2, '3': 3, '4': 4 };

/** DECO's electoral timing codes, as far as the lens reads them. */
export const DECO_TIMING: Readonly<Record<string, string>> = {
  '1': 'before the election',
  '2': 'on election day',
  '3': 'after the election',
};

const ELECTORAL_SIDE: Record<string, ActorType> = {
  'security forces': 'state-forces',
  'public officials': 'state-forces',
  'political supporters': 'political-militia',
  politicians: 'political-militia',
  'political figures': 'political-militia',
  'rebel group': 'rebels',
  'external actors': 'external',
  civilians: 'civilians',
};

function actorType(name: string, electoralSide: string, country: string): ActorType {
  const gov = /^government of (.+)$/i.exec(name);
  if (gov) return sameCountry(gov[1] as string, country) ? 'state-forces' : 'external';
  if (/^civilians\b/i.test(name)) return 'civilians';
  if (/^(opponents|supporters) of /i.test(name)) return 'political-militia';
  if (IDENTITY.test(name)) return 'identity-militia';
  const side = electoralSide.trim().toLowerCase();
  if (side === 'milita' || side === 'militia') return 'political-militia';
  return ELECTORAL_SIDE[side] ?? 'unknown';
}

/** "Kenya" in "Government of Kenya"; "Yemen (North Yemen)" in "Government of Yemen (North Yemen)". */
function sameCountry(named: string, country: string): boolean {
  const base = (s: string) =>
    s
      .replace(/\s*\(.*\)\s*$/, '')
      .trim()
      .toLowerCase();
  return base(named) === base(country) || named.trim().toLowerCase() === country.toLowerCase();
}

/** `M/D/YYYY` (DECO's dates) as ISO. */
function decoDate(text: string, file: string, line: number, column: string): string {
  const m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(text.trim());
  const iso = m
    ? `${m[3]}-${(m[1] as string).padStart(2, '0')}-${(m[2] as string).padStart(2, '0')}`
    : '';
  if (!m || Number.isNaN(Date.parse(`${iso}T00:00:00Z`)) || !validDay(iso)) {
    throw new InputError(text.trim() === '' ? 'the date is missing' : `"${text}" is not a date`, {
      file,
      line,
      column,
      expected: 'a date M/D/YYYY',
    });
  }
  return iso;
}

function validDay(iso: string): boolean {
  return new Date(`${iso}T00:00:00Z`).toISOString().slice(0, 10) === iso;
}

function precisionOf(start: string, end: string): DatePrecision {
  const days = daysBetween(start, end) + 1;
  if (days <= 1) return 'day';
  if (days <= 6) return 'days';
  if (days <= 7) return 'week';
  if (days <= 31) return 'month';
  return 'year';
}

/** A number followed by letters ("123.58333Masbate"): the number and the name; else the text alone. */
function splitTrailingName(text: string): [string, string | undefined] {
  const m = /^([+-]?\d+(?:\.\d+)?)([A-Za-z][A-Za-z .'-]*)$/.exec(text);
  return m ? [m[1] as string, (m[2] as string).trim()] : [text, undefined];
}

/** `NA` (R's missing value) read as an empty cell. */
function cell(text: string | undefined): string {
  const t = (text ?? '').trim();
  return t === 'NA' ? '' : t;
}

/** Maps one DECO row (cells by column name) onto an event; InputError for a malformed cell. */
export function mapDecoRow(get: (column: string) => string, file: string, line: number): EventRow {
  const id = required(get('id'), file, line, 'id', 'the event id');
  if (!/^\d+$/.test(id))
    throw new InputError(`"${id}" is not a DECO event id`, {
      file,
      line,
      column: 'id',
      expected: 'a whole number',
    });
  const type = oneOf(
    get('type_of_violence'),
    TYPES,
    file,
    line,
    'type_of_violence',
    '1 (state-based), 2 (non-state), 3 (one-sided) or 4 (below the organisation threshold)',
  );
  const countryGw = required(get('country_id'), file, line, 'country_id', 'a Gleditsch-Ward code');
  if (!/^\d+$/.test(countryGw))
    throw new InputError(`"${countryGw}" is not a Gleditsch-Ward code`, {
      file,
      line,
      column: 'country_id',
      expected: 'a whole number',
    });
  const country = get('country').trim();
  const start = decoDate(get('date_start'), file, line, 'date_start');
  const end = decoDate(get('date_end'), file, line, 'date_end');
  if (end < start)
    throw new InputError(`date_end ${end} is before date_start ${start}`, {
      file,
      line,
      column: 'date_end',
      expected: 'a date on or after date_start',
    });
  const best = parseDeaths(get('best'), file, line, 'best');
  const low = Math.min(best, parseDeaths(get('low'), file, line, 'low'));
  const high = Math.max(best, parseDeaths(get('high'), file, line, 'high'));
  const latitude = parseCoordinate(cell(get('latitude')), file, line, 'latitude', 90);
  // Three Philippine rows of DECO 1.0 run the place name into the longitude
  // ("123.58333Masbate"): the number is read, the name kept as the place.
  const [lonText, placeName] = splitTrailingName(cell(get('longitude')));
  const longitude = parseCoordinate(lonText, file, line, 'longitude', 180);
  const sideA = required(get('side_a'), file, line, 'side_a', 'side A');
  const sideB = required(get('side_b'), file, line, 'side_b', 'side B');
  const a: Actor = {
    name: sideA,
    type: actorType(sideA, get('electoral_side_a'), country),
    side: 'a',
  };
  const b: Actor = {
    name: sideB,
    type: actorType(sideB, get('electoral_side_b'), country),
    side: 'b',
  };
  let category: EventCategory;
  if (type === 1) category = 'violence.armed-clash';
  else if (type === 3) category = 'violence.against-civilians.attack';
  else if (type === 4 && a.type === 'state-forces')
    category = 'violence.against-civilians.excessive-force';
  else
    category =
      type === 4 || (a.type === 'identity-militia' && b.type === 'identity-militia')
        ? 'violence.communal'
        : 'violence.non-state';
  const timing = splitList(get('electoral_timing'), ';')
    .map((t) => DECO_TIMING[t] ?? `timing code ${t}`)
    .join(', ');
  const purpose = cell(get('electoral_purpose')).replace(/;/g, ', ');
  const sides = [cell(get('electoral_side_a')), cell(get('electoral_side_b'))]
    .map((s) => s || 'unclear')
    .join(' against ');
  const notes = [
    `electoral violence${timing ? `, ${timing}` : ''}`,
    purpose ? `purpose: ${purpose}` : '',
    `sides: ${sides}`,
    cell(get('electoral_perpetrator'))
      ? `perpetrator code ${cell(get('electoral_perpetrator'))}`
      : '',
    cell(get('ucdp_ged')) === '1' ? 'also in GED' : '',
    cell(get('conflict_name')),
  ]
    .filter((s) => s !== '')
    .join('; ');
  const place: ReadEvent['place'] = { precision: 'unknown' };
  if (placeName) place.name = placeName;
  if (latitude !== undefined && longitude !== undefined) {
    place.latitude = latitude;
    place.longitude = longitude;
  }
  const articles = splitList(cell(get('source_article')), ';');
  const keys: CountryKey[] = [{ system: 'gw', code: String(Number(countryGw)) }];
  if (country) keys.push({ system: 'name', code: country });
  const event: ReadEvent = {
    source: 'ucdp-deco',
    sourceId: id,
    date: { start, end, precision: precisionOf(start, end) },
    place,
    actors: [a, b],
    category,
    civilianTargeted: type === 3 || category === 'violence.against-civilians.excessive-force',
    deaths: { best, low, high },
    accountability: 'unknown',
    sources: articles.length ? articles.map((name) => ({ name })) : [{ name: 'UCDP DECO' }],
    reliability: 'high',
    sharing: 'CLEAR',
    notes,
  };
  return { type: 'event', line, keys, label: country || `GW ${countryGw}`, event };
}

/** Reads a DECO CSV file (the publisher's download, one event per row). */
export async function* readDecoCsv(
  path: string,
  onProgress?: OnProgress,
): AsyncGenerator<EventRow, void, undefined> {
  const table = await CsvTable.open(path, { required: REQUIRED, onProgress });
  const columns = new Map<string, number>();
  for (const name of [...REQUIRED, ...OPTIONAL]) columns.set(name, table.indexOf(name));
  const seen = new Map<string, number>();
  for await (const { line, fields } of table) {
    const get = (c: string) => {
      const i = columns.get(c) ?? -1;
      return i < 0 ? '' : (fields[i] ?? '');
    };
    const row = mapDecoRow(get, path, line);
    if (row.type === 'event') checkUnique(seen, row.event.sourceId, line, path);
    yield row;
  }
}

/** UCDP DECO as downloaded (CSV). */
export const ucdpDeco: EventReader = {
  kind: 'ucdp-deco',
  source: 'ucdp-deco',
  title: 'UCDP Deadly Electoral Conflict dataset (DECO)',
  publisher:
    'Uppsala Conflict Data Program, Department of Peace and Conflict Research, Uppsala University',
  licence: 'CC BY 4.0: free to use with attribution.',
  citation:
    'Fjelde, Hanne and Kristine Höglund (2022). Introducing the Deadly Electoral Conflict Dataset (DECO). Journal of Conflict Resolution 66(1): 162–185.',
  url: 'https://ucdp.uu.se/downloads/',
  signature: [
    'id',
    'type_of_violence',
    'country_id',
    'date_start',
    'electoral_vio',
    'electoral_purpose',
    'electoral_timing',
  ],
  read: readDecoCsv,
};

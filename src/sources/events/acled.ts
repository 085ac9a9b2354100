import { addDays, endOfMonth } from '../../core/escalation/dates.js';
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
import { checkUnique, textOf } from './ucdp-ged.js';

/**
 * ACLED (Armed Conflict Location & Event Data): political violence, demonstrations and
 * strategic developments. Mapping onto the taxonomy (docs/escalation.md, "ACLED"):
 * by `event_type` / `sub_event_type` (table `SUB_EVENTS` below); where ACLED's sub-event is
 * broader than ours, the actors or the note's lead-in ("Displacement:", "Change to armed
 * group:", "Movement of forces:") decide. Actor types from `inter1` / `inter2` (codes 1–8 or
 * their names); civilian targeting from `civilian_targeting`, or, where the column is blank,
 * violence against civilians and violent events whose second actor is civilians; the target
 * group is the first associated actor of civilian victims (`assoc_actor_2`).
 * `time_precision` 1 day, 2 week (ACLED dates such events in the middle of the week: we
 * widen by 3 days each side), 3 month (the whole month). `geo_precision` 1 exact, 2 near,
 * 3 admin1. Country: `iso` (ISO 3166 numeric), then the `country` name.
 */
const REQUIRED = [
  'event_id_cnty',
  'event_date',
  'time_precision',
  'event_type',
  'sub_event_type',
  'actor1',
  'inter1',
  'actor2',
  'inter2',
  'iso',
  'country',
  'latitude',
  'longitude',
  'geo_precision',
  'fatalities',
];
const OPTIONAL = [
  'assoc_actor_1',
  'assoc_actor_2',
  'civilian_targeting',
  'admin1',
  'admin2',
  'admin3',
  'location',
  'source',
  'source_scale',
  'notes',
];

/** ACLED interaction codes (numbers, or names in recent API versions) to actor types. */
const INTER: Record<string, ActorType | null> = {
  '0': null,
  '': null,
  '1': 'state-forces',
  '2': 'rebels',
  '3': 'political-militia',
  '4': 'identity-militia',
  '5': 'rioters',
  '6': 'protesters',
  '7': 'civilians',
  '8': 'external',
  'State forces': 'state-forces',
  'Rebel group': 'rebels',
  'Political militia': 'political-militia',
  'Identity militia': 'identity-militia',
  Rioters: 'rioters',
  Protesters: 'protesters',
  Civilians: 'civilians',
  'External/Other forces': 'external',
};

type Rule =
  | EventCategory
  | ((ctx: { a: ActorType | null; b: ActorType | null; notes: string }) => EventCategory);

/** `event_type|sub_event_type` → category. ACLED writes "Demostrations" in some exports. */
export const SUB_EVENTS: Readonly<Record<string, Rule>> = {
  'Battles|Armed clash': 'violence.armed-clash',
  'Battles|Government regains territory': 'context.territory',
  'Battles|Non-state actor overtakes territory': 'crisis.armed-contest.regime-threat',
  'Explosions/Remote violence|Chemical weapon': 'violence.remote',
  'Explosions/Remote violence|Air/drone strike': 'violence.remote',
  'Explosions/Remote violence|Suicide bomb': 'violence.remote',
  'Explosions/Remote violence|Shelling/artillery/missile attack': 'violence.remote',
  'Explosions/Remote violence|Remote explosive/landmine/IED': 'violence.remote',
  'Explosions/Remote violence|Grenade': 'violence.remote',
  'Violence against civilians|Attack': 'violence.against-civilians.attack',
  'Violence against civilians|Sexual violence': 'violence.against-civilians.sexual-violence',
  'Violence against civilians|Abduction/forced disappearance':
    'violence.against-civilians.abduction',
  'Protests|Peaceful protest': 'context.protest',
  'Protests|Protest with intervention': 'context.protest',
  'Protests|Excessive force against protesters': 'violence.against-civilians.excessive-force',
  'Riots|Violent demonstration': 'context.riot',
  'Riots|Mob violence': 'violence.communal',
  'Strategic developments|Agreement': 'context.agreement',
  'Strategic developments|Arrests': ({ a, b }) =>
    a === 'state-forces' && (b === 'civilians' || b === 'protesters')
      ? 'mobilisation.abuse'
      : 'context.arrests',
  'Strategic developments|Change to group/activity': ({ notes }) =>
    /^change to (armed )?group/i.test(notes)
      ? 'mobilisation.militia.founded'
      : /^movement of forces/i.test(notes)
        ? 'context.force-movement'
        : 'context.other',
  'Strategic developments|Disrupted weapons use': 'context.other',
  'Strategic developments|Headquarters or base established': 'mobilisation.militia.armed',
  'Strategic developments|Looting/property destruction': ({ b }) =>
    b === 'civilians' ? 'violence.against-civilians.destruction' : 'context.other',
  'Strategic developments|Non-violent transfer of territory': 'context.territory',
  'Strategic developments|Other': ({ notes }) =>
    /^displacement/i.test(notes) ? 'mobilisation.displacement' : 'context.other',
};

const TIME_PRECISION: Record<string, DatePrecision> = { '1': 'day', '2': 'week', '3': 'month' };
const GEO_PRECISION: Record<string, PlacePrecision> = { '1': 'exact', '2': 'near', '3': 'admin1' };

type Get = (column: string) => string;

function mapRow(get: Get, file: string, line: number): EventRow {
  const id = required(get('event_id_cnty'), file, line, 'event_id_cnty', 'the event id');
  const date = parseEventDate(get('event_date'), file, line, 'event_date');
  const precision = oneOf(
    get('time_precision'),
    TIME_PRECISION,
    file,
    line,
    'time_precision',
    '1 (day), 2 (week) or 3 (month)',
  );
  const eventType = get('event_type').trim();
  const subType = get('sub_event_type').trim();
  const rule = SUB_EVENTS[`${eventType === 'Demostrations' ? 'Protests' : eventType}|${subType}`];
  if (rule === undefined) {
    throw new InputError(
      `"${eventType}" / "${subType}" is not an ACLED event type this reader knows`,
      {
        file,
        line,
        column: 'sub_event_type',
        expected: `one of ${Object.keys(SUB_EVENTS)
          .map((k) => k.replace('|', ' / '))
          .join('; ')}`,
      },
    );
  }
  const inter = (column: string) => {
    const v = INTER[get(column).trim()];
    if (v === undefined) {
      throw new InputError(`"${get(column)}" is not an ACLED actor type`, {
        file,
        line,
        column,
        expected: 'an interaction code 0 to 8 (or its name, e.g. "State forces")',
      });
    }
    return v;
  };
  const typeA = inter('inter1');
  const typeB = inter('inter2');
  const notes = get('notes').trim();
  const category = typeof rule === 'function' ? rule({ a: typeA, b: typeB, notes }) : rule;
  const fatalities = parseDeaths(get('fatalities'), file, line, 'fatalities');
  const latitude = parseCoordinate(get('latitude'), file, line, 'latitude', 90);
  const longitude = parseCoordinate(get('longitude'), file, line, 'longitude', 180);
  const placePrecision = oneOf(
    get('geo_precision'),
    GEO_PRECISION,
    file,
    line,
    'geo_precision',
    '1, 2 or 3',
  );

  const actors: Actor[] = [];
  const addActors = (name: string, type: ActorType | null, assoc: string, side: 'a' | 'b') => {
    if (name.trim() !== '' && type !== null) actors.push({ name: name.trim(), type, side });
    for (const other of splitList(assoc, ';')) {
      actors.push({
        name: other,
        type: /^civilians\b/i.test(other) ? 'civilians' : 'unknown',
        side,
      });
    }
  };
  addActors(get('actor1'), typeA, get('assoc_actor_1'), 'a');
  addActors(get('actor2'), typeB, get('assoc_actor_2'), 'b');
  const violent = category.startsWith('violence.');
  const civilianTargeted =
    /civilian/i.test(get('civilian_targeting')) ||
    category.startsWith('violence.against-civilians') ||
    (violent && typeB === 'civilians');
  const targetGroup = typeB === 'civilians' ? splitList(get('assoc_actor_2'), ';')[0] : undefined;

  let start = date;
  let end = date;
  if (precision === 'week') {
    start = addDays(date, -3);
    end = addDays(date, 3);
  } else if (precision === 'month') {
    start = `${date.slice(0, 8)}01`;
    end = endOfMonth(date);
  }
  const place: ReadEvent['place'] = { precision: placePrecision };
  const location = get('location').trim();
  if (location) place.name = location;
  for (const [key, column] of [
    ['admin1', 'admin1'],
    ['admin2', 'admin2'],
    ['admin3', 'admin3'],
  ] as const) {
    const v = get(column).trim();
    if (v) place[key] = v;
  }
  if (latitude !== undefined && longitude !== undefined) {
    place.latitude = latitude;
    place.longitude = longitude;
  }
  const iso = get('iso').trim();
  const country = get('country').trim();
  const keys: CountryKey[] = [];
  // ACLED writes 0 for places without an ISO number (Kosovo): the name decides then.
  if (/^\d+$/.test(iso) && Number(iso) > 0)
    keys.push({ system: 'isoN', code: String(Number(iso)) });
  else if (iso !== '' && !/^\d+$/.test(iso)) {
    throw new InputError(`"${iso}" is not an ISO 3166 numeric code`, {
      file,
      line,
      column: 'iso',
      expected: 'a whole number',
    });
  }
  if (country) keys.push({ system: 'name', code: country });
  const sourceNames = splitList(get('source'), ';');
  const scale = get('source_scale').trim();
  const event: ReadEvent = {
    source: 'acled',
    sourceId: id,
    date: { start, end, precision },
    place,
    actors,
    category,
    civilianTargeted,
    deaths: { best: fatalities, low: fatalities, high: fatalities },
    accountability: 'unknown',
    sources: sourceNames.length ? sourceNames.map((name) => ({ name })) : [{ name: 'ACLED' }],
    // ACLED codes from named sources it reviews; events resting on new media alone are less sure.
    reliability: /^new media$/i.test(scale) ? 'medium' : 'high',
    sharing: 'CLEAR',
  };
  if (targetGroup) event.targetGroup = targetGroup;
  if (notes) event.notes = notes;
  return { type: 'event', line, keys, label: country || iso, event };
}

/** Reads an ACLED CSV export. */
export async function* readAcledCsv(
  path: string,
  onProgress?: OnProgress,
): AsyncGenerator<EventRow, void, undefined> {
  const options = { required: REQUIRED, onProgress };
  const table = await CsvTable.open(path, { required: REQUIRED });
  const columns = new Map([...REQUIRED, ...OPTIONAL].map((c) => [c, table.indexOf(c)]));
  const seen = new Map<string, number>();
  for await (const { line, fields } of plainCsvRecords(table, options)) {
    const row = mapRow(
      (c) => {
        const i = columns.get(c) ?? -1;
        return i < 0 ? '' : (fields[i] as string);
      },
      path,
      line,
    );
    if (row.type === 'event') checkUnique(seen, row.event.sourceId, line, path);
    yield row;
  }
}

/** Reads a page of the ACLED API (`/acled/read`): an object whose `data` array holds events. */
export async function* readAcledApi(
  path: string,
  onProgress?: OnProgress,
): AsyncGenerator<EventRow, void, undefined> {
  const records = await readJsonRecords(path, ['data'], onProgress);
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
    const row = mapRow((c) => textOf(record[c]), path, line);
    if (row.type === 'event') checkUnique(seen, row.event.sourceId, line, path);
    yield row;
  }
}

const COMMON = {
  source: 'acled' as const,
  title: 'ACLED: Armed Conflict Location & Event Data',
  publisher: 'ACLED (Armed Conflict Location & Event Data Project)',
  licence:
    'ACLED Terms of Use: free for non-commercial use with attribution after registration; the data may not be redistributed.',
  citation:
    'Raleigh, Clionadh, Andrew Linke, Håvard Hegre and Joakim Karlsen (2010). Introducing ACLED. Journal of Peace Research 47(5): 651–660.',
};

/** ACLED as exported from the data export tool (CSV). */
export const acledCsv: EventReader = {
  ...COMMON,
  kind: 'acled',
  url: 'https://acleddata.com/data-export-tool/',
  signature: REQUIRED,
  read: readAcledCsv,
};

/** ACLED from its API (JSON pages). */
export const acledApi: EventReader = {
  ...COMMON,
  kind: 'acled-api',
  url: 'https://api.acleddata.com/acled/read',
  read: readAcledApi,
};

import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { StringDecoder } from 'node:string_decoder';
import type { EventCategory } from '../../core/escalation/taxonomy.js';
import type { Actor, ActorType, PlacePrecision } from '../../core/escalation/types.js';
import { InputError } from '../../core/errors.js';
import type { CountryKey, OnProgress } from '../types.js';
import { parseCoordinate, parseEventDate, required } from './fields.js';
import { FIPS_TO_ISO3 } from './fips.js';
import type { EventReader, EventRow, ReadEvent } from './types.js';

/**
 * GDELT 2.0 event exports (`YYYYMMDDHHMMSS.export.CSV`): tab-separated, no header, 61
 * columns per the GDELT Event Codebook 2.0. Machine-coded from news, so every event is
 * `low` reliability and GDELT counts no deaths. Mapping onto the taxonomy
 * (docs/escalation.md, "GDELT"): CAMEO event codes by longest prefix (table `CAMEO`); codes
 * outside it (cooperation, statements, most threats) are skipped and counted, not stored.
 * Actor types from the CAMEO type codes of actor 1 and 2; civilian targeting when a violent
 * event's target is civilian, and always for mass killings and ethnic cleansing (202, 203).
 * The target group is actor 2's ethnic or religious code. Place: the action geography;
 * country: its FIPS 10-4 code converted to ISO 3166 alpha-3 (`FIPS_TO_ISO3`).
 */
const COLUMNS = [
  'GLOBALEVENTID',
  'SQLDATE',
  'MonthYear',
  'Year',
  'FractionDate',
  'Actor1Code',
  'Actor1Name',
  'Actor1CountryCode',
  'Actor1KnownGroupCode',
  'Actor1EthnicCode',
  'Actor1Religion1Code',
  'Actor1Religion2Code',
  'Actor1Type1Code',
  'Actor1Type2Code',
  'Actor1Type3Code',
  'Actor2Code',
  'Actor2Name',
  'Actor2CountryCode',
  'Actor2KnownGroupCode',
  'Actor2EthnicCode',
  'Actor2Religion1Code',
  'Actor2Religion2Code',
  'Actor2Type1Code',
  'Actor2Type2Code',
  'Actor2Type3Code',
  'IsRootEvent',
  'EventCode',
  'EventBaseCode',
  'EventRootCode',
  'QuadClass',
  'GoldsteinScale',
  'NumMentions',
  'NumSources',
  'NumArticles',
  'AvgTone',
  'Actor1Geo_Type',
  'Actor1Geo_FullName',
  'Actor1Geo_CountryCode',
  'Actor1Geo_ADM1Code',
  'Actor1Geo_ADM2Code',
  'Actor1Geo_Lat',
  'Actor1Geo_Long',
  'Actor1Geo_FeatureID',
  'Actor2Geo_Type',
  'Actor2Geo_FullName',
  'Actor2Geo_CountryCode',
  'Actor2Geo_ADM1Code',
  'Actor2Geo_ADM2Code',
  'Actor2Geo_Lat',
  'Actor2Geo_Long',
  'Actor2Geo_FeatureID',
  'ActionGeo_Type',
  'ActionGeo_FullName',
  'ActionGeo_CountryCode',
  'ActionGeo_ADM1Code',
  'ActionGeo_ADM2Code',
  'ActionGeo_Lat',
  'ActionGeo_Long',
  'ActionGeo_FeatureID',
  'DATEADDED',
  'SOURCEURL',
] as const;

type Column = (typeof COLUMNS)[number];
const AT = new Map<string, number>(COLUMNS.map((c, i) => [c, i]));

/**
 * CAMEO codes (prefixes; the longest matching one wins) to categories. CAMEO 14x protest,
 * 15x force posture, 17x coerce, 18x assault, 19x fight, 20x unconventional mass violence.
 */
export const CAMEO: Readonly<Record<string, EventCategory>> = {
  '0871': 'context.agreement',
  '0872': 'context.agreement',
  '14': 'context.protest',
  '145': 'context.riot',
  '150': 'context.force-movement',
  '151': 'context.force-movement',
  '152': 'context.force-movement',
  '153': 'mobilisation.recruitment',
  '154': 'mobilisation.recruitment',
  '171': 'violence.against-civilians.destruction',
  '1721': 'mobilisation.exclusion',
  '1722': 'mobilisation.elite-purge',
  '173': 'context.arrests',
  '174': 'mobilisation.displacement',
  '175': 'violence.against-civilians.excessive-force',
  '180': 'violence.against-civilians.attack',
  '181': 'violence.against-civilians.abduction',
  '182': 'violence.against-civilians.attack',
  '1821': 'violence.against-civilians.sexual-violence',
  '1822': 'mobilisation.abuse',
  '183': 'violence.remote',
  '184': 'violence.against-civilians.attack',
  '185': 'violence.against-civilians.attack',
  '186': 'violence.against-civilians.attack',
  '190': 'violence.armed-clash',
  '192': 'context.territory',
  '193': 'violence.armed-clash',
  '194': 'violence.remote',
  '195': 'violence.remote',
  '196': 'crisis.armed-contest.peace-agreement-reneged',
  '200': 'violence.against-civilians.attack',
  '201': 'mobilisation.displacement',
  '202': 'violence.against-civilians.attack',
  '203': 'violence.against-civilians.attack',
  '204': 'violence.remote',
};

/** CAMEO actor type codes to actor types; others are `unknown`. */
const TYPE_CODES: Readonly<Record<string, ActorType>> = {
  GOV: 'state-forces',
  MIL: 'state-forces',
  COP: 'state-forces',
  SPY: 'state-forces',
  JUD: 'state-forces',
  LEG: 'state-forces',
  UIS: 'state-forces',
  REB: 'rebels',
  INS: 'rebels',
  SEP: 'rebels',
  UAF: 'rebels',
  RAD: 'political-militia',
  CRM: 'political-militia',
  CVL: 'civilians',
  REF: 'civilians',
  AGR: 'civilians',
  BUS: 'civilians',
  EDU: 'civilians',
  HLH: 'civilians',
  LAB: 'civilians',
  MED: 'civilians',
  HRI: 'civilians',
  OPP: 'civilians',
  MOD: 'civilians',
  ELI: 'civilians',
  DEV: 'civilians',
  ENV: 'civilians',
  REL: 'civilians',
  PKO: 'external',
  UNO: 'external',
  IGO: 'external',
  IMG: 'external',
};

/** GDELT geographic resolution: 1 country, 2 US state, 3 US city, 4 world city, 5 world state. */
const GEO: Readonly<Record<string, PlacePrecision>> = {
  '1': 'country',
  '2': 'admin1',
  '3': 'exact',
  '4': 'exact',
  '5': 'admin1',
};

/** The category of a CAMEO code by longest prefix; undefined when the monitor does not read it. */
export function cameoCategory(code: string): EventCategory | undefined {
  for (let n = code.length; n >= 2; n--) {
    const c = CAMEO[code.slice(0, n)];
    if (c) return c;
  }
  return undefined;
}

function mapRow(f: readonly string[], file: string, line: number): EventRow {
  const get = (c: Column) => (f[AT.get(c) as number] as string).trim();
  const id = required(get('GLOBALEVENTID'), file, line, 'GLOBALEVENTID', 'the event id');
  if (!/^\d+$/.test(id)) {
    throw new InputError(`"${id}" is not a GDELT event id`, {
      file,
      line,
      column: 'GLOBALEVENTID',
      expected: 'a whole number',
    });
  }
  const date = parseEventDate(get('SQLDATE'), file, line, 'SQLDATE');
  const code = get('EventCode');
  if (!/^\d{2,4}$/.test(code)) {
    throw new InputError(`"${code}" is not a CAMEO event code`, {
      file,
      line,
      column: 'EventCode',
      expected: 'a CAMEO code of 2 to 4 digits',
    });
  }
  const category = cameoCategory(code);
  if (!category) return { type: 'skipped', line, reason: `CAMEO ${code} is outside the taxonomy` };
  const fips = get('ActionGeo_CountryCode');
  const iso3 = FIPS_TO_ISO3[fips];
  const keys: CountryKey[] = iso3 ? [{ system: 'iso3', code: iso3 }] : [];
  const geoName = get('ActionGeo_FullName');
  const latitude = parseCoordinate(get('ActionGeo_Lat'), file, line, 'ActionGeo_Lat', 90);
  const longitude = parseCoordinate(get('ActionGeo_Long'), file, line, 'ActionGeo_Long', 180);
  const actor = (n: 1 | 2, side: 'a' | 'b'): Actor | undefined => {
    const name = get(`Actor${n}Name`) || get(`Actor${n}Code`);
    if (!name) return undefined;
    let type: ActorType =
      TYPE_CODES[get(`Actor${n}Type1Code`)] ?? TYPE_CODES[get(`Actor${n}Type2Code`)] ?? 'unknown';
    if (n === 1 && category.startsWith('context.protest')) type = 'protesters';
    if (n === 1 && category === 'context.riot') type = 'rioters';
    const country = get(`Actor${n}CountryCode`);
    if (type === 'state-forces' && iso3 && country && country !== iso3) type = 'external';
    const out: Actor = { name, type, side };
    const group = get(`Actor${n}EthnicCode`) || get(`Actor${n}Religion1Code`);
    if (group) out.group = group;
    return out;
  };
  const actors = [actor(1, 'a'), actor(2, 'b')].filter((a): a is Actor => a !== undefined);
  const target = actors.find((a) => a.side === 'b');
  const violent = category.startsWith('violence.');
  const place: ReadEvent['place'] = { precision: GEO[get('ActionGeo_Type')] ?? 'unknown' };
  if (geoName) place.name = geoName;
  const adm1 = get('ActionGeo_ADM1Code');
  const adm2 = get('ActionGeo_ADM2Code');
  if (adm1) place.admin1 = adm1;
  if (adm2) place.admin2 = adm2;
  if (latitude !== undefined && longitude !== undefined) {
    place.latitude = latitude;
    place.longitude = longitude;
  }
  const url = get('SOURCEURL');
  let host = 'GDELT';
  try {
    if (url) host = new URL(url).hostname;
  } catch {
    host = url;
  }
  const event: ReadEvent = {
    source: 'gdelt',
    sourceId: id,
    date: { start: date, end: date, precision: 'day' },
    place,
    actors,
    category,
    civilianTargeted:
      code.startsWith('202') || code.startsWith('203') || (violent && target?.type === 'civilians'),
    deaths: null,
    accountability: 'unknown',
    sources: [url ? { name: host, url } : { name: host }],
    reliability: 'low',
    sharing: 'CLEAR',
    notes: `CAMEO ${code}; ${get('NumSources') || '?'} sources, ${get('NumArticles') || '?'} articles`,
  };
  if (target?.group) event.targetGroup = target.group;
  return { type: 'event', line, keys, label: geoName || fips || '(no place)', event };
}

/**
 * Reads a GDELT 2.0 export file line by line (UTF-8, tab-separated). A line with another
 * number of fields than 61 is an InputError (a GDELT 1.0 file has 57 or 58); the last line
 * short of fields means a truncated download.
 */
export async function* readGdelt(
  path: string,
  onProgress?: OnProgress,
): AsyncGenerator<EventRow, void, undefined> {
  let total: number;
  try {
    total = (await stat(path)).size;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError(code === 'ENOENT' ? 'no such file' : `cannot read the file: ${code}`, {
      file: path,
    });
  }
  const decoder = new StringDecoder('utf8');
  const seen = new Map<string, number>();
  let done = 0;
  let rest = '';
  let line = 0;
  const handle = function* (text: string, last: boolean): Generator<EventRow> {
    line++;
    if (text.endsWith('\r')) text = text.slice(0, -1);
    if (text === '') return;
    if (text.includes('\uFFFD')) {
      throw new InputError('the line is not valid UTF-8', {
        file: path,
        line,
        expected: 'UTF-8 text',
      });
    }
    const fields = text.split('\t');
    if (fields.length !== COLUMNS.length) {
      throw new InputError(
        last && fields.length < COLUMNS.length
          ? `the file ends in the middle of a record (${fields.length} of ${COLUMNS.length} fields): it looks truncated`
          : `the line has ${fields.length} tab-separated fields`,
        { file: path, line, expected: `${COLUMNS.length} fields (a GDELT 2.0 event export)` },
      );
    }
    const row = mapRow(fields, path, line);
    if (row.type === 'event') {
      const earlier = seen.get(row.event.sourceId);
      if (earlier !== undefined) {
        throw new InputError(
          `event id "${row.event.sourceId}" appears twice, on lines ${earlier} and ${line}`,
          {
            file: path,
            line,
            expected: 'each event once per file',
          },
        );
      }
      seen.set(row.event.sourceId, line);
    }
    yield row;
  };
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
    const buffer = chunk as Buffer;
    done += buffer.length;
    onProgress?.(done, total);
    const text = rest + decoder.write(buffer);
    const lines = text.split('\n');
    rest = lines.pop() ?? '';
    for (const l of lines) yield* handle(l, false);
  }
  rest += decoder.end();
  if (rest !== '') yield* handle(rest, true);
}

/** GDELT 2.0 event exports. */
export const gdeltEvents: EventReader = {
  kind: 'gdelt',
  source: 'gdelt',
  title: 'GDELT 2.0 Event Database',
  publisher: 'The GDELT Project',
  licence: 'Free for any use with citation of the GDELT Project and a link to gdeltproject.org.',
  citation:
    'Leetaru, Kalev and Philip A. Schrodt (2013). GDELT: Global Data on Events, Location and Tone, 1979–2012. ISA Annual Convention.',
  url: 'http://data.gdeltproject.org/gdeltv2/',
  read: readGdelt,
};

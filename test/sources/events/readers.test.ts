import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { isCategory } from '../../../src/core/escalation/taxonomy.js';
import { InputError } from '../../../src/core/errors.js';
import { readAcledApi, readAcledCsv } from '../../../src/sources/events/acled.js';
import { cameoCategory, readGdelt } from '../../../src/sources/events/gdelt.js';
import type { EventRow } from '../../../src/sources/events/types.js';
import { readDecoCsv } from '../../../src/sources/events/ucdp-deco.js';
import { readGedApi, readGedCsv } from '../../../src/sources/events/ucdp-ged.js';
import { sharedEventFile, sharedFile } from '../../support/shared-data.js';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'fixtures', 'events');
const dir = mkdtempSync(join(tmpdir(), 'lens-event-readers-'));
after(() => rmSync(dir, { recursive: true, force: true }));

async function all(rows: AsyncIterable<EventRow>): Promise<EventRow[]> {
  const out: EventRow[] = [];
  for await (const r of rows) out.push(r);
  return out;
}
const events = (rows: EventRow[]) => rows.flatMap((r) => (r.type === 'event' ? [r] : []));
function count<T>(items: readonly T[], key: (x: T) => string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const x of items) out[key(x)] = (out[key(x)] ?? 0) + 1;
  return out;
}

/** Writes `text` to a temp file and expects reading it to fail with an InputError matching `pattern`. */
async function rejects(
  name: string,
  text: string,
  read: (p: string) => AsyncIterable<EventRow>,
  pattern: RegExp,
) {
  const file = join(dir, name);
  writeFileSync(file, text);
  await assert.rejects(all(read(file)), (error: Error) => {
    assert.ok(error instanceof InputError, String(error));
    assert.match(error.message, new RegExp(name.replace('.', '\\.')));
    assert.match(error.message, pattern);
    return true;
  });
}

describe('UCDP GED reader', () => {
  it('maps the real sample onto the taxonomy', async () => {
    const rows = events(await all(readGedCsv(sharedFile('events', 'ucdp-ged-23.1-sample.csv'))));
    assert.equal(rows.length, 1000);
    const cats = count(rows, (r) => r.event.category);
    assert.equal(cats['violence.armed-clash'], 707);
    assert.equal(cats['violence.against-civilians.attack'], 160);
    assert.equal((cats['violence.non-state'] ?? 0) + (cats['violence.communal'] ?? 0), 133);
    assert.ok(
      (cats['violence.communal'] ?? 0) > 0,
      'identity groups fighting each other are communal violence',
    );
    assert.equal(rows.filter((r) => r.event.civilianTargeted).length, 160);
    assert.ok(
      rows.every((r) => r.event.accountability === 'unknown'),
      'GED does not code accountability: unknown, not "none known"',
    );
    const first = rows[0]!;
    assert.equal(first.line, 2);
    assert.deepEqual(first.keys, [
      { system: 'gw', code: '652' },
      { system: 'name', code: 'Syria' },
    ]);
    assert.equal(first.event.sourceId, '300380');
    assert.deepEqual(first.event.date, {
      start: '2013-01-03',
      end: '2013-01-03',
      precision: 'day',
    });
    assert.deepEqual(first.event.deaths, { best: 2, low: 2, high: 2 });
    const widened = rows.find((r) => r.event.sourceId === '236880');
    assert.deepEqual(
      widened?.event.deaths,
      { best: 2, low: 2, high: 3 },
      'low 3 > best 2 in the file',
    );
    assert.deepEqual(
      first.event.actors.map((a) => a.type),
      ['state-forces', 'rebels'],
    );
    assert.equal(first.event.place.admin1, 'Idlib governorate');
    assert.equal(first.event.place.precision, 'exact');
    assert.deepEqual(
      first.event.sources.map((s) => s.name),
      ['Support Kurds in Syria', 'VDC'],
    );
    // Interstate: the other government is external.
    const interstate = rows.find(
      (r) => r.event.actors[1]!.name === 'Government of Ukraine' && r.keys[0]!.code === '369',
    );
    assert.equal(interstate?.event.actors[0]!.type, 'external');
    assert.equal(interstate?.event.actors[1]!.type, 'state-forces');
    assert.ok(rows.every((r) => isCategory(r.event.category) && r.event.sharing === 'CLEAR'));
  });

  it('reads a page of the UCDP API with the lines of its records', async () => {
    const rows = events(await all(readGedApi(join(fixtures, 'ged-api-page.json'))));
    assert.deepEqual(
      rows.map((r) => r.line),
      [7, 58, 109],
    );
    assert.deepEqual(
      rows.map((r) => r.event.category),
      ['violence.armed-clash', 'violence.against-civilians.attack', 'violence.communal'],
    );
    assert.deepEqual(rows[1]!.event.date, {
      start: '2013-02-01',
      end: '2013-02-28',
      precision: 'month',
    });
    assert.equal(rows[1]!.event.reliability, 'medium');
    assert.deepEqual(
      rows[2]!.event.actors.map((a) => a.type),
      ['identity-militia', 'identity-militia'],
    );
  });

  const header = readFileSync(sharedFile('events', 'ucdp-ged-23.1-sample.csv'), 'utf8')
    .split('\n')
    .slice(0, 3)
    .join('\n');
  it('rejects a bad type of violence with line and column', () =>
    rejects(
      'ged-type.csv',
      header.replace('"Clear",1,299', '"Clear",4,299'),
      readGedCsv,
      /:2: column "type_of_violence"/,
    ));
  it('rejects a negative death count', () =>
    rejects(
      'ged-deaths.csv',
      header.replace(',0,2,0,0,2,2,2,652,', ',0,2,0,0,2,-2,2,652,'),
      readGedCsv,
      /:2: column "high"/,
    ));
  it('rejects a duplicate event id', () =>
    rejects(
      'ged-dup.csv',
      header + '\n' + header.split('\n')[1],
      readGedCsv,
      /appears twice, on lines 2 and 4/,
    ));
  it('rejects a truncated API page', () =>
    rejects(
      'ged-cut.json',
      readFileSync(join(fixtures, 'ged-api-page.json'), 'utf8').slice(0, 2000),
      readGedApi,
      /truncated|JSON/,
    ));
});

describe('UCDP DECO reader', () => {
  it('maps the electoral events onto the taxonomy, with purpose, timing and sides', async () => {
    const rows = events(await all(readDecoCsv(sharedEventFile('ucdp-deco-1.0.csv'))));
    // 4,233 events on 4,617 lines after the header: some source cells hold line breaks.
    assert.equal(rows.length, 4233);
    assert.equal(rows[rows.length - 1]!.line, 4618);
    assert.deepEqual(
      count(rows, (r) => r.event.category),
      {
        'violence.armed-clash': 1491,
        'violence.non-state': 1079,
        'violence.communal': 140,
        'violence.against-civilians.attack': 1376,
        'violence.against-civilians.excessive-force': 147,
      },
    );
    assert.ok(
      rows.every((r) => r.event.source === 'ucdp-deco' && r.event.accountability === 'unknown'),
    );
    // Kalenjin against Kikuyu after Kenya's 2007 election: communal violence.
    const kenya = rows.find((r) => r.event.sourceId === '43348')!;
    assert.deepEqual(kenya.keys, [
      { system: 'gw', code: '501' },
      { system: 'name', code: 'Kenya' },
    ]);
    assert.equal(kenya.event.category, 'violence.communal');
    assert.deepEqual(kenya.event.date, {
      start: '2008-01-25',
      end: '2008-01-25',
      precision: 'day',
    });
    assert.match(
      kenya.event.notes ?? '',
      /^electoral violence, after the election; purpose: divergent affiliations;/,
    );
    // Three rows run the place name into the longitude: the number is read, the name kept.
    const masbate = rows.find((r) => r.event.sourceId === '128172')!;
    assert.equal(masbate.event.place.longitude, 123.58333);
    assert.equal(masbate.event.place.name, 'Masbate');
  });

  it('rejects a bad date with line and column', () => {
    const header = readFileSync(sharedEventFile('ucdp-deco-1.0.csv'), 'utf8').split(/\r?\n/)[0]!;
    const row =
      '1,3,1,"x",1,1,"Government of Kenya",1,"Civilians",501,"Kenya","Africa","src",2008,2008-01-05,1/5/2008,0,0,1,0,1,1,1,"NA","NA",1,0,"NA","disrupt","Security forces",,1,"Civilians",,0,1,"9","1","3","KEN",0';
    return rejects(
      'deco.csv',
      header + '\n' + row + '\n',
      readDecoCsv,
      /:2: column "date_start": "2008-01-05" is not a date \(expected a date M\/D\/YYYY\)/,
    );
  });
});

describe('ACLED reader', () => {
  it('maps the real sample onto the taxonomy', async () => {
    const rows = events(await all(readAcledCsv(sharedFile('events', 'acled-sample-2022.csv'))));
    assert.equal(rows.length, 9000);
    const cats = count(rows, (r) => r.event.category);
    assert.equal(cats['context.protest'], 4582 + 162);
    assert.equal(cats['violence.armed-clash'], 932);
    assert.equal(cats['violence.remote'], 1137);
    assert.equal(cats['violence.against-civilians.attack'], 832);
    assert.equal(cats['violence.communal'], 307);
    assert.equal(cats['crisis.armed-contest.regime-threat'], 11);
    assert.ok((cats['mobilisation.displacement'] ?? 0) > 0);
    assert.ok((cats['mobilisation.militia.founded'] ?? 0) > 0);
    assert.ok(rows.every((r) => isCategory(r.event.category)));
    assert.ok(rows.every((r) => r.event.accountability === 'unknown'));
    const uga = rows[0]!;
    assert.equal(uga.event.sourceId, 'UGA7752');
    assert.deepEqual(uga.keys, [
      { system: 'isoN', code: '800' },
      { system: 'name', code: 'Uganda' },
    ]);
    assert.equal(
      uga.event.civilianTargeted,
      true,
      'mob violence against civilians targets civilians',
    );
    assert.deepEqual(
      uga.event.actors.map((a) => [a.type, a.side]),
      [
        ['rioters', 'a'],
        ['unknown', 'a'],
        ['civilians', 'b'],
      ],
    );
    const kosovo = rows.find((r) => r.label === 'Kosovo');
    assert.deepEqual(kosovo?.keys, [{ system: 'name', code: 'Kosovo' }], 'ISO 0 is no code');
  });

  it('reads a page of the ACLED API: text actor types, week and month precision, target group', async () => {
    const rows = events(await all(readAcledApi(join(fixtures, 'acled-api-page.json'))));
    assert.deepEqual(
      rows.map((r) => r.event.category),
      ['violence.against-civilians.attack', 'mobilisation.displacement', 'context.protest'],
    );
    assert.equal(rows[0]!.event.targetGroup, 'Tiv Ethnic Group (Nigeria)');
    assert.equal(rows[0]!.event.civilianTargeted, true);
    assert.deepEqual(rows[1]!.event.date, {
      start: '2022-03-17',
      end: '2022-03-23',
      precision: 'week',
    });
    assert.equal(rows[1]!.event.actors[0]!.type, 'civilians');
    assert.deepEqual(rows[2]!.event.date, {
      start: '2022-04-01',
      end: '2022-04-30',
      precision: 'month',
    });
    assert.deepEqual(
      rows.map((r) => r.line),
      [8, 41, 74],
    );
  });

  const acled = readFileSync(sharedFile('events', 'acled-sample-2022.csv'), 'utf8')
    .split('\n')
    .slice(0, 3)
    .join('\n');
  it('rejects an unknown event type', () =>
    rejects(
      'acled-type.csv',
      acled.replace('"Riots","Mob violence"', '"Riots","Street party"'),
      readAcledCsv,
      /:2: column "sub_event_type"/,
    ));
  it('rejects a bad date', () =>
    rejects(
      'acled-date.csv',
      acled.replace('2022-02-23', '2022-02-31'),
      readAcledCsv,
      /:2: column "event_date"/,
    ));
  it('rejects a bad latitude', () =>
    rejects(
      'acled-lat.csv',
      acled.replace(',2.44,', ',244,'),
      readAcledCsv,
      /:2: column "latitude"/,
    ));
});

describe('GDELT reader', () => {
  it('maps CAMEO codes and FIPS places, skipping what the taxonomy does not cover', async () => {
    const rows = await all(readGdelt(join(fixtures, 'gdelt-20220317.export.CSV')));
    assert.deepEqual(
      rows.map((r) => (r.type === 'event' ? r.event.category : `skipped ${r.reason}`)),
      [
        'violence.armed-clash',
        'violence.against-civilians.attack',
        'skipped CAMEO 042 is outside the taxonomy',
        'context.protest',
        'violence.armed-clash',
        'violence.armed-clash',
      ],
    );
    const ev = events(rows);
    assert.deepEqual(ev[0]!.keys, [{ system: 'iso3', code: 'NGA' }]);
    assert.equal(ev[1]!.event.civilianTargeted, true);
    assert.ok(ev.every((r) => r.event.accountability === 'unknown'));
    assert.equal(ev[1]!.event.targetGroup, 'CHR');
    assert.equal(ev[2]!.event.actors[0]!.type, 'protesters');
    assert.deepEqual(
      ev[3]!.event.actors.map((a) => a.type),
      ['external', 'state-forces'],
    );
    assert.deepEqual(ev[4]!.keys, [], 'no place, no country: the importer reports it');
    assert.ok(ev.every((r) => r.event.reliability === 'low' && r.event.deaths === null));
    assert.equal(cameoCategory('1822'), 'mobilisation.abuse');
    assert.equal(cameoCategory('0311'), undefined);
  });

  it('rejects a GDELT 1.0 line and a truncated file', async () => {
    const lines = readFileSync(join(fixtures, 'gdelt-20220317.export.CSV'), 'utf8').split('\n');
    await rejects(
      'gdelt-v1.CSV',
      lines[0]!.split('\t').slice(0, 57).join('\t') + '\n',
      readGdelt,
      /:1: .*57 tab-separated fields/,
    );
    await rejects(
      'gdelt-cut.CSV',
      lines[0] + '\n' + lines[1]!.slice(0, 60),
      readGdelt,
      /:2: .*truncated/,
    );
    await rejects(
      'gdelt-code.CSV',
      lines[0]!.replace('\t193\t193\t19\t', '\tXY\t193\t19\t'),
      readGdelt,
      /:1: column "EventCode"/,
    );
  });
});

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { InputError } from '../../src/core/errors.js';
import {
  CAPACITY_COLUMNS,
  capacityToCsv,
  readCapacityCsv,
} from '../../src/sources/capacity-csv.js';

const dir = mkdtempSync(join(tmpdir(), 'lens-capacity-'));
const refs = {
  measureIds: new Set(['early-warning', 'envoy']),
  iso3Codes: new Set(['KEN', 'UGA', 'MLI']),
};
const HEADER = CAPACITY_COLUMNS.join(',');
const GOOD = [
  'un-a,Example UN office,un,early-warning,world,"weekly reports, shared",could flag atrocity risk,high,reg-b,true',
  'un-a,Example UN office,un,envoy,africa,,could send an envoy,low,,true',
  'reg-b,Example regional body,regional,envoy,KEN;UGA,mediation,could mediate early,medium,un-a,true',
];

function file(name: string, lines: string[]): string {
  const path = join(dir, name);
  writeFileSync(path, [HEADER, ...lines].join('\n') + '\n');
  return path;
}

async function failure(lines: string[]): Promise<InputError> {
  try {
    await readCapacityCsv(file('bad.csv', lines), refs);
  } catch (error) {
    assert.ok(error instanceof InputError, String(error));
    return error;
  }
  assert.fail('expected an InputError');
}

describe('capacity map CSV', () => {
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('reads actors, capacities, scopes and links, and writes them back unchanged', async () => {
    const actors = await readCapacityCsv(file('good.csv', GOOD), refs);
    assert.deepEqual(
      actors.map((a) => [a.id, a.kind, a.capacities.length, a.links]),
      [
        ['un-a', 'un', 2, ['reg-b']],
        ['reg-b', 'regional', 1, ['un-a']],
      ],
    );
    assert.deepEqual(actors[1]!.capacities[0]!.scope, { kind: 'countries', iso3: ['KEN', 'UGA'] });
    assert.equal(actors[0]!.capacities[0]!.currentUse, 'weekly reports, shared');
    const again = await readCapacityCsv(
      file('again.csv', capacityToCsv(actors).trim().split('\n').slice(1)),
      refs,
    );
    assert.deepEqual(
      [...again].sort((a, b) => a.id.localeCompare(b.id)),
      [...actors].sort((a, b) => a.id.localeCompare(b.id)),
    );
  });

  it('names the line, the column and what was expected', async () => {
    const cases: [string, string, number, string][] = [
      [GOOD[0]!.replace(',un,', ',agency,'), 'actor_kind', 2, 'unknown actor kind "agency"'],
      [GOOD[0]!.replace('early-warning', 'prayer'), 'measure', 2, 'unknown measure "prayer"'],
      [GOOD[2]!.replace('KEN;UGA', 'KEN;XXX'), 'scope', 2, 'unknown country code XXX'],
      [GOOD[2]!.replace('KEN;UGA', 'narnia'), 'scope', 2, '"narnia" is not a scope'],
      [GOOD[0]!.replace(',high,', ',total,'), 'commitment', 2, 'unknown commitment "total"'],
      [GOOD[0]!.replace(/true$/, 'yes'), 'illustrative', 2, '"yes" is not true or false'],
      [GOOD[0]!.replace('un-a', 'UN A'), 'actor_id', 2, '"UN A" is not an actor id'],
    ];
    for (const [line, column, at, message] of cases) {
      const e = await failure([line]);
      assert.equal(e.column, column, message);
      assert.equal(e.line, at);
      assert.ok(e.message.includes(message), e.message);
    }
    const e = await failure([GOOD[0]!, GOOD[1]!.replace('Example UN office', 'Another name')]);
    assert.equal(e.line, 3);
    assert.match(e.message, /differs from its row on line 2/);
    const link = await failure([GOOD[0]!]);
    assert.equal(link.column, 'links');
    assert.match(link.message, /links to unknown actor "reg-b"/);
    const dup = await failure([GOOD[1]!.replace(',,could', ',x,could'), GOOD[1]!]);
    assert.equal(dup.line, 3);
    const missing = await readCapacityCsv(file('short.csv', []), refs).catch((err: Error) => err);
    assert.match(String(missing), /no rows/);
  });
});

describe('the shipped example from public knowledge', () => {
  it('reads against the toolkit and the registry, every actor marked as an example, every link to an actor on the map', async () => {
    const { loadToolkit } = await import('../../src/services/toolkit.js');
    const { loadCountryRegistry } = await import('../../src/services/countries.js');
    const { analyseLinks } = await import('../../src/core/planning/capacity.js');
    const toolkit = await loadToolkit();
    const iso3Codes = new Set(
      loadCountryRegistry()
        .all()
        .flatMap((c) => c.codes.filter((k) => k.system === 'iso3').map((k) => k.code)),
    );
    const actors = await readCapacityCsv(
      join(import.meta.dirname, '..', '..', 'content', 'capacity', 'public-example-map.csv'),
      { measureIds: new Set(toolkit.measures.map((m) => m.id)), iso3Codes },
    );
    assert.ok(actors.length >= 15, `${actors.length} actors`);
    for (const a of actors) {
      assert.equal(a.illustrative, true, a.id);
      assert.match(a.id, /^example-/);
      assert.match(a.name, /\(example entry\)$/);
    }
    for (const kind of ['un', 'regional', 'state', 'court', 'ifi', 'civil-society'])
      assert.ok(
        actors.some((a) => a.kind === kind),
        kind,
      );
    const links = analyseLinks(actors);
    assert.deepEqual(links.unknown, []);
    assert.ok(links.pairs.length >= 10);
  });
});

import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { dayNumber, emptyObservationColumns, insertObservations } from '../../src/store/bulk.js';
import type { Store } from '../../src/store/database.js';
import { listEpisodes, insertEpisodes } from '../../src/store/episodes-repository.js';
import { migrateToLatest } from '../../src/store/migrations.js';
import {
  countryObservationsAsOf,
  observationCoverage,
  observationsAsOf,
  valueAsOf,
} from '../../src/store/observations-repository.js';
import { syncCountries } from '../../src/store/countries-repository.js';
import {
  findRelease,
  insertRelease,
  listReleases,
  upsertSource,
} from '../../src/store/releases-repository.js';
import { onEveryStore } from '../support/stores.js';

const countries = [
  {
    id: 'aaa',
    name: 'Alphaland',
    codes: [{ system: 'cow' as const, code: '1' }],
    aliases: [],
    predecessors: [],
    successors: [],
  },
  {
    id: 'bbb',
    name: 'Betastan',
    from: 1960,
    codes: [{ system: 'cow' as const, code: '2' }],
    aliases: [],
    predecessors: [],
    successors: [],
  },
];

async function addRelease(store: Store, hash: string, releasedOn: string): Promise<number> {
  return store.db.transaction().execute(async (trx) => {
    await upsertSource(trx, {
      kind: 'test',
      title: 'Test',
      publisher: 'P',
      licence: 'L',
      citation: 'C',
      url: 'http://example.invalid',
    });
    return insertRelease(trx, {
      sourceKind: 'test',
      version: hash,
      contentHash: hash,
      fileName: 'f.csv',
      address: 'f.csv',
      releasedOn,
      retrievedAt: `${releasedOn}T00:00:00Z`,
      importedAt: `${releasedOn}T00:00:00Z`,
      rowCount: 0,
      observationCount: 0,
      unmatchedCount: 0,
    });
  });
}

async function addValues(
  store: Store,
  releaseId: number,
  variableId: number,
  rows: [string, number, number | null, string][],
) {
  await store.db.transaction().execute(async (trx) => {
    const cols = emptyObservationColumns();
    for (const [c, y, v, a] of rows) {
      cols.variableId.push(variableId);
      cols.countryId.push(c);
      cols.year.push(y);
      cols.value.push(v);
      cols.availableFrom.push(dayNumber(a));
    }
    await insertObservations(store, trx, releaseId, cols);
  });
}

onEveryStore('store repositories', (target) => {
  let store: Store;
  let variableId: number;
  let r1: number;
  let r2: number;

  before(async () => {
    store = await target.fresh();
    assert.equal(await syncCountries(store, countries), true);
    const row = await store.db
      .insertInto('variables')
      .values({ name: 'test:x', source_kind: 'test' })
      .returning('id')
      .executeTakeFirstOrThrow();
    variableId = Number(row.id);
    r1 = await addRelease(store, 'h1', '2000-06-01');
    r2 = await addRelease(store, 'h2', '2005-06-01');
    // Vintage 1 (published mid-2000): values for 1998 and 1999.
    await addValues(store, r1, variableId, [
      ['aaa', 1998, 1.5, '1999-04-01'],
      ['aaa', 1999, 2, '2000-04-01'],
      ['bbb', 1999, null, '2000-04-01'],
    ]);
    // Vintage 2 (2005) revises 1999 and adds 2004.
    await addValues(store, r2, variableId, [
      ['aaa', 1999, 2.5, '2005-06-01'],
      ['aaa', 2004, 7, '2005-04-01'],
    ]);
  });
  after(async () => {
    await store.close();
    await target.cleanup();
  });

  it('migrations are idempotent and the country mirror is only rewritten on change', async () => {
    await migrateToLatest(store);
    assert.equal(await syncCountries(store, countries), false);
    const codes = await store.db
      .selectFrom('country_codes')
      .selectAll()
      .orderBy('country_id')
      .execute();
    assert.deepEqual(
      codes.map((c) => [c.country_id, c.system, c.code]),
      [
        ['aaa', 'cow', '1'],
        ['bbb', 'cow', '2'],
      ],
    );
  });

  it('answers "value of V for C in Y as known on D" from the right vintage', async () => {
    assert.equal(
      await valueAsOf(store, {
        variable: 'test:x',
        countryId: 'aaa',
        year: 1999,
        asOf: '1999-12-31',
      }),
      undefined,
    );
    assert.equal(
      (
        await valueAsOf(store, {
          variable: 'test:x',
          countryId: 'aaa',
          year: 1999,
          asOf: '2001-01-01',
        })
      )?.value,
      2,
    );
    const revised = await valueAsOf(store, {
      variable: 'test:x',
      countryId: 'aaa',
      year: 1999,
      asOf: '2006-01-01',
    });
    assert.equal(revised?.value, 2.5);
    assert.equal(revised?.source, 'test h2');
    assert.equal(
      (
        await valueAsOf(store, {
          variable: 'test:x',
          countryId: 'bbb',
          year: 1999,
          asOf: '2006-01-01',
        })
      )?.value,
      null,
    );
  });

  it('loads every value known on a date in one query, newest vintage per cell', async () => {
    const asOf2001 = await observationsAsOf(store, {
      variables: ['test:x', 'test:missing'],
      asOf: '2001-01-01',
    });
    assert.deepEqual(
      asOf2001.map((v) => [v.countryId, v.year, v.value]).sort(),
      [
        ['aaa', 1998, 1.5],
        ['aaa', 1999, 2],
        ['bbb', 1999, null],
      ].sort(),
    );
    const later = await observationsAsOf(store, {
      variables: ['test:x'],
      asOf: '2010-01-01',
      countryIds: ['aaa'],
      fromYear: 1999,
    });
    assert.deepEqual(later.map((v) => [v.year, v.value]).sort(), [
      [1999, 2.5],
      [2004, 7],
    ]);
    const one = await countryObservationsAsOf(store, {
      countryId: 'aaa',
      asOf: '2010-01-01',
      year: 1999,
    });
    assert.deepEqual(
      one.map((v) => [v.variable, v.value, v.releaseId]),
      [['test:x', 2.5, r2]],
    );
  });

  it('reports coverage and releases', async () => {
    const [cov] = await observationCoverage(store);
    assert.deepEqual(cov, {
      sourceKind: 'test',
      releases: 2,
      countries: 2,
      firstYear: 1998,
      lastYear: 2004,
      variables: 1,
      observations: 5,
    });
    assert.equal((await findRelease(store, 'test', 'h2'))?.id, r2);
    assert.equal(await findRelease(store, 'test', 'nope'), undefined);
    assert.deepEqual(
      (await listReleases(store)).map((r) => r.id),
      [r1, r2],
    );
  });

  it('rejects a second value for the same cell of one release (primary key)', async () => {
    await assert.rejects(addValues(store, r1, variableId, [['aaa', 1998, 9, '1999-04-01']]));
    assert.equal(
      (
        await valueAsOf(store, {
          variable: 'test:x',
          countryId: 'aaa',
          year: 1998,
          asOf: '2010-01-01',
        })
      )?.value,
      1.5,
    );
  });

  it('stores episodes with their countries and lists the newest release', async () => {
    const release = await store.db.transaction().execute(async (trx) => {
      await upsertSource(trx, {
        kind: 'ewp-episodes',
        title: 'E',
        publisher: 'P',
        licence: 'L',
        citation: 'C',
        url: 'u',
      });
      const id = await insertRelease(trx, {
        sourceKind: 'ewp-episodes',
        version: 'v',
        contentHash: 'e1',
        fileName: 'e.csv',
        address: 'e.csv',
        releasedOn: '2015-01-01',
        retrievedAt: '2015-01-01T00:00:00Z',
        importedAt: '2015-01-01T00:00:00Z',
        rowCount: 1,
        observationCount: 0,
        unmatchedCount: 0,
      });
      await insertEpisodes(
        trx,
        id,
        [
          {
            code: 'aaa1990s1',
            name: 'test episode',
            summary: 's',
            countryLabel: 'Alphaland',
            startYear: 1990,
            endYear: null,
            stateLed: true,
            ethnicGroups: 1,
            locationCow: [1, 2],
            responsibleCow: [1],
            locationCountryIds: [],
            responsibleCountryIds: [],
          },
        ],
        (cow) => (cow === 1 ? 'aaa' : cow === 2 ? 'bbb' : null),
      );
      return id;
    });
    const episodes = await listEpisodes(store);
    assert.equal(episodes.length, 1);
    assert.deepEqual(episodes[0]?.locationCountryIds, ['aaa', 'bbb']);
    assert.deepEqual(episodes[0]?.responsibleCountryIds, ['aaa']);
    assert.equal(episodes[0]?.endYear, null);
    assert.equal(episodes[0]?.releaseId, release);
    assert.deepEqual(await listEpisodes(store, '2014-12-31'), []);
  });
});

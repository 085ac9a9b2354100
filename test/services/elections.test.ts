import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import { loadCountryRegistry } from '../../src/services/countries.js';
import { elections, importElections } from '../../src/services/elections.js';
import { auditTrail } from '../../src/services/audit.js';
import { AccessDeniedError, SYSTEM } from '../../src/store/access.js';
import type { Store } from '../../src/store/database.js';
import { onEveryStore } from '../support/stores.js';

const registry = loadCountryRegistry();
const NOW = '2026-12-01T00:00:00.000Z';

onEveryStore('elections calendar', (target) => {
  let store: Store;
  const dir = mkdtempSync(join(tmpdir(), 'lens-elections-'));
  const file = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };
  before(async () => {
    store = await target.fresh();
  });
  after(async () => {
    await store.close();
    await target.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  it('imports a calendar and lists it by country and dates', async () => {
    const r = await importElections(
      store,
      SYSTEM,
      registry,
      file(
        'calendar.csv',
        'country,date,type,source\n' +
          'Kenya,2007-12-27,general,Electoral Commission of Kenya\n' +
          "Côte d'Ivoire,2010-10-31,presidential,Commission électorale indépendante\n" +
          'KGZ,2010-06-27,referendum,Central Election Commission\n',
      ),
      NOW,
    );
    assert.deepEqual([r.rows, r.added, r.replaced], [3, 3, 0]);
    assert.deepEqual(
      (await elections(store)).map((e) => [e.countryId, e.date, e.type]),
      [
        ['ken', '2007-12-27', 'general'],
        ['kgz', '2010-06-27', 'referendum'],
        ['civ', '2010-10-31', 'presidential'],
      ],
    );
    assert.deepEqual(
      (await elections(store, { from: '2010-01-01', to: '2010-12-31' })).map((e) => e.countryId),
      ['kgz', 'civ'],
    );
    assert.deepEqual(
      (await elections(store, { countryId: 'ken' })).map((e) => e.line),
      [2],
    );
    const entries = await auditTrail(store, SYSTEM, { itemType: 'elections' });
    assert.ok(entries.some((e) => e.action === 'import' && e.itemType === 'elections'));
  });

  it('refuses a file with bad rows whole, naming each line and reason', async () => {
    const before = await elections(store);
    await assert.rejects(
      importElections(
        store,
        SYSTEM,
        registry,
        file(
          'bad.csv',
          'country,date,type,source\n' +
            'Kenya,2013-03-04,general,IEBC\n' +
            'Atlantis,2013-05-01,general,x\n' +
            'Kenya,04/03/2013,general,IEBC\n' +
            'Kenya,2017-08-08,coronation,IEBC\n' +
            'Kenya,2017-08-08,general,\n' +
            'Kenya,2013-03-04,general,IEBC again\n',
        ),
        NOW,
      ),
      (error: Error) => {
        assert.match(error.message, /bad\.csv: 5 bad rows, nothing imported:/);
        assert.match(error.message, /line 3: column "country": no country matches "Atlantis"/);
        assert.match(error.message, /line 4: column "date": "04\/03\/2013" is not a date/);
        assert.match(
          error.message,
          /line 5: column "type": "coronation" is not a type of election/,
        );
        assert.match(error.message, /line 6: column "source": the source is missing/);
        assert.match(
          error.message,
          /line 7: column "date": the general election of Kenya on 2013-03-04 is already on line 2/,
        );
        return true;
      },
    );
    assert.deepEqual(await elections(store), before, 'nothing stored');
  });

  it('replaces a known election, and needs an analyst', async () => {
    const again = file(
      'again.csv',
      'country,date,type,source\nKenya,2007-12-27,general,ECK results\n',
    );
    const r = await importElections(store, SYSTEM, registry, again, NOW);
    assert.deepEqual([r.added, r.replaced], [0, 1]);
    assert.equal((await elections(store, { countryId: 'ken' }))[0]!.source, 'ECK results');
    const viewer = {
      kind: 'user' as const,
      userId: 1,
      username: 'v',
      organisationId: 'o',
      role: 'viewer' as const,
    };
    await assert.rejects(importElections(store, viewer, registry, again, NOW), AccessDeniedError);
  });
});

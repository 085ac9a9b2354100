import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { assessWorld } from '../../src/services/assess.js';
import { loadCountryRegistry } from '../../src/services/countries.js';
import { importFile } from '../../src/services/import.js';
import {
  addAnalystOverride,
  overridesFor,
  withdrawAnalystOverride,
} from '../../src/services/overrides.js';
import { SYSTEM } from '../../src/services/identity.js';
import type { Store } from '../../src/store/database.js';
import { sharedFile } from '../support/shared-data.js';
import { onEveryStore } from '../support/stores.js';

const registry = loadCountryRegistry();
const NOW = '2026-01-15T00:00:00.000Z';

onEveryStore('analyst overrides', (target) => {
  let store: Store;
  before(async () => {
    store = await target.fresh();
    for (const file of [
      ['inputs', 'political-terror-scale-2024.csv'],
      ['inputs', 'ucdp-battle-deaths-v25.1.csv'],
      ['ewp', 'mass-killing-episodes-2025.dev-to-2014.csv'],
    ]) {
      await importFile(store, registry, { path: sharedFile(...file), now: NOW });
    }
  });
  after(async () => {
    await store.close();
    await target.cleanup();
  });

  it('stores who, when and why, and shows computed and overridden values side by side', async () => {
    const sudan = registry.fromName('Sudan', 2010)!.id;
    const stored = await addAnalystOverride(store, SYSTEM, {
      framework: 'preconditions-2011',
      countryId: sudan,
      factorId: 'rule-of-law',
      severity: 4,
      reason: 'courts suspended by decree',
      source: 'field report 2010-07',
      by: 'analyst-a',
      effectiveFrom: '2010-08-01',
      now: new Date('2010-08-02T10:00:00Z'),
    });
    assert.equal(stored.by, 'analyst-a');
    assert.equal(stored.at, '2010-08-02T10:00:00.000Z');
    const overrides = await overridesFor(store, SYSTEM, 'preconditions-2011', sudan);
    assert.equal(overrides.length, 1);

    const after = await assessWorld(store, registry.all(), {
      asOf: '2010-12-31',
      countryIds: [sudan],
      overrides,
    });
    const factor = after.assessments[0]!.factors.find((f) => f.id === 'rule-of-law')!;
    assert.equal(factor.severity, 4);
    assert.equal(factor.overrideApplied, true);
    assert.equal(factor.override?.reason, 'courts suspended by decree');
    assert.notEqual(factor.computedSeverity, undefined, 'the computed value is shown beside it');

    const earlier = await assessWorld(store, registry.all(), {
      asOf: '2010-06-30',
      countryIds: [sudan],
      overrides,
    });
    const before = earlier.assessments[0]!.factors.find((f) => f.id === 'rule-of-law')!;
    assert.equal(before.overrideApplied, false, 'not applied before it was effective');

    const ignored = await assessWorld(store, registry.all(), {
      asOf: '2010-12-31',
      countryIds: [sudan],
      overrides,
      applyOverrides: false,
    });
    const auto = ignored.assessments[0]!.factors.find((f) => f.id === 'rule-of-law')!;
    assert.equal(auto.overrideApplied, false);
    assert.equal(auto.severity, auto.computedSeverity);

    await withdrawAnalystOverride(store, SYSTEM, stored.id);
    assert.deepEqual(await overridesFor(store, SYSTEM, 'preconditions-2011', sudan), []);
    await assert.rejects(withdrawAnalystOverride(store, SYSTEM, stored.id), /no active override/);
  });

  it('rejects an unknown factor, a severity out of range and a missing reason', async () => {
    const base = {
      framework: 'preconditions-2011',
      countryId: 'sdn',
      factorId: 'rule-of-law',
      severity: 2,
      reason: 'r',
      source: 's',
      by: 'a',
    };
    await assert.rejects(
      addAnalystOverride(store, SYSTEM, { ...base, factorId: 'nope' }),
      /has no factor "nope"/,
    );
    await assert.rejects(
      addAnalystOverride(store, SYSTEM, { ...base, severity: 7 }),
      /out of range/,
    );
    await assert.rejects(
      addAnalystOverride(store, SYSTEM, { ...base, reason: ' ' }),
      /reason and a source/,
    );
    await assert.rejects(
      addAnalystOverride(store, SYSTEM, { ...base, framework: 'nope' }),
      /unknown framework/,
    );
  });
});

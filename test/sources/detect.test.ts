import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InputError } from '../../src/core/errors.js';
import { detectEventKind } from '../../src/sources/events/index.js';
import { SOURCES, detectKind, detectKinds, sourceByKind } from '../../src/sources/index.js';
import { lookupTable } from '../../src/sources/lookups.js';
import type { SourceKind } from '../../src/sources/types.js';
import { sharedEventFile, sharedFile } from '../support/shared-data.js';
import { fixture } from './helpers.js';

/** Every real file in the shared data folders and the kind it must be recognised as. */
const REAL_FILES: readonly [folder: string, name: string, kind: SourceKind | undefined][] = [
  ['ewp', 'prepared-predictors-2025.dev-to-2012.csv', 'ewp-predictors'],
  ['ewp', 'basedata-2025.dev-to-2014.csv', 'ewp-base'],
  ['ewp', 'mass-killing-episodes-2025.dev-to-2014.xlsx', 'ewp-episodes'],
  ['ewp', 'mass-killing-episodes-2025.dev-to-2014.csv', 'ewp-episodes'],
  // A lookup table, not a source: recognised as nothing.
  ['ewp', 'country-names.csv', undefined],
  ['inputs', 'wdi-extract.csv', 'wdi'],
  ['inputs', 'vdem-v14-subset.csv', 'vdem'],
  // EWP's own derivations from V-Dem, keyed by COW code: no reader of ours takes this layout.
  ['inputs', 'vdem-ewp-derived.csv', 'vdem-ewp'],
  ['inputs', 'ucdp-battle-deaths-v25.1.csv', 'ucdp-brd'],
  ['inputs', 'epr-country-year.csv', 'epr'],
  ['inputs', 'powell-thyne-coups.csv', 'coups-pt'],
  ['inputs', 'coups-country-year.csv', 'coups-cy'],
  ['inputs', 'political-terror-scale-2024.csv', 'pts'],
  ['inputs', 'polity5.csv', 'polity5'],
  ['inputs', 'un-infant-mortality.csv', 'un-imr'],
  ['inputs', 'hief-ethnic-fractionalization.csv', 'hief'],
  ['inputs', 'iccpr-optional-protocol.csv', 'iccpr'],
  ['inputs', 'pitf-adverse-regime-change-2014.xls', 'pitf'],
  ['inputs', 'pitf-adverse-regime-change-2014.csv', 'pitf'],
  ['inputs', 'pitf-ethnic-war-2014.xls', 'pitf'],
  ['inputs', 'pitf-ethnic-war-2014.csv', 'pitf'],
  ['inputs', 'pitf-genopoliticide-2014.xls', 'pitf'],
  ['inputs', 'pitf-genopoliticide-2014.csv', 'pitf'],
  ['inputs', 'pitf-revolutionary-war-2014.xls', 'pitf'],
  ['inputs', 'pitf-revolutionary-war-2014.csv', 'pitf'],
  // Event data: no country-year reader; must not be mistaken for one.
  ['events', 'ucdp-ged-23.1-sample.csv', undefined],
  ['events', 'acled-sample-2022.csv', undefined],
];

describe('detectKind on the real files', () => {
  for (const [folder, name, kind] of REAL_FILES) {
    it(`${folder}/${name} is ${kind ?? 'no known kind'} and nothing else`, async () => {
      const path = sharedFile(folder, name);
      assert.deepEqual(await detectKinds(path), kind === undefined ? [] : [kind]);
      assert.equal(await detectKind(path), kind);
    });
  }

  it('recognises the World Bank API JSON by content, and no other JSON', async () => {
    assert.equal(await detectKind(fixture('wdi-api-gdp-per-capita.json')), 'wdi-api');
    assert.equal(await detectKind(fixture('wdi-api-two-indicators.json')), 'wdi-api');
    assert.equal(await detectKind(fixture('wdi-api-error.json')), 'wdi-api');
  });

  it('every kind has exactly one descriptor and a way to be recognised', () => {
    const kinds = SOURCES.map((s) => s.kind);
    assert.equal(new Set(kinds).size, kinds.length);
    assert.equal(kinds.length, 17);
    for (const s of SOURCES) {
      assert.ok(s.signature.length > 0 || s.sniff, `${s.kind} cannot be recognised`);
      assert.ok(s.readObservations || s.readEpisodes, `${s.kind} cannot be read`);
      assert.ok(s.publicationLagMonths >= 0);
      for (const field of [s.title, s.publisher, s.licence, s.citation, s.url, s.version]) {
        assert.ok(field.length > 0, s.kind);
      }
    }
  });

  it('no signature contains another (a header matching one cannot match the other by subset)', () => {
    for (const a of SOURCES) {
      for (const b of SOURCES) {
        if (a === b || a.signature.length === 0 || b.signature.length === 0) continue;
        const contained = a.signature.every((c) => b.signature.includes(c));
        assert.ok(!contained, `${a.kind}'s signature is inside ${b.kind}'s`);
      }
    }
  });
});

describe('event files and lookup tables, by their columns', () => {
  it('recognises the event samples by their columns, and nothing else as event data', async () => {
    assert.equal(
      await detectEventKind(sharedFile('events', 'ucdp-ged-23.1-sample.csv')),
      'ucdp-ged',
    );
    assert.equal(await detectEventKind(sharedFile('events', 'acled-sample-2022.csv')), 'acled');
    const deco = sharedEventFile('ucdp-deco-1.0.csv');
    assert.equal(await detectEventKind(deco), 'ucdp-deco');
    assert.equal(await detectKind(deco), undefined, 'DECO is event data, not a source');
    for (const [folder, name] of REAL_FILES.filter(([folder]) => folder !== 'events'))
      assert.equal(await detectEventKind(sharedFile(folder, name)), undefined, name);
  });

  it('takes the EWP country names for a lookup table, and no source file carrying its keys', async () => {
    assert.match(
      (await lookupTable(sharedFile('ewp', 'country-names.csv'))) ?? '',
      /country-name lookup.*content\/countries/,
    );
    for (const [folder, name] of REAL_FILES.filter(([, n]) => n !== 'country-names.csv'))
      assert.equal(await lookupTable(sharedFile(folder, name)), undefined, name);
    assert.equal(await lookupTable(sharedFile('events', 'acled-sample-2022.csv')), undefined);
  });
});

describe('sourceByKind', () => {
  it('returns the descriptor of a kind', () => {
    assert.equal(sourceByKind('vdem').kind, 'vdem');
  });

  it('lists the valid kinds for an unknown one', () => {
    assert.throws(
      () => sourceByKind('vdem-v15'),
      (error: unknown) =>
        error instanceof InputError &&
        error.message.includes('"vdem-v15"') &&
        SOURCES.every((s) => error.message.includes(s.kind)),
    );
  });
});

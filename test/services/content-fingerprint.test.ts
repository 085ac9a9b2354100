import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  ContentFingerprint,
  canonicalJson,
  observationHead,
} from '../../src/services/content-fingerprint.js';
import type { ObservationRecord } from '../../src/sources/types.js';

const row = (over: Partial<ObservationRecord> = {}): ObservationRecord => ({
  line: 2,
  keys: [
    { system: 'cow', code: '700' },
    { system: 'name', code: 'Afghanistan' },
  ],
  label: 'Afghanistan',
  year: 1990,
  values: { a: 1.5, b: null, c: 0 },
  ...over,
});

const fingerprint = (...rows: ObservationRecord[]) => {
  const f = new ContentFingerprint();
  for (const r of rows) f.add(r);
  return f.digest();
};

describe('content fingerprint', () => {
  const base = fingerprint(row(), row({ year: 1991, line: 3 }));

  it('is the same for the same rows in any order, columns in any order, at any line', () => {
    assert.match(base, /^rows-v1:[0-9a-f]{64}$/);
    assert.equal(fingerprint(row({ year: 1991, line: 9 }), row({ line: 40 })), base);
    assert.equal(
      fingerprint(row({ values: { c: 0, b: null, a: 1.5 } }), row({ year: 1991 })),
      base,
    );
  });

  it('differs for any other value, key, label, mark or row', () => {
    const one = fingerprint(row());
    for (const other of [
      fingerprint(row({ values: { a: 1.5, b: null, c: null } })),
      fingerprint(row({ values: { a: 1.5, b: 0, c: 0 } })),
      fingerprint(row({ values: { a: 1.5, b: null, d: 0 } })),
      fingerprint(row({ keys: [{ system: 'cow', code: '701' }] })),
      fingerprint(row({ label: 'Afghanistan ' })),
      fingerprint(row({ yields: 'a repeat' })),
      fingerprint(row({ placeholder: 'no state' })),
    ])
      assert.notEqual(other, one);
    assert.notEqual(one, base, 'one row fewer');
    assert.notEqual(fingerprint(row(), row(), row({ year: 1991 })), base, 'a row twice');
  });

  it('keeps the rows-v1 digest of stored releases: the head of a row is its canonical JSON', () => {
    const rows: ObservationRecord[] = [
      row(),
      row({
        line: 3,
        keys: [{ system: 'name', code: 'Côte d\'Ivoire "CI"' }],
        label: 'Côte d\'Ivoire "CI"\u2028',
        year: 1991,
        values: { b: -0, a: 2 },
        placeholder: 'no state',
        yields: 'repeats line 2 word for word',
      }),
      row({
        line: 4,
        keys: [{ system: 'gw', code: '2', extra: 1 } as ObservationRecord['keys'][number]],
        label: 'GW 2',
        year: 2000,
        values: {},
        yields: 'x',
      }),
    ];
    for (const { keys, label, year, placeholder, yields } of rows) {
      assert.equal(
        observationHead(keys, label, year, placeholder, yields),
        canonicalJson({ keys, label, year, placeholder, yields }),
      );
    }
    // The digest these rows had before the head was written directly.
    assert.equal(
      fingerprint(...rows),
      'rows-v1:ba021ae6040066e3f908101b16d8822eaac04bd8e45725b5bccaf47e40fad8e6',
    );
  });
});

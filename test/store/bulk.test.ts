import assert from 'node:assert/strict';
import { it } from 'node:test';
import { orderByKey } from '../../src/store/bulk.js';

it('orders rows to write by variable, then country, keeping the order of years within', () => {
  // Rows as a source lists them: by country (not in id order), then year, all variables.
  const rows = [
    ['zzz', 1990, 7],
    ['zzz', 1990, 3],
    ['zzz', 1991, 7],
    ['zzz', 1991, 3],
    ['aaa', 1990, 7],
    ['aaa', 1990, 3],
    ['aaa', 1991, 7],
    ['aaa', 1991, 3],
  ] as const;
  const order = orderByKey(
    rows.map((r) => r[2]),
    rows.map((r) => r[0]),
  );
  assert.deepEqual(
    [...order].map((i) => rows[i]!.join(' ')),
    [
      'aaa 1990 3',
      'aaa 1991 3',
      'zzz 1990 3',
      'zzz 1991 3',
      'aaa 1990 7',
      'aaa 1991 7',
      'zzz 1990 7',
      'zzz 1991 7',
    ],
  );
});

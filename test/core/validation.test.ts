import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { unknownFields } from '../../src/core/validation.js';

describe('unknownFields', () => {
  it('names each key outside the allowed ones, in the object order, with the expected ones', () => {
    assert.deepEqual(unknownFields({ id: 'a', floor: [], wieght: 1 }, ['id', 'floors', 'weight']), [
      { key: 'floor', message: 'unknown field (expected one of id, floors, weight)' },
      { key: 'wieght', message: 'unknown field (expected one of id, floors, weight)' },
    ]);
    assert.deepEqual(unknownFields({ id: 'a' }, ['id', 'title']), []);
  });
});

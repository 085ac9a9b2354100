import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError } from '../../src/core/errors.js';

/** Path of a fixture under test/fixtures/sources. */
export function fixture(name: string): string {
  return join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'sources', name);
}

/** Everything an async iterable yields, in order. */
export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

/** Writes `content` to a fresh temporary file; `cleanup` removes its folder. */
export function tempFile(
  name: string,
  content: string | Uint8Array,
): { path: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'lens-sources-'));
  const path = join(dir, name);
  writeFileSync(path, content);
  return { path, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Asserts that `run` rejects with an InputError whose file, line and column are as given
 * (undefined: not checked) and whose message contains every `mentions` fragment.
 */
export async function rejectsInput(
  run: () => Promise<unknown>,
  where: { file: string; line?: number; column?: string },
  mentions: readonly (string | RegExp)[] = [],
): Promise<InputError> {
  let caught: unknown;
  try {
    await run();
  } catch (error) {
    caught = error;
  }
  assert.ok(caught instanceof InputError, `expected an InputError, got ${String(caught)}`);
  assert.equal(caught.file, where.file);
  if (where.line !== undefined) assert.equal(caught.line, where.line, caught.message);
  if (where.column !== undefined) assert.equal(caught.column, where.column, caught.message);
  assert.ok(caught.expected, `no "expected" in: ${caught.message}`);
  assert.ok(caught.message.includes(where.file), caught.message);
  for (const m of mentions) {
    if (typeof m === 'string')
      assert.ok(caught.message.includes(m), `"${m}" not in: ${caught.message}`);
    else assert.match(caught.message, m);
  }
  return caught;
}

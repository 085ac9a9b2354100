import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The folder of real public data used by tests and benchmarks (`../shared/data` from the
 * project root). `LENS_SHARED_DATA` overrides it. The files are read in place, never copied.
 * Throws with the places it looked when the folder is missing.
 */
export function sharedDataDir(): string {
  const fromEnv = process.env.LENS_SHARED_DATA;
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
  const candidates = [fromEnv, join(root, '..', 'shared', 'data')].filter(
    (c): c is string => typeof c === 'string' && c.length > 0,
  );
  for (const dir of candidates) {
    if (existsSync(join(dir, 'ewp')) && existsSync(join(dir, 'inputs'))) return resolve(dir);
  }
  throw new Error(
    `shared data folder not found (looked in ${candidates.join(', ')}); set LENS_SHARED_DATA`,
  );
}

/** Path of one file in the shared data folder, e.g. `sharedFile('inputs', 'polity5.csv')`. */
export function sharedFile(...parts: string[]): string {
  return join(sharedDataDir(), ...parts);
}

/**
 * A file of the next data release, wherever it is: `../shared/data-next/NAME` while its
 * reader is new, `../shared/data/events/NAME` once it has moved there.
 */
export function sharedEventFile(name: string): string {
  const dir = sharedDataDir();
  for (const candidate of [join(dir, 'events', name), join(dir, '..', 'data-next', name)]) {
    if (existsSync(candidate)) return candidate;
  }
  throw new Error(`${name} not found in ${join(dir, 'events')} or ${join(dir, '..', 'data-next')}`);
}

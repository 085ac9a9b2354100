import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError } from '../core/errors.js';
import {
  CountryRegistry,
  validateCountries,
  validateNonCountryNames,
} from '../core/countries/registry.js';
import type { Country, NonCountryName } from '../core/countries/types.js';

/** Where the registry content lives and what it is called. */
const COUNTRIES_FILE = 'countries.json';
const NON_COUNTRIES_FILE = 'non-country-names.json';

const cache = new Map<string, CountryRegistry>();

/**
 * The country registry from `content/countries/` of this package (or `dir`): read, checked
 * and cached, so later calls are free. Throws InputError naming the file and every problem
 * when the content is malformed.
 */
export function loadCountryRegistry(dir: string = countriesDir()): CountryRegistry {
  const cached = cache.get(dir);
  if (cached) return cached;
  const countriesPath = join(dir, COUNTRIES_FILE);
  const nonCountriesPath = join(dir, NON_COUNTRIES_FILE);
  const countries = readArray(countriesPath) as Country[];
  const nonCountries = readArray(nonCountriesPath) as NonCountryName[];
  fail(countriesPath, validateCountries(countries));
  fail(nonCountriesPath, validateNonCountryNames(nonCountries, countries));
  const registry = new CountryRegistry(countries, nonCountries);
  cache.set(dir, registry);
  return registry;
}

/**
 * `content/countries` of the installed package: found by walking up from this module to the
 * folder holding `package.json`, so it works from `src/` under tsx and from `dist/` once built.
 */
export function countriesDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return join(dir, 'content', 'countries');
    const parent = dirname(dir);
    if (parent === dir) {
      throw new Error(
        'package root (a folder with package.json) not found above ' +
          fileURLToPath(import.meta.url),
      );
    }
    dir = parent;
  }
}

function readArray(path: string): unknown[] {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new InputError(`cannot read the country registry: ${(e as Error).message}`, {
      file: path,
      expected: 'a JSON array',
    });
  }
  if (!Array.isArray(data)) {
    throw new InputError('not a JSON array', { file: path, expected: 'a JSON array' });
  }
  return data;
}

function fail(path: string, messages: readonly string[]): void {
  if (messages.length === 0) return;
  const shown = messages.slice(0, 20).join('\n  ');
  const more = messages.length > 20 ? `\n  … and ${messages.length - 20} more` : '';
  throw new InputError(
    `${messages.length} problem(s) in the country registry:\n  ${shown}${more}`,
    {
      file: path,
    },
  );
}

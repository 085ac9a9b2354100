/**
 * Lookups many views share, fetched once per page load: the country list and the
 * frameworks.
 */
import { get, getAll, itemsOf } from './api.js';
import type { Page } from './api.js';
import type { CountryItem, FrameworkSummary } from './types.js';

let countries: Promise<CountryItem[]> | undefined;
let frameworks: Promise<FrameworkSummary[]> | undefined;

/** Every country of the registry. */
export function countryList(): Promise<CountryItem[]> {
  countries ??= getAll<CountryItem>('/countries');
  countries.catch(() => (countries = undefined));
  return countries;
}

/** Country name by registry id. */
export async function namesById(): Promise<Map<string, string>> {
  return new Map((await countryList()).map((c) => [c.id, c.name]));
}

/** The frameworks the server offers, each at its latest version. */
export function frameworkList(): Promise<FrameworkSummary[]> {
  frameworks ??= get<Page<FrameworkSummary> | { frameworks: FrameworkSummary[] }>(
    '/frameworks',
  ).then((r) => {
    const all = 'frameworks' in r ? r.frameworks : itemsOf(r);
    // One entry per framework: its latest version (the one used when no version is named).
    const latest = new Map<string, FrameworkSummary>();
    for (const f of all) if ((latest.get(f.id)?.version ?? -1) < f.version) latest.set(f.id, f);
    return [...latest.values()];
  });
  frameworks.catch(() => (frameworks = undefined));
  return frameworks;
}

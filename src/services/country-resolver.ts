import type { CountryRegistry } from '../core/countries/registry.js';
import type { Country } from '../core/countries/types.js';
import type { CountryKey } from '../sources/types.js';

/** The country a row's keys name, or why none. */
export interface Match {
  countryId?: string;
  /**
   * Set when the keys name a later state whose figures of this year the registry places on
   * its predecessor (`backcastTo`): the id of the state named; `countryId` is the predecessor.
   */
  backcastFrom?: string;
  reason: string;
  nonCountry: boolean;
}

/**
 * Resolves a row's keys to a country: the first key that names a country valid that year
 * wins; a back-cast row of a state the registry places on its predecessor that year goes to
 * the predecessor (see {@link Match.backcastFrom}). Memoised, since sources repeat the same
 * keys for every year.
 */
export function countryResolver(
  registry: CountryRegistry,
): (keys: readonly CountryKey[], year: number) => Match {
  const cache = new Map<string, Match>();
  return (keys, year) => {
    const cacheKey = `${formatKeys(keys)}|${year}`;
    const cached = cache.get(cacheKey);
    if (cached) return cached;
    let match: Match | undefined;
    for (const key of keys) {
      if (key.code === '') continue;
      let country =
        key.system === 'name'
          ? registry.fromName(key.code, year)
          : registry.fromCode(key.system, key.code, year);
      if (country && key.system !== 'name') {
        country = sharedCodeByName(registry, country, key, keys, year);
      }
      if (country) {
        const predecessor = registry.backcastOf(country, year);
        match = predecessor
          ? { countryId: predecessor.id, backcastFrom: country.id, reason: '', nonCountry: false }
          : { countryId: country.id, reason: '', nonCountry: false };
        break;
      }
    }
    if (!match) {
      const reason = keys
        .map((k) =>
          k.code === '' || k.system === 'polity'
            ? undefined
            : registry.nonCountryReason(k.code, k.system),
        )
        .find((r) => r !== undefined);
      match = reason
        ? { reason, nonCountry: true }
        : {
            reason: keys.length
              ? `no country matches ${formatKeys(keys)} in ${year}`
              : 'the row names no country',
            nonCountry: false,
          };
    }
    cache.set(cacheKey, match);
    return match;
  };
}

/**
 * In the year of a succession a code can belong to both states (COW 345 is Yugoslavia and,
 * from 2006, Serbia), and sources list both that year. When the row's name means another
 * state existing that year that holds the same code, the name says which one the row is.
 */
function sharedCodeByName(
  registry: CountryRegistry,
  byCode: Country,
  key: CountryKey,
  keys: readonly CountryKey[],
  year: number,
): Country {
  for (const k of keys) {
    if (k.system !== 'name' || k.code === '') continue;
    const named = registry.fromName(k.code, year);
    if (!named || named.id === byCode.id) continue;
    const exists = (named.from ?? -Infinity) <= year && year <= (named.to ?? Infinity);
    const holds = named.codes.some(
      (c) => c.system === key.system && normalise(c.code) === normalise(key.code),
    );
    if (exists && holds) return named;
  }
  return byCode;
}

function normalise(code: string): string {
  return /^\d+(\.0+)?$/.test(code) ? String(Number(code)) : code.toUpperCase();
}

/** A row's keys as `system=code, …`, for reports. */
export function formatKeys(keys: readonly CountryKey[]): string {
  return keys.map((k) => `${k.system}=${k.code}`).join(', ');
}

import type { Country } from '../core/countries/types.js';
import { InputError } from '../core/errors.js';
import type { Tier } from '../core/frameworks/types.js';
import type { Store } from '../store/database.js';
import { assessWorld } from './assess.js';
import type { TierPort } from './escalation.js';

/**
 * The structural tiers the escalation monitor needs for "imminent", from the structural
 * assessment (`assessWorld`, default framework). Tiers move yearly, so each calendar year is
 * assessed once: a date's tier is the assessment as of the end of the year before (what was
 * known when the year began), and for the current year as of `asOf` itself when given.
 * A year without any published data of the framework has no tiers (the port answers
 * undefined), as has a country the assessment cannot score.
 */
export async function structuralTiers(
  store: Store,
  countries: readonly Country[],
  options: { years?: readonly number[]; asOf?: string; framework?: string } = {},
): Promise<TierPort> {
  const byYear = new Map<number, Map<string, Tier>>();
  const assess = async (asOf: string): Promise<Map<string, Tier>> => {
    try {
      const report = await assessWorld(store, countries, {
        asOf,
        change: false,
        framework: options.framework,
      });
      const out = new Map<string, Tier>();
      for (const a of report.assessments) if (a.tier) out.set(a.country.id, a.tier);
      return out;
    } catch (error) {
      if (error instanceof InputError) return new Map();
      throw error;
    }
  };
  for (const year of new Set(options.years ?? []))
    byYear.set(year, await assess(`${year - 1}-12-31`));
  const exact = options.asOf
    ? { date: options.asOf, tiers: await assess(options.asOf) }
    : undefined;
  return (countryId, date) => {
    if (exact && date === exact.date) return exact.tiers.get(countryId);
    return byYear.get(Number(date.slice(0, 4)))?.get(countryId);
  };
}

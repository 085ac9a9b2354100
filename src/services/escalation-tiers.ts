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
 * known when the year began), for the `years` given and the year of `asOf`: a status and a
 * timeline read the same tier for the same date. A year without any published data of the
 * framework has no tiers (the port answers undefined), as has a country the assessment
 * cannot score.
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
  const years = new Set(options.years ?? []);
  if (options.asOf) years.add(Number(options.asOf.slice(0, 4)));
  for (const year of years) byYear.set(year, await assess(`${year - 1}-12-31`));
  return (countryId, date) => byYear.get(Number(date.slice(0, 4)))?.get(countryId);
}

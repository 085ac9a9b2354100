import { createHash } from 'node:crypto';
import type { Country } from '../core/countries/types.js';
import type { Store } from './database.js';

/**
 * Mirrors the country registry into the store (countries and their codes), so queries can
 * join on it. Re-runs are cheap: nothing is written when the registry has not changed.
 * Returns true when the mirror was (re)written.
 */
export async function syncCountries(store: Store, countries: readonly Country[]): Promise<boolean> {
  const hash = createHash('sha256').update(JSON.stringify(countries)).digest('hex');
  const current = await store.db
    .selectFrom('schema_info')
    .select('value')
    .where('key', '=', 'country_registry_hash')
    .executeTakeFirst();
  if (current?.value === hash) return false;
  await store.db.transaction().execute(async (trx) => {
    await trx.deleteFrom('country_codes').execute();
    // Countries still referenced elsewhere keep their rows; others are replaced.
    for (const c of countries) {
      await trx
        .insertInto('countries')
        .values({ id: c.id, name: c.name, from_year: c.from ?? null, to_year: c.to ?? null })
        .onConflict((oc) =>
          oc.column('id').doUpdateSet({
            name: c.name,
            from_year: c.from ?? null,
            to_year: c.to ?? null,
          }),
        )
        .execute();
    }
    const codes = countries.flatMap((c) =>
      c.codes.map((k) => ({
        country_id: c.id,
        system: k.system,
        code: k.code,
        from_year: k.from ?? null,
        to_year: k.to ?? null,
      })),
    );
    for (let i = 0; i < codes.length; i += 500) {
      await trx
        .insertInto('country_codes')
        .values(codes.slice(i, i + 500))
        .execute();
    }
    await trx
      .insertInto('schema_info')
      .values({ key: 'country_registry_hash', value: hash })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value: hash }))
      .execute();
  });
  return true;
}

/** Names of all countries in the store, by id. */
export async function countryNames(store: Store): Promise<Map<string, string>> {
  const rows = await store.db.selectFrom('countries').select(['id', 'name']).execute();
  return new Map(rows.map((r) => [r.id, r.name]));
}

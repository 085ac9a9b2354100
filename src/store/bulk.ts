import { sql } from 'kysely';
import type { Kysely, Transaction } from 'kysely';
import type { Store } from './database.js';
import type { Schema } from './schema.js';

/** Observations of one release, held column by column until written. */
export interface ObservationColumns {
  variableId: number[];
  countryId: string[];
  year: number[];
  value: (number | null)[];
  availableFrom: string[];
}

/** An empty column buffer. */
export function emptyObservationColumns(): ObservationColumns {
  return { variableId: [], countryId: [], year: [], value: [], availableFrom: [] };
}

/**
 * Writes a batch of observations of `releaseId` inside the caller's transaction `trx`.
 * This is the one place where the engines differ for speed: SQLite runs a prepared
 * statement per row on the raw handle (the transaction is the connection's), PostgreSQL
 * sends each batch as one `INSERT … SELECT FROM unnest(arrays)` statement.
 */
export async function insertObservations(
  store: Store,
  trx: Transaction<Schema> | Kysely<Schema>,
  releaseId: number,
  rows: ObservationColumns,
): Promise<void> {
  const n = rows.variableId.length;
  if (n === 0) return;
  if (store.sqlite) {
    const insert = store.sqlite.prepare(
      'insert into observations (variable_id, country_id, year, release_id, value, available_from) values (?, ?, ?, ?, ?, ?)',
    );
    for (let i = 0; i < n; i++) {
      insert.run(
        rows.variableId[i],
        rows.countryId[i],
        rows.year[i],
        releaseId,
        rows.value[i],
        rows.availableFrom[i],
      );
    }
    return;
  }
  const chunk = 20000;
  for (let start = 0; start < n; start += chunk) {
    const end = Math.min(n, start + chunk);
    await sql`insert into observations (variable_id, country_id, year, release_id, value, available_from)
      select v, c, y, ${releaseId}::integer, x, a from unnest(
        ${rows.variableId.slice(start, end)}::integer[],
        ${rows.countryId.slice(start, end)}::text[],
        ${rows.year.slice(start, end)}::integer[],
        ${rows.value.slice(start, end)}::double precision[],
        ${rows.availableFrom.slice(start, end)}::text[]
      ) as t(v, c, y, x, a)`.execute(trx);
  }
}

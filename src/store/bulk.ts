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
  /** Day numbers YYYYMMDD (see `dayNumber`). */
  availableFrom: number[];
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
  // Inserting in key order appends to the primary key's B-tree instead of splitting pages
  // all over it: several times faster. Sources list rows by country and year, so a stable
  // bucket sort by variable and country gives key order in linear time (any other order
  // is still correct, only slower).
  const order = orderByKey(rows.variableId, rows.countryId);
  if (store.sqlite) {
    // Many rows per statement save the per-call cost.
    const per = 150;
    const statement = (count: number) =>
      store.sqlite!.prepare(
        'insert into observations (variable_id, country_id, year, release_id, value, available_from) values ' +
          Array.from({ length: count }, () => '(?, ?, ?, ?, ?, ?)').join(', '),
      );
    const full = statement(per);
    const params: unknown[] = new Array(per * 6);
    for (let start = 0; start < n; start += per) {
      const count = Math.min(per, n - start);
      const args = count === per ? params : new Array(count * 6);
      for (let k = 0; k < count; k++) {
        const i = order[start + k]!;
        const o = k * 6;
        args[o] = rows.variableId[i];
        args[o + 1] = rows.countryId[i];
        args[o + 2] = rows.year[i];
        args[o + 3] = releaseId;
        args[o + 4] = rows.value[i];
        args[o + 5] = rows.availableFrom[i];
      }
      (count === per ? full : statement(count)).run(args);
    }
    return;
  }
  const chunk = 20000;
  const column = <T>(values: readonly T[], start: number, end: number): T[] => {
    const out = new Array<T>(end - start);
    for (let k = start; k < end; k++) out[k - start] = values[order[k]!]!;
    return out;
  };
  for (let start = 0; start < n; start += chunk) {
    const end = Math.min(n, start + chunk);
    await sql`insert into observations (variable_id, country_id, year, release_id, value, available_from)
      select v, c, y, ${releaseId}::integer, x, a from unnest(
        ${column(rows.variableId, start, end)}::integer[],
        ${column(rows.countryId, start, end)}::text[],
        ${column(rows.year, start, end)}::integer[],
        ${column(rows.value, start, end)}::double precision[],
        ${column(rows.availableFrom, start, end)}::integer[]
      ) as t(v, c, y, x, a)`.execute(trx);
  }
}

/**
 * Row positions ordered by variable id, then country id, keeping the original order (by
 * year, in every source) within a country: a counting sort over the variable × country
 * buckets.
 */
export function orderByKey(
  variableId: readonly number[],
  countryId: readonly string[],
): Int32Array {
  const variables = [...new Set(variableId)].sort((a, b) => a - b);
  const countries = [...new Set(countryId)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const variableSlot = new Map(variables.map((id, k) => [id, k]));
  const countrySlot = new Map(countries.map((id, k) => [id, k]));
  const width = countries.length;
  const bucket = new Int32Array(variableId.length);
  const counts = new Int32Array(variables.length * width + 1);
  for (let i = 0; i < variableId.length; i++) {
    const b = variableSlot.get(variableId[i]!)! * width + countrySlot.get(countryId[i]!)!;
    bucket[i] = b;
    counts[b + 1]!++;
  }
  for (let k = 1; k < counts.length; k++) counts[k]! += counts[k - 1]!;
  const order = new Int32Array(variableId.length);
  for (let i = 0; i < bucket.length; i++) order[counts[bucket[i]!]!++] = i;
  return order;
}

/** A date `YYYY-MM-DD` as the day number YYYYMMDD the store keeps (ordered like the dates). */
export function dayNumber(date: string): number {
  return (
    Number(date.slice(0, 4)) * 10000 + Number(date.slice(5, 7)) * 100 + Number(date.slice(8, 10))
  );
}

/** A day number YYYYMMDD back as `YYYY-MM-DD`. */
export function dayString(day: number): string {
  const y = Math.floor(day / 10000);
  const m = Math.floor(day / 100) % 100;
  const d = day % 100;
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

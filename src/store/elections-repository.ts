import type { Kysely, Transaction } from 'kysely';
import type { Schema } from './schema.js';

/** One election of the calendar, as stored. */
export interface Election {
  countryId: string;
  /** ISO date of the vote. */
  date: string;
  type: string;
  source: string;
  file: string;
  line: number;
  recordedAt: string;
}

/**
 * Stores `elections` in `trx`, each replacing a stored one with the same country, date and
 * type. Returns how many were new.
 */
export async function upsertElections(
  trx: Transaction<Schema>,
  elections: readonly Election[],
): Promise<number> {
  let added = 0;
  for (const e of elections) {
    const deleted = await trx
      .deleteFrom('elections')
      .where('country_id', '=', e.countryId)
      .where('date', '=', e.date)
      .where('type', '=', e.type)
      .executeTakeFirst();
    if (Number(deleted.numDeletedRows) === 0) added++;
    await trx
      .insertInto('elections')
      .values({
        country_id: e.countryId,
        date: e.date,
        type: e.type,
        source: e.source,
        file: e.file,
        line: e.line,
        recorded_at: e.recordedAt,
      })
      .execute();
  }
  return added;
}

/** Elections by date then country, optionally of one country and between two ISO dates (inclusive). */
export async function listElections(
  db: Kysely<Schema> | Transaction<Schema>,
  q: { countryId?: string; from?: string; to?: string } = {},
): Promise<Election[]> {
  let query = db.selectFrom('elections').selectAll();
  if (q.countryId !== undefined) query = query.where('country_id', '=', q.countryId);
  if (q.from !== undefined) query = query.where('date', '>=', q.from);
  if (q.to !== undefined) query = query.where('date', '<=', q.to);
  const rows = await query.orderBy('date').orderBy('country_id').orderBy('type').execute();
  return rows.map((r) => ({
    countryId: r.country_id,
    date: r.date,
    type: r.type,
    source: r.source,
    file: r.file,
    line: Number(r.line),
    recordedAt: r.recorded_at,
  }));
}

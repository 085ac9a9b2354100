import type { Selectable } from 'kysely';
import type { Override } from '../core/frameworks/assess.js';
import type { Store } from './database.js';
import type { FactorOverridesTable } from './schema.js';

/** An analyst's judgement on one factor (see `Override`), as stored: with its id and framework. */
export interface StoredOverride extends Override {
  id: number;
  frameworkId: string;
  withdrawnAt?: string;
}

function rowToOverride(row: Selectable<FactorOverridesTable>): StoredOverride {
  return {
    id: Number(row.id),
    frameworkId: row.framework_id,
    countryId: row.country_id,
    factorId: row.factor_id,
    severity: Number(row.severity),
    reason: row.reason,
    source: row.source,
    by: row.created_by,
    at: row.created_at,
    effectiveFrom: row.effective_from ?? undefined,
    withdrawnAt: row.withdrawn_at ?? undefined,
  };
}

/** Stores a new judgement and returns it with its id. */
export async function addOverride(
  store: Store,
  o: Omit<StoredOverride, 'id' | 'withdrawnAt'>,
): Promise<StoredOverride> {
  const row = await store.db
    .insertInto('factor_overrides')
    .values({
      framework_id: o.frameworkId,
      country_id: o.countryId,
      factor_id: o.factorId,
      severity: o.severity,
      reason: o.reason,
      source: o.source,
      created_by: o.by,
      created_at: o.at,
      effective_from: o.effectiveFrom ?? null,
      withdrawn_at: null,
      organisation: null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return rowToOverride(row);
}

/** Marks a judgement withdrawn at `at` (ISO timestamp); false when no such active one. */
export async function withdrawOverride(store: Store, id: number, at: string): Promise<boolean> {
  const result = await store.db
    .updateTable('factor_overrides')
    .set({ withdrawn_at: at })
    .where('id', '=', id)
    .where('withdrawn_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/**
 * Active judgements of a framework (optionally one country), oldest first, so that a
 * later judgement on the same factor supersedes an earlier one when applied in order.
 */
export async function listOverrides(
  store: Store,
  q: { frameworkId?: string; countryId?: string; includeWithdrawn?: boolean } = {},
): Promise<StoredOverride[]> {
  let query = store.db.selectFrom('factor_overrides').selectAll().orderBy('id');
  if (q.frameworkId) query = query.where('framework_id', '=', q.frameworkId);
  if (q.countryId) query = query.where('country_id', '=', q.countryId);
  if (!q.includeWithdrawn) query = query.where('withdrawn_at', 'is', null);
  return (await query.execute()).map(rowToOverride);
}

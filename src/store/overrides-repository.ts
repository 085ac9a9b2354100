import type { Kysely, Selectable, Transaction } from 'kysely';
import type { Tlp } from '../core/escalation/types.js';
import type { Override } from '../core/frameworks/assess.js';
import { readVisible } from './access.js';
import type { Principal, PrivateItems, Purpose } from './access.js';
import type { Store } from './database.js';
import type { FactorOverridesTable, Schema } from './schema.js';

type Db = Kysely<Schema> | Transaction<Schema>;

/**
 * An analyst's judgement on one factor (see `Override`), as stored: with its id, framework,
 * owning organisation (null: none) and TLP level.
 */
export interface StoredOverride extends Override {
  id: number;
  frameworkId: string;
  withdrawnAt?: string;
  organisationId: string | null;
  tlp: Tlp;
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
    organisationId: row.organisation,
    tlp: row.tlp as Tlp,
  };
}

/** How `readVisible` sees a factor_overrides row. */
const OVERRIDE_ITEMS: PrivateItems<
  Pick<Selectable<FactorOverridesTable>, 'id' | 'organisation' | 'tlp'>
> = {
  itemType: 'override',
  columns: { organisation: 'factor_overrides.organisation', tlp: 'factor_overrides.tlp' },
  describe: (r) => ({ id: String(r.id), organisationId: r.organisation, tlp: r.tlp as Tlp }),
};

/** Stores a new judgement and returns it with its id. */
export async function addOverride(
  db: Db,
  o: Omit<StoredOverride, 'id' | 'withdrawnAt'>,
): Promise<StoredOverride> {
  const row = await db
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
      organisation: o.organisationId,
      tlp: o.tlp,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return rowToOverride(row);
}

/** Marks a judgement withdrawn at `at` (ISO timestamp); false when no such active one. */
export async function withdrawOverride(db: Db, id: number, at: string): Promise<boolean> {
  const result = await db
    .updateTable('factor_overrides')
    .set({ withdrawn_at: at })
    .where('id', '=', id)
    .where('withdrawn_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/**
 * Active judgements `p` may see of a framework (optionally one country, or the one with
 * `id`), oldest first, so that a later judgement on the same factor supersedes an earlier
 * one when applied in order. With `purpose` `export`: no RED ones.
 */
export async function listOverrides(
  store: Store,
  p: Principal,
  q: {
    frameworkId?: string;
    countryId?: string;
    id?: number;
    includeWithdrawn?: boolean;
    purpose?: Purpose;
  } = {},
): Promise<StoredOverride[]> {
  const rows = await readVisible(
    store.db,
    p,
    OVERRIDE_ITEMS,
    (visible) => {
      let query = store.db.selectFrom('factor_overrides').selectAll().where(visible).orderBy('id');
      if (q.frameworkId) query = query.where('framework_id', '=', q.frameworkId);
      if (q.countryId) query = query.where('country_id', '=', q.countryId);
      if (q.id !== undefined) query = query.where('id', '=', q.id);
      if (!q.includeWithdrawn) query = query.where('withdrawn_at', 'is', null);
      return query.execute();
    },
    { purpose: q.purpose },
  );
  return rows.map(rowToOverride);
}

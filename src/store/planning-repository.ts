import type { Kysely, Transaction } from 'kysely';
import type { CapacityActor } from '../core/planning/capacity.js';
import { formatScope, parseScope } from '../core/planning/capacity.js';
import type { NeedsDocument } from '../core/planning/needs.js';
import type { SituationOverride } from '../core/planning/situation.js';
import type { ActorKind, Commitment, PlanStage, SituationKind } from '../core/planning/types.js';
import type { Tlp } from '../core/escalation/types.js';
import { readVisible } from './access.js';
import type { Principal, PrivateItems, Purpose } from './access.js';
import type { Store } from './database.js';
import type { Schema } from './schema.js';

type Db = Kysely<Schema> | Transaction<Schema>;

/**
 * The planning part of the store: the capacity map, needs-assessment versions and analysts'
 * situation judgements. Rows of private items carry an owning organisation and a sharing
 * level. Writes take the transaction of the caller, which stores them with their audit
 * entries (`audited` in the audit service).
 */

/** Who owns an item and how far it may be shared (TLP 2.0 label). */
export interface Ownership {
  organisation: string | null;
  tlp: Tlp;
}

/** How the sharing rule sees a row of a planning table (columns `organisation`, `tlp`). */
function items(
  itemType: string,
  table: string,
  id: (r: { organisation: string | null; tlp: string } & Record<string, unknown>) => unknown,
): PrivateItems<{ organisation: string | null; tlp: string } & Record<string, unknown>> {
  return {
    itemType,
    columns: { organisation: `${table}.organisation`, tlp: `${table}.tlp` },
    describe: (r) => ({ id: String(id(r)), organisationId: r.organisation, tlp: r.tlp as Tlp }),
  };
}

const ACTORS = items('capacity-actor', 'capacity_actors', (r) => r.id);
const NEEDS = items('needs-assessment', 'needs_assessments', (r) => r.id);
const SITUATIONS = items('situation-judgement', 'situation_overrides', (r) => r.id);
const STAGES = items('stage-judgement', 'stage_overrides', (r) => r.id);

/**
 * Replaces the actors of `actors` (their capacities and links), in the caller's transaction
 * `trx`: importing the same file again leaves the map as it was; actors not in the file are
 * kept.
 */
export async function replaceActors(
  trx: Transaction<Schema>,
  actors: readonly CapacityActor[],
  meta: Ownership & { importedFrom: string; importedAt: string },
): Promise<void> {
  const ids = actors.map((a) => a.id);
  await trx.deleteFrom('capacity_entries').where('actor_id', 'in', ids).execute();
  await trx.deleteFrom('capacity_links').where('actor_id', 'in', ids).execute();
  await trx.deleteFrom('capacity_actors').where('id', 'in', ids).execute();
  await trx
    .insertInto('capacity_actors')
    .values(
      actors.map((a) => ({
        id: a.id,
        name: a.name,
        kind: a.kind,
        illustrative: a.illustrative ? 1 : 0,
        organisation: meta.organisation,
        tlp: meta.tlp,
        imported_from: meta.importedFrom,
        imported_at: meta.importedAt,
      })),
    )
    .execute();
  const entries = actors.flatMap((a) =>
    a.capacities.map((c) => ({
      actor_id: a.id,
      measure_id: c.measureId,
      scope: formatScope(c.scope),
      current_use: c.currentUse,
      prevention_use: c.preventionUse,
      commitment: c.commitment,
    })),
  );
  if (entries.length > 0) await trx.insertInto('capacity_entries').values(entries).execute();
  const links = actors.flatMap((a) => a.links.map((l) => ({ actor_id: a.id, linked_actor_id: l })));
  if (links.length > 0) await trx.insertInto('capacity_links').values(links).execute();
}

/** The capacity map `principal` may see, actors in id order with their capacities in stored order. */
export async function loadActors(
  store: Store,
  principal: Principal,
  purpose: Purpose = 'read',
): Promise<CapacityActor[]> {
  const [actors, entries, links] = await Promise.all([
    readVisible(
      store.db,
      principal,
      ACTORS,
      (visible) =>
        store.db.selectFrom('capacity_actors').selectAll().where(visible).orderBy('id').execute(),
      { purpose },
    ),
    store.db.selectFrom('capacity_entries').selectAll().orderBy('id').execute(),
    store.db.selectFrom('capacity_links').selectAll().orderBy('linked_actor_id').execute(),
  ]);
  const byId = new Map<string, CapacityActor>(
    actors.map((a) => [
      a.id,
      {
        id: a.id,
        name: a.name,
        kind: a.kind as ActorKind,
        illustrative: Number(a.illustrative) === 1,
        links: [],
        capacities: [],
      },
    ]),
  );
  for (const e of entries) {
    const scope = parseScope(e.scope);
    const actor = byId.get(e.actor_id);
    if (!actor || !scope) continue;
    actor.capacities.push({
      measureId: e.measure_id,
      scope,
      currentUse: e.current_use,
      preventionUse: e.prevention_use,
      commitment: e.commitment as Commitment,
    });
  }
  for (const l of links) byId.get(l.actor_id)?.links.push(l.linked_actor_id);
  return [...byId.values()];
}

/** One stored version of a needs assessment. */
export interface NeedsVersion extends Ownership {
  id: number;
  countryId: string;
  version: number;
  asOf: string;
  note: string;
  by: string;
  at: string;
  document: NeedsDocument;
}

/**
 * Stores a document as the country's next version (1 for the first) and returns it. The
 * version number is taken inside the caller's transaction `trx`, so two saves never share
 * one.
 */
export async function addNeedsVersion(
  trx: Transaction<Schema>,
  v: Omit<NeedsVersion, 'id' | 'version'>,
): Promise<NeedsVersion> {
  const last = await trx
    .selectFrom('needs_assessments')
    .select((eb) => eb.fn.max('version').as('v'))
    .where('country_id', '=', v.countryId)
    .executeTakeFirst();
  const version = Number(last?.v ?? 0) + 1;
  const row = await trx
    .insertInto('needs_assessments')
    .values({
      country_id: v.countryId,
      version,
      as_of: v.asOf,
      document: JSON.stringify(v.document),
      note: v.note,
      created_by: v.by,
      created_at: v.at,
      organisation: v.organisation,
      tlp: v.tlp,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { ...v, id: Number(row.id), version };
}

/** A country's versions `principal` may see, oldest first (documents included). */
export async function listNeedsVersions(
  store: Store,
  principal: Principal,
  countryId: string,
): Promise<NeedsVersion[]> {
  const rows = await readVisible(store.db, principal, NEEDS, (visible) =>
    store.db
      .selectFrom('needs_assessments')
      .selectAll()
      .where('country_id', '=', countryId)
      .where(visible)
      .orderBy('version')
      .execute(),
  );
  return rows.map((r) => ({
    id: Number(r.id),
    countryId: r.country_id,
    version: Number(r.version),
    asOf: r.as_of,
    note: r.note,
    by: r.created_by,
    at: r.created_at,
    organisation: r.organisation,
    tlp: r.tlp as Tlp,
    document: JSON.parse(r.document) as NeedsDocument,
  }));
}

/** A stored situation judgement. */
export interface StoredSituationOverride extends SituationOverride, Ownership {
  id: number;
  countryId: string;
  effectiveFrom: string;
  withdrawnAt?: string;
}

/** Stores an analyst's situation judgement. */
export async function addSituationOverride(
  db: Db,
  o: Omit<StoredSituationOverride, 'id' | 'withdrawnAt'>,
): Promise<StoredSituationOverride> {
  const row = await db
    .insertInto('situation_overrides')
    .values({
      country_id: o.countryId,
      situation: o.situation,
      reason: o.reason,
      source: o.source,
      created_by: o.by,
      created_at: o.at,
      effective_from: o.effectiveFrom,
      organisation: o.organisation,
      tlp: o.tlp,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { ...o, id: Number(row.id) };
}

/**
 * Situation judgements `principal` may see (withdrawn ones too), oldest first; of one country
 * when given.
 */
export async function listSituationOverrides(
  store: Store,
  principal: Principal,
  countryId?: string,
): Promise<StoredSituationOverride[]> {
  const rows = await readVisible(store.db, principal, SITUATIONS, (visible) => {
    let q = store.db.selectFrom('situation_overrides').selectAll().where(visible).orderBy('id');
    if (countryId) q = q.where('country_id', '=', countryId);
    return q.execute();
  });
  return rows.map((r) => ({
    id: Number(r.id),
    countryId: r.country_id,
    situation: r.situation as SituationKind,
    reason: r.reason,
    source: r.source,
    by: r.created_by,
    at: r.created_at,
    effectiveFrom: r.effective_from,
    ...(r.withdrawn_at ? { withdrawnAt: r.withdrawn_at } : {}),
    organisation: r.organisation,
    tlp: r.tlp as Tlp,
  }));
}

/** Marks a judgement withdrawn at `at` (ISO timestamp); false when there is no such open judgement. */
export async function withdrawSituationOverride(db: Db, id: number, at: string): Promise<boolean> {
  const r = await db
    .updateTable('situation_overrides')
    .set({ withdrawn_at: at })
    .where('id', '=', id)
    .where('withdrawn_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** A stored stage judgement: the stage, why, the actors the analyst names, who owns it. */
export interface StoredStageOverride extends Ownership {
  id: number;
  countryId: string;
  stage: PlanStage;
  reason: string;
  source: string;
  perpetrators: string[];
  atRisk: string[];
  by: string;
  at: string;
  effectiveFrom: string;
  withdrawnAt?: string;
}

const joinNames = (names: readonly string[]) => names.join('\n');
const splitNames = (text: string) => (text === '' ? [] : text.split('\n'));

/** Stores an analyst's stage judgement. */
export async function addStageOverride(
  db: Db,
  o: Omit<StoredStageOverride, 'id' | 'withdrawnAt'>,
): Promise<StoredStageOverride> {
  const row = await db
    .insertInto('stage_overrides')
    .values({
      country_id: o.countryId,
      stage: o.stage,
      reason: o.reason,
      source: o.source,
      perpetrators: joinNames(o.perpetrators),
      at_risk: joinNames(o.atRisk),
      created_by: o.by,
      created_at: o.at,
      effective_from: o.effectiveFrom,
      organisation: o.organisation,
      tlp: o.tlp,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { ...o, id: Number(row.id) };
}

/** Stage judgements `principal` may see (withdrawn ones too), oldest first; of one country when given. */
export async function listStageOverrides(
  store: Store,
  principal: Principal,
  countryId?: string,
): Promise<StoredStageOverride[]> {
  const rows = await readVisible(store.db, principal, STAGES, (visible) => {
    let q = store.db.selectFrom('stage_overrides').selectAll().where(visible).orderBy('id');
    if (countryId) q = q.where('country_id', '=', countryId);
    return q.execute();
  });
  return rows.map((r) => ({
    id: Number(r.id),
    countryId: r.country_id,
    stage: r.stage as PlanStage,
    reason: r.reason,
    source: r.source,
    perpetrators: splitNames(r.perpetrators),
    atRisk: splitNames(r.at_risk),
    by: r.created_by,
    at: r.created_at,
    effectiveFrom: r.effective_from,
    ...(r.withdrawn_at ? { withdrawnAt: r.withdrawn_at } : {}),
    organisation: r.organisation,
    tlp: r.tlp as Tlp,
  }));
}

/** Marks a stage judgement withdrawn at `at`; false when there is no such open judgement. */
export async function withdrawStageOverride(db: Db, id: number, at: string): Promise<boolean> {
  const r = await db
    .updateTable('stage_overrides')
    .set({ withdrawn_at: at })
    .where('id', '=', id)
    .where('withdrawn_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

import type { Kysely, Selectable, Transaction } from 'kysely';
import type { Tlp } from '../core/escalation/types.js';
import { readVisible } from './access.js';
import type { Principal, PrivateItems, Purpose } from './access.js';
import type { Schema } from './schema.js';
import type { CasesTable, CaseStepsTable } from './schema-identity.js';

type Db = Kysely<Schema> | Transaction<Schema>;

/** The steps of a case, in order. */
export const CASE_STEPS = ['assessment', 'advice', 'decision'] as const;

/** One step of a case. */
export type CaseStepName = (typeof CASE_STEPS)[number];

/** Where a step is: `waiting` (an earlier step is not done), `open`, `in-progress`, `done`. */
export type StepStatus = 'waiting' | 'open' | 'in-progress' | 'done';

/** A step as stored. Times ISO; null until they happen. */
export interface StoredCaseStep {
  step: CaseStepName;
  position: number;
  ownerUserId: number | null;
  status: StepStatus;
  openedAt: string | null;
  startedAt: string | null;
  completedAt: string | null;
  dueAt: string | null;
  note: string | null;
}

/** A case as stored, with its steps in order. */
export interface StoredCase {
  id: number;
  alertId: number;
  countryId: string;
  fastTrack: boolean;
  organisationId: string;
  tlp: Tlp;
  status: 'open' | 'decided';
  openedBy: string;
  openedAt: string;
  warningAt: string;
  decidedAt: string | null;
  decision: string | null;
  steps: StoredCaseStep[];
}

function rowToStep(r: Selectable<CaseStepsTable>): StoredCaseStep {
  return {
    step: r.step as CaseStepName,
    position: Number(r.position),
    ownerUserId: r.owner_user_id === null ? null : Number(r.owner_user_id),
    status: r.status as StepStatus,
    openedAt: r.opened_at,
    startedAt: r.started_at,
    completedAt: r.completed_at,
    dueAt: r.due_at,
    note: r.note,
  };
}

/** How `readVisible` sees a cases row. */
const CASE_ITEMS: PrivateItems<Pick<Selectable<CasesTable>, 'id' | 'organisation' | 'tlp'>> = {
  itemType: 'case',
  columns: { organisation: 'cases.organisation', tlp: 'cases.tlp' },
  describe: (r) => ({ id: String(r.id), organisationId: r.organisation, tlp: r.tlp as Tlp }),
};

/** Stores a new case and its steps; returns its id. */
export async function insertCase(
  db: Db,
  c: Omit<StoredCase, 'id' | 'decidedAt' | 'decision'>,
): Promise<number> {
  const r = await db
    .insertInto('cases')
    .values({
      alert_id: c.alertId,
      country_id: c.countryId,
      fast_track: c.fastTrack ? 1 : 0,
      organisation: c.organisationId,
      tlp: c.tlp,
      status: c.status,
      opened_by: c.openedBy,
      opened_at: c.openedAt,
      warning_at: c.warningAt,
      decided_at: null,
      decision: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const id = Number(r.id);
  await db
    .insertInto('case_steps')
    .values(
      c.steps.map((s) => ({
        case_id: id,
        step: s.step,
        position: s.position,
        owner_user_id: s.ownerUserId,
        status: s.status,
        opened_at: s.openedAt,
        started_at: s.startedAt,
        completed_at: s.completedAt,
        due_at: s.dueAt,
        note: s.note,
      })),
    )
    .execute();
  return id;
}

/**
 * Cases `p` may see, newest first, with their steps (a step is seen with its case), by
 * `id`, alert, status or country. With `purpose` `export`: no RED ones.
 */
export async function listCases(
  db: Db,
  p: Principal,
  q: {
    id?: number;
    alertId?: number;
    status?: 'open' | 'decided';
    countryId?: string;
    purpose?: Purpose;
  } = {},
): Promise<StoredCase[]> {
  const rows = await readVisible(
    db,
    p,
    CASE_ITEMS,
    (visible) => {
      let query = db.selectFrom('cases').selectAll().where(visible).orderBy('id', 'desc');
      if (q.id !== undefined) query = query.where('id', '=', q.id);
      if (q.alertId !== undefined) query = query.where('alert_id', '=', q.alertId);
      if (q.status !== undefined) query = query.where('status', '=', q.status);
      if (q.countryId !== undefined) query = query.where('country_id', '=', q.countryId);
      return query.execute();
    },
    { purpose: q.purpose },
  );
  if (rows.length === 0) return [];
  const steps = await db
    .selectFrom('case_steps')
    .selectAll()
    .where(
      'case_id',
      'in',
      rows.map((r) => Number(r.id)),
    )
    .orderBy('case_id')
    .orderBy('position')
    .execute();
  const byCase = new Map<number, StoredCaseStep[]>();
  for (const s of steps) {
    const list = byCase.get(Number(s.case_id)) ?? [];
    list.push(rowToStep(s));
    byCase.set(Number(s.case_id), list);
  }
  return rows.map((r) => ({
    id: Number(r.id),
    alertId: Number(r.alert_id),
    countryId: r.country_id,
    fastTrack: Number(r.fast_track) === 1,
    organisationId: r.organisation,
    tlp: r.tlp as Tlp,
    status: r.status as 'open' | 'decided',
    openedBy: r.opened_by,
    openedAt: r.opened_at,
    warningAt: r.warning_at,
    decidedAt: r.decided_at,
    decision: r.decision,
    steps: byCase.get(Number(r.id)) ?? [],
  }));
}

/** Changes some fields of one step. */
export async function updateStep(
  db: Db,
  caseId: number,
  step: CaseStepName,
  set: Partial<Omit<StoredCaseStep, 'step' | 'position'>>,
): Promise<void> {
  await db
    .updateTable('case_steps')
    .set({
      ...(set.ownerUserId !== undefined ? { owner_user_id: set.ownerUserId } : {}),
      ...(set.status !== undefined ? { status: set.status } : {}),
      ...(set.openedAt !== undefined ? { opened_at: set.openedAt } : {}),
      ...(set.startedAt !== undefined ? { started_at: set.startedAt } : {}),
      ...(set.completedAt !== undefined ? { completed_at: set.completedAt } : {}),
      ...(set.dueAt !== undefined ? { due_at: set.dueAt } : {}),
      ...(set.note !== undefined ? { note: set.note } : {}),
    })
    .where('case_id', '=', caseId)
    .where('step', '=', step)
    .execute();
}

/** Records the decision that closes a case. */
export async function decideCase(
  db: Db,
  caseId: number,
  decidedAt: string,
  decision: string | null,
): Promise<void> {
  await db
    .updateTable('cases')
    .set({ status: 'decided', decided_at: decidedAt, decision })
    .where('id', '=', caseId)
    .execute();
}

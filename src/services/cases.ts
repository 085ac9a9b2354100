import { TLP_LEVELS, stricterTlp } from '../core/escalation/types.js';
import type { Tlp } from '../core/escalation/types.js';
import { InputError } from '../core/errors.js';
import {
  AccessDeniedError,
  agreementsFor,
  canDo,
  canSee,
  describePrincipal,
  requireAction,
} from '../store/access.js';
import type { Principal } from '../store/access.js';
import { getAlert } from '../store/alerts-repository.js';
import {
  CASE_STEPS,
  decideCase,
  insertCase,
  listCases,
  updateStep,
} from '../store/cases-repository.js';
import type { CaseStepName, StoredCase, StoredCaseStep } from '../store/cases-repository.js';
import type { Store } from '../store/database.js';
import { findUser, getOrganisation, listMemberships } from '../store/identity-repository.js';
import { audited } from './audit.js';
import { principalOf } from './identity.js';

export { CASE_STEPS } from '../store/cases-repository.js';
export type { CaseStepName, StepStatus } from '../store/cases-repository.js';

/**
 * Time allowed for each step from the moment it opens, in hours. Imminent alerts go on the
 * fast track: a decision within a day of the warning; other cases within four weeks.
 */
export const STEP_HOURS: Readonly<Record<'fast' | 'normal', Record<CaseStepName, number>>> = {
  fast: { assessment: 6, advice: 6, decision: 12 },
  normal: { assessment: 7 * 24, advice: 7 * 24, decision: 14 * 24 },
};

/** A step of a case as shown: with its owner's username and whether it is overdue. */
export interface CaseStep extends StoredCaseStep {
  ownerUsername: string | null;
  /** Due and not done by the `now` of the query. */
  overdue: boolean;
}

/**
 * A case from warning to decision: its steps and the time measured from the warning (the
 * alert being raised) to the decision, in hours (null while undecided), and so far.
 */
export interface Case extends Omit<StoredCase, 'steps'> {
  steps: CaseStep[];
  /** Hours from the warning to the decision; null while undecided. */
  warningToDecisionHours: number | null;
  /** Hours from the warning to the decision, or to `now` while undecided. */
  elapsedHours: number;
  /** The step being worked on (null once decided). */
  currentStep: CaseStepName | null;
}

function hoursBetween(from: string, to: string): number {
  return Math.round(((Date.parse(to) - Date.parse(from)) / 3_600_000) * 100) / 100;
}

function plusHours(iso: string, hours: number): string {
  return new Date(Date.parse(iso) + hours * 3_600_000).toISOString();
}

async function present(store: Store, c: StoredCase, now: string): Promise<Case> {
  const names = new Map<number, string>();
  for (const s of c.steps) {
    if (s.ownerUserId === null || names.has(s.ownerUserId)) continue;
    const u = await findUser(store.db, { id: s.ownerUserId });
    names.set(s.ownerUserId, u?.username ?? String(s.ownerUserId));
  }
  return {
    ...c,
    steps: c.steps.map((s) => ({
      ...s,
      ownerUsername: s.ownerUserId === null ? null : (names.get(s.ownerUserId) ?? null),
      overdue: s.status !== 'done' && s.dueAt !== null && s.dueAt < now,
    })),
    warningToDecisionHours: c.decidedAt === null ? null : hoursBetween(c.warningAt, c.decidedAt),
    elapsedHours: hoursBetween(c.warningAt, c.decidedAt ?? now),
    currentStep: c.steps.find((s) => s.status !== 'done')?.step ?? null,
  };
}

/**
 * Opens a case from an alert `principal` may see, owned by their organisation (the local
 * operator names one in `organisationId`). Imminent alerts go on the fast track. The case's
 * TLP is `tlp` (default: the alert's level, at least AMBER, since deliberations are not
 * public), never below the alert's. One open case per alert and organisation.
 */
export async function openCase(
  store: Store,
  principal: Principal,
  o: { alertId: number; organisationId?: string; tlp?: string; now?: string },
): Promise<Case> {
  requireAction(principal, 'open-case');
  const now = o.now ?? new Date().toISOString();
  const alert = await getAlert(store.db, principal, o.alertId);
  if (!alert)
    throw new InputError(`no alert ${o.alertId}`, {
      column: 'alert',
      expected: 'an id from `lens alerts list`',
    });
  const organisationId = principal.kind === 'user' ? principal.organisationId : o.organisationId;
  if (organisationId === undefined || !(await getOrganisation(store.db, organisationId)))
    throw new InputError(`no organisation "${organisationId ?? ''}" to own the case`, {
      column: 'org',
      expected: 'an id from `lens orgs list`',
    });
  const tlp = (o.tlp ?? stricterTlp(alert.sharing, 'AMBER')).toUpperCase() as Tlp;
  if (!TLP_LEVELS.includes(tlp) || TLP_LEVELS.indexOf(tlp) < TLP_LEVELS.indexOf(alert.sharing))
    throw new InputError(`cannot open the case at "${o.tlp}"`, {
      column: 'tlp',
      expected: `${TLP_LEVELS.slice(TLP_LEVELS.indexOf(alert.sharing)).join(', ')} (not below the alert's ${alert.sharing})`,
    });
  const open = (await listCases(store.db, principal, { alertId: alert.id, status: 'open' })).find(
    (c) => c.organisationId === organisationId,
  );
  if (open)
    throw new InputError(`alert ${alert.id} has an open case already: ${open.id}`, {
      column: 'alert',
      expected: 'an alert without an open case of your organisation',
    });
  const fastTrack = alert.kind === 'imminent';
  const hours = STEP_HOURS[fastTrack ? 'fast' : 'normal'];
  const steps: StoredCaseStep[] = CASE_STEPS.map((step, position) => ({
    step,
    position,
    ownerUserId: position === 0 && principal.kind === 'user' ? principal.userId : null,
    status: position === 0 ? 'open' : 'waiting',
    openedAt: position === 0 ? now : null,
    startedAt: null,
    completedAt: null,
    dueAt: position === 0 ? plusHours(now, hours.assessment) : null,
    note: null,
  }));
  const actor = describePrincipal(principal);
  const id = await audited(store, async (trx, record) => {
    const id = await insertCase(trx, {
      alertId: alert.id,
      countryId: alert.countryId,
      fastTrack,
      organisationId,
      tlp,
      status: 'open',
      openedBy: actor,
      openedAt: now,
      warningAt: alert.raisedAt,
      steps,
    });
    record({
      actor,
      action: 'open',
      itemType: 'case',
      itemId: String(id),
      detail: { alert: alert.id, fastTrack, organisation: organisationId, tlp },
      at: now,
    });
    return id;
  });
  return (await caseById(store, principal, id, now))!;
}

/** One case, if `principal` may see it; `now` (ISO) decides what is overdue. */
export async function caseById(
  store: Store,
  principal: Principal,
  id: number,
  now: string = new Date().toISOString(),
): Promise<Case | undefined> {
  const [c] = await listCases(store.db, principal, { id });
  return c ? present(store, c, now) : undefined;
}

/** Cases `principal` may see, newest first, with the time from warning to decision. */
export async function cases(
  store: Store,
  principal: Principal,
  q: { status?: 'open' | 'decided'; countryId?: string; now?: string } = {},
): Promise<Case[]> {
  const now = q.now ?? new Date().toISOString();
  const list = await listCases(store.db, principal, { status: q.status, countryId: q.countryId });
  return Promise.all(list.map((c) => present(store, c, now)));
}

/** Cases for export (files, other systems): as `cases`, but never RED ones. */
export async function exportCases(
  store: Store,
  principal: Principal,
  q: { status?: 'open' | 'decided'; countryId?: string; now?: string } = {},
): Promise<Case[]> {
  const now = q.now ?? new Date().toISOString();
  const list = await listCases(store.db, principal, { ...q, purpose: 'export' });
  return Promise.all(list.map((c) => present(store, c, now)));
}

/** What to do to a step: give it to someone, start work on it, or complete it. */
export type CaseAction =
  | { action: 'assign'; username: string }
  | { action: 'start' }
  | { action: 'complete'; note?: string };

/**
 * Moves a case on. `step` defaults to the current one; steps go in order (a step opens when
 * the one before it is done; completing the decision decides the case). Who may act: the
 * local operator; users of the owning organisation whose role works on cases; and the
 * person a step is assigned to, for that step. A step may be assigned to a user of the
 * owning organisation, or of another organisation that the owner shares the case's level
 * with (a focal point of a regional organisation, say); AccessDeniedError otherwise.
 */
export async function advanceCase(
  store: Store,
  principal: Principal,
  caseId: number,
  change: CaseAction & { step?: CaseStepName; now?: string },
): Promise<Case> {
  const now = change.now ?? new Date().toISOString();
  const [c] = await listCases(store.db, principal, { id: caseId });
  if (!c)
    throw new InputError(`no case ${caseId}`, {
      column: 'case',
      expected: 'an id from `lens cases list`',
    });
  if (c.status === 'decided')
    throw new InputError(`case ${caseId} is decided already`, {
      column: 'case',
      expected: 'an open case',
    });
  const current = c.steps.find((s) => s.status !== 'done')!;
  const step = c.steps.find((s) => s.step === (change.step ?? current.step));
  if (!step)
    throw new InputError(`no step "${change.step}"`, {
      column: 'step',
      expected: CASE_STEPS.join(', '),
    });
  const holder = principal.kind === 'user' && step.ownerUserId === principal.userId;
  const ownOrg =
    principal.kind === 'system' ||
    (principal.kind === 'user' && principal.organisationId === c.organisationId);
  if (!canDo(principal, 'work-case') || !(ownOrg || (holder && change.action !== 'assign')))
    throw new AccessDeniedError(
      `${describePrincipal(principal)} may not ${change.action} the ${step.step} of case ${caseId}`,
    );
  const hours = STEP_HOURS[c.fastTrack ? 'fast' : 'normal'];
  await audited(store, async (trx, record) => {
    const detail: Record<string, unknown> = { step: step.step };
    if (change.action === 'assign') {
      const u = await findUser(trx, { username: change.username });
      if (!u)
        throw new InputError(`no user "${change.username}"`, {
          column: 'assign',
          expected: 'a username',
        });
      // The assignee may work on the case in any of their memberships (home first) whose
      // organisation and role are allowed to: judged for each membership alone.
      const memberships = (await listMemberships(trx, u.id)).sort(
        (a, b) =>
          Number(b.organisationId === u.organisationId) -
          Number(a.organisationId === u.organisationId),
      );
      let allowedIn: string | undefined;
      for (const m of memberships) {
        const assignee = principalOf(u, undefined, m);
        const theirs = await agreementsFor(trx, assignee);
        if (
          canDo(assignee, 'work-case') &&
          canSee(assignee, { organisationId: c.organisationId, tlp: c.tlp }, theirs)
        ) {
          allowedIn = m.organisationId;
          break;
        }
      }
      // The refusal names no membership: the assigner need not learn where else a user works.
      if (u.disabled || allowedIn === undefined)
        throw new AccessDeniedError(
          `${u.username} may not work on case ${caseId}: the case is not shared with any of ` +
            'their organisations at its level, or their role there does not work on cases',
        );
      await updateStep(trx, caseId, step.step, { ownerUserId: u.id });
      detail.assignee = `${u.username}@${allowedIn}`;
    } else {
      if (step.status === 'waiting' || step.status === 'done')
        throw new InputError(`the ${step.step} step is ${step.status}`, {
          column: 'step',
          expected: `the current step (${current.step})`,
        });
      if (change.action === 'start') {
        if (step.status !== 'open')
          throw new InputError(`the ${step.step} step is started already`, {
            column: 'step',
            expected: 'an open step',
          });
        await updateStep(trx, caseId, step.step, {
          status: 'in-progress',
          startedAt: now,
          ...(step.ownerUserId === null && principal.kind === 'user'
            ? { ownerUserId: principal.userId }
            : {}),
        });
      } else {
        const note = change.note?.trim() || null;
        await updateStep(trx, caseId, step.step, {
          status: 'done',
          startedAt: step.startedAt ?? now,
          completedAt: now,
          note,
          ...(step.ownerUserId === null && principal.kind === 'user'
            ? { ownerUserId: principal.userId }
            : {}),
        });
        const next = c.steps.find((s) => s.position === step.position + 1);
        if (next)
          await updateStep(trx, caseId, next.step, {
            status: 'open',
            openedAt: now,
            dueAt: plusHours(now, hours[next.step]),
          });
        else await decideCase(trx, caseId, now, note);
        detail.note = note;
      }
    }
    record({
      actor: principal,
      action: change.action,
      itemType: 'case',
      itemId: String(caseId),
      detail,
      at: now,
    });
  });
  return (await caseById(store, principal, caseId, now))!;
}

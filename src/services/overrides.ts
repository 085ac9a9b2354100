import { TLP_LEVELS } from '../core/escalation/types.js';
import type { Tlp } from '../core/escalation/types.js';
import { InputError } from '../core/errors.js';
import {
  AccessDeniedError,
  agreementsFor,
  canUpdate,
  describePrincipal,
  requireAction,
} from '../store/access.js';
import type { Principal } from '../store/access.js';
import type { Store } from '../store/database.js';
import { addOverride, listOverrides, withdrawOverride } from '../store/overrides-repository.js';
import type { StoredOverride } from '../store/overrides-repository.js';
import { audited } from './audit.js';
import { loadFramework } from './frameworks.js';

/**
 * Records an analyst's severity for one factor of a framework and country. The framework
 * and factor must exist; severity in [0, 4]; `effectiveFrom` (`YYYY-MM-DD`) defaults to the
 * day it is recorded, so backtests of earlier dates never see it. It belongs to the
 * principal's organisation (the local operator may name one in `organisation`), at `tlp`
 * (default AMBER: unpublished judgement).
 */
export async function addAnalystOverride(
  store: Store,
  principal: Principal,
  o: {
    framework: string;
    countryId: string;
    factorId: string;
    severity: number;
    reason: string;
    source: string;
    by: string;
    effectiveFrom?: string;
    tlp?: string;
    organisation?: string;
    now?: Date;
  },
): Promise<StoredOverride> {
  requireAction(principal, 'override');
  const tlp = (o.tlp ?? 'AMBER').toUpperCase() as Tlp;
  if (!TLP_LEVELS.includes(tlp)) {
    throw new InputError(`unknown sharing level "${o.tlp}"`, {
      column: '--tlp',
      expected: TLP_LEVELS.join(', '),
    });
  }
  const framework = await loadFramework(o.framework);
  const factors = framework.groups.flatMap((g) => g.factors.map((f) => f.id));
  if (!factors.includes(o.factorId)) {
    throw new InputError(`framework ${framework.id} has no factor "${o.factorId}"`, {
      column: '--factor',
      expected: `one of ${factors.join(', ')}`,
    });
  }
  if (!(o.severity >= 0 && o.severity <= 4)) {
    throw new InputError(`severity ${o.severity} is out of range`, {
      column: '--severity',
      expected: 'a number from 0 to 4',
    });
  }
  if (o.reason.trim() === '' || o.source.trim() === '') {
    throw new InputError('an override needs a reason and a source', {
      column: o.reason.trim() === '' ? '--reason' : '--source',
    });
  }
  const at = (o.now ?? new Date()).toISOString();
  const effectiveFrom = o.effectiveFrom ?? at.slice(0, 10);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(effectiveFrom) || Number.isNaN(Date.parse(effectiveFrom))) {
    throw new InputError(`invalid date "${effectiveFrom}"`, {
      column: '--effective-from',
      expected: 'YYYY-MM-DD',
    });
  }
  const organisationId =
    principal.kind === 'user' ? principal.organisationId : (o.organisation ?? null);
  return audited(store, async (trx, record) => {
    const stored = await addOverride(trx, {
      frameworkId: framework.id,
      countryId: o.countryId,
      factorId: o.factorId,
      severity: o.severity,
      reason: o.reason.trim(),
      source: o.source.trim(),
      by: o.by,
      at,
      effectiveFrom,
      organisationId,
      tlp,
    });
    record({
      at,
      actor: principal,
      action: 'create',
      itemType: 'override',
      itemId: String(stored.id),
      detail: { framework: framework.id, country: o.countryId, factor: o.factorId, tlp },
    });
    return stored;
  });
}

/** Active overrides `principal` may see of a framework (and country), oldest first. */
export function overridesFor(
  store: Store,
  principal: Principal,
  frameworkId?: string,
  countryId?: string,
): Promise<StoredOverride[]> {
  return listOverrides(store, principal, { frameworkId, countryId });
}

/** Active overrides for export (files, other systems): as `overridesFor`, but never RED ones. */
export function exportOverrides(
  store: Store,
  principal: Principal,
  frameworkId?: string,
  countryId?: string,
): Promise<StoredOverride[]> {
  return listOverrides(store, principal, { frameworkId, countryId, purpose: 'export' });
}

/** One active override, if `principal` may see it. */
export async function override(
  store: Store,
  principal: Principal,
  id: number,
): Promise<StoredOverride | undefined> {
  return (await listOverrides(store, principal, { id }))[0];
}

/**
 * Withdraws an override: InputError when there is no active override with that id that
 * `principal` may see, AccessDeniedError when they see it but may not change it.
 */
export async function withdrawAnalystOverride(
  store: Store,
  principal: Principal,
  id: number,
  now: Date = new Date(),
): Promise<void> {
  const found = await override(store, principal, id);
  const missing = () =>
    new InputError(`no active override with id ${id}`, {
      expected: 'an id from `lens override list`',
    });
  if (!found) throw missing();
  const owned = { organisationId: found.organisationId, tlp: found.tlp };
  if (!canUpdate(principal, 'override', owned, await agreementsFor(store.db, principal)))
    throw new AccessDeniedError(`${describePrincipal(principal)} may not withdraw override ${id}`);
  // Withdrawn in the meantime: the transaction is rolled back and nothing is recorded.
  await audited(store, async (trx, record) => {
    if (!(await withdrawOverride(trx, id, now.toISOString()))) throw missing();
    record({
      at: now.toISOString(),
      actor: principal,
      action: 'withdraw',
      itemType: 'override',
      itemId: String(id),
    });
  });
}

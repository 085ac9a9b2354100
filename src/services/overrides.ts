import { InputError } from '../core/errors.js';
import type { Store } from '../store/database.js';
import { addOverride, listOverrides, withdrawOverride } from '../store/overrides-repository.js';
import type { StoredOverride } from '../store/overrides-repository.js';
import { loadFramework } from './frameworks.js';

/**
 * Records an analyst's severity for one factor of a framework and country. The framework
 * and factor must exist; severity in [0, 4]; `effectiveFrom` (`YYYY-MM-DD`) defaults to the
 * day it is recorded, so backtests of earlier dates never see it.
 */
export async function addAnalystOverride(
  store: Store,
  o: {
    framework: string;
    countryId: string;
    factorId: string;
    severity: number;
    reason: string;
    source: string;
    by: string;
    effectiveFrom?: string;
    now?: Date;
  },
): Promise<StoredOverride> {
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
  return addOverride(store, {
    frameworkId: framework.id,
    countryId: o.countryId,
    factorId: o.factorId,
    severity: o.severity,
    reason: o.reason.trim(),
    source: o.source.trim(),
    by: o.by,
    at,
    effectiveFrom,
  });
}

/** Active overrides of a framework (and country), oldest first. */
export function overridesFor(
  store: Store,
  frameworkId?: string,
  countryId?: string,
): Promise<StoredOverride[]> {
  return listOverrides(store, { frameworkId, countryId });
}

/** Withdraws an override; InputError when there is no active override with that id. */
export async function withdrawAnalystOverride(
  store: Store,
  id: number,
  now: Date = new Date(),
): Promise<void> {
  if (!(await withdrawOverride(store, id, now.toISOString()))) {
    throw new InputError(`no active override with id ${id}`, {
      expected: 'an id from `lens override list`',
    });
  }
}

import { TLP_LEVELS } from '../core/escalation/types.js';
import type { Tlp } from '../core/escalation/types.js';
import { InputError } from '../core/errors.js';
import { AccessDeniedError, SHAREABLE_LEVELS, canDo, describePrincipal } from '../store/access.js';
import type { Principal } from '../store/access.js';
import type { Store } from '../store/database.js';
import {
  insertAgreement,
  listAgreements,
  withdrawAgreementRow,
} from '../store/identity-repository.js';
import type { AgreementRecord } from '../store/identity-repository.js';
import { audited } from './audit.js';
import { requireOrganisation } from './identity.js';

export type { AgreementRecord } from '../store/identity-repository.js';

/** Whether `principal` speaks for `organisationId` in agreements: the operator, or its admins. */
function speaksFor(principal: Principal, organisationId: string): boolean {
  if (!canDo(principal, 'administer')) return false;
  return (
    principal.kind === 'system' ||
    (principal.kind === 'user' && principal.organisationId === organisationId)
  );
}

/**
 * `from` agrees to share its items up to `tlp` with `to` (one way; exchanging both ways
 * takes two agreements). Only GREEN and AMBER can be shared: AMBER+STRICT and RED never
 * leave their organisation. An active agreement between the same two replaces the earlier
 * one. Only the operator or an admin of `from` may give it.
 */
export async function shareWith(
  store: Store,
  principal: Principal,
  a: { from: string; to: string; tlp: string; now?: string },
): Promise<AgreementRecord> {
  const tlp = a.tlp.toUpperCase() as Tlp;
  if (!TLP_LEVELS.includes(tlp) || !SHAREABLE_LEVELS.includes(tlp))
    throw new InputError(`cannot share at "${a.tlp}"`, {
      column: 'tlp',
      expected: `${SHAREABLE_LEVELS.join(' or ')} (AMBER+STRICT and RED never leave the owning organisation)`,
    });
  await requireOrganisation(store, a.from, 'from');
  await requireOrganisation(store, a.to, 'to');
  if (a.from === a.to)
    throw new InputError('an organisation does not share with itself', {
      column: 'to',
      expected: 'another organisation',
    });
  if (!speaksFor(principal, a.from))
    throw new AccessDeniedError(`${describePrincipal(principal)} may not share for ${a.from}`);
  const now = a.now ?? new Date().toISOString();
  const actor = describePrincipal(principal);
  const id = await audited(store, async (trx, record) => {
    for (const old of await listAgreements(trx, { fromOrg: a.from, toOrg: a.to }))
      await withdrawAgreementRow(trx, old.id, actor, now);
    const id = await insertAgreement(trx, {
      fromOrg: a.from,
      toOrg: a.to,
      maxTlp: tlp,
      createdBy: actor,
      createdAt: now,
    });
    record({
      actor,
      action: 'share',
      itemType: 'agreement',
      itemId: String(id),
      detail: { from: a.from, to: a.to, tlp },
      at: now,
    });
    return id;
  });
  return (await listAgreements(store.db, { all: true })).find((x) => x.id === id)!;
}

/** Ends an agreement (the operator or an admin of the sharing organisation). */
export async function withdrawAgreement(
  store: Store,
  principal: Principal,
  id: number,
  now: string = new Date().toISOString(),
): Promise<void> {
  const found = (await listAgreements(store.db)).find((x) => x.id === id);
  if (!found || !speaksFor(principal, found.fromOrg))
    throw new InputError(`no active agreement ${id} you may withdraw`, {
      expected: 'an id from `lens orgs agreements`',
    });
  const actor = describePrincipal(principal);
  await audited(store, async (trx, record) => {
    await withdrawAgreementRow(trx, id, actor, now);
    record({
      actor,
      action: 'withdraw',
      itemType: 'agreement',
      itemId: String(id),
      at: now,
    });
  });
}

/**
 * Agreements: every one for the operator, those an organisation gives or receives for its
 * users. Active only unless `all`.
 */
export async function agreements(
  store: Store,
  principal: Principal,
  options: { all?: boolean } = {},
): Promise<AgreementRecord[]> {
  if (principal.kind === 'anonymous') throw new AccessDeniedError('sign in to list agreements');
  return listAgreements(store.db, {
    all: options.all,
    organisationId: principal.kind === 'user' ? principal.organisationId : undefined,
  });
}

import type { CountryRegistry } from '../core/countries/registry.js';
import { InputError } from '../core/errors.js';
import type { NeedsDocument, NeedsEdit, PartDiff } from '../core/planning/needs.js';
import { diffNeeds, draftNeeds, editNeeds } from '../core/planning/needs.js';
import type { Tlp } from '../core/escalation/types.js';
import type { Principal } from '../store/access.js';
import {
  AccessDeniedError,
  agreementsFor,
  canUpdate,
  describePrincipal,
  requireAction,
} from '../store/access.js';
import type { Store } from '../store/database.js';
import type { NeedsVersion } from '../store/planning-repository.js';
import { addNeedsVersion, listNeedsVersions } from '../store/planning-repository.js';
import { audited } from './audit.js';
import type { PlanningOptions } from './planning.js';
import { ownerOf, planCountries } from './planning.js';

export type { NeedsVersion } from '../store/planning-repository.js';

/** Drafts a country's needs assessment from the data (not stored). */
export async function draftNeedsAssessment(
  store: Store,
  registry: CountryRegistry,
  principal: Principal,
  countryId: string,
  options: Omit<PlanningOptions, 'countryIds'> = {},
): Promise<NeedsDocument> {
  const [p] = await planCountries(store, registry, principal, {
    ...options,
    countryIds: [countryId],
  });
  return draftNeeds(p!.facts, p!.plan);
}

/** Who saves a version, and with what note and sharing. */
export interface SaveOptions {
  by: string;
  note: string;
  organisation?: string | null;
  tlp?: Tlp;
  now?: Date;
}

/**
 * Stores a document as the country's next version, owned by the writer's organisation.
 * Needs assessments are analyst judgement: roles that may override factors may save them.
 */
export function saveNeedsVersion(
  store: Store,
  principal: Principal,
  doc: NeedsDocument,
  o: SaveOptions,
): Promise<NeedsVersion> {
  requireAction(principal, 'override');
  if (o.note.trim() === '')
    throw new InputError('a version needs a note saying what it is', { column: '--note' });
  const at = (o.now ?? new Date()).toISOString();
  const organisation = ownerOf(principal, o.organisation);
  const tlp = o.tlp ?? 'AMBER';
  return audited(store, async (trx, record) => {
    const v = await addNeedsVersion(trx, {
      countryId: doc.countryId,
      asOf: doc.asOf,
      document: doc,
      note: o.note.trim(),
      by: o.by,
      at,
      organisation,
      tlp,
    });
    record({
      at,
      actor: principal,
      action: 'create',
      itemType: 'needs-assessment',
      itemId: String(v.id),
      detail: { country: v.countryId, version: v.version, tlp },
    });
    return v;
  });
}

/** A country's stored versions, oldest first. */
export function needsHistory(
  store: Store,
  principal: Principal,
  countryId: string,
): Promise<NeedsVersion[]> {
  return listNeedsVersions(store, principal, countryId);
}

/** One version (the latest when `version` is absent); InputError when there is none. */
export async function needsVersion(
  store: Store,
  principal: Principal,
  countryId: string,
  version?: number,
): Promise<NeedsVersion> {
  const all = await listNeedsVersions(store, principal, countryId);
  const found =
    version === undefined ? all[all.length - 1] : all.find((v) => v.version === version);
  if (!found)
    throw new InputError(
      version === undefined
        ? `no needs assessment stored for ${countryId}`
        : `${countryId} has no needs-assessment version ${version}`,
      {
        column: '--version',
        expected:
          all.length > 0
            ? `one of the versions ${all.map((v) => v.version).join(', ')}`
            : 'a saved draft first (`lens needs draft COUNTRY --save --note TEXT`)',
      },
    );
  return found;
}

/**
 * Applies analysts' edits to the latest version `principal` sees and stores the result as a
 * new version. Only the organisation owning that version may edit it (others read it under
 * their agreements): AccessDeniedError otherwise.
 */
export async function editNeedsAssessment(
  store: Store,
  principal: Principal,
  countryId: string,
  edits: readonly NeedsEdit[],
  o: SaveOptions,
): Promise<NeedsVersion> {
  const latest = await needsVersion(store, principal, countryId);
  const owned = { organisationId: latest.organisation, tlp: latest.tlp };
  if (!canUpdate(principal, 'override', owned, await agreementsFor(store.db, principal)))
    throw new AccessDeniedError(
      `${describePrincipal(principal)} may not edit ${countryId}'s needs assessment of organisation ${latest.organisation ?? '(none)'}`,
    );
  let doc: NeedsDocument;
  try {
    doc = editNeeds(latest.document, edits);
  } catch (error) {
    throw new InputError((error as Error).message, {
      column: '--key',
      expected: `a statement key of version ${latest.version} (\`lens needs show ${countryId}\`)`,
    });
  }
  return saveNeedsVersion(store, principal, doc, {
    ...o,
    organisation: o.organisation ?? latest.organisation,
    tlp: o.tlp ?? latest.tlp,
  });
}

/** What changed between two stored versions of a country. */
export async function needsDiff(
  store: Store,
  principal: Principal,
  countryId: string,
  from: number,
  to: number,
): Promise<{ from: NeedsVersion; to: NeedsVersion; changes: PartDiff[] }> {
  const [a, b] = await Promise.all([
    needsVersion(store, principal, countryId, from),
    needsVersion(store, principal, countryId, to),
  ]);
  return { from: a, to: b, changes: diffNeeds(a.document, b.document) };
}

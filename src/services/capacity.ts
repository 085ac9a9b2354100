import { basename } from 'node:path';
import type { CountryRegistry } from '../core/countries/registry.js';
import type { CapacityActor } from '../core/planning/capacity.js';
import { TLP_LEVELS } from '../core/escalation/types.js';
import type { Tlp } from '../core/escalation/types.js';
import { InputError } from '../core/errors.js';
import { capacityToCsv, readCapacityCsv } from '../sources/capacity-csv.js';
import type { Principal } from '../store/access.js';
import { requireAction } from '../store/access.js';
import type { Store } from '../store/database.js';
import { loadActors, replaceActors } from '../store/planning-repository.js';
import { audited } from './audit.js';
import { ownerOf } from './planning.js';
import { loadToolkit } from './toolkit.js';

/** What `importCapacity` did. */
export interface CapacityImport {
  file: string;
  actors: number;
  capacities: number;
  illustrative: number;
}

/**
 * Imports a capacity map CSV: every row checked first (InputError naming line and column),
 * then the file's actors replaced in one transaction, so a bad file changes nothing and
 * importing the same file again leaves the map as it was.
 */
export async function importCapacity(
  store: Store,
  registry: CountryRegistry,
  principal: Principal,
  file: string,
  options: { organisation?: string | null; tlp?: Tlp; now?: Date } = {},
): Promise<CapacityImport> {
  requireAction(principal, 'administer');
  const tlp = options.tlp ?? 'GREEN';
  if (!TLP_LEVELS.includes(tlp))
    throw new InputError(`unknown sharing level "${tlp}"`, {
      column: '--tlp',
      expected: TLP_LEVELS.join(', '),
    });
  const toolkit = await loadToolkit();
  const iso3Codes = new Set(
    registry.all().flatMap((c) => c.codes.filter((k) => k.system === 'iso3').map((k) => k.code)),
  );
  const actors = await readCapacityCsv(file, {
    measureIds: new Set(toolkit.measures.map((m) => m.id)),
    iso3Codes,
  });
  const organisation = ownerOf(principal, options.organisation);
  const importedFrom = basename(file);
  const importedAt = (options.now ?? new Date()).toISOString();
  await audited(store, async (trx, record) => {
    await replaceActors(trx, actors, { organisation, tlp, importedFrom, importedAt });
    record({
      at: importedAt,
      actor: principal,
      action: 'import',
      itemType: 'capacity-map',
      itemId: importedFrom,
      detail: { tlp, actors: actors.map((a) => a.id) },
    });
  });
  return {
    file,
    actors: actors.length,
    capacities: actors.reduce((n, a) => n + a.capacities.length, 0),
    illustrative: actors.filter((a) => a.illustrative).length,
  };
}

/** The stored capacity map, as far as `principal` may see it. */
export function capacityMap(store: Store, principal: Principal): Promise<CapacityActor[]> {
  return loadActors(store, principal);
}

/** The stored map as CSV (what `importCapacity` reads); RED actors are never exported. */
export async function exportCapacity(store: Store, principal: Principal): Promise<string> {
  return capacityToCsv(await loadActors(store, principal, 'export'));
}

import type { Principal } from '../store/access.js';
import type { Store } from '../store/database.js';
import { escalationInputs, listEvents } from '../store/events-repository.js';
import type { StoredEvent } from '../store/events-repository.js';

export type { StoredEvent } from '../store/events-repository.js';

/** Most events one listing returns. */
export const MAX_EVENTS = 5_000;

/**
 * Events of a country (or every country) whose dates overlap [from, to] (ISO dates,
 * inclusive), that `principal` may see, oldest first, at most `MAX_EVENTS`. Reads of AMBER
 * and RED items are audited; the identity of field reporters is left out where the reader
 * may not see it.
 */
export function countryEvents(
  store: Store,
  principal: Principal,
  q: { countryId?: string; from?: string; to?: string; source?: string; limit?: number },
): Promise<StoredEvent[]> {
  return listEvents(store.db, principal, {
    ...q,
    limit: Math.min(q.limit ?? MAX_EVENTS, MAX_EVENTS),
  });
}

/**
 * A fingerprint of what a country's escalation answers read besides the data version (its
 * events and their reviews, event imports, sharing agreements): equal fingerprints, equal
 * answers for the same reader, so answers are cached under it.
 */
export function escalationVersion(store: Store, countryId: string): Promise<string> {
  return escalationInputs(store.db, countryId);
}

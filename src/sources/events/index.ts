import { InputError } from '../../core/errors.js';
import { acledApi, acledCsv } from './acled.js';
import { gdeltEvents } from './gdelt.js';
import type { EventKind, EventReader } from './types.js';
import { ucdpGedApi, ucdpGedCsv } from './ucdp-ged.js';

/** Every event format, one per kind. */
export const EVENT_READERS: readonly EventReader[] = [
  ucdpGedCsv,
  ucdpGedApi,
  acledCsv,
  acledApi,
  gdeltEvents,
];

/** The kinds `lens events import` accepts. */
export const EVENT_KINDS: readonly EventKind[] = EVENT_READERS.map((r) => r.kind);

/** The reader of a kind; InputError listing the kinds for an unknown one. */
export function eventReader(kind: string): EventReader {
  const reader = EVENT_READERS.find((r) => r.kind === kind);
  if (!reader)
    throw new InputError(`unknown event kind "${kind}"`, {
      expected: `one of ${EVENT_KINDS.join(', ')}`,
    });
  return reader;
}

export type { EventKind, EventReader, EventRow, ReadEvent } from './types.js';

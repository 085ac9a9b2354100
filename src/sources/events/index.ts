import { InputError } from '../../core/errors.js';
import { textTableHeader } from '../csv.js';
import { acledApi, acledCsv } from './acled.js';
import { gdeltEvents } from './gdelt.js';
import type { EventKind, EventReader } from './types.js';
import { ucdpDeco } from './ucdp-deco.js';
import { ucdpGedApi, ucdpGedCsv } from './ucdp-ged.js';

/** Every event format, one per kind. */
export const EVENT_READERS: readonly EventReader[] = [
  ucdpGedCsv,
  ucdpGedApi,
  ucdpDeco,
  acledCsv,
  acledApi,
  gdeltEvents,
];

/** The kinds `lens events import` accepts. */
export const EVENT_KINDS: readonly EventKind[] = EVENT_READERS.map((r) => r.kind);

/** The kinds recognised by their columns (CSV formats with a `signature`), as `lens sync --from` does. */
export const DETECTABLE_EVENT_KINDS: readonly EventKind[] = EVENT_READERS.filter(
  (r) => r.signature,
).map((r) => r.kind);

/** The reader of a kind; InputError listing the kinds for an unknown one. */
export function eventReader(kind: string): EventReader {
  const reader = EVENT_READERS.find((r) => r.kind === kind);
  if (!reader)
    throw new InputError(`unknown event kind "${kind}"`, {
      expected: `one of ${EVENT_KINDS.join(', ')}`,
    });
  return reader;
}

/**
 * The event format of a CSV file, recognised by its header against each reader's
 * `signature` (never by its name); undefined for anything else (API JSON and GDELT exports
 * have no header and are imported by kind). InputError if several formats match.
 */
export async function detectEventKind(path: string): Promise<EventKind | undefined> {
  const columns = await textTableHeader(path);
  if (!columns) return undefined;
  const header = new Set(columns);
  const kinds = EVENT_READERS.filter((r) => r.signature?.every((c) => header.has(c))).map(
    (r) => r.kind,
  );
  if (kinds.length > 1)
    throw new InputError(`the file matches several event formats: ${kinds.join(', ')}`, {
      file: path,
      expected: 'a file of exactly one event format; import it with `lens events import KIND`',
    });
  return kinds[0];
}

export type { EventKind, EventReader, EventRow, ReadEvent } from './types.js';

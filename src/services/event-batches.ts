import { formatKeys } from './country-resolver.js';
import type { EscalationEvent } from '../core/escalation/types.js';
import { eventReader } from '../sources/events/index.js';
import type { EventKind } from '../sources/events/index.js';
import type { CountryKey, OnProgress } from '../sources/types.js';
import { EVENT_COLUMNS, eventValues } from '../store/events-repository.js';
import type { EventCells } from '../store/events-repository.js';

/** What to read, and the provenance every event of it gets. */
export interface EventBatchJob {
  kind: EventKind;
  path: string;
  importId: number;
  /** ISO timestamp of the import. */
  recordedAt: string;
  /** Events per batch. */
  batchSize: number;
}

/** The country keys of rows, as written (`label`), in the year of their events. */
export interface CountryKeys {
  keys: CountryKey[];
  label: string;
  year: number;
}

/**
 * Events of a file read and mapped, ready to write once their countries are resolved:
 * `cells` are rows of `eventValues` whose country cell is still empty; `keysOf[i]` is the
 * index of row i's country keys among all the keys the batches have named so far, of which
 * `newKeys` are those first named in this batch. `rows` and `skipped` count the file's rows
 * (all, and those outside the taxonomy) read for this batch. Plain data, so a worker thread
 * can send it.
 */
export interface EventBatch {
  cells: EventCells[];
  keysOf: Int32Array;
  newKeys: CountryKeys[];
  rows: number;
  skipped: number;
}

/** Position of the country in `eventValues` cells. */
export const COUNTRY_CELL = EVENT_COLUMNS.indexOf('country_id');
/** Position of the line in `eventValues` cells. */
export const LINE_CELL = EVENT_COLUMNS.indexOf('line');

/**
 * Reads and maps a file batch by batch, leaving country resolution (the registry and what
 * is unmatched) to the caller. Rows sharing country keys, a label and a year share an index,
 * so each distinct combination is resolved once. InputError for a malformed row, as the
 * reader throws it.
 */
export async function* eventBatches(
  job: EventBatchJob,
  onProgress?: OnProgress,
): AsyncGenerator<EventBatch, void, undefined> {
  const reader = eventReader(job.kind);
  const known = new Map<string, number>();
  let cells: EventCells[] = [];
  let keysOf: number[] = [];
  let newKeys: CountryKeys[] = [];
  let rows = 0;
  let skipped = 0;
  const batch = (): EventBatch => {
    const b = { cells, keysOf: Int32Array.from(keysOf), newKeys, rows, skipped };
    cells = [];
    keysOf = [];
    newKeys = [];
    rows = 0;
    skipped = 0;
    return b;
  };
  for await (const row of reader.read(job.path, onProgress)) {
    rows++;
    if (row.type === 'skipped') {
      skipped++;
      continue;
    }
    const year = Number(row.event.date.start.slice(0, 4));
    const signature = `${formatKeys(row.keys)}|${row.label}|${year}`;
    let k = known.get(signature);
    if (k === undefined) {
      k = known.size;
      known.set(signature, k);
      newKeys.push({ keys: row.keys, label: row.label, year });
    }
    // Completed in place (no copy): this runs for every row of files of millions.
    const event = row.event as EscalationEvent;
    event.countryId = '';
    event.provenance = { line: row.line, importId: job.importId, recordedAt: job.recordedAt };
    cells.push(eventValues(event));
    keysOf.push(k);
    if (cells.length >= job.batchSize) yield batch();
  }
  yield batch();
}

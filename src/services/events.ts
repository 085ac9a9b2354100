import { stat } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { countryResolver, formatKeys } from './country-resolver.js';
import type { Match } from './country-resolver.js';
import { COUNTRY_CELL, LINE_CELL, eventBatches } from './event-batches.js';
import type { CountryKeys } from './event-batches.js';
import { EventThread } from './event-thread.js';
import type { CountryRegistry } from '../core/countries/registry.js';
import { InputError } from '../core/errors.js';
import { eventReader } from '../sources/events/index.js';
import type { EventKind, EventReader } from '../sources/events/index.js';
import type { OnProgress } from '../sources/types.js';
import type { Store } from '../store/database.js';
import {
  countEvents,
  findEventImport,
  finishEventImport,
  insertEventImport,
  insertEventUnmatched,
  insertEvents,
} from '../store/events-repository.js';
import type { EventCells, EventUnmatched } from '../store/events-repository.js';
import { hashFile } from './import.js';

/** Options of one event import. */
export interface EventImportOptions {
  kind: EventKind;
  path: string;
  /** Where the file came from (URL or path); default the file path. */
  address?: string;
  /** Current time as an ISO timestamp (injected so imports are reproducible in tests). */
  now?: string;
  onProgress?: OnProgress;
  /** Rows read and mapped per batch, each batch written as it comes (default 20,000). */
  batchSize?: number;
  /**
   * Read, parse and map the file in a worker thread while this one writes (default: for
   * files of `THREAD_MIN_BYTES` or more, where the time saved outweighs starting the thread).
   */
  thread?: boolean;
}

/** File size from which an import reads in a worker thread by default: 4 MB. */
export const THREAD_MIN_BYTES = 4 << 20;

/** Unmatched rows of one import, grouped by the country as written. */
export interface EventUnmatchedSummary {
  label: string;
  keys: string;
  rows: number;
  firstLine: number;
  nonCountry: boolean;
  reason: string;
}

/**
 * What an event import did. `status` `unchanged`: this exact file was imported before.
 * `stored`: events written (new ones and replacements of earlier copies); `newEvents`: of
 * them, events not in the store before; `skipped`: rows outside the taxonomy (GDELT);
 * `countryIds`: countries with events in the file, whose statuses need a refresh.
 */
export interface EventImportReport {
  kind: EventKind;
  file: string;
  status: 'imported' | 'unchanged';
  importId: number;
  rows: number;
  stored: number;
  newEvents: number;
  skipped: number;
  unmatched: EventUnmatchedSummary[];
  countryIds: string[];
}

/**
 * Imports one event file, all or nothing: one transaction, so a malformed row (InputError
 * with its line and reason) or a crash leaves the store as before. Events are keyed by
 * `(source, source id)`: running the import again after a crash stores each event once, and
 * a later release replaces the events it repeats. The same file twice is a no-op. Large
 * files are read, parsed and mapped in a worker thread while this thread resolves countries
 * and writes (`thread`); a malformed row rejects with the same InputError either way.
 */
export async function importEvents(
  store: Store,
  registry: CountryRegistry,
  options: EventImportOptions,
): Promise<EventImportReport> {
  const reader = eventReader(options.kind);
  const path = resolve(options.path);
  const size = await checkFile(path);
  // Started before the file is hashed, so loading its code overlaps with that.
  const thread = (options.thread ?? size >= THREAD_MIN_BYTES) ? new EventThread() : undefined;
  try {
    return await importFile(store, registry, options, reader, path, thread);
  } finally {
    await thread?.close();
  }
}

async function importFile(
  store: Store,
  registry: CountryRegistry,
  options: EventImportOptions,
  reader: EventReader,
  path: string,
  thread: EventThread | undefined,
): Promise<EventImportReport> {
  const contentHash = await hashFile(path);
  const existing = await findEventImport(store.db, options.kind, contentHash);
  if (existing) {
    return {
      kind: options.kind,
      file: path,
      status: 'unchanged',
      importId: existing.id,
      rows: existing.rows,
      stored: existing.stored,
      newEvents: 0,
      skipped: existing.skipped,
      unmatched: [],
      countryIds: [],
    };
  }
  const now = options.now ?? new Date().toISOString();
  const batchSize = options.batchSize ?? 20_000;
  const resolveCountry = countryResolver(registry);
  const fileName = basename(path);
  return store.db.transaction().execute(async (trx) => {
    const importId = await insertEventImport(trx, {
      kind: options.kind,
      fileName,
      address: options.address ?? path,
      contentHash,
      rows: 0,
      stored: 0,
      newEvents: 0,
      unmatched: 0,
      skipped: 0,
      importedAt: now,
    });
    const before = await countEvents(trx, reader.source);
    const unmatched: EventUnmatched[] = [];
    const countries = new Set<string>();
    const named: { keys: CountryKeys; match: Match }[] = [];
    let rows = 0;
    let stored = 0;
    let skipped = 0;
    const job = { kind: options.kind, path, importId, recordedAt: now, batchSize };
    const batches = thread
      ? thread.batches(job, options.onProgress)
      : eventBatches(job, options.onProgress);
    for await (const batch of batches) {
      rows += batch.rows;
      skipped += batch.skipped;
      for (const keys of batch.newKeys)
        named.push({ keys, match: resolveCountry(keys.keys, keys.year) });
      const write: EventCells[] = [];
      batch.cells.forEach((cells, i) => {
        const { keys, match } = named[batch.keysOf[i]!]!;
        if (match.countryId) {
          countries.add(match.countryId);
          cells[COUNTRY_CELL] = match.countryId;
          write.push(cells);
        } else {
          unmatched.push({
            line: cells[LINE_CELL] as number,
            label: keys.label,
            keys: formatKeys(keys.keys),
            reason: match.reason,
            nonCountry: match.nonCountry,
          });
        }
      });
      await insertEvents(store, trx, write);
      stored += write.length;
    }
    const newEvents = (await countEvents(trx, reader.source)) - before;
    await insertEventUnmatched(trx, importId, unmatched);
    await finishEventImport(trx, importId, {
      rows,
      stored,
      newEvents,
      unmatched: unmatched.length,
      skipped,
    });
    return {
      kind: options.kind,
      file: path,
      status: 'imported' as const,
      importId,
      rows,
      stored,
      newEvents,
      skipped,
      unmatched: summarise(unmatched),
      countryIds: [...countries].sort(),
    };
  });
}

function summarise(rows: readonly EventUnmatched[]): EventUnmatchedSummary[] {
  const groups = new Map<string, EventUnmatchedSummary>();
  for (const r of rows) {
    const key = `${r.label}|${r.keys}`;
    const g = groups.get(key);
    if (g) g.rows++;
    else
      groups.set(key, {
        label: r.label,
        keys: r.keys,
        rows: 1,
        firstLine: r.line,
        nonCountry: r.nonCountry,
        reason: r.reason,
      });
  }
  return [...groups.values()].sort((a, b) => b.rows - a.rows || a.firstLine - b.firstLine);
}

/** The size of the file in bytes; InputError when it is missing or not a file. */
async function checkFile(path: string): Promise<number> {
  try {
    const s = await stat(path);
    if (!s.isFile()) throw new InputError('not a file', { file: path });
    return s.size;
  } catch (error) {
    if (error instanceof InputError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError(code === 'ENOENT' ? 'no such file' : `cannot read the file: ${code}`, {
      file: path,
    });
  }
}

import { stat } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { countryResolver, formatKeys } from './country-resolver.js';
import type { CountryRegistry } from '../core/countries/registry.js';
import type { EscalationEvent } from '../core/escalation/types.js';
import { InputError } from '../core/errors.js';
import { eventReader } from '../sources/events/index.js';
import type { EventKind } from '../sources/events/index.js';
import type { OnProgress } from '../sources/types.js';
import type { Store } from '../store/database.js';
import {
  countEvents,
  eventValues,
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
  /** Events written per batch (default 20,000). */
  batchSize?: number;
}

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
 * a later release replaces the events it repeats. The same file twice is a no-op.
 */
export async function importEvents(
  store: Store,
  registry: CountryRegistry,
  options: EventImportOptions,
): Promise<EventImportReport> {
  const reader = eventReader(options.kind);
  const path = resolve(options.path);
  await checkFile(path);
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
    let batch: EventCells[] = [];
    let rows = 0;
    let stored = 0;
    let skipped = 0;
    for await (const row of reader.read(path, options.onProgress)) {
      rows++;
      if (row.type === 'skipped') {
        skipped++;
        continue;
      }
      const year = Number(row.event.date.start.slice(0, 4));
      const match = resolveCountry(row.keys, year);
      if (!match.countryId) {
        unmatched.push({
          line: row.line,
          label: row.label,
          keys: formatKeys(row.keys),
          reason: match.reason,
          nonCountry: match.nonCountry,
        });
        continue;
      }
      countries.add(match.countryId);
      // Completed in place (no copy): this runs for every row of files of millions.
      const event = row.event as EscalationEvent;
      event.countryId = match.countryId;
      event.provenance = { line: row.line, importId, recordedAt: now };
      batch.push(eventValues(event));
      if (batch.length >= batchSize) {
        await insertEvents(store, trx, batch);
        stored += batch.length;
        batch = [];
      }
    }
    await insertEvents(store, trx, batch);
    stored += batch.length;
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

async function checkFile(path: string): Promise<void> {
  try {
    const s = await stat(path);
    if (!s.isFile()) throw new InputError('not a file', { file: path });
  } catch (error) {
    if (error instanceof InputError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError(code === 'ENOENT' ? 'no such file' : `cannot read the file: ${code}`, {
      file: path,
    });
  }
}

import type { EscalationEvent, EventSource } from '../../core/escalation/types.js';
import type { CountryKey, OnProgress } from '../types.js';

/**
 * The event formats `lens events import` reads: UCDP GED as CSV (`ucdp-ged`) or as the UCDP
 * API's JSON (`ucdp-ged-api`), UCDP's deadly electoral conflict events (`ucdp-deco`, CSV),
 * ACLED as CSV export (`acled`) or API JSON (`acled-api`), and
 * GDELT 2.0 event exports (`gdelt`, tab-separated, no header).
 */
export type EventKind = 'ucdp-ged' | 'ucdp-ged-api' | 'ucdp-deco' | 'acled' | 'acled-api' | 'gdelt';

/** An event as a reader gives it: the importer resolves its country and adds provenance. */
export type ReadEvent = Omit<EscalationEvent, 'countryId' | 'provenance'>;

/**
 * One row of an event file: an event (with the keys naming its country, and the country as
 * written for messages), or a row the taxonomy does not cover (`skipped`, with why; GDELT
 * codes cooperation as well as conflict). `line` is the 1-based line the row starts on.
 */
export type EventRow =
  | { type: 'event'; line: number; keys: CountryKey[]; label: string; event: ReadEvent }
  | { type: 'skipped'; line: number; reason: string };

/** An event format: who publishes it, its terms, and how to read it. */
export interface EventReader {
  kind: EventKind;
  /** The source the events are stored under (their natural key is `source:sourceId`). */
  source: Exclude<EventSource, 'report' | 'marker'>;
  title: string;
  publisher: string;
  /** Terms of use, in a sentence. */
  licence: string;
  citation: string;
  url: string;
  /**
   * Columns whose presence in a CSV header identifies the format (all must be present), so
   * that `lens sync --from` recognises the file by its columns; absent for formats without a
   * header (API JSON, GDELT), which are imported by kind only.
   */
  signature?: readonly string[];
  /**
   * Reads the file. Throws InputError naming the file, line, column and what was expected
   * for any malformed row; readers never skip a malformed row silently.
   */
  read(path: string, onProgress?: OnProgress): AsyncIterable<EventRow>;
}

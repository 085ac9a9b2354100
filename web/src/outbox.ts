/**
 * Field reports written without a connection: kept in this browser's localStorage and sent,
 * oldest first, when the connection returns (the `online` event) or the next time the app
 * starts online. A report the server refuses (a 4xx) stays in the outbox with the server's
 * reason, so the writer can see it and nothing is lost silently.
 *
 * Each report is kept for its writer: the user and the organisation they acted for when they
 * wrote it. It is shown only to that user and sent only while that user acts for that
 * organisation, never under another identity; signing out deletes the user's reports from
 * the device (`discardWrittenBy`). Reports of another account, or kept before reports named
 * their writer, are neither shown nor sent.
 */
import { ApiError, NetworkError, post } from './api.js';

const KEY = 'lens.outbox';

/** Who a report is kept for: the user and the organisation they act for. */
export interface Writer {
  username: string;
  organisationId: string;
}

/** A report waiting to be sent. */
export interface QueuedReport {
  /** Local id (time-based), for listing and removal. */
  id: string;
  body: Record<string, unknown>;
  savedAt: string;
  /** Who wrote it (absent on reports kept before reports named their writer). */
  writer?: Writer;
  /** The server's reason when it refused the report. */
  refused?: string;
}

/** Whether `item` was written by `writer`'s user (in any organisation). */
function byUser(item: QueuedReport, writer: Writer | undefined): boolean {
  return writer !== undefined && item.writer?.username === writer.username;
}

/** Whether `item` may be sent now by `writer`: the same user acting for the same organisation. */
export function sendableBy(item: QueuedReport, writer: Writer | undefined): boolean {
  return byUser(item, writer) && item.writer?.organisationId === writer?.organisationId;
}

/**
 * The reports `writer`'s user kept on this device, oldest first (those of other accounts are
 * not theirs to see), and how many others wait here.
 */
export function outboxOf(writer: Writer | undefined): { own: QueuedReport[]; others: number } {
  const all = outbox();
  const own = all.filter((r) => byUser(r, writer));
  return { own, others: all.length - own.length };
}

/** Every report kept on this device, whoever wrote it, oldest first. */
export function outbox(): QueuedReport[] {
  try {
    const parsed: unknown = JSON.parse(localStorage.getItem(KEY) ?? '[]');
    return Array.isArray(parsed) ? (parsed as QueuedReport[]) : [];
  } catch {
    return [];
  }
}

function save(items: readonly QueuedReport[]): void {
  localStorage.setItem(KEY, JSON.stringify(items));
  window.dispatchEvent(new CustomEvent('lens:outbox', { detail: items.length }));
}

/** Keeps a report to send later, for its writer. */
export function queueReport(body: Record<string, unknown>, writer: Writer): QueuedReport {
  const item = {
    id: `${Date.now()}-${Math.random().toString(36).slice(2, 8)}`,
    body,
    savedAt: new Date().toISOString(),
    writer,
  };
  save([...outbox(), item]);
  return item;
}

/**
 * Deletes from this device every report `writer`'s user kept (in any organisation), sent or
 * not: what signing out does. Returns how many were deleted.
 */
export function discardWrittenBy(writer: Writer | undefined): number {
  const all = outbox();
  const kept = all.filter((r) => !byUser(r, writer));
  if (kept.length !== all.length) save(kept);
  return all.length - kept.length;
}

/** Why a report cannot be kept: nobody is known to be signed in. */
export class NoWriterError extends Error {
  constructor() {
    super(
      'Offline, and nobody is known to be signed in on this page: the report cannot be kept for sending later. Keep a copy of it, and sign in once the connection returns.',
    );
    this.name = 'NoWriterError';
  }
}

/** Removes a report from the outbox (sent, or discarded by its writer). */
export function discardReport(id: string): void {
  save(outbox().filter((r) => r.id !== id));
}

/** What submitting did: `sent` (with the server's answer) or `queued` (kept for later). */
export type Submission =
  { state: 'sent'; result: unknown } | { state: 'queued'; item: QueuedReport };

/**
 * Sends a report now, or keeps it for `writer` when offline or when the request cannot reach
 * the server (NoWriterError when there is no writer to keep it for).
 */
export async function submitReport(
  body: Record<string, unknown>,
  writer: Writer | undefined,
): Promise<Submission> {
  const keep = (): Submission => {
    if (writer === undefined) throw new NoWriterError();
    return { state: 'queued', item: queueReport(body, writer) };
  };
  if (!navigator.onLine) return keep();
  try {
    return { state: 'sent', result: await post('/reports', body) };
  } catch (error) {
    if (error instanceof NetworkError) return keep();
    throw error;
  }
}

let flushing: Promise<number> | undefined;

/**
 * Sends the waiting reports `writer` may send (theirs, written for the organisation they act
 * for now); resolves to the number sent. Stops at the first network failure.
 */
export function flushOutbox(writer: Writer | undefined): Promise<number> {
  flushing ??= (async () => {
    let sent = 0;
    for (const item of outbox()) {
      if (item.refused || !sendableBy(item, writer)) continue;
      try {
        await post('/reports', item.body);
        discardReport(item.id);
        sent++;
      } catch (error) {
        // Offline again, or the session ended: keep it for the next try.
        if (error instanceof NetworkError || (error instanceof ApiError && error.status === 401))
          break;
        const reason = error instanceof ApiError ? error.message : String(error);
        save(outbox().map((r) => (r.id === item.id ? { ...r, refused: reason } : r)));
      }
    }
    return sent;
  })().finally(() => (flushing = undefined));
  return flushing;
}

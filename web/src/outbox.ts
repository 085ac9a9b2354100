/**
 * Field reports written without a connection: kept in this browser's localStorage and sent,
 * oldest first, when the connection returns (the `online` event) or the next time the app
 * starts online. A report the server refuses (a 4xx) stays in the outbox with the server's
 * reason, so the writer can see it and nothing is lost silently.
 */
import { ApiError, NetworkError, post } from './api.js';

const KEY = 'lens.outbox';

/** A report waiting to be sent. */
export interface QueuedReport {
  /** Local id (time-based), for listing and removal. */
  id: string;
  body: Record<string, unknown>;
  savedAt: string;
  /** The server's reason when it refused the report. */
  refused?: string;
}

/** The reports waiting, oldest first. */
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

/** Keeps a report to send later. */
export function queueReport(body: Record<string, unknown>): QueuedReport {
  const item = {
    id: `${Date.now()}-${Math.random().toString(36).slice(2, 8)}`,
    body,
    savedAt: new Date().toISOString(),
  };
  save([...outbox(), item]);
  return item;
}

/** Removes a report from the outbox (sent, or discarded by its writer). */
export function discardReport(id: string): void {
  save(outbox().filter((r) => r.id !== id));
}

/** What submitting did: `sent` (with the server's answer) or `queued` (kept for later). */
export type Submission =
  { state: 'sent'; result: unknown } | { state: 'queued'; item: QueuedReport };

/** Sends a report now, or keeps it when offline or when the request cannot reach the server. */
export async function submitReport(body: Record<string, unknown>): Promise<Submission> {
  if (!navigator.onLine) return { state: 'queued', item: queueReport(body) };
  try {
    return { state: 'sent', result: await post('/reports', body) };
  } catch (error) {
    if (error instanceof NetworkError) return { state: 'queued', item: queueReport(body) };
    throw error;
  }
}

let flushing: Promise<number> | undefined;

/** Sends every waiting report; resolves to the number sent. Stops at the first network failure. */
export function flushOutbox(): Promise<number> {
  flushing ??= (async () => {
    let sent = 0;
    for (const item of outbox()) {
      if (item.refused) continue;
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

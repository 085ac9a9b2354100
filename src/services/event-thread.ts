import { Worker } from 'node:worker_threads';
import { InputError } from '../core/errors.js';
import type { OnProgress } from '../sources/types.js';
import type { EventBatch, EventBatchJob } from './event-batches.js';

/** A message to the thread: the file to read, or that a batch it sent has been written. */
export type ToEventThread = { type: 'start'; job: EventBatchJob } | { type: 'written' };

/** Where an InputError points, and its message as formatted. */
export interface InputErrorParts {
  message: string;
  file?: string;
  line?: number;
  column?: string;
  expected?: string;
}

/** A message from the thread. */
export type FromEventThread =
  | { type: 'progress'; done: number; total: number }
  | { type: 'batch'; batch: EventBatch }
  | { type: 'done' }
  | { type: 'input-error'; error: InputErrorParts }
  | { type: 'failure'; message: string; stack?: string };

/** Batches the thread may send ahead of the writer: enough to keep both threads busy. */
export const BATCHES_AHEAD = 2;

/**
 * A thread that reads, parses and maps an event file (`eventBatches`) while the calling
 * thread writes: on two cores, the two halves of an import run at the same time. At most
 * `BATCHES_AHEAD` batches wait to be written, so memory stays flat whatever the file size.
 * Start it early (loading its code takes a moment), then call `batches` once; `close` ends it.
 */
export class EventThread {
  private readonly worker: Worker;
  private readonly inbox: FromEventThread[] = [];
  private wake: (() => void) | undefined;
  private fault: Error | undefined;

  constructor() {
    const url = new URL(
      import.meta.url.endsWith('.ts') ? './event-thread-worker.ts' : './event-thread-worker.js',
      import.meta.url,
    );
    this.worker = url.pathname.endsWith('.ts')
      ? // Running from the TypeScript sources (tests, development): load them through tsx.
        new Worker(
          `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(url.href)}); })`,
          { eval: true },
        )
      : new Worker(url);
    this.worker.on('message', (m: FromEventThread) => this.deliver(m));
    this.worker.on('error', (error) => {
      this.fault = error;
      this.deliver(undefined);
    });
    this.worker.on('exit', (code) => {
      this.fault ??= new Error(`the event reader thread stopped (exit code ${code})`);
      this.deliver(undefined);
    });
  }

  /**
   * The batches of `job`, read and mapped in the thread, in file order. A malformed row
   * rejects with the same InputError (file, line, column, expected) as reading in this thread.
   * Each batch must be dealt with before asking for the next: that is what lets the thread
   * read further.
   */
  async *batches(job: EventBatchJob, onProgress?: OnProgress): AsyncGenerator<EventBatch> {
    this.post({ type: 'start', job });
    let pending = false;
    for (;;) {
      const m = await this.receive();
      if (m.type === 'progress') onProgress?.(m.done, m.total);
      else if (m.type === 'batch') {
        if (pending) this.post({ type: 'written' });
        pending = true;
        yield m.batch;
      } else if (m.type === 'done') return;
      else if (m.type === 'input-error') {
        const { message, ...where } = m.error;
        const error = new InputError(message, where);
        // The message arrives formatted with its place already.
        error.message = message;
        throw error;
      } else {
        const error = new Error(m.message);
        if (m.stack) error.stack = m.stack;
        throw error;
      }
    }
  }

  /** Stops the thread. */
  async close(): Promise<void> {
    this.worker.removeAllListeners('exit');
    await this.worker.terminate();
  }

  private post(m: ToEventThread): void {
    this.worker.postMessage(m);
  }

  private deliver(m: FromEventThread | undefined): void {
    if (m) this.inbox.push(m);
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  private async receive(): Promise<FromEventThread> {
    for (;;) {
      const m = this.inbox.shift();
      if (m) return m;
      if (this.fault) throw this.fault;
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }
}

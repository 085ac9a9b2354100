// The thread of `EventThread`: reads and maps an event file, sending batches to the writer.
import { parentPort } from 'node:worker_threads';
import { InputError } from '../core/errors.js';
import { eventBatches } from './event-batches.js';
import type { EventBatchJob } from './event-batches.js';
import { BATCHES_AHEAD } from './event-thread.js';
import type { FromEventThread, ToEventThread } from './event-thread.js';

const port = parentPort!;
let credit = BATCHES_AHEAD;
let wake: (() => void) | undefined;

const send = (m: FromEventThread, transfer: ArrayBuffer[] = []) => port.postMessage(m, transfer);

port.on('message', (m: ToEventThread) => {
  if (m.type === 'start') void run(m.job);
  else {
    credit++;
    wake?.();
    wake = undefined;
  }
});

async function run(job: EventBatchJob): Promise<void> {
  try {
    const progress = (done: number, total: number) => send({ type: 'progress', done, total });
    for await (const batch of eventBatches(job, progress)) {
      while (credit === 0) await new Promise<void>((resolve) => (wake = resolve));
      credit--;
      send({ type: 'batch', batch }, [batch.keysOf.buffer as ArrayBuffer]);
    }
    send({ type: 'done' });
  } catch (error) {
    if (error instanceof InputError) {
      const { message, file, line, column, expected } = error;
      send({ type: 'input-error', error: { message, file, line, column, expected } });
    } else {
      const e = error instanceof Error ? error : new Error(String(error));
      send({ type: 'failure', message: e.message, stack: e.stack });
    }
  }
}

// Worker thread of the forecast pool: keeps the data it is sent, runs the fit steps it is
// given and posts each result.
import { parentPort } from 'node:worker_threads';
import type { Panel } from '../core/forecast/dataset.js';
import { runFitStep } from '../core/forecast/models.js';
import type { SingleModelSpec } from '../core/forecast/spec.js';
import { trainingSet } from '../core/forecast/training.js';
import type { TrainingSet } from '../core/forecast/training.js';
import type { StepReply, WorkerMessage } from './forecast-pool.js';

let panel: Panel | undefined;
let specs: readonly SingleModelSpec[] = [];
// Steps of the same job arrive together: keep the last few training sets instead of rebuilding.
const sets = new Map<string, TrainingSet>();

parentPort?.on('message', (message: WorkerMessage) => {
  if (message.kind === 'data') {
    ({ panel, specs } = message);
    sets.clear();
    return;
  }
  let reply: StepReply;
  try {
    if (!panel) throw new Error('no data sent before the task');
    const spec = specs[message.job.spec]!;
    const key = `${message.job.spec}|${message.job.trainTo}`;
    let set = sets.get(key);
    if (!set) {
      set = trainingSet(panel, spec, message.job.trainTo);
      sets.set(key, set);
      if (sets.size > 4) sets.delete(sets.keys().next().value!);
    }
    reply = { id: message.id, ok: true, result: runFitStep(panel, spec, set, message.step) };
  } catch (error) {
    reply = { id: message.id, ok: false, message: (error as Error).message };
  }
  parentPort?.postMessage(reply);
});

// Worker thread of the walk-forward: fits the origins it is given and posts each result.
import { parentPort, workerData } from 'node:worker_threads';
import type { Panel } from '../core/forecast/dataset.js';
import type { ModelSpec } from '../core/forecast/spec.js';
import { forecastOrigin } from '../core/forecast/walk-forward.js';

const { panel, spec, origins } = workerData as { panel: Panel; spec: ModelSpec; origins: number[] };
for (const origin of origins) {
  try {
    parentPort?.postMessage({ ok: true, result: forecastOrigin(panel, spec, origin) });
  } catch (error) {
    parentPort?.postMessage({ ok: false, origin, message: (error as Error).message });
  }
}

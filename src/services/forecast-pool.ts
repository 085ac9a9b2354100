import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { Panel } from '../core/forecast/dataset.js';
import { finishFit, fitSteps, runFitStep } from '../core/forecast/models.js';
import type { FitStep, SingleModel, StepResult } from '../core/forecast/models.js';
import type { SingleModelSpec } from '../core/forecast/spec.js';
import { trainingSet } from '../core/forecast/training.js';
import type { TrainingSet } from '../core/forecast/training.js';

/** One model to fit: a single-model spec (index into the list given) and its training cut-off. */
export interface FitJob {
  spec: number;
  trainTo: number;
}

/** A message to a worker: the data of the next batch of tasks, or one task. */
export type WorkerMessage =
  | { kind: 'data'; panel: Panel; specs: readonly SingleModelSpec[] }
  | { kind: 'task'; id: number; job: FitJob; step: FitStep };

/** What a worker sends back for a task. */
export type StepReply =
  { id: number; ok: true; result: StepResult } | { id: number; ok: false; message: string };

/** A fit that could not be made: the job and why. */
export class FitError extends Error {
  constructor(
    readonly job: FitJob,
    message: string,
  ) {
    super(message);
    this.name = 'FitError';
  }
}

/**
 * Threads that run the steps of model fits. Starting a thread costs a little (loading the
 * code; from the TypeScript sources, compiling it too), so a caller can start the pool before
 * it loads its data and use it for several fits. One worker means no thread: everything runs
 * on the calling thread.
 */
export class ForecastPool {
  private readonly workers: Worker[];
  private busy = false;

  /** Starts `workers` threads (default: the machine's cores). */
  constructor(workers: number = availableParallelism()) {
    const n = Math.max(1, Math.floor(workers));
    const url = new URL(
      import.meta.url.endsWith('.ts') ? './forecast-worker.ts' : './forecast-worker.js',
      import.meta.url,
    );
    this.workers =
      n === 1
        ? []
        : Array.from({ length: n }, () =>
            url.pathname.endsWith('.ts')
              ? // Running from the TypeScript sources (tests, development): load them through tsx.
                new Worker(
                  `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(url.href)}); })`,
                  { eval: true },
                )
              : new Worker(url),
          );
  }

  /** Number of threads (1: the calling thread). */
  get size(): number {
    return Math.max(1, this.workers.length);
  }

  /**
   * Fits every job and returns the models in job order. Each fit is cut into its independent
   * steps (the full-data fit and every cross-validation fold), and the steps of all the jobs
   * go to the threads as they come free, largest training sets first, so the threads stay
   * busy to the end. `onJob` reports each finished model. Rejects with a FitError naming the
   * job when a fit cannot be made.
   */
  async fit(
    panel: Panel,
    specs: readonly SingleModelSpec[],
    jobs: readonly FitJob[],
    onJob?: (index: number, model: SingleModel) => void,
  ): Promise<SingleModel[]> {
    if (this.busy) throw new Error('the forecast pool is already fitting');
    this.busy = true;
    try {
      return await this.fitJobs(panel, specs, jobs, onJob);
    } finally {
      this.busy = false;
    }
  }

  private async fitJobs(
    panel: Panel,
    specs: readonly SingleModelSpec[],
    jobs: readonly FitJob[],
    onJob?: (index: number, model: SingleModel) => void,
  ): Promise<SingleModel[]> {
    // Every training set is made here first, so an impossible fit fails before any thread
    // works; each is kept until its model is finished.
    const sets: (TrainingSet | undefined)[] = jobs.map((job) => {
      try {
        return trainingSet(panel, specs[job.spec]!, job.trainTo);
      } catch (error) {
        throw new FitError(job, (error as Error).message);
      }
    });
    const tasks: { job: number; step: FitStep }[] = [];
    const order = jobs
      .map((_, k) => k)
      .sort((a, b) => jobs[b]!.trainTo - jobs[a]!.trainTo || a - b);
    for (const k of order)
      for (const step of fitSteps(specs[jobs[k]!.spec]!)) tasks.push({ job: k, step });
    const pending = jobs.map((j) => fitSteps(specs[j.spec]!).length);
    const results: StepResult[][] = jobs.map(() => []);
    const models: SingleModel[] = new Array(jobs.length);
    const receive = (k: number, result: StepResult) => {
      results[k]!.push(result);
      if (--pending[k]! > 0) return;
      const job = jobs[k]!;
      try {
        models[k] = finishFit(specs[job.spec]!, sets[k]!, results[k]!);
      } catch (error) {
        throw new FitError(job, (error as Error).message);
      }
      results[k] = [];
      sets[k] = undefined;
      onJob?.(k, models[k]!);
    };

    if (this.workers.length === 0 || tasks.length === 0) {
      for (const task of tasks) {
        const job = jobs[task.job]!;
        let result: StepResult;
        try {
          result = runFitStep(panel, specs[job.spec]!, sets[task.job]!, task.step);
        } catch (error) {
          throw new FitError(job, (error as Error).message);
        }
        receive(task.job, result);
      }
      return models;
    }

    const data: WorkerMessage = { kind: 'data', panel, specs };
    for (const w of this.workers) w.postMessage(data);
    let next = 0;
    let done = 0;
    const listeners: (() => void)[] = [];
    try {
      await new Promise<void>((resolve, reject) => {
        const send = (w: Worker) => {
          if (next >= tasks.length) return;
          const id = next++;
          const task = tasks[id]!;
          const message: WorkerMessage = {
            kind: 'task',
            id,
            job: jobs[task.job]!,
            step: task.step,
          };
          w.postMessage(message);
        };
        for (const w of this.workers) {
          const onMessage = (reply: StepReply) => {
            const task = tasks[reply.id]!;
            if (!reply.ok) return reject(new FitError(jobs[task.job]!, reply.message));
            // The thread gets its next task before this one's result is put to use.
            send(w);
            try {
              receive(task.job, reply.result);
            } catch (error) {
              return reject(error);
            }
            if (++done === tasks.length) resolve();
          };
          const onExit = (code: number) =>
            reject(new Error(`forecast worker stopped (exit ${code})`));
          w.on('message', onMessage);
          w.on('error', reject);
          w.on('exit', onExit);
          listeners.push(() => {
            w.off('message', onMessage);
            w.off('error', reject);
            w.off('exit', onExit);
          });
          // Two tasks in flight per thread, so none waits for its next one.
          send(w);
          send(w);
        }
      });
    } catch (error) {
      // A failed batch may leave tasks running: those threads cannot be reused.
      await this.close();
      throw error;
    } finally {
      for (const off of listeners) off();
    }
    return models;
  }

  /** Stops the threads. */
  async close(): Promise<void> {
    await Promise.all(this.workers.splice(0).map((w) => w.terminate()));
  }
}

/**
 * Fits every job (see `ForecastPool.fit`) on `pool`, or on a pool of `workers` threads
 * (default: the machine's cores, at most one per step) started and stopped for the purpose.
 */
export async function fitJobs(
  panel: Panel,
  specs: readonly SingleModelSpec[],
  jobs: readonly FitJob[],
  options: {
    pool?: ForecastPool;
    workers?: number;
    onJob?: (index: number, model: SingleModel) => void;
  } = {},
): Promise<SingleModel[]> {
  if (options.pool) return options.pool.fit(panel, specs, jobs, options.onJob);
  const steps = jobs.reduce((s, j) => s + fitSteps(specs[j.spec]!).length, 0);
  const pool = new ForecastPool(Math.min(options.workers ?? availableParallelism(), steps));
  try {
    return await pool.fit(panel, specs, jobs, options.onJob);
  } finally {
    await pool.close();
  }
}

import type { FastifyInstance } from 'fastify';
import cluster from 'node:cluster';
import { openStore } from '../services/context.js';
import { buildServer } from './server.js';
import type { ServerOptions } from './server.js';

/** How `lens serve` runs. */
export interface ServeOptions {
  /** What `buildServer` takes besides the store (which each process opens itself). */
  server?: Omit<ServerOptions, 'store' | 'logger'>;
  /** The `--db` flag (default: LENS_DATABASE_URL or the per-user file). */
  db?: string;
  port: number;
  host: string;
  /** Server processes sharing the port (1: this process serves). */
  workers: number;
  /** Told the address once every process listens. */
  onListening?: (address: string) => void;
}

/** Resolves on the first SIGINT or SIGTERM. */
function stopSignal(): Promise<void> {
  return new Promise((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

/**
 * Serves the API until SIGINT or SIGTERM. With `workers` > 1 this process becomes the
 * primary of a Node cluster: it starts that many server processes, which share the one
 * listening socket (the primary hands each connection to the next process), restarts a
 * process that dies, and stops them all on the signal. Every process opens the store itself;
 * the store is the only state they share (caches are per process, see ApiContext).
 */
export async function serve(o: ServeOptions): Promise<void> {
  if (o.workers > 1 && cluster.isPrimary) return primary(o);
  const store = await openStore(o.db);
  try {
    const app = await buildServer({ ...o.server, store, logger: true });
    try {
      const address = await app.listen({ port: o.port, host: o.host });
      if (!cluster.isWorker) o.onListening?.(address);
      void warmUp(app);
      await stopSignal();
    } finally {
      await app.close();
    }
  } finally {
    await store.close();
  }
}

/**
 * Computes, once the server listens, what the dashboard's first view asks for (the world's
 * assessment as of the current year, as the world map and the watchlist request it), so the
 * first visitor does not wait for it. Failures are left for the real request to report.
 */
export async function warmUp(app: FastifyInstance, now = new Date()): Promise<void> {
  const year = now.getUTCFullYear();
  await app
    .inject({ url: `/api/v1/assessments?asOf=${year}&detail=summary` })
    .catch(() => undefined);
}

async function primary(o: ServeOptions): Promise<void> {
  let stopping = false;
  let listening = 0;
  const done = new Promise<void>((resolve) => {
    cluster.on('listening', (_worker, address) => {
      if (++listening === o.workers)
        o.onListening?.(
          `${o.server?.https ? 'https' : 'http'}://${o.host}:${address.port} (${o.workers} processes)`,
        );
    });
    cluster.on('exit', (worker, code, signal) => {
      if (stopping) {
        if (Object.keys(cluster.workers ?? {}).length === 0) resolve();
        return;
      }
      console.error(
        `lens serve: process ${worker.process.pid} ended (${signal ?? `code ${code}`}); starting another`,
      );
      cluster.fork();
    });
  });
  for (let i = 0; i < o.workers; i++) cluster.fork();
  await stopSignal();
  stopping = true;
  for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGTERM');
  await done;
}

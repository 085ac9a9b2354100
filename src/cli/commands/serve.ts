import type { Command } from 'commander';
import { serve } from '../../http/listen.js';
import { wholeNumber } from '../options.js';
import { print } from '../output.js';

type Db = () => string | undefined;

/** `lens serve`: the HTTP API (and the dashboard, once built) over the store. */
export function registerServeCommands(program: Command, db: Db): void {
  program
    .command('serve')
    .description(
      'serve the HTTP API (docs at /api/v1/docs) and the dashboard (dist/web, when built) until interrupted',
    )
    .option('--port <n>', 'TCP port', wholeNumber('--port'), 8080)
    .option('--host <address>', 'address to listen on (0.0.0.0: every interface)', '127.0.0.1')
    .option('--workers <n>', 'server processes sharing the port', wholeNumber('--workers'), 1)
    .option('--web-root <dir>', 'folder of the dashboard files (default dist/web)')
    .option(
      '--writes-per-minute <n>',
      'requests that change data allowed per client and minute',
      wholeNumber('--writes-per-minute'),
      600,
    )
    .action(
      async (opts: {
        port: number;
        host: string;
        workers: number;
        webRoot?: string;
        writesPerMinute: number;
      }) => {
        await serve({
          db: db(),
          port: opts.port,
          host: opts.host,
          workers: Math.max(1, opts.workers),
          server: { webRoot: opts.webRoot, writesPerMinute: opts.writesPerMinute },
          onListening: (address) => print(`lens serve: listening on ${address}`),
        });
      },
    );
}

import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { InvalidArgumentError } from 'commander';
import type { Command } from 'commander';
import { InputError } from '../../core/errors.js';
import { serve } from '../../http/listen.js';
import { wholeNumber } from '../options.js';
import { print } from '../output.js';

type Db = () => string | undefined;

/** Names of address ranges `--trust-proxy` takes besides addresses and CIDR ranges. */
const RANGE_NAMES = ['loopback', 'linklocal', 'uniquelocal'];

/**
 * The `--trust-proxy` value: `true` (any proxy), a number of hops, or a comma-separated list
 * of addresses, CIDR ranges and range names (`loopback`, `linklocal`, `uniquelocal`).
 */
export function trustProxyOption(value: string): true | number | string[] {
  const v = value.trim();
  if (v === 'true') return true;
  if (/^\d+$/.test(v)) return Number(v);
  const entries = v.split(',').map((e) => e.trim());
  for (const e of entries) {
    const [address, bits, extra] = e.split('/');
    const valid =
      RANGE_NAMES.includes(e) ||
      (extra === undefined &&
        isIP(address ?? '') !== 0 &&
        (bits === undefined ||
          (/^\d{1,3}$/.test(bits) && Number(bits) <= (isIP(address!) === 4 ? 32 : 128))));
    if (!valid)
      throw new InvalidArgumentError(
        `"${e}" is not an address, a CIDR range or one of ${RANGE_NAMES.join(', ')}; expected true, a number of hops or a comma-separated list of those`,
      );
  }
  return entries;
}

/** A PEM file of `--tls-key` or `--tls-cert`, with the flag named when it cannot be read. */
function pemFile(path: string, flag: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new InputError(`cannot read ${flag} ${path}: ${(error as Error).message}`, {
      column: flag,
      expected: 'a PEM file',
    });
  }
}

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
    .option(
      '--computations-per-minute <n>',
      'expensive answers not yet cached (assessments, backtests, forecasts, escalation) computed per client and minute',
      wholeNumber('--computations-per-minute'),
      60,
    )
    .option(
      '--trust-proxy <proxies>',
      'believe X-Forwarded-For and X-Forwarded-Proto from these proxies: true (any), a number of hops, or addresses and CIDR ranges separated by commas (loopback, linklocal, uniquelocal)',
      trustProxyOption,
    )
    .option('--tls-cert <file>', 'serve HTTPS with this certificate (PEM; with --tls-key)')
    .option('--tls-key <file>', 'the private key of --tls-cert (PEM)')
    .action(
      async (opts: {
        port: number;
        host: string;
        workers: number;
        webRoot?: string;
        writesPerMinute: number;
        computationsPerMinute: number;
        trustProxy?: true | number | string[];
        tlsCert?: string;
        tlsKey?: string;
      }) => {
        if ((opts.tlsCert === undefined) !== (opts.tlsKey === undefined))
          throw new InputError('--tls-cert and --tls-key go together', {
            column: opts.tlsCert === undefined ? '--tls-cert' : '--tls-key',
            expected: 'both files, or neither',
          });
        const https =
          opts.tlsCert !== undefined && opts.tlsKey !== undefined
            ? { cert: pemFile(opts.tlsCert, '--tls-cert'), key: pemFile(opts.tlsKey, '--tls-key') }
            : undefined;
        await serve({
          db: db(),
          port: opts.port,
          host: opts.host,
          workers: Math.max(1, opts.workers),
          server: {
            webRoot: opts.webRoot,
            writesPerMinute: opts.writesPerMinute,
            computationsPerMinute: opts.computationsPerMinute,
            trustProxy: opts.trustProxy,
            https,
          },
          onListening: (address) => print(`lens serve: listening on ${address}`),
        });
      },
    );
}

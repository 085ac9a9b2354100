// Load on `lens serve` over loopback: read routes at a fixed rate, then field reports
// submitted concurrently, counted in the store afterwards.
// Usage: npm run bench:http [-- --db FILE] [--pg URL] [--workers N] [--rate R] [--reports R] [--seconds S]
//   [--profile DIR]: the server writes a V8 CPU profile per process into DIR when it stops
//   default: a copy of the dev SQLite store /tmp/lens-dev.sqlite (never written to), one process;
//   --pg URL: a PostgreSQL database (filled with the shared data first when empty).
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadCountryRegistry } from '../src/services/countries.js';
import { openStore } from '../src/services/context.js';
import { dataCoverage } from '../src/services/data.js';
import { SYSTEM, createOrganisation, createUser } from '../src/services/identity.js';
import { syncSources } from '../src/services/sync.js';
import { sharedDataDir } from '../test/support/shared-data.js';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
}

const DEV_DB = '/tmp/lens-dev.sqlite';
const workers = Number(arg('--workers') ?? 1);
const rate = Number(arg('--rate') ?? 500);
const reportRate = Number(arg('--reports') ?? 200);
const seconds = Number(arg('--seconds') ?? 10);
const pg = arg('--pg');
const profile = arg('--profile');
const dir = mkdtempSync(join(tmpdir(), 'lens-bench-http-'));

/** The database to serve: PostgreSQL as given, or a copy of the dev SQLite store. */
async function database(): Promise<string> {
  if (pg) return pg;
  const from = arg('--db') ?? DEV_DB;
  if (!existsSync(from))
    throw new Error(
      `${from} not found: build it with \`lens --db ${from} sync --from ../shared/data\` or pass --db`,
    );
  const copy = join(dir, 'bench.sqlite');
  copyFileSync(from, copy);
  for (const suffix of ['-wal', '-shm'])
    if (existsSync(from + suffix)) copyFileSync(from + suffix, copy + suffix);
  return copy;
}

/** Fills an empty store, and adds the organisation, user and token the benchmark writes as. */
async function prepare(url: string): Promise<{ username: string; password: string }> {
  const store = await openStore(url);
  try {
    if ((await dataCoverage(store)).length === 0) {
      console.log('filling the empty store with the shared data (once)…');
      await syncSources(store, loadCountryRegistry(), { from: sharedDataDir() });
    }
    const org = `bench-${Date.now()}`;
    await createOrganisation(store, SYSTEM, { id: org, name: 'Benchmark', kind: 'research-group' });
    const password = `${org}-password`;
    await createUser(store, SYSTEM, {
      username: org,
      organisationId: org,
      role: 'analyst',
      password,
    });
    return { username: org, password };
  } finally {
    await store.close();
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** Starts `lens serve` and resolves once it says it listens. */
async function startServer(url: string, port: number): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    [
      ...(profile ? ['--cpu-prof', '--cpu-prof-dir', profile] : []),
      '--import',
      'tsx',
      'bench/http-serve.ts',
      '--db',
      url,
      'serve',
      '--port',
      String(port),
      '--workers',
      String(workers),
      '--writes-per-minute',
      '1000000',
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  await new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('listening on')) resolve();
    });
    child.on('exit', (code) => reject(new Error(`lens serve ended (${code}): ${out}`)));
  });
  return child;
}

const agent = new Agent({ keepAlive: true, maxSockets: 256 });

/** One request; resolves with the status and body. */
function call(
  port: number,
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: string,
  via: Agent | false = agent,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, agent: via, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }),
      );
    });
    req.on('error', reject);
    if (body !== undefined) req.end(body);
    else req.end();
  });
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

/**
 * Sends `perSecond` requests a second for `seconds` (open loop: each at its scheduled time,
 * whether or not earlier ones have answered), latency measured from the scheduled time.
 */
async function load(
  perSecond: number,
  secs: number,
  send: (i: number) => Promise<{ status: number }>,
): Promise<{ sent: number; ok: number; failed: number; rps: number; latencies: number[] }> {
  const total = Math.round(perSecond * secs);
  const latencies: number[] = [];
  let ok = 0;
  let failed = 0;
  const start = performance.now();
  const pending: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / perSecond;
    const wait = due - performance.now();
    if (wait > 1) await sleep(wait);
    pending.push(
      send(i).then(
        (r) => {
          latencies.push(performance.now() - due);
          if (r.status < 400) ok++;
          else failed++;
        },
        () => {
          failed++;
        },
      ),
    );
  }
  await Promise.all(pending);
  const elapsed = (performance.now() - start) / 1000;
  return { sent: total, ok, failed, rps: ok / elapsed, latencies: latencies.sort((a, b) => a - b) };
}

function report(label: string, r: Awaited<ReturnType<typeof load>>): void {
  const ms = (v: number) => `${v.toFixed(1)} ms`;
  console.log(
    `${label}: ${r.sent} sent, ${r.ok} ok, ${r.failed} failed; ${r.rps.toFixed(0)} answered/s; ` +
      `latency p50 ${ms(percentile(r.latencies, 50))}, p95 ${ms(percentile(r.latencies, 95))}, ` +
      `p99 ${ms(percentile(r.latencies, 99))}, max ${ms(r.latencies[r.latencies.length - 1] ?? NaN)}`,
  );
}

const url = await database();
const user = await prepare(url);
const port = await freePort();
const server = await startServer(url, port);
try {
  // Signed in as the dashboard is: a session cookie, and its CSRF token on writes.
  const signIn = await new Promise<{ cookie: string; csrf: string }>((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/api/v1/session',
        agent,
        headers: { 'content-type': 'application/json' },
      },
      (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => {
          if (res.statusCode !== 201)
            return reject(new Error(`sign-in: ${res.statusCode} ${body}`));
          const cookie = String(res.headers['set-cookie']?.[0] ?? '').split(';')[0]!;
          resolve({ cookie, csrf: (JSON.parse(body) as { csrfToken: string }).csrfToken });
        });
      },
    );
    req.end(JSON.stringify(user));
  });
  const auth = { cookie: signIn.cookie };
  const engine = pg ? 'PostgreSQL' : 'SQLite';
  console.log(`lens serve on ${engine}, ${workers} process(es), 127.0.0.1:${port}`);
  const ids = ['sdn', 'afg', 'mmr', 'syr', 'cod', 'som', 'irq', 'nga', 'pak', 'eth'];
  const reads = [
    '/api/v1/health',
    '/api/v1/countries?limit=50',
    '/api/v1/frameworks',
    '/api/v1/alerts?limit=20',
    '/api/v1/reports?limit=20',
    ...ids.map((id) => `/api/v1/countries/${id}`),
    ...ids.map((id) => `/api/v1/countries/${id}/data?asOf=2012`),
    ...ids.map((id) => `/api/v1/assessments?asOf=2012&country=${id}`),
  ];
  // Warm-up: every route in every process (caches are per process), then a second of light
  // load. A connection of its own per request: the primary hands connections, not requests,
  // to the processes in turn, so kept-alive connections would warm one process only.
  for (let k = 0; k < workers * 2; k++)
    for (const path of reads) {
      const r = await call(port, 'GET', path, auth, undefined, false);
      if (r.status !== 200) throw new Error(`${path}: ${r.status} ${r.body.slice(0, 200)}`);
    }
  await load(100, 1, (i) => call(port, 'GET', reads[i % reads.length]!, auth));

  report(
    `read routes at ${rate}/s for ${seconds} s (${reads.length} URLs in turn)`,
    await load(rate, seconds, (i) => call(port, 'GET', reads[i % reads.length]!, auth)),
  );

  const countReports = async () =>
    JSON.parse((await call(port, 'GET', '/api/v1/reports?limit=1', auth)).body).total as number;
  const before = await countReports();
  const today = new Date().toISOString().slice(0, 10);
  const categories = [
    'violence.against-civilians.attack',
    'mobilisation.hate-propaganda',
    'violence.armed-clash',
  ];
  const posted = await load(reportRate, seconds, (i) =>
    call(
      port,
      'POST',
      '/api/v1/reports',
      { ...auth, 'x-csrf-token': signIn.csrf, 'content-type': 'application/json' },
      JSON.stringify({
        country: ids[i % ids.length],
        date: today,
        category: categories[i % categories.length],
        place: { name: `Place ${i}` },
        deaths: { best: i % 7 },
        notes: `benchmark report ${i}`,
      }),
    ),
  );
  report(`field reports at ${reportRate}/s for ${seconds} s`, posted);
  const stored = (await countReports()) - before;
  console.log(
    `field reports stored afterwards: ${stored} of ${posted.ok} accepted (${posted.sent} sent): ${stored === posted.ok && posted.ok === posted.sent ? 'none lost' : 'MISMATCH'}`,
  );
} finally {
  server.kill('SIGTERM');
  await new Promise((resolve) => server.once('exit', resolve));
  agent.destroy();
  rmSync(dir, { recursive: true, force: true });
}

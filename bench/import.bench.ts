// Imports everything in the shared data folder into a fresh store, on SQLite and (when
// LENS_BENCH_DATABASE_URL or LENS_TEST_DATABASE_URL is set) PostgreSQL, and prints wall
// time and rows per second per file and in total, and where the time goes: parse (reading
// the file's records), resolve (matching countries, fingerprint, buffering), write (the
// statements that store them) and other (hashing the file, commit, statistics). Usage: npm run bench:import
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { loadCountryRegistry } from '../src/services/countries.js';
import { emptyTimings } from '../src/services/import.js';
import type { ImportTimings } from '../src/services/import.js';
import { openStore } from '../src/services/context.js';
import { syncSources } from '../src/services/sync.js';
import { SOURCES } from '../src/sources/index.js';
import { sharedDataDir } from '../test/support/shared-data.js';

const registry = loadCountryRegistry();
const pgUrl = process.env.LENS_BENCH_DATABASE_URL ?? process.env.LENS_TEST_DATABASE_URL;

async function run(label: string, url: string, schema?: string): Promise<void> {
  const store = await openStore(url, schema);
  const timings = new Map<string, ImportTimings>();
  const t0 = performance.now();
  try {
    const report = await syncSources(store, registry, {
      from: sharedDataDir(),
      // The sources only: event files have their own benchmark (bench:events).
      only: SOURCES.map((s) => s.kind),
      timings: (file) => {
        const t = emptyTimings();
        timings.set(file, t);
        return t;
      },
    });
    const total = (performance.now() - t0) / 1000;
    let rows = 0;
    let values = 0;
    console.log(`\n${label}: ${url}${schema ? ` (schema ${schema})` : ''}`);
    console.log('kind            rows      values   seconds    parse  resolve    write    other');
    const sum = emptyTimings();
    const s = (ms: number) => (ms / 1000).toFixed(2).padStart(8);
    for (const r of report.imported) {
      rows += r.rows;
      values += r.observations + r.episodes;
      const t = timings.get(r.file) ?? emptyTimings();
      for (const k of ['parse', 'resolve', 'write', 'other'] as const) sum[k] += t[k];
      const all = t.parse + t.resolve + t.write + t.other;
      console.log(
        `${r.kind.padEnd(14)} ${String(r.rows).padStart(6)} ${String(r.observations + r.episodes).padStart(11)} ${s(all)} ${s(t.parse)} ${s(t.resolve)} ${s(t.write)} ${s(t.other)}`,
      );
    }
    console.log(
      `${'sum'.padEnd(33)} ${s(sum.parse + sum.resolve + sum.write + sum.other)} ${s(sum.parse)} ${s(sum.resolve)} ${s(sum.write)} ${s(sum.other)}`,
    );
    console.log(
      `total: ${report.imported.length} files, ${rows} rows, ${values} values in ${total.toFixed(2)} s = ${Math.round(rows / total)} rows/s, ${Math.round(values / total)} values/s`,
    );
  } finally {
    await store.close();
  }
}

const dir = mkdtempSync(join(tmpdir(), 'lens-bench-'));
try {
  await run('SQLite', join(dir, 'bench.sqlite'));
  if (pgUrl) {
    const schema = `lens_bench_${randomBytes(4).toString('hex')}`;
    try {
      await run('PostgreSQL', pgUrl, schema);
    } finally {
      const client = new pg.Client({ connectionString: pgUrl });
      await client.connect();
      await client.query(`drop schema if exists "${schema}" cascade`);
      await client.end();
    }
  } else {
    console.log('\nPostgreSQL: skipped (set LENS_BENCH_DATABASE_URL or LENS_TEST_DATABASE_URL)');
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

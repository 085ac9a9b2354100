// Times a whole-world assessment (every country, one date, with the change from a year
// earlier) and the rolling backtest 1975-2012 for each shipped framework, on SQLite and
// (when LENS_BENCH_DATABASE_URL or LENS_TEST_DATABASE_URL is set) PostgreSQL. The targets
// are under 1 s and under 30 s.
//
// SQLite reads the store named by LENS_BENCH_SQLITE (e.g. a development store with all the
// data); without it, and always for PostgreSQL, the shared data folder is first imported
// into a fresh store (a temporary file, a new schema dropped afterwards).
// Usage: node --import tsx bench/assess.bench.ts
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { Country } from '../src/core/countries/types.js';
import { assessWorld } from '../src/services/assess.js';
import { runRollingBacktest } from '../src/services/backtest.js';
import { loadCountryRegistry } from '../src/services/countries.js';
import { openStore } from '../src/services/context.js';
import { listFrameworks } from '../src/services/frameworks.js';
import { syncSources } from '../src/services/sync.js';
import type { Store } from '../src/store/database.js';
import { median, seconds } from './timing.js';
import { sharedDataDir } from '../test/support/shared-data.js';

const countries = loadCountryRegistry().all();
const frameworks = (await listFrameworks()).filter((f) => f.latest).map((f) => f.id);
const pgUrl = process.env.LENS_BENCH_DATABASE_URL ?? process.env.LENS_TEST_DATABASE_URL;
const DATES = ['1997-12-31', '2012-12-31'];
const REPEATS = 5;

async function timeStore(label: string, store: Store, all: readonly Country[]): Promise<void> {
  console.log(`\n${label}`);
  console.log('framework            task                          first s  median s  result');
  for (const framework of frameworks) {
    for (const asOf of DATES) {
      const times: number[] = [];
      let assessed = 0;
      for (let i = 0; i < REPEATS; i++) {
        const [s, report] = await seconds(() => assessWorld(store, all, { framework, asOf }));
        times.push(s);
        assessed = report.assessments.filter((a) => a.tier !== null).length;
      }
      console.log(
        `${framework.padEnd(20)} assess world as of ${asOf}  ${times[0]!.toFixed(3).padStart(7)}  ${median(times).toFixed(3).padStart(8)}  ${assessed} countries with a tier`,
      );
    }
    const [s, rolling] = await seconds(() =>
      runRollingBacktest(store, all, { framework, years: '1975-2012' }),
    );
    console.log(
      `${framework.padEnd(20)} rolling backtest 1975-2012     ${s.toFixed(3).padStart(7)}  ${''.padStart(8)}  mean AUC ${rolling.meanAuc?.toFixed(3)} over ${rolling.results.length} years`,
    );
  }
}

async function imported(url: string, schema?: string): Promise<[Store, number]> {
  const store = await openStore(url, schema);
  const [s] = await seconds(() =>
    syncSources(store, loadCountryRegistry(), { from: sharedDataDir() }),
  );
  return [store, s];
}

const existing = process.env.LENS_BENCH_SQLITE;
if (existing) {
  const store = await openStore(existing);
  try {
    await timeStore(`SQLite: ${existing}`, store, countries);
  } finally {
    await store.close();
  }
} else {
  const dir = mkdtempSync(join(tmpdir(), 'lens-bench-'));
  try {
    const [store, s] = await imported(join(dir, 'bench.sqlite'));
    try {
      await timeStore(
        `SQLite: fresh store, shared data imported in ${s.toFixed(1)} s`,
        store,
        countries,
      );
    } finally {
      await store.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (pgUrl) {
  const schema = `lens_bench_${randomBytes(4).toString('hex')}`;
  const client = new pg.Client({ connectionString: pgUrl });
  await client.connect();
  try {
    const [store, s] = await imported(pgUrl, schema);
    const where = `${pgUrl.replace(/\/\/[^@]*@/, '//…@')} (schema ${schema})`;
    try {
      await timeStore(
        `PostgreSQL: ${where}, right after importing the shared data (${s.toFixed(1)} s)`,
        store,
        countries,
      );
      // Until the planner has statistics (ANALYZE, or autovacuum a while after a bulk
      // import) it may pick poor joins for the as-of queries; both cases are shown.
      await client.query(`analyze "${schema}".observations, "${schema}".variables`);
      await timeStore(`PostgreSQL: ${where}, after ANALYZE`, store, countries);
    } finally {
      await store.close();
    }
  } finally {
    await client.query(`drop schema if exists "${schema}" cascade`);
    await client.end();
  }
} else {
  console.log('\nPostgreSQL: skipped (set LENS_BENCH_DATABASE_URL or LENS_TEST_DATABASE_URL)');
}

// Times prevention plans: one country, every country of one date, and the capacity gaps of a
// region, on SQLite and (when LENS_BENCH_DATABASE_URL or LENS_TEST_DATABASE_URL is set)
// PostgreSQL. Prints figures; asserts nothing.
//
// SQLite reads the store named by LENS_BENCH_SQLITE (e.g. a development store with all the
// data); without it, and always for PostgreSQL, the shared data folder (structural sources
// and the two event samples) is first imported into a fresh store, with the example capacity
// map. Usage: node --import tsx bench/plan.bench.ts
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { importCapacity } from '../src/services/capacity.js';
import { loadCountryRegistry } from '../src/services/countries.js';
import { openStore } from '../src/services/context.js';
import { draftNeedsAssessment } from '../src/services/needs.js';
import { gapReport, planCountries, planningContent } from '../src/services/planning.js';
import { syncSources } from '../src/services/sync.js';
import { SYSTEM } from '../src/store/access.js';
import type { Store } from '../src/store/database.js';
import { median, seconds } from './timing.js';
import { sharedDataDir } from '../test/support/shared-data.js';

const registry = loadCountryRegistry();
const pgUrl = process.env.LENS_BENCH_DATABASE_URL ?? process.env.LENS_TEST_DATABASE_URL;
const AS_OF = '2022-06-30';
const REPEATS = 5;

async function fill(store: Store): Promise<void> {
  // The sources and the ACLED and GED event samples, as `lens sync --from` brings them in.
  await syncSources(store, registry, { from: sharedDataDir() });
  await importCapacity(
    store,
    registry,
    SYSTEM,
    join(import.meta.dirname, '..', 'content', 'capacity', 'example-map.csv'),
  );
}

async function time(label: string, fn: () => Promise<string>): Promise<void> {
  const times: number[] = [];
  let result = '';
  for (let i = 0; i < REPEATS; i++) {
    const [s, r] = await seconds(fn);
    times.push(s);
    result = r;
  }
  console.log(
    `${label.padEnd(44)} ${times[0]!.toFixed(3).padStart(7)}  ${median(times).toFixed(3).padStart(8)}  ${result}`,
  );
}

async function timeStore(label: string, store: Store): Promise<void> {
  console.log(`\n${label} (as of ${AS_OF})`);
  console.log('task                                         first s  median s  result');
  const content = await planningContent(store, SYSTEM);
  await time('plan one country (Myanmar)', async () => {
    const [p] = await planCountries(
      store,
      registry,
      SYSTEM,
      { asOf: AS_OF, countryIds: ['mmr'] },
      content,
    );
    return `${p!.plan.mode}, ${p!.plan.measures.length} measures, ${p!.plan.pitfalls.length} pitfalls`;
  });
  await time('plan every country', async () => {
    const plans = await planCountries(store, registry, SYSTEM, { asOf: AS_OF }, content);
    return `${plans.length} plans, ${plans.reduce((n, p) => n + p.plan.pitfalls.length, 0)} pitfall warnings`;
  });
  await time('needs draft (Kenya)', async () => {
    const d = await draftNeedsAssessment(store, registry, SYSTEM, 'ken', { asOf: AS_OF });
    return `${Object.values(d.parts).reduce((n, p) => n + p.length, 0)} statements`;
  });
  await time('capacity gaps, Africa', async () => {
    const r = await gapReport(store, registry, SYSTEM, { asOf: AS_OF, region: 'africa' });
    return `${r.countries} countries, ${r.gaps.length} measures with gaps`;
  });
}

const sqliteFile = process.env.LENS_BENCH_SQLITE;
const dir = mkdtempSync(join(tmpdir(), 'lens-plan-bench-'));
try {
  const store = await openStore(sqliteFile ?? join(dir, 'lens.sqlite'));
  try {
    if (!sqliteFile) await fill(store);
    await timeStore(`SQLite ${sqliteFile ?? '(fresh import)'}`, store);
  } finally {
    await store.close();
  }
  if (pgUrl) {
    const schema = `lens_bench_${randomBytes(4).toString('hex')}`;
    const pgStore = await openStore(pgUrl, schema);
    try {
      await fill(pgStore);
      await timeStore(`PostgreSQL ${schema}`, pgStore);
    } finally {
      await pgStore.close();
      const client = new pg.Client({ connectionString: pgUrl });
      await client.connect();
      await client.query(`drop schema if exists "${schema}" cascade`);
      await client.end();
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

// Point-query and `data show` latency on a store holding all of the shared data.
// Usage: npm run bench:query [-- --db URL]  (default: a fresh SQLite store, filled first)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadCountryRegistry } from '../src/services/countries.js';
import { openStore } from '../src/services/context.js';
import { showCountryData } from '../src/services/data.js';
import { syncSources } from '../src/services/sync.js';
import { valueAsOf } from '../src/store/observations-repository.js';
import { listReleases } from '../src/store/releases-repository.js';
import { sharedDataDir } from '../test/support/shared-data.js';

const registry = loadCountryRegistry();
const dbArg = process.argv.indexOf('--db');
const dir = mkdtempSync(join(tmpdir(), 'lens-bench-'));
const url = dbArg > 0 ? process.argv[dbArg + 1]! : join(dir, 'bench.sqlite');

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function time(label: string, n: number, fn: (i: number) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < Math.min(50, n); i++) await fn(i);
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await fn(i);
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  console.log(
    `${label.padEnd(44)} n=${n}  median ${percentile(times, 50).toFixed(3)} ms  p95 ${percentile(times, 95).toFixed(3)} ms  p99 ${percentile(times, 99).toFixed(3)} ms`,
  );
}

const store = await openStore(url);
try {
  // A fresh store (or an empty one named with --db) is filled with the shared data first.
  if ((await listReleases(store)).length === 0) {
    await syncSources(store, registry, { from: sharedDataDir() });
  }
  const ids = registry.all().map((c) => c.id);
  const years = Array.from({ length: 40 }, (_, i) => 1975 + i);
  console.log(`store: ${store.location}`);
  await time('point query (value of V for C in Y as of D)', 2000, (i) =>
    valueAsOf(store, {
      variable: 'vdem:v2x_libdem',
      countryId: ids[i % ids.length]!,
      year: years[i % years.length]!,
      asOf: '2025-01-01',
    }),
  );
  await time('data show <country> --year Y', 200, (i) =>
    showCountryData(store, registry, ids[i % ids.length]!, { year: 2000, asOf: '2025-01-01' }),
  );
  await time('data show <country> (latest of every variable)', 100, (i) =>
    showCountryData(store, registry, ids[i % ids.length]!, { asOf: '2025-01-01' }),
  );
} finally {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
}

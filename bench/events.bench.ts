// The escalation monitor under load, on SQLite and (when LENS_BENCH_DATABASE_URL or
// LENS_TEST_DATABASE_URL is set) PostgreSQL. Prints figures; asserts nothing.
//   1. Bulk ingest: N generated GED-like events (default 1,000,000; seeded, realistic
//      distributions: test/fixtures/events/generate-ged.ts), mapped onto the taxonomy, their
//      countries resolved, written in one transaction with the natural-key upsert.
//   2. File import, end to end: a 200,000-event GED CSV through `importEvents` (read, parse,
//      map, write), as it runs by default (parsing and mapping in a worker thread while the
//      main thread writes), and a second such file read and written on one thread.
//   3. Status of every country as of one date, from the store.
//   4. Latency from one new event to an updated status and its alerts (`monitor.record`):
//      2,000 events of 2023 after the monitor has loaded every country (warm), and the
//      first refresh of each country (cold).
// Usage: node --import tsx bench/events.bench.ts [--events N]
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { addDays } from '../src/core/escalation/dates.js';
import type { EscalationEvent } from '../src/core/escalation/types.js';
import { loadCountryRegistry } from '../src/services/countries.js';
import { openStore } from '../src/services/context.js';
import { EscalationMonitor, countriesIn, loadRules } from '../src/services/escalation.js';
import { countryResolver } from '../src/services/country-resolver.js';
import { importEvents } from '../src/services/events.js';
import { mapGedRow } from '../src/sources/events/ucdp-ged.js';
import type { Store } from '../src/store/database.js';
import { countriesWithEvents, eventValues, insertEvents } from '../src/store/events-repository.js';
import { SYSTEM } from '../src/store/access.js';
import type { EventCells } from '../src/store/events-repository.js';
import { generateGedEvents, writeGedCsv } from '../test/fixtures/events/generate-ged.js';

const arg = process.argv.indexOf('--events');
const N = arg > 0 ? Number(process.argv[arg + 1]) : 1_000_000;
const FILE_EVENTS = Math.min(200_000, N);
const LATENCY_EVENTS = 2_000;
const STATUS_DATE = '2022-12-31';
const registry = loadCountryRegistry();
const resolve = countryResolver(registry);
const pgUrl = process.env.LENS_BENCH_DATABASE_URL ?? process.env.LENS_TEST_DATABASE_URL;
const dir = mkdtempSync(join(tmpdir(), 'lens-events-bench-'));

const rate = (n: number, ms: number) =>
  `${Math.round(n / (ms / 1000)).toLocaleString('en')} events/s`;
const ms = (x: number) => `${x.toFixed(1)} ms`;

/**
 * CPU time of this process in ms. The machine running benchmarks may be shared: wall-clock
 * figures then include time spent waiting for a CPU, CPU time does not. On SQLite all the
 * work is in this process; on PostgreSQL the server's share is not counted, so only wall
 * time is given there.
 */
function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

function percentile(sorted: readonly number[], p: number): number {
  return (
    sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN
  );
}

/** A generated GED record as an event of the store (mapped, country resolved). */
function toEvent(
  record: Record<string, string>,
  line: number,
  now: string,
): EscalationEvent | undefined {
  const row = mapGedRow((c) => record[c] ?? '', 'generated', line);
  if (row.type !== 'event') return undefined;
  const country = resolve(row.keys, Number(row.event.date.start.slice(0, 4))).countryId;
  if (!country) return undefined;
  // Completed in place, as the import service does.
  const event = row.event as EscalationEvent;
  event.countryId = country;
  event.provenance = { line, recordedAt: now };
  return event;
}

/** A full garbage collection where the bench runs with --expose-gc (npm run bench:events). */
function collect(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

async function ingest(store: Store): Promise<void> {
  const now = new Date().toISOString();
  const batchSize = 20_000;
  let mapMs = 0;
  let writeMs = 0;
  let mapCpu = 0;
  let writeCpu = 0;
  let written = 0;
  const generator = generateGedEvents(N, 20260101);
  await store.db.transaction().execute(async (trx) => {
    for (let done = 0; done < N; done += batchSize) {
      const records: Record<string, string>[] = [];
      for (let i = 0; i < batchSize && done + i < N; i++)
        records.push(generator.next().value as Record<string, string>);
      // The generator's garbage is collected before the clock starts (with --expose-gc), and
      // the batch's own after the write, on the clock: the figures are those of ingesting,
      // with its garbage collection, not of making up the records.
      collect();
      let t = performance.now();
      let c = cpuMs();
      const cells: EventCells[] = [];
      records.forEach((r, i) => {
        const e = toEvent(r, done + i + 2, now);
        if (e) cells.push(eventValues(e));
      });
      mapMs += performance.now() - t;
      mapCpu += cpuMs() - c;
      t = performance.now();
      c = cpuMs();
      await insertEvents(store, trx, cells);
      written += cells.length;
      cells.length = 0;
      records.length = 0;
      collect();
      writeMs += performance.now() - t;
      writeCpu += cpuMs() - c;
    }
  });
  console.log(
    `  bulk ingest of ${written.toLocaleString('en')} events: map ${ms(mapMs)}, write (and collect the batch's garbage) ${ms(writeMs)}`,
  );
  console.log(
    `    wall time: map + write ${rate(written, mapMs + writeMs)}; write alone ${rate(written, writeMs)}`,
  );
  if (store.sqlite) {
    console.log(
      `    CPU time:  map + write ${rate(written, mapCpu + writeCpu)}; write alone ${rate(written, writeCpu)}`,
    );
  }
}

async function fileImport(store: Store, thread: boolean, firstId: number): Promise<void> {
  const file = join(dir, `ged-file-${firstId}.csv`);
  await writeGedCsv(file, FILE_EVENTS, thread ? 99 : 98, firstId);
  const t = performance.now();
  const c = cpuMs();
  const report = await importEvents(store, registry, { kind: 'ucdp-ged', path: file, thread });
  const took = performance.now() - t;
  const cpu = cpuMs() - c;
  const how = thread ? 'parse and map in a worker thread' : 'all on one thread';
  const cpuNote = store.sqlite ? `; CPU time of both threads ${ms(cpu)}` : '';
  console.log(
    `  file import (read CSV, parse, map, write; ${how}) of ${report.stored.toLocaleString('en')} events: ${ms(took)} = ${rate(report.stored, took)}${cpuNote}`,
  );
}

async function statusOfAll(store: Store, monitor: EscalationMonitor): Promise<void> {
  const ids = countriesIn(registry.all(), STATUS_DATE);
  const times: number[] = [];
  const cpu: number[] = [];
  let active = 0;
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    const c = cpuMs();
    const statuses = await monitor.statusAsOf(ids, STATUS_DATE, SYSTEM);
    times.push(performance.now() - t);
    cpu.push(cpuMs() - c);
    active = statuses.filter((s) => s.stage !== 'none').length;
  }
  times.sort((a, b) => a - b);
  cpu.sort((a, b) => a - b);
  const cpuNote = store.sqlite ? `, CPU median ${ms(cpu[2]!)}` : '';
  console.log(
    `  status of all ${ids.length} countries as of ${STATUS_DATE}: median ${ms(times[2]!)}, best ${ms(times[0]!)}${cpuNote} (${active} above stage none)`,
  );
}

async function latency(store: Store, monitor: EscalationMonitor): Promise<void> {
  const now = new Date().toISOString();
  const countries = await countriesWithEvents(store.db);
  const cold: number[] = [];
  for (const id of countries) {
    const t = performance.now();
    await monitor.refresh(id, STATUS_DATE, now);
    cold.push(performance.now() - t);
  }
  cold.sort((a, b) => a - b);
  // New events of 2023, in date order, with the same country mix as the history.
  const events: EscalationEvent[] = [];
  let line = 0;
  for (const record of generateGedEvents(LATENCY_EVENTS, 777, 95_000_000)) {
    const day = addDays('2023-01-01', Math.floor((line * 365) / LATENCY_EVENTS));
    const e = toEvent(
      { ...record, date_start: day, date_end: day, date_prec: '1', year: '2023' },
      ++line,
      now,
    );
    if (e) events.push(e);
  }
  const warm: number[] = [];
  const warmCpu: number[] = [];
  let alerts = 0;
  for (const e of events) {
    const t = performance.now();
    const c = cpuMs();
    const r = await monitor.record(e, e.date.end, now);
    warm.push(performance.now() - t);
    warmCpu.push(cpuMs() - c);
    alerts += r.alerts.length;
  }
  warm.sort((a, b) => a - b);
  warmCpu.sort((a, b) => a - b);
  console.log(
    `  new event → status + alerts (${warm.length} events, ${alerts} alerts raised): p50 ${ms(percentile(warm, 50))}, p95 ${ms(percentile(warm, 95))}, p99 ${ms(percentile(warm, 99))}, max ${ms(warm[warm.length - 1]!)}`,
  );
  if (store.sqlite) {
    console.log(
      `    CPU time: p50 ${ms(percentile(warmCpu, 50))}, p95 ${ms(percentile(warmCpu, 95))}, p99 ${ms(percentile(warmCpu, 99))}`,
    );
  }
  console.log(
    `  first refresh of a country (cold, ${cold.length} countries): p50 ${ms(percentile(cold, 50))}, p99 ${ms(percentile(cold, 99))}, max ${ms(cold[cold.length - 1]!)}`,
  );
}

async function run(label: string, url: string, schema?: string): Promise<void> {
  console.log(`\n${label}`);
  const store = await openStore(url, schema);
  try {
    await ingest(store);
    await fileImport(store, true, 90_000_000);
    await fileImport(store, false, 92_000_000);
    const monitor = await EscalationMonitor.open(store, { rules: await loadRules() });
    await statusOfAll(store, monitor);
    await latency(store, monitor);
  } finally {
    await store.close();
  }
}

try {
  console.log(`Escalation monitor benchmark: ${N.toLocaleString('en')} generated GED-like events`);
  await run('SQLite', join(dir, 'bench.sqlite'));
  if (pgUrl) {
    const schema = `lens_bench_${randomBytes(4).toString('hex')}`;
    try {
      await run(`PostgreSQL (schema ${schema})`, pgUrl, schema);
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

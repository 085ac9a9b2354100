import type { CountryRegistry } from '../core/countries/registry.js';
import type { Store } from '../services/context.js';
import { dataCoverage, dataVersion, sharedVersion } from '../services/data.js';
import type { CoverageRow } from '../services/data.js';
import { ForecastPool } from '../services/forecast-pool.js';
import { HttpProblem } from './problem.js';

/**
 * Results kept in memory by key, least recently used dropped first. A result is kept as its
 * promise, so concurrent requests for the same key share one computation; a failed one is
 * forgotten at once. `ttlMs` bounds how long an entry is trusted.
 */
export class Memo {
  private readonly entries = new Map<string, { value: Promise<unknown>; until: number }>();

  constructor(
    private readonly maxEntries: number,
    private readonly ttlMs: number = Infinity,
  ) {}

  /** The value of `key`, computed by `compute` when absent or expired. */
  get<T>(key: string, compute: () => Promise<T>): Promise<T> {
    const now = Date.now();
    const hit = this.entries.get(key);
    if (hit && hit.until > now) {
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit.value as Promise<T>;
    }
    const value = compute();
    this.entries.set(key, { value, until: now + this.ttlMs });
    value.catch(() => {
      if (this.entries.get(key)?.value === value) this.entries.delete(key);
    });
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
    return value;
  }

  /** Forgets everything (after a write that changes what the entries were computed from). */
  clear(): void {
    this.entries.clear();
  }
}

/**
 * How many expensive computations (answers that were in no cache) each client may start per
 * minute: a fixed window per client, opened by its first computation.
 */
export class ComputeAllowance {
  private readonly windows = new Map<string, { start: number; used: number }>();

  /** `perMinute`: computations per client and minute (at least 1). */
  constructor(readonly perMinute: number) {}

  /**
   * Takes one computation of `client` at `now` (ms); undefined when taken, else the seconds
   * until the client's window ends.
   */
  take(client: string, now: number = Date.now()): number | undefined {
    let w = this.windows.get(client);
    if (!w || now - w.start >= 60_000) {
      if (this.windows.size >= 10_000) this.forgetEnded(now);
      w = { start: now, used: 0 };
      this.windows.set(client, w);
    }
    if (w.used >= this.perMinute) return Math.max(1, Math.ceil((w.start + 60_000 - now) / 1000));
    w.used++;
    return undefined;
  }

  private forgetEnded(now: number): void {
    for (const [client, w] of this.windows)
      if (now - w.start >= 60_000) this.windows.delete(client);
  }
}

/**
 * Marks a computation as expensive for one request: `charged(compute)` is `compute`, which
 * on its first call in the request takes one of the client's computations (`ComputeAllowance`)
 * or throws a 429 problem with `retry-after` when none is left. Give the wrapped function to a
 * cache (`Memo.get`): an answer already cached, or being computed for someone else, costs
 * nothing; a refusal is thrown before anything is cached.
 */
export type Charge = <T>(compute: () => Promise<T>) => () => Promise<T>;

/**
 * A value read from the store again once it is older than `maxAgeMs`; callers in between
 * share the pending read. A failed read is forgotten, so the next call tries again with the
 * previous value kept meanwhile.
 */
class Reread<T> {
  private current: { value: Promise<T>; at: number } | undefined;

  constructor(
    private readonly read: () => Promise<T>,
    private readonly maxAgeMs: number,
  ) {}

  get(): Promise<T> {
    const now = Date.now();
    if (!this.current || now - this.current.at > this.maxAgeMs) {
      const value = this.read();
      const previous = this.current;
      this.current = { value, at: now };
      value.catch(() => {
        if (this.current?.value === value) this.current = previous;
      });
    }
    return this.current.value;
  }
}

/**
 * What the routes share: the store, the country registry and the caches.
 *
 * Structural assessments, backtests and forecasts take from half a second to many seconds,
 * so their results are cached per request and *data version*: a fingerprint of the releases
 * imported, analysts' judgements and the capacity map (`dataVersion` of the data service,
 * milliseconds where counting the stored values took seconds). The version is read when the
 * server starts and again once it is older than `dataCheckMs` (imports run from the command
 * line, outside the server), so an import shows after at most that long. Escalation
 * statuses also depend on field reports, which the API itself takes: they are cached for
 * `liveTtlMs` at most and dropped at once when this process stores a report or a review.
 * Timelines are cached under the data version and the country's `escalationVersion`.
 * Computing an answer that is in no cache costs the client one of its computations
 * (`charge`).
 */
export class ApiContext {
  /**
   * Results keyed by what they are computed from: the data version (assessments,
   * backtests, forecasts), and the country's events for timelines.
   */
  readonly results = new Memo(256);
  /** Results that change with events and reports (escalation status, timelines). */
  readonly live: Memo;
  private readonly snapshot: Reread<CoverageRow[]>;
  private readonly version: Reread<string>;
  private readonly computations: ComputeAllowance;
  private pool: ForecastPool | undefined;
  private forecasts: Promise<unknown> = Promise.resolve();

  constructor(
    readonly store: Store,
    readonly registry: CountryRegistry,
    private readonly options: {
      dataCheckMs: number;
      liveTtlMs: number;
      forecastThreads: number;
      computationsPerMinute: number;
    },
  ) {
    this.live = new Memo(128, options.liveTtlMs);
    this.computations = new ComputeAllowance(options.computationsPerMinute);
    this.snapshot = new Reread(() => dataCoverage(store), options.dataCheckMs);
    this.version = new Reread(() => dataVersion(store), options.dataCheckMs);
  }

  /**
   * The charge of one request of `client` (`clientKey` of the limits) for its expensive
   * computations: see `Charge`. Each request takes one computation at most, however many
   * results it computes (a trend computes one assessment per year).
   */
  charge(client: string): Charge {
    let charged = false;
    return (compute) => () => {
      if (!charged) {
        const wait = this.computations.take(client);
        if (wait !== undefined)
          throw new HttpProblem(
            429,
            `too many answers to compute (at most ${this.computations.perMinute} a minute per client; answers already computed are not counted); try again in ${wait} s`,
            undefined,
            { 'retry-after': String(wait) },
          );
        charged = true;
      }
      return compute();
    };
  }

  /** What the store holds per source (`lens data coverage`), read as the data version is. */
  coverage(): Promise<CoverageRow[]> {
    return this.snapshot.get();
  }

  /**
   * The data version (see the class comment and `dataVersion` of the data service): the
   * releases imported, analysts' judgements and the capacity map; read at most once per
   * `dataCheckMs`.
   */
  dataVersion(): Promise<string> {
    return this.version.get();
  }

  /**
   * The version of the shared material (`sharedVersion` of the data service), read afresh on
   * every call: answers that show items under the sharing rule are cached by it, so that a
   * withdrawn agreement, a new report or a withdrawn judgement shows at the next request.
   */
  sharedVersion(): Promise<string> {
    return sharedVersion(this.store);
  }

  /**
   * Runs a forecast computation on the server's fitting threads, one at a time (a pool fits
   * one batch at a time; each batch already uses every thread).
   */
  fitting<T>(work: (pool: ForecastPool) => Promise<T>): Promise<T> {
    this.pool ??= new ForecastPool(this.options.forecastThreads);
    const pool = this.pool;
    const run = this.forecasts.then(
      () => work(pool),
      () => work(pool),
    );
    this.forecasts = run.catch(() => undefined);
    return run;
  }

  /** Stops the fitting threads. */
  async close(): Promise<void> {
    await this.forecasts.catch(() => undefined);
    await this.pool?.close();
    this.pool = undefined;
  }
}

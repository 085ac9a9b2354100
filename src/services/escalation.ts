import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Transaction } from 'kysely';
import type { Country } from '../core/countries/types.js';
import { alertsFor } from '../core/escalation/alerts.js';
import { backtestStages } from '../core/escalation/backtest.js';
import type { EpisodeRef, StageBacktestResult, StagePoint } from '../core/escalation/backtest.js';
import {
  addDays,
  dayNumber,
  daysBetween,
  endOfMonth,
  isIsoDate,
} from '../core/escalation/dates.js';
import {
  CountryEvents,
  categoryLookbacks,
  compileRules,
  evaluateCountry,
} from '../core/escalation/engine.js';
import type { CompiledRules, CountryStatus } from '../core/escalation/engine.js';
import { markerEvents } from '../core/escalation/markers.js';
import { formatRulesIssues, STAGES, validateRules } from '../core/escalation/rules.js';
import type { EscalationRules, Stage } from '../core/escalation/rules.js';
import type { EscalationEvent, EventFacts, Tlp } from '../core/escalation/types.js';
import { TLP_LEVELS, factsOf } from '../core/escalation/types.js';
import { InputError } from '../core/errors.js';
import type { Tier } from '../core/frameworks/types.js';
import { SYSTEM, agreementsFor, canSee } from '../store/access.js';
import type { Principal } from '../store/access.js';
import type { Store } from '../store/database.js';
import type { Schema } from '../store/schema.js';
import {
  getStatus,
  listSubscriptions,
  queueDeliveries,
  raiseAlert,
  saveStatus,
} from '../store/alerts-repository.js';
import type { Alert, Subscription } from '../store/alerts-repository.js';
import {
  eventValues,
  insertEvents,
  factsVisibleTo,
  loadFacts,
  ownerOfEvidence,
} from '../store/events-repository.js';
import type { OwnedFacts } from '../store/events-repository.js';
import { listEpisodes } from '../store/episodes-repository.js';
import { observationsAsOf } from '../store/observations-repository.js';
import { audited } from './audit.js';
import type { RecordAudit } from './audit.js';
import { contentDir } from './content.js';
import { structuralTiers } from './escalation-tiers.js';

/** The rules used when none is named: the newest version of `escalation`. */
export const DEFAULT_RULES = 'escalation';

/** The folder of rules files: `LENS_ESCALATION_DIR`, else `content/escalation`. */
export function escalationDir(): string {
  return process.env.LENS_ESCALATION_DIR ?? contentDir('escalation');
}

/**
 * The rules `ref`: `ID` (newest version) or `ID@VERSION`, from `*.json` files of `dir`,
 * validated on load. InputError naming the file and every offending path.
 */
export async function loadRules(
  ref: string = DEFAULT_RULES,
  dir: string = escalationDir(),
): Promise<EscalationRules> {
  const [id, version] = ref.split('@') as [string, string | undefined];
  let files: string[];
  try {
    files = (await readdir(dir)).filter((f) => f.endsWith('.json')).sort();
  } catch {
    throw new InputError('cannot read the rules folder', { file: dir });
  }
  const found: EscalationRules[] = [];
  for (const f of files) {
    const file = join(dir, f);
    let parsed: unknown;
    try {
      parsed = JSON.parse(await readFile(file, 'utf8'));
    } catch (error) {
      throw new InputError(`malformed JSON: ${(error as Error).message}`, {
        file,
        expected: 'a rules file',
      });
    }
    const v = validateRules(parsed);
    if (!v.ok)
      throw new InputError(`invalid escalation rules:\n${formatRulesIssues(v.issues)}`, { file });
    if (v.rules.id === id) found.push(v.rules);
  }
  const pick =
    version === undefined
      ? found.sort((a, b) => b.version - a.version)[0]
      : found.find((r) => String(r.version) === version);
  if (!pick) {
    throw new InputError(`no escalation rules "${ref}"`, {
      file: dir,
      expected: `one of ${found.map((r) => `${r.id}@${r.version}`).join(', ') || 'the rules files of the folder'}`,
    });
  }
  return pick;
}

/**
 * A port to the structural assessment: the tier of a country on a date, undefined when not
 * known. `structuralTiers` in `escalation-tiers.ts` wires the real one.
 */
export type TierPort = (countryId: string, date: string) => Tier | undefined;

/** What the escalation services need besides the store. */
export interface EscalationOptions {
  /** The rules (default: `loadRules()`). */
  rules?: EscalationRules;
  tiers?: TierPort;
  /** Country names for alert titles (default: the id). */
  names?: (countryId: string) => string;
}

/** An ISO date for a user's `--as-of`/`--from`/`--to`: `YYYY-MM-DD` or a year (its last day). */
export function parseDate(text: string, flag: string): string {
  const t = text.trim();
  if (/^\d{4}$/.test(t)) return `${t}-12-31`;
  if (isIsoDate(t)) return t;
  throw new InputError(`invalid date "${text}" for ${flag}`, { expected: 'YYYY-MM-DD or a year' });
}

/**
 * The escalation monitor: rules compiled once, events read per country over only the
 * windows the rules need, statuses kept in the store so that a new event recomputes its own
 * country only and raises the alerts the change calls for.
 */
export class EscalationMonitor {
  readonly compiled: CompiledRules;
  private readonly windows: { categories: string[]; days: number }[];
  private readonly markerVariables: string[];
  private readonly markerCache = new Map<string, { fromYear: number; facts: EventFacts[] }>();
  private readonly cache = new Map<string, CachedCountry>();

  private constructor(
    private readonly store: Store,
    readonly rules: EscalationRules,
    private readonly options: EscalationOptions,
  ) {
    this.compiled = compileRules(rules);
    const byDays = new Map<number, string[]>();
    for (const [category, days] of categoryLookbacks(rules)) {
      const list = byDays.get(days);
      if (list) list.push(category);
      else byDays.set(days, [category]);
    }
    this.windows = [...byDays].map(([days, categories]) => ({
      days,
      categories: categories.sort(),
    }));
    this.markerVariables = [...new Set(rules.markers.map((m) => m.variable))];
  }

  /** A monitor over `store` with the given (or the default) rules. */
  static async open(store: Store, options: EscalationOptions = {}): Promise<EscalationMonitor> {
    return new EscalationMonitor(store, options.rules ?? (await loadRules()), options);
  }

  /** `id@version` of the rules. */
  get rulesRef(): string {
    return `${this.rules.id}@${this.rules.version}`;
  }

  /** Windows of the event query for a status as of `asOf`: per category group, the first day that matters. */
  private factWindows(asOf: string): { categories: string[]; from: string }[] {
    return this.windows.map((w) => ({
      categories: w.categories,
      from: addDays(asOf, -(w.days - 1)),
    }));
  }

  /**
   * Marker events of `countryIds` as known on `asOf` (values public by then), from the years
   * the rules can still see. Live, a marker counts from the day its value was published
   * (never before the end of its year); with `replay`, every value counts from the end of its
   * year, as if known then (backtests of the past).
   */
  async markers(q: {
    asOf: string;
    countryIds?: readonly string[];
    replay?: boolean;
    fromYear?: number;
  }): Promise<EventFacts[]> {
    if (this.markerVariables.length === 0) return [];
    const year = Number(q.asOf.slice(0, 4));
    const rows = await observationsAsOf(this.store, {
      variables: this.markerVariables,
      asOf: q.replay ? '9999-12-31' : q.asOf,
      countryIds: q.countryIds,
      fromYear: q.fromYear ?? year - Math.ceil(this.compiled.lookbackDays / 365) - 1,
      toYear: year,
    });
    return markerEvents(this.rules.markers, rows).map((e) => {
      const f = factsOf(e);
      if (!q.replay && e.provenance.recordedAt > f.dateEnd)
        f.dateEnd = e.provenance.recordedAt.slice(0, 10);
      return f;
    });
  }

  /**
   * A country's markers for the incremental monitor: the newest vintage of every year from
   * the lookback before `asOf` on, each counted from its publication (kept per country until
   * an earlier date needs earlier years).
   */
  private async countryMarkers(countryId: string, asOf: string): Promise<EventFacts[]> {
    const fromYear = Number(asOf.slice(0, 4)) - Math.ceil(this.compiled.lookbackDays / 365) - 1;
    const cached = this.markerCache.get(countryId);
    if (cached && cached.fromYear <= fromYear) return cached.facts;
    if (this.markerVariables.length === 0) return [];
    const rows = await observationsAsOf(this.store, {
      variables: this.markerVariables,
      asOf: '9999-12-31',
      countryIds: [countryId],
      fromYear,
    });
    const facts = markerEvents(this.rules.markers, rows).map((e) => {
      const f = factsOf(e);
      if (e.provenance.recordedAt > f.dateEnd) f.dateEnd = e.provenance.recordedAt.slice(0, 10);
      return f;
    });
    this.markerCache.set(countryId, { fromYear, facts });
    return facts;
  }

  /**
   * The status of each of `countryIds` on `asOf`, computed from the store (not the stored
   * statuses): one event query and one marker query for all of them. Sorted: imminent first,
   * then by stage, red flags and fired indicators, then id.
   */
  async statusAsOf(
    countryIds: readonly string[],
    asOf: string,
    reader: Principal,
  ): Promise<CountryStatus[]> {
    const [facts, markers] = await Promise.all([
      loadFacts(this.store, this.store.db, {
        countryIds,
        windows: this.factWindows(asOf),
        to: asOf,
        reportStates: this.rules.reportStates,
        visible: await factsVisibleTo(this.store.db, reader),
      }),
      this.markers({ asOf, countryIds }),
    ]);
    const byCountry = groupByCountry([...facts, ...markers]);
    const out = countryIds.map((id) =>
      evaluateCountry(
        this.compiled,
        id,
        asOf,
        new CountryEvents(byCountry.get(id) ?? []),
        this.options.tiers?.(id, asOf) ?? null,
      ),
    );
    return out.sort(compareStatus);
  }

  /**
   * Recomputes the stored status of one country on `asOf` from the store and raises the
   * alerts the change calls for (deduplicated; new ones queued for webhook subscribers).
   * Only this country's events are read.
   */
  async refresh(
    countryId: string,
    asOf: string,
    now: string = new Date().toISOString(),
    view: RefreshView = {},
  ): Promise<RefreshResult> {
    const markers = await this.countryMarkers(countryId, asOf);
    return this.commit(countryId, async (trx, record) => {
      const stored = await getStatus(trx, countryId);
      const cached = await this.load(trx, countryId, asOf, markers);
      return this.apply(trx, record, cached, asOf, stored?.status, now, view);
    });
  }

  /**
   * Stores the status of each of `countryIds` on `asOf` without raising alerts: the
   * baseline after a bulk import of the past (`lens start`), so that the next event is
   * compared with what the store already held, not with nothing. Returns how many countries
   * stand above stage none.
   */
  async settle(
    countryIds: readonly string[],
    asOf: string,
    now: string = new Date().toISOString(),
  ): Promise<number> {
    let above = 0;
    for (const countryId of countryIds) {
      const markers = await this.countryMarkers(countryId, asOf);
      const result = await this.commit(countryId, async (trx, record) => {
        const cached = await this.load(trx, countryId, asOf, markers);
        return this.apply(trx, record, cached, asOf, undefined, now, {}, false);
      });
      if (result.status.stage !== 'none') above++;
    }
    return above;
  }

  /** Refreshes several countries (after a bulk import); alerts in country order. */
  async refreshMany(
    countryIds: readonly string[],
    asOf: string,
    now?: string,
  ): Promise<RefreshResult[]> {
    const out: RefreshResult[] = [];
    for (const id of countryIds) out.push(await this.refresh(id, asOf, now));
    return out;
  }

  /**
   * Stores one event (replacing a stored one with the same key) and refreshes its country's
   * status as of `asOf` (default: the later of the event's end and today) in one
   * transaction, so status and alerts always match the events stored. Incremental: the
   * country's events stay in memory between calls and the new one is merged in, as long as
   * the stored status is the one this monitor wrote last (otherwise someone else changed
   * the country and its events are read again) and dates do not go backwards. The answer is
   * the shared status (the system's view): imported events belong to no organisation.
   */
  async record(
    event: EscalationEvent,
    asOf?: string,
    now: string = new Date().toISOString(),
  ): Promise<RefreshResult> {
    const on = asOf ?? maxDate(event.date.end, now.slice(0, 10));
    return this.merge(event, true, on, now, {}, (trx) =>
      insertEvents(this.store, trx, [eventValues(event)]),
    );
  }

  /**
   * Refreshes a country's status after `event` was stored by the caller (a field report, in
   * its own transaction): incremental like `record` when the country's events are in memory
   * and current, otherwise read again. `counts` false (a report the rules do not read, e.g.
   * marked duplicate) leaves the events as they are. `view.organisation` owns the event;
   * `view.reader` receives the answer as they may see it (see `RefreshView`).
   */
  async stored(
    event: EscalationEvent,
    counts: boolean,
    asOf: string,
    now: string = new Date().toISOString(),
    view: RefreshView & { organisation?: string | null } = {},
  ): Promise<RefreshResult> {
    return this.merge(event, counts, asOf, now, view);
  }

  /**
   * The shared step of `record` and `stored`: in one transaction, `write` (if any), then the
   * country's status on `asOf` with `event` merged into the events in memory (when `counts`)
   * as long as they are current: the stored status is the one this monitor wrote last, dates
   * do not go backwards and the load is recent. Otherwise the country's events are read
   * again, the new one included.
   */
  private async merge(
    event: EscalationEvent,
    counts: boolean,
    asOf: string,
    now: string,
    view: RefreshView & { organisation?: string | null },
    write?: (trx: Transaction<Schema>) => Promise<void>,
  ): Promise<RefreshResult> {
    const country = event.countryId;
    const markers = await this.countryMarkers(country, asOf);
    return this.commit(country, async (trx, record) => {
      await write?.(trx);
      const stored = await getStatus(trx, country);
      const held = this.cache.get(country);
      const current =
        held !== undefined &&
        held.json === stored?.json &&
        asOf >= held.asOf &&
        daysBetween(held.loadedAsOf, asOf) < RELOAD_AFTER_DAYS;
      let cached: CachedCountry;
      if (current) {
        cached = held;
        if (counts) {
          const facts: OwnedFacts = {
            ...factsOf(event),
            organisationId: view.organisation ?? null,
          };
          cached.events.upsert(facts);
        }
      } else cached = await this.load(trx, country, asOf, markers);
      return this.apply(trx, record, cached, asOf, stored?.status, now, view);
    });
  }

  /** Drops what the monitor keeps in memory (after another process changed the store). */
  forget(): void {
    this.cache.clear();
    this.markerCache.clear();
  }

  /**
   * Runs `work` in a transaction with the audit entries it records; the country's cache is
   * kept only if it commits.
   */
  private async commit(
    countryId: string,
    work: (
      trx: Transaction<Schema>,
      record: RecordAudit,
    ) => Promise<{ result: RefreshResult; cached: CachedCountry }>,
  ): Promise<RefreshResult> {
    try {
      const { result, cached } = await audited(this.store, work);
      if (this.cache.size >= MAX_CACHED_COUNTRIES) this.cache.clear();
      this.cache.set(countryId, cached);
      return result;
    } catch (error) {
      this.cache.delete(countryId);
      throw error;
    }
  }

  /** A country's events over the rules' windows as of `asOf`, with its markers. */
  private async load(
    trx: Transaction<Schema>,
    countryId: string,
    asOf: string,
    markers: readonly EventFacts[],
  ): Promise<CachedCountry> {
    const facts = await loadFacts(this.store, trx, {
      countryId,
      windows: this.factWindows(asOf),
      to: asOf,
      reportStates: this.rules.reportStates,
    });
    return {
      countryId,
      events: new CountryEvents([...facts, ...markers]),
      asOf,
      loadedAsOf: asOf,
      json: '',
    };
  }

  private async apply(
    trx: Transaction<Schema>,
    record: RecordAudit,
    cached: CachedCountry,
    asOf: string,
    previous: CountryStatus | undefined,
    now: string,
    view: RefreshView,
    raise = true,
  ): Promise<{ result: RefreshResult; cached: CachedCountry }> {
    const countryId = cached.countryId;
    const status = evaluateCountry(
      this.compiled,
      countryId,
      asOf,
      cached.events,
      this.options.tiers?.(countryId, asOf) ?? null,
    );
    const drafts = raise
      ? alertsFor(previous, status, this.options.names?.(countryId) ?? countryId)
      : [];
    const json = await saveStatus(trx, status, now);
    const alerts: Alert[] = [];
    if (drafts.length > 0) {
      const subscriptions = await listSubscriptions(trx);
      for (const d of drafts) {
        // Above GREEN an alert belongs to the organisation whose evidence sets its level.
        const owner =
          TLP_LEVELS.indexOf(d.sharing) > TLP_LEVELS.indexOf('GREEN')
            ? await ownerOfEvidence(trx, d.evidence, d.sharing)
            : null;
        const { alert, created } = await raiseAlert(trx, d, now, owner);
        record({
          at: now,
          actor: 'system',
          action: created ? 'raise' : 'repeat',
          itemType: 'alert',
          itemId: String(alert.id),
          detail: { kind: d.kind, country: d.countryId, tlp: d.sharing, organisation: owner },
        });
        if (!created) continue;
        alerts.push(alert);
        const to = subscriptions.filter((s) => subscribed(s, alert)).map((s) => s.id);
        await queueDeliveries(trx, alert.id, to, now);
      }
    }
    const shared: RefreshResult = { status, previous, alerts };
    const reader = view.reader ?? SYSTEM;
    const result =
      reader.kind === 'system'
        ? shared
        : await this.viewFor(trx, reader, cached.events, shared, view.change);
    return { result, cached: { ...cached, asOf, json } };
  }

  /**
   * A refresh as `reader` may see it: the status computed from the events they may see (the
   * shared one when they see them all), the status before the change computed the same way
   * (`change` undone), and only the new alerts they may read. The shared status, computed
   * from every event to raise alerts, never leaves the monitor for a reader other than the
   * system.
   */
  private async viewFor(
    trx: Transaction<Schema>,
    reader: Principal,
    events: CountryEvents,
    shared: RefreshResult,
    change: RefreshView['change'],
  ): Promise<RefreshResult> {
    const agreements = await agreementsFor(trx, reader);
    const sees = (f: EventFacts) =>
      canSee(
        reader,
        { organisationId: (f as Partial<OwnedFacts>).organisationId ?? null, tlp: f.sharing },
        agreements,
      );
    const all = events.events.map((e) => e.facts);
    const visible = all.filter(sees);
    const { countryId, asOf } = shared.status;
    const evaluate = (facts: readonly EventFacts[]) =>
      evaluateCountry(
        this.compiled,
        countryId,
        asOf,
        new CountryEvents(facts),
        this.options.tiers?.(countryId, asOf) ?? null,
      );
    const status = visible.length === all.length ? shared.status : evaluate(visible);
    let previous: CountryStatus | undefined;
    if (shared.previous !== undefined) {
      const before = change ? visible.filter((f) => f.key !== change.key) : visible;
      if (change?.before && sees(change.before)) before.push(change.before);
      previous = evaluate(before);
    }
    const alerts = shared.alerts.filter((a) =>
      canSee(reader, { organisationId: a.organisationId, tlp: a.sharing }, agreements),
    );
    return { status, previous, alerts };
  }

  /**
   * The country's stage on each checkpoint date of [from, to] (`step` apart), with what
   * fired: at each date, the status `statusAsOf` gives for it (events count from their end
   * date, markers from the day their value was published; one computation, one answer).
   */
  async timeline(
    countryId: string,
    from: string,
    to: string,
    step: Step,
    reader: Principal,
  ): Promise<TimelineEntry[]> {
    const start = addDays(from, -(this.compiled.lookbackDays - 1));
    const [facts, markers] = await Promise.all([
      loadFacts(this.store, this.store.db, {
        countryId,
        from: start,
        to,
        reportStates: this.rules.reportStates,
        visible: await factsVisibleTo(this.store.db, reader),
      }),
      this.markers({
        asOf: to,
        countryIds: [countryId],
        fromYear: Number(start.slice(0, 4)) - 1,
      }),
    ]);
    const events = new CountryEvents([...facts, ...markers]);
    return checkpoints(from, to, step).map((date) => {
      const s = evaluateCountry(
        this.compiled,
        countryId,
        date,
        events,
        this.options.tiers?.(countryId, date) ?? null,
      );
      return {
        date,
        stage: s.stage,
        imminent: s.imminent,
        tier: s.tier,
        redFlags: s.redFlags,
        indicators: s.indicators.map((i) => i.id),
        events: s.indicators.reduce((n, i) => n + i.events, 0),
        sharing: s.sharing,
        status: s,
      };
    });
  }

  /**
   * The historical backtest: every country's stage replayed at each checkpoint (`step`
   * apart) over the span of the data, against the onsets of the newest mass-killing episode
   * list (an episode counts in the first country it took place in).
   */
  async backtest(
    options: { step?: Step; lookbackYears?: number; horizonYears?: number } = {},
  ): Promise<StageBacktestResult> {
    const step = options.step ?? 'quarter';
    const [facts, markers, episodes] = await Promise.all([
      loadFacts(this.store, this.store.db, { reportStates: this.rules.reportStates }),
      this.markers({ asOf: '9999-12-31', replay: true, fromYear: 0 }),
      listEpisodes(this.store),
    ]);
    const all = [...facts, ...markers];
    let first = '';
    let last = '';
    for (const f of all) {
      if (first === '' || f.dateEnd < first) first = f.dateEnd;
      if (last === '' || f.dateEnd > last) last = f.dateEnd;
    }
    const refs: EpisodeRef[] = episodes.flatMap((e) => {
      const countryId = e.locationCountryIds[0];
      return countryId === undefined
        ? []
        : [{ countryId, code: e.code, name: e.name, startYear: e.startYear, endYear: e.endYear }];
    });
    if (first === '') return backtestStages(new Map(), [], refs, options);
    const dates = checkpoints(endOfPeriod(first, step), last, step);
    const byCountry = groupByCountry(all);
    const timelines = new Map<string, StagePoint[]>();
    for (const [countryId, list] of byCountry) {
      const events = new CountryEvents(list);
      timelines.set(
        countryId,
        dates.map((date) => ({
          date,
          stage: evaluateCountry(this.compiled, countryId, date, events).stage,
        })),
      );
    }
    return backtestStages(timelines, dates, refs, options);
  }
}

/** A country's events held in memory by the incremental monitor, and the status it last wrote. */
interface CachedCountry {
  countryId: string;
  events: CountryEvents;
  /** The date of the last status computed from them. */
  asOf: string;
  /** The date they were read from the store: windows drift, so they are read again a year later. */
  loadedAsOf: string;
  /** The status JSON this monitor stored last. */
  json: string;
}

/** Days after which the monitor reads a country's events afresh (its windows have moved on). */
const RELOAD_AFTER_DAYS = 365;
/** Countries kept in memory at most (all of them, in practice; a bound against misuse). */
const MAX_CACHED_COUNTRIES = 1000;

/**
 * Whom a refresh answers. `reader` (default the system): the status, the previous status
 * and the new alerts are given as this principal may see them, each status computed from
 * the events they may see. `change`: the event the write changed and its facts before
 * (null: it did not count before, e.g. a new report), so that `previous` is the reader's
 * status before the write.
 */
export interface RefreshView {
  reader?: Principal;
  change?: { key: string; before: OwnedFacts | null };
}

/**
 * What refreshing a country did: its new status, the one it replaced and the new alerts, as
 * the reader of the refresh may see them (see `RefreshView`).
 */
export interface RefreshResult {
  status: CountryStatus;
  previous: CountryStatus | undefined;
  alerts: Alert[];
}

/** Checkpoint spacing of timelines and backtests. */
export type Step = 'week' | 'month' | 'quarter' | 'year';

/** Every step. */
export const STEPS: readonly Step[] = ['week', 'month', 'quarter', 'year'];

/** One checkpoint of a country's timeline. */
export interface TimelineEntry {
  date: string;
  stage: Stage;
  imminent: boolean;
  tier: Tier | null;
  redFlags: string[];
  indicators: string[];
  /** Events counted by the fired indicators (an event counts once per indicator). */
  events: number;
  sharing: Tlp;
  status: CountryStatus;
}

/** Checkpoint dates from `from` to `to`: ends of weeks (every 7 days from `from`), months, quarters or years. */
export function checkpoints(from: string, to: string, step: Step): string[] {
  const out: string[] = [];
  if (step === 'week') {
    for (let d = dayNumber(from); d <= dayNumber(to); d += 7)
      out.push(addDays(from, d - dayNumber(from)));
    return out;
  }
  let date = endOfPeriod(from, step);
  while (date <= to) {
    out.push(date);
    date = endOfPeriod(addDays(date, 1), step);
  }
  return out;
}

/** The last day of the month, quarter or year holding `date` (weeks: the date itself). */
function endOfPeriod(date: string, step: Step): string {
  if (step === 'week') return date;
  const y = date.slice(0, 4);
  if (step === 'year') return `${y}-12-31`;
  if (step === 'month') return endOfMonth(date);
  const quarterEnd = Math.ceil(Number(date.slice(5, 7)) / 3) * 3;
  return endOfMonth(`${y}-${String(quarterEnd).padStart(2, '0')}-01`);
}

/** Whether a subscriber wants an alert: its kinds, countries and sharing clearance. */
export function subscribed(s: Subscription, a: Alert): boolean {
  if (!s.active) return false;
  if (s.kinds && !s.kinds.includes(a.kind)) return false;
  if (s.countryIds && !s.countryIds.includes(a.countryId)) return false;
  return TLP_LEVELS.indexOf(a.sharing) <= TLP_LEVELS.indexOf(s.maxSharing);
}

function groupByCountry(facts: readonly EventFacts[]): Map<string, EventFacts[]> {
  const out = new Map<string, EventFacts[]>();
  for (const f of facts) {
    const list = out.get(f.countryId);
    if (list) list.push(f);
    else out.set(f.countryId, [f]);
  }
  return out;
}

function compareStatus(a: CountryStatus, b: CountryStatus): number {
  return (
    Number(b.imminent) - Number(a.imminent) ||
    STAGES.indexOf(b.stage) - STAGES.indexOf(a.stage) ||
    b.redFlags.length - a.redFlags.length ||
    b.indicators.length - a.indicators.length ||
    a.countryId.localeCompare(b.countryId)
  );
}

function maxDate(a: string, b: string): string {
  return a > b ? a : b;
}

/** Registry countries that exist in the year of `asOf`, by id. */
export function countriesIn(countries: readonly Country[], asOf: string): string[] {
  const year = Number(asOf.slice(0, 4));
  return countries
    .filter((c) => (c.from ?? -Infinity) <= year && year <= (c.to ?? Infinity))
    .map((c) => c.id)
    .sort();
}

/**
 * After a bulk import (the main job), every country's status on `asOf` as a baseline, with
 * its structural tier, stored without raising alerts: old data are not news, and the first
 * field report is then compared with the status the store already implied. Returns the
 * countries settled and how many stand above stage none.
 */
export async function settleStatuses(
  store: Store,
  countries: readonly Country[],
  asOf: string,
  now?: string,
): Promise<{ countries: number; aboveNone: number }> {
  const ids = countriesIn(countries, asOf);
  const monitor = await EscalationMonitor.open(store, {
    tiers: await structuralTiers(store, countries, { asOf }),
  });
  return { countries: ids.length, aboveNone: await monitor.settle(ids, asOf, now) };
}

import { randomUUID } from 'node:crypto';
import type { CountryRegistry } from '../core/countries/registry.js';
import { addDays, isIsoDate } from '../core/escalation/dates.js';
import { findDuplicates } from '../core/escalation/duplicates.js';
import type { DuplicateMatch, DuplicateOptions } from '../core/escalation/duplicates.js';
import { REVIEW_STATES } from '../core/escalation/rules.js';
import type { ReviewState } from '../core/escalation/rules.js';
import { isCategory } from '../core/escalation/taxonomy.js';
import {
  ACCOUNTABILITIES,
  ACTOR_TYPES,
  PLACE_PRECISIONS,
  RELIABILITIES,
  TLP_LEVELS,
  factsOf,
} from '../core/escalation/types.js';
import type {
  Accountability,
  Actor,
  ActorType,
  EscalationEvent,
  Place,
  PlacePrecision,
  Reliability,
  Tlp,
} from '../core/escalation/types.js';
import { InputError } from '../core/errors.js';
import {
  AccessDeniedError,
  agreementsFor,
  canUpdate,
  describePrincipal,
  requireAction,
} from '../store/access.js';
import type { Principal } from '../store/access.js';
import type { Store } from '../store/database.js';
import {
  auditRevealed,
  duplicateCandidates,
  eventsByKey,
  insertEvent,
  insertFieldReport,
  listFieldReports,
  updateReview,
} from '../store/events-repository.js';
import type { FieldReport } from '../store/events-repository.js';
import { audited } from './audit.js';
import type { EscalationMonitor, RefreshResult } from './escalation.js';

export type { FieldReport } from '../store/events-repository.js';

/**
 * A field report as a person submits it (the CLI's flags, the HTTP route's body). Text
 * fields as typed; everything is checked by `validateReport`.
 */
export interface ReportInput {
  /** A country name, code or registry id. */
  country: string;
  /** `YYYY-MM-DD`. */
  date: string;
  /** Last day when the date is a span (default `date`). */
  endDate?: string;
  /** A category code of the taxonomy. */
  category: string;
  place?: {
    name?: string;
    admin1?: string;
    admin2?: string;
    latitude?: number;
    longitude?: number;
    precision?: string;
  };
  /** `NAME:TYPE` items, or objects; side a first (perpetrator), then side b. */
  perpetrators?: readonly string[];
  targets?: readonly string[];
  targetGroup?: string;
  civilianTargeted?: boolean;
  /** Best estimate, with optional bounds. */
  deaths?: { best: number; low?: number; high?: number };
  accountability?: string;
  /** Key of the event this report is about (`acled:NIG1234`). */
  relatesTo?: string;
  sources?: readonly string[];
  reliability?: string;
  /** TLP level; default AMBER (field information is sensitive until cleared). */
  sharing?: string;
  notes?: string;
  reportedBy: string;
  /**
   * The owning organisation when the local operator submits (signed-in users always submit
   * for their own organisation). Absent: none, visible above GREEN to the operator only.
   */
  organisation?: string;
}

/** What submitting a report did. */
export interface ReportResult {
  report: FieldReport;
  /** Likely duplicates among stored events (closest first); when any, the report is marked `duplicate` of the first. */
  duplicates: DuplicateMatch[];
  /** The refreshed status of its country and the alerts raised. */
  refresh: RefreshResult;
}

/**
 * Checks a report and turns it into an event of source `report` (its id a random UUID).
 * InputError naming the field (as `column`) and what was expected for anything wrong: an
 * unknown country or category, a date that does not exist or lies after `today`, bad actor
 * types, deaths not whole numbers in order, an unknown TLP level.
 */
export function validateReport(
  input: ReportInput,
  registry: CountryRegistry,
  today: string,
  now: string,
): EscalationEvent {
  const fail = (column: string, message: string, expected: string): never => {
    throw new InputError(message, { column, expected });
  };
  if (!isIsoDate(input.date)) fail('date', `"${input.date}" is not a date`, 'YYYY-MM-DD');
  const end = input.endDate ?? input.date;
  if (!isIsoDate(end)) fail('end-date', `"${end}" is not a date`, 'YYYY-MM-DD');
  if (end < input.date)
    fail(
      'end-date',
      `the end ${end} is before the start ${input.date}`,
      'a date on or after --date',
    );
  if (input.date > today)
    fail('date', `${input.date} is in the future`, `a date on or before ${today}`);
  const year = Number(input.date.slice(0, 4));
  const country = registry.resolve(input.country, { year })[0];
  if (!country)
    fail('country', `no country matches "${input.country}"`, 'a country name, code or registry id');
  if (!isCategory(input.category))
    fail(
      'category',
      `unknown category "${input.category}"`,
      'a category code (`lens escalation taxonomy`)',
    );
  const actors: Actor[] = [];
  const parseActor = (text: string, side: 'a' | 'b', flag: string): Actor => {
    const at = text.lastIndexOf(':');
    const name = (at < 0 ? text : text.slice(0, at)).trim();
    const type = (at < 0 ? 'unknown' : text.slice(at + 1).trim()) as ActorType;
    if (name === '') fail(flag, `"${text}" names no actor`, 'NAME:TYPE');
    if (!ACTOR_TYPES.includes(type))
      fail(
        flag,
        `unknown actor type "${type}" in "${text}"`,
        `NAME:TYPE with TYPE one of ${ACTOR_TYPES.join(', ')}`,
      );
    return { name, type, side };
  };
  for (const p of input.perpetrators ?? []) actors.push(parseActor(p, 'a', 'perpetrator'));
  for (const t of input.targets ?? []) actors.push(parseActor(t, 'b', 'target'));
  if (input.targetGroup) {
    const target = actors.find((a) => a.side === 'b');
    if (target) target.group = input.targetGroup;
  }
  let deaths: EscalationEvent['deaths'] = null;
  if (input.deaths) {
    const { best } = input.deaths;
    const low = input.deaths.low ?? best;
    const high = input.deaths.high ?? best;
    for (const [k, v] of [
      ['deaths', best],
      ['deaths-low', low],
      ['deaths-high', high],
    ] as const) {
      if (!Number.isInteger(v) || v < 0) fail(k, `${v} is not a death count`, 'a whole number ≥ 0');
    }
    if (!(low <= best && best <= high))
      fail(
        'deaths',
        `deaths not in order: low ${low}, best ${best}, high ${high}`,
        'low ≤ best ≤ high',
      );
    deaths = { best, low, high };
  }
  const accountability = (input.accountability ?? 'none-known') as Accountability;
  if (!ACCOUNTABILITIES.includes(accountability))
    fail(
      'accountability',
      `unknown accountability "${accountability}"`,
      ACCOUNTABILITIES.join(', '),
    );
  const reliability = (input.reliability ?? 'low') as Reliability;
  if (!RELIABILITIES.includes(reliability))
    fail('reliability', `unknown reliability "${reliability}"`, RELIABILITIES.join(', '));
  const sharing = (input.sharing ?? 'AMBER').toUpperCase() as Tlp;
  if (!TLP_LEVELS.includes(sharing))
    fail('sharing', `unknown sharing level "${input.sharing}"`, TLP_LEVELS.join(', '));
  const place: Place = { precision: 'unknown' };
  const p = input.place ?? {};
  if (p.name) place.name = p.name;
  if (p.admin1) place.admin1 = p.admin1;
  if (p.admin2) place.admin2 = p.admin2;
  if (p.latitude !== undefined || p.longitude !== undefined) {
    if (p.latitude === undefined || p.longitude === undefined)
      fail('lat', 'give both latitude and longitude', '--lat and --lon');
    if (!(Math.abs(p.latitude!) <= 90))
      fail('lat', `${p.latitude} is not a latitude`, 'decimal degrees in [-90, 90]');
    if (!(Math.abs(p.longitude!) <= 180))
      fail('lon', `${p.longitude} is not a longitude`, 'decimal degrees in [-180, 180]');
    place.latitude = p.latitude;
    place.longitude = p.longitude;
  }
  const precision = (p.precision ??
    (place.latitude !== undefined
      ? 'exact'
      : place.name
        ? 'near'
        : place.admin2
          ? 'admin2'
          : place.admin1
            ? 'admin1'
            : 'country')) as PlacePrecision;
  if (!PLACE_PRECISIONS.includes(precision))
    fail('precision', `unknown place precision "${precision}"`, PLACE_PRECISIONS.join(', '));
  place.precision = precision;
  const category = input.category as EscalationEvent['category'];
  const event: EscalationEvent = {
    source: 'report',
    sourceId: randomUUID(),
    countryId: country!.id,
    date: { start: input.date, end, precision: end === input.date ? 'day' : 'days' },
    place,
    actors,
    category,
    civilianTargeted:
      input.civilianTargeted ??
      (category.startsWith('violence.against-civilians') ||
        (category.startsWith('violence.') &&
          actors.some((a) => a.side === 'b' && a.type === 'civilians'))),
    deaths,
    accountability,
    sources: (input.sources ?? []).map((name) => ({ name })),
    reliability,
    sharing,
    provenance: { reportedBy: input.reportedBy, recordedAt: now },
  };
  if (input.targetGroup) event.targetGroup = input.targetGroup;
  if (input.relatesTo) event.relatesTo = input.relatesTo;
  if (input.notes) event.notes = input.notes;
  if (!input.reportedBy.trim()) fail('by', 'the reporter is missing', 'who submits the report');
  return event;
}

/**
 * Submits a field report: validates it, looks for the same event already stored (same
 * country, dates within `duplicates.windowDays`, same place, same actors), stores it as
 * `submitted` (or `duplicate` of the closest match) and refreshes its country's status
 * through `monitor`, raising alerts as any new event would.
 */
export async function submitReport(
  store: Store,
  principal: Principal,
  registry: CountryRegistry,
  monitor: EscalationMonitor,
  input: ReportInput,
  options: { now?: string; duplicates?: DuplicateOptions } = {},
): Promise<ReportResult> {
  requireAction(principal, 'submit-report');
  const now = options.now ?? new Date().toISOString();
  const event = validateReport(input, registry, now.slice(0, 10), now);
  const organisation =
    principal.kind === 'user' ? principal.organisationId : (input.organisation ?? null);
  if (
    event.relatesTo &&
    !(await eventsByKey(store.db, principal, [event.relatesTo])).has(event.relatesTo)
  ) {
    throw new InputError(`no stored event "${event.relatesTo}"`, {
      column: 'relates-to',
      expected: 'the key of a stored event (source:id)',
    });
  }
  const window = options.duplicates?.windowDays ?? 3;
  // Only events the submitter may see are compared: a match must not reveal another
  // organisation's report.
  const candidates = await duplicateCandidates(store, store.db, principal, {
    countryId: event.countryId,
    from: addDays(event.date.start, -window),
    to: addDays(event.date.end, window),
  });
  const duplicates = findDuplicates(
    { key: 'report:new', ...event },
    candidates,
    options.duplicates,
  );
  const state: ReviewState = duplicates.length > 0 ? 'duplicate' : 'submitted';
  const key = `report:${event.sourceId}`;
  const review = {
    state,
    submittedBy: input.reportedBy,
    submittedAt: now,
    duplicateOf: duplicates[0]?.key ?? null,
    candidates: duplicates.map((d) => d.key),
  };
  const id = await audited(store, async (trx, record) => {
    const id = await insertEvent(trx, event, state, organisation);
    await insertFieldReport(trx, id, review);
    const matched = new Set(duplicates.map((d) => d.key));
    await auditRevealed(
      trx,
      principal,
      candidates.filter((c) => matched.has(c.key)),
      now,
    );
    record({
      at: now,
      actor: principal,
      action: 'create',
      itemType: 'field-report',
      itemId: key,
      detail: { country: event.countryId, tlp: event.sharing, organisation, state },
    });
    return id;
  });
  // The answer's status and alerts are the submitter's view: computed from what they may see.
  const refresh = await monitor.stored(
    event,
    monitor.rules.reportStates.includes(state),
    now.slice(0, 10),
    now,
    { organisation, reader: principal, change: { key, before: null } },
  );
  // The submitter knows what they wrote (RED included, whatever their role): no read back.
  const report: FieldReport = {
    ...review,
    event: { ...event, id, key, reviewState: state, organisationId: organisation },
    reviewedBy: null,
    reviewedAt: null,
    reviewNote: null,
  };
  return { report, duplicates, refresh };
}

/**
 * Records a review: `verified`, `rejected`, `duplicate` (of `duplicateOf`, a stored event)
 * or back to `submitted`; then refreshes the country, since the state decides whether the
 * report counts.
 */
export async function reviewReport(
  store: Store,
  principal: Principal,
  monitor: EscalationMonitor,
  key: string,
  r: { state: string; by: string; note?: string; duplicateOf?: string; now?: string },
): Promise<{ report: FieldReport; refresh: RefreshResult }> {
  const now = r.now ?? new Date().toISOString();
  if (!REVIEW_STATES.includes(r.state as ReviewState)) {
    throw new InputError(`unknown review state "${r.state}"`, {
      column: 'state',
      expected: REVIEW_STATES.join(', '),
    });
  }
  const id = key.startsWith('report:') ? key : `report:${key}`;
  const [report] = await listFieldReports(store.db, principal, { key: id });
  if (!report)
    throw new InputError(`no field report "${key}"`, {
      expected: 'a report id from `lens report list`',
    });
  const owned = { organisationId: report.event.organisationId, tlp: report.event.sharing };
  if (!canUpdate(principal, 'review-report', owned, await agreementsFor(store.db, principal)))
    throw new AccessDeniedError(
      `${describePrincipal(principal)} may not review field report "${key}"`,
    );
  let duplicateOf: string | null = null;
  if (r.state === 'duplicate') {
    duplicateOf = r.duplicateOf ?? report.duplicateOf;
    if (!duplicateOf)
      throw new InputError('a duplicate needs the event it repeats', {
        column: 'of',
        expected: '--of EVENT_KEY',
      });
    if (!(await eventsByKey(store.db, principal, [duplicateOf])).has(duplicateOf)) {
      throw new InputError(`no stored event "${duplicateOf}"`, {
        column: 'of',
        expected: 'the key of a stored event (source:id)',
      });
    }
  }
  await audited(store, async (trx, record) => {
    await updateReview(trx, report.event.id, {
      state: r.state as ReviewState,
      reviewedBy: r.by,
      reviewedAt: now,
      note: r.note ?? null,
      duplicateOf,
    });
    record({
      at: now,
      actor: principal,
      action: 'review',
      itemType: 'field-report',
      itemId: id,
      detail: { state: r.state, by: r.by, duplicateOf },
    });
  });
  // The reviewer's view; before the review, the report counted if its state was one the rules read.
  const before = monitor.rules.reportStates.includes(report.state)
    ? { ...factsOf(report.event), organisationId: report.event.organisationId }
    : null;
  const refresh = await monitor.refresh(report.event.countryId, now.slice(0, 10), now, {
    reader: principal,
    change: { key: id, before },
  });
  const [updated] = await listFieldReports(store.db, principal, { key: id });
  return { report: updated!, refresh };
}

/** Field reports `principal` may see, newest first; who reported them only where allowed. */
export function reports(
  store: Store,
  principal: Principal,
  q: { state?: ReviewState; countryId?: string } = {},
): Promise<FieldReport[]> {
  return listFieldReports(store.db, principal, q);
}

/** One field report by id (`report:UUID` or the UUID), if `principal` may see it. */
export async function report(
  store: Store,
  principal: Principal,
  key: string,
): Promise<FieldReport | undefined> {
  const id = key.startsWith('report:') ? key : `report:${key}`;
  return (await listFieldReports(store.db, principal, { key: id }))[0];
}

/** The report without who reported it, as every export shows it. */
export function withoutReporter(r: FieldReport): FieldReport {
  const provenance = { ...r.event.provenance };
  delete provenance.reportedBy;
  return { ...r, submittedBy: null, event: { ...r.event, provenance } };
}

/**
 * Field reports for export (files, other systems): as `reports`, but never RED ones and
 * never who reported them, whoever asks.
 */
export function exportReports(
  store: Store,
  principal: Principal,
  q: { state?: ReviewState; countryId?: string } = {},
): Promise<FieldReport[]> {
  return listFieldReports(store.db, principal, { ...q, purpose: 'export' });
}

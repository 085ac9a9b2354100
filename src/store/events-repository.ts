import type SQLite from 'better-sqlite3';
import { sql } from 'kysely';
import type { Expression, Kysely, Selectable, SqlBool, Transaction } from 'kysely';
import type { DuplicateCandidate } from '../core/escalation/duplicates.js';
import type { ReviewState } from '../core/escalation/rules.js';
import { CATEGORIES } from '../core/escalation/taxonomy.js';
import type { EventCategory } from '../core/escalation/taxonomy.js';
import type {
  Accountability,
  Actor,
  ActorType,
  DatePrecision,
  EscalationEvent,
  EventFacts,
  EventSource,
  Place,
  PlacePrecision,
  Reliability,
  Tlp,
} from '../core/escalation/types.js';
import {
  agreementsFor,
  auditReads,
  canSeeReporter,
  compareVisible,
  readVisible,
  visibleTo,
} from './access.js';
import type { Principal, PrivateItems, Purpose } from './access.js';
import type { Store } from './database.js';
import type { EventsTable, Schema } from './schema.js';

type Db = Kysely<Schema> | Transaction<Schema>;
type EventRowValues = Omit<Selectable<EventsTable>, 'id'>;

/**
 * An event with where it sits in the store: its row id, for field reports the review state,
 * and the organisation that owns it (null: public data, or entered without one).
 */
export interface StoredEvent extends EscalationEvent {
  id: number;
  key: string;
  reviewState: ReviewState | null;
  organisationId: string | null;
}

/**
 * The cells of an event's row, in `EVENT_COLUMNS` order (the one place this mapping lives,
 * with `rowToEvent`). Positional, because bulk imports write millions of them.
 */
export function eventValues(
  e: EscalationEvent,
  reviewState: ReviewState | null = null,
): EventCells {
  let a: EscalationEvent['actors'][number] | undefined;
  let b: EscalationEvent['actors'][number] | undefined;
  for (const x of e.actors) {
    if (x.side === 'a') a ??= x;
    else b ??= x;
  }
  const p = e.place;
  return [
    e.source,
    e.sourceId,
    e.countryId,
    e.date.start,
    e.date.end,
    e.date.precision,
    p.name ?? null,
    p.admin1 ?? null,
    p.admin2 ?? null,
    p.admin3 ?? null,
    p.latitude ?? null,
    p.longitude ?? null,
    p.precision,
    e.category,
    e.civilianTargeted ? 1 : 0,
    a?.type ?? null,
    a?.name ?? null,
    b?.type ?? null,
    actorsJson(e.actors),
    e.targetGroup ?? null,
    e.deaths?.best ?? null,
    e.deaths?.low ?? null,
    e.deaths?.high ?? null,
    e.accountability,
    e.relatesTo ?? null,
    sourcesJson(e.sources),
    e.reliability,
    e.sharing,
    reviewState,
    e.provenance.importId ?? null,
    e.provenance.line ?? null,
    e.provenance.release ?? null,
    e.provenance.reportedBy ?? null,
    e.provenance.recordedAt,
    e.notes ?? null,
  ];
}

/** The row of an event as an object, for single inserts. */
export function eventToRow(
  e: EscalationEvent,
  reviewState: ReviewState | null = null,
): EventRowValues {
  const cells = eventValues(e, reviewState);
  const row: Record<string, unknown> = {};
  EVENT_COLUMNS.forEach((c, i) => (row[c] = cells[i]));
  return row as unknown as EventRowValues;
}

// Hand-written JSON for the two small arrays every event carries: about three times faster
// than JSON.stringify on objects, which matters at a million events. Same output.
function actorsJson(actors: EscalationEvent['actors']): string {
  let s = '[';
  for (let i = 0; i < actors.length; i++) {
    const x = actors[i] as EscalationEvent['actors'][number];
    s += `${i ? ',' : ''}{"name":${JSON.stringify(x.name)},"type":"${x.type}","side":"${x.side}"`;
    if (x.group !== undefined) s += `,"group":${JSON.stringify(x.group)}`;
    s += '}';
  }
  return s + ']';
}

function sourcesJson(sources: EscalationEvent['sources']): string {
  let s = '[';
  for (let i = 0; i < sources.length; i++) {
    const x = sources[i] as EscalationEvent['sources'][number];
    s += `${i ? ',' : ''}{"name":${JSON.stringify(x.name)}`;
    if (x.url !== undefined) s += `,"url":${JSON.stringify(x.url)}`;
    if (x.date !== undefined) s += `,"date":${JSON.stringify(x.date)}`;
    s += '}';
  }
  return s + ']';
}

/** The event of a row. */
export function rowToEvent(r: Selectable<EventsTable>): StoredEvent {
  const e: StoredEvent = {
    id: Number(r.id),
    key: `${r.source}:${r.source_id}`,
    reviewState: r.review_state as ReviewState | null,
    organisationId: r.organisation,
    source: r.source as EventSource,
    sourceId: r.source_id,
    countryId: r.country_id,
    date: { start: r.date_start, end: r.date_end, precision: r.date_precision as DatePrecision },
    place: placeOf(r),
    actors: JSON.parse(r.actors) as EscalationEvent['actors'],
    category: r.category as EventCategory,
    civilianTargeted: Number(r.civilian_targeted) === 1,
    deaths:
      r.deaths_best === null
        ? null
        : {
            best: Number(r.deaths_best),
            low: Number(r.deaths_low ?? r.deaths_best),
            high: Number(r.deaths_high ?? r.deaths_best),
          },
    accountability: r.accountability as Accountability,
    sources: JSON.parse(r.sources) as EscalationEvent['sources'],
    reliability: r.reliability as Reliability,
    sharing: r.sharing as Tlp,
    provenance: { recordedAt: r.recorded_at },
  };
  if (r.admin3 !== null) e.place.admin3 = r.admin3;
  if (r.target_group !== null) e.targetGroup = r.target_group;
  if (r.relates_to !== null) e.relatesTo = r.relates_to;
  if (r.notes !== null) e.notes = r.notes;
  if (r.import_id !== null) e.provenance.importId = Number(r.import_id);
  if (r.line !== null) e.provenance.line = Number(r.line);
  if (r.release !== null) e.provenance.release = r.release;
  if (r.reported_by !== null) e.provenance.reportedBy = r.reported_by;
  return e;
}

/** The place of an events row (without its third admin level, which few sources give). */
function placeOf(
  r: Pick<
    Selectable<EventsTable>,
    'place_precision' | 'place_name' | 'admin1' | 'admin2' | 'latitude' | 'longitude'
  >,
): Place {
  const place: Place = { precision: r.place_precision as PlacePrecision };
  if (r.place_name !== null) place.name = r.place_name;
  if (r.admin1 !== null) place.admin1 = r.admin1;
  if (r.admin2 !== null) place.admin2 = r.admin2;
  if (r.latitude !== null && r.longitude !== null) {
    place.latitude = Number(r.latitude);
    place.longitude = Number(r.longitude);
  }
  return place;
}

/** The columns of the events table an insert writes, in the order of `eventValues`. */
export const EVENT_COLUMNS = [
  'source',
  'source_id',
  'country_id',
  'date_start',
  'date_end',
  'date_precision',
  'place_name',
  'admin1',
  'admin2',
  'admin3',
  'latitude',
  'longitude',
  'place_precision',
  'category',
  'civilian_targeted',
  'actor1_type',
  'actor1_name',
  'actor2_type',
  'actors',
  'target_group',
  'deaths_best',
  'deaths_low',
  'deaths_high',
  'accountability',
  'relates_to',
  'sources',
  'reliability',
  'sharing',
  'review_state',
  'import_id',
  'line',
  'release',
  'reported_by',
  'recorded_at',
  'notes',
] as const satisfies readonly (keyof EventRowValues)[];

/** The cells of one event row, in `EVENT_COLUMNS` order. */
export type EventCells = unknown[];

/** PostgreSQL array type of each column, for `unnest`. */
const PG_TYPES: Record<(typeof EVENT_COLUMNS)[number], string> = {
  source: 'text',
  source_id: 'text',
  country_id: 'text',
  date_start: 'text',
  date_end: 'text',
  date_precision: 'text',
  place_name: 'text',
  admin1: 'text',
  admin2: 'text',
  admin3: 'text',
  latitude: 'double precision',
  longitude: 'double precision',
  place_precision: 'text',
  category: 'text',
  civilian_targeted: 'integer',
  actor1_type: 'text',
  actor1_name: 'text',
  actor2_type: 'text',
  actors: 'text',
  target_group: 'text',
  deaths_best: 'integer',
  deaths_low: 'integer',
  deaths_high: 'integer',
  accountability: 'text',
  relates_to: 'text',
  sources: 'text',
  reliability: 'text',
  sharing: 'text',
  review_state: 'text',
  import_id: 'integer',
  line: 'integer',
  release: 'text',
  reported_by: 'text',
  recorded_at: 'text',
  notes: 'text',
};

// The natural key decides: a second copy of an event (the same file re-run after a crash,
// or a later release) replaces the stored one instead of adding a duplicate.
const UPSERT = `on conflict (source, source_id) do update set ${EVENT_COLUMNS.filter(
  (c) => c !== 'source' && c !== 'source_id',
)
  .map((c) => `${c} = excluded.${c}`)
  .join(', ')}`;

const statements = new WeakMap<object, SQLite.Statement<unknown[]>>();

/**
 * Writes events (rows of `eventValues`) inside the caller's transaction `trx`, replacing
 * stored events with the same `(source, sourceId)`. The one place the engines differ for
 * speed (as `bulk.ts`): SQLite runs one prepared statement per row on the raw handle, with a
 * larger page cache while it does; PostgreSQL sends batches of 5,000 rows as one
 * `INSERT … SELECT FROM unnest(arrays)`.
 */
export async function insertEvents(
  store: Store,
  trx: Db,
  rows: readonly EventCells[],
): Promise<void> {
  if (rows.length === 0) return;
  if (store.sqlite) {
    let insert = statements.get(store.sqlite);
    if (!insert) {
      insert = store.sqlite.prepare<unknown[]>(
        `insert into events (${EVENT_COLUMNS.join(', ')}) values (${EVENT_COLUMNS.map(() => '?').join(', ')}) ${UPSERT}`,
      );
      statements.set(store.sqlite, insert);
      // The indexes of a large table outgrow SQLite's default 2 MB page cache: 64 MB keeps
      // their hot pages in memory (the setting lasts for this connection only).
      store.sqlite.pragma('cache_size = -65536');
    }
    for (const row of rows) insert.run(row);
    return;
  }
  const chunk = 5000;
  for (let start = 0; start < rows.length; start += chunk) {
    const part = rows.slice(start, start + chunk);
    const arrays = EVENT_COLUMNS.map(
      (c, i) => sql`${part.map((r) => r[i])}::${sql.raw(PG_TYPES[c])}[]`,
    );
    await sql`insert into events (${sql.raw(EVENT_COLUMNS.join(', '))})
      select * from unnest(${sql.join(arrays)}) ${sql.raw(UPSERT)}`.execute(trx);
  }
}

/** Inserts one event (a field report) owned by `organisation` and returns its row id. */
export async function insertEvent(
  trx: Db,
  e: EscalationEvent,
  reviewState: ReviewState | null = null,
  organisation: string | null = null,
): Promise<number> {
  const row = await trx
    .insertInto('events')
    .values({ ...eventToRow(e, reviewState), organisation })
    .returning('id')
    .executeTakeFirstOrThrow();
  return Number(row.id);
}

/** The number of events stored, optionally of one source. */
export async function countEvents(db: Db, source?: string): Promise<number> {
  let q = db.selectFrom('events').select((eb) => eb.fn.countAll<number>().as('n'));
  if (source !== undefined) q = q.where('source', '=', source);
  return Number((await q.executeTakeFirstOrThrow()).n);
}

/** Which events the rules read: imported ones, and field reports in these review states. */
export interface FactsQuery {
  countryId?: string;
  /** Several countries at once (all the registry knows, for whole-world statuses). */
  countryIds?: readonly string[];
  /** Events ending on or before this date (ISO); default unbounded. */
  to?: string;
  /** Events ending on or after this date (ISO), for every category; default unbounded. */
  from?: string;
  /**
   * Instead of `from`: per group of categories, the earliest end date that matters. Events
   * of other categories are not loaded. One index range scan per group.
   */
  windows?: readonly { categories: readonly string[]; from: string }[];
  reportStates: readonly ReviewState[];
  /**
   * Only events a reader may see: a condition on the events table's `organisation` and
   * `sharing` columns (from `visibleTo`). Absent: every event (the system's own view, which
   * raises alerts).
   */
  visible?: Expression<SqlBool>;
}

const FACT_COLUMNS = [
  'source',
  'source_id',
  'country_id',
  'date_start',
  'date_end',
  'category',
  'civilian_targeted',
  'deaths_best',
  'accountability',
  'actor1_type',
  'actor1_name',
  'actor2_type',
  'target_group',
  'relates_to',
  'reliability',
  'sharing',
  'organisation',
] as const;

/**
 * The facts of an event with the organisation that owns it (null: public data, or none):
 * what the monitor needs to give each reader the status computed from what they may see.
 */
export interface OwnedFacts extends EventFacts {
  organisationId: string | null;
}

/**
 * The facts the engine reads, for one country or all, in no particular order, inside `db`
 * (the store's connection or a transaction on it). On SQLite the query Kysely compiles runs
 * on the raw handle in array mode (the same connection, so also inside a transaction):
 * whole-world statuses read tens of thousands of rows, and row objects cost a third of it.
 */
export async function loadFacts(store: Store, db: Db, q: FactsQuery): Promise<OwnedFacts[]> {
  const part = (categories: readonly string[] | undefined, from: string | undefined) => {
    let query = db
      .selectFrom('events')
      .select(FACT_COLUMNS)
      .where((eb) =>
        q.reportStates.length
          ? eb.or([eb('review_state', 'is', null), eb('review_state', 'in', [...q.reportStates])])
          : eb('review_state', 'is', null),
      );
    if (q.countryId !== undefined) query = query.where('country_id', '=', q.countryId);
    if (q.countryIds !== undefined)
      query = query.where('country_id', 'in', q.countryIds.length ? [...q.countryIds] : ['']);
    if (categories !== undefined)
      query = query.where('category', 'in', categories.length ? [...categories] : ['']);
    if (from !== undefined) query = query.where('date_end', '>=', from);
    if (q.to !== undefined) query = query.where('date_end', '<=', q.to);
    if (q.visible !== undefined) query = query.where(q.visible);
    return query;
  };
  let query;
  if (q.windows && q.windows.length > 0) {
    const [first, ...rest] = q.windows.map((w) => part(w.categories, w.from));
    query = first!;
    for (const other of rest) query = query.unionAll(other);
  } else query = part(undefined, q.from);
  const rows = store.sqlite
    ? await readArrays(store.sqlite, db, query)
    : (await query.execute()).map((r) => FACT_COLUMNS.map((c) => r[c]));
  const out: OwnedFacts[] = new Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i] as unknown[];
    out[i] = {
      key: `${r[0] as string}:${r[1] as string}`,
      countryId: r[2] as string,
      dateStart: r[3] as string,
      dateEnd: r[4] as string,
      category: r[5] as EventCategory,
      civilianTargeted: Number(r[6]) === 1,
      deathsBest: r[7] === null ? null : Number(r[7]),
      accountability: r[8] as Accountability,
      actor1Type: r[9] as ActorType | null,
      actor1Name: r[10] as string | null,
      actor2Type: r[11] as ActorType | null,
      targetGroup: r[12] as string | null,
      relatesTo: r[13] as string | null,
      reliability: r[14] as Reliability,
      sharing: r[15] as Tlp,
      organisationId: r[16] as string | null,
    };
  }
  return out;
}

/**
 * Runs a select on SQLite's raw handle in array mode (rows as arrays in the order of the
 * select list: half the cost of objects on large reads). Outside a transaction it holds the
 * connection as Kysely would, so the read never sees another task's uncommitted writes on
 * this connection.
 */
async function readArrays(
  sqlite: SQLite.Database,
  db: Db,
  query: { compile(): { sql: string; parameters: readonly unknown[] } },
): Promise<unknown[][]> {
  const compiled = query.compile();
  const read = () => rawStatement(sqlite, compiled.sql).all(...compiled.parameters) as unknown[][];
  return db.isTransaction ? read() : await db.connection().execute(async () => read());
}

const rawStatements = new WeakMap<object, Map<string, SQLite.Statement<unknown[]>>>();

/** A prepared statement in array mode, kept per connection and SQL text (at most 200). */
function rawStatement(sqlite: SQLite.Database, text: string): SQLite.Statement<unknown[]> {
  let cache = rawStatements.get(sqlite);
  if (!cache) {
    cache = new Map();
    rawStatements.set(sqlite, cache);
  }
  let stmt = cache.get(text);
  if (!stmt) {
    if (cache.size >= 200) cache.clear();
    stmt = sqlite.prepare<unknown[]>(text).raw(true);
    cache.set(text, stmt);
  }
  return stmt;
}

/** The columns of an events row that say what it is and who may see it. */
type EventOwnership = Pick<EventsTable, 'source' | 'source_id' | 'organisation' | 'sharing'>;

/** How `readVisible` sees an events row (`table`: its name or alias in the query). */
function eventItems(table: string, itemType = 'event'): PrivateItems<EventOwnership> {
  return {
    itemType,
    columns: { organisation: `${table}.organisation`, tlp: `${table}.sharing` },
    describe: (r) => ({
      id: `${r.source}:${r.source_id}`,
      organisationId: r.organisation,
      tlp: r.sharing as Tlp,
    }),
  };
}

/**
 * Full events `p` may see of a country whose dates overlap [from, to] (ISO, inclusive),
 * oldest first. Reporter identity is stripped where `p` may not see it.
 */
export async function listEvents(
  db: Db,
  p: Principal,
  q: { countryId?: string; from?: string; to?: string; source?: string; limit?: number },
): Promise<StoredEvent[]> {
  const rows = await readVisible(db, p, eventItems('events'), (visible) => {
    let query = db.selectFrom('events').selectAll().where(visible);
    if (q.countryId !== undefined) query = query.where('country_id', '=', q.countryId);
    if (q.from !== undefined) query = query.where('date_end', '>=', q.from);
    if (q.to !== undefined) query = query.where('date_start', '<=', q.to);
    if (q.source !== undefined) query = query.where('source', '=', q.source);
    query = query.orderBy('date_end').orderBy('id');
    if (q.limit !== undefined) query = query.limit(q.limit);
    return query.execute();
  });
  return withoutHiddenLinks(
    db,
    p,
    rows.map((r) => withoutHiddenReporter(rowToEvent(r), p, 'read')),
  );
}

/**
 * Drops each event's `relatesTo` where it names an event `p` may not see (for `purpose`), as
 * for a report's duplicates: a link never reveals that another organisation's report exists.
 */
async function withoutHiddenLinks<T extends StoredEvent>(
  db: Db,
  p: Principal,
  events: T[],
  purpose: Purpose = 'read',
): Promise<T[]> {
  const linked = events.flatMap((e) => (e.relatesTo === undefined ? [] : [e.relatesTo]));
  if (linked.length === 0) return events;
  const seen = await visibleKeys(db, p, linked, purpose);
  for (const e of events)
    if (e.relatesTo !== undefined && !seen.has(e.relatesTo)) delete e.relatesTo;
  return events;
}

/** What duplicate detection reads of a stored event (`DuplicateCandidate`), and its owner. */
export interface StoredCandidate extends DuplicateCandidate {
  organisationId: string | null;
  sharing: Tlp;
}

/** The columns duplicate detection reads, in the order of the SQLite path's arrays. */
const CANDIDATE_COLUMNS = [
  'source',
  'source_id',
  'organisation',
  'sharing',
  'date_start',
  'date_end',
  'date_precision',
  'place_name',
  'admin1',
  'admin2',
  'latitude',
  'longitude',
  'place_precision',
  'actors',
] as const;

type CandidateRow = Pick<Selectable<EventsTable>, (typeof CANDIDATE_COLUMNS)[number]>;

/**
 * Events `p` may see of a country whose dates overlap [from, to] (ISO, inclusive), as
 * duplicate detection compares them: key, dates, place and actors only, without rejected
 * reports and reports already marked duplicates. The actors are parsed only when read (most
 * candidates fail on place first). Every category is named so that the (country, category,
 * date) index serves the date range on both engines instead of a scan of the country; on
 * SQLite rows come as arrays (half the cost of objects: a busy day has hundreds).
 * Compared, not shown: the caller audits the ones it reveals (`auditRevealed`).
 */
export async function duplicateCandidates(
  store: Store,
  db: Db,
  p: Principal,
  q: { countryId: string; from: string; to: string },
): Promise<StoredCandidate[]> {
  const rows = await compareVisible(db, p, eventItems('events'), async (visible) => {
    const query = db
      .selectFrom('events')
      .select(CANDIDATE_COLUMNS)
      .where(visible)
      .where('country_id', '=', q.countryId)
      .where('category', 'in', CATEGORY_CODES)
      .where('date_end', '>=', q.from)
      .where('date_start', '<=', q.to)
      .where((eb) =>
        eb.or([
          eb('review_state', 'is', null),
          eb('review_state', 'not in', ['rejected', 'duplicate']),
        ]),
      );
    if (!store.sqlite) return query.execute();
    return (await readArrays(store.sqlite, db, query)).map((r): CandidateRow => ({
      source: r[0] as string,
      source_id: r[1] as string,
      organisation: r[2] as string | null,
      sharing: r[3] as string,
      date_start: r[4] as string,
      date_end: r[5] as string,
      date_precision: r[6] as string,
      place_name: r[7] as string | null,
      admin1: r[8] as string | null,
      admin2: r[9] as string | null,
      latitude: r[10] as number | null,
      longitude: r[11] as number | null,
      place_precision: r[12] as string,
      actors: r[13] as string,
    }));
  });
  return rows.map((r) => {
    const place = placeOf(r);
    let actors: Actor[] | undefined;
    return {
      key: `${r.source}:${r.source_id}`,
      countryId: q.countryId,
      date: { start: r.date_start, end: r.date_end, precision: r.date_precision as DatePrecision },
      place,
      get actors(): Actor[] {
        return (actors ??= JSON.parse(r.actors) as Actor[]);
      },
      organisationId: r.organisation,
      sharing: r.sharing as Tlp,
    };
  });
}

const CATEGORY_CODES: readonly EventCategory[] = CATEGORIES.map((c) => c.code);

/** Audits the read of the candidates a duplicate check revealed to `p` (its matches). */
export async function auditRevealed(
  db: Db,
  p: Principal,
  revealed: readonly StoredCandidate[],
  at: string,
): Promise<void> {
  await auditReads(
    db,
    p,
    eventItems('events'),
    revealed.map((c) => {
      const colon = c.key.indexOf(':');
      return {
        source: c.key.slice(0, colon),
        source_id: c.key.slice(colon + 1),
        organisation: c.organisationId,
        sharing: c.sharing,
      };
    }),
    { at },
  );
}

/** The event without its reporter when `p` may not see who reported it. */
function withoutHiddenReporter(e: StoredEvent, p: Principal, purpose: Purpose): StoredEvent {
  if (e.provenance.reportedBy === undefined || canSeeReporter(p, e.organisationId, purpose))
    return e;
  const provenance = { ...e.provenance };
  delete provenance.reportedBy;
  return { ...e, provenance };
}

/** Events `p` may see, by key (`source:sourceId`); keys not stored or not visible are absent. */
export async function eventsByKey(
  db: Db,
  p: Principal,
  keys: readonly string[],
): Promise<Map<string, StoredEvent>> {
  const out = new Map<string, StoredEvent>();
  for (let i = 0; i < keys.length; i += 500) {
    const part = keys.slice(i, i + 500).map((k) => {
      const colon = k.indexOf(':');
      return [k.slice(0, colon), k.slice(colon + 1)] as const;
    });
    if (part.length === 0) continue;
    const rows = await readVisible(db, p, eventItems('events'), (visible) =>
      db
        .selectFrom('events')
        .selectAll()
        .where(visible)
        .where((eb) =>
          eb.or(part.map(([s, id]) => eb.and([eb('source', '=', s), eb('source_id', '=', id)]))),
        )
        .execute(),
    );
    const events = await withoutHiddenLinks(
      db,
      p,
      rows.map((r) => withoutHiddenReporter(rowToEvent(r), p, 'read')),
    );
    for (const e of events) out.set(`${e.source}:${e.sourceId}`, e);
  }
  return out;
}

/**
 * The owner of the evidence that sets a derived item's level: the organisation of the first
 * of `keys` whose event is at `tlp` and has one (null when none has). Read by the monitor,
 * which sees every event, to give alerts an owner.
 */
export async function ownerOfEvidence(
  db: Db,
  keys: readonly string[],
  tlp: Tlp,
): Promise<string | null> {
  for (let i = 0; i < keys.length; i += 500) {
    const part = keys.slice(i, i + 500).map((k) => {
      const colon = k.indexOf(':');
      return [k.slice(0, colon), k.slice(colon + 1)] as const;
    });
    const rows = await db
      .selectFrom('events')
      .select(['source', 'source_id', 'organisation'])
      .where('sharing', '=', tlp)
      .where('organisation', 'is not', null)
      .where((eb) =>
        eb.or(part.map(([s, id]) => eb.and([eb('source', '=', s), eb('source_id', '=', id)]))),
      )
      .execute();
    const owners = new Map(rows.map((r) => [`${r.source}:${r.source_id}`, r.organisation]));
    for (const k of keys.slice(i, i + 500)) {
      const owner = owners.get(k);
      if (owner) return owner;
    }
  }
  return null;
}

/** Earliest and latest event end dates and the number of countries with events. */
export async function eventCoverage(
  db: Db,
): Promise<{ from: string | null; to: string | null; countries: number; events: number }> {
  const r = await db
    .selectFrom('events')
    .select((eb) => [
      eb.fn.min<string>('date_end').as('from'),
      eb.fn.max<string>('date_end').as('to'),
      eb.fn.count<number>('country_id').distinct().as('countries'),
      eb.fn.countAll<number>().as('events'),
    ])
    .executeTakeFirstOrThrow();
  return {
    from: r.from ?? null,
    to: r.to ?? null,
    countries: Number(r.countries),
    events: Number(r.events),
  };
}

/**
 * A fingerprint of what a country's escalation answers read besides the data version: its
 * events (how many, the newest id), the reviews of its field reports, the event imports and
 * the sharing agreements (which decide who sees what). It changes with each of those, from
 * whichever process wrote them, so answers can be cached until it does.
 */
export async function escalationInputs(db: Db, countryId: string): Promise<string> {
  const reports = () =>
    db
      .selectFrom('field_reports as f')
      .innerJoin('events as e', 'e.id', 'f.event_id')
      .where('e.country_id', '=', countryId);
  const row = await db
    .selectNoFrom((eb) => [
      eb
        .selectFrom('events')
        .select((e) => e.fn.countAll<number>().as('n'))
        .where('country_id', '=', countryId)
        .as('events'),
      eb
        .selectFrom('events')
        .select((e) => e.fn.max('id').as('m'))
        .where('country_id', '=', countryId)
        .as('last_event'),
      reports()
        .select((e) => e.fn.count('f.reviewed_at').as('n'))
        .as('reviews'),
      reports()
        .select((e) => e.fn.max('f.reviewed_at').as('m'))
        .as('last_review'),
      eb
        .selectFrom('event_imports')
        .select((e) => e.fn.max('id').as('m'))
        .as('last_import'),
      eb
        .selectFrom('sharing_agreements')
        .select((e) => e.fn.max('id').as('m'))
        .as('last_agreement'),
      eb
        .selectFrom('sharing_agreements')
        .select((e) => e.fn.count('withdrawn_at').as('n'))
        .as('withdrawn_agreements'),
    ])
    .executeTakeFirstOrThrow();
  return Object.values(row)
    .map((v) => String(v ?? '-'))
    .join(':');
}

/** Ids of the countries with at least one event. */
export async function countriesWithEvents(db: Db): Promise<string[]> {
  const rows = await db
    .selectFrom('events')
    .select('country_id')
    .distinct()
    .orderBy('country_id')
    .execute();
  return rows.map((r) => r.country_id);
}

/** One event import, as recorded. */
export interface EventImport {
  id: number;
  kind: string;
  fileName: string;
  address: string;
  contentHash: string;
  rows: number;
  stored: number;
  newEvents: number;
  unmatched: number;
  skipped: number;
  importedAt: string;
}

/** The import of `kind` with this content hash, if this file was imported before. */
export async function findEventImport(
  db: Db,
  kind: string,
  contentHash: string,
): Promise<EventImport | undefined> {
  const r = await db
    .selectFrom('event_imports')
    .selectAll()
    .where('kind', '=', kind)
    .where('content_hash', '=', contentHash)
    .executeTakeFirst();
  return r
    ? {
        id: Number(r.id),
        kind: r.kind,
        fileName: r.file_name,
        address: r.address,
        contentHash: r.content_hash,
        rows: Number(r.rows),
        stored: Number(r.stored),
        newEvents: Number(r.new_events),
        unmatched: Number(r.unmatched),
        skipped: Number(r.skipped),
        importedAt: r.imported_at,
      }
    : undefined;
}

/** Records an import (counts written later by `finishEventImport`); returns its id. */
export async function insertEventImport(trx: Db, i: Omit<EventImport, 'id'>): Promise<number> {
  const r = await trx
    .insertInto('event_imports')
    .values({
      kind: i.kind,
      file_name: i.fileName,
      address: i.address,
      content_hash: i.contentHash,
      rows: i.rows,
      stored: i.stored,
      new_events: i.newEvents,
      unmatched: i.unmatched,
      skipped: i.skipped,
      imported_at: i.importedAt,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return Number(r.id);
}

/** Writes the final counts of an import. */
export async function finishEventImport(
  trx: Db,
  id: number,
  counts: { rows: number; stored: number; newEvents: number; unmatched: number; skipped: number },
): Promise<void> {
  await trx
    .updateTable('event_imports')
    .set({
      rows: counts.rows,
      stored: counts.stored,
      new_events: counts.newEvents,
      unmatched: counts.unmatched,
      skipped: counts.skipped,
    })
    .where('id', '=', id)
    .execute();
}

/** An event row no country was found for. */
export interface EventUnmatched {
  line: number;
  label: string;
  keys: string;
  reason: string;
  nonCountry: boolean;
}

/** Stores the unmatched rows of an import. */
export async function insertEventUnmatched(
  trx: Db,
  importId: number,
  rows: readonly EventUnmatched[],
): Promise<void> {
  for (let i = 0; i < rows.length; i += 500) {
    await trx
      .insertInto('event_import_unmatched')
      .values(
        rows.slice(i, i + 500).map((r) => ({
          import_id: importId,
          line: r.line,
          label: r.label,
          keys: r.keys,
          reason: r.reason,
          non_country: r.nonCountry ? 1 : 0,
        })),
      )
      .execute();
  }
}

/**
 * A field report: the event it describes and its review. Times ISO. `submittedBy` (and the
 * event's `provenance.reportedBy`) are null (absent) where the reader may not see who
 * reported it.
 */
export interface FieldReport {
  event: StoredEvent;
  state: ReviewState;
  submittedBy: string | null;
  submittedAt: string;
  reviewedBy: string | null;
  reviewedAt: string | null;
  reviewNote: string | null;
  duplicateOf: string | null;
  /** Keys of the likely duplicates found at submission. */
  candidates: string[];
}

/** Records the review of a newly inserted report event. */
export async function insertFieldReport(
  trx: Db,
  eventId: number,
  r: {
    state: ReviewState;
    submittedBy: string;
    submittedAt: string;
    duplicateOf: string | null;
    candidates: string[];
  },
): Promise<void> {
  await trx
    .insertInto('field_reports')
    .values({
      event_id: eventId,
      state: r.state,
      submitted_by: r.submittedBy,
      submitted_at: r.submittedAt,
      reviewed_by: null,
      reviewed_at: null,
      review_note: null,
      duplicate_of: r.duplicateOf,
      candidates: JSON.stringify(r.candidates),
    })
    .execute();
}

/** Sets a report's review state (and the event row's copy the rules filter on). */
export async function updateReview(
  trx: Db,
  eventId: number,
  r: {
    state: ReviewState;
    reviewedBy: string;
    reviewedAt: string;
    note: string | null;
    duplicateOf: string | null;
  },
): Promise<void> {
  await trx
    .updateTable('field_reports')
    .set({
      state: r.state,
      reviewed_by: r.reviewedBy,
      reviewed_at: r.reviewedAt,
      review_note: r.note,
      duplicate_of: r.duplicateOf,
    })
    .where('event_id', '=', eventId)
    .execute();
  await trx
    .updateTable('events')
    .set({ review_state: r.state })
    .where('id', '=', eventId)
    .execute();
}

/**
 * Field reports `p` may see, newest first, optionally in one state or about one country, or
 * the one with `key`. With `purpose` `export`: no RED reports, and never who reported them.
 */
export async function listFieldReports(
  db: Db,
  p: Principal,
  q: { state?: ReviewState; countryId?: string; key?: string; purpose?: Purpose } = {},
): Promise<FieldReport[]> {
  const purpose = q.purpose ?? 'read';
  const rows = await readVisible(
    db,
    p,
    eventItems('e', 'field-report'),
    (visible) => {
      let query = db
        .selectFrom('field_reports as f')
        .innerJoin('events as e', 'e.id', 'f.event_id')
        .selectAll('e')
        .select([
          'f.state',
          'f.submitted_by',
          'f.submitted_at',
          'f.reviewed_by',
          'f.reviewed_at',
          'f.review_note',
          'f.duplicate_of',
          'f.candidates',
        ])
        .where(visible);
      if (q.state !== undefined) query = query.where('f.state', '=', q.state);
      if (q.countryId !== undefined) query = query.where('e.country_id', '=', q.countryId);
      if (q.key !== undefined) {
        const colon = q.key.indexOf(':');
        query = query
          .where('e.source', '=', q.key.slice(0, colon))
          .where('e.source_id', '=', q.key.slice(colon + 1));
      }
      return query.orderBy('f.submitted_at', 'desc').orderBy('e.id', 'desc').execute();
    },
    { purpose },
  );
  const candidates = rows.map((r) => JSON.parse(r.candidates) as string[]);
  // A report names the events it repeats: only those the reader may see, so that a name
  // never reveals that another organisation's report exists.
  const named = await visibleKeys(
    db,
    p,
    [
      ...rows.flatMap((r) => (r.duplicate_of === null ? [] : [r.duplicate_of])),
      ...candidates.flat(),
    ],
    purpose,
  );
  const events = await withoutHiddenLinks(
    db,
    p,
    rows.map((r) => withoutHiddenReporter(rowToEvent(r), p, purpose)),
    purpose,
  );
  return rows.map((r, i) => {
    const event = events[i]!;
    return {
      event,
      state: r.state as ReviewState,
      submittedBy: canSeeReporter(p, event.organisationId, purpose) ? r.submitted_by : null,
      submittedAt: r.submitted_at,
      reviewedBy: r.reviewed_by,
      reviewedAt: r.reviewed_at,
      reviewNote: r.review_note,
      duplicateOf: r.duplicate_of !== null && named.has(r.duplicate_of) ? r.duplicate_of : null,
      candidates: candidates[i]!.filter((k) => named.has(k)),
    };
  });
}

/**
 * Which of `keys` (`source:sourceId`) name stored events `p` may see (for `purpose`).
 * Only compared, not shown: nothing is audited (a key names an event without showing it).
 */
export async function visibleKeys(
  db: Db,
  p: Principal,
  keys: readonly string[],
  purpose: Purpose = 'read',
): Promise<Set<string>> {
  const unique = [...new Set(keys)];
  if (p.kind === 'system' && purpose === 'read') return new Set(unique);
  const out = new Set<string>();
  for (let i = 0; i < unique.length; i += 500) {
    const part = unique.slice(i, i + 500).map((k) => {
      const colon = k.indexOf(':');
      return [k.slice(0, colon), k.slice(colon + 1)] as const;
    });
    const rows = await compareVisible(
      db,
      p,
      eventItems('events'),
      (visible) =>
        db
          .selectFrom('events')
          .select(['source', 'source_id', 'organisation', 'sharing'])
          .where(visible)
          .where((eb) =>
            eb.or(part.map(([s, id]) => eb.and([eb('source', '=', s), eb('source_id', '=', id)]))),
          )
          .execute(),
      purpose,
    );
    for (const r of rows) out.add(`${r.source}:${r.source_id}`);
  }
  return out;
}

/**
 * The `FactsQuery.visible` condition for a reader: undefined for the system (every event),
 * else the sharing rule on the events' owner and level.
 */
export async function factsVisibleTo(
  db: Db,
  p: Principal,
): Promise<Expression<SqlBool> | undefined> {
  if (p.kind === 'system') return undefined;
  return visibleTo(p, await agreementsFor(db, p), {
    organisation: 'events.organisation',
    tlp: 'events.sharing',
  });
}

import type { EventCategory } from './taxonomy.js';

/**
 * The event model of the escalation monitor: one thing that happened in one country on one
 * day or period, as an event dataset (UCDP GED, ACLED, GDELT), a historical marker (a coup
 * year, a war year) or a field report describes it.
 */

/**
 * How exactly the date is known. `day`: that day; `days`: within a span of 2–6 days;
 * `week`: the week; `month`: the month; `year`: only the year (historical markers).
 */
export type DatePrecision = 'day' | 'days' | 'week' | 'month' | 'year';

/** Every date precision, most exact first. */
export const DATE_PRECISIONS: readonly DatePrecision[] = ['day', 'days', 'week', 'month', 'year'];

/**
 * When it happened: ISO dates `YYYY-MM-DD`, `start` ≤ `end` (equal for a known day). The
 * engine counts an event from its `end`, the first day it is certain to have happened.
 */
export interface EventDate {
  start: string;
  end: string;
  precision: DatePrecision;
}

/**
 * How exactly the place is known: `exact` (the location itself), `near` (within about 25 km),
 * `admin2` (second-order area, e.g. district), `admin1` (province), `region` (a named part of
 * the country larger than a province), `country` (only the country), `unknown`.
 */
export type PlacePrecision =
  'exact' | 'near' | 'admin2' | 'admin1' | 'region' | 'country' | 'unknown';

/** Every place precision, most exact first. */
export const PLACE_PRECISIONS: readonly PlacePrecision[] = [
  'exact',
  'near',
  'admin2',
  'admin1',
  'region',
  'country',
  'unknown',
];

/**
 * Where it happened. Coordinates are WGS 84 decimal degrees (latitude in [-90, 90],
 * longitude in [-180, 180]); absent when unknown. Admin areas are names as the source writes
 * them.
 */
export interface Place {
  name?: string;
  admin1?: string;
  admin2?: string;
  admin3?: string;
  latitude?: number;
  longitude?: number;
  precision: PlacePrecision;
}

/**
 * Who took part, in the categories the field uses (ACLED's interaction codes 1–8):
 * `state-forces` (military, police, other state agents), `rebels` (organised armed groups
 * fighting the state), `political-militia`, `identity-militia` (armed groups of an ethnic,
 * religious or communal identity), `rioters`, `protesters`, `civilians`, `external` (forces
 * of another state, international forces, private security from abroad), and `unknown`
 * when the source does not say.
 */
export type ActorType =
  | 'state-forces'
  | 'rebels'
  | 'political-militia'
  | 'identity-militia'
  | 'rioters'
  | 'protesters'
  | 'civilians'
  | 'external'
  | 'unknown';

/** Every actor type. */
export const ACTOR_TYPES: readonly ActorType[] = [
  'state-forces',
  'rebels',
  'political-militia',
  'identity-militia',
  'rioters',
  'protesters',
  'civilians',
  'external',
  'unknown',
];

/**
 * One participant. `side` `a` is the initiator or perpetrator (GED side A, ACLED actor 1,
 * GDELT actor 1), `b` the other side or the target. `group` is the communal identity the
 * actor belongs to when the source names one (an ethnic or religious group).
 */
export interface Actor {
  name: string;
  type: ActorType;
  side: 'a' | 'b';
  group?: string;
}

/**
 * What is known of accountability for the act: `arrests` (perpetrators arrested),
 * `prosecutions` (charged or tried), `none-known` (a source says no one was arrested or
 * prosecuted: a field report, an analyst), `unknown` (nothing is known either way:
 * imported datasets do not code accountability, so their events carry this value). Only
 * `none-known` is evidence of impunity.
 */
export type Accountability = 'arrests' | 'prosecutions' | 'none-known' | 'unknown';

/** Every accountability value. */
export const ACCOUNTABILITIES: readonly Accountability[] = [
  'arrests',
  'prosecutions',
  'none-known',
  'unknown',
];

/**
 * How far the event can be trusted, from its sources: `high` (several independent or
 * curated sources, clear event), `medium` (one good source, or some doubt about the facts),
 * `low` (machine-coded news, an unverified report), `unknown`.
 */
export type Reliability = 'high' | 'medium' | 'low' | 'unknown';

/** Every reliability level, most trusted first. */
export const RELIABILITIES: readonly Reliability[] = ['high', 'medium', 'low', 'unknown'];

/**
 * Sharing level of an item (Traffic Light Protocol 2.0): who may see it. Public datasets
 * are `CLEAR`; field reports and what is derived from them may be more restricted.
 */
export type Tlp = 'CLEAR' | 'GREEN' | 'AMBER' | 'AMBER+STRICT' | 'RED';

/** Every TLP level, least restricted first (the order used to take the strictest). */
export const TLP_LEVELS: readonly Tlp[] = ['CLEAR', 'GREEN', 'AMBER', 'AMBER+STRICT', 'RED'];

/** The stricter of two sharing levels. */
export function stricterTlp(a: Tlp, b: Tlp): Tlp {
  return TLP_LEVELS.indexOf(a) >= TLP_LEVELS.indexOf(b) ? a : b;
}

/** One source behind an event: a news outlet, an organisation, a person, as named. */
export interface SourceRef {
  name: string;
  url?: string;
  /** Publication date of the source item, `YYYY-MM-DD`, when known. */
  date?: string;
}

/** Deaths attributed to the event: best estimate with its low and high bounds (≥ 0). */
export interface Deaths {
  best: number;
  low: number;
  high: number;
}

/**
 * Where an event comes from: `ucdp-ged`, `ucdp-deco` (UCDP deadly electoral conflict),
 * `acled`, `gdelt` (imported datasets), `report` (field reports entered in the system),
 * `marker` (historical crisis markers derived from the structural data in the store).
 */
export type EventSource = 'ucdp-ged' | 'ucdp-deco' | 'acled' | 'gdelt' | 'report' | 'marker';

/** Every event source. */
export const EVENT_SOURCES: readonly EventSource[] = [
  'ucdp-ged',
  'ucdp-deco',
  'acled',
  'gdelt',
  'report',
  'marker',
];

/**
 * How the event came into the store: the import (file, line) or the person who reported
 * it, and when. `recordedAt` is an ISO timestamp; `release` the dataset version when known.
 */
export interface Provenance {
  file?: string;
  line?: number;
  release?: string;
  importId?: number;
  reportedBy?: string;
  recordedAt: string;
}

/**
 * One event. `(source, sourceId)` is its natural key, unique in the store: re-importing the
 * same event replaces it rather than adding a copy. `key` is `source:sourceId`.
 */
export interface EscalationEvent {
  source: EventSource;
  sourceId: string;
  countryId: string;
  date: EventDate;
  place: Place;
  actors: Actor[];
  /**
   * The communal group targeted, when known (ACLED's associated actor of civilian victims, a
   * field report's target group, GDELT's ethnic code of the target). Impunity is judged per
   * group.
   */
  targetGroup?: string;
  category: EventCategory;
  /** True when violence was deliberately aimed at civilians (one-sided violence). */
  civilianTargeted: boolean;
  /** Null when the source does not count deaths (protests, strategic developments). */
  deaths: Deaths | null;
  accountability: Accountability;
  /** Key of the event this one is about (a report of arrests for an earlier massacre). */
  relatesTo?: string;
  sources: SourceRef[];
  reliability: Reliability;
  sharing: Tlp;
  provenance: Provenance;
  /** Free text: the source's summary or the reporter's account. */
  notes?: string;
}

/** The natural key `source:sourceId` of an event. */
export function eventKey(e: { source: EventSource; sourceId: string }): string {
  return `${e.source}:${e.sourceId}`;
}

/**
 * What the rules read of an event: a flat, cheap-to-load slice of `EscalationEvent`.
 * `actor1` is the first actor of side a (the perpetrator or initiator), `actor2` the first
 * of side b (the target). `deathsBest` null: not counted.
 */
export interface EventFacts {
  key: string;
  countryId: string;
  dateStart: string;
  dateEnd: string;
  category: EventCategory;
  civilianTargeted: boolean;
  deathsBest: number | null;
  accountability: Accountability;
  actor1Type: ActorType | null;
  actor1Name: string | null;
  actor2Type: ActorType | null;
  targetGroup: string | null;
  relatesTo: string | null;
  reliability: Reliability;
  sharing: Tlp;
}

/** The facts the rules read of a full event. */
export function factsOf(e: EscalationEvent): EventFacts {
  const a = e.actors.find((x) => x.side === 'a');
  const b = e.actors.find((x) => x.side === 'b');
  return {
    key: eventKey(e),
    countryId: e.countryId,
    dateStart: e.date.start,
    dateEnd: e.date.end,
    category: e.category,
    civilianTargeted: e.civilianTargeted,
    deathsBest: e.deaths?.best ?? null,
    accountability: e.accountability,
    actor1Type: a?.type ?? null,
    actor1Name: a?.name ?? null,
    actor2Type: b?.type ?? null,
    targetGroup: e.targetGroup ?? null,
    relatesTo: e.relatesTo ?? null,
    reliability: e.reliability,
    sharing: e.sharing,
  };
}

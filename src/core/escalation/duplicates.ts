import { dayNumber } from './dates.js';
import type { Actor, EventDate, Place } from './types.js';

/**
 * Duplicate detection between a field report and the events already known (imported or
 * reported): the same event told twice. Two items are duplicates when they are in the same
 * country, their dates lie within a window of each other, they are at the same place and
 * they name the same actors.
 */

/** What duplicate detection compares. */
export interface DuplicateCandidate {
  key: string;
  countryId: string;
  date: EventDate;
  place: Place;
  actors: readonly Actor[];
}

/** Tolerances. Defaults: 3 days, 25 km, token overlap 0.5. */
export interface DuplicateOptions {
  /** Days by which the two date ranges may miss each other. */
  windowDays?: number;
  /** Greatest distance between coordinates, in kilometres. */
  maxDistanceKm?: number;
  /** Least share of shared words for two actor or place names to be the same (Jaccard). */
  nameOverlap?: number;
}

/** A likely duplicate and why. */
export interface DuplicateMatch {
  key: string;
  /** Days between the date ranges (0: they overlap). */
  days: number;
  /** Distance in km when both have coordinates. */
  distanceKm?: number;
  /** How the places matched: `coordinates`, `place name`, `admin2`, `admin1`, `country`. */
  place: string;
  /** Actor names (or types) both name. */
  actors: string[];
}

/**
 * The candidates that duplicate `item`, closest first (by days, then distance). Place: the
 * coordinates are within `maxDistanceKm`, or the place names match, or (when either is only
 * known to its admin area) the admin areas match. Actors: each side of `item` that names an
 * actor shares one with the same side of the candidate, by name (word overlap) or, failing
 * that, by type.
 */
export function findDuplicates(
  item: DuplicateCandidate,
  candidates: readonly DuplicateCandidate[],
  options: DuplicateOptions = {},
): DuplicateMatch[] {
  const windowDays = options.windowDays ?? 3;
  const maxKm = options.maxDistanceKm ?? 25;
  const overlap = options.nameOverlap ?? 0.5;
  const start = dayNumber(item.date.start);
  const end = dayNumber(item.date.end);
  const out: DuplicateMatch[] = [];
  for (const c of candidates) {
    if (c.key === item.key || c.countryId !== item.countryId) continue;
    const cs = dayNumber(c.date.start);
    const ce = dayNumber(c.date.end);
    const days = Math.max(0, cs - end, start - ce);
    if (days > windowDays) continue;
    const place = samePlace(item.place, c.place, maxKm, overlap);
    if (!place) continue;
    const actors = sameActors(item.actors, c.actors, overlap);
    if (!actors) continue;
    out.push({ key: c.key, days, ...place, actors });
  }
  return out.sort(
    (a, b) =>
      a.days - b.days ||
      (a.distanceKm ?? Infinity) - (b.distanceKm ?? Infinity) ||
      (a.key < b.key ? -1 : 1),
  );
}

function samePlace(
  a: Place,
  b: Place,
  maxKm: number,
  overlap: number,
): { place: string; distanceKm?: number } | undefined {
  if (
    a.latitude !== undefined &&
    a.longitude !== undefined &&
    b.latitude !== undefined &&
    b.longitude !== undefined
  ) {
    const km = haversineKm(a.latitude, a.longitude, b.latitude, b.longitude);
    // Coordinates of a province or a country are its centre: distance says little then.
    const coarse = (p: Place) =>
      p.precision === 'admin1' || p.precision === 'region' || p.precision === 'country';
    if (km <= maxKm) return { place: 'coordinates', distanceKm: Math.round(km * 10) / 10 };
    if (!coarse(a) && !coarse(b)) return undefined;
  }
  if (a.name && b.name && similar(a.name, b.name, overlap)) return { place: 'place name' };
  if (a.admin2 && b.admin2 && similar(a.admin2, b.admin2, overlap)) return { place: 'admin2' };
  const vague = (p: Place) =>
    p.precision === 'admin1' ||
    p.precision === 'region' ||
    p.precision === 'country' ||
    p.precision === 'unknown';
  if ((vague(a) || vague(b)) && a.admin1 && b.admin1 && similar(a.admin1, b.admin1, overlap))
    return { place: 'admin1' };
  if (
    (a.precision === 'country' || a.precision === 'unknown') &&
    (b.precision === 'country' || b.precision === 'unknown')
  ) {
    return { place: 'country' };
  }
  return undefined;
}

function sameActors(
  a: readonly Actor[],
  b: readonly Actor[],
  overlap: number,
): string[] | undefined {
  const shared: string[] = [];
  for (const side of ['a', 'b'] as const) {
    const mine = a.filter((x) => x.side === side);
    if (mine.length === 0) continue;
    const theirs = b.filter((x) => x.side === side);
    if (theirs.length === 0) return undefined;
    const byName = mine.find((x) => theirs.some((y) => similar(x.name, y.name, overlap)));
    if (byName) {
      shared.push(byName.name);
      continue;
    }
    const byType = mine.find((x) => x.type !== 'unknown' && theirs.some((y) => y.type === x.type));
    if (!byType) return undefined;
    shared.push(byType.type);
  }
  return shared.length > 0 ? shared : undefined;
}

const STOP = new Set([
  'of',
  'the',
  'and',
  'de',
  'du',
  'des',
  'la',
  'le',
  'forces',
  'group',
  'unidentified',
]);

/**
 * The words of names seen lately: a report is compared with every report nearby, and the
 * same place and actor names come up again and again.
 */
const wordsOf = new Map<string, ReadonlySet<string>>();
const WORDS_KEPT = 20_000;

/** Lower-case words of a name without parenthesised parts, punctuation and filler words. */
export function nameWords(name: string): ReadonlySet<string> {
  let words = wordsOf.get(name);
  if (words) return words;
  words = new Set(
    name
      .toLowerCase()
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .replace(/\([^)]*\)/g, ' ')
      .split(/[^a-z0-9]+/)
      .filter((w) => w.length > 1 && !STOP.has(w)),
  );
  if (wordsOf.size >= WORDS_KEPT) wordsOf.clear();
  wordsOf.set(name, words);
  return words;
}

function similar(a: string, b: string, overlap: number): boolean {
  const x = nameWords(a);
  const y = nameWords(b);
  if (x.size === 0 || y.size === 0) return a.trim().toLowerCase() === b.trim().toLowerCase();
  let common = 0;
  for (const w of x) if (y.has(w)) common++;
  return common / (x.size + y.size - common) >= overlap;
}

/** Great-circle distance in km between two WGS 84 points (mean Earth radius 6371 km). */
export function haversineKm(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const rad = Math.PI / 180;
  const dLat = (lat2 - lat1) * rad;
  const dLon = (lon2 - lon1) * rad;
  const h =
    Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * 6371 * Math.asin(Math.min(1, Math.sqrt(h)));
}

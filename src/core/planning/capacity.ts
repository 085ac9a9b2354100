import type { Region } from './regions.js';
import { isRegion } from './regions.js';
import type { ActorKind, Commitment } from './types.js';
import { COMMITMENTS } from './types.js';

/**
 * The capacity map: who can deliver which measure where, how they use it now, how they could
 * use it for atrocity prevention, how committed they are, and whom they coordinate with.
 */

/** Where an actor can act: everywhere, in a region, or in listed countries (ISO3 codes). */
export type Scope =
  { kind: 'world' } | { kind: 'region'; region: Region } | { kind: 'countries'; iso3: string[] };

/** One capacity: a measure an actor can deliver within a scope. */
export interface Capacity {
  measureId: string;
  scope: Scope;
  currentUse: string;
  preventionUse: string;
  commitment: Commitment;
}

/** An actor of the map. `illustrative`: an example, never to be read as a real commitment. */
export interface CapacityActor {
  id: string;
  name: string;
  kind: ActorKind;
  illustrative: boolean;
  links: string[];
  capacities: Capacity[];
}

/** Where a country is, for scope matching. */
export interface Place {
  iso3?: string;
  region: Region | null;
}

/** Least commitment for an actor to count as available to a plan. */
export const COMMITTED: Commitment = 'medium';

/** Parses a scope written as `world`, a region id, or ISO3 codes separated by `;`. */
export function parseScope(text: string): Scope | undefined {
  const t = text.trim();
  if (t === 'world') return { kind: 'world' };
  if (isRegion(t)) return { kind: 'region', region: t };
  const codes = t.split(';').map((c) => c.trim().toUpperCase());
  if (codes.length > 0 && codes.every((c) => /^[A-Z]{3}$/.test(c)))
    return { kind: 'countries', iso3: codes };
  return undefined;
}

/** A scope in the form `parseScope` reads. */
export function formatScope(scope: Scope): string {
  if (scope.kind === 'world') return 'world';
  if (scope.kind === 'region') return scope.region;
  return scope.iso3.join(';');
}

/** Whether a scope includes a country. */
export function covers(scope: Scope, place: Place): boolean {
  if (scope.kind === 'world') return true;
  if (scope.kind === 'region') return place.region === scope.region;
  return place.iso3 !== undefined && scope.iso3.includes(place.iso3);
}

/** Whether a commitment is at least `COMMITTED`. */
export function isCommitted(c: Commitment): boolean {
  return COMMITMENTS.indexOf(c) >= COMMITMENTS.indexOf(COMMITTED);
}

/** An actor able to deliver a measure in a country, with its commitment and uses. */
export interface Provider {
  actorId: string;
  name: string;
  kind: ActorKind;
  illustrative: boolean;
  commitment: Commitment;
  currentUse: string;
  preventionUse: string;
}

/** Every actor able to deliver `measureId` in the country, most committed first. */
export function providers(
  actors: readonly CapacityActor[],
  measureId: string,
  place: Place,
): Provider[] {
  const out: Provider[] = [];
  for (const a of actors) {
    for (const c of a.capacities) {
      if (c.measureId !== measureId || !covers(c.scope, place)) continue;
      out.push({
        actorId: a.id,
        name: a.name,
        kind: a.kind,
        illustrative: a.illustrative,
        commitment: c.commitment,
        currentUse: c.currentUse,
        preventionUse: c.preventionUse,
      });
    }
  }
  return out.sort(
    (x, y) =>
      COMMITMENTS.indexOf(y.commitment) - COMMITMENTS.indexOf(x.commitment) ||
      x.name.localeCompare(y.name),
  );
}

/** A needed measure: which countries' plans call for it. */
export interface Need {
  measureId: string;
  countryId: string;
  place: Place;
}

/**
 * A gap: a measure plans need in some countries that no capable, committed actor covers
 * there. `weak` lists actors that could but are not committed enough.
 */
export interface Gap {
  measureId: string;
  countries: string[];
  weak: { actorId: string; name: string; commitment: Commitment }[];
}

/** One cell of the coverage matrix: a needed measure and the committed actors covering it. */
export interface CoverageRow {
  measureId: string;
  /** Countries needing the measure. */
  needed: number;
  /** Of those, countries where at least one committed actor covers it. */
  covered: number;
  /** Per actor id: countries it covers with a commitment of at least `COMMITTED`. */
  byActor: Record<string, number>;
}

/** Gaps and the coverage matrix for a set of needs. Measures in id order. */
export function capacityGaps(
  actors: readonly CapacityActor[],
  needs: readonly Need[],
): { gaps: Gap[]; matrix: CoverageRow[] } {
  const byMeasure = new Map<string, Need[]>();
  for (const n of needs) {
    const list = byMeasure.get(n.measureId);
    if (list) list.push(n);
    else byMeasure.set(n.measureId, [n]);
  }
  const gaps: Gap[] = [];
  const matrix: CoverageRow[] = [];
  for (const measureId of [...byMeasure.keys()].sort()) {
    const list = byMeasure.get(measureId)!;
    const row: CoverageRow = { measureId, needed: list.length, covered: 0, byActor: {} };
    const uncovered: string[] = [];
    const weak = new Map<string, { actorId: string; name: string; commitment: Commitment }>();
    for (const need of list) {
      const able = providers(actors, measureId, need.place);
      const committed = able.filter((p) => isCommitted(p.commitment));
      for (const p of committed) row.byActor[p.actorId] = (row.byActor[p.actorId] ?? 0) + 1;
      if (committed.length > 0) row.covered += 1;
      else {
        uncovered.push(need.countryId);
        for (const p of able)
          weak.set(p.actorId, { actorId: p.actorId, name: p.name, commitment: p.commitment });
      }
    }
    matrix.push(row);
    if (uncovered.length > 0)
      gaps.push({ measureId, countries: uncovered.sort(), weak: [...weak.values()] });
  }
  return { gaps, matrix };
}

/**
 * Who coordinates with whom, from the capacity map's `links`: the coordination pairs (an
 * actor linking to another; `mutual` when both name each other), actors nobody links to and
 * who link to nobody (`isolated`), links naming an actor the map does not hold (`unknown`),
 * and measures that several committed actors cover without any of them coordinating with
 * another (`uncoordinated`; only for the given needs, when given: per measure and place).
 */
export interface LinkReport {
  pairs: { a: string; b: string; mutual: boolean }[];
  isolated: string[];
  unknown: { actorId: string; linked: string }[];
  uncoordinated: { measureId: string; countries: string[]; actors: string[] }[];
}

const linkSets = new WeakMap<readonly CapacityActor[], ReadonlySet<string>>();

/**
 * Whether two actors coordinate: either names the other in its `links`. The map's links are
 * indexed once per actors array (plans of every country share one).
 */
export function coordinate(actors: readonly CapacityActor[], x: string, y: string): boolean {
  let named = linkSets.get(actors);
  if (!named) {
    named = new Set(actors.flatMap((a) => a.links.map((l) => `${a.id}|${l}`)));
    linkSets.set(actors, named);
  }
  return named.has(`${x}|${y}`) || named.has(`${y}|${x}`);
}

/** Whether several distinct actors are listed and none coordinates with another. */
export function uncoordinated(actors: readonly CapacityActor[], ids: readonly string[]): boolean {
  const distinct = [...new Set(ids)];
  return (
    distinct.length >= 2 &&
    !distinct.some((x, i) => distinct.slice(i + 1).some((y) => coordinate(actors, x, y)))
  );
}

/** The link analysis of a capacity map (see `LinkReport`); ids sorted. */
export function analyseLinks(
  actors: readonly CapacityActor[],
  needs: readonly Need[] = [],
): LinkReport {
  const ids = new Set(actors.map((a) => a.id));
  const named = new Set<string>();
  const linked = new Set<string>();
  const unknown: LinkReport['unknown'] = [];
  for (const a of actors)
    for (const l of a.links) {
      if (!ids.has(l)) unknown.push({ actorId: a.id, linked: l });
      named.add(`${a.id}|${l}`);
      linked.add(a.id).add(l);
    }
  const pairs = new Map<string, LinkReport['pairs'][number]>();
  for (const key of named) {
    const [a, b] = key.split('|') as [string, string];
    if (!ids.has(b)) continue;
    const [x, y] = [a, b].sort() as [string, string];
    pairs.set(`${x}|${y}`, { a: x, b: y, mutual: named.has(`${b}|${a}`) });
  }
  const apart = new Map<string, { countries: Set<string>; actors: Set<string> }>();
  for (const n of needs) {
    const committed = providers(actors, n.measureId, n.place)
      .filter((p) => isCommitted(p.commitment))
      .map((p) => p.actorId);
    if (!uncoordinated(actors, committed)) continue;
    const row = apart.get(n.measureId) ?? { countries: new Set(), actors: new Set() };
    row.countries.add(n.countryId);
    for (const id of committed) row.actors.add(id);
    apart.set(n.measureId, row);
  }
  return {
    pairs: [...pairs.values()].sort((p, q) => p.a.localeCompare(q.a) || p.b.localeCompare(q.b)),
    isolated: actors
      .map((a) => a.id)
      .filter((id) => !linked.has(id))
      .sort(),
    unknown,
    uncoordinated: [...apart.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([measureId, r]) => ({
        measureId,
        countries: [...r.countries].sort(),
        actors: [...r.actors].sort(),
      })),
  };
}

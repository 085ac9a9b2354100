import type { Transaction } from 'kysely';
import type { Store } from './database.js';
import type { Schema } from './schema.js';

/**
 * A mass-killing episode as stored. Years are calendar years; `endYear` null: still under
 * way at the end of the list. Country ids are the registry's (null where a COW code could
 * not be resolved, which the import reports).
 */
export interface Episode {
  code: string;
  name: string;
  summary: string;
  countryLabel: string;
  startYear: number;
  endYear: number | null;
  stateLed: boolean;
  ethnicGroups: number | null;
  /** Location country ids: the state where it happened, then its inheritors. */
  locationCountryIds: string[];
  responsibleCountryIds: string[];
  locationCow: number[];
  responsibleCow: number[];
  releaseId: number;
}

/** Stores the episodes of one release of the episode list. */
export async function insertEpisodes(
  trx: Transaction<Schema>,
  releaseId: number,
  episodes: readonly Omit<Episode, 'releaseId'>[],
  countryOf: (cow: number, year: number) => string | null,
): Promise<void> {
  for (const e of episodes) {
    await trx
      .insertInto('episodes')
      .values({
        release_id: releaseId,
        code: e.code,
        name: e.name,
        summary: e.summary,
        country_label: e.countryLabel,
        start_year: e.startYear,
        end_year: e.endYear,
        state_led: e.stateLed ? 1 : 0,
        ethnic_groups: e.ethnicGroups,
      })
      .execute();
    const links = [
      ...e.locationCow.map((cow, position) => ({ role: 'location', cow, position })),
      ...e.responsibleCow.map((cow, position) => ({ role: 'responsible', cow, position })),
    ];
    if (links.length === 0) continue;
    await trx
      .insertInto('episode_countries')
      .values(
        links.map((l) => ({
          release_id: releaseId,
          episode_code: e.code,
          role: l.role,
          position: l.position,
          cow: l.cow,
          country_id: countryOf(l.cow, e.startYear),
        })),
      )
      .execute();
  }
}

/**
 * The episodes of the newest release of the episode list known on `asOf` (ISO date; default:
 * the newest release), sorted by start year then code.
 */
export async function listEpisodes(store: Store, asOf?: string): Promise<Episode[]> {
  let latest = store.db
    .selectFrom('releases')
    .select('id')
    .where('source_kind', '=', 'ewp-episodes')
    .orderBy('released_on', 'desc')
    .orderBy('id', 'desc')
    .limit(1);
  if (asOf) latest = latest.where('released_on', '<=', asOf);
  const release = await latest.executeTakeFirst();
  if (!release) return [];
  const releaseId = Number(release.id);
  const [rows, links] = await Promise.all([
    store.db
      .selectFrom('episodes')
      .selectAll()
      .where('release_id', '=', releaseId)
      .orderBy('start_year')
      .orderBy('code')
      .execute(),
    store.db
      .selectFrom('episode_countries')
      .selectAll()
      .where('release_id', '=', releaseId)
      .orderBy('episode_code')
      .orderBy('role')
      .orderBy('position')
      .execute(),
  ]);
  const byEpisode = new Map<string, typeof links>();
  for (const l of links) {
    const list = byEpisode.get(l.episode_code) ?? [];
    list.push(l);
    byEpisode.set(l.episode_code, list);
  }
  return rows.map((r) => {
    const own = byEpisode.get(r.code) ?? [];
    const of = (role: string) => own.filter((l) => l.role === role);
    return {
      code: r.code,
      name: r.name,
      summary: r.summary,
      countryLabel: r.country_label,
      startYear: Number(r.start_year),
      endYear: r.end_year === null ? null : Number(r.end_year),
      stateLed: Number(r.state_led) === 1,
      ethnicGroups: r.ethnic_groups === null ? null : Number(r.ethnic_groups),
      locationCountryIds: uniq(of('location').map((l) => l.country_id)),
      responsibleCountryIds: uniq(of('responsible').map((l) => l.country_id)),
      locationCow: of('location').map((l) => Number(l.cow)),
      responsibleCow: of('responsible').map((l) => Number(l.cow)),
      releaseId,
    };
  });
}

function uniq(ids: (string | null)[]): string[] {
  return [...new Set(ids.filter((id): id is string => id !== null))];
}

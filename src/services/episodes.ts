import type { Store } from '../store/database.js';
import { listEpisodes } from '../store/episodes-repository.js';
import type { Episode } from '../store/episodes-repository.js';
import { observationsAsOf } from '../store/observations-repository.js';

/** Whether an episode began during an armed conflict, in peacetime, or the data cannot say. */
export type EpisodeContext = 'war' | 'peace' | 'unknown';

/** An episode with the context it began in and the evidence for it. */
export interface EpisodeWithContext extends Episode {
  context: EpisodeContext;
  /** What made it wartime (e.g. `pitf:ethnic_war 1967`), empty otherwise. */
  evidence: string[];
}

/** Counts of one decade of onset. */
export interface DecadeCount {
  decade: number;
  total: number;
  war: number;
  peace: number;
  unknown: number;
  stateLed: number;
  nonState: number;
}

/** What `lens episodes` reports. */
export interface EpisodesByDecade {
  rule: string;
  decades: DecadeCount[];
  episodes: EpisodeWithContext[];
}

const WAR_VARIABLES = ['pitf:ethnic_war', 'pitf:revolutionary_war'];
const BATTLE_DEATHS = 'ucdp-brd:bd_best';
/** UCDP's threshold for an armed conflict-year: 25 battle-related deaths. */
const MIN_BATTLE_DEATHS = 25;

/** First year each source covers every country (earlier rows are partial). */
const COVERAGE_START: Record<string, number> = { pitf: 1955, 'ucdp-brd': 1989 };

/** The rule, stated for the reader of the report. */
export const CONTEXT_RULE =
  'an episode began in war when, in a country where it took place, the PITF lists an ethnic or revolutionary war, or UCDP counts at least 25 battle-related deaths, in its first year or the year before; in peace when those years lie within the full coverage of a source (PITF from 1955, UCDP from 1989) and no source shows a war; unknown otherwise.';

/**
 * The mass-killing episodes since 1945 of the newest episode list, each classified as
 * begun in war or peace (see `CONTEXT_RULE`), with counts by decade of onset.
 */
export async function listEpisodesByDecade(
  store: Store,
  options: { context?: 'war' | 'peace' } = {},
): Promise<EpisodesByDecade> {
  const episodes = (await listEpisodes(store)).filter((e) => e.startYear >= 1945);
  const values = await observationsAsOf(store, {
    variables: [...WAR_VARIABLES, BATTLE_DEATHS],
    asOf: '9999-12-31',
  });
  const war = new Map<string, string>();
  const covered = new Map<string, { first: number; last: number }>();
  for (const v of values) {
    const source = v.variable.split(':')[0] ?? v.variable;
    const span = covered.get(source);
    // Peace can only be read where a source claims full coverage: PITF from 1955 (its earlier
    // rows are wars already under way then), UCDP from 1989; war evidence counts from any row.
    const start = COVERAGE_START[source] ?? v.year;
    covered.set(source, {
      first: Math.max(start, Math.min(span?.first ?? v.year, v.year)),
      last: Math.max(span?.last ?? v.year, v.year),
    });
    const isWar =
      v.variable === BATTLE_DEATHS ? (v.value ?? 0) >= MIN_BATTLE_DEATHS : (v.value ?? 0) > 0;
    if (isWar) war.set(`${v.countryId}|${v.year}`, `${v.variable} ${v.year}`);
  }
  const classified = episodes.map((e): EpisodeWithContext => {
    const years = [e.startYear - 1, e.startYear];
    const evidence = e.locationCountryIds.flatMap((id) =>
      years.map((y) => war.get(`${id}|${y}`)).filter((x): x is string => x !== undefined),
    );
    const anyCoverage = [...covered.values()].some((span) =>
      years.every((y) => y >= span.first && y <= span.last),
    );
    const context: EpisodeContext = evidence.length > 0 ? 'war' : anyCoverage ? 'peace' : 'unknown';
    return { ...e, context, evidence };
  });
  const shown = options.context
    ? classified.filter((e) => e.context === options.context)
    : classified;
  const decades = new Map<number, DecadeCount>();
  for (const e of shown) {
    const decade = Math.floor(e.startYear / 10) * 10;
    const d = decades.get(decade) ?? {
      decade,
      total: 0,
      war: 0,
      peace: 0,
      unknown: 0,
      stateLed: 0,
      nonState: 0,
    };
    d.total++;
    d[e.context]++;
    if (e.stateLed) d.stateLed++;
    else d.nonState++;
    decades.set(decade, d);
  }
  return {
    rule: CONTEXT_RULE,
    decades: [...decades.values()].sort((a, b) => a.decade - b.decade),
    episodes: shown,
  };
}

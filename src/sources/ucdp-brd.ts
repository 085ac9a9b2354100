import { InputError } from '../core/errors.js';
import { CsvTable, parseInteger, parseNumber } from './csv.js';
import type { ObservationRecord, OnProgress, SourceDescriptor } from './types.js';

/**
 * The country-year variables this reader derives from UCDP's dyad-years, by location.
 *
 * Rule for cells listing several countries in `gwno_loc` (e.g. "365, 369" for the
 * Russia–Ukraine war): the dyad's deaths are counted in full in EACH listed country, because
 * UCDP does not split them. Totals over countries therefore exceed UCDP's world total by the
 * deaths of such dyads; `shared_dyads` says how many of a country-year's dyads were shared.
 */
export const UCDP_VARIABLES = {
  /** Sum of `bd_best` (UCDP best estimate of battle-related deaths) over dyads located there. */
  bestDeaths: 'bd_best',
  /** Sum of `bd_low`. */
  lowDeaths: 'bd_low',
  /** Sum of `bd_high`. */
  highDeaths: 'bd_high',
  /**
   * Sum of `bd_best` over intrastate dyads only (`type_of_conflict` 3 or 4): the Early Warning
   * Project's `battledeaths` before its log transform.
   */
  intrastateDeaths: 'bd_best_intrastate',
  /** Number of dyads located there that year. */
  dyads: 'dyads',
  /** Number of distinct conflicts (`conflict_id`) among them. */
  conflicts: 'conflicts',
  /** 1 if any dyad located there is of that `type_of_conflict`, else 0. */
  extrasystemic: 'extrasystemic',
  interstate: 'interstate',
  intrastate: 'intrastate',
  internationalized: 'internationalized',
  /** Dyads whose `gwno_loc` lists more than one country. */
  sharedDyads: 'shared_dyads',
  /**
   * 1 if an interstate dyad's fighting took place on the country's territory (`gwno_battle`),
   * else 0 for the countries of the dyad's `gwno_loc`. UCDP locates an interstate conflict in
   * the territories of every government party (the United States and the United Kingdom for
   * the 2003 war in Iraq); the battle location says where it was fought.
   */
  interstateBattle: 'interstate_battle',
  /**
   * 1 if the country is a party (`gwno_loc`) to an interstate dyad fought elsewhere (none of
   * its battles on its territory): participation abroad, a weaker sign than war at home.
   */
  interstateAbroad: 'interstate_abroad',
} as const;

const TYPE_FLAGS = [
  undefined,
  UCDP_VARIABLES.extrasystemic,
  UCDP_VARIABLES.interstate,
  UCDP_VARIABLES.intrastate,
  UCDP_VARIABLES.internationalized,
] as const;

const REQUIRED = [
  'conflict_id',
  'dyad_id',
  'year',
  'bd_best',
  'bd_low',
  'bd_high',
  'type_of_conflict',
  'gwno_loc',
  'location_inc',
];

/** The battle location, read when the file has it (older releases may not). */
const BATTLE = 'gwno_battle';

interface CountryYear {
  line: number;
  gw: number;
  year: number;
  label: string | undefined;
  best: number;
  low: number;
  high: number;
  intrastate: number;
  dyads: number;
  conflicts: Set<string>;
  types: Set<number>;
  shared: number;
  /** Interstate dyads fought on its territory / elsewhere with it a party. */
  battle: number;
  abroad: number;
}

/**
 * Reads the UCDP Battle-Related Deaths dyadic file and aggregates it to country-years by
 * location (Gleditsch-Ward codes in `gwno_loc`). Country-years without any dyad are absent,
 * not zero: filling zeros is the importer's decision. A country that is only a battle
 * location (`gwno_battle`) of an interstate dyad gets a record with `interstate_battle` 1
 * and its dyad aggregates null. Records come sorted by code and year;
 * `line` is the first dyad's line. A dyad listed twice for one year is an InputError.
 */
export async function* readUcdpBattleDeaths(
  path: string,
  onProgress?: OnProgress,
): AsyncGenerator<ObservationRecord, void, undefined> {
  const table = await CsvTable.open(path, { required: REQUIRED, onProgress });
  const [conflictAt, dyadAt, yearAt, bestAt, lowAt, highAt, typeAt, locAt, nameAt] = REQUIRED.map(
    (c) => table.column(c),
  ) as number[] as [number, number, number, number, number, number, number, number, number];
  const battleAt = table.indexOf(BATTLE);
  const groups = new Map<string, CountryYear>();
  const groupOf = (gw: number, year: number, line: number): CountryYear => {
    const key = `${gw}\u0001${year}`;
    let g = groups.get(key);
    if (g === undefined) {
      g = {
        line,
        gw,
        year,
        label: undefined,
        best: 0,
        low: 0,
        high: 0,
        intrastate: 0,
        dyads: 0,
        conflicts: new Set(),
        types: new Set(),
        shared: 0,
        battle: 0,
        abroad: 0,
      };
      groups.set(key, g);
    }
    return g;
  };
  const dyadYears = new Map<string, number>();
  for await (const { line, fields } of table) {
    const f = (i: number) => (fields[i] as string).trim();
    const year = parseInteger(f(yearAt), path, line, 'year', 'a year');
    const dyadKey = `${f(dyadAt)}\u0001${year}`;
    const earlier = dyadYears.get(dyadKey);
    if (earlier !== undefined) {
      throw new InputError(
        `dyad ${f(dyadAt)} appears twice for ${year}, on lines ${earlier} and ${line}`,
        {
          file: path,
          line,
          column: 'dyad_id',
          expected: 'one row per dyad and year',
        },
      );
    }
    dyadYears.set(dyadKey, line);
    const best = deaths(f(bestAt), path, line, 'bd_best');
    const low = deaths(f(lowAt), path, line, 'bd_low');
    const high = deaths(f(highAt), path, line, 'bd_high');
    const type = parseInteger(f(typeAt), path, line, 'type_of_conflict', 'a conflict type');
    if (type < 1 || type > 4) {
      throw new InputError(`"${type}" is not a UCDP conflict type`, {
        file: path,
        line,
        column: 'type_of_conflict',
        expected:
          '1 (extrasystemic), 2 (interstate), 3 (intrastate) or 4 (internationalized intrastate)',
      });
    }
    const codes = f(locAt)
      .split(',')
      .map((c) => c.trim())
      .filter((c) => c !== '');
    if (codes.length === 0) {
      throw new InputError('the dyad has no location', {
        file: path,
        line,
        column: 'gwno_loc',
        expected: 'one or more Gleditsch-Ward codes separated by commas',
      });
    }
    const shared = codes.length > 1;
    const parties = new Set(
      codes.map((c) => parseInteger(c, path, line, 'gwno_loc', 'a Gleditsch-Ward country code')),
    );
    if (type === 2) {
      const fought = new Set(
        battleAt < 0
          ? parties
          : (fields[battleAt] as string)
              .split(',')
              .map((c) => c.trim())
              .filter((c) => c !== '')
              .map((c) => parseInteger(c, path, line, BATTLE, 'Gleditsch-Ward country codes')),
      );
      // No battle location given: the conflict's location stands for it.
      const where = fought.size > 0 ? fought : parties;
      for (const gw of where) groupOf(gw, year, line).battle++;
      for (const gw of parties) if (!where.has(gw)) groupOf(gw, year, line).abroad++;
    }
    for (const gw of parties) {
      const group = groupOf(gw, year, line);
      // `location_inc` names the countries alphabetically, not in code order, so only a
      // single-location dyad tells us this country's name.
      if (!shared && group.label === undefined) group.label = f(nameAt);
      group.best += best;
      group.low += low;
      group.high += high;
      if (type >= 3) group.intrastate += best;
      group.dyads++;
      group.conflicts.add(f(conflictAt));
      group.types.add(type);
      if (shared) group.shared++;
    }
  }
  const sorted = [...groups.values()].sort((a, b) => a.gw - b.gw || a.year - b.year);
  for (const g of sorted) {
    // A country only fought in (a battle location of an interstate dyad it is no party to)
    // has no dyad of its own: its dyad aggregates stay absent, not zero.
    const none = g.dyads === 0;
    const values: Record<string, number | null> = {
      [UCDP_VARIABLES.bestDeaths]: none ? null : g.best,
      [UCDP_VARIABLES.lowDeaths]: none ? null : g.low,
      [UCDP_VARIABLES.highDeaths]: none ? null : g.high,
      [UCDP_VARIABLES.intrastateDeaths]: none ? null : g.intrastate,
      [UCDP_VARIABLES.dyads]: none ? null : g.dyads,
      [UCDP_VARIABLES.conflicts]: none ? null : g.conflicts.size,
      [UCDP_VARIABLES.sharedDyads]: none ? null : g.shared,
      [UCDP_VARIABLES.interstateBattle]: g.battle > 0 ? 1 : 0,
      [UCDP_VARIABLES.interstateAbroad]: g.abroad > 0 && g.battle === 0 ? 1 : 0,
    };
    for (let type = 1; type <= 4; type++)
      values[TYPE_FLAGS[type] as string] = none ? null : g.types.has(type) ? 1 : 0;
    yield {
      line: g.line,
      keys: [{ system: 'gw', code: String(g.gw) }],
      label: g.label ?? `GW ${g.gw}`,
      year: g.year,
      values,
    };
  }
}

function deaths(text: string, file: string, line: number, column: string): number {
  const n = parseNumber(text, file, line, column);
  if (n === null || n < 0) {
    throw new InputError(n === null ? 'the death count is missing' : `"${text}" is negative`, {
      file,
      line,
      column,
      expected: 'a count of deaths (0 or more)',
    });
  }
  return n;
}

/**
 * UCDP Battle-Related Deaths, dyadic version. Publication lag: UCDP releases each version in
 * late May or June with data through the previous year (v25.1: June 2025), so about 6 months.
 */
export const ucdpBattleDeaths: SourceDescriptor = {
  kind: 'ucdp-brd',
  title: 'UCDP Battle-Related Deaths (dyadic), aggregated to location country-years',
  publisher:
    'Uppsala Conflict Data Program (UCDP), Department of Peace and Conflict Research, Uppsala University',
  licence:
    'Creative Commons Attribution 4.0 (CC BY 4.0); cite the dataset and the listed articles.',
  citation:
    'Davies, Shawn, Therése Pettersson, Margareta Sollenberg and Magnus Öberg (2025). Organized violence 1989–2024, and the challenges of identifying civilian victims. Journal of Peace Research 62(4). Dataset: UCDP Battle-Related Deaths Dataset version 25.1, https://ucdp.uu.se/downloads/',
  url: 'https://ucdp.uu.se/downloads/index.html#battlerelated',
  version: '25.1',
  publicationLagMonths: 6,
  signature: [
    'conflict_id',
    'dyad_id',
    'year',
    'bd_best',
    'bd_low',
    'bd_high',
    'gwno_loc',
    'type_of_conflict',
  ],
  readObservations: readUcdpBattleDeaths,
};

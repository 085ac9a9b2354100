/**
 * The project's own modelling table: the reference's country-year predictors and outcomes
 * derived from the raw sources (V-Dem derived variables, WDI, UN infant mortality, UCDP battle
 * deaths, EPR, coups, ICCPR, HIEF, the mass-killing episode list, regions, country ages and
 * year terms), following the Early Warning Project's rules. Pure: the caller reads the
 * values as known on a date and hands them in; every derivation is in this file and written
 * down in docs/forecast.md.
 */

/** A country's span in the table and its year of independence (from the outcome panel's frame). */
export interface TableFrameRow {
  countryId: string;
  /** First calendar year of the country in the frame (1934 for states present in 1945). */
  firstYear: number;
  lastYear: number;
  independenceYear: number;
  /** The frame country this one continues under the same COW code (Serbia after Yugoslavia). */
  continues?: string;
}

/** A mass-killing episode, its states as COW codes (resolved per year by `countryOf`). */
export interface TableEpisode {
  code: string;
  startYear: number;
  /** Null: still under way at the end of the list. */
  endYear: number | null;
  /** Groups targeted: 0 or 2 count as wide targeting, 1 as narrow (the reference's coding). */
  ethnicGroups: number | null;
  /** The state where it happened, then its location inheritors. */
  location: readonly number[];
  /** The responsible state, then its inheritors (the reference ignores the second inheritor). */
  responsible: readonly number[];
}

/** Values of one raw variable: country id → year → value. */
export type Series = ReadonlyMap<string, ReadonlyMap<number, number>>;

/** The region codes of the reference (Africa is the reference category, every dummy 0). */
export const REGIONS = ['afr', 'na', 'eap', 'sca', 'mna', 'eur'] as const;
export type Region = (typeof REGIONS)[number];

/** The V-Dem derived variables taken as they are from the Early Warning Project's V-Dem file. */
export const VDEM_DERIVED = [
  'v2csgender_binary',
  'v2mecenefm_binary',
  'partyban.new.0',
  'partyban.new.1',
  'partyban.new.2',
  'minorityrule',
  'judicialreform',
  'religiousfreedom',
  'pol_killing_approved',
  'freediscussion',
  'social_inequality',
  'even_civilrights',
  'repress_civilsoc',
  'social_power_dist',
  'ses_power_dist',
] as const;

/** Store variable names (`source:variable`) of the raw inputs, by their role in the table. */
export const RAW = {
  population: 'wdi:wdi.popsize.new',
  gdpGrowth: 'wdi:wdi.gdppcgrow.new',
  infantMortality: 'un-imr:un_imr',
  fractionalisation: 'hief:EFindex',
  discrimination: 'epr:discrimpop',
  iccpr: 'iccpr:ios.iccpr1',
  battleDeaths: 'ucdp-brd:bd_best_intrastate',
  coups: 'coups-cy:cou.any',
  civilSocietyRepression: 'vdem-ewp:v2csreprss_ord',
  populationProxy: 'vdem-ewp:vdem_popsize_log2',
  gdpProxy: 'vdem:e_gdppc',
  ptsAmnesty: 'pts:PTS_A',
  ptsHumanRights: 'pts:PTS_H',
  ptsState: 'pts:PTS_S',
  killings: 'vdem:v2clkill',
  torture: 'vdem:v2cltort',
  csoRepression: 'vdem:v2csreprss',
  physicalIntegrity: 'vdem:v2x_clphy',
  ...Object.fromEntries(VDEM_DERIVED.map((v) => [v, `vdem-ewp:${v}`])),
} as Readonly<Record<string, string>>;

/** Which raw variables feed which predictor (for messages about missing sources). */
export const PREDICTOR_SOURCES: Readonly<Record<string, readonly string[]>> = {
  ...Object.fromEntries(VDEM_DERIVED.map((v) => [v, [RAW[v]!]])),
  repress_civilsoc: [RAW.civilSocietyRepression!],
  'popsize.log2': [RAW.population!],
  gdppcgrowth: [RAW.gdpGrowth!],
  un_imr_sqrt: [RAW.infantMortality!],
  efindex: [RAW.fractionalisation!],
  discrimpop: [RAW.discrimination!],
  'ios.iccpr1': [RAW.iccpr!],
  'battledeaths.log2': [RAW.battleDeaths!],
  'coup.try.5yr': [RAW.coups!],
};

/** Raw inputs that only fill gaps of others; the table is built without them. */
export const OPTIONAL_RAW: readonly string[] = [RAW.populationProxy!, RAW.gdpProxy!];

/** The reference's 39 predictors, in the order of its specification. */
export const REFERENCE_PREDICTORS = [
  'year',
  'widetargeting',
  'narrowtargeting',
  ...VDEM_DERIVED,
  'popsize.log2',
  'gdppcgrowth',
  'un_imr_sqrt',
  'efindex',
  'discrimpop',
  'reg.na',
  'reg.eap',
  'reg.sca',
  'reg.mna',
  'reg.eur',
  'ios.iccpr1',
  'battledeaths.log2',
  'coup.try.5yr',
  'mk_ongoing_count_log2',
  'mean_mk_onset_interaction',
  'mk_onset_prev_year',
  'newcountry',
  'mk_ever',
  'year_sq',
  'countryage.new.log2',
  'includesnonstate',
] as const;

/**
 * Predictors the reference lacks, from sources it does not use (missing, not an error, when a
 * source is absent): repression (the highest of the Political Terror Scale's three scores;
 * V-Dem's freedom from political killings and from torture and its civil-society repression,
 * lower meaning worse), worsening over three years (V-Dem's killings and physical-integrity
 * index), the trend of battle deaths (log2 now minus two years before) and a coup attempt in
 * the year or the one before.
 */
export const EXTRA_PREDICTORS = [
  'pts_max',
  'vdem_killings',
  'vdem_torture',
  'vdem_cso_repression',
  'killings_change3',
  'physint_change3',
  'battledeaths_trend2',
  'coup.try.2yr',
] as const;

/** Outcome columns: an onset this year, next year, the year after, either of those two. */
export const OUTCOMES = ['mk_onset', 'mk_onset_1', 'mk_onset_2', 'mk_onset_1or2'] as const;

/** Every column of the table, predictors then outcomes. */
export const TABLE_COLUMNS: readonly string[] = [
  ...REFERENCE_PREDICTORS,
  ...EXTRA_PREDICTORS,
  ...OUTCOMES,
];

/** Countries created by a coup: the reference counts a coup attempt in these years. */
const COUP_CREATED: Readonly<Record<string, number>> = { gab: 1964, dji: 2000 };

/** First year of the modelling period (the reference's table starts in 1960). */
export const TABLE_FIRST_YEAR = 1960;

/** Everything the derivation needs, read from the store as known on one date. */
export interface TableInputs {
  frame: readonly TableFrameRow[];
  /** Keyed by store variable name (see {@link RAW}); an absent key is a source not in the store. */
  series: ReadonlyMap<string, Series>;
  episodes: readonly TableEpisode[];
  /** Last year the episode list codes (onsets after it are unknown). */
  episodesCodedTo: number;
  regions: Readonly<Record<string, Region>>;
  /** Fractionalisation of countries the HIEF does not cover. */
  efindexFallback: Readonly<Record<string, number>>;
  /** The registry id of a COW code in a year (undefined: no such state then). */
  countryOf: (cow: number, year: number) => string | undefined;
}

/** A remark on the table: a source that ends early, a predictor missing for some countries. */
export interface TableNote {
  predictor: string;
  source: string;
  message: string;
  countries?: string[];
}

/** The table: one row per country-year, `values[j]` the value of `columns[j]` (NaN: missing). */
export interface ModellingTable {
  columns: readonly string[];
  rows: { countryId: string; year: number; values: number[] }[];
  firstYear: number;
  lastYear: number;
  episodesCodedTo: number;
  /** The last year of each raw source (its latest value in any country). */
  sourceEnds: Record<string, number>;
  notes: TableNote[];
}

/** Last year with a value in a series (−Infinity when empty). */
function lastYearOf(series: Series | undefined): number {
  let last = -Infinity;
  for (const years of series?.values() ?? [])
    for (const y of years.keys()) last = Math.max(last, y);
  return last;
}

function log2Of(levels: Series): Series {
  const out = new Map<string, Map<number, number>>();
  for (const [id, years] of levels) {
    out.set(id, new Map([...years].filter(([, x]) => x > 0).map(([y, x]) => [y, Math.log2(x)])));
  }
  return out;
}

/** Mass-killing variables of each country-year, from the episode list (the reference's rules). */
interface MkCell {
  onsets: number;
  ongoing: number;
  locationEver: boolean;
  responsibleEver: boolean;
  wide: boolean;
  narrow: boolean;
}

function episodeCells(
  inputs: TableInputs,
  inFrame: (countryId: string, year: number) => boolean,
): Map<string, MkCell> {
  const cells = new Map<string, MkCell>();
  const cell = (id: string, year: number) => {
    const key = `${id}|${year}`;
    let c = cells.get(key);
    if (!c) {
      c = {
        onsets: 0,
        ongoing: 0,
        locationEver: false,
        responsibleEver: false,
        wide: false,
        narrow: false,
      };
      cells.set(key, c);
    }
    return c;
  };
  const lastYear = Math.max(...inputs.frame.map((f) => f.lastYear));
  const at = (cow: number | undefined, year: number) =>
    cow === undefined ? undefined : inputs.countryOf(cow, year);
  for (const e of inputs.episodes) {
    // The state where it happened; when that state is not in the table (Zanzibar), the
    // reference codes the episode to its first location inheritor (Tanzania).
    const whereCow =
      e.location.find((cow) => {
        const id = at(cow, e.startYear);
        return id !== undefined && inFrame(id, e.startYear);
      }) ?? e.location[0];
    if (whereCow === undefined) continue;
    const end = e.endYear ?? lastYear;
    const onsetIn = at(whereCow, e.startYear);
    if (onsetIn) cell(onsetIn, e.startYear).onsets++;
    for (let y = e.startYear; y <= end; y++) {
      const where = at(whereCow, y);
      if (!where) continue;
      const c = cell(where, y);
      c.ongoing++;
      // The reference's concatenation of targeting flags keeps only the flag of the episode
      // listed last among those under way (the list is ordered by start year and code).
      c.wide = e.ethnicGroups === 0 || e.ethnicGroups === 2;
      c.narrow = e.ethnicGroups === 1;
    }
    // The state of the onset and its location inheritors have the history from the start
    // year on; responsibility goes to the state and its first inheritor.
    const responsible = e.responsible.slice(0, 2);
    for (let y = e.startYear; y <= lastYear; y++) {
      for (const cow of [whereCow, ...e.location.slice(1)]) {
        const id = at(cow, y);
        if (id) cell(id, y).locationEver = true;
      }
      for (const cow of responsible) {
        const id = at(cow, y);
        if (id) cell(id, y).responsibleEver = true;
      }
    }
  }
  return cells;
}

/**
 * `primary` with its gaps filled from `proxy` through a straight line fitted on the
 * country-years that have both (the reference fills WDI population and growth this way from
 * Maddison; here the proxies are V-Dem's population and GDP per head).
 */
export function fillFromProxy(primary: Series, proxy: Series): Series {
  let n = 0;
  let sx = 0;
  let sy = 0;
  let sxx = 0;
  let sxy = 0;
  for (const [id, years] of proxy) {
    for (const [year, x] of years) {
      const y = primary.get(id)?.get(year);
      if (y === undefined || !Number.isFinite(x) || !Number.isFinite(y)) continue;
      n++;
      sx += x;
      sy += y;
      sxx += x * x;
      sxy += x * y;
    }
  }
  if (n < 3) return primary;
  const slope = (n * sxy - sx * sy) / (n * sxx - sx * sx);
  const intercept = (sy - slope * sx) / n;
  const out = new Map<string, Map<number, number>>();
  for (const [id, years] of primary) out.set(id, new Map(years));
  for (const [id, years] of proxy) {
    for (const [year, x] of years) {
      if (!Number.isFinite(x)) continue;
      let own = out.get(id);
      if (!own) out.set(id, (own = new Map()));
      if (!own.has(year)) own.set(year, intercept + slope * x);
    }
  }
  return out;
}

/** Growth in percent of a level series: 100 (x_t − x_{t−1}) / x_{t−1}. */
export function growthOf(levels: Series): Series {
  const out = new Map<string, Map<number, number>>();
  for (const [id, years] of levels) {
    const own = new Map<number, number>();
    for (const [year, x] of years) {
      const before = years.get(year - 1);
      if (before !== undefined && before !== 0) own.set(year, (100 * (x - before)) / before);
    }
    out.set(id, own);
  }
  return out;
}

/**
 * Builds the modelling table for the years `TABLE_FIRST_YEAR` to `toYear` (default: the last
 * year of the V-Dem derived data, the table's backbone). Throws when a source a predictor
 * needs is absent altogether; a source that ends before the table does is a note, and its
 * cells after its end are missing (NaN) unless the reference carries it forward.
 */
export function buildModellingTable(inputs: TableInputs, toYear?: number): ModellingTable {
  const missing = Object.entries(PREDICTOR_SOURCES).filter(([, sources]) =>
    sources.some((s) => !inputs.series.has(s) || inputs.series.get(s)!.size === 0),
  );
  if (missing.length > 0) {
    throw new Error(
      missing.map(([p, s]) => `predictor ${p}: no data of ${s.join(', ')} in the store`).join('; '),
    );
  }
  if (inputs.frame.length === 0)
    throw new Error('no country frame: the outcome panel (ewp-base) is not in the store');
  const series = (name: string) =>
    inputs.series.get(name) ?? new Map<string, Map<number, number>>();
  const sourceEnds: Record<string, number> = {};
  for (const [name, s] of inputs.series) sourceEnds[name] = lastYearOf(s);
  const population = fillFromProxy(log2Of(series(RAW.population!)), series(RAW.populationProxy!));
  const gdpGrowth = fillFromProxy(series(RAW.gdpGrowth!), growthOf(series(RAW.gdpProxy!)));
  const backbone = lastYearOf(series(RAW.minorityrule!));
  const last = toYear ?? backbone;
  const notes: TableNote[] = [];
  for (const [predictor, sources] of Object.entries(PREDICTOR_SOURCES)) {
    for (const s of sources) {
      if (sourceEnds[s]! < last) {
        const carried = ['efindex', 'discrimpop', 'ios.iccpr1', 'gdppcgrowth'].includes(predictor);
        notes.push({
          predictor,
          source: s,
          message: `${s} ends in ${sourceEnds[s]}: ${predictor} ${carried ? `carries its last value forward to ${last}` : `is missing after ${sourceEnds[s]}`}`,
        });
      }
    }
  }
  if (inputs.episodesCodedTo < last) {
    notes.push({
      predictor: 'mass-killing history',
      source: 'ewp-episodes',
      message: `the episode list codes onsets to ${inputs.episodesCodedTo}: after that no onset is known, episodes under way at its end stay under way, and the outcomes of later years are unknown`,
    });
  }

  const frameYears = new Map<string, TableFrameRow>();
  for (const f of inputs.frame) frameYears.set(f.countryId, f);
  const inFrame = (id: string, year: number) => {
    const f = frameYears.get(id);
    return f !== undefined && year >= f.firstYear && year <= f.lastYear;
  };
  const mk = episodeCells(inputs, inFrame);
  const mkAt = (id: string, year: number) => mk.get(`${id}|${year}`);
  const onsetAt = (id: string, year: number): number => {
    if (year > inputs.episodesCodedTo) return NaN;
    return (mkAt(id, year)?.onsets ?? 0) > 0 ? 1 : 0;
  };

  const value = (name: string, id: string, year: number) => series(name).get(id)?.get(year) ?? NaN;
  const column = new Map(TABLE_COLUMNS.map((c, j) => [c, j]));
  const rows: ModellingTable['rows'] = [];
  const noValue = new Map<string, Set<string>>();
  const ucdpEnd = sourceEnds[RAW.battleDeaths!]!;
  const coupsEnd = sourceEnds[RAW.coups!]!;

  // Onsets counted to the end of each country, for the country that continues it.
  const onsetsAtEnd = new Map<string, number>();
  const order = [...inputs.frame].sort(
    (a, b) => a.firstYear - b.firstYear || (a.countryId < b.countryId ? -1 : 1),
  );
  for (const f of order) {
    // Per-country running state over the whole frame (from 1934), for carried values.
    let gdp = NaN;
    let efindex = NaN;
    let discrim = NaN;
    let iccpr = NaN;
    let lastCoup = -Infinity;
    let cumulativeOnsets = f.continues === undefined ? 0 : (onsetsAtEnd.get(f.continues) ?? 0);
    const firstOf = (name: string) => {
      const years = series(name).get(f.countryId);
      if (!years) return NaN;
      let first = Infinity;
      for (const y of years.keys()) if (y >= f.firstYear && y < first) first = y;
      return first === Infinity ? NaN : years.get(first)!;
    };
    // Back-filled values: the first value of the country (the reference fills backwards too).
    const efindexFirst = firstOf(RAW.fractionalisation!);
    const discrimFirst = firstOf(RAW.discrimination!);
    const end = Math.min(f.lastYear, last);
    for (let t = f.firstYear; t <= end; t++) {
      const id = f.countryId;
      gdp = gdpGrowth.get(id)?.get(t) ?? gdp;
      const ef = value(RAW.fractionalisation!, id, t);
      if (!Number.isNaN(ef)) efindex = ef;
      const dp = value(RAW.discrimination!, id, t);
      if (!Number.isNaN(dp)) discrim = dp;
      const ic = value(RAW.iccpr!, id, t);
      if (!Number.isNaN(ic)) iccpr = ic;
      if (value(RAW.coups!, id, t) > 0) lastCoup = t;
      if (COUP_CREATED[id] !== undefined && t >= COUP_CREATED[id]! && t <= COUP_CREATED[id]! + 5)
        lastCoup = Math.max(lastCoup, COUP_CREATED[id]!);
      const onset = onsetAt(id, t);
      if (onset === 1) cumulativeOnsets++;
      if (t < TABLE_FIRST_YEAR) continue;

      const v = new Array<number>(TABLE_COLUMNS.length).fill(NaN);
      const set = (name: string, x: number) => (v[column.get(name)!] = x);
      for (const d of VDEM_DERIVED) set(d, value(RAW[d]!, id, t));
      // The reference's prepared table codes civil-society repression 1 only where V-Dem's
      // ordinal is 0 (severe); the V-Dem derived file has the wider 2025 coding (0 to 2).
      const csRepression = value(RAW.civilSocietyRepression!, id, t);
      set('repress_civilsoc', Number.isNaN(csRepression) ? NaN : +(csRepression === 0));
      set('popsize.log2', population.get(id)?.get(t) ?? NaN);
      set('gdppcgrowth', gdp);
      set('un_imr_sqrt', Math.sqrt(value(RAW.infantMortality!, id, t)));
      set(
        'efindex',
        Number.isNaN(efindex)
          ? Number.isNaN(efindexFirst)
            ? (inputs.efindexFallback[id] ?? NaN)
            : efindexFirst
          : efindex,
      );
      set('discrimpop', Number.isNaN(discrim) ? discrimFirst : discrim);
      const region = inputs.regions[id];
      for (const r of REGIONS.slice(1))
        set(`reg.${r}`, region === undefined ? NaN : +(region === r));
      set('ios.iccpr1', iccpr);
      set(
        'battledeaths.log2',
        t > ucdpEnd
          ? NaN
          : Math.log2(
              (Number.isNaN(value(RAW.battleDeaths!, id, t))
                ? 0
                : value(RAW.battleDeaths!, id, t)) + 1,
            ),
      );
      set('coup.try.5yr', t > coupsEnd ? NaN : +(t - lastCoup <= 4));
      set('coup.try.2yr', t > coupsEnd ? NaN : +(t - lastCoup <= 1));
      const pts = [RAW.ptsAmnesty!, RAW.ptsHumanRights!, RAW.ptsState!]
        .map((name) => value(name, id, t))
        .filter((x) => !Number.isNaN(x));
      set('pts_max', pts.length ? Math.max(...pts) : NaN);
      set('vdem_killings', value(RAW.killings!, id, t));
      set('vdem_torture', value(RAW.torture!, id, t));
      set('vdem_cso_repression', value(RAW.csoRepression!, id, t));
      set('killings_change3', value(RAW.killings!, id, t) - value(RAW.killings!, id, t - 3));
      set(
        'physint_change3',
        value(RAW.physicalIntegrity!, id, t) - value(RAW.physicalIntegrity!, id, t - 3),
      );
      const deaths = (year: number) =>
        year > ucdpEnd ? NaN : Math.log2((series(RAW.battleDeaths!).get(id)?.get(year) ?? 0) + 1);
      set('battledeaths_trend2', deaths(t) - deaths(t - 2));
      const cell = mkAt(id, t);
      set('widetargeting', +(cell?.wide ?? false));
      set('narrowtargeting', +(cell?.narrow ?? false));
      set('mk_ongoing_count_log2', Math.log2((cell?.ongoing ?? 0) + 1));
      set('mean_mk_onset_interaction', cumulativeOnsets);
      const before = t === f.firstYear ? f.continues : id;
      const previous = before === undefined ? 0 : onsetAt(before, t - 1);
      set('mk_onset_prev_year', Number.isNaN(previous) ? 0 : previous);
      set('mk_ever', +((cell?.locationEver ?? false) || (cell?.responsibleEver ?? false)));
      const age = t - f.independenceYear;
      set('newcountry', +(age <= 2));
      set('countryage.new.log2', Math.log2(age + 1));
      set('year', t);
      set('year_sq', t * t);
      set('includesnonstate', +(t >= 1989));
      // Outcomes: a lead beyond the country's frame counts as no onset (the reference's
      // "either year" window), a lead beyond the episode list is unknown.
      const lead = (k: number) =>
        t + k > inputs.episodesCodedTo ? NaN : t + k > f.lastYear ? 0 : onsetAt(id, t + k);
      set('mk_onset', onset);
      set('mk_onset_1', lead(1));
      set('mk_onset_2', lead(2));
      const l1 = lead(1);
      const l2 = lead(2);
      set(
        'mk_onset_1or2',
        l1 === 1 || l2 === 1 ? 1 : Number.isNaN(l1) || Number.isNaN(l2) ? NaN : 0,
      );
      if (t === last) {
        for (const p of REFERENCE_PREDICTORS) {
          if (Number.isNaN(v[column.get(p)!]!)) {
            const set = noValue.get(p) ?? new Set<string>();
            set.add(id);
            noValue.set(p, set);
          }
        }
      }
      rows.push({ countryId: id, year: t, values: v });
    }
    onsetsAtEnd.set(f.countryId, cumulativeOnsets);
  }
  for (const [predictor, ids] of noValue) {
    notes.push({
      predictor,
      source: (PREDICTOR_SOURCES[predictor] ?? ['derived']).join(', '),
      message: `${predictor} is missing in ${last} for ${ids.size} ${ids.size === 1 ? 'country' : 'countries'}`,
      countries: [...ids].sort(),
    });
  }
  rows.sort((a, b) => a.year - b.year || (a.countryId < b.countryId ? -1 : 1));
  return {
    columns: TABLE_COLUMNS,
    rows,
    firstYear: TABLE_FIRST_YEAR,
    lastYear: last,
    episodesCodedTo: inputs.episodesCodedTo,
    sourceEnds,
    notes,
  };
}

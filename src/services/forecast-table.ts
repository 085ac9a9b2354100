import { readFileSync } from 'node:fs';
import type { CountryRegistry } from '../core/countries/registry.js';
import { InputError } from '../core/errors.js';
import type { PanelValue } from '../core/forecast/dataset.js';
import {
  buildModellingTable,
  RAW,
  REFERENCE_PREDICTORS,
  REGIONS,
  TABLE_COLUMNS,
} from '../core/forecast/table.js';
import type {
  ModellingTable,
  Region,
  Series,
  TableEpisode,
  TableFrameRow,
} from '../core/forecast/table.js';
import type { Store } from '../store/database.js';
import { listEpisodes } from '../store/episodes-repository.js';
import { observationsAsOf } from '../store/observations-repository.js';
import { contentDir } from './content.js';
import { loadCountryRegistry } from './countries.js';

/** The source name model specifications use for the project's own modelling table. */
export const TABLE_SOURCE = 'lens-table';

/** The EWP prepared table's source kind (what the table is checked against). */
export const PREPARED_SOURCE = 'ewp-predictors';

const FRAME = ['ewp-base:datastartyear', 'ewp-base:dataendyear', 'ewp-base:independence_year'];
const CODED = 'ewp-base:mk_onset';

/** Today's date as an ISO day (the default as-of date). */
function today(): string {
  return new Date().toISOString().slice(0, 10);
}

/** The regions and fallback fractionalisation shipped in `content/forecast`. */
function readStatics(dir: string): {
  regions: Record<string, Region>;
  efindexFallback: Record<string, number>;
} {
  const read = (name: string) => {
    const file = `${dir}/${name}`;
    try {
      return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    } catch (error) {
      throw new InputError(`cannot read ${name}: ${(error as Error).message}`, { file });
    }
  };
  const regionsDoc = read('regions.json').regions as Record<string, string[]>;
  const regions: Record<string, Region> = {};
  for (const [region, ids] of Object.entries(regionsDoc)) {
    if (!(REGIONS as readonly string[]).includes(region))
      throw new InputError(`unknown region "${region}"`, {
        file: `${dir}/regions.json`,
        expected: `one of ${REGIONS.join(', ')}`,
      });
    for (const id of ids) regions[id] = region as Region;
  }
  const efindexFallback = read('ethnic-fractionalization.json').values as Record<string, number>;
  return { regions, efindexFallback };
}

/**
 * Builds the modelling table from the raw sources in the store as known on `asOf` (ISO date,
 * default today): every value counts from the date it became public, and the episode list is
 * the newest release public by then.
 */
export async function buildTable(
  store: Store,
  options: {
    asOf?: string;
    toYear?: number;
    contentPath?: string;
    registry?: CountryRegistry;
  } = {},
): Promise<ModellingTable> {
  const asOf = options.asOf ?? today();
  const names = [...new Set(Object.values(RAW))];
  const [values, frameValues, episodes] = await Promise.all([
    observationsAsOf(store, { variables: names, asOf }),
    observationsAsOf(store, { variables: [...FRAME, CODED], asOf }),
    listEpisodes(store, asOf),
  ]);
  const series = new Map<string, Map<string, Map<number, number>>>();
  for (const v of values) {
    if (v.value === null) continue;
    let byCountry = series.get(v.variable);
    if (!byCountry) series.set(v.variable, (byCountry = new Map()));
    let byYear = byCountry.get(v.countryId);
    if (!byYear) byCountry.set(v.countryId, (byYear = new Map()));
    byYear.set(v.year, v.value);
  }
  // The frame: each country's years in the outcome panel; a country still present in the
  // panel's last year lasts to its `dataendyear`.
  const spans = new Map<
    string,
    { first: number; last: number; end: number; independence: number }
  >();
  let codedTo = -Infinity;
  for (const v of frameValues) {
    const s = spans.get(v.countryId) ?? {
      first: Infinity,
      last: -Infinity,
      end: NaN,
      independence: NaN,
    };
    s.first = Math.min(s.first, v.year);
    s.last = Math.max(s.last, v.year);
    if (v.variable === 'ewp-base:dataendyear' && v.value !== null) s.end = v.value;
    if (v.variable === 'ewp-base:independence_year' && v.value !== null) s.independence = v.value;
    if (v.variable === CODED) codedTo = Math.max(codedTo, v.year);
    spans.set(v.countryId, s);
  }
  if (spans.size === 0) {
    throw new InputError(`no outcome panel (ewp-base) known on ${asOf}`, {
      expected: 'an import of the EWP base data first, e.g. lens sync --only ewp-base',
    });
  }
  if (episodes.length === 0) {
    throw new InputError(`no mass-killing episode list known on ${asOf}`, {
      expected: 'an import of it first, e.g. lens sync --only ewp-episodes',
    });
  }
  const registry = options.registry ?? loadCountryRegistry();
  const cowOf = (id: string, year: number) => {
    const country = registry.byId(id);
    return country ? registry.codesOf(country, year).cow : undefined;
  };
  const frame: TableFrameRow[] = [...spans].map(([countryId, s]) => ({
    countryId,
    firstYear: s.first,
    lastYear: s.last < codedTo || Number.isNaN(s.end) ? s.last : Math.max(s.last, s.end),
    independenceYear: s.independence,
  }));
  // A country whose first year follows another's last under the same COW code continues it
  // (the reference keys its panel by COW code: Serbia 2006 on continues Yugoslavia).
  for (const f of frame) {
    const cow = cowOf(f.countryId, f.firstYear);
    const before = frame.find(
      (g) =>
        g.lastYear === f.firstYear - 1 &&
        cow !== undefined &&
        cowOf(g.countryId, g.lastYear) === cow,
    );
    if (before) f.continues = before.countryId;
  }
  const tableEpisodes: TableEpisode[] = episodes.map((e) => ({
    code: e.code,
    startYear: e.startYear,
    endYear: e.endYear,
    ethnicGroups: e.ethnicGroups,
    location: e.locationCow,
    responsible: e.responsibleCow,
  }));
  const statics = readStatics(options.contentPath ?? contentDir('forecast'));
  try {
    return buildModellingTable(
      {
        frame,
        series: series as ReadonlyMap<string, Series>,
        episodes: tableEpisodes,
        episodesCodedTo: codedTo,
        ...statics,
        countryOf: (cow, year) => registry.fromCode('cow', cow, year)?.id,
      },
      options.toYear,
    );
  } catch (error) {
    throw new InputError(`modelling table as of ${asOf}: ${(error as Error).message}`, {
      expected: 'the raw sources imported first (lens sync)',
    });
  }
}

/** The table's cells as panel values (for `buildPanel`). */
export function tableValues(table: ModellingTable): PanelValue[] {
  return table.rows.flatMap((r) =>
    table.columns.map((variable, j) => ({
      countryId: r.countryId,
      year: r.year,
      variable,
      value: Number.isNaN(r.values[j]!) ? null : r.values[j]!,
    })),
  );
}

/** CSV of the table: `country_id,year,` then the columns (empty cell: missing). */
export function tableToCsv(table: ModellingTable): string {
  const lines = [['country_id', 'year', ...table.columns].join(',')];
  for (const r of table.rows) {
    lines.push(
      [r.countryId, r.year, ...r.values.map((v) => (Number.isNaN(v) ? '' : String(v)))].join(','),
    );
  }
  return lines.join('\n') + '\n';
}

/** How one column of the table agrees with the prepared table on the country-years both have. */
export interface ColumnAgreement {
  column: string;
  /** Country-years where both have a value. */
  shared: number;
  /** Share of those where the values are equal (to 1e-6, relative for large values). */
  shareEqual: number;
  /** Pearson correlation (null when either side is constant). */
  correlation: number | null;
  /** Country-years where one side has a value and the other not. */
  missingHere: number;
  missingThere: number;
}

/** The table against the EWP prepared table. */
export interface TableComparison {
  /** Country-years in both tables. */
  countryYears: number;
  onlyHere: number;
  onlyThere: number;
  columns: ColumnAgreement[];
}

/** Equal to 1e-6, relative to the size of the values. */
function equal(a: number, b: number): boolean {
  return Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(a), Math.abs(b));
}

function correlation(xs: number[], ys: number[]): number | null {
  const n = xs.length;
  if (n < 2) return null;
  const mx = xs.reduce((s, v) => s + v, 0) / n;
  const my = ys.reduce((s, v) => s + v, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (xs[i]! - mx) * (ys[i]! - my);
    sxx += (xs[i]! - mx) ** 2;
    syy += (ys[i]! - my) ** 2;
  }
  return sxx === 0 || syy === 0 ? null : sxy / Math.sqrt(sxx * syy);
}

/**
 * Compares the table with the EWP prepared table in the store (the latest release known on
 * `asOf`), per column on every country-year both tables have.
 */
export async function compareWithPrepared(
  store: Store,
  table: ModellingTable,
  asOf = today(),
): Promise<TableComparison> {
  const columns = [
    ...REFERENCE_PREDICTORS.filter((p) => p !== 'year'),
    'mk_onset',
    'mk_onset_1or2',
  ];
  const values = await observationsAsOf(store, {
    variables: columns.map((c) => `${PREPARED_SOURCE}:${c}`),
    asOf,
  });
  if (values.length === 0) {
    throw new InputError(
      `the store has no EWP prepared table (${PREPARED_SOURCE}) known on ${asOf}`,
      {
        expected: `an import of it first, e.g. lens sync --only ${PREPARED_SOURCE}`,
      },
    );
  }
  const prefix = PREPARED_SOURCE.length + 1;
  const there = new Map<string, Map<string, number>>();
  for (const v of values) {
    const key = `${v.countryId}|${v.year}`;
    let row = there.get(key);
    if (!row) there.set(key, (row = new Map()));
    if (v.value !== null) row.set(v.variable.slice(prefix), v.value);
  }
  const here = new Map(table.rows.map((r) => [`${r.countryId}|${r.year}`, r]));
  const shared = [...there.keys()].filter((k) => here.has(k));
  const index = new Map(TABLE_COLUMNS.map((c, j) => [c, j]));
  return {
    countryYears: shared.length,
    onlyHere: [...here.keys()].filter(
      (k) => !there.has(k) && Number(k.split('|')[1]) <= maxYear(there),
    ).length,
    onlyThere: there.size - shared.length,
    columns: columns.map((column) => {
      const xs: number[] = [];
      const ys: number[] = [];
      let same = 0;
      let missingHere = 0;
      let missingThere = 0;
      for (const key of shared) {
        const a = here.get(key)!.values[index.get(column)!]!;
        const b = there.get(key)!.get(column);
        if (b === undefined && Number.isNaN(a)) continue;
        if (b === undefined) missingThere++;
        else if (Number.isNaN(a)) missingHere++;
        else {
          xs.push(a);
          ys.push(b);
          if (equal(a, b)) same++;
        }
      }
      return {
        column,
        shared: xs.length,
        shareEqual: xs.length === 0 ? 0 : same / xs.length,
        correlation: correlation(xs, ys),
        missingHere,
        missingThere,
      };
    }),
  };
}

function maxYear(rows: Map<string, unknown>): number {
  let max = -Infinity;
  for (const k of rows.keys()) max = Math.max(max, Number(k.split('|')[1]));
  return max;
}

import { InputError } from '../core/errors.js';
import { parseInteger, parseNumber } from './csv.js';
import { normaliseCode } from './country-year.js';
import { readSheetHeaders } from './spreadsheet.js';
import { openTable } from './table.js';
import type { CountryKey, ObservationRecord, OnProgress, SourceDescriptor } from './types.js';

/**
 * The four PITF problem sets, recognised per row by `PTYPE` (1–4) and by their magnitude
 * columns. `prefix` starts the name of every variable the set contributes.
 */
export const PITF_SETS = {
  1: {
    prefix: 'ethnic_war',
    title: 'ethnic war',
    magnitude: 'AVEMAG',
    components: { fight: 'MAGFIGHT', fatal: 'MAGFATAL', area: 'MAGAREA' },
  },
  2: {
    prefix: 'revolutionary_war',
    title: 'revolutionary war',
    magnitude: 'AVEMAG',
    components: { fight: 'MAGFIGHT', fatal: 'MAGFATAL', area: 'MAGAREA' },
  },
  3: {
    prefix: 'adverse_regime_change',
    title: 'adverse regime change',
    magnitude: 'MAGAVE',
    components: { fail: 'MAGFAIL', col: 'MAGCOL', viol: 'MAGVIOL' },
  },
  4: {
    prefix: 'genopoliticide',
    title: 'genocide or politicide',
    magnitude: 'DEATHMAG',
    components: {},
  },
} as const satisfies Record<
  number,
  { prefix: string; title: string; magnitude: string; components: Record<string, string> }
>;

type SetCode = keyof typeof PITF_SETS;
type PitfSet = (typeof PITF_SETS)[SetCode];

/** PITF codes an unknown magnitude as 9 in every magnitude column. */
const UNKNOWN_MAGNITUDE = 9;

const SIGNATURE = ['COUNTRY', 'SCODE', 'CCODE', 'YEAR', 'PTYPE', 'YRBEGIN', 'YREND'];

/**
 * Per country-year and problem set with prefix P, from the episode-year rows listed there:
 * - `P`: 1 (the set lists the country-year; years it does not list are absent, not 0);
 * - `P_episodes`: number of episodes (rows) under way that year;
 * - `P_onset`: 1 if one of them began that year (`YRBEGIN` = `YEAR`), else 0;
 * - `P_mag`: the largest composite magnitude among them (`AVEMAG` for wars, `MAGAVE` for
 *   adverse regime changes, `DEATHMAG` for genocides and politicides);
 * - wars: `P_fight`, `P_fatal`, `P_area`, the largest `MAGFIGHT`, `MAGFATAL`, `MAGAREA`;
 *   adverse regime changes: `P_fail`, `P_col`, `P_viol` from `MAGFAIL`, `MAGCOL`, `MAGVIOL`.
 * Magnitudes coded 9 (unknown) are ignored; null when no episode's magnitude is known.
 */
export function pitfVariableNames(set: PitfSet): string[] {
  const p = set.prefix;
  return [
    p,
    `${p}_episodes`,
    `${p}_onset`,
    `${p}_mag`,
    ...Object.keys(set.components).map((c) => `${p}_${c}`),
  ];
}

interface Group {
  line: number;
  ccode: string;
  year: number;
  label: string;
  name: string;
  values: Record<string, number | null>;
}

/**
 * Reads a PITF problem-set file, as published (.xls, first sheet) or saved as CSV, and
 * aggregates its episode-year rows to country-years (several episodes can share one, e.g.
 * two ethnic wars in the Central African Republic in 2013). Keys: `CCODE` (COW), then
 * `COUNTRY` (blank on some rows; `SCODE` labels those). Records come sorted by code and
 * year; `line` is the first row of the group.
 */
export async function* readPitf(
  path: string,
  onProgress?: OnProgress,
): AsyncGenerator<ObservationRecord, void, undefined> {
  const table = await openTable(path, { required: SIGNATURE, onProgress });
  const at = (name: string) => table.indexOf(name);
  const [countryAt, scodeAt, ccodeAt, yearAt, typeAt, beginAt] = [
    'COUNTRY',
    'SCODE',
    'CCODE',
    'YEAR',
    'PTYPE',
    'YRBEGIN',
  ].map(at) as [number, number, number, number, number, number];
  const groups = new Map<string, Group>();
  for await (const { line, fields } of table) {
    const f = (i: number) => (i >= 0 ? (fields[i] as string).trim() : '');
    const typeText = f(typeAt);
    const set = PITF_SETS[Number(typeText) as SetCode] as PitfSet | undefined;
    if (set === undefined) {
      throw new InputError(`"${typeText}" is not a PITF problem type`, {
        file: path,
        line,
        column: 'PTYPE',
        expected:
          '1 (ethnic war), 2 (revolutionary war), 3 (adverse regime change) or 4 (genocide/politicide)',
      });
    }
    const columns = [set.magnitude, ...Object.values(set.components)];
    const absent = columns.filter((c) => at(c) < 0);
    if (absent.length > 0) {
      throw new InputError(
        `a row of type ${typeText} (${set.title}) needs columns the header lacks: ${absent.join(', ')}`,
        {
          file: path,
          line,
          column: absent[0],
          expected: `the ${set.title} columns ${columns.join(', ')}`,
        },
      );
    }
    const ccode = normaliseCode(f(ccodeAt), 'cow', path, line, 'CCODE');
    const year = parseInteger(f(yearAt), path, line, 'YEAR', 'a year');
    const begin = parseInteger(f(beginAt), path, line, 'YRBEGIN', 'a start year');
    // PITF numbers states as Polity does (the registry's `polity` system), which differs
    // from COW after some splits: Sudan is 626 from 2011, while COW gives 626 to South Sudan,
    // and the file lists Sudan 2011 under both 625 and 626. Rows are grouped by the PITF's
    // own state code (SCODE), which does not change.
    const key = `${f(scodeAt) || ccode}\u0001${year}`;
    let group = groups.get(key);
    if (group === undefined) {
      group = { line, ccode, year, label: '', name: '', values: {} };
      groups.set(key, group);
    }
    group.name ||= f(countryAt);
    group.label ||= f(countryAt) || f(scodeAt);
    const p = set.prefix;
    const v = group.values;
    v[p] = 1;
    v[`${p}_episodes`] = (v[`${p}_episodes`] ?? 0) + 1;
    v[`${p}_onset`] = Math.max(v[`${p}_onset`] ?? 0, begin === year ? 1 : 0);
    v[`${p}_mag`] = maxKnown(
      v[`${p}_mag`],
      magnitude(f(at(set.magnitude)), path, line, set.magnitude),
    );
    for (const [suffix, column] of Object.entries(set.components)) {
      const name = `${p}_${suffix}`;
      v[name] = maxKnown(v[name], magnitude(f(at(column)), path, line, column));
    }
  }
  const sorted = [...groups.values()].sort(
    (a, b) => Number(a.ccode) - Number(b.ccode) || a.year - b.year,
  );
  for (const g of sorted) {
    const keys: CountryKey[] = [{ system: 'polity', code: g.ccode }];
    if (g.name !== '') keys.push({ system: 'name', code: g.name });
    yield { line: g.line, keys, label: g.label || g.ccode, year: g.year, values: g.values };
  }
}

function magnitude(text: string, file: string, line: number, column: string): number | null {
  const n = parseNumber(text, file, line, column);
  return n === UNKNOWN_MAGNITUDE ? null : n;
}

function maxKnown(a: number | null | undefined, b: number | null): number | null {
  if (a === undefined || a === null) return b;
  return b === null ? a : Math.max(a, b);
}

/**
 * PITF problem sets (ethnic war, revolutionary war, adverse regime change, genocide and
 * politicide). Publication lag: the 2014 release (data through 2014) was posted by the Center
 * for Systemic Peace in 2015; we use 12 months.
 */
export const pitf: SourceDescriptor = {
  kind: 'pitf',
  title: 'PITF State Failure problem sets (country-year aggregates)',
  publisher: 'Political Instability Task Force; distributed by the Center for Systemic Peace',
  licence: 'Free for non-commercial research use with citation (Center for Systemic Peace terms).',
  citation:
    'Marshall, Monty G., Ted Robert Gurr and Barbara Harff (2015). PITF State Failure Problem Set, 1955–2014: Internal Wars and Failures of Governance; PITF Genocides and Politicides, 1955–2014. Center for Systemic Peace. https://www.systemicpeace.org/inscrdata.html',
  url: 'https://www.systemicpeace.org/inscrdata.html',
  version: '2014',
  publicationLagMonths: 12,
  signature: SIGNATURE,
  sniff: async (path) => {
    const headers = await readSheetHeaders(path);
    const first = headers?.values().next().value;
    return first !== undefined && SIGNATURE.every((c) => first.includes(c));
  },
  readObservations: readPitf,
};

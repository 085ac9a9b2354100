// Every row of every country-year file in the shared data must resolve to a country (by code
// and year, or by name and year where a file has only names), or be a documented non-country
// row; where a row carries several keys, they must agree. Disagreements are allowed only
// when the two countries are linked by succession and one of them did not exist that year
// (a back-cast or a stale label), or in the year one state took over from the other, or when
// listed in EXCEPTIONS with the reason.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { parse } from 'csv-parse/sync';
import { covers, type AnyCodeSystem } from '../../../src/core/countries/registry.js';
import type { Country } from '../../../src/core/countries/types.js';
import { loadCountryRegistry } from '../../../src/services/countries.js';
import { sharedFile } from '../../support/shared-data.js';

const registry = loadCountryRegistry();

interface KeySpec {
  column: string;
  system: AnyCodeSystem | 'name';
  /** Cell values meaning "no value" (default: the empty cell). */
  missing?: readonly string[];
  /** Separator when one cell holds several countries (UCDP). */
  split?: string;
}

interface FileSpec {
  path: readonly string[];
  encoding?: 'latin1';
  /** The year column; absent for files without years. */
  year?: string;
  keys: readonly KeySpec[];
  /** A name may agree with any of these keys (the EWP episode label names the location or the perpetrator). */
  nameMatchesAnyCode?: boolean;
}

const NA = ['', 'NA'];

const FILES: readonly FileSpec[] = [
  {
    path: ['ewp', 'prepared-predictors-2025.dev-to-2012.csv'],
    year: 'year',
    keys: [
      { column: 'ccode', system: 'cow' },
      { column: 'ewp_name', system: 'name' },
    ],
  },
  {
    path: ['ewp', 'basedata-2025.dev-to-2014.csv'],
    year: 'year',
    keys: [
      { column: 'ccode', system: 'cow' },
      { column: 'country', system: 'name' },
      { column: 'ewp_name', system: 'name' },
    ],
  },
  {
    path: ['ewp', 'country-names.csv'],
    keys: [
      { column: 'ccode', system: 'cow' },
      { column: 'country', system: 'name' },
      { column: 'ewp_name', system: 'name' },
    ],
  },
  {
    path: ['ewp', 'mass-killing-episodes-2025.dev-to-2014.csv'],
    year: 'startyear',
    keys: [
      { column: 'mk_location_cow', system: 'cow' },
      { column: 'mk_repsonsible_state_cow', system: 'cow' },
      { column: 'country', system: 'name' },
    ],
    nameMatchesAnyCode: true,
  },
  {
    path: ['inputs', 'wdi-extract.csv'],
    year: 'year',
    keys: [
      { column: 'iso3c', system: 'iso3' },
      { column: 'iso2c', system: 'iso2' },
      { column: 'ccode', system: 'cow' },
      { column: 'country', system: 'name' },
    ],
  },
  {
    path: ['inputs', 'vdem-v14-subset.csv'],
    year: 'year',
    keys: [
      { column: 'country_id', system: 'vdem' },
      { column: 'country_text_id', system: 'vdemText' },
      { column: 'country_name', system: 'name' },
    ],
  },
  {
    path: ['inputs', 'vdem-ewp-derived.csv'],
    year: 'year',
    keys: [
      { column: 'COWcode', system: 'cow' },
      { column: 'country_name', system: 'name' },
    ],
  },
  {
    path: ['inputs', 'ucdp-battle-deaths-v25.1.csv'],
    year: 'year',
    keys: [
      { column: 'gwno_loc', system: 'gw', split: ',' },
      { column: 'location_inc', system: 'name', split: ', ' },
    ],
  },
  {
    path: ['inputs', 'epr-country-year.csv'],
    year: 'year',
    keys: [
      { column: 'countries_gwid', system: 'gw' },
      { column: 'countryname', system: 'name' },
    ],
  },
  {
    path: ['inputs', 'powell-thyne-coups.csv'],
    year: 'year',
    keys: [{ column: 'gwcode', system: 'gw' }],
  },
  {
    path: ['inputs', 'coups-country-year.csv'],
    year: 'year',
    keys: [
      { column: 'ccode', system: 'cow' },
      { column: 'country', system: 'name' },
    ],
  },
  {
    path: ['inputs', 'political-terror-scale-2024.csv'],
    encoding: 'latin1',
    year: 'Year',
    keys: [
      { column: 'COW_Code_N', system: 'cow', missing: NA },
      { column: 'WordBank_Code_A', system: 'iso3', missing: NA },
      { column: 'UN_Code_N', system: 'isoN', missing: NA },
      { column: 'Country', system: 'name', missing: NA },
      { column: 'Country_OLD', system: 'name', missing: NA },
    ],
  },
  {
    path: ['inputs', 'polity5.csv'],
    year: 'year',
    keys: [{ column: 'country', system: 'name' }],
  },
  {
    path: ['inputs', 'un-infant-mortality.csv'],
    year: 'year',
    keys: [
      { column: 'iso3c', system: 'iso3' },
      { column: 'ccode', system: 'cow' },
    ],
  },
  {
    path: ['inputs', 'hief-ethnic-fractionalization.csv'],
    year: 'Year',
    keys: [{ column: 'Country', system: 'name' }],
  },
  {
    path: ['inputs', 'iccpr-optional-protocol.csv'],
    year: 'year',
    keys: [
      { column: 'ccode', system: 'cow' },
      { column: 'country', system: 'name' },
    ],
  },
  // PITF numbers countries the Polity way (CCODE): 626 is Sudan after 2011, not South
  // Sudan; 347 is Serbia and Montenegro, not Kosovo. Read as COW, those rows would land on
  // the wrong state, so CCODE is read in the registry's `polity` system.
  ...['adverse-regime-change', 'ethnic-war', 'genopoliticide', 'revolutionary-war'].map(
    (kind): FileSpec => ({
      path: ['inputs', `pitf-${kind}-2014.csv`],
      year: 'YEAR',
      keys: [
        { column: 'CCODE', system: 'polity' },
        { column: 'COUNTRY', system: 'name' },
      ],
    }),
  ),
];

/** Disagreements checked by hand: file, the row's label, its year, and why. */
const EXCEPTIONS: readonly { file: string; label: string; year: number; reason: string }[] = [
  {
    file: 'mass-killing-episodes-2025.dev-to-2014.csv',
    label: 'Guatemala',
    year: 1954,
    reason:
      "episode gtm1954s1 (Guatemala, 1954-1996) carries El Salvador's COW code 92 as location and perpetrator; the name and the episode code say Guatemala (90)",
  },
  {
    file: 'mass-killing-episodes-2025.dev-to-2014.csv',
    label: 'Yemen',
    year: 1986,
    reason:
      'episode ymd1986s1 (South Yemen, 1986) is labelled "Yemen"; its COW code 680 (South Yemen) is right',
  },
];

interface Tally {
  rows: number;
  matched: number;
  nonCountry: number;
  unmatched: Map<string, number>;
  succession: number;
  excepted: number;
  disagreements: Map<string, number>;
  outsideExistence: Map<string, number>;
  duplicates: Map<string, number>;
}

describe('every country-year row of the shared data resolves', () => {
  for (const spec of FILES) {
    const file = spec.path[spec.path.length - 1] ?? '';
    test(file, (t) => {
      const tally = check(spec);
      t.diagnostic(
        `${file}: ${tally.rows} rows, ${tally.matched} matched, ${tally.nonCountry} non-country, ` +
          `${sum(tally.unmatched)} unmatched; keys disagree: ${tally.succession} linked by succession, ` +
          `${tally.excepted} listed exceptions, ${sum(tally.disagreements)} unexplained; ` +
          `${sum(tally.outsideExistence)} rows outside the state's existence (${examples(tally.outsideExistence)}), ` +
          `${sum(tally.duplicates)} repeated country-years (${examples(tally.duplicates)})`,
      );
      assert.deepEqual(top(tally.unmatched), [], `${file}: rows that resolve to no country`);
      assert.deepEqual(
        top(tally.disagreements),
        [],
        `${file}: rows whose keys name different countries`,
      );
      assert.equal(tally.matched + tally.nonCountry, tally.rows);
    });
  }
});

function check(spec: FileSpec): Tally {
  const file = spec.path[spec.path.length - 1] ?? '';
  const bytes = readFileSync(sharedFile(...spec.path));
  const text =
    spec.encoding === 'latin1' ? new TextDecoder('latin1').decode(bytes) : bytes.toString('utf8');
  const rows = parse(text, { columns: true, skip_empty_lines: true, bom: true }) as Record<
    string,
    string
  >[];
  const tally: Tally = {
    rows: rows.length,
    matched: 0,
    nonCountry: 0,
    unmatched: new Map(),
    succession: 0,
    excepted: 0,
    disagreements: new Map(),
    outsideExistence: new Map(),
    duplicates: new Map(),
  };
  const seen = new Set<string>();
  const memo = new Map<string, Country[] | 'non-country' | undefined>();
  for (const row of rows) {
    const yearText = spec.year === undefined ? undefined : row[spec.year];
    const year = yearText === undefined ? undefined : Number.parseInt(yearText, 10);
    const results: {
      key: KeySpec;
      value: string;
      countries: Country[] | 'non-country' | undefined;
    }[] = [];
    for (const key of spec.keys) {
      const value = (row[key.column] ?? '').trim();
      if ((key.missing ?? ['']).includes(value)) continue;
      const memoKey = `${key.system}|${value}|${year}`;
      if (!memo.has(memoKey)) memo.set(memoKey, resolveKey(key, value, year));
      results.push({ key, value, countries: memo.get(memoKey) });
    }
    const label = results.map((r) => `${r.key.column}=${r.value}`).join(' ');
    const found = results.filter((r) => Array.isArray(r.countries));
    if (found.length === 0) {
      if (results.some((r) => r.countries === 'non-country')) tally.nonCountry++;
      else bump(tally.unmatched, `${label} (${year ?? 'no year'})`);
      continue;
    }
    tally.matched++;
    if (results.some((r) => r.countries === 'non-country')) {
      bump(tally.disagreements, `${label} (${year}): a key is a non-country, another a country`);
      continue;
    }
    const primary = found[0]?.countries as Country[];
    const ids = primary.map((c) => c.id).join('+');
    if (year !== undefined && primary.some((c) => !covers(c, year))) {
      bump(tally.outsideExistence, ids);
    }
    const countryYear = `${ids}|${year}`;
    if (seen.has(countryYear)) bump(tally.duplicates, ids);
    seen.add(countryYear);

    const verdict = agreement(
      spec,
      found.map((r) => ({ key: r.key, countries: r.countries as Country[] })),
      year,
    );
    if (verdict === 'agree') continue;
    if (verdict === 'succession') {
      tally.succession++;
      continue;
    }
    const labelText = results.find((r) => r.key.system === 'name')?.value;
    if (EXCEPTIONS.some((e) => e.file === file && e.label === labelText && e.year === year)) {
      tally.excepted++;
      continue;
    }
    const named = found.map(
      (r) => `${r.key.column}=${r.value}→${(r.countries as Country[]).map((c) => c.id).join('+')}`,
    );
    bump(tally.disagreements, `${named.join(' ')} (${year})`);
  }
  return tally;
}

function resolveKey(
  key: KeySpec,
  value: string,
  year: number | undefined,
): Country[] | 'non-country' | undefined {
  const parts = key.split === undefined ? [value] : value.split(key.split).map((p) => p.trim());
  const countries: Country[] = [];
  for (const part of parts) {
    const country =
      key.system === 'name'
        ? registry.fromName(part, year)
        : registry.fromCode(key.system, part, year);
    if (country) {
      countries.push(country);
      continue;
    }
    const reason =
      key.system === 'polity' ? undefined : registry.nonCountryReason(part, key.system);
    return reason === undefined ? undefined : 'non-country';
  }
  return countries.sort((a, b) => a.id.localeCompare(b.id));
}

type Verdict = 'agree' | 'succession' | 'disagree';

function agreement(
  spec: FileSpec,
  found: readonly { key: KeySpec; countries: readonly Country[] }[],
  year: number | undefined,
): Verdict {
  const codes = found.filter((r) => r.key.system !== 'name');
  const names = found.filter((r) => r.key.system === 'name');
  const pairs: [readonly Country[], readonly Country[]][] = [];
  if (spec.nameMatchesAnyCode) {
    // Location and perpetrator may differ; the label must name one of them.
    for (const n of names) {
      if (codes.some((c) => sameSet(c.countries, n.countries))) continue;
      const first = codes[0];
      if (first) pairs.push([first.countries, n.countries]);
    }
  } else {
    const first = found[0];
    if (first) for (const r of found.slice(1)) pairs.push([first.countries, r.countries]);
  }
  let verdict: Verdict = 'agree';
  for (const [a, b] of pairs) {
    if (sameSet(a, b)) continue;
    if (a.length !== b.length) return 'disagree';
    const sa = [...a].sort(bySuccession);
    const sb = [...b].sort(bySuccession);
    for (let i = 0; i < sa.length; i++) {
      const x = sa[i] as Country;
      const y = sb[i] as Country;
      if (x === y) continue;
      // Without a year, a name that predecessor and successor share cannot be told apart.
      const linked =
        year === undefined
          ? descends(x, y) || descends(y, x)
          : succeeds(x, y, year) || succeeds(y, x, year);
      if (!linked) return 'disagree';
      verdict = 'succession';
    }
  }
  return verdict;
}

/**
 * `later` descends from `earlier` (through successor links) and the label is explained by
 * time: `later` did not exist yet (a back-cast under today's code or name), `earlier` no longer
 * existed (a stale label), or the year is the one in which `later` took over from `earlier`.
 */
function succeeds(earlier: Country, later: Country, year: number): boolean {
  if (!descends(later, earlier)) return false;
  if (!covers(later, year) || !covers(earlier, year)) return true;
  return earlier.to === year && later.from === year;
}

function descends(country: Country, ancestor: Country): boolean {
  const stack = [...country.predecessors];
  const visited = new Set<string>();
  while (stack.length > 0) {
    const id = stack.pop() as string;
    if (id === ancestor.id) return true;
    if (visited.has(id)) continue;
    visited.add(id);
    stack.push(...(registry.byId(id)?.predecessors ?? []));
  }
  return false;
}

function bySuccession(a: Country, b: Country): number {
  return (a.from ?? -Infinity) - (b.from ?? -Infinity) || a.id.localeCompare(b.id);
}

function sameSet(a: readonly Country[], b: readonly Country[]): boolean {
  return a.length === b.length && a.every((c, i) => c === b[i]);
}

function bump(map: Map<string, number>, key: string): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}

function sum(map: Map<string, number>): number {
  return [...map.values()].reduce((s, n) => s + n, 0);
}

function examples(map: Map<string, number>): string {
  const list = [...map.entries()].sort((a, b) => b[1] - a[1]);
  const shown = list.slice(0, 6).map(([k, n]) => `${k} ${n}`);
  return (list.length > 6 ? [...shown, '…'] : shown).join(', ') || 'none';
}

function top(map: Map<string, number>): string[] {
  return [...map.entries()].slice(0, 40).map(([k, n]) => `${k} ×${n}`);
}

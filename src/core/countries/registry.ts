import { unknownFields } from '../validation.js';
import { nameKeys } from './normalise-name.js';
import {
  CODE_SYSTEMS,
  EXTRA_CODE_SYSTEMS,
  type Backcast,
  type CodeSystem,
  type Country,
  type CountryCode,
  type ExtraCodeSystem,
  type ExtraCountryCode,
  type NonCountryName,
} from './types.js';

/** A code system the registry can look codes up in: a main one or an extra one. */
export type AnyCodeSystem = CodeSystem | ExtraCodeSystem;

/** The code of a country per system valid in a year (absent: no code in that system). */
export type CountryCodes = Partial<Record<CodeSystem, string>>;

/** Options of {@link CountryRegistry.resolve}. */
export interface ResolveOptions {
  /** How to read the query; absent: numbers as cow/gw/isoN/vdem, text as iso2/iso3/vdemText/name/id. */
  from?: AnyCodeSystem | 'name';
  /** Calendar year the query refers to; picks between states sharing a code or a name. */
  year?: number;
}

interface CodeEntry {
  country: Country;
  code: CountryCode | ExtraCountryCode;
}

interface NameEntry {
  country: Country;
  primary: boolean;
}

const NUMERIC_SYSTEMS: ReadonlySet<AnyCodeSystem> = new Set([
  'cow',
  'gw',
  'isoN',
  'vdem',
  'polity',
]);
const NUMBER_QUERY_SYSTEMS: readonly CodeSystem[] = ['cow', 'gw', 'isoN', 'vdem'];

/**
 * The country registry: every state the sources name, with its codes in each system over
 * time, its names and its predecessors and successors. Pure (no I/O); lookup maps are built
 * once in the constructor. Years are calendar years; a code or existence span with no
 * `from`/`to` is unbounded on that side.
 */
export class CountryRegistry {
  private readonly countries: readonly Country[];
  private readonly ids = new Map<string, Country>();
  private readonly codes = new Map<string, CodeEntry[]>();
  private readonly fullNames = new Map<string, NameEntry[]>();
  private readonly baseNames = new Map<string, NameEntry[]>();
  private readonly nonCountryNames = new Map<string, NonCountryName>();
  private readonly nonCountryBaseNames = new Map<string, NonCountryName>();
  private readonly nonCountryCodes = new Map<string, NonCountryName>();

  /**
   * `countries` as listed in `content/countries/countries.json` (see `validateCountries`),
   * `nonCountries` as in `non-country-names.json`. The order of `countries` and of each
   * country's codes is kept: earlier entries win ties.
   */
  constructor(countries: readonly Country[], nonCountries: readonly NonCountryName[]) {
    this.countries = countries;
    for (const country of countries) {
      this.ids.set(country.id, country);
      for (const code of [...country.codes, ...(country.extraCodes ?? [])]) {
        const key = codeKey(code.system, code.code);
        if (key === undefined) continue;
        push(this.codes, key, { country, code });
      }
      const names = [country.name, ...country.aliases];
      names.forEach((name, i) => {
        const keys = nameKeys(name);
        const entry = { country, primary: i === 0 };
        addName(this.fullNames, keys.full, entry);
        addName(this.baseNames, keys.base, entry);
      });
    }
    for (const entry of nonCountries) {
      for (const name of [entry.name, ...(entry.aliases ?? [])]) {
        const keys = nameKeys(name);
        setOnce(this.nonCountryNames, keys.full, entry);
        setOnce(this.nonCountryBaseNames, keys.base, entry);
      }
      for (const code of entry.codes ?? []) {
        const key = codeKey(code.system, code.code);
        if (key !== undefined) setOnce(this.nonCountryCodes, key, entry);
      }
    }
  }

  /** Every country, in registry order. */
  all(): readonly Country[] {
    return this.countries;
  }

  /** The country with this registry id (`rus`, `ussr`, …), or undefined. */
  byId(id: string): Country | undefined {
    return this.ids.get(id);
  }

  /**
   * The country holding `code` in `system` in `year`: the one whose code is valid that year,
   * or undefined when none is (no loosening: COW 365 in 1985 is the Soviet Union, in 2000
   * Russia). Without a year, the current holder, else the latest. Numeric codes may be given
   * as numbers or strings ("700", "700.0"); alphabetic codes in any case. `polity` codes not
   * listed on any country fall back to the COW number.
   */
  fromCode(system: AnyCodeSystem, code: string | number, year?: number): Country | undefined {
    const found = this.codeCandidates(system, code, year)[0];
    if (found && (year === undefined || covers(found.code, year))) return found.country;
    if (system === 'polity') return this.fromCode('cow', code, year);
    return undefined;
  }

  /**
   * The country a name means in `year`, after normalisation (see `nameKeys`). When several
   * states share the name ("Russia", "Germany", "Yemen"), the year picks: a state existing
   * that year first, then a match on its own name over an alias, then the earlier-founded;
   * if none existed that year, the nearest in time. Without a year, the current state, except
   * for a name a successor only inherited from its predecessor (the predecessor's).
   * Undefined when no country has the name (also for documented non-country names).
   */
  fromName(name: string, year?: number): Country | undefined {
    return this.nameCandidates(name, year)[0];
  }

  /**
   * The state a row of `country` in `year` stands for when the row is a back-cast the
   * registry places on a predecessor (`backcastTo`: Serbia's 1992-2005 figures belong to
   * Yugoslavia); undefined otherwise, the row staying with `country`.
   */
  backcastOf(country: Country, year: number): Country | undefined {
    const rule = country.backcastTo?.find((b) => b.from <= year && year <= b.to);
    return rule && this.ids.get(rule.country);
  }

  /**
   * Why a name (or a code) is not a country, for the documented non-country rows (World Bank
   * aggregates, territories, sub-national units); undefined for anything else. `system`
   * says how to read `query`; absent: as a name, then as a code in any system.
   */
  nonCountryReason(query: string, system?: CodeSystem | 'name'): string | undefined {
    if (system === undefined || system === 'name') {
      const keys = nameKeys(query);
      const entry =
        this.nonCountryNames.get(keys.full) ??
        this.nonCountryNames.get(keys.base) ??
        this.nonCountryBaseNames.get(keys.base);
      if (entry) return entry.reason;
      if (system === 'name') return undefined;
    }
    for (const s of system === undefined ? CODE_SYSTEMS : [system]) {
      const key = codeKey(s, query);
      const entry = key === undefined ? undefined : this.nonCountryCodes.get(key);
      if (entry) return entry.reason;
    }
    return undefined;
  }

  /**
   * The countries whose name or alias is spelt nearly as `query` (a typing slip: a letter
   * missing, added, swapped or wrong, or the start of a name), nearest first, at most
   * `limit`; states that exist now before past ones. For "did you mean …?" after a miss.
   */
  suggest(query: string, limit = 3): Country[] {
    const q = nameKeys(query).base;
    if (q === '') return [];
    const allowed = q.length <= 4 ? 1 : q.length <= 8 ? 2 : 3;
    const scored: { country: Country; score: number }[] = [];
    for (const country of this.countries) {
      let best = Infinity;
      for (const name of [country.name, ...country.aliases]) {
        const key = nameKeys(name).base;
        const d = key.startsWith(q) && q.length >= 3 ? 0.5 : editDistance(q, key, allowed);
        best = Math.min(best, d);
      }
      if (best <= allowed)
        scored.push({ country, score: best + (country.to === undefined ? 0 : 0.25) });
    }
    return scored
      .sort((a, b) => a.score - b.score || a.country.name.localeCompare(b.country.name))
      .slice(0, limit)
      .map((s) => s.country);
  }

  /**
   * Every distinct country `query` may mean, best first (for `lens countries resolve`).
   * With `from`, the query is read in that system only; without, numbers are tried as COW,
   * GW, ISO numeric and V-Dem ids, text as ISO alpha-2/alpha-3, V-Dem text id, registry id
   * and name. With a year, countries whose code or existence covers it come first.
   */
  resolve(query: string, options: ResolveOptions = {}): Country[] {
    const { from, year } = options;
    const q = query.trim();
    if (q === '') return [];
    if (from === 'name') return this.nameCandidates(q, year);
    if (from !== undefined) {
      return distinct(this.codeCandidates(from, q, year).map((e) => e.country));
    }
    const valid: Country[] = [];
    const other: Country[] = [];
    const addCodes = (systems: readonly CodeSystem[]) => {
      for (const s of systems) {
        for (const e of this.codeCandidates(s, q, year)) {
          (year === undefined || covers(e.code, year) ? valid : other).push(e.country);
        }
      }
    };
    if (/^\d+(\.0+)?$/.test(q)) {
      addCodes(NUMBER_QUERY_SYSTEMS);
    } else {
      if (/^[A-Za-z]{2}$/.test(q)) addCodes(['iso2']);
      if (/^[A-Za-z]{3}$/.test(q)) addCodes(['iso3', 'vdemText']);
      const byId = this.ids.get(q.toLowerCase());
      if (byId) valid.push(byId);
      for (const c of this.nameCandidates(q, year)) {
        (year === undefined || covers(c, year) ? valid : other).push(c);
      }
    }
    return distinct([...valid, ...other]);
  }

  /**
   * The code of `country` in each main system valid in `year` (the first listed when
   * several are); without a year, the current code (open-ended, else the latest).
   */
  codesOf(country: Country, year?: number): CountryCodes {
    const out: CountryCodes = {};
    for (const system of CODE_SYSTEMS) {
      const codes = country.codes.filter((c) => c.system === system);
      const code =
        year === undefined
          ? [...codes].sort((a, b) => (b.to ?? Infinity) - (a.to ?? Infinity))[0]
          : codes.find((c) => covers(c, year));
      if (code) out[system] = code.code;
    }
    return out;
  }

  private codeCandidates(system: AnyCodeSystem, code: string | number, year?: number): CodeEntry[] {
    const key = codeKey(system, code);
    const entries = key === undefined ? undefined : this.codes.get(key);
    if (!entries) return [];
    const rank = (e: CodeEntry): number[] =>
      year === undefined
        ? [e.code.to === undefined && e.country.to === undefined ? 0 : 1, -(e.code.to ?? Infinity)]
        : [covers(e.code, year) ? 0 : 1, distance(e.code, year)];
    return stableSort(entries, rank);
  }

  private nameCandidates(name: string, year?: number): Country[] {
    const keys = nameKeys(name);
    const entries =
      this.fullNames.get(keys.full) ??
      this.fullNames.get(keys.base) ??
      this.baseNames.get(keys.base) ??
      [];
    // Without a year, a name both a state and its successor answer to belongs to the state
    // that bore it: the successor inherited it as an alias ("Yemen Arab Republic", the
    // North's formal name, which some sources keep for unified Yemen).
    const holders = new Set(entries.map((e) => e.country.id));
    const inherited = (e: NameEntry): boolean =>
      !e.primary && e.country.predecessors.some((id) => holders.has(id));
    const rank = (e: NameEntry): number[] =>
      year === undefined
        ? [
            inherited(e) ? 1 : 0,
            e.country.to === undefined ? 0 : 1,
            e.primary ? 0 : 1,
            -(e.country.to ?? Infinity),
          ]
        : [distance(e.country, year), e.primary ? 0 : 1, e.country.from ?? -Infinity];
    return distinct(stableSort(entries, rank).map((e) => e.country));
  }
}

/** The fields of registry entries (`Country`, its codes and back-casts, `NonCountryName`). */
const COUNTRY_FIELDS = [
  'id',
  'name',
  'from',
  'to',
  'codes',
  'aliases',
  'predecessors',
  'successors',
  'extraCodes',
  'backcastTo',
  'note',
];
const CODE_FIELDS = ['system', 'code', 'from', 'to', 'note'];
const BACKCAST_FIELDS = ['country', 'from', 'to', 'note'];
const NON_COUNTRY_FIELDS = ['name', 'reason', 'aliases', 'codes'];
const NON_COUNTRY_CODE_FIELDS = ['system', 'code'];

/** A message for each key of `obj` outside `allowed`, placed by `at(key)`; none if no object. */
function unknownIn(
  obj: unknown,
  allowed: readonly string[],
  at: (key: string) => string,
): string[] {
  if (typeof obj !== 'object' || obj === null) return [];
  return unknownFields(obj, allowed).map((u) => `${at(u.key)}: ${u.message}`);
}

/**
 * Checks registry content. Returns one message per problem, naming the entry (index and id)
 * and the field: fields the schema does not know, at any level (`countries[3] (id "rus"):
 * codes[0].form: unknown field (expected one of …)`), duplicate or malformed ids, years out
 * of order, codes malformed for their system, the same code valid for two countries (or
 * twice for one) in overlapping years, unknown or one-sided predecessor/successor links,
 * back-casts that are not onto a predecessor existing over the years, before the state
 * itself. Empty when all is well.
 */
export function validateCountries(countries: readonly Country[]): string[] {
  const messages: string[] = [];
  const where = (i: number) => `countries[${i}] (id "${String(countries[i]?.id)}")`;
  const seen = new Map<string, number>();
  countries.forEach((c, i) => {
    messages.push(...unknownIn(c, COUNTRY_FIELDS, (key) => `${where(i)}: ${key}`));
    if (typeof c.id !== 'string' || !/^[a-z0-9]+(-[a-z0-9]+)*$/.test(c.id)) {
      messages.push(
        `${where(i)}: id: expected a lower-case slug such as "rus" or "serbia-kingdom"`,
      );
    } else if (seen.has(c.id)) {
      messages.push(`${where(i)}: id: duplicate of countries[${seen.get(c.id)}]`);
    } else seen.set(c.id, i);
    if (typeof c.name !== 'string' || c.name.trim() === '') {
      messages.push(`${where(i)}: name: expected a non-empty name`);
    }
    messages.push(...checkSpan(c, `${where(i)}: from/to`));
    if (
      !Array.isArray(c.aliases) ||
      c.aliases.some((a) => typeof a !== 'string' || a.trim() === '')
    ) {
      messages.push(`${where(i)}: aliases: expected an array of non-empty names`);
    }
    if (!Array.isArray(c.codes)) messages.push(`${where(i)}: codes: expected an array`);
    for (const field of ['predecessors', 'successors'] as const) {
      if (!Array.isArray(c[field])) {
        messages.push(`${where(i)}: ${field}: expected an array of ids`);
      }
    }
  });

  const held = new Map<
    string,
    { i: number; j: number; field: string; code: CountryCode | ExtraCountryCode }[]
  >();
  countries.forEach((c, i) => {
    const lists: [string, readonly (CountryCode | ExtraCountryCode)[]][] = [
      ['codes', Array.isArray(c.codes) ? c.codes : []],
      ['extraCodes', c.extraCodes ?? []],
    ];
    for (const [field, codes] of lists) {
      codes.forEach((code, j) => {
        const at = `${where(i)}: ${field}[${j}]`;
        messages.push(...unknownIn(code, CODE_FIELDS, (key) => `${at}.${key}`));
        const systems: readonly string[] = field === 'codes' ? CODE_SYSTEMS : EXTRA_CODE_SYSTEMS;
        if (!systems.includes(code.system)) {
          messages.push(
            `${at}: system "${String(code.system)}": expected one of ${systems.join(', ')}`,
          );
          return;
        }
        const problem = codeFormatProblem(code.system, code.code);
        if (problem) messages.push(`${at} (${code.system} "${String(code.code)}"): ${problem}`);
        messages.push(...checkSpan(code, `${at} (${code.system} ${code.code}): from/to`));
        const key = codeKey(code.system, code.code);
        if (key === undefined) return;
        for (const other of held.get(key) ?? []) {
          if (overlaps(code, other.code)) {
            messages.push(
              `${at} (${code.system} ${code.code}, ${span(code)}): overlaps ${where(other.i)} ${other.field}[${other.j}] (${span(other.code)}); a code may belong to one country at a time`,
            );
          }
        }
        push(held, key, { i, j, field, code });
      });
    }
  });

  const index = new Map(countries.map((c, i) => [c.id, i]));
  countries.forEach((c, i) => {
    if (c.backcastTo !== undefined) messages.push(...checkBackcasts(c, countries, index, where(i)));
  });
  countries.forEach((c, i) => {
    const links = [
      ['predecessors', 'successors'],
      ['successors', 'predecessors'],
    ] as const;
    for (const [field, back] of links) {
      if (!Array.isArray(c[field])) continue;
      for (const id of c[field]) {
        const k = index.get(id);
        if (k === undefined) messages.push(`${where(i)}: ${field}: unknown id "${id}"`);
        else if (id === c.id) messages.push(`${where(i)}: ${field}: lists itself`);
        else if (!countries[k]?.[back]?.includes(c.id)) {
          messages.push(`${where(i)}: ${field}: "${id}" does not list "${c.id}" in its ${back}`);
        }
      }
    }
  });
  return messages;
}

/** The problems of a country's `backcastTo`: each onto a predecessor, over years it existed and the country did not, without overlaps. */
function checkBackcasts(
  c: Country,
  countries: readonly Country[],
  index: ReadonlyMap<string, number>,
  where: string,
): string[] {
  const list: readonly Backcast[] | undefined = c.backcastTo;
  if (!Array.isArray(list)) return [`${where}: backcastTo: expected an array`];
  const predecessors: readonly string[] = Array.isArray(c.predecessors) ? c.predecessors : [];
  const messages: string[] = [];
  list.forEach((b, j) => {
    messages.push(...unknownIn(b, BACKCAST_FIELDS, (key) => `${where}: backcastTo[${j}].${key}`));
    const at = `${where}: backcastTo[${j}] (${String(b.country)} ${b.from}-${b.to})`;
    const span = checkSpan(b, `${at}: from/to`);
    if (typeof b.from !== 'number' || typeof b.to !== 'number')
      span.push(`${at}: from/to: expected whole years`);
    messages.push(...span);
    if (typeof b.note !== 'string' || b.note.trim() === '')
      messages.push(`${at}: note: expected why`);
    const k = index.get(b.country);
    const predecessor = k === undefined ? undefined : countries[k];
    if (!predecessor || !predecessors.includes(b.country)) {
      messages.push(
        `${at}: country: expected one of its predecessors (${predecessors.join(', ')})`,
      );
    } else if (span.length === 0 && (!covers(predecessor, b.from) || !covers(predecessor, b.to))) {
      messages.push(
        `${at}: "${b.country}" did not exist in all those years (${predecessor.from ?? ''}-${predecessor.to ?? ''})`,
      );
    }
    if (span.length === 0 && (c.from === undefined || b.to >= c.from)) {
      messages.push(`${at}: expected years before "${c.id}" existed (from ${c.from ?? 'always'})`);
    }
    list.slice(0, j).forEach((other, k2) => {
      if (overlaps(b, other)) messages.push(`${at}: overlaps backcastTo[${k2}]`);
    });
  });
  return messages;
}

/**
 * Checks the non-country list against the countries: each entry needs a name and a reason,
 * has no field the schema does not know, and no name or code may also belong to a country
 * (a row would then be ambiguous).
 * Messages name the entry (index and name) and the field; empty when all is well.
 */
export function validateNonCountryNames(
  nonCountries: readonly NonCountryName[],
  countries: readonly Country[],
): string[] {
  const messages: string[] = [];
  const countryNames = new Map<string, string>();
  const countryCodes = new Map<string, string>();
  for (const c of countries) {
    for (const n of [c.name, ...(Array.isArray(c.aliases) ? c.aliases : [])]) {
      countryNames.set(nameKeys(n).full, c.id);
    }
    for (const code of Array.isArray(c.codes) ? c.codes : []) {
      const key = codeKey(code.system, code.code);
      if (key !== undefined) countryCodes.set(key, c.id);
    }
  }
  const seen = new Map<string, number>();
  nonCountries.forEach((e, i) => {
    const at = `non-country names[${i}] ("${String(e.name)}")`;
    messages.push(...unknownIn(e, NON_COUNTRY_FIELDS, (key) => `${at}: ${key}`));
    if (typeof e.name !== 'string' || e.name.trim() === '') {
      messages.push(`${at}: name: expected a non-empty name`);
    }
    if (typeof e.reason !== 'string' || e.reason.trim() === '') {
      messages.push(`${at}: reason: expected why it is not a country`);
    }
    for (const n of [e.name, ...(e.aliases ?? [])]) {
      if (typeof n !== 'string') continue;
      const key = nameKeys(n).full;
      const id = countryNames.get(key);
      if (id !== undefined) messages.push(`${at}: name "${n}" is also a name of country "${id}"`);
      const earlier = seen.get(key);
      if (earlier !== undefined && earlier !== i) {
        messages.push(`${at}: name "${n}" repeats non-country names[${earlier}]`);
      }
      seen.set(key, i);
    }
    (e.codes ?? []).forEach((code, j) => {
      messages.push(
        ...unknownIn(code, NON_COUNTRY_CODE_FIELDS, (key) => `${at}: codes[${j}].${key}`),
      );
      if (!(CODE_SYSTEMS as readonly string[]).includes(code.system)) {
        messages.push(
          `${at}: codes[${j}]: system "${String(code.system)}": expected one of ${CODE_SYSTEMS.join(', ')}`,
        );
        return;
      }
      const problem = codeFormatProblem(code.system, code.code);
      if (problem) {
        messages.push(`${at}: codes[${j}] (${code.system} "${String(code.code)}"): ${problem}`);
      }
      const key = codeKey(code.system, code.code);
      const id = key === undefined ? undefined : countryCodes.get(key);
      if (id !== undefined) {
        messages.push(
          `${at}: codes[${j}] (${code.system} ${code.code}) is also a code of country "${id}"`,
        );
      }
    });
  });
  return messages;
}

/**
 * True when `year` lies in the span `from`..`to` (inclusive, unbounded where absent): for a
 * country, that it existed as a state that year; for a code, that it was valid.
 */
export function covers(span: { from?: number; to?: number }, year: number): boolean {
  return (span.from ?? -Infinity) <= year && year <= (span.to ?? Infinity);
}

function distance(span: { from?: number; to?: number }, year: number): number {
  if (span.from !== undefined && year < span.from) return span.from - year;
  if (span.to !== undefined && year > span.to) return year - span.to;
  return 0;
}

function overlaps(a: { from?: number; to?: number }, b: { from?: number; to?: number }): boolean {
  return (a.from ?? -Infinity) <= (b.to ?? Infinity) && (b.from ?? -Infinity) <= (a.to ?? Infinity);
}

function span(c: { from?: number; to?: number }): string {
  return `${c.from ?? ''}-${c.to ?? ''}`;
}

function checkSpan(c: { from?: unknown; to?: unknown }, at: string): string[] {
  const bad = (v: unknown) => v !== undefined && !(typeof v === 'number' && Number.isInteger(v));
  if (bad(c.from) || bad(c.to)) return [`${at}: expected whole years`];
  if (typeof c.from === 'number' && typeof c.to === 'number' && c.from > c.to) {
    return [`${at}: from ${c.from} is after to ${c.to}`];
  }
  return [];
}

function codeFormatProblem(system: AnyCodeSystem, code: unknown): string | undefined {
  if (typeof code !== 'string') return 'expected the code as a string';
  if (NUMERIC_SYSTEMS.has(system)) {
    return /^[1-9]\d*$/.test(code) ? undefined : 'expected a number without leading zeros';
  }
  if (system === 'iso2') {
    return /^[A-Z0-9]{2}$/.test(code) ? undefined : 'expected two capital letters';
  }
  if (system === 'iso3') {
    return /^[A-Z0-9]{3}$/.test(code) ? undefined : 'expected three capital letters';
  }
  return /^[A-Z0-9]{2,4}$/.test(code) ? undefined : 'expected two to four capital letters';
}

/** `system|code` with the code in canonical form; undefined for a code that cannot be one. */
function codeKey(system: AnyCodeSystem, code: string | number): string | undefined {
  const text = String(code).trim();
  if (text === '') return undefined;
  if (NUMERIC_SYSTEMS.has(system)) {
    if (!/^\d+(\.0+)?$/.test(text)) return undefined;
    return `${system}|${Number.parseInt(text, 10)}`;
  }
  return `${system}|${text.toUpperCase()}`;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function setOnce<K, V>(map: Map<K, V>, key: K, value: V): void {
  if (!map.has(key)) map.set(key, value);
}

function addName(map: Map<string, NameEntry[]>, key: string, entry: NameEntry): void {
  if (key === '') return;
  const list = map.get(key);
  const same = list?.find((e) => e.country === entry.country);
  if (same) same.primary ||= entry.primary;
  else push(map, key, entry);
}

function stableSort<T>(items: readonly T[], rank: (item: T) => number[]): T[] {
  return items
    .map((item, i) => ({ item, r: rank(item), i }))
    .sort((a, b) => {
      for (let k = 0; k < a.r.length; k++) {
        const d = (a.r[k] ?? 0) - (b.r[k] ?? 0);
        if (d !== 0 && !Number.isNaN(d)) return d;
      }
      return a.i - b.i;
    })
    .map((x) => x.item);
}

function distinct(countries: readonly Country[]): Country[] {
  return [...new Set(countries)];
}

/**
 * The edit distance of two strings (insertions, deletions, substitutions and swaps of
 * neighbours each count 1), or `limit + 1` as soon as it must exceed `limit`.
 */
function editDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  const rows: number[][] = [Array.from({ length: b.length + 1 }, (_, j) => j)];
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(rows[i - 1]![j]! + 1, row[j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d = Math.min(d, rows[i - 2]![j - 2]! + 1);
      row.push(d);
    }
    if (Math.min(...row) > limit) return limit + 1;
    rows.push(row);
  }
  return rows[a.length]![b.length]!;
}

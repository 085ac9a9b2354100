import type { Country } from '../core/countries/types.js';
import { InputError } from '../core/errors.js';
import { parseAsOf, yearOf, yearsBefore } from '../core/frameworks/as-of.js';
import { assessCountries } from '../core/frameworks/assess.js';
import type {
  AssessmentInput,
  CountryAssessment,
  Episode,
  Observation,
  Override,
} from '../core/frameworks/assess.js';
import type { Framework } from '../core/frameworks/types.js';
import { MAX_PUBLICATION_DELAY_YEARS } from '../core/frameworks/types.js';
import type { Store } from '../store/database.js';
import { listEpisodes } from '../store/episodes-repository.js';
import { observationsAsOf, releaseFreshness } from '../store/observations-repository.js';
import { listReleases } from '../store/releases-repository.js';
import { frameworkVariables, loadFramework } from './frameworks.js';

/** The default framework of `lens assess` and `lens backtest`. */
export const DEFAULT_FRAMEWORK = 'preconditions-2011';

/** How a country is named in reports (the JSON contract's `country` object). */
export interface CountryRef {
  id: string;
  name: string;
  cow?: number;
  iso3?: string;
}

/** One country's assessment as `lens assess` reports it. */
export interface AssessmentReport extends Omit<CountryAssessment, 'countryId'> {
  country: CountryRef;
}

/** What `lens assess` prints as JSON. */
export interface AssessReport {
  framework: { id: string; version: number; title: string };
  asOf: string;
  assessments: AssessmentReport[];
  /** What the reader must know about the date (after today, after the latest data). */
  warnings: string[];
}

/** Options of `assessWorld`. */
export interface AssessOptions {
  /** Framework `ID` or `ID@VERSION`; default `preconditions-2011`. */
  framework?: string;
  /**
   * `YYYY-MM-DD` or `YYYY` (end of that year); default the latest date the data support
   * (`latestDataDate`). A date after today is scored with a warning.
   */
  asOf?: string;
  /** Registry ids to assess; default every country that exists in the as-of year. */
  countryIds?: readonly string[];
  /** Analyst overrides to show (and apply unless `applyOverrides` is false). */
  overrides?: readonly Override[];
  applyOverrides?: boolean;
  /** Compare with the assessment one year earlier (default true). */
  change?: boolean;
  /** Folder of framework files (default `content/frameworks`). */
  frameworksDir?: string;
  now?: Date;
}

/**
 * Assesses every country (or `countryIds`) as of a date with a framework, from the values
 * public on that date, and one year before for the change: one load of the observations
 * serves both dates unless a source was revised in between (see `revisedBetween`), plus one
 * query for the episodes, whatever the number of countries. Sorted by score, highest first;
 * countries without enough data last.
 * Throws InputError for an unknown framework or country, a bad date, or a date before any
 * of the framework's data was published.
 */
export async function assessWorld(
  store: Store,
  countries: readonly Country[],
  options: AssessOptions = {},
): Promise<AssessReport> {
  const framework = await loadFramework(
    options.framework ?? DEFAULT_FRAMEWORK,
    options.frameworksDir,
  );
  const today = (options.now ?? new Date()).toISOString().slice(0, 10);
  const latest = await latestDataDate(store, frameworkVariables(framework), today);
  const asOf = options.asOf ? parseAsOf(options.asOf) : latest;
  const warnings = asOfWarnings(asOf, today, latest);
  const selected = selectCountries(countries, yearOf(asOf), options.countryIds);
  const episodes = await loadEpisodes(store);
  const before = yearsBefore(asOf, 1);
  let input: AssessmentInput;
  let previous: AssessmentInput | undefined;
  if (options.change === false) {
    input = await loadInput(store, framework, asOf, episodes, options);
  } else if (await revisedBetween(store, framework, before, asOf)) {
    [input, previous] = await Promise.all([
      loadInput(store, framework, asOf, episodes, options),
      loadInput(store, framework, before, episodes, options),
    ]);
  } else {
    // Every value public a year before is also the newest vintage on the date, so the
    // engine, which drops values not yet public on its date, reads both from one load.
    input = await loadInput(store, framework, asOf, episodes, { ...options, extraYears: 1 });
    previous = { ...input, asOf: before };
  }
  if (input.observations.size === 0) {
    throw new InputError(`no data of framework ${framework.id} was public by ${asOf}`, {
      expected: 'a later as-of date (or import the sources: `lens sync`)',
    });
  }
  const assessed = assessCountries(
    framework,
    selected.map((c) => c.id),
    input,
    previous,
  );
  const byId = new Map(selected.map((c) => [c.id, c]));
  const assessments = assessed
    .map(({ countryId, ...rest }) => ({
      country: countryRef(byId.get(countryId)!, yearOf(asOf)),
      ...rest,
    }))
    .sort(
      (a, b) => (b.score ?? -1) - (a.score ?? -1) || a.country.name.localeCompare(b.country.name),
    );
  return {
    framework: { id: framework.id, version: framework.version, title: framework.title },
    asOf,
    assessments,
    warnings,
  };
}

/**
 * The latest date the data support: the last date on which a value of `variables` became
 * public, not after `today`; `today` when the store has none of them.
 */
export async function latestDataDate(
  store: Store,
  variables: readonly string[],
  today: string,
): Promise<string> {
  const rows = await releaseFreshness(store, { variables, asOf: today });
  return (
    rows.reduce<string | undefined>(
      (best, r) => (best === undefined || r.lastPublic > best ? r.lastPublic : best),
      undefined,
    ) ?? today
  );
}

/**
 * Warnings about an as-of date: after `today` (nothing can be known yet of that day), or
 * after `latest`, the last date a value read here became public in the store (every reading
 * is then as of that date, carried with its age).
 */
export function asOfWarnings(asOf: string, today: string, latest: string): string[] {
  const out: string[] = [];
  if (asOf > today) {
    out.push(
      `as-of date ${asOf} is after today (${today}): scored with the data public today, as if nothing changed until then`,
    );
  }
  if (asOf > latest) {
    out.push(
      `no value read here became public after ${latest}: readings after it are carried with their age`,
    );
  }
  return out;
}

/**
 * Countries that exist in `year` (registry `from`/`to`), or exactly `ids` (in that order).
 * Throws InputError for an id the registry does not know.
 */
export function selectCountries(
  countries: readonly Country[],
  year: number,
  ids?: readonly string[],
): Country[] {
  if (ids) {
    const byId = new Map(countries.map((c) => [c.id, c]));
    return ids.map((id) => {
      const c = byId.get(id);
      if (!c) throw new InputError(`unknown country "${id}"`, { expected: 'a registry id' });
      return c;
    });
  }
  return countries
    .filter((c) => (c.from ?? -Infinity) <= year && year <= (c.to ?? Infinity))
    .sort((a, b) => a.id.localeCompare(b.id));
}

/** The country's name and its COW and ISO 3166 alpha-3 codes valid in `year`. */
export function countryRef(country: Country, year: number): CountryRef {
  const code = (system: string) =>
    country.codes.find(
      (c) => c.system === system && (c.from ?? -Infinity) <= year && year <= (c.to ?? Infinity),
    )?.code ?? country.codes.find((c) => c.system === system)?.code;
  const ref: CountryRef = { id: country.id, name: country.name };
  const cow = code('cow');
  const iso3 = code('iso3');
  if (cow !== undefined) ref.cow = Number(cow);
  if (iso3 !== undefined) ref.iso3 = iso3;
  return ref;
}

/** Episodes of the newest episode list, as the engine wants them. */
export async function loadEpisodes(store: Store): Promise<Episode[]> {
  // The newest coding, not the one published by the as-of date: the list is a retrospective
  // coding, and the engine only reads the years known on the date (see docs/frameworks.md).
  return (await listEpisodes(store)).map((e) => ({
    code: e.code,
    name: e.name,
    locationCountryIds: e.locationCountryIds,
    responsibleCountryIds: e.responsibleCountryIds,
    startYear: e.startYear,
    endYear: e.endYear,
    stateLed: e.stateLed,
  }));
}

/**
 * The engine's input for one date: every value of the framework's variables public on
 * `asOf`, for all countries, with the years each variable's indicators look at: one query
 * per distinct look-back (two or three), run concurrently.
 */
export async function loadInput(
  store: Store,
  framework: Framework,
  asOf: string,
  episodes: readonly Episode[],
  options: {
    overrides?: readonly Override[];
    applyOverrides?: boolean;
    /** Also load this many years before the look-back (to assess an earlier date too). */
    extraYears?: number;
  } = {},
): Promise<AssessmentInput> {
  const refYear = yearOf(asOf);
  const extra = options.extraYears ?? 0;
  const bySpan = new Map<number, string[]>();
  for (const [variable, years] of variableLookback(framework)) {
    const list = bySpan.get(years);
    if (list) list.push(variable);
    else bySpan.set(years, [variable]);
  }
  const batches = await Promise.all(
    [...bySpan].map(([years, variables]) =>
      observationsAsOf(store, {
        variables,
        asOf,
        fromYear: refYear - years - extra + 1,
        toYear: refYear,
      }),
    ),
  );
  const observations = new Map<string, Observation[]>();
  for (const rows of batches) {
    for (const r of rows) {
      const [source, release] = splitSource(r.source);
      const o: Observation = {
        variable: r.variable,
        year: r.year,
        value: r.value,
        source,
        availableFrom: r.availableFrom,
      };
      if (release) o.release = release;
      const list = observations.get(r.countryId);
      if (list) list.push(o);
      else observations.set(r.countryId, [o]);
    }
  }
  return {
    asOf,
    observations,
    episodes,
    overrides: options.overrides,
    applyOverrides: options.applyOverrides,
    episodesKnownTo: episodesKnownTo(episodes),
  };
}

/**
 * The last year the episode list covers (the latest start or end year it mentions); undefined
 * for an empty list. After it the list's readings are carried, not read as years of peace.
 */
export function episodesKnownTo(episodes: readonly Episode[]): number | undefined {
  let end = -Infinity;
  for (const e of episodes) end = Math.max(end, e.startYear, e.endYear ?? e.startYear);
  return end === -Infinity ? undefined : end;
}

/**
 * Whether a source the framework reads has a release that became public after `from` and by
 * `to` and revises an earlier one. The store dates every value of such a release by its
 * release date (the values of a source's first release by their year and publication lag),
 * so a load as of `to` holds the revised values only, and the values as known on `from`
 * need a load of their own.
 */
export async function revisedBetween(
  store: Store,
  framework: Framework,
  from: string,
  to: string,
): Promise<boolean> {
  const sources = new Set(frameworkVariables(framework).map((v) => v.slice(0, v.indexOf(':'))));
  const releases = (await listReleases(store)).filter((r) => sources.has(r.sourceKind));
  return releases.some(
    (r) =>
      from < r.releasedOn &&
      r.releasedOn <= to &&
      releases.some((e) => e.sourceKind === r.sourceKind && e.releasedOn < r.releasedOn),
  );
}

/** How many years back (counting the reference year) any indicator of the framework reads. */
export function lookbackYears(framework: Framework): number {
  return Math.max(1, ...variableLookback(framework).values());
}

/**
 * Per store variable, how many years back (counting the reference year) the indicators that
 * read it look; an indicator anchored at the last published year may end up to
 * `MAX_PUBLICATION_DELAY_YEARS` before the reference year, and one whose reading may be
 * carried looks `carry.years` further.
 */
export function variableLookback(framework: Framework): Map<string, number> {
  const out = new Map<string, number>();
  for (const g of framework.groups) {
    for (const f of g.factors) {
      for (const i of f.indicators) {
        const t = i.transform;
        if (t.kind === 'episodes') continue;
        let span = t.kind === 'change' ? t.years + 2 * t.maxAgeYears : 0;
        if (t.kind === 'latest') span = t.maxAgeYears;
        else if (t.kind === 'window') span = t.years;
        if (t.anchor === 'published') span += MAX_PUBLICATION_DELAY_YEARS;
        span += (i.carry ?? framework.carry)?.years ?? 0;
        for (const v of i.variables) out.set(v, Math.max(out.get(v) ?? 1, span));
      }
    }
  }
  return out;
}

/** `vdem v14` → [`vdem`, `v14`]. */
function splitSource(source: string): [string, string | undefined] {
  const i = source.indexOf(' ');
  return i < 0 ? [source, undefined] : [source.slice(0, i), source.slice(i + 1)];
}

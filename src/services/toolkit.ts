import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InputError } from '../core/errors.js';
import { formatIssues } from '../core/frameworks/validate.js';
import { validateLessons, validateToolkit } from '../core/planning/toolkit.js';
import type { ContentIssue } from '../core/planning/toolkit.js';
import type { Lessons, Toolkit } from '../core/planning/types.js';
import { contentDir } from './content.js';
import { loadCountryRegistry } from './countries.js';
import { loadRules } from './escalation.js';
import { listFrameworks, loadFramework } from './frameworks.js';

/**
 * Loading the prevention toolkit and the lessons library from `content/toolkit/`
 * (`toolkit.vN.json`, `lessons.vN.json`). The two files refer to each other (measures name
 * cases, cases name measures), so both are read and checked together.
 */

/** Which version of each file to read; the newest in the folder when not given. */
export interface ToolkitVersions {
  toolkit?: number;
  lessons?: number;
}

/** What toolkit and lessons references are checked against, from the installed content. */
export interface PlanningRefs {
  /** `FRAMEWORK:FACTOR` of the newest version of every framework. */
  factors: Set<string>;
  /** Indicator ids of the default escalation rules. */
  indicators: Set<string>;
  /** Country registry ids. */
  countries: Set<string>;
}

/**
 * The references of the installed content: factors of the newest version of every framework
 * (`content/frameworks`), indicators of the default escalation rules, country ids.
 */
export async function planningRefs(): Promise<PlanningRefs> {
  const factors = new Set<string>();
  for (const summary of (await listFrameworks()).filter((f) => f.latest)) {
    const framework = await loadFramework(`${summary.id}@${summary.version}`);
    for (const group of framework.groups) {
      for (const factor of group.factors) factors.add(`${framework.id}:${factor.id}`);
    }
  }
  const rules = await loadRules();
  const indicators = new Set(rules.indicators.map((i) => i.id));
  const countries = new Set(
    loadCountryRegistry()
      .all()
      .map((c) => c.id),
  );
  return { factors, indicators, countries };
}

/**
 * The toolkit and the lessons library of `dir` (default `content/toolkit`), newest versions
 * unless `versions` names others, validated against each other and against `planningRefs`.
 * Throws InputError naming the file and every offending path.
 */
export async function loadToolkitContent(
  dir: string = contentDir('toolkit'),
  versions: ToolkitVersions = {},
): Promise<{ toolkit: Toolkit; lessons: Lessons }> {
  const refs = await planningRefs();
  const toolkitFile = await pickFile(dir, 'toolkit', versions.toolkit);
  const lessonsFile = await pickFile(dir, 'lessons', versions.lessons);
  const toolkitJson = await readJson(toolkitFile.path);
  const lessonsJson = await readJson(lessonsFile.path);
  // Measures first without their case references, then the cases against the measures,
  // then the measures' cases against the cases.
  const measures = validateToolkit(toolkitJson, refs);
  if (!measures.ok) throw invalid('toolkit', toolkitFile.path, measures.issues);
  const lessons = validateLessons(lessonsJson, {
    measures: new Set(measures.toolkit.measures.map((m) => m.id)),
    countries: refs.countries,
  });
  if (!lessons.ok) throw invalid('lessons library', lessonsFile.path, lessons.issues);
  const toolkit = validateToolkit(toolkitJson, {
    ...refs,
    caseIds: new Set(lessons.lessons.cases.map((c) => c.id)),
  });
  if (!toolkit.ok) throw invalid('toolkit', toolkitFile.path, toolkit.issues);
  checkVersion(toolkitFile, toolkit.toolkit.version);
  checkVersion(lessonsFile, lessons.lessons.version);
  return { toolkit: toolkit.toolkit, lessons: lessons.lessons };
}

/** The toolkit of `dir` (see `loadToolkitContent`), version `version` or the newest. */
export async function loadToolkit(
  dir: string = contentDir('toolkit'),
  version?: number,
): Promise<Toolkit> {
  return (await loadToolkitContent(dir, { toolkit: version })).toolkit;
}

/** The lessons library of `dir` (see `loadToolkitContent`), version `version` or the newest. */
export async function loadLessons(
  dir: string = contentDir('toolkit'),
  version?: number,
): Promise<Lessons> {
  return (await loadToolkitContent(dir, { lessons: version })).lessons;
}

interface ContentFile {
  path: string;
  version: number;
}

/** `NAME.vN.json` of `dir`: version `wanted`, or the highest N. */
async function pickFile(dir: string, name: string, wanted?: number): Promise<ContentFile> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    throw new InputError('cannot read the toolkit folder', { file: dir });
  }
  const pattern = new RegExp(`^${name}\\.v([1-9]\\d*)\\.json$`);
  const found = names
    .map((n) => ({ n, m: pattern.exec(n) }))
    .filter((x): x is { n: string; m: RegExpExecArray } => x.m !== null)
    .map((x) => ({ path: join(dir, x.n), version: Number(x.m[1]) }))
    .sort((a, b) => b.version - a.version);
  const pick = wanted === undefined ? found[0] : found.find((f) => f.version === wanted);
  if (!pick) {
    const have = found.map((f) => `v${f.version}`).join(', ');
    throw new InputError(`no ${name} file${wanted === undefined ? '' : ` of version ${wanted}`}`, {
      file: dir,
      expected: have ? `one of ${name} ${have}` : `${name}.vN.json`,
    });
  }
  return pick;
}

async function readJson(path: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new InputError(`not valid JSON: ${(error as Error).message}`, { file: path });
  }
}

function invalid(what: string, file: string, issues: readonly ContentIssue[]): InputError {
  return new InputError(`invalid ${what}:\n${formatIssues(issues)}`, { file });
}

function checkVersion(file: ContentFile, version: number): void {
  if (file.version !== version) {
    throw new InputError(`the file says version ${version}`, {
      file: file.path,
      expected: `version ${file.version}, as in the file name`,
    });
  }
}

import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError } from '../core/errors.js';
import type { Framework } from '../core/frameworks/types.js';
import { formatIssues, validateFramework } from '../core/frameworks/validate.js';
import type { FrameworkIssue } from '../core/frameworks/validate.js';
import type { Store } from '../store/database.js';
import { listVariables } from '../store/observations-repository.js';

/**
 * The folder of framework files: `LENS_FRAMEWORKS_DIR` if set, else `content/frameworks`
 * of the installed package (found by walking up from this module, so it works from `src/`
 * under tsx and from `dist/` once built).
 */
export function frameworksDir(): string {
  const fromEnv = process.env.LENS_FRAMEWORKS_DIR;
  if (fromEnv) return resolve(fromEnv);
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, 'content', 'frameworks');
    if (existsSync(candidate)) return candidate;
    dir = dirname(dir);
  }
  throw new Error('content/frameworks not found; set LENS_FRAMEWORKS_DIR');
}

/** One framework file in the list. */
export interface FrameworkSummary {
  id: string;
  version: number;
  title: string;
  file: string;
  groups: number;
  factors: number;
  /** Factors only an analyst can set. */
  analystFactors: number;
  indicators: number;
  /** Variables read from the store, sorted. */
  variables: string[];
  /** Whether it is the newest version of its id (the one used when no version is named). */
  latest: boolean;
}

/**
 * Every framework in the folder, newest version of each id marked `latest`, sorted by id
 * then version. Files are validated on load; a bad file throws InputError naming it and
 * every offending path.
 */
export async function listFrameworks(dir = frameworksDir()): Promise<FrameworkSummary[]> {
  const frameworks = await loadAll(dir);
  const newest = new Map<string, number>();
  for (const { framework: f } of frameworks) {
    newest.set(f.id, Math.max(newest.get(f.id) ?? 0, f.version));
  }
  return frameworks
    .map(({ framework: f, file }) => {
      const factors = f.groups.flatMap((g) => g.factors);
      const indicators = factors.flatMap((x) => x.indicators);
      return {
        id: f.id,
        version: f.version,
        title: f.title,
        file,
        groups: f.groups.length,
        factors: factors.length,
        analystFactors: factors.filter((x) => x.analystInput).length,
        indicators: indicators.length,
        variables: frameworkVariables(f),
        latest: newest.get(f.id) === f.version,
      };
    })
    .sort((a, b) => a.id.localeCompare(b.id) || a.version - b.version);
}

/**
 * The framework `ref`: `ID` (newest version) or `ID@VERSION` (also `ID.vVERSION`). Throws
 * InputError listing the available ids when there is none.
 */
export async function loadFramework(ref: string, dir = frameworksDir()): Promise<Framework> {
  const m = /^([a-z0-9][a-z0-9-]*?)(?:(?:@|\.v)(\d+))?$/.exec(ref.trim());
  const all = await loadAll(dir);
  const candidates = m ? all.filter((x) => x.framework.id === m[1]) : [];
  const wanted = m?.[2] === undefined ? undefined : Number(m[2]);
  const pick = candidates
    .filter((x) => wanted === undefined || x.framework.version === wanted)
    .sort((a, b) => b.framework.version - a.framework.version)[0];
  if (!pick) {
    const known = [...new Set(all.map((x) => `${x.framework.id}@${x.framework.version}`))].sort();
    throw new InputError(`unknown framework "${ref}"`, {
      expected: `one of ${known.join(', ')}`,
    });
  }
  return pick.framework;
}

/** The result of validating one framework file. */
export interface FrameworkFileValidation {
  file: string;
  ok: boolean;
  id?: string;
  version?: number;
  issues: FrameworkIssue[];
  /** False when no variable list was available, so unknown variables were not checked. */
  variablesChecked: boolean;
}

/**
 * Validates a framework file: JSON syntax, the schema, and (with `knownVariables`, e.g.
 * from `storeVariables`) that every variable exists in the store. Never throws for a bad
 * file: the issues say what and where. Throws only when the file cannot be read.
 */
export async function validateFrameworkFile(
  path: string,
  options: { knownVariables?: ReadonlySet<string> } = {},
): Promise<FrameworkFileValidation> {
  const file = resolve(path);
  const text = await readFile(file, 'utf8');
  const variablesChecked = options.knownVariables !== undefined;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return {
      file,
      ok: false,
      issues: [{ path: '(file)', message: `not valid JSON: ${(error as Error).message}` }],
      variablesChecked,
    };
  }
  const result = validateFramework(json, { knownVariables: options.knownVariables });
  if (!result.ok) return { file, ok: false, issues: result.issues, variablesChecked };
  return {
    file,
    ok: true,
    id: result.framework.id,
    version: result.framework.version,
    issues: [],
    variablesChecked,
  };
}

/**
 * The variable names in the store, for `validateFrameworkFile`; undefined when the store
 * has none yet (nothing imported), since every variable would then look unknown.
 */
export async function storeVariables(store: Store): Promise<Set<string> | undefined> {
  const rows = await listVariables(store);
  return rows.length === 0 ? undefined : new Set(rows.map((r) => r.name));
}

/** Every store variable a framework reads, sorted. */
export function frameworkVariables(framework: Framework): string[] {
  const out = new Set<string>();
  for (const g of framework.groups) {
    for (const f of g.factors)
      for (const i of f.indicators) for (const v of i.variables) out.add(v);
  }
  return [...out].sort();
}

async function loadAll(dir: string): Promise<{ framework: Framework; file: string }[]> {
  const names = (await readdir(dir)).filter((n) => n.endsWith('.json')).sort();
  const out: { framework: Framework; file: string }[] = [];
  for (const name of names) {
    const file = join(dir, name);
    const text = await readFile(file, 'utf8');
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      throw new InputError(`not valid JSON: ${(error as Error).message}`, { file });
    }
    const result = validateFramework(json);
    if (!result.ok) {
      throw new InputError(`invalid framework:\n${formatIssues(result.issues)}`, { file });
    }
    const expected = `${result.framework.id}.v${result.framework.version}.json`;
    if (basename(file) !== expected) {
      throw new InputError(`file name does not match the framework's id and version`, {
        file,
        expected: expected,
      });
    }
    out.push({ framework: result.framework, file });
  }
  return out;
}

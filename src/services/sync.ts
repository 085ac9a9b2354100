import { mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join, relative, resolve, sep } from 'node:path';
import type { CountryRegistry } from '../core/countries/registry.js';
import { InputError } from '../core/errors.js';
import { detectEventKind } from '../sources/events/index.js';
import type { EventKind } from '../sources/events/index.js';
import { SOURCES, detectKind } from '../sources/index.js';
import { lookupTable } from '../sources/lookups.js';
import { sniffFormat } from '../sources/spreadsheet.js';
import { extractZip } from '../sources/zip.js';
import type { OnProgress, SourceKind } from '../sources/types.js';
import type { Store } from '../store/database.js';
import { importEvents } from './events.js';
import type { EventImportReport } from './events.js';
import { importFile } from './import.js';
import type { ImportReport, ImportTimings } from './import.js';

/** Options of a sync. */
export interface SyncOptions {
  /** Only these kinds, of sources or of event data (default: all). */
  only?: readonly (SourceKind | EventKind)[];
  /**
   * A local folder or an http(s) address of a mirror (a folder served with an index page):
   * every file found there is recognised by its content and imported. Absent: each source
   * is downloaded from its publisher's address (`addresses` overrides those).
   */
  from?: string;
  /** Download address per kind, replacing the publisher's default. */
  addresses?: Partial<Record<SourceKind, string>>;
  /** Called before each file is imported, and with progress while it is. */
  onFile?: (file: string, kind: SourceKind | EventKind) => OnProgress | undefined;
  /** Where to add the time each source file's import spends (for benchmarks). */
  timings?: (file: string) => ImportTimings | undefined;
  now?: string;
}

/**
 * What a sync did, files named by path, address or `archive#entry`: one report per file of a
 * source (`imported`) and per event file (`events`, imported as `lens events import` does,
 * without refreshing statuses or raising alerts), the files recognised as something the lens
 * does not import with why (`notImported`: lookup tables), documentation skipped (READMEs,
 * codebooks, office documents), and the files it did not recognise.
 */
export interface SyncReport {
  imported: ImportReport[];
  events: EventImportReport[];
  notImported: { file: string; reason: string }[];
  documentation: string[];
  unrecognised: string[];
}

/** A report with nothing in it yet. */
export function emptySyncReport(): SyncReport {
  return { imported: [], events: [], notImported: [], documentation: [], unrecognised: [] };
}

/** Brings every source in, from a folder, a mirror, or the publishers. */
export async function syncSources(
  store: Store,
  registry: CountryRegistry,
  options: SyncOptions,
): Promise<SyncReport> {
  const from = options.from;
  if (from && /^https?:\/\//.test(from)) {
    const dir = await mkdtemp(join(tmpdir(), 'lens-sync-'));
    try {
      await mirrorFolder(from, dir);
      return await syncFolder(store, registry, dir, options, from);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
  if (from) return syncFolder(store, registry, resolve(from), options);
  return syncPublishers(store, registry, options);
}

async function syncFolder(
  store: Store,
  registry: CountryRegistry,
  dir: string,
  options: SyncOptions,
  baseAddress?: string,
): Promise<SyncReport> {
  const unpacked = await mkdtemp(join(tmpdir(), 'lens-unpacked-'));
  try {
    const report = emptySyncReport();
    let archives = 0;
    for (const found of await listFiles(dir)) {
      const address = baseAddress
        ? new URL(relative(dir, found).split(sep).join('/'), withSlash(baseAddress)).href
        : found;
      // An archive stands for the files in it, each imported under `archive#entry`; a
      // workbook is a ZIP container too, but one file, read as a spreadsheet.
      const files = (await isArchive(found))
        ? await unpack(found, address, join(unpacked, String(++archives)))
        : [{ file: found, address }];
      for (const { file, address } of files) {
        const what = await recognise(file);
        if (what.type === 'source' || what.type === 'events') {
          if (options.only && !options.only.includes(what.kind)) continue;
          const common = {
            path: file,
            address,
            onProgress: options.onFile?.(file, what.kind),
            now: options.now,
          };
          if (what.type === 'source')
            report.imported.push(
              await importFile(store, registry, {
                kind: what.kind,
                ...common,
                timings: options.timings?.(file),
              }),
            );
          else
            report.events.push(await importEvents(store, registry, { kind: what.kind, ...common }));
        } else if (what.type === 'not-imported')
          report.notImported.push({ file: address, reason: what.reason });
        else if (what.type === 'documentation') report.documentation.push(address);
        else report.unrecognised.push(address);
      }
    }
    return report;
  } finally {
    await rm(unpacked, { recursive: true, force: true });
  }
}

/** What a file found in a folder is, judged by its content (by its name only for documentation). */
type Recognised =
  | { type: 'source'; kind: SourceKind }
  | { type: 'events'; kind: EventKind }
  | { type: 'not-imported'; reason: string }
  | { type: 'documentation' }
  | { type: 'unrecognised' };

/** File names of the notes publishers ship beside their data. */
const DOCUMENTATION =
  /(^(readme|licen[cs]e|copying|notice|changelog|changes|codebook)([._-]|$))|\.(md|markdown|pdf|html?|rtf|docx?|odt)$/i;

async function recognise(file: string): Promise<Recognised> {
  const kind = await detectKind(file);
  if (kind) return { type: 'source', kind };
  const eventKind = await detectEventKind(file);
  if (eventKind) return { type: 'events', kind: eventKind };
  const reason = await lookupTable(file);
  if (reason) return { type: 'not-imported', reason };
  // Only what no reader recognised by content is judged by its name.
  if ((await sniffFormat(file)) === 'office' || DOCUMENTATION.test(basename(file)))
    return { type: 'documentation' };
  return { type: 'unrecognised' };
}

/** A ZIP archive of files (not a workbook or another office document, which are ZIPs too). */
async function isArchive(file: string): Promise<boolean> {
  return (await sniffFormat(file)) === 'zip';
}

/** The files of an archive unpacked into `dir`, each with its address `archive#entry`. */
async function unpack(
  archive: string,
  address: string,
  dir: string,
): Promise<{ file: string; address: string }[]> {
  const files = await extractZip(archive, dir);
  return files.map((file) => ({
    file,
    address: `${address}#${relative(dir, file).split(sep).join('/')}`,
  }));
}

async function syncPublishers(
  store: Store,
  registry: CountryRegistry,
  options: SyncOptions,
): Promise<SyncReport> {
  const dir = await mkdtemp(join(tmpdir(), 'lens-download-'));
  const report = emptySyncReport();
  try {
    for (const source of SOURCES) {
      if (options.only && !options.only.includes(source.kind)) continue;
      const address = options.addresses?.[source.kind] ?? source.url;
      const downloaded = join(dir, `${source.kind}-${safeName(address)}`);
      await download(address, downloaded);
      // A publisher's archive: the file of this source in it (recognised by its columns).
      let file = downloaded;
      let fileAddress = address;
      if (await isArchive(downloaded)) {
        const files = await unpack(downloaded, address, `${downloaded}-unpacked`);
        const kinds = await Promise.all(files.map((f) => detectKind(f.file)));
        const i = kinds.indexOf(source.kind);
        if (i < 0)
          throw new InputError(
            `${address}: the archive holds no ${source.kind} file (${files.length} files: ` +
              `${files.map((f, k) => `${f.address.split('#')[1]} (${kinds[k] ?? 'not recognised'})`).join(', ')})`,
            { expected: `the ${source.kind} file, alone or in a ZIP archive` },
          );
        file = files[i]!.file;
        fileAddress = files[i]!.address;
      }
      const onProgress = options.onFile?.(file, source.kind);
      report.imported.push(
        await importFile(store, registry, {
          kind: source.kind,
          path: file,
          address: fileAddress,
          onProgress,
          now: options.now,
          timings: options.timings?.(file),
        }),
      );
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return report;
}

/** Every regular file below `dir`, sorted, skipping hidden files. */
async function listFiles(dir: string): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    throw new InputError(`cannot read the folder: ${(error as NodeJS.ErrnoException).code}`, {
      file: dir,
    });
  }
  const out: string[] = [];
  for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    if (e.name.startsWith('.')) continue;
    const path = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await listFiles(path)));
    else if (e.isFile() || (e.isSymbolicLink() && (await stat(path)).isFile())) out.push(path);
  }
  return out;
}

/**
 * Copies a mirror (an http folder with an index page listing its files, as ordinary web
 * servers produce) into `dir`. Only links below `base` are followed, so a listing cannot
 * send the download elsewhere; names are checked so nothing is written outside `dir`.
 */
async function mirrorFolder(base: string, dir: string, depth = 0): Promise<void> {
  if (depth > 4) return;
  const root = withSlash(base);
  const page = await fetchOk(root);
  const html = await page.text();
  const links = new Set<string>();
  for (const m of html.matchAll(/href\s*=\s*"([^"#?]+)"/gi)) {
    const href = m[1];
    if (!href) continue;
    const url = new URL(href, root).href;
    if (url.startsWith(root) && url !== root) links.add(url);
  }
  for (const url of links) {
    const name = decodeURIComponent(url.slice(root.length));
    if (url.endsWith('/')) {
      const sub = name.slice(0, -1);
      if (!isSafeName(sub)) continue;
      await mkdir(join(dir, sub), { recursive: true });
      await mirrorFolder(url, join(dir, sub), depth + 1);
    } else if (isSafeName(name)) {
      await download(url, join(dir, name));
    }
  }
}

function isSafeName(name: string): boolean {
  return (
    name.length > 0 && !name.includes('/') && !name.includes('\\') && name !== '..' && name !== '.'
  );
}

async function download(address: string, file: string): Promise<void> {
  const response = await fetchOk(address);
  await writeFile(file, Buffer.from(await response.arrayBuffer()));
}

async function fetchOk(address: string): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(address);
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
    throw new InputError(`cannot download ${address}: ${cause}`, {
      expected: 'a reachable address, or --from DIR with local copies',
    });
  }
  if (!response.ok) {
    throw new InputError(`cannot download ${address}: HTTP ${response.status}`);
  }
  return response;
}

function withSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}

function safeName(address: string): string {
  const last = address.split(/[/?#]/).filter(Boolean).pop() ?? 'download';
  return last.replace(/[^A-Za-z0-9._-]/g, '_');
}

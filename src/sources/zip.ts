import { readFile, mkdir, open, writeFile } from 'node:fs/promises';
import { dirname, join, normalize, sep } from 'node:path';
import { crc32, inflateRawSync } from 'node:zlib';
import { InputError } from '../core/errors.js';

/**
 * ZIP archives as publishers ship them (UCDP, V-Dem, the World Bank): the central directory
 * read from the end of the file, entries stored (method 0) or deflated (method 8), each
 * checked against its CRC-32. ZIP64, encryption and other methods are refused with the
 * archive and entry named.
 */

/** The four bytes every ZIP archive (and every entry's local header) starts with. */
const LOCAL_HEADER = 0x04034b50;
const CENTRAL_HEADER = 0x02014b50;
const END_OF_DIRECTORY = 0x06054b50;

/** True when `file` starts like a ZIP archive. */
export async function isZip(file: string): Promise<boolean> {
  const handle = await open(file, 'r');
  try {
    const head = Buffer.alloc(4);
    const { bytesRead } = await handle.read(head, 0, 4, 0);
    return bytesRead === 4 && head.readUInt32LE(0) === LOCAL_HEADER;
  } finally {
    await handle.close();
  }
}

/** One file of an archive. */
export interface ZipEntry {
  /** Its path inside the archive, with forward slashes. */
  name: string;
  method: number;
  crc: number;
  compressedSize: number;
  size: number;
  localHeaderOffset: number;
}

/**
 * The files listed in an archive's central directory (folders left out). InputError naming
 * the archive for anything that is not a readable ZIP of this kind.
 */
export function zipEntries(archive: Buffer, file: string): ZipEntry[] {
  const bad = (why: string): never => {
    throw new InputError(`${why}`, { file, expected: 'a ZIP archive (stored or deflated)' });
  };
  // The end-of-directory record is 22 bytes plus a comment of up to 65,535.
  let end = -1;
  for (let i = archive.length - 22; i >= Math.max(0, archive.length - 22 - 65_535); i--) {
    if (archive.readUInt32LE(i) === END_OF_DIRECTORY) {
      end = i;
      break;
    }
  }
  if (end < 0) bad('no end of the central directory: the archive is truncated or not a ZIP');
  const count = archive.readUInt16LE(end + 10);
  const directorySize = archive.readUInt32LE(end + 12);
  const directoryOffset = archive.readUInt32LE(end + 16);
  if (count === 0xffff || directoryOffset === 0xffffffff)
    bad('a ZIP64 archive (over 4 GB or 65,535 entries), which is not supported');
  if (directoryOffset + directorySize > end) bad('the central directory lies outside the file');
  const entries: ZipEntry[] = [];
  let at = directoryOffset;
  for (let n = 0; n < count; n++) {
    if (archive.readUInt32LE(at) !== CENTRAL_HEADER)
      bad(`entry ${n + 1}: broken central directory`);
    const flags = archive.readUInt16LE(at + 8);
    const method = archive.readUInt16LE(at + 10);
    const nameLength = archive.readUInt16LE(at + 28);
    const extraLength = archive.readUInt16LE(at + 30);
    const commentLength = archive.readUInt16LE(at + 32);
    const name = archive.toString(flags & 0x800 ? 'utf8' : 'latin1', at + 46, at + 46 + nameLength);
    const entry: ZipEntry = {
      name,
      method,
      crc: archive.readUInt32LE(at + 16),
      compressedSize: archive.readUInt32LE(at + 20),
      size: archive.readUInt32LE(at + 24),
      localHeaderOffset: archive.readUInt32LE(at + 42),
    };
    if (flags & 0x1) bad(`"${name}" is encrypted`);
    if (method !== 0 && method !== 8)
      bad(`"${name}" is compressed with method ${method} (only stored and deflated are read)`);
    if (!name.endsWith('/')) entries.push(entry);
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/** The content of one entry, checked against its size and CRC-32. */
export function zipEntryData(archive: Buffer, entry: ZipEntry, file: string): Buffer {
  const at = entry.localHeaderOffset;
  const where = { file, expected: 'the entry as the central directory describes it' };
  if (at + 30 > archive.length || archive.readUInt32LE(at) !== LOCAL_HEADER)
    throw new InputError(`"${entry.name}": no local header where the directory points`, where);
  const start = at + 30 + archive.readUInt16LE(at + 26) + archive.readUInt16LE(at + 28);
  const packed = archive.subarray(start, start + entry.compressedSize);
  if (packed.length !== entry.compressedSize)
    throw new InputError(`"${entry.name}" is cut short`, where);
  let data: Buffer;
  try {
    data = entry.method === 0 ? packed : inflateRawSync(packed);
  } catch (error) {
    throw new InputError(`"${entry.name}" is damaged (${(error as Error).message})`, where);
  }
  if (data.length !== entry.size || crc32(data) !== entry.crc)
    throw new InputError(`"${entry.name}" is damaged (size or CRC-32 does not match)`, where);
  return data;
}

/**
 * Unpacks every file of `file` below `dir` and returns their paths, in the archive's order.
 * Entry names that would land outside `dir` (absolute, or climbing with `..`) are refused;
 * macOS resource forks (`__MACOSX/`) are skipped.
 */
export async function extractZip(file: string, dir: string): Promise<string[]> {
  const archive = await readFile(file);
  const out: string[] = [];
  for (const entry of zipEntries(archive, file)) {
    if (entry.name.startsWith('__MACOSX/')) continue;
    const relative = normalize(entry.name.replace(/\\/g, '/'));
    if (/^([a-zA-Z]:)?[\\/]/.test(entry.name) || relative.split(sep).includes('..'))
      throw new InputError(`"${entry.name}" would be written outside the folder it unpacks to`, {
        file,
        expected: 'entry names relative to the archive',
      });
    const target = join(dir, relative);
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, zipEntryData(archive, entry, file));
    out.push(target);
  }
  return out;
}

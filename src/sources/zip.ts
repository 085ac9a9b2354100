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

/** The signatures of an entry's local header, a directory entry and the directory's end. */
const LOCAL_HEADER = 0x04034b50;
const CENTRAL_HEADER = 0x02014b50;
const END_OF_DIRECTORY = 0x06054b50;

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
  const end = findEndOfDirectory(archive, file);
  const { count, size, offset } = directoryOf(archive, end, file);
  if (offset + size > end) bad(file, 'the central directory lies outside the file');
  return parseDirectory(archive.subarray(offset, offset + size), count, file);
}

/**
 * The files of an archive, read from its central directory alone (at the end of the file),
 * so that a large archive is not read whole to learn what it holds. InputError as for
 * {@link zipEntries}.
 */
export async function readZipDirectory(file: string): Promise<ZipEntry[]> {
  const handle = await open(file, 'r');
  try {
    const { size: length } = await handle.stat();
    const tailLength = Math.min(length, 22 + 65_535);
    const tail = Buffer.alloc(tailLength);
    await handle.read(tail, 0, tailLength, length - tailLength);
    const end = findEndOfDirectory(tail, file);
    const { count, size, offset } = directoryOf(tail, end, file);
    if (offset + size > length - tailLength + end)
      bad(file, 'the central directory lies outside the file');
    const directory = Buffer.alloc(size);
    const { bytesRead } = await handle.read(directory, 0, size, offset);
    if (bytesRead !== size) bad(file, 'the central directory is cut short');
    return parseDirectory(directory, count, file);
  } finally {
    await handle.close();
  }
}

/** The content of one entry of the archive `file`, read alone; checked as {@link zipEntryData}. */
export async function readZipEntry(file: string, entry: ZipEntry): Promise<Buffer> {
  const handle = await open(file, 'r');
  try {
    const header = Buffer.alloc(30);
    const { bytesRead } = await handle.read(header, 0, 30, entry.localHeaderOffset);
    if (bytesRead !== 30 || header.readUInt32LE(0) !== LOCAL_HEADER) noLocalHeader(entry, file);
    const packed = Buffer.alloc(entry.compressedSize);
    const start = entry.localHeaderOffset + 30 + header.readUInt16LE(26) + header.readUInt16LE(28);
    const read = await handle.read(packed, 0, entry.compressedSize, start);
    return unpackEntry(packed.subarray(0, read.bytesRead), entry, file);
  } finally {
    await handle.close();
  }
}

function bad(file: string, why: string): never {
  throw new InputError(why, { file, expected: 'a ZIP archive (stored or deflated)' });
}

/** Where the end-of-directory record starts in `buffer` (22 bytes plus a comment of up to 65,535). */
function findEndOfDirectory(buffer: Buffer, file: string): number {
  for (let i = buffer.length - 22; i >= Math.max(0, buffer.length - 22 - 65_535); i--) {
    if (buffer.readUInt32LE(i) === END_OF_DIRECTORY) return i;
  }
  return bad(file, 'no end of the central directory: the archive is truncated or not a ZIP');
}

/** The entry count, size and file offset of the central directory, from its end record. */
function directoryOf(buffer: Buffer, end: number, file: string) {
  const count = buffer.readUInt16LE(end + 10);
  const size = buffer.readUInt32LE(end + 12);
  const offset = buffer.readUInt32LE(end + 16);
  if (count === 0xffff || offset === 0xffffffff)
    bad(file, 'a ZIP64 archive (over 4 GB or 65,535 entries), which is not supported');
  return { count, size, offset };
}

/** The file entries of a central directory (`directory` holds exactly its bytes). */
function parseDirectory(directory: Buffer, count: number, file: string): ZipEntry[] {
  const entries: ZipEntry[] = [];
  let at = 0;
  for (let n = 0; n < count; n++) {
    if (at + 46 > directory.length || directory.readUInt32LE(at) !== CENTRAL_HEADER)
      bad(file, `entry ${n + 1}: broken central directory`);
    const flags = directory.readUInt16LE(at + 8);
    const method = directory.readUInt16LE(at + 10);
    const nameLength = directory.readUInt16LE(at + 28);
    const extraLength = directory.readUInt16LE(at + 30);
    const commentLength = directory.readUInt16LE(at + 32);
    const name = directory.toString(
      flags & 0x800 ? 'utf8' : 'latin1',
      at + 46,
      at + 46 + nameLength,
    );
    const entry: ZipEntry = {
      name,
      method,
      crc: directory.readUInt32LE(at + 16),
      compressedSize: directory.readUInt32LE(at + 20),
      size: directory.readUInt32LE(at + 24),
      localHeaderOffset: directory.readUInt32LE(at + 42),
    };
    if (flags & 0x1) bad(file, `"${name}" is encrypted`);
    if (method !== 0 && method !== 8)
      bad(
        file,
        `"${name}" is compressed with method ${method} (only stored and deflated are read)`,
      );
    if (!name.endsWith('/')) entries.push(entry);
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/** The content of one entry, checked against its size and CRC-32. */
export function zipEntryData(archive: Buffer, entry: ZipEntry, file: string): Buffer {
  const at = entry.localHeaderOffset;
  if (at + 30 > archive.length || archive.readUInt32LE(at) !== LOCAL_HEADER)
    noLocalHeader(entry, file);
  const start = at + 30 + archive.readUInt16LE(at + 26) + archive.readUInt16LE(at + 28);
  return unpackEntry(archive.subarray(start, start + entry.compressedSize), entry, file);
}

const ENTRY_EXPECTED = 'the entry as the central directory describes it';

function noLocalHeader(entry: ZipEntry, file: string): never {
  throw new InputError(`"${entry.name}": no local header where the directory points`, {
    file,
    expected: ENTRY_EXPECTED,
  });
}

/** An entry's bytes as stored (`packed`), inflated if need be and checked. */
function unpackEntry(packed: Buffer, entry: ZipEntry, file: string): Buffer {
  const where = { file, expected: ENTRY_EXPECTED };
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

import { createHash } from 'node:crypto';
import type { CountryKey, EpisodeRecord, ObservationRecord } from '../sources/types.js';

/**
 * A digest of the records a reader gives for a file: the same for the same rows and values
 * whatever the format they came in (a sheet as .xls and as .csv), in whatever order of rows
 * or columns, and different as soon as one value, key, label or row differs. Line numbers
 * are left out (they are where a row sits in the file, not what it says). The text starts
 * with the scheme (`rows-v1:`), so that a future change of what is digested cannot match an
 * older fingerprint.
 */
export class ContentFingerprint {
  private readonly rows: Buffer[] = [];
  /** The value names of the last observation; rows of a file share them. */
  private names: readonly string[] = [];
  /** The same names sorted, and as JSON. */
  private sorted: readonly string[] = [];
  private namesJson = '[]';

  /** Adds one record as the reader gave it. */
  add(record: ObservationRecord | EpisodeRecord): void {
    const hash = createHash('sha256');
    if ('values' in record) this.addObservation(hash, record);
    else hash.update(canonicalJson({ ...record, line: undefined }));
    this.rows.push(hash.digest());
  }

  /** `rows-v1:` and the SHA-256 (hex) of the sorted row digests. */
  digest(): string {
    const hash = createHash('sha256');
    for (const row of [...this.rows].sort(Buffer.compare)) hash.update(row);
    return `rows-v1:${hash.digest('hex')}`;
  }

  /**
   * An observation: its keys, label, year and marks as canonical JSON, then its value names
   * in sorted order and the values in that order as little-endian doubles (missing as NaN,
   * which no reader gives for a value), so that millions of numbers are not turned to text.
   */
  private addObservation(hash: ReturnType<typeof createHash>, record: ObservationRecord): void {
    const { keys, label, year, placeholder, yields } = record;
    const names = Object.keys(record.values);
    if (!sameList(names, this.names)) {
      this.names = names;
      this.sorted = [...names].sort(compare);
      this.namesJson = JSON.stringify(this.sorted);
    }
    const { values } = record;
    const bytes = new DataView(new ArrayBuffer(8 * names.length));
    for (let i = 0; i < this.sorted.length; i++) {
      const v = values[this.sorted[i]!];
      bytes.setFloat64(8 * i, v === null || v === undefined ? NaN : v === 0 ? 0 : v, true);
    }
    hash.update(observationHead(keys, label, year, placeholder, yields));
    hash.update(this.namesJson);
    hash.update(new Uint8Array(bytes.buffer));
  }
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * `canonicalJson({ keys, label, year, placeholder, yields })` of an observation, written
 * directly (the members in their sorted order) instead of sorting every row's entries: the
 * same text, at a fraction of the cost. Keys that are not plain `{ system, code }` pairs
 * take the general path.
 */
export function observationHead(
  keys: readonly CountryKey[],
  label: string | undefined,
  year: number | undefined,
  placeholder: string | undefined,
  yields: string | undefined,
): string {
  let text = '{"keys":[';
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    if (i > 0) text += ',';
    text += isPlainKey(key)
      ? `{"code":${JSON.stringify(key.code)},"system":${JSON.stringify(key.system)}}`
      : canonicalJson(key);
  }
  text += ']';
  if (label !== undefined) text += `,"label":${JSON.stringify(label)}`;
  if (placeholder !== undefined) text += `,"placeholder":${JSON.stringify(placeholder)}`;
  if (year !== undefined) text += `,"year":${JSON.stringify(year)}`;
  if (yields !== undefined) text += `,"yields":${JSON.stringify(yields)}`;
  return `${text}}`;
}

function isPlainKey(key: CountryKey): boolean {
  let members = 0;
  for (const name in key) {
    if (name !== 'code' && name !== 'system') return false;
    members++;
  }
  return members === 2 && typeof key.code === 'string' && typeof key.system === 'string';
}

/** JSON with object keys in sorted order (undefined members left out), so equal records give equal text. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => compare(a, b));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

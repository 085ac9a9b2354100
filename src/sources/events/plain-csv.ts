import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { CsvTable } from '../csv.js';
import type { CsvOptions, CsvRecord } from '../csv.js';
import type { OnProgress } from '../types.js';

/**
 * The data records of a CSV file, as `CsvTable` gives them, several times faster for the
 * plain files publishers write: strict UTF-8, records ending in LF or CRLF (the header
 * decides which), fields quoted or not, every record as wide as the header. The shared reader
 * (csv-parse with line tracking) handles everything; parsing event files of millions of rows
 * with it takes most of an import's time. So this scanner reads what it can, and at the first
 * thing out of the ordinary (bytes that are not UTF-8, an empty line, a stray quote or
 * carriage return, a record of another width, a file cut inside quotes) hands the file to
 * `CsvTable` from that record on: the records are the same, and every error and its message
 * (file, line, column) is the shared reader's.
 *
 * `table` is the file opened with `options` (its header read and checked); it is closed here.
 * `onProgress` gets bytes read and the file size, never going backwards.
 */
export async function* plainCsvRecords(
  table: CsvTable,
  options: CsvOptions = {},
): AsyncGenerator<CsvRecord, void, undefined> {
  await table.close();
  const file = table.file;
  const width = table.header.length;
  let reported = 0;
  const onProgress: OnProgress | undefined = options.onProgress
    ? (done, total) => {
        if (done < reported) return;
        reported = done;
        options.onProgress!(done, total);
      }
    : undefined;
  // Where the scanner stopped: the line of the first record it did not yield.
  let stoppedAt: number | undefined;
  if ((options.encoding ?? 'utf-8') === 'utf-8') {
    const scan = scanRecords(file, width, table.header, onProgress);
    for (;;) {
      const next = await scan.next();
      if (next.done) {
        stoppedAt = next.value;
        break;
      }
      yield* next.value;
    }
  } else stoppedAt = 2;
  if (stoppedAt === undefined) return;
  const fallback = await CsvTable.open(file, { ...options, onProgress });
  for await (const record of fallback) if (record.line >= stoppedAt) yield record;
}

const QUOTE = 34;
const COMMA = 44;
const LF = 10;
const CR = 13;

/**
 * Yields records from line 2 on, those of each chunk read together; returns undefined at the end of a plain file, or the line of
 * the record where it met something for the shared reader.
 */
async function* scanRecords(
  file: string,
  width: number,
  header: readonly string[],
  onProgress: OnProgress | undefined,
): AsyncGenerator<CsvRecord[], number | undefined, undefined> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const source = createReadStream(file, { highWaterMark: 1 << 20 });
  const chunks = source[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const total = onProgress ? (await stat(file)).size : 0;
  let done = 0;
  let text = '';
  let line = 1;
  let headerSeen = false;
  let crlf = false;
  try {
    for (let ended = false; !ended;) {
      let chunk: string;
      const next = await chunks.next();
      try {
        if (next.done) {
          ended = true;
          chunk = decoder.decode();
        } else {
          done += next.value.length;
          onProgress?.(done, total);
          chunk = decoder.decode(next.value, { stream: true });
        }
      } catch {
        return headerSeen ? line : 2;
      }
      text = text === '' ? chunk : text + chunk;
      let at = 0;
      const n = text.length;
      const records: CsvRecord[] = [];
      while (at < n) {
        const fields: string[] = [];
        let p = at;
        let span = 1;
        let complete = false;
        let odd = false;
        for (;;) {
          if (p >= n && !ended) break;
          let c = text.charCodeAt(p);
          if (c === QUOTE) {
            // A quoted field: "" inside stands for one quote.
            let q = p + 1;
            let value = '';
            let closed = false;
            for (;;) {
              const end = text.indexOf('"', q);
              if (end < 0) break;
              if (end + 1 < n && text.charCodeAt(end + 1) === QUOTE) {
                value += text.slice(q, end + 1);
                q = end + 2;
                continue;
              }
              if (end + 1 >= n && !ended) break;
              value += text.slice(q, end);
              q = end + 1;
              closed = true;
              break;
            }
            if (!closed) {
              if (ended) odd = true;
              break;
            }
            for (let k = value.indexOf('\n'); k >= 0; k = value.indexOf('\n', k + 1)) span++;
            fields.push(value);
            p = q;
            c = p < n ? text.charCodeAt(p) : -1;
          } else {
            let q = p;
            while (q < n && (c = text.charCodeAt(q)) !== COMMA && c !== LF && c !== CR) {
              if (c === QUOTE) {
                odd = true;
                break;
              }
              q++;
            }
            if (odd) break;
            if (q >= n) {
              if (!ended) break;
              c = -1;
            }
            fields.push(text.slice(p, q));
            p = q;
          }
          if (c === COMMA) {
            p++;
            continue;
          }
          // End of the record: LF, CRLF (in a CRLF file only), or the end of the file.
          if (c === -1) {
            if (!ended) break;
            complete = true;
            break;
          }
          if (c === CR) {
            if (p + 1 >= n && !ended) break;
            if (text.charCodeAt(p + 1) !== LF || (headerSeen && !crlf)) {
              odd = true;
              break;
            }
            if (!headerSeen) crlf = true;
            p += 2;
          } else if (c === LF) {
            if (crlf) {
              odd = true;
              break;
            }
            p++;
          } else {
            odd = true;
            break;
          }
          complete = true;
          break;
        }
        if (odd) {
          if (records.length > 0) yield records;
          return headerSeen ? line : 2;
        }
        if (!complete) break;
        if (!headerSeen) {
          if (fields.length !== width || fields.some((f, i) => f !== header[i])) return 2;
          headerSeen = true;
        } else {
          if (fields.length !== width || (fields.length === 1 && fields[0] === '')) {
            if (records.length > 0) yield records;
            return line;
          }
          records.push({ line, fields });
        }
        line += span;
        at = p;
      }
      if (records.length > 0) yield records;
      text = at === 0 ? text : text.slice(at);
    }
    return text === '' ? undefined : line;
  } finally {
    source.destroy();
  }
}

import { isUtf8 } from 'node:buffer';
import { readFile } from 'node:fs/promises';
import { InputError } from '../../core/errors.js';
import type { OnProgress } from '../types.js';

/** One record of a JSON array and the line it starts on (1-based). */
export interface JsonRecord {
  line: number;
  value: unknown;
}

/**
 * The records of a JSON file of API results: a bare array, or an array under one of
 * `arrayKeys` of the root object (`Result` for UCDP, `data` for ACLED). Reads the file whole
 * (API pages are small). Throws InputError for invalid UTF-8, malformed JSON (with the line
 * of the fault) or a file without such an array.
 */
export async function readJsonRecords(
  file: string,
  arrayKeys: readonly string[],
  onProgress?: OnProgress,
): Promise<JsonRecord[]> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError(code === 'ENOENT' ? 'no such file' : `cannot read the file: ${code}`, {
      file,
    });
  }
  onProgress?.(bytes.length, bytes.length);
  if (!isUtf8(bytes))
    throw new InputError('the file is not valid UTF-8', { file, expected: 'UTF-8 JSON' });
  const text = bytes.toString('utf8').replace(/^\uFEFF/, '');
  let root: unknown;
  try {
    root = JSON.parse(text);
  } catch (error) {
    const message = (error as Error).message;
    const at = /position (\d+)/.exec(message);
    const line = at
      ? lineAt(text, Number(at[1]))
      : /end of JSON/.test(message)
        ? lineAt(text, text.length)
        : undefined;
    throw new InputError(`malformed JSON: ${message}`, {
      file,
      line,
      expected: /end of JSON/.test(message)
        ? 'a complete JSON document (the file looks truncated)'
        : 'valid JSON',
    });
  }
  let array: unknown[] | undefined;
  let key: string | undefined;
  if (Array.isArray(root)) array = root;
  else if (typeof root === 'object' && root !== null) {
    for (const k of arrayKeys) {
      const v = (root as Record<string, unknown>)[k];
      if (Array.isArray(v)) {
        array = v;
        key = k;
        break;
      }
    }
  }
  if (!array) {
    throw new InputError('the JSON holds no array of records', {
      file,
      line: 1,
      expected: `an array of records, or an object with the array under ${arrayKeys.map((k) => `"${k}"`).join(' or ')}`,
    });
  }
  const lines = elementLines(text, key);
  return array.map((value, i) => ({ line: lines[i] ?? 1, value }));
}

/** 1-based line of a character offset. */
function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/**
 * Lines on which the elements of the records array start: the root array, or the array
 * value of `key` in the root object. A scanner over the text that tracks nesting and
 * strings; the text is known to be valid JSON.
 */
function elementLines(text: string, key: string | undefined): number[] {
  const lines: number[] = [];
  let line = 1;
  let depth = 0;
  let arrayDepth = key === undefined ? 1 : -1;
  let lastKey: string | undefined;
  let expectValue = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 10) {
      line++;
      continue;
    }
    if (ch === 32 || ch === 9 || ch === 13 || ch === 44 || ch === 58) {
      if (ch === 44 && depth === arrayDepth) expectValue = true;
      continue;
    }
    if (depth === arrayDepth && expectValue && ch !== 93) {
      lines.push(line);
      expectValue = false;
    }
    if (ch === 34) {
      // A string: find its end, noting it as a key when it is one of the root object's.
      let j = i + 1;
      while (j < text.length && text.charCodeAt(j) !== 34) j += text.charCodeAt(j) === 92 ? 2 : 1;
      if (depth === 1 && key !== undefined && arrayDepth < 0) {
        let k = j + 1;
        while (k < text.length && /\s/.test(text.charAt(k))) k++;
        if (text.charAt(k) === ':') lastKey = JSON.parse(text.slice(i, j + 1)) as string;
      }
      i = j;
      continue;
    }
    if (ch === 123 || ch === 91) {
      depth++;
      if (ch === 91 && depth === 2 && arrayDepth < 0 && lastKey === key) arrayDepth = 2;
      if (depth === arrayDepth && ch === 91) expectValue = true;
      continue;
    }
    if (ch === 125 || ch === 93) {
      if (depth === arrayDepth && ch === 93) {
        // End of the records array: later arrays never count.
        if (key !== undefined) arrayDepth = Number.NaN;
      }
      depth--;
      continue;
    }
    // Literals and numbers: skip to the next delimiter.
    while (i + 1 < text.length && !/[\s,\]}]/.test(text.charAt(i + 1))) i++;
  }
  return lines;
}

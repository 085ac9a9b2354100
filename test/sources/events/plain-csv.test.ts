import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { CsvTable } from '../../../src/sources/csv.js';
import type { CsvRecord } from '../../../src/sources/csv.js';
import { plainCsvRecords } from '../../../src/sources/events/plain-csv.js';

const dir = mkdtempSync(join(tmpdir(), 'lens-plain-csv-'));
after(() => rmSync(dir, { recursive: true, force: true }));

type Outcome = { records: CsvRecord[]; error?: string };

async function collect(records: () => Promise<AsyncIterable<CsvRecord>>): Promise<Outcome> {
  const out: CsvRecord[] = [];
  try {
    for await (const r of await records()) out.push(r);
    return { records: out };
  } catch (error) {
    return { records: out, error: (error as Error).message };
  }
}

/** Records and error of the fast reader, and of the shared one, for the same bytes. */
async function both(name: string, bytes: string | Buffer): Promise<[Outcome, Outcome]> {
  const file = join(dir, name);
  writeFileSync(file, bytes);
  const progress: number[] = [];
  const options = { onProgress: (done: number) => progress.push(done) };
  const fast = await collect(async () => plainCsvRecords(await CsvTable.open(file), options));
  const shared = await collect(() => CsvTable.open(file));
  assert.deepEqual(
    progress,
    [...progress].sort((a, b) => a - b),
    'progress never goes backwards',
  );
  return [fast, shared];
}

describe('plain CSV records', () => {
  const cases: [string, string | Buffer][] = [
    ['plain.csv', 'id,name,n\n1,a,2\n2,b,3\n'],
    ['no-final-newline.csv', 'id,name,n\n1,a,2\n2,b,'],
    ['bom-crlf.csv', '\uFEFFid,name,n\r\n1,a,2\r\n2,"b, c",3\r\n'],
    ['quoted.csv', '"id","name","n"\n1,"say ""hi""",2\n2,"two\nlines",3\n3,"",\n'],
    ['quoted-crlf-inside.csv', 'id,name,n\n1,"x\r\ny",2\n2,z,3\n'],
    ['empty-line.csv', 'id,name,n\n1,a,2\n\n2,b,3\n'],
    ['mixed-endings.csv', 'id,name,n\r\n1,a,2\n2,b,3\r\n'],
    ['stray-quote.csv', 'id,name,n\n1,a"b,2\n2,b,3\n'],
    ['after-quote.csv', 'id,name,n\n1,"a"b,2\n'],
    ['narrow.csv', 'id,name,n\n1,a,2\n2,b\n3,c,4\n'],
    ['truncated.csv', 'id,name,n\n1,a,2\n2,b'],
    ['open-quote.csv', 'id,name,n\n1,a,2\n2,"b,3\n'],
    ['latin1.csv', Buffer.from('id,name,n\n1,a,2\n2,Bogot\xe1,3\n', 'latin1')],
    ['empty-cells.csv', 'a\n1\n\n2\n'],
  ];
  for (const [name, bytes] of cases) {
    it(`gives what the shared reader gives: ${name}`, async () => {
      const [fast, shared] = await both(name, bytes);
      assert.deepEqual(fast, shared);
    });
  }

  it('matches the shared reader across chunk boundaries', async () => {
    // Records of every length around the 1 MiB read size, quoted fields among them.
    const lines = ['id,text,n'];
    for (let i = 0, size = 0; size < 3 << 20; i++, size += lines.at(-1)!.length + 1)
      lines.push(
        `${i},${i % 7 === 0 ? `"q ""${'x'.repeat(i % 300)}"", r"` : 'y'.repeat(i % 500)},${i}`,
      );
    const [fast, shared] = await both('large.csv', lines.join('\n') + '\n');
    assert.equal(fast.error, undefined);
    assert.equal(fast.records.length, lines.length - 1);
    assert.deepEqual(fast, shared);
  });
});

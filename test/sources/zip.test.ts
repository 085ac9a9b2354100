import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { InputError } from '../../src/core/errors.js';
import { sniffFormat } from '../../src/sources/spreadsheet.js';
import { extractZip, readZipDirectory, readZipEntry, zipEntries } from '../../src/sources/zip.js';
import { sharedFile } from '../support/shared-data.js';
import { writeZip } from '../support/zip-writer.js';

const dir = mkdtempSync(join(tmpdir(), 'lens-zip-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const pts = readFileSync(sharedFile('inputs/political-terror-scale-2024.csv'));
const readme = Buffer.from('Notes on the data.\n');

describe('ZIP archives', () => {
  it('unpacks deflated and stored entries byte for byte, in folders, skipping resource forks', async () => {
    const file = join(dir, 'pts.zip');
    writeFileSync(
      file,
      writeZip([
        { name: 'PTS-2024/PTS-2024.csv', data: pts },
        { name: 'PTS-2024/README.txt', data: readme, deflate: false },
        { name: '__MACOSX/PTS-2024/._PTS-2024.csv', data: Buffer.from([0, 5, 22]) },
      ]),
    );
    assert.equal(await sniffFormat(file), 'zip');
    assert.equal(await sniffFormat(sharedFile('inputs/political-terror-scale-2024.csv')), 'text');
    // The directory and one entry, read without reading the archive whole.
    const entries = await readZipDirectory(file);
    assert.deepEqual(
      entries.map((e) => e.name),
      ['PTS-2024/PTS-2024.csv', 'PTS-2024/README.txt', '__MACOSX/PTS-2024/._PTS-2024.csv'],
    );
    assert.ok((await readZipEntry(file, entries[1]!)).equals(readme));
    assert.ok((await readZipEntry(file, entries[0]!)).equals(pts));
    const out = join(dir, 'out');
    const files = await extractZip(file, out);
    assert.deepEqual(files, [
      join(out, 'PTS-2024', 'PTS-2024.csv'),
      join(out, 'PTS-2024', 'README.txt'),
    ]);
    assert.ok(readFileSync(files[0]!).equals(pts));
    assert.ok(readFileSync(files[1]!).equals(readme));
  });

  it(
    'reads an archive made by another tool, where one is installed',
    { skip: !hasPython() && 'python3 is not installed' },
    async () => {
      const file = join(dir, 'python.zip');
      const src = join(dir, 'pts.csv');
      writeFileSync(src, pts);
      execFileSync('python3', [
        '-c',
        'import sys, zipfile; z = zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED); z.write(sys.argv[2], "data/pts.csv"); z.close()',
        file,
        src,
      ]);
      const files = await extractZip(file, join(dir, 'python-out'));
      assert.equal(files.length, 1);
      assert.ok(readFileSync(files[0]!).equals(pts));
    },
  );

  it('refuses a truncated archive, a damaged entry and names that climb out, naming the archive', async () => {
    const good = writeZip([{ name: 'a.csv', data: pts }]);
    const truncated = join(dir, 'truncated.zip');
    writeFileSync(truncated, good.subarray(0, good.length - 30));
    await assert.rejects(
      extractZip(truncated, join(dir, 't')),
      (e: unknown) =>
        e instanceof InputError &&
        /truncated\.zip/.test(e.file ?? '') &&
        /no end of the central directory/.test(e.message),
    );

    const damaged = Buffer.from(good);
    damaged[40] = damaged[40]! ^ 0xff;
    const damagedFile = join(dir, 'damaged.zip');
    writeFileSync(damagedFile, damaged);
    await assert.rejects(extractZip(damagedFile, join(dir, 'd')), /"a\.csv"/);

    for (const name of ['../evil.csv', '/etc/evil.csv', 'data/../../evil.csv']) {
      const file = join(dir, 'climb.zip');
      writeFileSync(file, writeZip([{ name, data: readme }]));
      await assert.rejects(
        extractZip(file, join(dir, 'c')),
        /would be written outside the folder/,
        name,
      );
    }
  });

  it('lists entries without their folders', () => {
    const archive = writeZip([
      { name: 'x/', data: Buffer.alloc(0), deflate: false },
      { name: 'x/y.csv', data: readme },
    ]);
    assert.deepEqual(
      zipEntries(archive, 'mem.zip').map((e) => [e.name, e.size]),
      [['x/y.csv', readme.length]],
    );
  });
});

function hasPython(): boolean {
  try {
    execFileSync('python3', ['--version']);
    return true;
  } catch {
    return false;
  }
}

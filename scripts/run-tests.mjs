// Runs every test file under test/ (and *.test.ts beside the code) with node's test runner.
// Node 20's runner does not expand globs, so the files are listed here.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

function find(dir, out) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) find(path, out);
    else if (name.endsWith('.test.ts')) out.push(path);
  }
  return out;
}

const filter = process.argv.slice(2);
const files = [...find('test', []), ...find('src', [])]
  .filter((f) => filter.length === 0 || filter.some((s) => f.includes(s)))
  .sort();
if (!process.env.LENS_TEST_DATABASE_URL) {
  console.log(
    '# PostgreSQL tests SKIPPED: set LENS_TEST_DATABASE_URL=postgres://... to run every repository test on PostgreSQL too',
  );
}
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-reporter=spec', '--test-concurrency=1', ...files],
  { stdio: 'inherit' },
);
process.exit(result.status ?? 1);

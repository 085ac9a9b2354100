// Builds the project: the TypeScript sources into dist/ (tsc) and the dashboard into dist/web.
// `--if-changed` (what `npm start` runs) skips both when nothing that goes into the build has
// changed since the last one: a fingerprint of every input file (path and content, so that a
// fresh checkout with new timestamps but the same files is not rebuilt) is kept in
// dist/.build-fingerprint and compared, as build tools do.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const stampFile = join(root, 'dist', '.build-fingerprint');
// Everything the compiler and the dashboard bundler read from the project.
const inputs = [
  'src',
  'web',
  'content/countries/countries.json',
  'scripts/build.mjs',
  'scripts/build-web.mjs',
  'tsconfig.json',
  'tsconfig.build.json',
  'package-lock.json',
];
// Files whose absence means there is nothing to start.
const outputs = ['dist/cli/main.js', 'dist/web/app.js', 'dist/web/index.html'];

function files(path, out) {
  const full = join(root, path);
  if (!existsSync(full)) return out;
  if (statSync(full).isDirectory()) {
    for (const name of readdirSync(full).sort()) files(join(path, name), out);
  } else out.push(path);
  return out;
}

function fingerprint() {
  const hash = createHash('sha256');
  for (const file of inputs.flatMap((p) => files(p, []))) {
    hash.update(relative(root, join(root, file)));
    hash.update('\0');
    hash.update(readFileSync(join(root, file)));
    hash.update('\0');
  }
  return hash.digest('hex');
}

function run(args, what) {
  const result = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(`build failed: ${what} exited with ${result.status ?? result.signal}`);
    process.exit(result.status ?? 1);
  }
}

const ifChanged = process.argv.includes('--if-changed');
const before = fingerprint();
if (
  ifChanged &&
  outputs.every((f) => existsSync(join(root, f))) &&
  existsSync(stampFile) &&
  readFileSync(stampFile, 'utf8').trim() === before
) {
  console.log('build: nothing changed since the last build, skipped');
  process.exit(0);
}
const started = Date.now();
run([join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'], 'tsc');
run([join(root, 'scripts', 'build-web.mjs')], 'the dashboard build');
// Written last, so an interrupted build is redone next time.
writeFileSync(stampFile, `${before}\n`);
console.log(`build: done in ${((Date.now() - started) / 1000).toFixed(1)} s`);

// Builds the dashboard: bundles web/src/main.ts with esbuild into dist/web/app.js (views
// other than the world view in chunks/, loaded on first use), copies
// the page and its styles, and ships the Natural Earth boundaries of world-atlas
// (atlas/countries-110m.json and -50m.json) with the ISO numeric → alpha-3 join of the
// country registry (atlas/iso-codes.json), so the maps work without a network.
// `--dev`: no minification and source maps (readable stack traces while developing); a
// production build has no source map, so the server never hands out the dashboard's source.
// `--out DIR`: build there instead of dist/web.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dev = process.argv.includes('--dev');
const outFlag = process.argv.indexOf('--out');
const out = outFlag > 0 ? resolve(process.argv[outFlag + 1]) : join(root, 'dist', 'web');
const require = createRequire(import.meta.url);

rmSync(join(out, 'chunks'), { recursive: true, force: true });
// A source map left by an earlier development build would be served with the new bundle.
rmSync(join(out, 'app.js.map'), { force: true });
mkdirSync(join(out, 'atlas'), { recursive: true });
const started = Date.now();
await build({
  entryPoints: [join(root, 'web', 'src', 'main.ts')],
  outdir: out,
  entryNames: 'app',
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  target: ['chrome110', 'firefox110', 'safari16'],
  minify: !dev,
  sourcemap: dev ? 'linked' : false,
  legalComments: 'linked',
  logLevel: 'warning',
});
for (const file of ['index.html', 'styles.css', 'print.css']) {
  copyFileSync(join(root, 'web', file), join(out, file));
}
const atlas = dirname(require.resolve('world-atlas/package.json'));
for (const file of ['countries-110m.json', 'countries-50m.json']) {
  copyFileSync(join(atlas, file), join(out, 'atlas', file));
}

// ISO 3166 numeric (the atlas's feature ids, unpadded) → alpha-3 of the states that exist now.
const countries = JSON.parse(
  readFileSync(join(root, 'content', 'countries', 'countries.json'), 'utf8'),
);
const iso = {};
for (const c of countries) {
  if (c.to !== undefined) continue;
  const current = (system) => c.codes.find((k) => k.system === system && k.to === undefined)?.code;
  const numeric = current('isoN');
  const alpha = current('iso3');
  if (numeric !== undefined && alpha !== undefined) iso[String(Number(numeric))] = alpha;
}
writeFileSync(join(out, 'atlas', 'iso-codes.json'), `${JSON.stringify(iso)}\n`);
console.log(`dashboard built into ${out} in ${Date.now() - started} ms`);

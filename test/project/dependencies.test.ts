import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import semver from 'semver';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const json = (name: string) => JSON.parse(readFileSync(join(root, name), 'utf8')) as unknown;

interface LockedPackage {
  version?: string;
  dev?: boolean;
  engines?: { node?: string } | string[];
}
const lock = json('package-lock.json') as { packages: Record<string, LockedPackage> };
const project = json('package.json') as { engines: { node: string } };

/** Installed packages the running program needs (not the ones only development uses). */
const runtime = Object.entries(lock.packages).filter(([path, p]) => path !== '' && !p.dev);

/**
 * Runtime dependencies that ask for a newer Node than they need, each with the package that
 * loads it and why it runs on the project's line: the test loads each one the way that
 * package does.
 */
const LOADED_ON_OUR_LINE: Record<string, { by: string; why: string; check: (m: unknown) => void }> =
  {
    'node_modules/content-disposition': {
      by: '@fastify/static',
      why: 'an ES module that @fastify/static loads with require(), which Node does from 20.19 on',
      check: (m) =>
        assert.equal(
          (m as { create: (name: string) => string }).create('a b.csv'),
          'attachment; filename="a b.csv"',
        ),
    },
  };

/**
 * Advisories against packages the program runs with, by package: the versions affected and
 * the first fixed. The workbook reader is published under two names.
 */
const KNOWN_ADVISORIES: Record<string, { ids: string; affected: string; fixed: string }[]> = {
  xlsx: [
    { ids: 'CVE-2023-30533 (prototype pollution)', affected: '<0.19.3', fixed: '0.19.3' },
    { ids: 'CVE-2024-22363 (ReDoS)', affected: '<0.20.2', fixed: '0.20.2' },
  ],
  '@e965/xlsx': [{ ids: 'CVE-2024-22363 (ReDoS)', affected: '<0.20.2', fixed: '0.20.2' }],
  '@fastify/static': [
    { ids: 'GHSA-pr96-94w5-mx2h, GHSA-x428-ghpx-8j92', affected: '<9.1.1', fixed: '9.1.1' },
    { ids: 'GHSA-83w8-p2f5-377r (CVE-2026-15074)', affected: '<10.1.1', fixed: '10.1.1' },
    { ids: 'GHSA-8pvw-jcv7-9cmj', affected: '<10.1.2', fixed: '10.1.2' },
    { ids: 'GHSA-423g-23ch-w7c6', affected: '<10.1.3', fixed: '10.1.3' },
  ],
  cookie: [{ ids: 'CVE-2024-47764', affected: '<0.7.0', fixed: '0.7.0' }],
};

describe('runtime dependencies', () => {
  it('all run on the Node release line the project supports', () => {
    // The oldest major line the project runs on, from its own lower bound.
    const major = semver.minVersion(project.engines.node)!.major;
    const line = `${project.engines.node} <${major + 1}`;
    const refused = runtime
      .map(([path, p]) => ({ path, node: Array.isArray(p.engines) ? undefined : p.engines?.node }))
      .filter((p) => p.node !== undefined && !semver.intersects(p.node, line))
      .filter((p) => !(p.path in LOADED_ON_OUR_LINE))
      .map((p) => `${p.path} (node ${p.node})`);
    assert.deepEqual(refused, [], `these ask for a Node newer than ${line}`);
  });

  for (const [path, { by, why, check }] of Object.entries(LOADED_ON_OUR_LINE))
    it(`${path.replace('node_modules/', '')} runs here though it asks for a newer Node: ${why}`, () => {
      const load = createRequire(join(root, 'node_modules', by, 'package.json'));
      check(load(path.replace('node_modules/', '')));
    });

  it('are at releases that fix the advisories known against them', () => {
    const found = runtime.flatMap(([path, p]) => {
      const name = path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length);
      return (KNOWN_ADVISORIES[name] ?? [])
        .filter((a) => semver.satisfies(p.version!, a.affected))
        .map((a) => `${path}@${p.version}: ${a.ids} (fixed in ${a.fixed})`);
    });
    assert.deepEqual(found, []);
  });
});

import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
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

describe('runtime dependencies', () => {
  it('all run on the Node release line the project supports', () => {
    const line = `${semver.minVersion(project.engines.node)!.major}.x`;
    const refused = runtime
      .map(([path, p]) => ({ path, node: Array.isArray(p.engines) ? undefined : p.engines?.node }))
      .filter((p) => p.node !== undefined && !semver.intersects(p.node, line))
      .map((p) => `${p.path} (node ${p.node})`);
    assert.deepEqual(refused, [], `these ask for a Node newer than ${line}`);
  });

  it('read workbooks with a SheetJS release that fixes CVE-2023-30533 and CVE-2024-22363', () => {
    // Prototype pollution was fixed in 0.19.3 and the ReDoS in 0.20.2.
    const readers = runtime.filter(([path]) => /(^|\/)node_modules\/(@[^/]+\/)?xlsx$/.test(path));
    assert.ok(readers.length > 0, 'a workbook reader is installed');
    for (const [path, p] of readers)
      assert.ok(semver.gte(p.version!, '0.20.2'), `${path}@${p.version} has known advisories`);
  });
});

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runLens } from '../support/run-lens.js';

describe('lens users: memberships', () => {
  let dir: string;
  let lens: (...args: string[]) => Promise<{ code: number; stdout: string; stderr: string }>;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lens-cli-'));
    const db = join(dir, 'lens.sqlite');
    lens = (...args) => runLens(['--db', db, ...args]);
    for (const [id, kind] of [
      ['org-a', 'un-office'],
      ['org-b', 'ngo'],
    ] as const)
      assert.equal((await lens('orgs', 'add', id, '--name', id, '--kind', kind)).code, 0);
    const added = await lens('users', 'add', 'duo', '--org', 'org-a', '--role', 'analyst');
    assert.equal(added.code, 0, added.stderr);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('adds, lists and removes memberships; tokens take an organisation of the user', async () => {
    const added = await lens(
      'users',
      'add-membership',
      '--user',
      'duo',
      '--org',
      'org-b',
      '--role',
      'viewer',
      '--format',
      'json',
    );
    assert.equal(added.code, 0, added.stderr);
    const { memberships } = JSON.parse(added.stdout) as {
      memberships: { id: string; role: string; home: boolean }[];
    };
    assert.deepEqual(
      memberships.map((m) => [m.id, m.role, m.home]),
      [
        ['org-a', 'analyst', true],
        ['org-b', 'viewer', false],
      ],
    );
    const token = await lens('tokens', 'create', '--user', 'duo', '--name', 'b', '--org', 'org-b');
    assert.equal(token.code, 0, token.stderr);
    assert.match(token.stdout, /^token \d+ for duo in org-b \(read\), shown once:/);
    const home = await lens('users', 'remove-membership', '--user', 'duo', '--org', 'org-a');
    assert.notEqual(home.code, 0);
    assert.match(home.stderr, /org-a is the home organisation of duo/);
    const removed = await lens('users', 'remove-membership', '--user', 'duo', '--org', 'org-b');
    assert.equal(removed.code, 0, removed.stderr);
    const listed = await lens('users', 'memberships', '--user', 'duo', '--format', 'csv');
    assert.equal(
      listed.stdout.trim(),
      'organisation,name,kind,role,home\norg-a,org-a,un-office,analyst,yes',
    );
    const bad = await lens(
      'users',
      'add-membership',
      '--user',
      'duo',
      '--org',
      'org-b',
      '--role',
      'boss',
    );
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /--role/);
  });
});

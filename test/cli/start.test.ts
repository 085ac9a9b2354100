import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { runLens } from '../support/run-lens.js';
import { sharedFile } from '../support/shared-data.js';

describe('lens start', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lens-start-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('stores the statuses once after importing, so the first report raises no alert about old data', async () => {
    const folder = join(dir, 'folder');
    mkdirSync(folder);
    copyFileSync(sharedFile('inputs', 'ucdp-battle-deaths-v25.1.csv'), join(folder, 'ucdp.csv'));
    const db = join(dir, 'lens.sqlite');
    const start = await runLens(['--db', db, 'start', '--from', folder, '--no-serve']);
    assert.equal(start.code, 0, start.stderr);
    // Sudan is at war in the UCDP data published in 2025: a protest reported today is news,
    // the war is not.
    const today = new Date().toISOString().slice(0, 10);
    const report = await runLens([
      '--db',
      db,
      'report',
      'add',
      '--country',
      'Sudan',
      '--date',
      today,
      '--category',
      'context.protest',
      '--format',
      'json',
    ]);
    assert.equal(report.code, 0, report.stderr);
    const refresh = JSON.parse(report.stdout).refresh as {
      status: { stage: string };
      previous?: { stage: string };
      alerts: { title: string }[];
    };
    assert.equal(refresh.previous?.stage, 'crisis');
    assert.equal(refresh.status.stage, 'crisis');
    assert.deepEqual(
      refresh.alerts.map((a) => a.title),
      [],
    );
    const alerts = await runLens(['--db', db, 'alerts', 'list', '--all', '--format', 'json']);
    assert.doesNotMatch(alerts.stdout, /rose from none/);
    assert.match(
      start.stdout,
      /Escalation statuses as of \d{4}-\d{2}-\d{2}: \d+ countries, [1-9]\d* above stage none/,
    );
  });
});

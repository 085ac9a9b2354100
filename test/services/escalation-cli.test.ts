import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { Command } from 'commander';
import { registerEscalationCommands } from '../../src/cli/commands/escalation.js';
import { sharedFile } from '../support/shared-data.js';

const dir = mkdtempSync(join(tmpdir(), 'lens-escalation-cli-'));
const db = join(dir, 'lens.sqlite');
after(() => rmSync(dir, { recursive: true, force: true }));

/**
 * Runs `lens ARGS` with the escalation commands on a temp store; returns what it printed.
 * Commands print strings; the test runner talks to its parent over stdout in binary chunks,
 * which pass through untouched.
 */
async function lens(...args: string[]): Promise<string> {
  const program = new Command('lens').option('--db <url>').exitOverride();
  registerEscalationCommands(program, () => program.opts<{ db?: string }>().db);
  let printed = '';
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
    if (typeof chunk !== 'string') return write(chunk, ...rest);
    printed += chunk;
    return true;
  }) as typeof process.stdout.write;
  try {
    await program.parseAsync(['--db', db, ...args], { from: 'user' });
  } finally {
    process.stdout.write = write;
  }
  return printed;
}

describe('lens escalation commands', () => {
  it('imports events, reports status and timeline, and lists alerts', async () => {
    const imported = JSON.parse(
      await lens(
        'events',
        'import',
        'ucdp-ged',
        sharedFile('events', 'ucdp-ged-23.1-sample.csv'),
        '--as-of',
        '2014-12-31',
        '--no-tiers',
        '--format',
        'json',
      ),
    ) as { report: { stored: number }; alerts: { kind: string; countryId: string }[] };
    assert.ok(imported.report.stored > 990);
    assert.ok(imported.alerts.some((a) => a.countryId === 'syr' && a.kind === 'stage-rise'));

    const table = await lens('escalation', 'status', '--as-of', '2014', '--no-tiers');
    assert.match(table, /^Escalation status as of 2014-12-31 \(escalation@2\)/);
    // The GED sample's 2014 attacks in Syria are fewer than the red flags need, and GED's
    // unknown accountability is no evidence of impunity: a crisis (armed conflict).
    assert.match(table, /\nsyr +Syria +crisis +armed-conflict-events/);

    const csv = await lens(
      'escalation',
      'status',
      '--as-of',
      '2014-12-31',
      '--no-tiers',
      '--all',
      '--format',
      'csv',
    );
    assert.match(
      csv.split('\n')[0]!,
      /^country,name,stage,imminent,tier,red flags,indicators,instability,tlp$/,
    );

    const timeline = JSON.parse(
      await lens(
        'escalation',
        'timeline',
        '--country',
        'Syria',
        '--from',
        '2013',
        '--to',
        '2013-12-31',
        '--step',
        'quarter',
        '--no-tiers',
        '--format',
        'json',
      ),
    ) as {
      timeline: { date: string }[];
    };
    assert.equal(timeline.timeline[0]!.date, '2013-03-31');

    const listed = await lens('alerts', '--format', 'csv');
    assert.match(listed, /stage-rise,syr,/);
    const id = /\n(\d+),stage-rise,syr/.exec(listed)![1]!;
    assert.match(await lens('alerts', 'ack', id, '--by', 'tester'), /tester/);
    await lens('alerts', 'resolve', id, '--by', 'tester');
    assert.doesNotMatch(await lens('alerts', 'list', '--format', 'csv'), new RegExp(`\\n${id},`));
    assert.match(await lens('alerts', 'list', '--all', '--format', 'csv'), new RegExp(`\\n${id},`));
  });

  it('takes a field report and reviews it', async () => {
    const out = await lens(
      'report',
      'add',
      '--country',
      'Syria',
      '--date',
      '2014-12-20',
      '--category',
      'mobilisation.militia.founded',
      '--place',
      'Homs',
      '--perpetrator',
      'New militia:identity-militia',
      '--source',
      'monitor',
      '--by',
      'field',
      '--format',
      'csv',
    );
    // CSV leaves the machine: the reporter's identity is never in it.
    assert.match(out, /submitted,syr,2014-12-20,mobilisation.militia.founded,Homs,,AMBER,,/);
    assert.doesNotMatch(out, /field/);
    const id = out.split('\n')[1]!.split(',')[0]!;
    assert.match(
      await lens('report', 'review', id, 'verified', '--by', 'desk', '--format', 'csv'),
      /verified/,
    );
    assert.match(
      await lens('report', 'list', '--state', 'verified', '--format', 'csv'),
      new RegExp(id),
    );
    await assert.rejects(
      lens(
        'report',
        'add',
        '--country',
        'Syria',
        '--date',
        '2014-12-20',
        '--category',
        'nope',
        '--by',
        'x',
      ),
      /column "category"/,
    );
  });

  it('shows the rules and the taxonomy', async () => {
    assert.match(await lens('escalation', 'rules'), /cycle-of-impunity +violence +yes +impunity/);
    assert.match(
      await lens('escalation', 'taxonomy', '--format', 'csv'),
      /crisis.unconstitutional-change.coup,crisis,coup,/,
    );
  });
});

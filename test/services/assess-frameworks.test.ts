import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import {
  listFrameworks,
  loadFramework,
  validateFrameworkFile,
} from '../../src/services/frameworks.js';
import { parseWindow } from '../../src/services/backtest.js';
import { lookbackYears } from '../../src/services/assess.js';

const dir = mkdtempSync(join(tmpdir(), 'lens-frameworks-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('frameworks service', () => {
  it('lists the shipped frameworks with their sizes', async () => {
    const list = await listFrameworks();
    const versions = list.filter((f) => f.id === 'preconditions-2011');
    assert.deepEqual(
      versions.map((f) => [f.version, f.latest]),
      [
        [1, false],
        [2, false],
        [3, false],
        [4, true],
      ],
    );
    for (const pre of versions) {
      assert.equal(pre.groups, 4);
      assert.equal(pre.factors, 13);
      assert.equal(pre.analystFactors, 1);
    }
    const un = list.find((f) => f.id === 'un-foa-2014' && f.latest);
    assert.equal(un?.factors, 14);
    assert.ok(un?.variables.includes('vdem:v2xcl_rol'));
  });

  it('loads by id, id@version, and names the known ones for an unknown id', async () => {
    assert.equal((await loadFramework('preconditions-2011')).version, 4, 'the newest by default');
    assert.equal((await loadFramework('preconditions-2011@1')).version, 1);
    assert.equal((await loadFramework('un-foa-2014.v1')).version, 1);
    assert.equal((await loadFramework('un-foa-2014')).version, 4);
    assert.equal(
      (await loadFramework('un-foa-2014@3')).floors?.[0]?.indicator,
      'mass-killing-recency',
    );
    await assert.rejects(
      loadFramework('nope'),
      /unknown framework "nope".*preconditions-2011@1, preconditions-2011@2, preconditions-2011@3/,
    );
  });

  it('validates a file: JSON errors, schema paths and unknown variables', async () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{ "id": ');
    const syntax = await validateFrameworkFile(bad);
    assert.equal(syntax.ok, false);
    assert.match(syntax.issues[0]!.message, /not valid JSON/);

    const shipped = await loadFramework('preconditions-2011');
    const copy = JSON.parse(JSON.stringify(shipped));
    copy.groups[2].factors[1].indicators[0].weight = 0;
    const file = join(dir, 'copy.json');
    writeFileSync(file, JSON.stringify(copy));
    const r = await validateFrameworkFile(file, { knownVariables: new Set(['vdem:v2xcl_rol']) });
    assert.equal(r.ok, false);
    assert.ok(r.variablesChecked);
    assert.ok(
      r.issues.some(
        (i) =>
          i.path === 'groups[2].factors[1].indicators[0].weight' &&
          i.message === 'expected a number in (0, 10]',
      ),
    );
    assert.ok(r.issues.some((i) => i.message === 'unknown variable "epr:exclpop"'));
  });

  it('parses windows and knows how far back a framework reads', async () => {
    assert.deepEqual(parseWindow('1998-2008'), { from: 1998, to: 2008 });
    assert.throws(() => parseWindow('2008-1998'), /invalid window/);
    assert.equal(lookbackYears(await loadFramework('preconditions-2011@1')), 3);
    // Version 2 counts back from each source's last published year, up to three years
    // before the as-of year.
    assert.equal(lookbackYears(await loadFramework('preconditions-2011@2')), 6);
  });
});

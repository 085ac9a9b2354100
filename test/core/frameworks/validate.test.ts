import * as assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { factorOrder, validateFramework } from '../../../src/core/frameworks/validate.js';
import type { FrameworkIssue } from '../../../src/core/frameworks/validate.js';
import { fixtureFramework } from './fixture.js';

// Framework files are untyped JSON; the tests poke at them freely.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

/** The fixture as plain JSON, changed by `edit`. */
function edited(edit: (f: Json) => void): unknown {
  const json = JSON.parse(JSON.stringify(fixtureFramework())) as Json;
  edit(json);
  return json;
}

function issues(input: unknown, known?: string[]): FrameworkIssue[] {
  const r = validateFramework(input, { knownVariables: known ? new Set(known) : undefined });
  assert.equal(r.ok, false, 'expected the framework to be rejected');
  return r.ok ? [] : r.issues;
}

describe('validateFramework', () => {
  it('accepts the fixture and returns it unchanged', () => {
    const r = validateFramework(edited(() => {}));
    assert.ok(r.ok);
    if (r.ok) assert.deepEqual(r.framework, fixtureFramework());
  });

  it('accepts score floors and rejects bad ones with their paths', () => {
    const good = validateFramework(
      edited((f) => {
        f.floors = [{ indicator: 'recency', atLeast: 4, score: 2.5, reason: 'under way' }];
      }),
    );
    assert.ok(good.ok);
    if (good.ok) assert.equal(good.framework.floors?.[0]?.indicator, 'recency');
    const found = issues(
      edited((f) => {
        f.floors = [
          { factor: 'history', indicator: 'recency', atLeast: 4, score: 3, reason: 'r' },
          { factor: 'histories', atLeast: 4, score: 3, reason: 'r' },
          { indicator: 'recency', atLeast: 5, score: 4, reason: '' },
        ];
      }),
    );
    assert.deepEqual(found, [
      { path: 'floors[0]', message: 'expected exactly one of "factor" or "indicator"' },
      { path: 'floors[1].factor', message: 'unknown factor "histories"' },
      { path: 'floors[2].atLeast', message: 'expected a severity in [0, 4]' },
      { path: 'floors[2].score', message: 'expected a number in (0, 4)' },
      { path: 'floors[2].reason', message: 'expected a non-empty string' },
    ]);
  });

  it('accepts carry rules on the framework and indicators, and rejects bad ones with their paths', () => {
    const good = validateFramework(
      edited((f) => {
        f.carry = { years: 5, weight: 1 };
        f.groups[0].factors[0].indicators[0].carry = { years: 2, weight: 0.5 };
      }),
    );
    assert.ok(good.ok);
    if (good.ok) {
      assert.deepEqual(good.framework.carry, { years: 5, weight: 1 });
      assert.deepEqual(good.framework.groups[0]!.factors[0]!.indicators[0]!.carry, {
        years: 2,
        weight: 0.5,
      });
    }
    const found = issues(
      edited((f) => {
        f.carry = { years: 0, weight: 1, wieght: 1 };
        f.groups[0].factors[0].indicators[0].carry = { years: 2, weight: 0 };
      }),
    );
    assert.deepEqual(found, [
      {
        path: 'groups[0].factors[0].indicators[0].carry.weight',
        message: 'expected a number in (0, 1]',
      },
      { path: 'carry.wieght', message: 'unknown field (expected one of years, weight)' },
      { path: 'carry.years', message: 'expected an integer number of years in [1, 20]' },
    ]);
  });

  it('rejects an out-of-range weight with its path', () => {
    const found = issues(
      edited((f) => {
        f.groups[1].factors[0].indicators[0].weight = 12;
      }),
    );
    assert.deepEqual(found, [
      {
        path: 'groups[1].factors[0].indicators[0].weight',
        message: 'expected a number in (0, 10]',
      },
    ]);
    const zero = issues(edited((f) => (f.groups[0].weight = 0)));
    assert.equal(zero[0]?.path, 'groups[0].weight');
  });

  it('rejects misspelt and unknown fields at every level, naming the expected ones', () => {
    const found = issues(
      edited((f) => {
        f.floor = [];
        f.groups[0].wieght = 1;
        f.groups[1].factors[0].indicators[0].transform.maxAge = 3;
        f.groups[1].factors[0].indicators[0].severity.directions = 'higher-is-worse';
      }),
    );
    assert.deepEqual(
      found.map((i) => i.path),
      [
        'floor',
        'groups[0].wieght',
        'groups[1].factors[0].indicators[0].transform.maxAge',
        'groups[1].factors[0].indicators[0].severity.directions',
      ],
    );
    assert.match(found[0]!.message, /^unknown field \(expected one of id, version, .*floors/);
    assert.match(found[1]!.message, /expected one of id, title, weight, aggregation, factors\)$/);
  });

  it('rejects an unknown variable when the known ones are given', () => {
    const input = edited((f) => {
      f.groups[0].factors[0].indicators[0].variables = ['vdem:v2xcl_roll'];
    });
    const found = issues(input, ['vdem:v2xcl_rol', 'ucdp-brd:bd_best']);
    assert.deepEqual(found, [
      {
        path: 'groups[0].factors[0].indicators[0].variables[0]',
        message: 'unknown variable "vdem:v2xcl_roll"',
      },
    ]);
    assert.ok(validateFramework(input).ok, 'without a list, only the form is checked');
  });

  it('rejects a cycle of derived factors', () => {
    const found = issues(
      edited((f) => {
        f.groups[0].factors[0] = {
          id: 'rule-of-law',
          title: 'Rule of law',
          description: 'd',
          weight: 1,
          derivedFrom: ['war-crimes-threat'],
          indicators: [],
        };
      }),
    );
    assert.equal(found.length, 1);
    assert.match(found[0]!.path, /^groups\[\d\]\.factors\[\d\]\.derivedFrom$/);
    assert.match(found[0]!.message, /cycle in derived factors: .*rule-of-law.*war-crimes-threat/);
  });

  it('rejects a derived factor naming an unknown factor', () => {
    const found = issues(
      edited((f) => (f.groups[1].factors[2].derivedFrom = ['armed-conflict', 'nope'])),
    );
    assert.deepEqual(found, [
      { path: 'groups[1].factors[2].derivedFrom[1]', message: 'unknown factor "nope"' },
    ]);
  });

  it('rejects missing and unordered tier cut-points', () => {
    const missing = issues(edited((f) => delete f.tiers.moderate));
    assert.deepEqual(missing, [{ path: 'tiers.moderate', message: 'missing cut-point' }]);
    const unordered = issues(edited((f) => (f.tiers.high = 3.5)));
    assert.equal(unordered[0]?.path, 'tiers.extreme');
    assert.match(unordered[0]!.message, /strictly decreasing/);
    const notZero = issues(edited((f) => (f.tiers.negligible = 0.5)));
    assert.deepEqual(notZero, [{ path: 'tiers.negligible', message: 'expected 0' }]);
  });

  it('rejects severity thresholds out of order for their direction', () => {
    const found = issues(
      edited((f) => {
        f.groups[0].factors[0].indicators[0].severity.thresholds = [0.2, 0.4, 0.6, 0.8];
      }),
    );
    assert.deepEqual(found, [
      {
        path: 'groups[0].factors[0].indicators[0].severity.thresholds[1]',
        message: 'expected thresholds strictly decreasing (lower-is-worse)',
      },
    ]);
  });

  it('rejects duplicate ids, bad transforms and a factor with no way to be scored', () => {
    const found = issues(
      edited((f) => {
        f.groups[1].factors[1].id = 'armed-conflict';
        f.groups[0].factors[0].indicators[0].transform = { kind: 'latest', maxAgeYears: 0 };
        f.groups[0].factors[1].analystInput = false;
      }),
    );
    const paths = found.map((i) => i.path).sort();
    assert.deepEqual(paths, [
      'groups[0].factors[0].indicators[0].transform.maxAgeYears',
      'groups[0].factors[1]',
    ]);
    const dup = issues(edited((f) => (f.groups[1].factors[1].id = 'armed-conflict')));
    assert.deepEqual(dup, [
      { path: 'groups[1].factors[1].id', message: 'duplicate factor id "armed-conflict"' },
    ]);
  });

  it('checks anchors, fallbacks and combinations', () => {
    const found = issues(
      edited((f) => {
        f.groups[0].factors[0].indicators[0].transform.anchor = 'release';
        f.groups[1].factors[1].indicators[0].transform.anchor = 'published';
        f.groups[1].factors[0].indicators[0].combine = 'last';
      }),
    );
    assert.deepEqual(found, [
      {
        path: 'groups[0].factors[0].indicators[0].transform.anchor',
        message: 'expected "as-of" or "published"',
      },
      {
        path: 'groups[1].factors[0].indicators[0].combine',
        message: 'expected "max", "mean" or "first"',
      },
      {
        path: 'groups[1].factors[1].indicators[0].transform.anchor',
        message: 'not used by an episodes transform',
      },
    ]);
    const ok = validateFramework(
      edited((f) => {
        f.groups[0].factors[0].indicators[0].transform.anchor = 'published';
        f.groups[1].factors[0].aggregation = { method: 'first' };
        f.groups[1].factors[0].indicators[0].combine = 'first';
      }),
    );
    assert.ok(ok.ok);
    if (ok.ok) {
      const factor = ok.framework.groups[1]!.factors[0]!;
      assert.deepEqual(factor.aggregation, { method: 'first' });
      assert.equal(factor.indicators[0]!.combine, 'first');
      assert.equal(
        (ok.framework.groups[0]!.factors[0]!.indicators[0]!.transform as { anchor?: string })
          .anchor,
        'published',
      );
    }
  });

  it('requires a changelog entry for the version', () => {
    const found = issues(edited((f) => (f.version = 2)));
    assert.deepEqual(found, [{ path: 'changelog', message: 'expected an entry for version 2' }]);
  });

  it('orders derived factors after their dependencies', () => {
    const ids = factorOrder(fixtureFramework()).map((f) => f.id);
    assert.ok(ids.indexOf('war-crimes-threat') > ids.indexOf('armed-conflict'));
    assert.ok(ids.indexOf('war-crimes-threat') > ids.indexOf('rule-of-law'));
  });

  it('accepts every framework shipped in content/frameworks', () => {
    const dir = join(import.meta.dirname, '..', '..', '..', 'content', 'frameworks');
    const files = readdirSync(dir).filter((n) => n.endsWith('.json'));
    assert.ok(files.length >= 2);
    for (const name of files) {
      const r = validateFramework(JSON.parse(readFileSync(join(dir, name), 'utf8')));
      assert.ok(r.ok, `${name}: ${r.ok ? '' : JSON.stringify(r.issues)}`);
    }
  });
});

import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { validateRules } from '../../../src/core/escalation/rules.js';
import {
  CATEGORIES,
  isCategoryPattern,
  matchesCategory,
} from '../../../src/core/escalation/taxonomy.js';
import { rulesJson } from './helpers.js';

describe('taxonomy', () => {
  it('covers every crisis form, mobilisation signal and kind of violence of the mission', () => {
    const codes = new Set<string>(CATEGORIES.map((c) => c.code));
    for (const code of [
      'crisis.armed-contest.civil-war',
      'crisis.armed-contest.foreign-intervention',
      'crisis.armed-contest.peace-agreement-reneged',
      'crisis.unconstitutional-change.coup',
      'crisis.unconstitutional-change.coup-attempt',
      'crisis.unconstitutional-change.disputed-election',
      'crisis.unconstitutional-change.contested-succession',
      'crisis.unconstitutional-change.contested-secession',
      'crisis.state-incapacity.new-state',
      'crisis.state-incapacity.failing-state',
      'crisis.revolutionary-government',
      'crisis.trigger.economic-collapse',
      'crisis.trigger.natural-disaster',
      'mobilisation.elite-purge',
      'mobilisation.hate-group',
      'mobilisation.security-purge',
      'mobilisation.recruitment',
      'mobilisation.militia.founded',
      'mobilisation.militia.armed',
      'mobilisation.militia.trained',
      'mobilisation.abuse',
      'mobilisation.hate-propaganda',
      'mobilisation.segregation',
      'mobilisation.displacement',
      'mobilisation.camps',
      'mobilisation.exclusion',
      'violence.against-civilians.attack',
      'violence.communal',
    ]) {
      assert.ok(codes.has(code), code);
    }
    for (const c of CATEGORIES) assert.equal(c.code.split('.')[0], c.family);
  });

  it('matches prefixes only at dots', () => {
    assert.ok(
      matchesCategory('crisis.unconstitutional-change.coup', 'crisis.unconstitutional-change'),
    );
    assert.ok(matchesCategory('crisis.unconstitutional-change.coup', 'crisis'));
    assert.ok(
      !matchesCategory(
        'crisis.unconstitutional-change.coup-attempt',
        'crisis.unconstitutional-change.coup',
      ),
    );
    assert.ok(isCategoryPattern('violence.against-civilians'));
    assert.ok(!isCategoryPattern('violence.against'));
  });
});

describe('rules validation', () => {
  it('accepts the shipped rules', () => {
    const v = validateRules(rulesJson());
    assert.ok(v.ok, v.ok ? '' : JSON.stringify(v.issues));
    assert.ok(v.rules.indicators.some((i) => i.id === 'cycle-of-impunity' && i.redFlag));
  });

  it('reports every problem with its path', () => {
    const bad = rulesJson() as {
      indicators: Record<string, unknown>[];
      markers: Record<string, unknown>[];
    };
    const first = bad.indicators[0]!;
    first.windowDays = 0;
    first.colour = 'red';
    (bad.indicators[1]!.match as Record<string, unknown>).categories = ['violence.typo'];
    bad.indicators[2]!.id = bad.indicators[0]!.id;
    bad.markers[0]!.category = 'crisis.nope';
    const accel = bad.indicators.find((i) => i.id === 'mobilisation-acceleration')!;
    (accel.requires as { anyOf: string[] }).anyOf.push('cycle-of-impunity');
    const v = validateRules(bad);
    assert.ok(!v.ok);
    const paths = v.issues.map((i) => i.path);
    assert.ok(paths.includes('indicators[0].windowDays'), paths.join());
    assert.ok(paths.includes('indicators[0].colour'));
    assert.ok(paths.includes('indicators[1].match.categories[0]'));
    assert.ok(paths.includes('indicators[2].id'));
    assert.ok(paths.includes('markers[0].category'));
    assert.ok(
      v.issues.some((i) => /defined earlier/.test(i.message)),
      'a forward reference in requires is refused',
    );
  });

  it('refuses a misspelt field at every level, with its path and the expected fields', () => {
    const bad = rulesJson() as {
      changelog: Record<string, unknown>[];
      instability: { levels: Record<string, unknown>[] };
      indicators: Record<string, unknown>[];
    };
    bad.changelog[0]!.note = 'changes, misnamed';
    bad.instability.levels[0]!.facter = 0.5;
    const accel = bad.indicators.find((i) => i.id === 'mobilisation-acceleration')!;
    (accel.requires as Record<string, unknown>).anyof = ['militias'];
    (bad.indicators[0]!.match as Record<string, unknown>).minDeath = 5;
    const v = validateRules(bad);
    assert.ok(!v.ok);
    const i = bad.indicators.indexOf(accel);
    assert.deepEqual(
      v.issues.filter((x) => x.message.startsWith('unknown field')),
      [
        {
          path: 'changelog[0].note',
          message: 'unknown field (expected one of version, date, changes)',
        },
        {
          path: 'instability.levels[0].facter',
          message: 'unknown field (expected one of level, minEvents, factor)',
        },
        {
          path: 'indicators[0].match.minDeath',
          message:
            'unknown field (expected one of categories, civilianTargeted, perpetrators, targets, minDeaths, maxDeaths, sources, minReliability, targetGroupKnown, identifiedPerpetrator)',
        },
        {
          path: `indicators[${i}].requires.anyof`,
          message: 'unknown field (expected one of anyOf, instability)',
        },
      ],
    );
  });
});

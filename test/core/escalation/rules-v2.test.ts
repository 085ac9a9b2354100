import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { alertsFor } from '../../../src/core/escalation/alerts.js';
import { addDays } from '../../../src/core/escalation/dates.js';
import {
  CountryEvents,
  compileRules,
  evaluateCountry,
} from '../../../src/core/escalation/engine.js';
import { validateRules } from '../../../src/core/escalation/rules.js';
import type { EventFacts } from '../../../src/core/escalation/types.js';
import type { Tier } from '../../../src/core/frameworks/types.js';
import { fact, rulesJson, shippedRules } from './helpers.js';

const v1 = compileRules(shippedRules(1));
const v2 = compileRules(shippedRules(2));
const status = (rules: typeof v1, events: EventFacts[], asOf: string, tier: Tier | null = null) =>
  evaluateCountry(rules, 'aaa', asOf, new CountryEvents(events), tier);
const fired = (s: ReturnType<typeof status>) => s.indicators.map((i) => i.id);

/** `n` deliberate attacks on civilians, a week apart from `from`, `deaths` each. */
const attacks = (from: string, n: number, deaths: number, over: Partial<EventFacts> = {}) =>
  Array.from({ length: n }, (_, i) =>
    fact(addDays(from, 7 * i), { deathsBest: deaths, accountability: 'unknown', ...over }),
  );

describe('escalation rules, version 2', () => {
  it('loads beside version 1, which keeps its own imminence rule', () => {
    assert.equal(v1.rules.version, 1);
    assert.equal(v2.rules.version, 2);
    assert.equal(v1.rules.imminence, undefined);
    assert.ok(v2.rules.imminence);
  });

  it('raises imminence from red flags in a low tier when the evidence is strong enough', () => {
    // Five attacks of 30 deaths in five weeks: the civilian-targeting red flag, 150 deaths.
    const many = attacks('2008-01-01', 5, 30);
    const low = status(v2, many, '2008-02-15', 'low');
    assert.deepEqual(low.redFlags, ['civilian-targeting']);
    assert.equal(low.imminent, true);
    assert.equal(low.imminence?.tier, 'low');
    assert.equal(low.imminence?.events, 5);
    assert.equal(low.imminence?.deaths, 150);
    assert.equal(
      low.imminence?.met,
      'at least 1 red flag, 4 events, 100 deaths, 4 by a known perpetrator against a group',
    );
    assert.match(
      low.imminence?.needs ?? '',
      /^tier low: at least 2 red flags, 3 events, 25 deaths, 2 by a known perpetrator against a group, or 1 red flag, 4 events, 100 deaths, 4 by a known perpetrator against a group$/,
    );
    // The same violence aimed at no named group (much criminal violence) is not enough
    // where the structure shows little risk.
    const unnamed = attacks('2008-01-01', 5, 30, {
      targetGroup: null,
      actor1Type: 'political-militia',
    });
    assert.equal(status(v2, unnamed, '2008-02-15', 'low').imminent, false);
    assert.equal(status(v2, unnamed, '2008-02-15', 'high').imminent, true);
    // Version 1 needs a high or extreme tier: the same events are not imminent there.
    const old = status(v1, many, '2008-02-15', 'low');
    assert.deepEqual(old.redFlags, ['civilian-targeting']);
    assert.equal(old.imminent, false);
    assert.equal(old.imminence?.met, null);
  });

  it('asks more evidence of a lower tier, and knows no tier as the strictest', () => {
    // Two attacks of 6 deaths: the red flag fires with 12 deaths behind it.
    const few = attacks('2020-01-01', 2, 6);
    assert.deepEqual(status(v2, few, '2020-02-01', 'high').redFlags, ['civilian-targeting']);
    assert.equal(status(v2, few, '2020-02-01', 'high').imminent, true);
    assert.equal(status(v2, few, '2020-02-01', 'moderate').imminent, false);
    assert.equal(status(v2, few, '2020-02-01', 'low').imminent, false);
    const unknown = status(v2, few, '2020-02-01', null);
    assert.equal(unknown.imminent, false);
    assert.equal(unknown.imminence?.tier, 'unknown');
    // Three attacks of 20 deaths: enough for a moderate tier, not for a low one.
    const three = attacks('2020-01-01', 3, 20);
    assert.equal(status(v2, three, '2020-02-01', 'moderate').imminent, true);
    assert.equal(status(v2, three, '2020-02-01', 'low').imminent, false);
  });

  it('names the tier and the condition met in the imminent alert', () => {
    const s = status(v2, attacks('2008-01-01', 5, 30), '2008-02-15', 'low');
    const imminent = alertsFor(undefined, s, 'Kenya').find((a) => a.kind === 'imminent');
    assert.match(
      imminent?.title ?? '',
      /structural tier low .*\(at least 1 red flag, 4 events, 100 deaths, 4 by a known perpetrator against a group\)$/,
    );
  });

  it('refuses an imminence rule that leaves a tier out or names one twice', () => {
    const problems = (tiers: string[]) => {
      const json = rulesJson(2);
      (json.imminence as { levels: { tiers: string[] }[] }).levels[2]!.tiers = tiers;
      const v = validateRules(json);
      return v.ok ? [] : v.issues.map((i) => `${i.path}: ${i.message}`);
    };
    assert.deepEqual(problems(['low', 'negligible', 'unknown', 'high']), [
      'imminence.levels[2].tiers[3]: tier "high" is named by an earlier level',
    ]);
    assert.deepEqual(problems(['low', 'negligible']), [
      'imminence.levels: expected every tier to be named; missing unknown',
    ]);
  });

  it('needs an identified, organised perpetrator and a named group for trial massacres', () => {
    const asOf = '2020-03-01';
    const trials = (over: Partial<EventFacts>) => [
      fact('2020-01-01', { deathsBest: 3, ...over }),
      fact('2020-01-20', { deathsBest: 3, ...over }),
    ];
    assert.ok(fired(status(v2, trials({}), asOf)).includes('trial-massacres'));
    const rioters = trials({ actor1Type: 'rioters', actor1Name: 'Rioters (Kenya)' });
    assert.ok(fired(status(v1, rioters, asOf)).includes('trial-massacres'), 'version 1 did');
    assert.ok(!fired(status(v2, rioters, asOf)).includes('trial-massacres'));
    const gang = trials({
      actor1Type: 'political-militia',
      actor1Name: 'Unidentified Gang (Kenya)',
    });
    assert.ok(!fired(status(v2, gang, asOf)).includes('trial-massacres'));
    const noGroup = trials({ targetGroup: null });
    assert.ok(!fired(status(v2, noGroup, asOf)).includes('trial-massacres'));
  });
});

describe('accountability', () => {
  it('reads unknown accountability as unknown: no impunity without evidence', () => {
    const unknown = [fact('2020-01-01'), fact('2020-02-01'), fact('2020-03-01')].map((e) => ({
      ...e,
      accountability: 'unknown' as const,
    }));
    for (const rules of [v1, v2]) {
      const s = status(rules, unknown, '2020-06-01');
      assert.ok(!s.redFlags.includes('impunity'));
      assert.ok(!s.redFlags.includes('cycle-of-impunity'));
    }
    // A source saying no one was held to account is evidence.
    const none = unknown.map((e) => ({ ...e, accountability: 'none-known' as const }));
    assert.ok(status(v2, none, '2020-06-01').redFlags.includes('impunity'));
  });
});

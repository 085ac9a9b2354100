import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { alertsFor } from '../../../src/core/escalation/alerts.js';
import { addDays } from '../../../src/core/escalation/dates.js';
import {
  CountryEvents,
  compileRules,
  evaluateCountry,
  lookbackDays,
} from '../../../src/core/escalation/engine.js';
import { markerEvents } from '../../../src/core/escalation/markers.js';
import { factsOf } from '../../../src/core/escalation/types.js';
import type { EventFacts } from '../../../src/core/escalation/types.js';
import { fact, shippedRules } from './helpers.js';

const rules = compileRules(shippedRules());
const status = (
  events: EventFacts[],
  asOf: string,
  tier: Parameters<typeof evaluateCountry>[4] = null,
) => evaluateCountry(rules, 'aaa', asOf, new CountryEvents(events), tier);
const fired = (s: ReturnType<typeof status>) => s.indicators.map((i) => i.id);

describe('escalation engine', () => {
  it('is at stage none without events', () => {
    const s = status([], '2020-06-30');
    assert.equal(s.stage, 'none');
    assert.deepEqual(s.indicators, []);
    assert.equal(s.imminent, false);
    assert.equal(s.rules, 'escalation@1');
  });

  it('reads a coup marker as a crisis from the end of its year, for 730 days', () => {
    const coup = markerEvents(shippedRules().markers, [
      {
        countryId: 'aaa',
        variable: 'coups-pt:pt_coup',
        year: 2019,
        value: 1,
        source: 'coups-pt 2025',
        availableFrom: '2020-02-01',
      },
      {
        countryId: 'aaa',
        variable: 'coups-pt:pt_failed',
        year: 2019,
        value: 0,
        source: 'coups-pt 2025',
        availableFrom: '2020-02-01',
      },
    ]).map(factsOf);
    assert.equal(coup.length, 1, 'a zero is no marker');
    assert.equal(status(coup, '2019-12-30').stage, 'none');
    const s = status(coup, '2020-03-01');
    assert.equal(s.stage, 'crisis');
    assert.deepEqual(fired(s), ['unconstitutional-change']);
    assert.deepEqual(s.indicators[0]!.evidence, ['marker:coups-pt:pt_coup:aaa:2019']);
    assert.equal(status(coup, '2021-12-29').stage, 'crisis');
    assert.equal(status(coup, '2021-12-30').stage, 'none');
  });

  it('fires mobilisation when it speeds up after a crisis, not without the crisis', () => {
    const crisis = fact('2020-01-10', {
      category: 'crisis.unconstitutional-change.disputed-election',
      civilianTargeted: false,
      deathsBest: null,
    });
    const signals = ['2020-03-01', '2020-03-15', '2020-04-01'].map((d) =>
      fact(d, {
        category: 'mobilisation.hate-propaganda',
        civilianTargeted: false,
        deathsBest: null,
      }),
    );
    const withCrisis = status([crisis, ...signals], '2020-04-10');
    assert.equal(withCrisis.stage, 'mobilisation');
    assert.ok(fired(withCrisis).includes('mobilisation-acceleration'));
    const without = status(signals, '2020-04-10');
    assert.ok(!fired(without).includes('mobilisation-acceleration'));
    assert.equal(
      without.stage,
      'mobilisation',
      'hate propaganda is a mobilisation signal by itself',
    );
    // A steady rate is no acceleration: one signal a month through the year before as well.
    const steady = Array.from({ length: 12 }, (_, i) =>
      fact(addDays('2019-01-15', 30 * i), {
        category: 'mobilisation.hate-propaganda',
        civilianTargeted: false,
        deathsBest: null,
      }),
    );
    assert.ok(
      !fired(status([crisis, ...steady, ...signals], '2020-04-10')).includes(
        'mobilisation-acceleration',
      ),
    );
  });

  it('raises the civilian-targeting red flag, and imminent only with a high or extreme tier', () => {
    const attacks = [fact('2020-05-01', { deathsBest: 6 }), fact('2020-05-20', { deathsBest: 6 })];
    const s = status(attacks, '2020-06-01');
    assert.equal(s.stage, 'violence');
    assert.ok(s.redFlags.includes('civilian-targeting'));
    assert.equal(s.imminent, false);
    assert.equal(status(attacks, '2020-06-01', 'moderate').imminent, false);
    assert.equal(status(attacks, '2020-06-01', 'high').imminent, true);
    assert.equal(status(attacks, '2020-06-01', 'extreme').imminent, true);
    assert.equal(
      status([fact('2020-05-01', { deathsBest: 9 })], '2020-06-01').redFlags.length,
      0,
      'one attack is not enough',
    );
    assert.equal(
      status(attacks, '2020-04-30').stage,
      'none',
      'events after the as-of date do not count',
    );
  });

  it('finds impunity only after the grace period, and not for acts held to account', () => {
    const a = [fact('2020-01-01'), fact('2020-02-01'), fact('2020-03-01')];
    assert.ok(
      !status(a, '2020-03-15').redFlags.includes('impunity'),
      'the last act is still in its grace period',
    );
    const s = status(a, '2020-04-15');
    assert.ok(s.redFlags.includes('impunity'));
    assert.deepEqual(s.indicators.find((i) => i.id === 'impunity')!.evidence, [
      a[2]!.key,
      a[1]!.key,
      a[0]!.key,
    ]);
    const arrest = fact('2020-02-10', {
      category: 'response.accountability.arrests',
      relatesTo: a[0]!.key,
      civilianTargeted: false,
    });
    assert.ok(!status([...a, arrest], '2020-04-15').redFlags.includes('impunity'));
    const prosecuted = [{ ...a[0]!, accountability: 'prosecutions' as const }, a[1]!, a[2]!];
    assert.ok(!status(prosecuted, '2020-04-15').redFlags.includes('impunity'));
  });

  it('reads trial massacres per target group', () => {
    const same = [fact('2020-01-01', { deathsBest: 2 }), fact('2020-01-20', { deathsBest: 3 })];
    const s = status(same, '2020-03-01');
    const trial = s.indicators.find((i) => i.id === 'trial-massacres');
    assert.ok(trial);
    assert.equal(trial.group, 'Group Y');
    const split = [
      fact('2020-01-01', { deathsBest: 2 }),
      fact('2020-01-20', { deathsBest: 3, targetGroup: 'Group Z' }),
    ];
    assert.ok(!fired(status(split, '2020-03-01')).includes('trial-massacres'));
    const big = [fact('2020-01-01', { deathsBest: 40 }), fact('2020-01-20', { deathsBest: 30 })];
    assert.ok(
      !fired(status(big, '2020-03-01')).includes('trial-massacres'),
      'large massacres are not trials',
    );
  });

  it('sees the cycle of impunity only when attacks on a group go unpunished and grow', () => {
    const growing = [2, 3, 5].map((d, i) => fact(addDays('2020-01-01', 40 * i), { deathsBest: d }));
    assert.ok(fired(status(growing, '2020-06-01')).includes('cycle-of-impunity'));
    const waning = [5, 3, 2].map((d, i) => fact(addDays('2020-01-01', 40 * i), { deathsBest: d }));
    assert.ok(!fired(status(waning, '2020-06-01')).includes('cycle-of-impunity'));
    // Unknown group: grouped by perpetrator.
    const anon = growing.map((e) => ({ ...e, targetGroup: null }));
    const cycle = status(anon, '2020-06-01').indicators.find((i) => i.id === 'cycle-of-impunity');
    assert.equal(cycle?.group, 'perpetrator: Militia X');
  });

  it('lowers amplified thresholds under instability', () => {
    const protests = Array.from({ length: 150 }, (_, i) =>
      fact(addDays('2020-03-01', i % 60), {
        category: 'context.protest',
        civilianTargeted: false,
        deathsBest: null,
        actor1Type: 'protesters',
      }),
    );
    const two = [
      fact('2020-04-01', { civilianTargeted: false, deathsBest: 0 }),
      fact('2020-04-02', { civilianTargeted: false, deathsBest: 0 }),
    ];
    assert.ok(!fired(status(two, '2020-05-01')).includes('organised-violence'));
    const s = status([...protests, ...two], '2020-05-01');
    assert.equal(s.instability.level, 'high');
    assert.equal(s.instability.factor, 0.5);
    const ov = s.indicators.find((i) => i.id === 'organised-violence');
    assert.ok(ov);
    assert.equal(ov.threshold.minEvents, 2);
  });

  it('counts economic collapse as a crisis only with instability', () => {
    const collapse = fact('2020-03-01', {
      category: 'crisis.trigger.economic-collapse',
      civilianTargeted: false,
      deathsBest: null,
    });
    assert.equal(status([collapse], '2020-04-01').stage, 'none');
    const riots = Array.from({ length: 30 }, (_, i) =>
      fact(addDays('2020-03-01', i), {
        category: 'context.riot',
        civilianTargeted: false,
        deathsBest: null,
      }),
    );
    assert.ok(fired(status([collapse, ...riots], '2020-04-01')).includes('trigger-crisis'));
  });

  it('carries the strictest sharing level of its evidence', () => {
    const attacks = [
      fact('2020-05-01', { deathsBest: 6, sharing: 'AMBER' }),
      fact('2020-05-20', { deathsBest: 6 }),
    ];
    const s = status(attacks, '2020-06-01');
    assert.equal(s.sharing, 'AMBER');
    assert.equal(s.indicators.find((i) => i.id === 'civilian-targeting')!.sharing, 'AMBER');
  });

  it('looks back no further than its longest window', () => {
    assert.equal(lookbackDays(shippedRules()), 1825);
  });
});

describe('alerts from status changes', () => {
  const attacks = [fact('2020-05-01', { deathsBest: 6 }), fact('2020-05-20', { deathsBest: 6 })];
  it('raises stage rise, new red flags and imminent, once each', () => {
    const before = status([], '2020-06-01', 'high');
    const after = status(attacks, '2020-06-01', 'high');
    const drafts = alertsFor(before, after, 'Alphaland');
    assert.deepEqual(
      drafts.map((d) => d.dedupKey),
      [
        'stage-rise:aaa:violence',
        'red-flag:aaa:civilian-targeting',
        'red-flag:aaa:trial-massacres',
        'imminent:aaa',
      ].filter(
        (k) => k !== 'red-flag:aaa:trial-massacres' || after.redFlags.includes('trial-massacres'),
      ),
    );
    assert.match(drafts[0]!.title, /^Alphaland: stage rose from none to violence/);
    assert.deepEqual(alertsFor(after, after), [], 'no change, no alert');
    const lower = status(attacks, '2020-06-01', 'low');
    assert.deepEqual(
      alertsFor(lower, after).map((d) => d.kind),
      ['imminent'],
    );
  });
});

import { strict as assert } from 'node:assert';
import { after, before, it } from 'node:test';
import type { Tlp } from '../../src/core/escalation/types.js';
import { STEP_HOURS, advanceCase, caseById, cases, openCase } from '../../src/services/cases.js';
import {
  AccessDeniedError,
  SYSTEM,
  addMembership,
  createOrganisation,
  createUser,
  removeMembership,
} from '../../src/services/identity.js';
import type { Role, UserPrincipal } from '../../src/services/identity.js';
import { agreements, shareWith, withdrawAgreement } from '../../src/services/sharing.js';
import { raiseAlert } from '../../src/store/alerts-repository.js';
import type { Store } from '../../src/store/database.js';
import { onEveryStore } from '../support/stores.js';

const T0 = '2026-03-02T08:00:00.000Z';
function at(hours: number): string {
  return new Date(Date.parse(T0) + hours * 3_600_000).toISOString();
}

onEveryStore('cases from warning to decision', (target) => {
  let store: Store;
  const people = new Map<string, UserPrincipal>();
  const alertIds = new Map<string, number>();
  const who = (name: string) => people.get(name)!;

  before(async () => {
    store = await target.fresh();
    for (const [id, kind] of [
      ['osapg', 'un-office'],
      ['au', 'regional-organisation'],
      ['ng', 'national-focal-point'],
      ['watch', 'ngo'],
    ] as const)
      await createOrganisation(store, SYSTEM, { id, name: id, kind, now: T0 });
    const users: [string, string, Role][] = [
      ['desk', 'osapg', 'analyst'],
      ['au-fp', 'au', 'focal-point'],
      ['au-viewer', 'au', 'viewer'],
      ['ng-fp', 'ng', 'focal-point'],
      ['watch-analyst', 'watch', 'analyst'],
    ];
    for (const [username, org, role] of users) {
      const u = await createUser(store, SYSTEM, { username, organisationId: org, role, now: T0 });
      people.set(username, { kind: 'user', userId: u.id, username, organisationId: org, role });
    }
    // The UN office and the regional organisation exchange AMBER both ways; the national
    // focal point receives GREEN only.
    await shareWith(store, SYSTEM, { from: 'osapg', to: 'au', tlp: 'AMBER', now: T0 });
    await shareWith(store, SYSTEM, { from: 'au', to: 'osapg', tlp: 'AMBER', now: T0 });
    await shareWith(store, SYSTEM, { from: 'osapg', to: 'ng', tlp: 'GREEN', now: T0 });
    const raise = async (key: string, kind: 'imminent' | 'red-flag', sharing: Tlp) => {
      const { alert } = await raiseAlert(
        store.db,
        {
          kind,
          countryId: 'ssd',
          dedupKey: key,
          stage: 'violence',
          title: key,
          asOf: '2026-03-01',
          evidence: [],
          sharing,
        },
        at(-2),
        'osapg',
      );
      alertIds.set(key, alert.id);
    };
    await raise('imminent', 'imminent', 'AMBER');
    await raise('flag', 'red-flag', 'CLEAR');
    await raise('strict', 'red-flag', 'AMBER');
  });
  after(async () => {
    await store.close();
    await target.cleanup();
  });

  it('puts imminent alerts on the fast track, steps in order, and measures warning to decision', async () => {
    const c = await openCase(store, who('desk'), { alertId: alertIds.get('imminent')!, now: T0 });
    assert.equal(c.fastTrack, true);
    assert.equal(c.organisationId, 'osapg');
    assert.equal(c.tlp, 'AMBER');
    assert.equal(c.warningAt, at(-2));
    assert.deepEqual(
      c.steps.map((s) => [s.step, s.status, s.dueAt, s.ownerUsername]),
      [
        ['assessment', 'open', at(STEP_HOURS.fast.assessment), 'desk'],
        ['advice', 'waiting', null, null],
        ['decision', 'waiting', null, null],
      ],
    );
    await assert.rejects(
      openCase(store, who('desk'), { alertId: alertIds.get('imminent')!, now: T0 }),
      /column "alert": alert \d+ has an open case already/,
    );
    await assert.rejects(
      advanceCase(store, who('desk'), c.id, { action: 'complete', step: 'advice', now: at(1) }),
      /column "step": the advice step is waiting/,
    );

    // The regional organisation's focal point takes the advice, within the AMBER agreement.
    await advanceCase(store, who('desk'), c.id, {
      action: 'assign',
      step: 'advice',
      username: 'au-fp',
      now: at(1),
    });
    // It is not theirs to do the assessment.
    await assert.rejects(
      advanceCase(store, who('au-fp'), c.id, {
        action: 'complete',
        step: 'assessment',
        now: at(2),
      }),
      AccessDeniedError,
    );
    const assessed = await advanceCase(store, who('desk'), c.id, {
      action: 'complete',
      note: 'militia mobilising near Bor',
      now: at(3),
    });
    assert.equal(assessed.currentStep, 'advice');
    assert.equal(assessed.steps[1]!.dueAt, at(3 + STEP_HOURS.fast.advice));
    const seen = await cases(store, who('au-fp'), { now: at(4) });
    assert.deepEqual(
      seen.map((x) => x.id),
      [c.id],
    );
    await advanceCase(store, who('au-fp'), c.id, { action: 'start', now: at(4) });
    await advanceCase(store, who('au-fp'), c.id, {
      action: 'complete',
      note: 'envoy and public statement',
      now: at(8),
    });
    const decided = await advanceCase(store, who('desk'), c.id, {
      action: 'complete',
      note: 'envoy dispatched',
      now: at(10),
    });
    assert.equal(decided.status, 'decided');
    assert.equal(decided.decision, 'envoy dispatched');
    assert.equal(decided.decidedAt, at(10));
    assert.equal(decided.warningToDecisionHours, 12);
    assert.deepEqual(
      decided.steps.map((s) => [s.step, s.status, s.ownerUsername, s.overdue]),
      [
        ['assessment', 'done', 'desk', false],
        ['advice', 'done', 'au-fp', false],
        ['decision', 'done', 'desk', false],
      ],
    );
    await assert.rejects(
      advanceCase(store, who('desk'), c.id, { action: 'complete', now: at(11) }),
      /decided already/,
    );
  });

  it('gives other alerts days, at AMBER at least, and flags overdue steps', async () => {
    const c = await openCase(store, who('desk'), { alertId: alertIds.get('flag')!, now: T0 });
    assert.equal(c.fastTrack, false);
    assert.equal(c.tlp, 'AMBER');
    assert.equal(c.steps[0]!.dueAt, at(STEP_HOURS.normal.assessment));
    const later = (await caseById(store, who('desk'), c.id, at(STEP_HOURS.normal.assessment + 1)))!;
    assert.deepEqual(
      later.steps.filter((s) => s.overdue).map((s) => s.step),
      ['assessment'],
    );
    assert.equal(later.warningToDecisionHours, null);
    assert.equal(later.elapsedHours, STEP_HOURS.normal.assessment + 3);
  });

  it('refuses focal points outside the agreements, and stops sharing when one is withdrawn', async () => {
    const [c] = await cases(store, who('desk'), { status: 'open', now: T0 });
    for (const [username, why] of [
      ['ng-fp', 'its organisation receives GREEN only'],
      ['watch-analyst', 'no agreement'],
      ['au-viewer', 'viewers do not work on cases'],
    ] as const) {
      await assert.rejects(
        advanceCase(store, who('desk'), c!.id, { action: 'assign', username, now: at(1) }),
        AccessDeniedError,
        why,
      );
    }
    assert.deepEqual(await cases(store, who('ng-fp'), { now: T0 }), []);
    assert.deepEqual(await cases(store, who('watch-analyst'), { now: T0 }), []);
    await assert.rejects(
      openCase(store, who('ng-fp'), { alertId: alertIds.get('imminent')!, now: T0 }),
      /column "alert": no alert/,
    );

    // AMBER+STRICT never leaves the organisation, agreement or not.
    const strict = await openCase(store, who('desk'), {
      alertId: alertIds.get('strict')!,
      tlp: 'AMBER+STRICT',
      now: T0,
    });
    await assert.rejects(
      advanceCase(store, who('desk'), strict.id, {
        action: 'assign',
        username: 'au-fp',
        now: at(1),
      }),
      AccessDeniedError,
    );
    await assert.rejects(
      openCase(store, who('desk'), { alertId: alertIds.get('strict')!, tlp: 'GREEN', now: T0 }),
      /column "tlp": cannot open the case at "GREEN"/,
    );

    assert.equal((await cases(store, who('au-fp'), { now: T0 })).length, 2);
    const [toAu] = (await agreements(store, SYSTEM)).filter(
      (a) => a.fromOrg === 'osapg' && a.toOrg === 'au',
    );
    await withdrawAgreement(store, SYSTEM, toAu!.id, at(2));
    assert.deepEqual(await cases(store, who('au-fp'), { now: at(3) }), []);
  });

  it('assigns a user of several organisations through the membership that may work on the case', async () => {
    await createUser(store, SYSTEM, {
      username: 'watch-lead',
      organisationId: 'watch',
      role: 'analyst',
      now: T0,
    });
    const [c] = await cases(store, who('desk'), { status: 'open', now: T0 });
    const assign = () =>
      advanceCase(store, who('desk'), c!.id, {
        action: 'assign',
        username: 'watch-lead',
        now: at(4),
      });
    const refusedWithoutMemberships = (e: unknown) =>
      e instanceof AccessDeniedError &&
      /watch-lead may not work on case/.test(e.message) &&
      !/watch|osapg|viewer|analyst of/.test(e.message.replace(/^watch-lead/, ''));
    await assert.rejects(assign, refusedWithoutMemberships);
    // A viewer of the UN office sees the case but does not work on cases.
    await addMembership(store, SYSTEM, {
      username: 'watch-lead',
      organisationId: 'osapg',
      role: 'viewer',
      now: T0,
    });
    await assert.rejects(assign, refusedWithoutMemberships);
    await removeMembership(store, SYSTEM, { username: 'watch-lead', organisationId: 'osapg' });
    await addMembership(store, SYSTEM, {
      username: 'watch-lead',
      organisationId: 'osapg',
      role: 'analyst',
      now: T0,
    });
    const assigned = await assign();
    const owner = assigned.steps.find((s) => s.step === assigned.currentStep);
    assert.equal(owner?.ownerUsername, 'watch-lead');
  });
});

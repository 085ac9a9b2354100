import { strict as assert } from 'node:assert';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, it } from 'node:test';
import type { EscalationEvent, Tlp } from '../../src/core/escalation/types.js';
import {
  acknowledge,
  alert,
  alerts,
  deliverWebhooks,
  exportAlerts,
  subscribe,
} from '../../src/services/alerts.js';
import { loadCountryRegistry } from '../../src/services/countries.js';
import { advanceCase, caseById, cases, exportCases } from '../../src/services/cases.js';
import { EscalationMonitor, loadRules } from '../../src/services/escalation.js';
import { ANONYMOUS, SYSTEM, createOrganisation, createUser } from '../../src/services/identity.js';
import type { Principal, Role } from '../../src/services/identity.js';
import {
  exportOverrides,
  override,
  overridesFor,
  withdrawAnalystOverride,
} from '../../src/services/overrides.js';
import {
  exportReports,
  report,
  reports,
  reviewReport,
  submitReport,
} from '../../src/services/reports.js';
import { shareWith } from '../../src/services/sharing.js';
import {
  agreementsFor,
  canExport,
  canSee,
  canSeeReporter,
  canUpdate,
} from '../../src/store/access.js';
import type { WriteAction } from '../../src/store/access.js';
import { listAttempts, queueDeliveries, raiseAlert } from '../../src/store/alerts-repository.js';
import { insertCase } from '../../src/store/cases-repository.js';
import type { Store } from '../../src/store/database.js';
import { insertEvent, insertFieldReport } from '../../src/store/events-repository.js';
import { addOverride } from '../../src/store/overrides-repository.js';
import { onEveryStore } from '../support/stores.js';

/**
 * The authorisation matrix: every role × relationship between the reader's organisation
 * and the owner's × TLP level × action, on field reports, alerts, overrides and cases. The
 * expected answers come from the tables below, written from the TLP 2.0 definitions, not
 * from the code under test; both the pure rule and the real repository queries must agree
 * with them.
 */

const NOW = '2026-01-15T00:00:00.000Z';
const LEVELS: readonly Tlp[] = ['CLEAR', 'GREEN', 'AMBER', 'AMBER+STRICT', 'RED'];
const ROLES: readonly Role[] = ['admin', 'analyst', 'focal-point', 'field-monitor', 'viewer'];

/** How the reader's organisation relates to the owner (`owner`). */
type Relation = 'same' | 'agreement-amber' | 'agreement-green' | 'none' | 'anonymous';
const RELATIONS: readonly Relation[] = [
  'same',
  'agreement-amber',
  'agreement-green',
  'none',
  'anonymous',
];
/** The reader's organisation for each relation. */
const ORG_OF: Record<Exclude<Relation, 'anonymous'>, string> = {
  same: 'owner',
  'agreement-amber': 'partner-amber',
  'agreement-green': 'partner-green',
  none: 'stranger',
};

const ALL = 'every role';
type Who = typeof ALL | readonly Role[];
const NOBODY: readonly Role[] = [];
const RED_READERS: readonly Role[] = ['admin', 'analyst', 'focal-point'];

/** Who sees an item of `owner` at each level, by relation (TLP 2.0 as the project applies it). */
const SEES: Record<Relation, Record<Tlp, Who>> = {
  same: { CLEAR: ALL, GREEN: ALL, AMBER: ALL, 'AMBER+STRICT': ALL, RED: RED_READERS },
  'agreement-amber': {
    CLEAR: ALL,
    GREEN: ALL,
    AMBER: ALL,
    'AMBER+STRICT': NOBODY,
    RED: NOBODY,
  },
  'agreement-green': {
    CLEAR: ALL,
    GREEN: ALL,
    AMBER: NOBODY,
    'AMBER+STRICT': NOBODY,
    RED: NOBODY,
  },
  none: { CLEAR: ALL, GREEN: ALL, AMBER: NOBODY, 'AMBER+STRICT': NOBODY, RED: NOBODY },
  anonymous: { CLEAR: ALL, GREEN: NOBODY, AMBER: NOBODY, 'AMBER+STRICT': NOBODY, RED: NOBODY },
};

function includes(who: Who, role: Role): boolean {
  return who === ALL || who.includes(role);
}

function expectSee(rel: Relation, role: Role, tlp: Tlp): boolean {
  return includes(SEES[rel][tlp], role);
}

/** Exports: what one sees, RED never. */
function expectExport(rel: Relation, role: Role, tlp: Tlp): boolean {
  return tlp !== 'RED' && expectSee(rel, role, tlp);
}

type Kind = 'report' | 'alert' | 'override' | 'case';
/** Roles that change items of their own organisation, per kind of item. */
const CHANGERS: Record<Kind, readonly Role[]> = {
  report: ['admin', 'analyst'],
  alert: ['admin', 'analyst', 'focal-point'],
  override: ['admin', 'analyst', 'focal-point'],
  case: ['admin', 'analyst', 'focal-point'],
};
const ACTION: Record<Kind, WriteAction> = {
  report: 'review-report',
  alert: 'handle-alert',
  override: 'override',
  case: 'work-case',
};

/** Changes: only the owner's own people in a changing role, and only what they see. */
function expectUpdate(kind: Kind, rel: Relation, role: Role, tlp: Tlp): boolean {
  return rel === 'same' && CHANGERS[kind].includes(role) && expectSee(rel, role, tlp);
}

/** The reporter's identity: admins and analysts of the owner only. */
function expectReporter(rel: Relation, role: Role): boolean {
  return rel === 'same' && (role === 'admin' || role === 'analyst');
}

function attack(n: number, sharing: Tlp): EscalationEvent {
  return {
    source: 'report',
    sourceId: `matrix-${n}`,
    countryId: 'nga',
    date: { start: '2025-12-01', end: '2025-12-01', precision: 'day' },
    place: { name: 'Town', precision: 'near' },
    actors: [{ name: 'Militia', type: 'identity-militia', side: 'a' }],
    category: 'violence.against-civilians.attack',
    civilianTargeted: true,
    deaths: { best: 3, low: 3, high: 3 },
    accountability: 'none-known',
    sources: [],
    reliability: 'medium',
    sharing,
    provenance: { reportedBy: 'source-in-the-field', recordedAt: NOW },
  };
}

onEveryStore('authorisation matrix', (target) => {
  let store: Store;
  let monitor: EscalationMonitor;
  const principals = new Map<string, Principal>();
  const ids = new Map<Tlp, { report: string; alert: number; override: number; case: number }>();

  const principal = (rel: Relation, role: Role): Principal =>
    rel === 'anonymous' ? ANONYMOUS : principals.get(`${ORG_OF[rel]}/${role}`)!;

  before(async () => {
    store = await target.fresh();
    monitor = await EscalationMonitor.open(store, { rules: await loadRules() });
    for (const [id, kind] of [
      ['owner', 'un-office'],
      ['partner-amber', 'regional-organisation'],
      ['partner-green', 'national-focal-point'],
      ['stranger', 'ngo'],
    ] as const) {
      await createOrganisation(store, SYSTEM, { id, name: id, kind, now: NOW });
      for (const role of ROLES) {
        const u = await createUser(store, SYSTEM, {
          username: `${id}-${role}`,
          organisationId: id,
          role,
          now: NOW,
        });
        principals.set(`${id}/${role}`, {
          kind: 'user',
          userId: u.id,
          username: u.username,
          organisationId: id,
          role,
        });
      }
    }
    await shareWith(store, SYSTEM, { from: 'owner', to: 'partner-amber', tlp: 'AMBER', now: NOW });
    await shareWith(store, SYSTEM, { from: 'owner', to: 'partner-green', tlp: 'GREEN', now: NOW });
    // Agreements run one way: the stranger shares with the owner, not the owner with it.
    await shareWith(store, SYSTEM, { from: 'stranger', to: 'owner', tlp: 'AMBER', now: NOW });
    let n = 0;
    for (const tlp of LEVELS) {
      n++;
      const event = attack(n, tlp);
      const eventId = await insertEvent(store.db, event, 'submitted', 'owner');
      await insertFieldReport(store.db, eventId, {
        state: 'submitted',
        submittedBy: 'source-in-the-field',
        submittedAt: NOW,
        duplicateOf: null,
        candidates: [],
      });
      const { alert: a } = await raiseAlert(
        store.db,
        {
          kind: tlp === 'RED' ? 'imminent' : 'red-flag',
          countryId: 'nga',
          dedupKey: `matrix:${tlp}`,
          stage: 'violence',
          title: `alert at ${tlp}`,
          asOf: '2025-12-01',
          evidence: [`report:matrix-${n}`],
          sharing: tlp,
        },
        NOW,
        'owner',
      );
      const o = await addOverride(store.db, {
        frameworkId: 'preconditions-2011',
        countryId: 'nga',
        factorId: 'rule-of-law',
        severity: 3,
        reason: `judgement at ${tlp}`,
        source: 'desk',
        by: 'owner-analyst',
        at: NOW,
        effectiveFrom: '2025-12-01',
        organisationId: 'owner',
        tlp,
      });
      const caseId = await insertCase(store.db, {
        alertId: a.id,
        countryId: 'nga',
        fastTrack: false,
        organisationId: 'owner',
        tlp,
        status: 'open',
        openedBy: 'owner-analyst@owner',
        openedAt: NOW,
        warningAt: NOW,
        steps: (['assessment', 'advice', 'decision'] as const).map((step, position) => ({
          step,
          position,
          ownerUserId: null,
          status: position === 0 ? 'open' : 'waiting',
          openedAt: position === 0 ? NOW : null,
          startedAt: null,
          completedAt: null,
          dueAt: null,
          note: null,
        })),
      });
      ids.set(tlp, {
        report: `report:${event.sourceId}`,
        alert: a.id,
        override: o.id,
        case: caseId,
      });
    }
  });
  after(async () => {
    await store.close();
    await target.cleanup();
  });

  it('the pure rule answers as the tables for every role, relation, level and action', async () => {
    let checked = 0;
    for (const rel of RELATIONS) {
      for (const role of ROLES) {
        const p = principal(rel, role);
        const agreements = await agreementsFor(store.db, p);
        for (const tlp of LEVELS) {
          const item = { organisationId: 'owner', tlp };
          const where = `${rel} ${role} ${tlp}`;
          assert.equal(canSee(p, item, agreements), expectSee(rel, role, tlp), `see: ${where}`);
          assert.equal(
            canExport(p, item, agreements),
            expectExport(rel, role, tlp),
            `export: ${where}`,
          );
          for (const kind of Object.keys(CHANGERS) as Kind[]) {
            assert.equal(
              canUpdate(p, ACTION[kind], item, agreements),
              expectUpdate(kind, rel, role, tlp),
              `update ${kind}: ${where}`,
            );
          }
          checked++;
        }
        assert.equal(
          canSeeReporter(p, 'owner'),
          expectReporter(rel, role),
          `reporter: ${rel} ${role}`,
        );
        assert.equal(canSeeReporter(p, 'owner', 'export'), false);
      }
    }
    assert.equal(checked, RELATIONS.length * ROLES.length * LEVELS.length);
  });

  it('list and export queries return exactly what the tables allow, and nothing else', async () => {
    for (const rel of RELATIONS) {
      for (const role of ROLES) {
        const p = principal(rel, role);
        const where = `${rel} ${role}`;
        const want = LEVELS.filter((t) => expectSee(rel, role, t));
        const wantExport = LEVELS.filter((t) => expectExport(rel, role, t));
        const levels = (list: readonly { tlp: Tlp }[]) => list.map((x) => x.tlp).sort();
        const sorted = (list: readonly Tlp[]) => [...list].sort();

        const listed = await reports(store, p);
        assert.deepEqual(
          levels(listed.map((r) => ({ tlp: r.event.sharing }))),
          sorted(want),
          `reports: ${where}`,
        );
        for (const r of listed) {
          const shown = expectReporter(rel, role);
          assert.equal(r.submittedBy !== null, shown, `reporter in list: ${where}`);
          assert.equal(
            r.event.provenance.reportedBy !== undefined,
            shown,
            `reporter in event: ${where}`,
          );
        }
        const exported = await exportReports(store, p);
        assert.deepEqual(
          levels(exported.map((r) => ({ tlp: r.event.sharing }))),
          sorted(wantExport),
          `report export: ${where}`,
        );
        assert.ok(
          exported.every(
            (r) => r.submittedBy === null && r.event.provenance.reportedBy === undefined,
          ),
          `reporter never exported: ${where}`,
        );
        assert.ok(
          !JSON.stringify(exported).includes('source-in-the-field'),
          `export text: ${where}`,
        );

        const sharing = (list: readonly { sharing: Tlp }[]) => list.map((a) => a.sharing).sort();
        assert.deepEqual(
          sharing(await alerts(store, p, { filter: 'all' })),
          sorted(want),
          `alerts: ${where}`,
        );
        assert.deepEqual(
          sharing(await exportAlerts(store, p, { filter: 'all' })),
          sorted(wantExport),
          `alert export: ${where}`,
        );
        assert.deepEqual(levels(await overridesFor(store, p)), sorted(want), `overrides: ${where}`);
        assert.deepEqual(
          levels(await exportOverrides(store, p)),
          sorted(wantExport),
          `override export: ${where}`,
        );
        assert.deepEqual(
          levels(await cases(store, p, { now: NOW })),
          sorted(want),
          `cases: ${where}`,
        );
        assert.deepEqual(
          levels(await exportCases(store, p, { now: NOW })),
          sorted(wantExport),
          `case export: ${where}`,
        );
      }
    }
  });

  it('show finds an item exactly when the tables allow it', async () => {
    for (const rel of RELATIONS) {
      for (const role of ROLES) {
        const p = principal(rel, role);
        for (const tlp of LEVELS) {
          const id = ids.get(tlp)!;
          const want = expectSee(rel, role, tlp);
          const where = `${rel} ${role} ${tlp}`;
          assert.equal((await report(store, p, id.report)) !== undefined, want, `report: ${where}`);
          assert.equal((await alert(store, p, id.alert)) !== undefined, want, `alert: ${where}`);
          assert.equal(
            (await override(store, p, id.override)) !== undefined,
            want,
            `override: ${where}`,
          );
          assert.equal(
            (await caseById(store, p, id.case, NOW)) !== undefined,
            want,
            `case: ${where}`,
          );
        }
      }
    }
  });

  it('changes are refused unless the tables allow them, and allowed ones go through', async () => {
    for (const rel of RELATIONS) {
      for (const role of ROLES) {
        const p = principal(rel, role);
        for (const tlp of LEVELS) {
          const id = ids.get(tlp)!;
          const where = `${rel} ${role} ${tlp}`;
          const refused = /may not|no field report|no alert|no active override|no case/;
          const attempts = {
            report: () =>
              reviewReport(store, p, monitor, id.report, { state: 'submitted', by: 'x', now: NOW }),
            alert: () => acknowledge(store, p, id.alert, 'x', NOW),
            case: () =>
              advanceCase(store, p, id.case, {
                action: 'assign',
                username: 'owner-analyst',
                now: NOW,
              }),
          };
          for (const kind of ['report', 'alert', 'case'] as const) {
            if (expectUpdate(kind, rel, role, tlp)) await attempts[kind]();
            else await assert.rejects(attempts[kind](), refused, `${kind}: ${where}`);
          }
          // Withdrawing is for good: only refusals are tried here (the pure rule covers the rest).
          if (!expectUpdate('override', rel, role, tlp))
            await assert.rejects(
              withdrawAnalystOverride(store, p, id.override),
              refused,
              `override: ${where}`,
            );
        }
      }
    }
    assert.ok((await override(store, SYSTEM, ids.get('AMBER')!.override)) !== undefined);
    await withdrawAnalystOverride(store, principal('same', 'analyst'), ids.get('AMBER')!.override);
  });

  /** Keys of the owner's reports at the levels `p` may not see (none may appear in an answer). */
  const hiddenKeys = (rel: Relation, role: Role) =>
    LEVELS.filter((t) => !expectSee(rel, role, t)).map((t) => ids.get(t)!.report);

  it('write answers carry only what the tables allow: a report, its duplicates, the status and the alerts', async () => {
    const registry = loadCountryRegistry();
    const asOf = NOW.slice(0, 10);
    let checked = 0;
    for (const rel of RELATIONS) {
      for (const role of ROLES) {
        const p = principal(rel, role);
        const where = `${rel} ${role}`;
        // The same attack as the owner's reports at every level: a duplicate of each one the
        // writer sees, of none they do not.
        const submit = () =>
          submitReport(
            store,
            p,
            registry,
            monitor,
            {
              country: 'nga',
              date: '2025-12-01',
              category: 'violence.against-civilians.attack',
              place: { name: 'Town' },
              perpetrators: ['Militia:identity-militia'],
              deaths: { best: 3 },
              reportedBy: 'writer',
              sharing: 'CLEAR',
            },
            { now: NOW },
          );
        if (rel === 'anonymous' || role === 'viewer') {
          await assert.rejects(submit(), /may not/, `submit: ${where}`);
          continue;
        }
        const answer = await submit();
        const text = JSON.stringify(answer);
        for (const key of hiddenKeys(rel, role))
          assert.ok(!text.includes(key), `${key} in the answer: ${where}`);
        const visibleKeys = LEVELS.filter((t) => expectSee(rel, role, t)).map(
          (t) => ids.get(t)!.report,
        );
        assert.ok(
          answer.duplicates.every((d) => visibleKeys.includes(d.key) || !d.key.includes('matrix')),
          `duplicates: ${where}`,
        );
        assert.ok(
          [answer.report.duplicateOf, ...answer.report.candidates].every(
            (k) => k === null || visibleKeys.includes(k) || !k.includes('matrix'),
          ),
          `duplicateOf and candidates: ${where}`,
        );
        const [own] = await monitor.statusAsOf(['nga'], asOf, p);
        assert.deepEqual(answer.refresh.status, own, `status: ${where}`);
        assert.ok(
          answer.refresh.alerts.every(
            (a) => expectSee(rel, role, a.sharing) || a.sharing === 'CLEAR',
          ),
          `alerts: ${where}`,
        );
        checked++;
      }
    }
    assert.equal(checked, 4 * 4, 'four relations, four roles that write reports');

    // Reviews: the owner's reviewers, at every level they may review.
    for (const role of CHANGERS.report) {
      const p = principal('same', role);
      for (const tlp of LEVELS) {
        if (!expectUpdate('report', 'same', role, tlp)) continue;
        const answer = await reviewReport(store, p, monitor, ids.get(tlp)!.report, {
          state: 'verified',
          by: 'x',
          now: NOW,
        });
        const [own] = await monitor.statusAsOf(['nga'], asOf, p);
        assert.deepEqual(answer.refresh.status, own, `review status: ${role} ${tlp}`);
        const text = JSON.stringify(answer);
        for (const key of hiddenKeys('same', role))
          assert.ok(!text.includes(key), `${key} in the review answer: ${role} ${tlp}`);
      }
    }
    // A reviewer who may not see RED (none of the owner's reviewing roles) would be covered
    // here too; alert and case answers are read back for the writer (`getAlert`, `listCases`).
    for (const tlp of LEVELS) {
      if (!expectUpdate('alert', 'same', 'focal-point', tlp)) continue;
      const a = await acknowledge(
        store,
        principal('same', 'focal-point'),
        ids.get(tlp)!.alert,
        'x',
        NOW,
      );
      assert.equal(a.sharing, tlp);
    }
  });

  it("webhook bodies carry only alerts at or below each subscriber's cap, for every level", async () => {
    const got: { cap: string; level: string; text: string }[] = [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        const payload = JSON.parse(body) as { alert: { sharing: string } };
        got.push({ cap: req.url!.slice(1), level: payload.alert.sharing, text: body });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const trust = { trusted: ['127.0.0.1'] };
    try {
      const subs = new Map<Tlp, number>();
      for (const cap of LEVELS) {
        const sub = await subscribe(store, {
          url: `http://127.0.0.1:${port}/${cap}`,
          secret: 'a-long-shared-secret',
          maxSharing: cap,
          now: NOW,
          trust,
        });
        subs.set(cap, sub.id);
      }
      // Every alert queued for every subscriber, as if each had been cleared when queued:
      // the cap is checked when the body is built and sent.
      for (const tlp of LEVELS)
        await queueDeliveries(store.db, ids.get(tlp)!.alert, [...subs.values()], NOW);
      const report = await deliverWebhooks(store, { trust, sleep: async () => undefined });
      const log = await listAttempts(store.db);
      for (const cap of LEVELS) {
        const received = got
          .filter((g) => g.cap === cap)
          .map((g) => g.level)
          .sort();
        const allowed = LEVELS.filter((t) => LEVELS.indexOf(t) <= LEVELS.indexOf(cap));
        assert.deepEqual(received, [...allowed].sort(), `cap ${cap}`);
        for (const g of got.filter((x) => x.cap === cap))
          for (const t of LEVELS.filter((x) => !allowed.includes(x)))
            assert.ok(!g.text.includes(`matrix-${LEVELS.indexOf(t) + 1}"`), `cap ${cap}, ${t}`);
        const withheld = report.deliveries.filter(
          (d) => d.subscriptionId === subs.get(cap) && d.status === 'withheld',
        );
        assert.equal(withheld.length, LEVELS.length - allowed.length, `withheld for ${cap}`);
        for (const d of withheld)
          assert.match(
            String(log.find((a) => a.deliveryId === d.id)?.error),
            new RegExp(`above the subscriber's cap ${cap.replace('+', '\\+')}`),
          );
      }
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

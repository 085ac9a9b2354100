import { strict as assert } from 'node:assert';
import { dirname, join } from 'node:path';
import { after, before, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { EscalationEvent } from '../../src/core/escalation/types.js';
import { NEEDS_PARTS } from '../../src/core/planning/needs.js';
import type { NeedsDocument } from '../../src/core/planning/needs.js';
import { acknowledge, resolve } from '../../src/services/alerts.js';
import { verifyAudit } from '../../src/services/audit.js';
import { importCapacity } from '../../src/services/capacity.js';
import { advanceCase, openCase } from '../../src/services/cases.js';
import { loadCountryRegistry } from '../../src/services/countries.js';
import { EscalationMonitor } from '../../src/services/escalation.js';
import {
  AuthenticationError,
  MAX_FAILED_SIGN_INS,
  SYSTEM,
  addMembership,
  authenticate,
  createApiToken,
  createOrganisation,
  createUser,
  removeMembership,
  revokeApiToken,
  setPassword,
  setUserDisabled,
  signIn,
  signOut,
  switchOrganisation,
} from '../../src/services/identity.js';
import { editNeedsAssessment, saveNeedsVersion } from '../../src/services/needs.js';
import { addAnalystOverride, withdrawAnalystOverride } from '../../src/services/overrides.js';
import { setSituation, withdrawSituation } from '../../src/services/planning.js';
import { reviewReport, submitReport } from '../../src/services/reports.js';
import type { ReportInput } from '../../src/services/reports.js';
import { shareWith, withdrawAgreement } from '../../src/services/sharing.js';
import { raiseAlert } from '../../src/store/alerts-repository.js';
import { listAudit } from '../../src/store/audit-repository.js';
import type { Store } from '../../src/store/database.js';
import { AUDIT_UNAVAILABLE, failAuditAppends, tableRows } from '../support/failing-audit.js';
import { onEveryStore } from '../support/stores.js';

const here = dirname(fileURLToPath(import.meta.url));
const registry = loadCountryRegistry();
const T0 = '2026-04-01T10:00:00.000Z';
const PASSWORD = 'correct horse battery staple';
const TABLES = [
  'organisations',
  'users',
  'memberships',
  'sessions',
  'api_tokens',
  'sharing_agreements',
  'cases',
  'case_steps',
  'factor_overrides',
  'situation_overrides',
  'needs_assessments',
  'capacity_actors',
  'capacity_entries',
  'capacity_links',
  'events',
  'field_reports',
  'escalation_status',
  'alerts',
  'webhook_deliveries',
  'audit_log',
] as const;

function at(minutes: number): string {
  return new Date(Date.parse(T0) + minutes * 60_000).toISOString();
}

onEveryStore('writes with their audit entries', (target) => {
  let store: Store;
  before(async () => {
    store = await target.fresh();
    await createOrganisation(store, SYSTEM, { id: 'osapg', name: 'osapg', kind: 'un-office' });
  });
  after(async () => {
    await store.close();
    await target.cleanup();
  });

  /**
   * Runs `write` once with every audit append failing, which must leave every table a
   * service writes as it was, then for real, which must append exactly the entries
   * `actions`, and returns what the real run returned.
   */
  async function allOrNothing<T>(
    label: string,
    actions: string[],
    write: () => Promise<T>,
  ): Promise<T> {
    const before = await tableRows(store, TABLES);
    const restore = await failAuditAppends(store);
    try {
      await assert.rejects(write(), (e: unknown) => {
        assert.ok(e instanceof Error && e.message.includes(AUDIT_UNAVAILABLE), `${label}: ${e}`);
        return true;
      });
    } finally {
      await restore();
    }
    assert.deepEqual(await tableRows(store, TABLES), before, `${label}: changed without audit`);
    const last = (await listAudit(store.db)).at(-1)?.seq ?? 0;
    // A write that fails for its own reason (a refused sign-in) is still a real run.
    const result = await write().catch((e: unknown) => e as T);
    const added = await listAudit(store.db, { afterSeq: last });
    assert.deepEqual(
      added.map((e) => e.action),
      actions,
      `${label}: the entries it appends`,
    );
    return result;
  }

  it('stores each write and its audit entries together or not at all, and the chain verifies', async () => {
    await allOrNothing('new organisation', ['create'], () =>
      createOrganisation(store, SYSTEM, { id: 'field', name: 'Field', kind: 'ngo', now: T0 }),
    );
    await allOrNothing('new user', ['create'], () =>
      createUser(store, SYSTEM, {
        username: 'kofi',
        organisationId: 'field',
        role: 'analyst',
        password: PASSWORD,
        now: T0,
      }),
    );
    const wrong = () =>
      signIn(store, { username: 'kofi', password: 'a wrong password' }, { now: T0 });
    const refusal = await allOrNothing(
      'failed sign-in',
      ['sign-in-attempt', 'sign-in-refused'],
      wrong,
    );
    assert.ok(refusal instanceof AuthenticationError && refusal.reason === 'invalid-credentials');
    const failures = async () =>
      (
        await store.db
          .selectFrom('users')
          .select('failed_attempts')
          .where('username', '=', 'kofi')
          .executeTakeFirstOrThrow()
      ).failed_attempts;
    assert.equal(Number(await failures()), 1);
    const right = () => signIn(store, { username: 'kofi', password: PASSWORD }, { now: at(1) });
    const first = await allOrNothing('sign-in', ['sign-in-attempt', 'sign-in'], right);
    assert.equal(Number(await failures()), 0, 'a sign-in resets the count of failures');

    for (let i = 1; i < MAX_FAILED_SIGN_INS; i++) await wrong().catch(() => undefined);
    const lock = await allOrNothing(
      'lock-out',
      ['sign-in-attempt', 'sign-in-refused', 'lock'],
      wrong,
    );
    // The failure that locks the account is answered as any other: the lock is not told.
    assert.ok(lock instanceof AuthenticationError && lock.reason === 'invalid-credentials');
    await allOrNothing('password reset', ['set-password'], () =>
      setPassword(store, SYSTEM, 'kofi', 'another long passphrase', at(2)),
    );
    await assert.rejects(
      authenticate(store, { session: first.sessionToken }, { now: at(3) }),
      /unknown or ended session/,
      'a password reset ends the sessions',
    );

    const s = await signIn(
      store,
      { username: 'kofi', password: 'another long passphrase' },
      { now: at(3) },
    );
    await allOrNothing('new membership', ['add-membership'], () =>
      addMembership(store, SYSTEM, {
        username: 'kofi',
        organisationId: 'osapg',
        role: 'viewer',
        now: at(4),
      }),
    );
    await allOrNothing('switch of organisation', ['switch-organisation'], () =>
      switchOrganisation(store, s.sessionToken, 'osapg', at(5)),
    );
    const token = await allOrNothing('new API token', ['create'], () =>
      createApiToken(store, SYSTEM, {
        username: 'kofi',
        name: 'feed',
        scopes: ['read'],
        now: at(6),
      }),
    );
    await allOrNothing('revoked API token', ['revoke'], () =>
      revokeApiToken(store, SYSTEM, token.record.id, at(7)),
    );
    await allOrNothing('removed membership', ['remove-membership'], () =>
      removeMembership(store, SYSTEM, { username: 'kofi', organisationId: 'osapg', now: at(8) }),
    );
    const again = await signIn(
      store,
      { username: 'kofi', password: 'another long passphrase' },
      { now: at(9) },
    );
    await allOrNothing('sign-out', ['sign-out'], () => signOut(store, again.sessionToken, at(10)));
    await allOrNothing('disabled user', ['disable'], () =>
      setUserDisabled(store, SYSTEM, 'kofi', true, at(11)),
    );
    await allOrNothing('enabled user', ['enable'], () =>
      setUserDisabled(store, SYSTEM, 'kofi', false, at(12)),
    );

    const agreement = await allOrNothing('sharing agreement', ['share'], () =>
      shareWith(store, SYSTEM, { from: 'field', to: 'osapg', tlp: 'AMBER', now: at(13) }),
    );
    await allOrNothing('withdrawn agreement', ['withdraw'], () =>
      withdrawAgreement(store, SYSTEM, agreement.id, at(14)),
    );

    // A GREEN case from a CLEAR alert: reading them is not audited, so only the writes are.
    const { alert } = await raiseAlert(
      store.db,
      {
        kind: 'red-flag',
        countryId: 'ssd',
        dedupKey: 'flag',
        stage: 'violence',
        title: 'flag',
        asOf: '2026-03-31',
        evidence: [],
        sharing: 'CLEAR',
      },
      at(15),
    );
    const opened = await allOrNothing('new case', ['open'], () =>
      openCase(store, SYSTEM, {
        alertId: alert.id,
        organisationId: 'field',
        tlp: 'GREEN',
        now: at(16),
      }),
    );
    await allOrNothing('case step started', ['start'], () =>
      advanceCase(store, SYSTEM, opened.id, { action: 'start', now: at(17) }),
    );

    const verified = await verifyAudit(store, SYSTEM);
    assert.equal(verified.ok, true, JSON.stringify(verified.broken));
    assert.equal(verified.entries, (await listAudit(store.db)).length);
  });

  it('stores judgements, planning, reports and alerts with their entries or not at all', async () => {
    // GREEN items: reading one back (to withdraw or edit it) is not audited, so the run
    // without audit appends fails at the write itself.
    const override = await allOrNothing('new override', ['create'], () =>
      addAnalystOverride(store, SYSTEM, {
        framework: 'preconditions-2011',
        countryId: 'ssd',
        factorId: 'rule-of-law',
        severity: 3,
        reason: 'courts closed in two states',
        source: 'field visit',
        by: 'kofi',
        organisation: 'field',
        tlp: 'GREEN',
        now: new Date(at(20)),
      }),
    );
    await allOrNothing('withdrawn override', ['withdraw'], () =>
      withdrawAnalystOverride(store, SYSTEM, override.id, new Date(at(21))),
    );

    const judgement = await allOrNothing('situation judgement', ['create'], () =>
      setSituation(store, SYSTEM, {
        countryId: 'ssd',
        situation: 'communal-violence',
        reason: 'cattle raids between two communities',
        source: 'field visit',
        by: 'kofi',
        organisation: 'field',
        tlp: 'GREEN',
        now: new Date(at(22)),
      }),
    );
    await allOrNothing('withdrawn situation judgement', ['withdraw'], () =>
      withdrawSituation(store, SYSTEM, judgement.id, new Date(at(23))),
    );

    const parts = Object.fromEntries(
      NEEDS_PARTS.map((p) => [p, []]),
    ) as unknown as NeedsDocument['parts'];
    const doc: NeedsDocument = { countryId: 'ken', name: 'Kenya', asOf: '2026-03-31', parts };
    const save = { by: 'kofi', note: 'first draft', organisation: 'field', tlp: 'GREEN' as const };
    const v1 = await allOrNothing('needs assessment', ['create'], () =>
      saveNeedsVersion(store, SYSTEM, doc, { ...save, now: new Date(at(24)) }),
    );
    assert.equal(v1.version, 1);
    const v2 = await allOrNothing('edited needs assessment', ['create'], () =>
      editNeedsAssessment(
        store,
        SYSTEM,
        'ken',
        [{ op: 'add', part: 'activities', text: 'County peace committees meet monthly' }],
        { by: 'kofi', note: 'after a field visit', now: new Date(at(25)) },
      ),
    );
    assert.equal(v2.version, 2, 'the failed edit took no version number');

    const map = join(here, '..', '..', 'content', 'capacity', 'example-map.csv');
    await allOrNothing('capacity map import', ['import'], () =>
      importCapacity(store, registry, SYSTEM, map, { tlp: 'GREEN', now: new Date(at(26)) }),
    );

    // Two massacres two days apart: the second raises alerts, from the monitor's own write.
    const monitor = await EscalationMonitor.open(store);
    const massacre = (date: string): ReportInput => ({
      country: 'cod',
      date,
      category: 'violence.against-civilians.attack',
      place: { name: `Village ${date}`, latitude: Number(date.slice(8)) / 4, longitude: 30.5 },
      perpetrators: ['Local militia:identity-militia'],
      targets: ['Villagers:civilians'],
      civilianTargeted: true,
      deaths: { best: 12 },
      accountability: 'none-known',
      reportedBy: 'monitor 7',
      sharing: 'GREEN',
      organisation: 'field',
    });
    const first = await allOrNothing('field report', ['create'], () =>
      submitReport(store, SYSTEM, registry, monitor, massacre('2026-03-20'), { now: at(27) }),
    );
    assert.deepEqual(first.refresh.alerts, []);
    await allOrNothing('field report review', ['review'], () =>
      reviewReport(store, SYSTEM, monitor, first.report.event.key, {
        state: 'verified',
        by: 'kofi',
        now: at(28),
      }),
    );
    const second = await allOrNothing(
      'field report raising alerts',
      ['create', 'raise', 'raise'],
      () => submitReport(store, SYSTEM, registry, monitor, massacre('2026-03-22'), { now: at(29) }),
    );
    const flag = second.refresh.alerts.find((a) => a.kind === 'red-flag');
    assert.ok(flag, JSON.stringify(second.refresh.alerts));
    await allOrNothing('acknowledged alert', ['acknowledge'], () =>
      acknowledge(store, SYSTEM, flag.id, 'kofi', at(30)),
    );
    await allOrNothing('resolved alert', ['resolve'], () =>
      resolve(store, SYSTEM, flag.id, 'kofi', at(31)),
    );
    // Events stored by the monitor itself (as an import does): the second raises alerts,
    // stored with the event and the country's status, or none of them is.
    const attack = (day: string): EscalationEvent => ({
      source: 'report',
      sourceId: `audited-${day}`,
      countryId: 'caf',
      date: { start: day, end: day, precision: 'day' },
      place: { precision: 'country' },
      actors: [{ name: 'Armed group', type: 'rebels', side: 'a' }],
      category: 'violence.against-civilians.attack',
      civilianTargeted: true,
      deaths: { best: 12, low: 12, high: 12 },
      accountability: 'none-known',
      sources: [],
      reliability: 'medium',
      sharing: 'CLEAR',
      provenance: { recordedAt: at(32) },
    });
    assert.deepEqual((await monitor.record(attack('2026-03-24'), '2026-03-24', at(32))).alerts, []);
    const raised = await allOrNothing('event raising alerts', ['raise', 'raise'], () =>
      monitor.record(attack('2026-03-26'), '2026-03-26', at(33)),
    );
    assert.ok(raised.alerts.some((a) => a.kind === 'red-flag'));

    const verified = await verifyAudit(store, SYSTEM);
    assert.equal(verified.ok, true, JSON.stringify(verified.broken));
    assert.equal(verified.entries, (await listAudit(store.db)).length);
  });
});

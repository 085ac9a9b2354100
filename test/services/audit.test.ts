import { strict as assert } from 'node:assert';
import { after, beforeEach, it } from 'node:test';
import type { EscalationEvent, Tlp } from '../../src/core/escalation/types.js';
import { auditTrail, recordAudit, verifyAudit } from '../../src/services/audit.js';
import { SYSTEM, createOrganisation, createUser } from '../../src/services/identity.js';
import type { Principal, UserPrincipal } from '../../src/services/identity.js';
import { reports } from '../../src/services/reports.js';
import type { Store } from '../../src/store/database.js';
import { insertEvent, insertFieldReport } from '../../src/store/events-repository.js';
import { onEveryStore } from '../support/stores.js';

const NOW = '2026-01-15T00:00:00.000Z';

function report(n: number, sharing: Tlp): EscalationEvent {
  return {
    source: 'report',
    sourceId: `audit-${n}`,
    countryId: 'sdn',
    date: { start: '2025-11-02', end: '2025-11-02', precision: 'day' },
    place: { precision: 'country' },
    actors: [],
    category: 'mobilisation.hate-propaganda',
    civilianTargeted: false,
    deaths: null,
    accountability: 'none-known',
    sources: [],
    reliability: 'low',
    sharing,
    provenance: { reportedBy: 'a monitor', recordedAt: NOW },
  };
}

onEveryStore('audit trail', (target) => {
  let store: Store;
  let analyst: UserPrincipal;
  beforeEach(async () => {
    store = await target.fresh();
    await createOrganisation(store, SYSTEM, {
      id: 'au-cews',
      name: 'AU CEWS',
      kind: 'regional-organisation',
      now: NOW,
    });
    const u = await createUser(store, SYSTEM, {
      username: 'kofi',
      organisationId: 'au-cews',
      role: 'analyst',
      now: NOW,
    });
    analyst = {
      kind: 'user',
      userId: u.id,
      username: 'kofi',
      organisationId: 'au-cews',
      role: 'analyst',
    };
    for (let i = 1; i <= 4; i++)
      await recordAudit(store, {
        actor: SYSTEM,
        action: 'test',
        itemType: 'thing',
        itemId: String(i),
        detail: { i },
        at: NOW,
      });
  });
  after(() => target.cleanup());

  const seqs = async () =>
    (await store.db.selectFrom('audit_log').select('seq').orderBy('seq').execute()).map((r) =>
      Number(r.seq),
    );

  it('verifies an untouched chain, and every write is in it', async () => {
    const r = await verifyAudit(store, SYSTEM);
    assert.equal(r.ok, true);
    // Two identity writes (organisation, user) and the four test entries.
    assert.equal(r.entries, 6);
    assert.deepEqual(await seqs(), [1, 2, 3, 4, 5, 6]);
    const trail = await auditTrail(store, SYSTEM);
    assert.deepEqual(
      trail.slice(0, 2).map((e) => `${e.action} ${e.itemType} ${e.itemId}`),
      ['create organisation au-cews', 'create user kofi'],
    );
    await store.close();
  });

  it('detects an edited entry', async () => {
    await store.db
      .updateTable('audit_log')
      .set({ actor: 'someone-else' })
      .where('seq', '=', 4)
      .execute();
    const r = await verifyAudit(store, SYSTEM);
    assert.equal(r.ok, false);
    assert.equal(r.broken?.seq, 4);
    assert.match(r.broken!.reason, /content does not match its hash/);
    await store.close();
  });

  it('detects an edited detail even with its hash recomputed naively', async () => {
    await store.db
      .updateTable('audit_log')
      .set({ detail: '{"i":99}' })
      .where('seq', '=', 5)
      .execute();
    const r = await verifyAudit(store, SYSTEM);
    assert.equal(r.broken?.seq, 5);
    await store.close();
  });

  it('detects a deleted entry', async () => {
    await store.db.deleteFrom('audit_log').where('seq', '=', 3).execute();
    const r = await verifyAudit(store, SYSTEM);
    assert.equal(r.ok, false);
    assert.equal(r.broken?.seq, 3);
    assert.match(r.broken!.reason, /entry 3 is missing/);
    await store.close();
  });

  it('detects reordered entries', async () => {
    const rows = await store.db
      .selectFrom('audit_log')
      .selectAll()
      .where('seq', 'in', [4, 5])
      .orderBy('seq')
      .execute();
    const content = (r: (typeof rows)[number]) => ({
      at: r.at,
      actor: r.actor,
      action: r.action,
      item_type: r.item_type,
      item_id: r.item_id,
      detail: r.detail,
      prev_hash: r.prev_hash,
      hash: r.hash,
    });
    await store.db.updateTable('audit_log').set(content(rows[1]!)).where('seq', '=', 4).execute();
    await store.db.updateTable('audit_log').set(content(rows[0]!)).where('seq', '=', 5).execute();
    const r = await verifyAudit(store, SYSTEM);
    assert.equal(r.ok, false);
    assert.equal(r.broken?.seq, 4);
    await store.close();
  });

  it('detects entries removed from the end against a noted head', async () => {
    const before = await verifyAudit(store, SYSTEM);
    await store.db.deleteFrom('audit_log').where('seq', '=', 6).execute();
    const plain = await verifyAudit(store, SYSTEM);
    assert.equal(plain.ok, true, 'a shortened chain is consistent in itself');
    const checked = await verifyAudit(store, SYSTEM, { expectHead: before.head });
    assert.equal(checked.ok, false);
    assert.equal(checked.headMatches, false);
    await store.close();
  });

  it('records reads of AMBER and RED items with who read what, and not reads of CLEAR ones', async () => {
    let n = 0;
    for (const tlp of ['CLEAR', 'GREEN', 'AMBER', 'RED'] as const) {
      const id = await insertEvent(store.db, report(++n, tlp), 'submitted', 'au-cews');
      await insertFieldReport(store.db, id, {
        state: 'submitted',
        submittedBy: 'a monitor',
        submittedAt: NOW,
        duplicateOf: null,
        candidates: [],
      });
    }
    const count = async () => (await seqs()).length;
    const start = await count();
    const seen = await reports(store, analyst);
    assert.equal(seen.length, 4);
    const trail = await auditTrail(store, SYSTEM, { afterSeq: start });
    assert.equal(trail.length, 1);
    const entry = trail[0]!;
    assert.equal(entry.actor, 'kofi@au-cews');
    assert.equal(entry.action, 'read');
    assert.equal(entry.itemType, 'field-report');
    assert.deepEqual(entry.detail, {
      items: [
        { id: 'report:audit-4', tlp: 'RED' },
        { id: 'report:audit-3', tlp: 'AMBER' },
      ],
    });
    // Only CLEAR and GREEN read: nothing recorded.
    const outsider: Principal = { ...analyst, organisationId: 'elsewhere', username: 'x' };
    assert.equal((await reports(store, outsider)).length, 2);
    assert.equal(await count(), start + 1);
    assert.equal((await verifyAudit(store, SYSTEM)).ok, true);
    await store.close();
  });
});

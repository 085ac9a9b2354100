import * as assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildServer } from '../../src/http/server.js';
import type { Store } from '../../src/services/context.js';
import { listAudit } from '../../src/store/audit-repository.js';
import {
  SYSTEM,
  addMembership,
  createApiToken,
  createOrganisation,
  createUser,
} from '../../src/services/identity.js';
import { onEveryStore } from '../support/stores.js';
import { as, json, problem } from './support.js';

const PASSWORD = 'correct horse battery staple';
const today = new Date().toISOString().slice(0, 10);

/** The session cookie a sign-in answer sets, as a Cookie header value. */
function sessionCookie(res: LightMyRequestResponse): string {
  const set = res.headers['set-cookie'];
  const line = (Array.isArray(set) ? set : [String(set)]).find((c) =>
    c.startsWith('lens_session='),
  );
  assert.ok(line, 'a session cookie');
  assert.match(line, /HttpOnly/);
  assert.match(line, /SameSite=Strict/);
  return line.split(';')[0]!;
}

onEveryStore('HTTP API identity', (target) => {
  let store: Store;
  let app: FastifyInstance;
  let readToken: string;
  let writeToken: string;

  before(async () => {
    store = await target.fresh();
    await createOrganisation(store, SYSTEM, {
      id: 'un-osapg',
      name: 'UN OSAPG',
      kind: 'un-office',
    });
    await createUser(store, SYSTEM, {
      username: 'ana',
      organisationId: 'un-osapg',
      role: 'analyst',
      password: PASSWORD,
    });
    readToken = (
      await createApiToken(store, SYSTEM, { username: 'ana', name: 'dashboard', scopes: ['read'] })
    ).token;
    writeToken = (
      await createApiToken(store, SYSTEM, {
        username: 'ana',
        name: 'feeds',
        scopes: ['read', 'write'],
      })
    ).token;
    app = await buildServer({ store, webRoot: '/nonexistent', signInsPerMinute: 4 });
  });
  after(async () => {
    await app.close();
    await store.close();
    await target.cleanup();
  });

  it('signs in with a password into an HttpOnly, SameSite=Strict session guarded by a CSRF token', async () => {
    problem(
      await app.inject({
        method: 'POST',
        url: '/api/v1/session',
        payload: { username: 'ana', password: 'wrong password!' },
      }),
      401,
    );
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/session',
      payload: { username: 'ana', password: PASSWORD },
    });
    const { csrfToken, user } = json<{ csrfToken: string; user: { username: string } }>(res, 201);
    assert.equal(user.username, 'ana');
    assert.doesNotMatch(res.body, /passwordHash|\$argon2/);
    const cookie = sessionCookie(res);
    const me = json<{ username: string; organisationId: string; role: string; actions: string[] }>(
      await app.inject({ url: '/api/v1/me', headers: { cookie } }),
    );
    assert.deepEqual([me.username, me.organisationId, me.role], ['ana', 'un-osapg', 'analyst']);
    // What the role allows, so the dashboard offers only those actions.
    assert.deepEqual(me.actions, [
      'submit-report',
      'review-report',
      'override',
      'handle-alert',
      'open-case',
      'work-case',
    ]);

    const report = {
      country: 'Iceland',
      date: today,
      category: 'crisis.unconstitutional-change.coup',
      sharing: 'GREEN',
    };
    problem(
      await app.inject({
        method: 'POST',
        url: '/api/v1/reports',
        payload: report,
        headers: { cookie },
      }),
      403,
    );
    problem(
      await app.inject({
        method: 'POST',
        url: '/api/v1/reports',
        payload: report,
        headers: { cookie, 'x-csrf-token': 'forged' },
      }),
      403,
    );
    json(
      await app.inject({
        method: 'POST',
        url: '/api/v1/reports',
        payload: report,
        headers: { cookie, 'x-csrf-token': csrfToken },
      }),
      201,
    );

    assert.equal(
      (
        await app.inject({
          method: 'DELETE',
          url: '/api/v1/session',
          headers: { cookie, 'x-csrf-token': csrfToken },
        })
      ).statusCode,
      204,
    );
    problem(await app.inject({ url: '/api/v1/me', headers: { cookie } }), 401);
    problem(await app.inject({ url: '/api/v1/me' }), 401);
  });

  it('honours API token scopes', async () => {
    const me = json<{ scopes: string[]; actions: string[] }>(
      await app.inject({ url: '/api/v1/me', headers: as(readToken) }),
    );
    assert.deepEqual(me.scopes, ['read']);
    assert.deepEqual(me.actions, []);
    const report = { country: 'Iceland', date: today, category: 'mobilisation.hate-propaganda' };
    problem(
      await app.inject({
        method: 'POST',
        url: '/api/v1/reports',
        payload: report,
        headers: as(readToken),
      }),
      403,
    );
    json(
      await app.inject({
        method: 'POST',
        url: '/api/v1/reports',
        payload: report,
        headers: as(writeToken),
      }),
      201,
    );
    problem(await app.inject({ url: '/api/v1/me', headers: as('lens_not-a-token') }), 401);
  });

  it('opens a case from an alert and moves its steps on', async () => {
    const alerts = json<{ items: { id: number; countryId: string }[] }>(
      await app.inject({ url: '/api/v1/alerts', headers: as(writeToken) }),
    );
    const alert = alerts.items.find((a) => a.countryId === 'isl');
    assert.ok(alert, 'the coup report raised an alert');
    problem(
      await app.inject({ method: 'POST', url: '/api/v1/cases', payload: { alertId: alert.id } }),
      401,
    );
    const opened = json<{ id: number; currentStep: string; organisationId: string }>(
      await app.inject({
        method: 'POST',
        url: '/api/v1/cases',
        payload: { alertId: alert.id },
        headers: as(writeToken),
      }),
      201,
    );
    assert.equal(opened.currentStep, 'assessment');
    assert.equal(opened.organisationId, 'un-osapg');
    const step = (name: string, payload: Record<string, unknown>) =>
      app.inject({
        method: 'POST',
        url: `/api/v1/cases/${opened.id}/steps/${name}`,
        payload,
        headers: as(writeToken),
      });
    json(await step('assessment', { action: 'start' }));
    const done = json<{ currentStep: string }>(
      await step('assessment', { action: 'complete', note: 'credible' }),
    );
    assert.equal(done.currentStep, 'advice');
    assert.equal(
      problem(await step('decision', { action: 'start' }), 400).errors?.[0]?.field,
      'step',
    );
    assert.equal(
      problem(await step('verdict', { action: 'start' }), 400).errors?.[0]?.field,
      'step',
    );
    problem(
      await app.inject({
        method: 'POST',
        url: '/api/v1/cases/99999/steps/advice',
        payload: { action: 'start' },
        headers: as(writeToken),
      }),
      404,
    );
    const listed = json<{ items: { id: number }[]; total: number }>(
      await app.inject({ url: '/api/v1/cases?status=open', headers: as(readToken) }),
    );
    assert.deepEqual(
      listed.items.map((c) => c.id),
      [opened.id],
    );
    problem(await app.inject({ url: '/api/v1/cases' }), 401);
  });

  it('limits sign-in attempts with 429', async () => {
    const attempt = () =>
      app.inject({
        method: 'POST',
        url: '/api/v1/session',
        payload: { username: 'nobody', password: 'x' },
      });
    let last = await attempt();
    for (let i = 0; i < 5 && last.statusCode !== 429; i++) last = await attempt();
    problem(last, 429);
  });
});

interface Me {
  username: string;
  organisationId: string;
  role: string;
  organisations: { id: string; name: string; kind: string; role: string; active: boolean }[];
}

onEveryStore('HTTP API organisation switching', (target) => {
  let store: Store;
  let app: FastifyInstance;
  let cookie: string;
  let csrf: string;
  let duoToken: string;
  const keys: Record<string, string> = {};

  /** Keys of the field reports the session (or `headers`) may list. */
  const visible = async (headers: Record<string, string> = { cookie }) =>
    json<{ items: { event: { key: string } }[] }>(
      await app.inject({ url: '/api/v1/reports', headers }),
    )
      .items.map((r) => r.event.key)
      .sort();
  const switchTo = (organisation: string, token = csrf) =>
    app.inject({
      method: 'POST',
      url: '/api/v1/session/organisation',
      payload: { organisation },
      headers: { cookie, 'x-csrf-token': token },
    });

  before(async () => {
    store = await target.fresh();
    for (const [id, kind] of [
      ['org-a', 'un-office'],
      ['org-b', 'ngo'],
      ['org-c', 'research-group'],
    ] as const)
      await createOrganisation(store, SYSTEM, { id, name: `Organisation ${id}`, kind });
    await createUser(store, SYSTEM, {
      username: 'duo',
      organisationId: 'org-a',
      role: 'analyst',
      password: PASSWORD,
    });
    await addMembership(store, SYSTEM, {
      username: 'duo',
      organisationId: 'org-b',
      role: 'viewer',
    });
    app = await buildServer({ store, webRoot: '/nonexistent' });
    // One AMBER report of each organisation, by someone of that organisation only.
    for (const [org, country] of [
      ['org-a', 'Iceland'],
      ['org-b', 'Norway'],
    ] as const) {
      await createUser(store, SYSTEM, {
        username: `only-${org}`,
        organisationId: org,
        role: 'analyst',
      });
      const { token } = await createApiToken(store, SYSTEM, {
        username: `only-${org}`,
        name: 'feeds',
        scopes: ['read', 'write'],
      });
      const created = json<{ report: { event: { key: string } } }>(
        await app.inject({
          method: 'POST',
          url: '/api/v1/reports',
          headers: as(token),
          payload: {
            country,
            date: today,
            category: 'mobilisation.hate-propaganda',
            sharing: 'AMBER',
          },
        }),
        201,
      );
      keys[org] = created.report.event.key;
    }
    duoToken = (
      await createApiToken(store, SYSTEM, { username: 'duo', name: 'scripts', scopes: ['read'] })
    ).token;
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/session',
      payload: { username: 'duo', password: PASSWORD },
    });
    csrf = json<{ csrfToken: string }>(res, 201).csrfToken;
    cookie = sessionCookie(res);
  });
  after(async () => {
    await app.close();
    await store.close();
    await target.cleanup();
  });

  it("lists the user's organisations, the active one marked", async () => {
    const me = json<Me>(await app.inject({ url: '/api/v1/me', headers: { cookie } }));
    assert.deepEqual([me.organisationId, me.role], ['org-a', 'analyst']);
    assert.deepEqual(
      me.organisations.map((o) => [o.id, o.name, o.kind, o.role, o.active]),
      [
        ['org-a', 'Organisation org-a', 'un-office', 'analyst', true],
        ['org-b', 'Organisation org-b', 'ngo', 'viewer', false],
      ],
    );
  });

  it("sees only the active organisation's AMBER items, never the union", async () => {
    assert.deepEqual(await visible(), [keys['org-a']]);
    const switched = json<Me>(await switchTo('org-b'));
    assert.deepEqual([switched.organisationId, switched.role], ['org-b', 'viewer']);
    assert.deepEqual(
      switched.organisations.filter((o) => o.active).map((o) => o.id),
      ['org-b'],
    );
    assert.deepEqual(await visible(), [keys['org-b']]);
    // The role follows the membership: a viewer in org-b submits nothing.
    problem(
      await app.inject({
        method: 'POST',
        url: '/api/v1/reports',
        headers: { cookie, 'x-csrf-token': csrf },
        payload: { country: 'Iceland', date: today, category: 'mobilisation.hate-propaganda' },
      }),
      403,
    );
    // The API token stays bound to the organisation it was made for.
    assert.deepEqual(await visible(as(duoToken)), [keys['org-a']]);
    json(await switchTo('org-a'));
    assert.deepEqual(await visible(), [keys['org-a']]);
  });

  it('refuses a switch to an organisation the user is not in, without its CSRF token, or by an API token', async () => {
    const notMember = problem(await switchTo('org-c'), 403);
    assert.match(notMember.detail ?? '', /not a member of "org-c"/);
    problem(await switchTo('nowhere'), 403);
    problem(await switchTo('org-b', 'forged'), 403);
    problem(
      await app.inject({
        method: 'POST',
        url: '/api/v1/session/organisation',
        payload: { organisation: 'org-b' },
        headers: as(duoToken),
      }),
      403,
    );
    problem(
      await app.inject({
        method: 'POST',
        url: '/api/v1/session/organisation',
        payload: { organisation: 'org-b' },
      }),
      401,
    );
    const me = json<Me>(await app.inject({ url: '/api/v1/me', headers: { cookie } }));
    assert.equal(me.organisationId, 'org-a', 'refusals change nothing');
    const trail = (await listAudit(store.db, { itemId: 'duo' }))
      .filter((e) => e.action.startsWith('switch-organisation'))
      .map((e) => [e.actor, e.action]);
    assert.deepEqual(trail, [
      ['duo@org-a', 'switch-organisation'],
      ['duo@org-b', 'switch-organisation'],
      ['duo@org-a', 'switch-organisation-refused'],
      ['duo@org-a', 'switch-organisation-refused'],
    ]);
  });

  it('gives the CSRF token again to the session cookie (a new tab), never to a token or nobody', async () => {
    const again = json<{ csrfToken: string }>(
      await app.inject({ url: '/api/v1/session', headers: { cookie } }),
    );
    assert.equal(again.csrfToken, csrf);
    problem(await app.inject({ url: '/api/v1/session' }), 401);
    problem(await app.inject({ url: '/api/v1/session', headers: as(duoToken) }), 403);
    problem(
      await app.inject({ url: '/api/v1/session', headers: { cookie: 'lens_session=forged' } }),
      401,
    );
  });
});

import * as assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildServer } from '../../src/http/server.js';
import type { Store } from '../../src/services/context.js';
import {
  SYSTEM,
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
    const me = json<{ username: string; organisationId: string; role: string }>(
      await app.inject({ url: '/api/v1/me', headers: { cookie } }),
    );
    assert.deepEqual([me.username, me.organisationId, me.role], ['ana', 'un-osapg', 'analyst']);

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
    const me = json<{ scopes: string[] }>(
      await app.inject({ url: '/api/v1/me', headers: as(readToken) }),
    );
    assert.deepEqual(me.scopes, ['read']);
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

import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildServer } from '../../src/http/server.js';
import type { ServerOptions } from '../../src/http/server.js';
import type { Store } from '../../src/services/context.js';
import {
  SYSTEM,
  createApiToken,
  createOrganisation,
  createUser,
  setUserDisabled,
} from '../../src/services/identity.js';
import { onEveryStore, storeTargets } from '../support/stores.js';
import { as, json, problem } from './support.js';

const PASSWORD = 'correct horse battery staple';
const today = new Date().toISOString().slice(0, 10);
const root = join(import.meta.dirname, '..', '..');

/** The `lens_session` line of the Set-Cookie header of an answer, if any. */
function sessionCookieLine(res: LightMyRequestResponse): string | undefined {
  const set = res.headers['set-cookie'];
  if (set === undefined) return undefined;
  return (Array.isArray(set) ? set : [String(set)]).find((c) => c.startsWith('lens_session='));
}

/** Whether an answer tells the browser to forget the session cookie. */
function clearsSession(res: LightMyRequestResponse): boolean {
  const line = sessionCookieLine(res);
  return (
    line !== undefined && /^lens_session=;/.test(line) && /Expires=Thu, 01 Jan 1970/.test(line)
  );
}

/** An organisation with an analyst `ana` (password PASSWORD) and a viewer `vic`. */
async function people(store: Store): Promise<{ writeToken: string; viewerToken: string }> {
  await createOrganisation(store, SYSTEM, { id: 'un-osapg', name: 'UN OSAPG', kind: 'un-office' });
  for (const [username, role] of [
    ['ana', 'analyst'],
    ['vic', 'viewer'],
    ['gone', 'analyst'],
  ] as const)
    await createUser(store, SYSTEM, {
      username,
      organisationId: 'un-osapg',
      role,
      password: PASSWORD,
    });
  const writeToken = (
    await createApiToken(store, SYSTEM, {
      username: 'ana',
      name: 'feeds',
      scopes: ['read', 'write'],
    })
  ).token;
  const viewerToken = (
    await createApiToken(store, SYSTEM, { username: 'vic', name: 'reads', scopes: ['read'] })
  ).token;
  return { writeToken, viewerToken };
}

function signIn(
  app: FastifyInstance,
  username: string,
  password: string,
  headers: Record<string, string> = {},
) {
  return app.inject({
    method: 'POST',
    url: '/api/v1/session',
    payload: { username, password },
    headers,
  });
}

onEveryStore('HTTP API hardening', (target) => {
  let store: Store;
  let writeToken: string;
  const apps: FastifyInstance[] = [];
  const server = async (options: Omit<ServerOptions, 'store'> = {}) => {
    const app = await buildServer({ store, webRoot: '/nonexistent', ...options });
    apps.push(app);
    return app;
  };

  before(async () => {
    store = await target.fresh();
    ({ writeToken } = await people(store));
  });
  after(async () => {
    for (const app of apps) await app.close();
    await store.close();
    await target.cleanup();
  });

  it('limits sign-ins per user, however the Authorization header writes the token', async () => {
    const app = await server({ signInsPerMinute: 4 });
    const statuses = [];
    for (const scheme of [
      'Bearer ',
      'bearer  ',
      'BEARER   ',
      'Bearer    ',
      'bEaReR     ',
      'Bearer      ',
    ])
      statuses.push(
        (await signIn(app, 'vic', 'a wrong password', { authorization: `${scheme}${writeToken}` }))
          .statusCode,
      );
    assert.deepEqual(statuses, [401, 401, 401, 401, 429, 429]);
  });

  it('limits anonymous sign-ins per address, whatever X-Forwarded-For says when no proxy is trusted', async () => {
    const app = await server({ signInsPerMinute: 2 });
    const statuses = [];
    for (let i = 1; i <= 3; i++)
      statuses.push(
        (await signIn(app, 'vic', 'a wrong password', { 'x-forwarded-for': `203.0.113.${i}` }))
          .statusCode,
      );
    assert.deepEqual(statuses, [401, 401, 429]);
  });

  it('treats an ended session cookie as none on public routes and sign-in, and clears it', async () => {
    const app = await server();
    const first = await signIn(app, 'ana', PASSWORD);
    const { csrfToken } = json<{ csrfToken: string }>(first, 201);
    const cookie = sessionCookieLine(first)!.split(';')[0]!;
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
    // The browser still sends the ended session's cookie.
    const publicRead = await app.inject({ url: '/api/v1/countries?limit=1', headers: { cookie } });
    json(publicRead);
    assert.ok(clearsSession(publicRead), 'the answer clears the ended cookie');
    problem(await app.inject({ url: '/api/v1/me', headers: { cookie } }), 401);
    const again = await signIn(app, 'ana', PASSWORD, { cookie });
    json(again, 201);
    const fresh = sessionCookieLine(again)!.split(';')[0]!;
    assert.notEqual(fresh, cookie);
    assert.notEqual(fresh, 'lens_session=', 'the new session cookie wins over the clearing');
    json(await app.inject({ url: '/api/v1/me', headers: { cookie: fresh } }));
    const signOut = await app.inject({
      method: 'DELETE',
      url: '/api/v1/session',
      headers: { cookie },
    });
    assert.equal(signOut.statusCode, 204);
    assert.ok(clearsSession(signOut));

    // A session whose user was disabled since is no credential either.
    const gone = sessionCookieLine(await signIn(app, 'gone', PASSWORD))!.split(';')[0]!;
    await setUserDisabled(store, SYSTEM, 'gone', true);
    json(await app.inject({ url: '/api/v1/frameworks', headers: { cookie: gone } }));
    // API tokens that are not valid stay a 401: a program that sends one means to be someone.
    problem(await app.inject({ url: '/api/v1/frameworks', headers: as('lens_forged') }), 401);
  });

  it('clears the session cookie at sign-out whatever the answer', async () => {
    const app = await server();
    const res = await signIn(app, 'ana', PASSWORD);
    const cookie = sessionCookieLine(res)!.split(';')[0]!;
    // Without its CSRF token the session is not ended, but the browser forgets it.
    const refused = await app.inject({
      method: 'DELETE',
      url: '/api/v1/session',
      headers: { cookie },
    });
    problem(refused, 403);
    assert.ok(clearsSession(refused));
  });

  it('refuses NUL characters in any text field with 400 on every engine', async () => {
    const app = await server();
    const report = {
      country: 'Iceland',
      date: today,
      category: 'mobilisation.hate-propaganda',
      sharing: 'GREEN',
    };
    const post = (url: string, payload: unknown) =>
      app.inject({ method: 'POST', url, payload: payload as object, headers: as(writeToken) });
    const notes = problem(
      await post('/api/v1/reports', { ...report, notes: 'before\u0000after' }),
      400,
    );
    assert.deepEqual(notes.errors, [
      { in: 'body', field: 'notes', message: 'must not contain NUL (U+0000) characters' },
    ]);
    const created = json<{ report: { event: { id: number } } }>(
      await post('/api/v1/reports', { ...report, notes: 'a plain note' }),
      201,
    );
    const review = problem(
      await post(`/api/v1/reports/${created.report.event.id}/review`, {
        state: 'verified',
        note: 'checked\u0000twice',
      }),
      400,
    );
    assert.equal(review.errors?.[0]?.field, 'note');
    const nested = problem(
      await post('/api/v1/reports', { ...report, place: { name: 'Reykjav\u0000k' } }),
      400,
    );
    assert.equal(nested.errors?.[0]?.field, 'place.name');
    const query = problem(
      await app.inject({ url: '/api/v1/reports?country=Ice%00land', headers: as(writeToken) }),
      400,
    );
    assert.deepEqual(query.errors?.[0], {
      in: 'querystring',
      field: 'country',
      message: 'must not contain NUL (U+0000) characters',
    });
    const signInNul = problem(await signIn(app, 'ana\u0000', PASSWORD), 400);
    assert.equal(signInNul.errors?.[0]?.field, 'username');
  });
});

describe('HTTP API hardening: proxies, TLS, expensive reads, media types, the dashboard build', () => {
  const [sqlite] = storeTargets();
  let store: Store;
  let writeToken: string;
  let viewerToken: string;
  const apps: FastifyInstance[] = [];
  const server = async (options: Omit<ServerOptions, 'store'> = {}) => {
    const app = await buildServer({ store, webRoot: '/nonexistent', ...options });
    apps.push(app);
    return app;
  };

  before(async () => {
    store = await sqlite!.fresh();
    ({ writeToken, viewerToken } = await people(store));
  });
  after(async () => {
    for (const app of apps) await app.close();
    await store.close();
    await sqlite!.cleanup();
  });

  it('marks the session cookie Secure when a trusted proxy says the request came over TLS', async () => {
    const forwarded = { 'x-forwarded-proto': 'https', 'x-forwarded-for': '198.51.100.7' };
    const behind = await server({ trustProxy: ['127.0.0.1'] });
    const viaProxy = await signIn(behind, 'ana', PASSWORD, forwarded);
    json(viaProxy, 201);
    assert.match(sessionCookieLine(viaProxy) ?? '', /; Secure/);
    // Not trusted: the headers are anyone's to write, and the connection was plain HTTP.
    const direct = await server();
    const plain = sessionCookieLine(await signIn(direct, 'ana', PASSWORD, forwarded));
    assert.ok(plain);
    assert.doesNotMatch(plain, /Secure/);
    // A proxy that is not the trusted one is not believed.
    const elsewhere = await server({ trustProxy: ['192.0.2.1'] });
    assert.doesNotMatch(
      sessionCookieLine(await signIn(elsewhere, 'ana', PASSWORD, forwarded))!,
      /Secure/,
    );
  });

  it('counts anonymous limits per client address as a trusted proxy tells it', async () => {
    const app = await server({ trustProxy: ['127.0.0.1'], signInsPerMinute: 2 });
    const from = (address: string) =>
      signIn(app, 'vic', 'a wrong password', { 'x-forwarded-for': address }).then(
        (r) => r.statusCode,
      );
    assert.deepEqual(
      [await from('203.0.113.1'), await from('203.0.113.1'), await from('203.0.113.1')],
      [401, 401, 429],
    );
    assert.equal(await from('203.0.113.2'), 401, 'another client has its own allowance');
  });

  it('serves HTTPS itself with a certificate, and its session cookie is Secure', async () => {
    const cert = readFileSync(join(root, 'test', 'fixtures', 'tls', 'localhost-cert.pem'));
    const key = readFileSync(join(root, 'test', 'fixtures', 'tls', 'localhost-key.pem'));
    const app = await server({ https: { key, cert } });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.server.address() as AddressInfo;
    const answer = await new Promise<{ status: number; cookie: string }>((resolve, reject) => {
      const req = httpsRequest(
        {
          host: '127.0.0.1',
          port,
          path: '/api/v1/session',
          method: 'POST',
          ca: cert,
          servername: 'localhost',
          headers: { 'content-type': 'application/json' },
        },
        (res) => {
          res.resume();
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              cookie: (res.headers['set-cookie'] ?? []).join('\n'),
            }),
          );
        },
      );
      req.on('error', reject);
      req.end(JSON.stringify({ username: 'ana', password: PASSWORD }));
    });
    assert.equal(answer.status, 201);
    assert.match(answer.cookie, /lens_session=[^;]+;.*Secure/);
  });

  it('limits the expensive answers each client has computed per minute, and caches them per data version', async () => {
    const app = await server({ computationsPerMinute: 2 });
    const timeline = (from: number, headers: Record<string, string> = as(viewerToken)) =>
      app.inject({
        url: `/api/v1/escalation/timeline?country=Iceland&from=${from}&to=${from + 1}&every=true`,
        headers,
      });
    json(await timeline(2001));
    // A cached answer costs nothing, however often it is asked for.
    for (let i = 0; i < 3; i++) json(await timeline(2001));
    json(await timeline(2003));
    const refused = problem(await timeline(2005), 429);
    assert.match(refused.detail ?? '', /too many answers to compute/);
    const retry = Number((await timeline(2007)).headers['retry-after']);
    assert.ok(retry >= 1 && retry <= 60, `retry-after ${retry}`);
    json(await timeline(2001), 200);
    // Another client has its own allowance: a signed-in user, an anonymous address.
    json(await timeline(2005, as(writeToken)));
    json(await timeline(2009, {}));
    // The same allowance covers every expensive answer: statuses, assessments, forecasts.
    for (const url of [
      '/api/v1/escalation/status?asOf=2010-06-30',
      '/api/v1/assessments?asOf=2012-06-30',
      '/api/v1/assessments/trend?country=Iceland&from=2000&to=2010',
      '/api/v1/backtests?asOf=2005&window=2006-2010',
      '/api/v1/forecasts?origin=2005',
    ])
      problem(await app.inject({ url, headers: as(viewerToken) }), 429);
  });

  it('computes a cached timeline again once a report of its country arrives through another process', async () => {
    const app = await server({ computationsPerMinute: 100 });
    const other = await server();
    // Checkpoints of the timeline with events in their window.
    const events = async () =>
      json<{ timeline: { events: number }[] }>(
        await app.inject({
          url: '/api/v1/escalation/timeline?country=Norway&from=2001-01-01&to=2001-12-31&every=true',
          headers: as(viewerToken),
        }),
      ).timeline.filter((e) => e.events > 0).length;
    assert.equal(await events(), 0);
    json(
      await other.inject({
        method: 'POST',
        url: '/api/v1/reports',
        headers: as(writeToken),
        payload: {
          country: 'Norway',
          date: '2001-03-10',
          category: 'crisis.unconstitutional-change.coup',
          sharing: 'CLEAR',
        },
      }),
      201,
    );
    assert.ok((await events()) > 0, 'the new report is in the timeline');
  });

  it('answers a text/plain body with 415', async () => {
    const app = await server();
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/reports',
      headers: { ...as(writeToken), 'content-type': 'text/plain' },
      payload: 'country=Iceland',
    });
    problem(res, 415);
  });

  it('builds the dashboard for production without a source map, and serves none', async () => {
    const out = mkdtempSync(join(tmpdir(), 'lens-web-'));
    try {
      const build = spawnSync(
        process.execPath,
        [join(root, 'scripts', 'build-web.mjs'), '--out', out],
        {
          encoding: 'utf8',
        },
      );
      assert.equal(build.status, 0, build.stderr);
      const files = readdirSync(out, { recursive: true }).map(String);
      assert.ok(files.includes('app.js'));
      assert.deepEqual(
        files.filter((f) => f.endsWith('.map')),
        [],
      );
      assert.doesNotMatch(readFileSync(join(out, 'app.js'), 'utf8'), /sourceMappingURL/);
      const app = await buildServer({ store, webRoot: out });
      apps.push(app);
      const map = await app.inject({ url: '/app.js.map' });
      assert.doesNotMatch(map.body, /"mappings"/);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});

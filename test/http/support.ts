import * as assert from 'node:assert/strict';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import type { Authenticate, Principal } from '../../src/http/auth.js';
import { buildServer } from '../../src/http/server.js';
import { loadCountryRegistry } from '../../src/services/countries.js';
import { AuthenticationError } from '../../src/services/identity.js';
import { importFile } from '../../src/services/import.js';
import type { Store } from '../../src/services/context.js';
import { sharedFile } from '../support/shared-data.js';

/** When the imported files were imported (their first releases are dated by their years). */
export const IMPORTED_AT = '2026-01-15T00:00:00.000Z';

/**
 * The real files the API tests read: the episode list, the forecast's prepared predictors and
 * the sources of the structural framework but V-Dem (enough for a tier for most countries:
 * seconds to import).
 */
export const API_FILES = [
  ['ewp', 'mass-killing-episodes-2025.dev-to-2014.csv'],
  ['ewp', 'prepared-predictors-2025.dev-to-2012.csv'],
  ['inputs', 'epr-country-year.csv'],
  ['inputs', 'political-terror-scale-2024.csv'],
  ['inputs', 'wdi-extract.csv'],
  ['inputs', 'un-infant-mortality.csv'],
  ['inputs', 'ucdp-battle-deaths-v25.1.csv'],
  ['inputs', 'pitf-ethnic-war-2014.csv'],
  ['inputs', 'pitf-revolutionary-war-2014.csv'],
] as const;

/** Imports `API_FILES` into `store`. */
export async function importApiData(store: Store): Promise<void> {
  const registry = loadCountryRegistry();
  for (const parts of API_FILES)
    await importFile(store, registry, { path: sharedFile(...parts), now: IMPORTED_AT });
}

/** Users the tests sign in as, by API token. */
export const USERS: Record<string, Principal> = {
  'analyst-token': {
    kind: 'user',
    userId: 1,
    username: 'ana',
    organisationId: 'un-osapg',
    role: 'analyst',
  },
  'reader-token': {
    kind: 'user',
    userId: 2,
    username: 'rita',
    organisationId: 'un-osapg',
    role: 'analyst',
    scopes: ['read'],
  },
  'viewer-token': {
    kind: 'user',
    userId: 3,
    username: 'vic',
    organisationId: 'ngo-watch',
    role: 'viewer',
  },
  'other-analyst-token': {
    kind: 'user',
    userId: 4,
    username: 'otto',
    organisationId: 'ngo-watch',
    role: 'analyst',
  },
};

/** An authenticator over `USERS` (the identity service's port, for tests of the HTTP layer alone). */
export const testAuthenticate: Authenticate = async (c) => {
  const user = c.bearer === undefined ? undefined : USERS[c.bearer];
  if (!user) throw new AuthenticationError('invalid-credentials', 'unknown or revoked API token');
  return user;
};

/** A server over `store` that knows the test users. */
export function testServer(store: Store): Promise<FastifyInstance> {
  return buildServer({ store, authenticate: testAuthenticate, webRoot: '/nonexistent' });
}

/** The headers of a request with the API token `token`. */
export function as(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}` };
}

/** Parses a JSON answer after checking its status (the body is shown when it differs). */
export function json<T = Record<string, unknown>>(res: LightMyRequestResponse, status = 200): T {
  assert.equal(res.statusCode, status, `status ${res.statusCode}: ${res.body.slice(0, 500)}`);
  return res.json<T>();
}

/** Checks an answer is an RFC 9457 problem with `status`; returns it. */
export function problem(
  res: LightMyRequestResponse,
  status: number,
): {
  status: number;
  title: string;
  detail?: string;
  errors?: { in: string; field: string; message: string }[];
} {
  assert.equal(res.statusCode, status, `status ${res.statusCode}: ${res.body.slice(0, 500)}`);
  assert.match(String(res.headers['content-type']), /^application\/problem\+json/);
  const body = res.json<{ type: string; title: string; status: number; detail?: string }>();
  assert.equal(body.status, status);
  assert.equal(body.type, 'about:blank');
  assert.equal(typeof body.title, 'string');
  assert.doesNotMatch(res.body, /at \w+ \(|node_modules|\.ts:\d+/, 'no stack trace');
  return body;
}

import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildServer } from '../../src/http/server.js';
import { openStore } from '../../src/services/context.js';
import type { Store } from '../../src/services/context.js';

describe('the dashboard files and its page addresses', () => {
  let dir: string;
  let store: Store;
  let app: FastifyInstance;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lens-web-root-'));
    const web = join(dir, 'web');
    mkdirSync(join(web, 'chunks'), { recursive: true });
    writeFileSync(join(web, 'index.html'), '<!doctype html><title>Lens</title>');
    writeFileSync(join(web, 'app.js'), 'export {};\n');
    writeFileSync(join(web, 'chunks', 'country-1.js'), 'export {};\n');
    store = await openStore(join(dir, 'lens.sqlite'));
    app = await buildServer({ store, webRoot: web });
  });
  after(async () => {
    await app?.close();
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers every page path with the app, with or without a query', async () => {
    for (const url of ['/', '/country/mmr', '/country/mmr/brief?asOf=2014', '/watchlist']) {
      const r = await app.inject({ url });
      assert.equal(r.statusCode, 200, url);
      assert.match(String(r.headers['content-type']), /^text\/html/, url);
      assert.match(r.body, /<title>Lens<\/title>/, url);
    }
  });

  it('serves the files, and a missing file is a 404 rather than the page', async () => {
    const js = await app.inject({ url: '/chunks/country-1.js' });
    assert.equal(js.statusCode, 200);
    assert.match(String(js.headers['content-type']), /javascript/);
    for (const url of ['/chunks/gone-2.js', '/country/styles.css', '/atlas/none.json']) {
      const r = await app.inject({ url });
      assert.equal(r.statusCode, 404, url);
      assert.match(String(r.headers['content-type']), /^application\/problem\+json/, url);
    }
    assert.equal((await app.inject({ url: '/api/v1/nothing-here' })).statusCode, 404);
  });
});

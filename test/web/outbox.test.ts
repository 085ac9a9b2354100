import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { chromium } from 'playwright-core';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { buildServer } from '../../src/http/server.js';
import { openStore } from '../../src/services/context.js';
import type { Store } from '../../src/services/context.js';
import {
  SYSTEM,
  addMembership,
  createOrganisation,
  createUser,
} from '../../src/services/identity.js';
import { reports } from '../../src/services/reports.js';
import { CHROMIUM, NOW, browserSkipReason, open } from './dashboard-harness.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const PASSWORD = 'correct horse battery staple';
const skip = browserSkipReason();

/** What the outbox keeps in this browser, as stored. */
type Kept = {
  id: string;
  body: { notes?: string };
  writer?: { username: string; organisationId: string };
}[];
const kept = (page: Page) =>
  page.evaluate(() => JSON.parse(localStorage.getItem('lens.outbox') ?? '[]') as Kept);

describe('the offline outbox is bound to who wrote each report, in Chromium', { skip }, () => {
  let dir: string;
  let store: Store;
  let app: FastifyInstance;
  let browser: Browser;
  let url: string;

  before(async () => {
    const build = spawnSync(process.execPath, [join(root, 'scripts', 'build-web.mjs')], {
      encoding: 'utf8',
    });
    assert.equal(build.status, 0, build.stderr);
    dir = mkdtempSync(join(tmpdir(), 'lens-outbox-'));
    store = await openStore(join(dir, 'lens.sqlite'));
    for (const id of ['field-a', 'field-b'])
      await createOrganisation(store, SYSTEM, { id, name: id, kind: 'ngo', now: NOW });
    for (const username of ['mona', 'nils'])
      await createUser(store, SYSTEM, {
        username,
        password: PASSWORD,
        organisationId: 'field-a',
        role: 'field-monitor',
        now: NOW,
      });
    await addMembership(store, SYSTEM, {
      username: 'mona',
      organisationId: 'field-b',
      role: 'field-monitor',
      now: NOW,
    });
    app = await buildServer({ store, webRoot: join(root, 'dist', 'web') });
    await app.listen({ port: 0, host: '127.0.0.1' });
    url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    browser = await chromium.launch({ executablePath: CHROMIUM });
  });
  after(async () => {
    await browser?.close();
    await app?.close();
    await store?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** One browser profile, shared by the people using the device, as on a shared computer. */
  let device: BrowserContext;
  let page: Page;
  /** Reports the server stored from this device, by their notes. */
  const posted: string[] = [];

  /** Signs in on a freshly loaded page (as after a session that ended, or a new tab). */
  const signIn = async (username: string) => {
    await page.goto('about:blank');
    await open(page, url, '#/signin');
    await page.locator('#username').fill(username);
    await page.locator('#password').fill(PASSWORD);
    await page.locator('.view.signin button[type="submit"]').click();
    await page.waitForFunction(() => location.hash.startsWith('#/world'));
  };
  /** Writes a report offline (kept for later), with `notes` to tell it apart. */
  const writeOffline = async (notes: string) => {
    await open(page, url, '#/report');
    await page.locator('#country').selectOption('cod');
    await page.locator('#date').fill('2014-11-02');
    await page.locator('#category').fill('violence.against-civilians.attack');
    await page.locator('[name="notes"]').fill(notes);
    await device.setOffline(true);
    await page.locator('.report-form button[type="submit"]').click();
    await page.locator('#report-result [data-state="queued"]').waitFor();
  };
  const storedNotes = async () =>
    (await reports(store, SYSTEM)).map((r) => r.event.notes).filter((n) => n !== undefined);

  it('keeps a report for its writer, never sends it as the next person on the device', async () => {
    device = await browser.newContext({ locale: 'en-GB', timezoneId: 'UTC' });
    page = await device.newPage();
    page.on('response', (r) => {
      const q = r.request();
      if (q.method() === 'POST' && q.url().endsWith('/api/v1/reports') && r.status() === 201)
        posted.push(String((q.postDataJSON() as { notes?: string }).notes));
    });
    await signIn('mona');
    await writeOffline('by mona for field-a');
    assert.deepEqual(
      (await kept(page)).map((k) => k.writer),
      [{ username: 'mona', organisationId: 'field-a' }],
    );
    // Mona's session ends without her signing out (the browser is left as it is); Nils
    // signs in on the same device and the connection returns.
    await device.clearCookies();
    await device.setOffline(false);
    await signIn('nils');
    await open(page, url, '#/report');
    assert.equal(await page.locator('#outbox li').count(), 0, 'not shown to Nils');
    assert.match(
      await page.locator('#outbox-others').innerText(),
      /1 report\(s\) kept on this device for another account/,
    );
    assert.deepEqual(posted, [], 'not sent under Nils');
    assert.deepEqual(await storedNotes(), []);
    // Mona again: hers are sent, as her.
    await device.clearCookies();
    await signIn('mona');
    await page.waitForFunction(() => localStorage.getItem('lens.outbox') === '[]');
    assert.deepEqual(posted, ['by mona for field-a']);
    const [stored] = await reports(store, SYSTEM);
    assert.equal(stored?.event.organisationId, 'field-a');
  });

  it('sends a report only while its writer acts for the organisation it was written for', async () => {
    posted.length = 0;
    await page.evaluate(() =>
      localStorage.setItem(
        'lens.outbox',
        JSON.stringify([
          {
            id: 'for-b',
            body: {
              country: 'cod',
              date: '2014-11-03',
              category: 'violence.against-civilians.attack',
              notes: 'by mona for field-b',
            },
            savedAt: '2026-01-15T00:00:00.000Z',
            writer: { username: 'mona', organisationId: 'field-b' },
          },
        ]),
      ),
    );
    await open(page, url, '#/report');
    assert.equal(await page.locator('#outbox [data-held-for="field-b"]').count(), 1);
    assert.deepEqual(posted, [], 'not sent for field-a');
    await open(page, url, '#/signin');
    await page.locator('#organisation').selectOption('field-b');
    await page.locator('.view.signin .org-switch button[type="submit"]').click();
    await page.waitForFunction(() => localStorage.getItem('lens.outbox') === '[]');
    assert.deepEqual(posted, ['by mona for field-b']);
  });

  it('signing out deletes the reports not sent, after saying so', async () => {
    await writeOffline('never sent');
    // Back online, but the server cannot be reached for reports: it stays kept.
    await page.route('**/api/v1/reports', (r) => r.abort());
    await device.setOffline(false);
    await open(page, url, '#/signin');
    assert.match(
      await page.locator('#unsent-warning').innerText(),
      /1 report written on this device is not sent yet: signing out deletes it/,
    );
    await page.locator('#sign-out').click();
    await page.locator('#signed-out-deleted').waitFor();
    assert.match(
      await page.locator('#signed-out-deleted').innerText(),
      /Signed out\. 1 report not sent was deleted from this device\./,
    );
    assert.deepEqual(await kept(page), []);
    await page.unroute('**/api/v1/reports');
    await device.close();
  });
});

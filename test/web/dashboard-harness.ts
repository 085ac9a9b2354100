import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import { buildServer } from '../../src/http/server.js';
import { loadCountryRegistry } from '../../src/services/countries.js';
import { openStore } from '../../src/services/context.js';
import type { Store } from '../../src/services/context.js';
import { EscalationMonitor } from '../../src/services/escalation.js';
import { importEvents } from '../../src/services/events.js';
import { createOrganisation, createUser } from '../../src/services/identity.js';
import { syncSources } from '../../src/services/sync.js';
import { SOURCES } from '../../src/sources/index.js';
import { sharedDataDir, sharedFile } from '../support/shared-data.js';

/** Debian's Chromium, driven by playwright-core (never a downloaded browser). */
export const CHROMIUM = process.env.LENS_CHROMIUM ?? '/usr/bin/chromium';

/** Why the browser tests cannot run here, or undefined when they can. */
export function browserSkipReason(): string | undefined {
  return existsSync(CHROMIUM)
    ? undefined
    : `${CHROMIUM} is missing (apt-get install chromium; or set LENS_CHROMIUM)`;
}

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The timestamp imports and alerts are dated with, so nothing depends on the clock. */
export const NOW = '2026-01-15T00:00:00.000Z';

/** The as-of year the views are opened at (the data's slice ends in 2014). */
export const YEAR = 2014;

/** The analyst the tests sign in as (organisation `upo`, a UN office). */
export const ANALYST = { username: 'analyst', password: 'correct horse battery staple' };

/** The desktop viewport of the snapshots (a 1366×768 laptop). */
export const LAPTOP = { width: 1366, height: 768 };

/** A running dashboard: the server on a fresh store with the shared data, and a browser. */
export interface Dashboard {
  url: string;
  store: Store;
  app: FastifyInstance;
  browser: Browser;
  /**
   * A new page (fixed viewport; the clock fixed at NOW unless `fixedClock` is false, as
   * timing needs the real one), with page errors collected in `errors`.
   */
  page(
    viewport?: { width: number; height: number },
    options?: { fixedClock?: boolean },
  ): Promise<{ page: Page; errors: string[] }>;
  close(): Promise<void>;
}

/**
 * Builds the dashboard (`scripts/build-web.mjs`), fills a fresh SQLite store with every source
 * file of the shared data folder (as `lens sync --from` does, event files left out) and the
 * UCDP GED sample (events, statuses and alerts as of the end of 2014), adds the analyst `ANALYST`, serves it on a
 * free port and starts Chromium.
 */
export async function startDashboard(): Promise<Dashboard> {
  const build = spawnSync(process.execPath, [join(root, 'scripts', 'build-web.mjs')], {
    encoding: 'utf8',
  });
  if (build.status !== 0) throw new Error(`dashboard build failed: ${build.stderr}`);
  const dir = mkdtempSync(join(tmpdir(), 'lens-web-'));
  const store = await openStore(join(dir, 'lens.sqlite'));
  const registry = loadCountryRegistry();
  // The sources only: the GED sample is imported below, dated and refreshed as of 2014.
  await syncSources(store, registry, { from: sharedDataDir(), only: SOURCES.map((s) => s.kind) });
  const events = await importEvents(store, registry, {
    kind: 'ucdp-ged',
    path: sharedFile('events', 'ucdp-ged-23.1-sample.csv'),
    now: NOW,
  });
  const monitor = await EscalationMonitor.open(store, {
    names: (id) => registry.byId(id)?.name ?? id,
  });
  await monitor.refreshMany(events.countryIds, `${YEAR}-12-31`, NOW);
  const operator = { kind: 'system' } as const;
  await createOrganisation(store, operator, {
    id: 'upo',
    name: 'Prevention office',
    kind: 'un-office',
    now: NOW,
  });
  await createUser(store, operator, {
    ...ANALYST,
    organisationId: 'upo',
    role: 'analyst',
    now: NOW,
  });
  const app = await buildServer({ store, webRoot: join(root, 'dist', 'web') });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const browser = await chromium.launch({ executablePath: CHROMIUM });
  return {
    url,
    store,
    app,
    browser,
    async page(viewport = LAPTOP, options = {}) {
      const context = await browser.newContext({
        viewport,
        locale: 'en-GB',
        timezoneId: 'UTC',
        reducedMotion: 'reduce',
      });
      const page = await context.newPage();
      if (options.fixedClock !== false) await page.clock.setFixedTime(new Date(NOW));
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      return { page, errors };
    },
    async close() {
      await browser.close();
      await app.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Opens a hash route and waits until every part of the view has settled. */
export async function open(page: Page, url: string, hash: string): Promise<void> {
  await page.goto(`${url}/${hash}`);
  await page.waitForSelector('html[data-complete="true"]', { timeout: 120_000 });
}

const snapshots = join(root, 'test', 'web', '__snapshots__');

/** Most channels of a pixel may differ by this much (0–255) before it counts as changed. */
const CHANNEL_TOLERANCE = 24;
/** Share of changed pixels a snapshot tolerates (anti-aliasing, sub-pixel text). */
export const PIXEL_TOLERANCE = 0.01;

/**
 * Compares a screenshot with the snapshot kept in `test/web/__snapshots__/NAME.png`: the
 * share of pixels that differ, counted in the browser (both images drawn on a canvas).
 * With UPDATE_SNAPSHOTS=1, or when the snapshot does not exist yet, writes it instead and
 * returns 0.
 */
export async function compareSnapshot(page: Page, name: string, png: Buffer): Promise<number> {
  const file = join(snapshots, `${name}.png`);
  if (process.env.UPDATE_SNAPSHOTS === '1' || !existsSync(file)) {
    writeFileSync(file, png);
    return 0;
  }
  const args = JSON.stringify({
    expected: readFileSync(file).toString('base64'),
    actual: png.toString('base64'),
    tolerance: CHANNEL_TOLERANCE,
  });
  return page.evaluate(`(${COMPARE_IN_PAGE})(${args})`) as Promise<number>;
}

/**
 * The comparison, run in the page as plain JavaScript source (so that no helper of the
 * test's own compiler leaks into it): both PNGs drawn on canvases, pixels compared channel
 * by channel; 1 when the sizes differ.
 */
const COMPARE_IN_PAGE = `async ({ expected, actual, tolerance }) => {
  const load = (b64) => new Promise((ok, fail) => {
    const img = new Image();
    img.onload = () => ok(img);
    img.onerror = () => fail(new Error('not a PNG'));
    img.src = 'data:image/png;base64,' + b64;
  });
  const [a, b] = await Promise.all([load(expected), load(actual)]);
  if (a.width !== b.width || a.height !== b.height) return 1;
  const pixels = (img) => {
    const canvas = document.createElement('canvas');
    canvas.width = img.width;
    canvas.height = img.height;
    const ctx = canvas.getContext('2d');
    ctx.drawImage(img, 0, 0);
    return ctx.getImageData(0, 0, img.width, img.height).data;
  };
  const x = pixels(a);
  const y = pixels(b);
  let changed = 0;
  for (let i = 0; i < x.length; i += 4) {
    if (Math.abs(x[i] - y[i]) > tolerance || Math.abs(x[i + 1] - y[i + 1]) > tolerance || Math.abs(x[i + 2] - y[i + 2]) > tolerance) changed++;
  }
  return changed / (x.length / 4);
}`;

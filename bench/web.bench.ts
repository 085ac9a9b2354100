// Dashboard render times in headless Chromium, from the browser's navigation timing, on a
// fresh SQLite store with every file of the shared data folder: the world view and a
// country lens, first visit after the server starts (cold caches) and a repeat (warm).
// Prints, for each: DOMContentLoaded, load, main content drawn (`lens:ready`: the map
// coloured; the lens header and factors) and every part settled (`lens:complete`).
import type { Page } from 'playwright-core';
import { YEAR, browserSkipReason, open, startDashboard } from '../test/web/dashboard-harness.js';

/** The targets of the issue, in milliseconds to the drawn state. */
const TARGETS: Record<string, number> = { world: 1500, country: 1000 };

interface Timing {
  domContentLoaded: number;
  load: number;
  ready: number;
  complete: number;
}

async function measure(page: Page, url: string, hash: string): Promise<Timing> {
  await page.goto('about:blank');
  await open(page, url, hash);
  // Plain source: the page must not see helpers of this file's compiler.
  return page.evaluate(`(() => {
    const nav = performance.getEntriesByType('navigation')[0];
    const mark = (n) => performance.getEntriesByName(n)[0]?.startTime ?? NaN;
    return {
      domContentLoaded: nav.domContentLoadedEventEnd,
      load: nav.loadEventEnd,
      ready: mark('lens:ready'),
      complete: mark('lens:complete'),
    };
  })()`) as Promise<Timing>;
}

const skip = browserSkipReason();
if (skip) {
  console.log(`web benchmark skipped: ${skip}`);
} else {
  const started = Date.now();
  const d = await startDashboard();
  console.log(`store filled and server started in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  try {
    const { page } = await d.page(undefined, { fixedClock: false });
    const views = [
      ['world', `#/world?year=${YEAR}&to=${YEAR}`],
      ['country', `#/country/cod?asOf=${YEAR}`],
    ] as const;
    const rows: string[] = [];
    for (const pass of ['cold', 'warm'] as const) {
      for (const [name, hash] of views) {
        const t = await measure(page, d.url, hash);
        const verdict = t.ready < TARGETS[name]! ? 'ok' : 'SLOW';
        rows.push(
          `${name.padEnd(8)} ${pass.padEnd(5)} ${[t.domContentLoaded, t.load, t.ready, t.complete]
            .map((x) => x.toFixed(0).padStart(9))
            .join('')}   ${verdict} (target ${TARGETS[name]} ms)`,
        );
      }
    }
    console.log(
      `view     pass  ${['DOM ready', 'load', 'drawn', 'settled'].map((x) => x.padStart(9)).join('')}   (ms from navigation start)`,
    );
    for (const r of rows) console.log(r);
  } finally {
    await d.close();
  }
}

import * as assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { loadCountryRegistry } from '../../src/services/countries.js';
import { EscalationMonitor } from '../../src/services/escalation.js';
import { createUser, setUserDisabled } from '../../src/services/identity.js';
import { reports, submitReport } from '../../src/services/reports.js';
import {
  ANALYST,
  NOW,
  YEAR,
  browserSkipReason,
  open,
  startDashboard,
} from './dashboard-harness.js';
import type { Dashboard } from './dashboard-harness.js';

const skip = browserSkipReason();
if (skip) console.log(`# dashboard trust tests SKIPPED: ${skip}`);

/** A viewer of the analyst's organisation: reads everything shared with it, changes nothing. */
const VIEWER = { username: 'viewer', password: 'correct horse battery staple' };
/** A user whose account an administrator disabled. */
const DISABLED = { username: 'gone', password: 'correct horse battery staple' };

async function signIn(page: Page, url: string, who: { username: string; password: string }) {
  await open(page, url, '#/signin');
  await page.locator('#username').fill(who.username);
  await page.locator('#password').fill(who.password);
  await page.locator('.view.signin button[type="submit"]').click();
}

describe('dashboard: figures and words a reader can trust', { skip }, () => {
  let d: Dashboard;

  before(async () => {
    d = await startDashboard();
    const operator = { kind: 'system' } as const;
    for (const [who, role] of [
      [VIEWER, 'viewer'],
      [DISABLED, 'analyst'],
    ] as const)
      await createUser(d.store, operator, { ...who, organisationId: 'upo', role, now: NOW });
    await setUserDisabled(d.store, operator, DISABLED.username, true, NOW);
  });
  after(async () => {
    await d?.close();
  });

  it("the forecast's origin beside the tiers, with a warning when it is years older", async () => {
    const { page, errors } = await d.page();
    const latest = (await d.app.inject({ url: '/api/v1/forecasts?all=true' })).json() as {
      origin: number;
    };
    const later = latest.origin + 4;

    await open(page, d.url, `#/watchlist?asOf=${latest.origin + 2}`);
    const fresh = page.locator('#forecast-origin');
    assert.equal(await fresh.getAttribute('data-stale'), 'false');
    assert.match(await fresh.innerText(), new RegExp(`^Forecast of ${latest.origin} `));
    await open(page, d.url, `#/watchlist?asOf=${later}`);
    const old = page.locator('#forecast-origin');
    assert.equal(await old.getAttribute('data-stale'), 'true');
    assert.ok(await old.isVisible());
    assert.match(
      await old.innerText(),
      new RegExp(`^Old forecast of ${latest.origin} .*4 years older than the tiers of ${later}`),
    );
    for (const key of ['probability', 'forecastRank'])
      assert.match(
        await page.locator(`#watchlist th:has(button[data-sort="${key}"])`).innerText(),
        new RegExp(`of ${latest.origin}$`),
      );

    await open(page, d.url, `#/country/cod?asOf=${later}`);
    await page.locator('.view-header #forecast-origin').waitFor();
    assert.match(
      await page.locator('.view-header .forecast-headline').innerText(),
      /^Forecast: \d+\.\d% probability of a new mass killing/,
    );
    assert.equal(
      await page.locator('.view-header #forecast-origin').getAttribute('data-stale'),
      'true',
    );

    // Choosing the forecast layer keeps the year; the map says how old its forecast is.
    await open(page, d.url, `#/world?year=${later}&to=${later}`);
    await page.locator('input[name="measure"][value="probability"]').check();
    await page.locator('#map-forecast-origin').waitFor({ timeout: 120_000 });
    assert.equal(await page.locator('#year-output').innerText(), String(later));
    assert.equal(await page.locator('#year').inputValue(), String(later));
    assert.match(page.url(), new RegExp(`year=${later}`));
    assert.equal(await page.locator('#map-forecast-origin').getAttribute('data-stale'), 'true');
    assert.match(
      await page.locator('#world-caption').innerText(),
      new RegExp(`from the model of ${latest.origin}`),
    );
    assert.deepEqual(errors, []);
    await page.context().close();
  });

  it('backtest: each bar is as tall as its share of the axis', async () => {
    const { page } = await d.page();
    await open(page, d.url, '#/backtest?asOf=1997');
    const frameworks = await page
      .locator('#backtest-table thead tr')
      .first()
      .locator('th[scope="colgroup"]')
      .allInnerTexts();
    assert.equal(frameworks.length, 2);
    // The share of each tier and framework, from the table's counts.
    const shares = new Map<string, number>();
    for (const row of await page.locator('#backtest-table tbody tr').all()) {
      const tier = (await row.getAttribute('data-tier'))!;
      const cells = (await row.locator('td').allInnerTexts()).map(Number);
      frameworks.forEach((f, i) => {
        const [total, atrocities] = [cells[3 * i]!, cells[3 * i + 1]!];
        if (total > 0) shares.set(`${f}, ${tier}`, atrocities / total);
      });
    }
    const bars = await page.locator('#backtest figure.chart svg rect').evaluateAll((rects) =>
      rects.flatMap((r) => {
        const title = r.querySelector('title')?.textContent ?? '';
        const chart = Number((r as SVGElement).ownerSVGElement?.getAttribute('height') ?? 0);
        return title ? [{ title, height: Number(r.getAttribute('height') ?? 0), chart }] : [];
      }),
    );
    const svgHeight = bars[0]?.chart ?? 0;
    assert.equal(svgHeight, 240);
    assert.equal(bars.length, shares.size);
    const perUnit: number[] = [];
    for (const bar of bars) {
      const share = shares.get(bar.title.replace(/: \d+%$/, ''));
      assert.ok(share !== undefined, bar.title);
      assert.ok(bar.height <= svgHeight, `${bar.title}: ${bar.height}px in a ${svgHeight}px chart`);
      if (share > 0) perUnit.push(bar.height / share);
      else assert.ok(bar.height < 1, `${bar.title}: ${bar.height}px`);
    }
    // Proportional: a share of 1 is the same height for every bar, and fills most of the chart.
    assert.ok(perUnit.length >= 4);
    const [lo, hi] = [Math.min(...perUnit), Math.max(...perUnit)];
    assert.ok(hi - lo < 2 / 0.05, `height per unit share from ${lo} to ${hi}`);
    assert.ok(lo > svgHeight / 2 && hi <= svgHeight, `height per unit share ${lo}`);
    await page.context().close();
  });

  it('watchlist: change sorts by size, and no change reads as no change', async () => {
    const { page } = await d.page();
    await open(page, d.url, `#/watchlist?asOf=${YEAR}&sort=change&dir=desc`);
    const cells = await page.locator('#watchlist td[data-col="change"]').allInnerTexts();
    assert.ok(cells.length >= 150);
    for (const c of cells) assert.doesNotMatch(c, /[+−-]0\.00/, c);
    const sizes = cells.map((c) => {
      if (/no change/.test(c)) return 0;
      const m = /([+−])(\d+\.\d\d)/.exec(c);
      return m ? Number(m[2]) : null;
    });
    const known = sizes.filter((x): x is number => x !== null);
    assert.ok(known.length >= 100 && known[0]! > 0);
    assert.deepEqual(
      known,
      [...known].sort((a, b) => b - a),
    );
    // Rows without a change (no earlier score) come last.
    assert.deepEqual(
      sizes.slice(known.length).filter((x) => x !== null),
      [],
    );
    assert.ok(cells.some((c) => c.includes('+')) && cells.some((c) => c.includes('−')));
    await page.context().close();
  });

  it("sign-in: the server's reason on the sign-in page", async () => {
    const { page } = await d.page();
    await signIn(page, d.url, { username: ANALYST.username, password: 'not the password' });
    const refused = page.locator('.view.signin .notice');
    await refused.waitFor();
    assert.equal(await refused.innerText(), 'Wrong username or password.');
    assert.equal(await refused.getAttribute('role'), 'alert');
    await signIn(page, d.url, DISABLED);
    await page.locator('.view.signin .notice', { hasText: 'disabled' }).waitFor();
    assert.equal(
      await page.locator('.view.signin .notice').innerText(),
      'This account is disabled.',
    );
    assert.match(page.url(), /#\/signin$/);
    await page.context().close();
  });

  it('a viewer is offered no action it may not take, and a refusal names the role', async () => {
    const { page } = await d.page();
    await signIn(page, d.url, VIEWER);
    await page.waitForFunction(() => location.hash.startsWith('#/world'));
    await open(page, d.url, '#/alerts?state=all');
    assert.ok((await page.locator('#inbox li.alert').count()) >= 1);
    assert.equal(await page.locator('#inbox button[data-action]').count(), 0);
    assert.equal(
      await page.locator('#alerts-role').innerText(),
      'Your role (viewer in Prevention office) may read alerts but not acknowledge or resolve them.',
    );
    await open(page, d.url, '#/cases');
    assert.equal(await page.locator('#board button').count(), 0);

    // The same tab signed in as the analyst offers both; when the role changes under it (the
    // analyst's session ended, the viewer signed in elsewhere in this browser), the refusal
    // names the role rather than a sharing level.
    const { page: analyst } = await d.page();
    await signIn(analyst, d.url, ANALYST);
    await analyst.waitForFunction(() => location.hash.startsWith('#/world'));
    await open(analyst, d.url, '#/alerts?state=open');
    const act = analyst.locator('#inbox li.alert button[data-action="acknowledge"]').first();
    assert.equal(await act.count(), 1);
    const viewerCookies = await page.context().cookies();
    await analyst.context().clearCookies();
    await analyst.context().addCookies(viewerCookies);
    await act.click();
    const refusal = analyst.locator('#inbox li.alert .notice').first();
    await refusal.waitFor();
    assert.equal(
      await refusal.innerText(),
      'Your role (viewer in Prevention office) may not acknowledge or resolve alerts.',
    );
    await analyst.context().close();
    await page.context().close();
  });

  it('page addresses without # work, and each page is named in its title', async () => {
    const { page, errors } = await d.page();
    await page.goto(`${d.url}/country/mmr?asOf=${YEAR}`);
    await page.waitForSelector('html[data-ready="true"]', { timeout: 120_000 });
    assert.equal(await page.locator('h1').innerText(), 'Myanmar');
    assert.equal(await page.title(), 'Myanmar · Atrocity Prevention Lens');
    // The styles and the map's files came by absolute path.
    assert.equal(
      await page.locator('.app-header').evaluate((e) => getComputedStyle(e).display),
      'flex',
    );
    await page.waitForSelector('html[data-complete="true"]', { timeout: 120_000 });
    // The escalation part loads the map's outlines: it settles ready only if they came.
    assert.equal(await page.locator('section#escalation').getAttribute('data-state'), 'ready');
    assert.match(page.url(), /\/#\/country\/mmr\?asOf=2014$/);
    await page.goto(`${d.url}/country/mmr/brief?asOf=${YEAR}`);
    await page.waitForSelector('html[data-complete="true"]', { timeout: 120_000 });
    assert.equal(await page.title(), 'Myanmar: country brief · Atrocity Prevention Lens');
    await open(page, d.url, `#/watchlist?asOf=${YEAR}`);
    assert.equal(await page.title(), 'Watchlist · Atrocity Prevention Lens');
    assert.deepEqual(errors, []);
    await page.context().close();
  });

  it('an unknown country: a clear page with suggestions and the way back', async () => {
    const { page, errors } = await d.page();
    await open(page, d.url, `#/country/Sudn?asOf=${YEAR}`);
    assert.equal(await page.locator('h1').innerText(), 'Country not found');
    assert.equal(await page.title(), 'Country not found · Atrocity Prevention Lens');
    assert.match(await page.locator('.view').innerText(), /No country is known as “Sudn”/);
    const sudan = page.locator('#suggestions a', { hasText: /^Sudan$/ });
    assert.equal(await sudan.getAttribute('href'), `#/country/sdn?asOf=${YEAR}`);
    assert.equal(await page.locator('#back').getAttribute('href'), `#/watchlist?asOf=${YEAR}`);
    await sudan.click();
    await page.waitForSelector('html[data-ready="true"] h1:text-is("Sudan")');
    await open(page, d.url, `#/country/qqqq/brief?asOf=${YEAR}`);
    assert.equal(await page.locator('h1').innerText(), 'Country not found');
    assert.equal(await page.locator('#suggestions').count(), 0);
    assert.deepEqual(errors, []);
    await page.context().close();
  });

  it('lens: plain names first, evidence folded, no empty chart or map', async () => {
    const { page, errors } = await d.page();
    await open(page, d.url, `#/country/cod?asOf=${YEAR}`);
    const folds = page.locator('#factors details.evidence-fold');
    assert.ok((await folds.count()) >= 5);
    assert.equal(await page.locator('#factors details.evidence-fold[open]').count(), 0);
    assert.match(
      (await folds.first().locator('summary').innerText()).trim(),
      /^Evidence \(\d+ values?\)$/,
    );
    const table = folds.first().locator('table.evidence');
    assert.equal(await table.isVisible(), false);
    await folds.first().locator('summary').click();
    assert.equal(await table.isVisible(), true);
    // The indicator's plain name shows; its variable code only on request.
    const code = table.locator('td.code-col code').first();
    const variable = await code.textContent();
    assert.equal(await code.isVisible(), false);
    assert.notEqual(
      await table.locator('td[data-label="indicator"]').first().innerText(),
      variable,
    );
    await page.locator('#show-codes').check();
    assert.equal(await code.isVisible(), true);
    await page.locator('#show-codes').uncheck();
    // Every key indicator chart has a line to show, under the indicator's plain name.
    for (const chart of await page.locator('#indicators [data-variable]').all()) {
      assert.ok((await chart.locator('svg circle').count()) >= 2);
      const heading = await chart.locator('h3').innerText();
      assert.ok(!heading.includes((await chart.getAttribute('data-variable'))!), heading);
    }

    // A country without events gets a sentence, not an empty map.
    await open(page, d.url, `#/country/nor?asOf=${YEAR}`);
    assert.equal(await page.locator('#escalation svg.country-map').count(), 0);
    assert.equal(
      await page.locator('#no-event-map').innerText(),
      `No events recorded in ${YEAR - 3}–${YEAR}.`,
    );
    assert.deepEqual(errors, []);
    await page.context().close();
  });

  it("a country map is framed on the country's main parts (Norway, not Svalbard)", async () => {
    const registry = loadCountryRegistry();
    const monitor = await EscalationMonitor.open(d.store, {
      names: (id) => registry.byId(id)?.name ?? id,
    });
    const operator = { kind: 'system' } as const;
    for (const [date, name, latitude, longitude] of [
      ['2013-07-22', 'Oslo', 59.91, 10.75],
      ['2014-03-01', 'Tromsø', 69.65, 18.96],
    ] as const)
      await submitReport(d.store, operator, registry, monitor, {
        country: 'nor',
        date,
        category: 'mobilisation.hate-propaganda',
        place: { name, latitude, longitude },
        sharing: 'CLEAR',
        organisation: 'upo',
        reportedBy: 'test',
      });
    const { page } = await d.page();
    await open(page, d.url, `#/country/nor?asOf=${YEAR}`);
    const dots = page.locator('#escalation svg.country-map circle.event-dot');
    assert.equal(await dots.count(), 2);
    const ys = (await dots.evaluateAll((c) => c.map((x) => Number(x.getAttribute('cy'))))).sort(
      (a, b) => a - b,
    );
    // Framed on mainland Norway (58–71°N) the two cities lie some 250 of the map's 360 units
    // apart; framed with Svalbard (to 81°N) they would lie about 110 apart.
    assert.ok(ys[1]! - ys[0]! > 200, `Oslo and Tromsø ${ys[1]! - ys[0]!} apart`);
    assert.match(
      await page.locator('#escalation .event-map .caption').innerText(),
      /^2 events, every one with a location\./,
    );
    await page.context().close();
  });

  it('wording: singular for one, the fields named by their labels, who may send', async () => {
    const { page } = await d.page();
    await open(page, d.url, '#/report');
    assert.equal(
      await page.locator('#report-who').innerText(),
      'Sending needs a signed-in analyst or field monitor. Sign in',
    );
    await page.locator('.report-form button[type="submit"]').click();
    assert.equal(
      await page.locator('#report-errors').innerText(),
      '3 fields to correct: Country, Date, Category.',
    );
    await page.locator('#country').selectOption('cod');
    await page.locator('#category').fill('violence.against-civilians.attack');
    await page.locator('.report-form button[type="submit"]').click();
    assert.equal(await page.locator('#report-errors').innerText(), '1 field to correct: Date.');

    await signIn(page, d.url, VIEWER);
    await page.waitForFunction(() => location.hash.startsWith('#/world'));
    await open(page, d.url, '#/report');
    assert.equal(
      await page.locator('#report-who').innerText(),
      'Your role (viewer in Prevention office) may not send reports: sending needs a signed-in analyst or field monitor.',
    );
    await page.context().close();
  });

  it('phone width: the lens and the watchlist without sideways scrolling, rows as cards', async () => {
    const { page } = await d.page({ width: 375, height: 740 });
    for (const hash of [`#/watchlist?asOf=${YEAR}`, `#/country/cod?asOf=${YEAR}`]) {
      await open(page, d.url, hash);
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(width <= 375, `${hash} at 375px is ${width}px wide`);
    }
    await open(page, d.url, `#/watchlist?asOf=${YEAR}`);
    const cell = page.locator('#watchlist tbody tr').first().locator('td[data-col="tier"]');
    assert.equal(await cell.evaluate((e) => getComputedStyle(e).display), 'block');
    assert.equal(await cell.getAttribute('data-label'), 'Tier');
    await page.context().close();
  });

  it('field report: a reliability left unknown is stored as unknown', async () => {
    const { page } = await d.page();
    await signIn(page, d.url, ANALYST);
    await page.waitForFunction(() => location.hash.startsWith('#/world'));
    await open(page, d.url, '#/report');
    assert.equal(await page.locator('#reliability').inputValue(), 'unknown');
    await page.locator('#country').selectOption('isl');
    await page.locator('#date').fill('2014-05-02');
    await page.locator('#category').fill('mobilisation.hate-propaganda');
    await page.locator('.report-form button[type="submit"]').click();
    await page.locator('#report-result [data-state="sent"]').waitFor();
    const stored = await reports(d.store, { kind: 'system' }, { countryId: 'isl' });
    assert.equal(stored.length, 1);
    assert.equal(stored[0]!.event.reliability, 'unknown');
    await page.context().close();
  });
});

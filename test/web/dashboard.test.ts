import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { alerts } from '../../src/services/alerts.js';
import { openCase } from '../../src/services/cases.js';
import { addMembership, createOrganisation, createUser } from '../../src/services/identity.js';
import { TIER_COLOURS } from '../../web/src/palette.js';
import type { Tier } from '../../web/src/palette.js';
import {
  ANALYST,
  LAPTOP,
  NOW,
  PIXEL_TOLERANCE,
  YEAR,
  browserSkipReason,
  compareSnapshot,
  open,
  startDashboard,
} from './dashboard-harness.js';
import type { Dashboard } from './dashboard-harness.js';

const skip = browserSkipReason();
if (skip) console.log(`# dashboard tests SKIPPED: ${skip}`);

describe('dashboard in Chromium', { skip }, () => {
  let d: Dashboard;
  let page: Page;
  let errors: string[];

  before(async () => {
    d = await startDashboard();
    ({ page, errors } = await d.page());
  });
  after(async () => {
    await d?.close();
  });

  it('world view: one path per country, coloured by tier, with tooltips and a legend', async () => {
    await open(page, d.url, `#/world?year=${YEAR}&to=${YEAR}`);
    const paths = await page.locator('svg.map path.country').count();
    assert.ok(paths >= 170, `${paths} country outlines`);
    const coloured = await page.locator('svg.map path.country[data-country]').count();
    assert.ok(coloured >= 150, `${coloured} countries with data`);
    const report = (
      await d.app.inject({ url: `/api/v1/assessments?asOf=${YEAR}&country=cod` })
    ).json() as {
      assessments: { tier: Tier }[];
    };
    const tier = report.assessments[0]!.tier;
    const congo = page.locator('svg.map path[data-iso="COD"]');
    assert.equal(await congo.getAttribute('fill'), TIER_COLOURS[tier]);
    await congo.hover();
    const tooltip = page.locator('#map-tooltip');
    await tooltip.waitFor({ state: 'visible' });
    assert.match(await tooltip.innerText(), new RegExp(`Congo[\\s\\S]*${tier}`));
    assert.deepEqual(await page.locator('.legend li').allInnerTexts(), [
      'extreme',
      'high',
      'moderate',
      'low',
      'negligible',
      'no data',
    ]);
    assert.match(
      await page.locator('#world-caption').innerText(),
      new RegExp(`end of ${YEAR}: \\d+ extreme`),
    );
  });

  it('world view: keyboard moves between countries and the year slider replays years', async () => {
    await page.locator('svg.map').focus();
    await page.keyboard.press('Home');
    assert.match(
      (await page.locator('svg.map').getAttribute('aria-label')) ?? '',
      /^Afghanistan: /,
    );
    assert.equal(await page.locator('#map-tooltip').isVisible(), true);
    await page.keyboard.press('ArrowRight');
    assert.match((await page.locator('svg.map').getAttribute('aria-label')) ?? '', /^Albania: /);
    await page.locator('#year').focus();
    await page.keyboard.press('ArrowLeft');
    await page.waitForFunction(() =>
      document.querySelector('#world-caption')?.textContent?.includes('end of 2013'),
    );
    assert.equal(await page.locator('#year-output').innerText(), '2013');
    assert.match(page.url(), /year=2013/);
  });

  it('world view: switches to the forecast probability', async () => {
    await page.locator('input[name="measure"][value="probability"]').check();
    await page.waitForFunction(
      () => document.querySelector('#world-caption')?.textContent?.includes('Forecast probability'),
      undefined,
      { timeout: 120_000 },
    );
    const value = await page.locator('svg.map path[data-iso="COD"]').getAttribute('data-value');
    assert.match(value ?? '', /^\d+\.\d% risk of a new mass killing/);
    assert.equal(await page.locator('.legend li').count(), 8);
  });

  it('watchlist: every country, sortable by keyboard, filterable and exportable', async () => {
    await open(page, d.url, `#/watchlist?asOf=${YEAR}`);
    const rows = page.locator('#watchlist tbody tr');
    assert.ok((await rows.count()) >= 150);
    const scores = (await page.locator('#watchlist td[data-col="score"]').allInnerTexts())
      .map(Number)
      .filter((x) => !Number.isNaN(x));
    assert.deepEqual(
      scores,
      [...scores].sort((a, b) => b - a),
    );
    assert.equal(
      await page.locator('#watchlist th[aria-sort="descending"]').innerText(),
      'Score ↓',
    );
    await page.locator('button[data-sort="name"]').focus();
    await page.keyboard.press('Enter');
    const names = await page.locator('#watchlist td[data-col="name"]').allInnerTexts();
    assert.deepEqual(
      names,
      [...names].sort((a, b) => a.localeCompare(b)),
    );
    assert.equal(
      await page.locator('#watchlist th[aria-sort="ascending"] button').getAttribute('data-sort'),
      'name',
    );
    assert.ok(
      (await page.locator('#watchlist td[data-col="probability"]').allInnerTexts()).some((t) =>
        t.endsWith('%'),
      ),
    );
    // Stages as of 2014 on the GED sample: armed conflicts are crises (the sample's attacks
    // on civilians raise no red flag, and its unknown accountability is no impunity).
    assert.ok(
      (await page.locator('#watchlist td[data-col="stage"]').allInnerTexts()).some((t) =>
        t.startsWith('crisis'),
      ),
    );
    await page.locator('#filter').fill('congo');
    assert.equal(await rows.count(), 2);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.locator('#export').click(),
    ]);
    const csv = readFileSync((await download.path())!, 'utf8')
      .trim()
      .split('\n');
    assert.equal(
      csv[0],
      'Rank,Country,Tier,Score,Change,Probability,Forecast rank,Stage,Open alerts',
    );
    assert.equal(csv.length, 3);
    assert.ok(csv.some((line) => line.includes('Democratic Republic of the Congo')));
  });

  it('country lens: factors with evidence and coverage, trends, escalation and every part settled', async () => {
    await open(page, d.url, `#/country/cod?asOf=${YEAR}`);
    assert.equal(await page.locator('h1').innerText(), 'Democratic Republic of the Congo');
    assert.match(
      await page.locator('.view-header .facts').innerText(),
      /Coverage\s+\d+% of the indicators had data/,
    );
    const factors = page.locator('#factors li.factor');
    assert.ok((await factors.count()) >= 10);
    const history = page
      .locator('#factors li[data-factor="history-of-atrocity"], #factors li.factor')
      .first();
    assert.ok((await history.locator('table.evidence tbody tr').count()) >= 1);
    assert.ok((await page.locator('#trends figure[role="img"] svg').count()) >= 1);
    assert.match(
      await page.locator('#trends .forecast-line').innerText(),
      /Forecast from 20[2-9]\d: \d+\.\d% probability .*\(80% interval \d+\.\d%–\d+\.\d%\)/,
    );
    assert.match(
      await page.locator('#escalation .stage-line').innerText(),
      /Stage: (none|crisis|mobilisation|violence)/,
    );
    assert.equal(await page.locator('#escalation svg.country-map path.own').count(), 1);
    // The UCDP GED sample has DR Congo events in 2012, 2013 and 2014: each is a dot on the map.
    assert.equal(await page.locator('#escalation .event-map .event-dot').count(), 3);
    assert.ok((await page.locator('#plan-measures tbody tr').count()) >= 1);
    assert.match(await page.locator('#plan .plan-mode').innerText(), /agenda/);
    for (const id of ['needs', 'plan', 'capacity', 'overrides']) {
      const state = await page.locator(`section#${id}`).getAttribute('data-state');
      assert.equal(state, 'ready', `${id}: ${state}`);
    }
    assert.deepEqual(errors, []);
  });

  it('country brief: a printable page and its PDF', async () => {
    await open(page, d.url, `#/country/cod/brief?asOf=${YEAR}`);
    assert.equal(
      await page.locator('h1').innerText(),
      'Democratic Republic of the Congo: country brief',
    );
    assert.ok((await page.locator('.brief li.factor').count()) >= 10);
    const pdf = await page.pdf({ format: 'A4' });
    assert.equal(pdf.subarray(0, 5).toString(), '%PDF-');
    assert.ok(pdf.length > 20_000, `${pdf.length} bytes`);
    await page.emulateMedia({ media: 'print' });
    assert.equal(await page.locator('.app-header').isVisible(), false);
    await page.emulateMedia({ media: 'screen' });
  });

  it('alerts inbox: the alerts raised as of the end of the year, acting needs a session', async () => {
    await open(page, d.url, '#/alerts?state=all');
    const alerts = page.locator('#inbox li.alert');
    assert.ok((await alerts.count()) >= 1);
    assert.match(await alerts.first().innerText(), /as of \d{4}-\d{2}-\d{2}/);
    const act = alerts.first().locator('button[data-action]').first();
    if (await act.count()) {
      await act.click();
      await alerts.first().locator('.notice').waitFor();
      assert.equal(await alerts.first().locator('.notice').getAttribute('data-state'), 'signin');
    }
  });

  it('sign-in: a labelled form; signed in, the header names the user', async () => {
    await open(page, d.url, '#/signin');
    assert.equal(await page.locator('label[for="username"]').innerText(), 'User name');
    assert.equal(await page.locator('#password').getAttribute('type'), 'password');
    await page.locator('#username').fill(ANALYST.username);
    await page.locator('#password').fill('wrong password here');
    await page.locator('.view.signin button[type="submit"]').click();
    await page.locator('.view.signin .notice').waitFor();
    await page.locator('#password').fill(ANALYST.password);
    await page.locator('.view.signin button[type="submit"]').click();
    await page.waitForFunction(() => location.hash.startsWith('#/world'));
    await page.locator('.account .who').waitFor();
    assert.equal(await page.locator('.account .who').innerText(), ANALYST.username);
    assert.match(await page.locator('.account').innerText(), /Prevention office/);
  });

  it('field report: checks the fields, keeps a report written offline and sends it on reconnection', async () => {
    await open(page, d.url, '#/report');
    await page.locator('.report-form button[type="submit"]').click();
    for (const field of ['country', 'date', 'category'])
      assert.equal(
        await page.locator(`[name="${field}"]`).getAttribute('aria-invalid'),
        'true',
        field,
      );
    assert.equal((await page.locator('#category-error').innerText()) !== '', true);
    await page.locator('#country').selectOption('cod');
    await page.locator('#date').fill('2014-11-02');
    await page.locator('#category').fill('violence.against-civilians.attack');
    await page.locator('#latitude').fill('95');
    await page.locator('#longitude').fill('29.2');
    await page.locator('.report-form button[type="submit"]').click();
    assert.equal(await page.locator('#latitude-error').innerText(), 'Between -90 and 90.');
    await page.locator('#latitude').fill('0.5');
    await page.locator('#deathsBest').fill('12');
    await page.context().setOffline(true);
    await page.locator('.report-form button[type="submit"]').click();
    await page.locator('#report-result [data-state="queued"]').waitFor();
    const kept = await page.evaluate(
      () =>
        JSON.parse(localStorage.getItem('lens.outbox') ?? '[]') as {
          body: Record<string, unknown>;
        }[],
    );
    assert.equal(kept.length, 1);
    assert.deepEqual(kept[0]!.body.deaths, { best: 12 });
    assert.equal(await page.locator('#outbox li').count(), 1);
    const sent = page.waitForRequest(
      (r) => r.url().endsWith('/api/v1/reports') && r.method() === 'POST',
    );
    await page.context().setOffline(false);
    const request = await sent;
    assert.equal((request.postDataJSON() as { country: string }).country, 'cod');
    const response = await request.response();
    // Signed in, the report is stored and leaves the outbox; without a session it stays.
    if (response?.status() === 201)
      await page.waitForFunction(() => localStorage.getItem('lens.outbox') === '[]');
    else assert.equal(response?.status(), 401);
  });
  it('cases: a warning becomes a case and moves on to assessment', async () => {
    await open(page, d.url, '#/cases');
    assert.deepEqual(
      await page
        .locator('#board section.column h2')
        .allInnerTexts()
        .then((x) => x.map((s) => s.replace(/ \(\d+\)$/, ''))),
      ['Warning', 'Assessment', 'Advice', 'Decision', 'Decided'],
    );
    const warning = page.locator('#board section[data-step="warning"] li').first();
    await warning.locator('button').click();
    const card = page.locator('#board section[data-step="assessment"] li.card').first();
    await card.waitFor();
    await card.locator('button', { hasText: 'Start assessment' }).click();
    await page
      .locator('#board section[data-step="assessment"] li.card button', {
        hasText: 'Complete assessment',
      })
      .first()
      .waitFor();
  });

  it('backtest: two frameworks side by side with AUC and misses, episodes by decade', async () => {
    await open(page, d.url, '#/backtest?asOf=1997');
    const auc = await page.locator('#backtest-table td.auc').allInnerTexts();
    assert.equal(auc.length, 2);
    for (const a of auc) assert.ok(Number(a) > 0.5 && Number(a) <= 1, a);
    assert.equal(await page.locator('#backtest-table tbody tr').count(), 5);
    assert.equal(await page.locator('.misses').count(), 2);
    const decades = await page.locator('#episodes-table tbody th').allInnerTexts();
    assert.ok(decades.includes('1940s') && decades.includes('1990s'));
  });

  it('lays out without horizontal scrolling on tablets', async () => {
    for (const viewport of [
      { width: 1024, height: 768 },
      { width: 768, height: 1024 },
    ]) {
      const { page: tablet } = await d.page(viewport);
      for (const hash of [
        `#/world?year=${YEAR}&to=${YEAR}`,
        `#/country/cod?asOf=${YEAR}`,
        `#/watchlist?asOf=${YEAR}`,
      ]) {
        await open(tablet, d.url, hash);
        const width = await tablet.evaluate(() => document.documentElement.scrollWidth);
        assert.ok(width <= viewport.width, `${hash} at ${viewport.width}px is ${width}px wide`);
      }
      await tablet.context().close();
    }
  });

  it("organisations: a user of two switches in the header and sees the other one's cases", async () => {
    const operator = { kind: 'system' } as const;
    for (const [id, name] of [
      ['field-a', 'Field office A'],
      ['field-b', 'Field office B'],
    ] as const)
      await createOrganisation(d.store, operator, { id, name, kind: 'ngo', now: NOW });
    const duo = { username: 'two-orgs', password: 'correct horse battery staple' };
    await createUser(d.store, operator, {
      ...duo,
      organisationId: 'field-a',
      role: 'analyst',
      now: NOW,
    });
    await addMembership(d.store, operator, {
      username: duo.username,
      organisationId: 'field-b',
      role: 'viewer',
      now: NOW,
    });
    const [alert] = await alerts(d.store, operator, { filter: 'all' });
    assert.ok(alert, 'an alert to open a case from');
    const amber = await openCase(d.store, operator, {
      alertId: alert.id,
      organisationId: 'field-a',
      tlp: 'AMBER',
      now: NOW,
    });

    const { page: first } = await d.page();
    await open(first, d.url, '#/signin');
    await first.locator('#username').fill(duo.username);
    await first.locator('#password').fill(duo.password);
    await first.locator('.view.signin button[type="submit"]').click();
    await first.waitForFunction(() => location.hash.startsWith('#/world'));
    // A second tab shares the session cookie but not the first tab's CSRF token: it asks
    // the server for it, so its switch (a write) goes through without signing in again.
    const tab = await first.context().newPage();
    await open(tab, d.url, '#/cases');
    const card = tab.locator(`#board [data-case="${amber.id}"]`);
    await card.waitFor();
    const select = tab.getByLabel('Acting for');
    assert.equal(await select.inputValue(), 'field-a');
    await select.focus();
    await select.selectOption('field-b');
    await tab.keyboard.press('Tab');
    await tab.keyboard.press('Enter');
    await card.waitFor({ state: 'detached' });
    await tab.waitForSelector('html[data-complete="true"]');
    assert.equal(await tab.getByLabel('Acting for').inputValue(), 'field-b');
    assert.equal(await tab.locator('#board [data-case]').count(), 0);
    // Back to the first organisation, its case is there again.
    await tab.getByLabel('Acting for').selectOption('field-a');
    await tab.getByRole('button', { name: 'Switch' }).click();
    await tab.locator(`#board [data-case="${amber.id}"]`).waitFor();
    // The Account page shows the same switcher, and it works the same way from the keyboard.
    await open(tab, d.url, '#/signin');
    const onPage = tab.locator('#main').getByLabel('Acting for');
    assert.equal(await onPage.inputValue(), 'field-a');
    await onPage.focus();
    await onPage.selectOption('field-b');
    await tab.keyboard.press('Tab');
    await tab.keyboard.press('Enter');
    await tab.waitForFunction(
      () => document.querySelector<HTMLSelectElement>('#header-organisation')?.value === 'field-b',
    );
    await tab.waitForSelector('html[data-complete="true"]');
    assert.equal(await tab.locator('#main').getByLabel('Acting for').inputValue(), 'field-b');
    await first.context().close();
  });

  it('main views match their screenshots', async () => {
    const { page: shot } = await d.page(LAPTOP);
    for (const [name, hash] of [
      ['world', `#/world?year=${YEAR}&to=${YEAR}`],
      ['watchlist', `#/watchlist?asOf=${YEAR}`],
      ['country', `#/country/cod?asOf=${YEAR}`],
      ['backtest', '#/backtest?asOf=1997'],
    ] as const) {
      await open(shot, d.url, hash);
      await shot.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
      const png = await shot.screenshot({ animations: 'disabled', caret: 'hide' });
      const changed = await compareSnapshot(shot, name, png);
      assert.ok(
        changed <= PIXEL_TOLERANCE,
        `${name}: ${(changed * 100).toFixed(2)}% of pixels differ`,
      );
    }
    await shot.context().close();
  });
});

import * as assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildServer } from '../../src/http/server.js';
import type { Store } from '../../src/services/context.js';
import { loadCountryRegistry } from '../../src/services/countries.js';
import { importEvents } from '../../src/services/events.js';
import { sharedFile } from '../support/shared-data.js';
import { onEveryStore } from '../support/stores.js';
import { as, importApiData, json, problem, testAuthenticate, testServer } from './support.js';

interface Page<T> {
  items: T[];
  total: number;
  next: string | null;
}

/** Every item of a paginated list, page by page, checking the pages are disjoint. */
async function allPages<T>(
  app: FastifyInstance,
  url: string,
  key: (item: T) => string,
  headers: Record<string, string> = {},
): Promise<{ items: T[]; total: number; pages: number }> {
  const seen = new Set<string>();
  const items: T[] = [];
  let cursor: string | null = null;
  let total = -1;
  let pages = 0;
  do {
    const sep = url.includes('?') ? '&' : '?';
    const res: LightMyRequestResponse = await app.inject({
      url: cursor ? `${url}${sep}cursor=${cursor}` : url,
      headers,
    });
    const page: Page<T> = json<Page<T>>(res);
    pages++;
    total = page.total;
    for (const item of page.items) {
      assert.ok(!seen.has(key(item)), `item ${key(item)} on two pages`);
      seen.add(key(item));
      items.push(item);
    }
    cursor = page.next;
  } while (cursor !== null && pages < 1000);
  return { items, total, pages };
}

const today = new Date().toISOString().slice(0, 10);

onEveryStore('HTTP API', (target) => {
  let store: Store;
  let app: FastifyInstance;

  before(async () => {
    store = await target.fresh();
    await importApiData(store);
    app = await testServer(store);
  });
  after(async () => {
    await app.close();
    await store.close();
    await target.cleanup();
  });

  it('answers health with the engine it reads', async () => {
    const body = json(await app.inject({ url: '/api/v1/health' }));
    assert.deepEqual(body, { status: 'ok', database: target.name });
  });

  it('lists the country registry in disjoint, complete pages', async () => {
    const { items, total, pages } = await allPages<{ id: string }>(
      app,
      '/api/v1/countries?limit=40',
      (c) => c.id,
    );
    assert.equal(items.length, total);
    assert.ok(total > 200 && pages >= 6, `${total} countries in ${pages} pages`);
    const sudan = items.find((c) => c.id === 'sdn') as unknown as { cow: number; iso3: string };
    assert.equal(sudan.cow, 625);
    assert.equal(sudan.iso3, 'SDN');
    const in1990 = json<Page<{ id: string }>>(
      await app.inject({ url: '/api/v1/countries?year=1990&limit=500' }),
    );
    const ids = in1990.items.map((c) => c.id);
    assert.ok(ids.includes('ussr') && !ids.includes('sds'), 'the Soviet Union, not South Sudan');
  });

  it('shows one country with its codes, 404 for none', async () => {
    const c = json<{ name: string; codes: { system: string; code: string }[] }>(
      await app.inject({ url: '/api/v1/countries/sdn' }),
    );
    assert.equal(c.name, 'Sudan');
    assert.ok(c.codes.some((x) => x.system === 'cow' && x.code === '625'));
    problem(await app.inject({ url: '/api/v1/countries/narnia' }), 404);
  });

  it('shows the values known for a country on a date, with sources', async () => {
    const d = json<{
      country: { id: string };
      asOf: string;
      values: { variable: string; year: number; availableFrom: string; source: string }[];
    }>(await app.inject({ url: '/api/v1/countries/sdn/data?asOf=2012&variable=pts' }));
    assert.equal(d.country.id, 'sdn');
    assert.equal(d.asOf, '2012-12-31');
    assert.ok(d.values.length > 0);
    for (const v of d.values) {
      assert.match(v.variable, /pts/);
      assert.ok(v.availableFrom <= '2012-12-31' && v.source.startsWith('pts'));
    }
    const bad = problem(
      await app.inject({ url: '/api/v1/countries/sdn/data?asOf=2012-02-30' }),
      400,
    );
    assert.equal(bad.errors?.[0]?.field, 'asOf');
  });

  it('reports what the store covers', async () => {
    const c = json<{ items: { source: string; observations: number }[] }>(
      await app.inject({ url: '/api/v1/coverage' }),
    );
    assert.ok((c.items.find((r) => r.source === 'pts')?.observations ?? 0) > 50_000);
  });

  it('lists the frameworks and shows one, 404 for an unknown one', async () => {
    const list = json<{ items: { id: string; version: number; latest: boolean; file: string }[] }>(
      await app.inject({ url: '/api/v1/frameworks' }),
    );
    assert.ok(list.items.some((f) => f.id === 'un-foa-2014'));
    assert.ok(
      list.items.every((f) => !f.file.includes('/')),
      'no server paths',
    );
    const v1 = json<{ id: string; version: number; groups: unknown[] }>(
      await app.inject({ url: '/api/v1/frameworks/preconditions-2011@1' }),
    );
    assert.equal(v1.version, 1);
    assert.equal(v1.groups.length, 4);
    problem(await app.inject({ url: '/api/v1/frameworks/nothing-like-it' }), 404);
  });

  it('assesses every country as of a year, Sudan in the top tiers', async () => {
    const r = json<{
      framework: { id: string };
      asOf: string;
      assessments: { country: { id: string }; tier: string | null; score: number | null }[];
    }>(await app.inject({ url: '/api/v1/assessments?asOf=2012' }));
    assert.equal(r.framework.id, 'preconditions-2011');
    assert.equal(r.asOf, '2012-12-31');
    assert.equal(r.assessments.length, 201);
    assert.ok(r.assessments.filter((a) => a.tier !== null).length > 150);
    const sudan = r.assessments.find((a) => a.country.id === 'sdn');
    assert.ok(sudan?.tier === 'extreme' || sudan?.tier === 'high', `Sudan ${sudan?.tier}`);
    const one = json<typeof r>(
      await app.inject({ url: '/api/v1/assessments?asOf=2012&country=Sudan' }),
    );
    assert.deepEqual(one.assessments, [sudan]);
    const bad = problem(
      await app.inject({ url: '/api/v1/assessments?asOf=2012&country=Narnia' }),
      400,
    );
    assert.equal(bad.errors?.[0]?.field, 'country');
  });

  it("gives a country's score and tier at each year-end", async () => {
    const t = json<{ points: { year: number; tier: string | null; score: number | null }[] }>(
      await app.inject({ url: '/api/v1/assessments/trend?country=sdn&from=2008&to=2012' }),
    );
    assert.deepEqual(
      t.points.map((p) => p.year),
      [2008, 2009, 2010, 2011, 2012],
    );
    for (const p of t.points) assert.ok(p.tier === 'extreme' || p.tier === 'high', `${p.year}`);
    const bad = problem(
      await app.inject({ url: '/api/v1/assessments/trend?country=sdn&from=2012&to=2008' }),
      400,
    );
    assert.equal(bad.errors?.[0]?.field, 'from');
  });

  it('answers a summary of the world for maps and lists: the same tiers without the evidence', async () => {
    const full = await app.inject({ url: '/api/v1/assessments?asOf=2012' });
    const summary = await app.inject({ url: '/api/v1/assessments?asOf=2012&detail=summary' });
    type Row = {
      country: { id: string };
      tier: string | null;
      score: number | null;
      factors?: unknown;
    };
    const a = json<{ assessments: Row[] }>(full).assessments;
    const b = json<{ assessments: Row[] }>(summary).assessments;
    assert.deepEqual(
      b.map((r) => [r.country.id, r.tier, r.score]),
      a.map((r) => [r.country.id, r.tier, r.score]),
    );
    assert.ok(b.every((r) => r.factors === undefined) && a.every((r) => Array.isArray(r.factors)));
    assert.ok(
      summary.body.length * 10 < full.body.length,
      `${summary.body.length} vs ${full.body.length}`,
    );
    const bad = problem(await app.inject({ url: '/api/v1/assessments?detail=brief' }), 400);
    assert.equal(bad.errors?.[0]?.field, 'detail');
  });

  it('backtests the tiers against the following decade', async () => {
    const b = json<{
      tiers: { tier: string; total: number; atrocities: number }[];
      countries: number;
      topTwoRecall: number;
    }>(await app.inject({ url: '/api/v1/backtests?asOf=1997&window=1998-2008' }));
    assert.deepEqual(
      b.tiers.map((t) => t.tier),
      ['extreme', 'high', 'moderate', 'low', 'negligible'],
    );
    assert.ok(b.countries > 100);
    assert.ok(b.topTwoRecall > 0.5, `recall ${b.topTwoRecall}`);
    const bad = problem(await app.inject({ url: '/api/v1/backtests?asOf=1997' }), 400);
    assert.equal(bad.errors?.[0]?.field, 'window');
  });

  it('lists the watch list: under way apart, new-onset ranks for the others', async () => {
    const w = json<{
      asOf: string;
      forecast: { origin: number | null };
      countries: {
        country: { id: string };
        underWay: boolean;
        onsetRank: number | null;
        tier: string | null;
        tierWithoutFloor: string | null;
      }[];
    }>(await app.inject({ url: '/api/v1/watchlist?asOf=1997' }));
    assert.equal(w.asOf, '1997-12-31');
    assert.equal(w.forecast.origin, 1996);
    const sudan = w.countries.find((c) => c.country.id === 'sdn')!;
    assert.equal(sudan.underWay, true);
    assert.equal(sudan.onsetRank, null);
    assert.ok(w.countries.some((c) => c.onsetRank === 1 && !c.underWay));
    const bad = problem(await app.inject({ url: '/api/v1/watchlist/backtests?asOf=1997' }), 400);
    assert.equal(bad.errors?.[0]?.field, 'window');
    problem(await app.inject({ url: '/api/v1/watchlist?model=..%2Fx' }), 400);
  });

  it('lists the episodes by decade, filtered by context', async () => {
    const all = json<{ decades: { total: number }[]; episodes: { context: string }[] }>(
      await app.inject({ url: '/api/v1/episodes' }),
    );
    assert.ok(all.episodes.length > 50);
    const peace = json<{ episodes: { context: string }[] }>(
      await app.inject({ url: '/api/v1/episodes?context=peace&by=none' }),
    );
    assert.ok(peace.episodes.length > 0 && peace.episodes.length < all.episodes.length);
    assert.ok(peace.episodes.every((e) => e.context === 'peace'));
  });

  it('forecasts an origin year and explains a country', async () => {
    const f = json<{
      origin: number;
      topN: number;
      forecasts: { countryId: string; rank: number; risk: number; top: boolean }[];
    }>(await app.inject({ url: '/api/v1/forecasts?origin=2012&spec=ewp-reference' }));
    assert.equal(f.origin, 2012);
    assert.equal(f.forecasts.length, f.topN);
    assert.ok(f.forecasts.every((r) => r.top && r.risk > 0 && r.risk < 1));
    assert.ok(
      f.forecasts.slice(0, 10).some((r) => r.countryId === 'sdn'),
      'Sudan among the first ten',
    );
    const e = json<{ countryId: string; origin: number; previousOrigin: number; terms: unknown[] }>(
      await app.inject({
        url: '/api/v1/forecasts/explain?country=sdn&origin=2012&spec=ewp-reference',
      }),
    );
    assert.equal(e.previousOrigin, 2011);
    assert.ok(e.terms.length > 5);
    problem(await app.inject({ url: '/api/v1/forecasts?spec=..%2F..%2Fpackage' }), 400);
    problem(await app.inject({ url: '/api/v1/forecasts?spec=nothing-like-it' }), 400);
  });

  it('plans prevention for a country, drafts its needs and finds capacity gaps', async () => {
    const p = json<{ plan: { countryId: string; measures: unknown[]; risk: { tier: string } } }>(
      await app.inject({ url: '/api/v1/countries/sdn/plan?asOf=2012' }),
    );
    assert.equal(p.plan.countryId, 'sdn');
    assert.equal(p.plan.risk.tier, 'extreme');
    assert.ok(p.plan.measures.length > 0);
    const n = json<{ countryId: string; parts: Record<string, unknown[]> }>(
      await app.inject({ url: '/api/v1/countries/sdn/needs?asOf=2012' }),
    );
    assert.equal(n.countryId, 'sdn');
    assert.ok(Object.values(n.parts).some((items) => items.length > 0));
    const g = json<{ countries: number; gaps: unknown[] }>(
      await app.inject({ url: '/api/v1/capacity/gaps?region=africa&asOf=2012' }),
    );
    assert.ok(g.countries > 40, `${g.countries} countries in Africa`);
    problem(await app.inject({ url: '/api/v1/countries/narnia/plan' }), 404);
    assert.equal(
      problem(await app.inject({ url: '/api/v1/capacity/gaps?region=atlantis' }), 400).errors?.[0]
        ?.field,
      'region',
    );
  });

  it('gives the escalation status and a timeline', async () => {
    const s = json<{ asOf: string; statuses: { countryId: string; stage: string }[] }>(
      await app.inject({ url: '/api/v1/escalation/status?asOf=2012&all=true' }),
    );
    assert.equal(s.asOf, '2012-12-31');
    assert.ok(s.statuses.length > 150);
    const t = json<{ country: { id: string }; timeline: { date: string }[] }>(
      await app.inject({
        url: '/api/v1/escalation/timeline?country=Sudan&from=2011&to=2012&step=quarter&every=true',
      }),
    );
    assert.equal(t.country.id, 'sdn');
    assert.equal(t.timeline.length, 8);
    assert.equal(t.timeline[7]?.date, '2012-12-31');
  });

  it('takes field reports from signed-in users only, and stores hostile text inertly', async () => {
    const hostile = "'; drop table events; --";
    const script = '<script>alert(1)</script>';
    const body = {
      country: 'Iceland',
      date: today,
      category: 'crisis.unconstitutional-change.coup',
      place: { name: script, latitude: 64.1, longitude: -21.9 },
      perpetrators: ['Army faction:state-forces'],
      sharing: 'GREEN',
      notes: hostile,
    };
    problem(await app.inject({ method: 'POST', url: '/api/v1/reports', payload: body }), 401);
    problem(
      await app.inject({
        method: 'POST',
        url: '/api/v1/reports',
        payload: body,
        headers: as('reader-token'),
      }),
      403,
    );
    problem(
      await app.inject({
        method: 'POST',
        url: '/api/v1/reports',
        payload: body,
        headers: as('viewer-token'),
      }),
      403,
    );
    problem(
      await app.inject({
        method: 'POST',
        url: '/api/v1/reports',
        payload: body,
        headers: as('forged'),
      }),
      401,
    );
    const created = json<{
      report: { event: { key: string; notes: string; place: { name: string } }; state: string };
    }>(
      await app.inject({
        method: 'POST',
        url: '/api/v1/reports',
        payload: body,
        headers: as('analyst-token'),
      }),
      201,
    );
    assert.equal(created.report.state, 'submitted');
    assert.equal(created.report.event.notes, hostile);
    assert.equal(created.report.event.place.name, script);
    const listed = json<Page<{ event: { key: string; notes: string } }>>(
      await app.inject({ url: '/api/v1/reports?country=isl', headers: as('analyst-token') }),
    );
    const mine = listed.items.find((r) => r.event.key === created.report.event.key);
    assert.equal(mine?.event.notes, hostile, 'returned as written, the events table intact');

    const key = created.report.event.key.slice('report:'.length);
    const reviewed = json<{ report: { state: string } }>(
      await app.inject({
        method: 'POST',
        url: `/api/v1/reports/${key}/review`,
        payload: { state: 'verified', note: script },
        headers: as('analyst-token'),
      }),
    );
    assert.equal(reviewed.report.state, 'verified');
    problem(
      await app.inject({
        method: 'POST',
        url: '/api/v1/reports/00000000-0000-0000-0000-000000000000/review',
        payload: { state: 'verified' },
        headers: as('analyst-token'),
      }),
      404,
    );
    const badState = problem(
      await app.inject({
        method: 'POST',
        url: `/api/v1/reports/${key}/review`,
        payload: { state: 'approved' },
        headers: as('analyst-token'),
      }),
      400,
    );
    assert.equal(badState.errors?.[0]?.field, 'state');
  });

  it('keeps AMBER reports within their organisation', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/reports',
      payload: {
        country: 'Iceland',
        date: today,
        category: 'mobilisation.hate-propaganda',
        notes: 'amber',
      },
      headers: as('analyst-token'),
    });
    const key = json<{ report: { event: { key: string; sharing: string } } }>(res, 201).report
      .event;
    assert.equal(key.sharing, 'AMBER');
    const keys = async (headers: Record<string, string>) =>
      json<Page<{ event: { key: string } }>>(
        await app.inject({ url: '/api/v1/reports?limit=500', headers }),
      ).items.map((r) => r.event.key);
    assert.ok((await keys(as('analyst-token'))).includes(key.key));
    assert.ok(!(await keys(as('other-analyst-token'))).includes(key.key));
    assert.ok(!(await keys({})).includes(key.key));
  });

  it("lists a country's events in pages, field reports only for those who may see them", async () => {
    await importEvents(store, loadCountryRegistry(), {
      kind: 'ucdp-ged',
      path: sharedFile('events', 'ucdp-ged-23.1-sample.csv'),
      now: '2026-01-15T00:00:00.000Z',
    });
    const syria = await allPages<{
      key: string;
      date: { end: string };
      place: { latitude?: number };
    }>(app, '/api/v1/events?country=Syria&from=2012&to=2014&limit=20', (e) => e.key);
    assert.equal(syria.items.length, syria.total);
    assert.ok(syria.total > 20 && syria.pages > 1, `${syria.total} events in ${syria.pages} pages`);
    assert.ok(
      syria.items.every((e) => e.key.startsWith('ucdp-ged:') && e.date.end >= '2012-01-01'),
    );
    assert.ok(syria.items.every((e) => typeof e.place.latitude === 'number'));
    const dates = syria.items.map((e) => e.date.end);
    assert.deepEqual(dates, [...dates].sort(), 'oldest first');
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/reports',
      payload: { country: 'Iceland', date: today, category: 'mobilisation.hate-propaganda' },
      headers: as('analyst-token'),
    });
    const key = json<{ report: { event: { key: string } } }>(res, 201).report.event.key;
    const iceland = async (headers: Record<string, string>) =>
      json<Page<{ key: string }>>(
        await app.inject({ url: `/api/v1/events?country=ISL&from=${today}`, headers }),
      ).items.map((e) => e.key);
    assert.ok((await iceland(as('analyst-token'))).includes(key));
    assert.ok(!(await iceland(as('other-analyst-token'))).includes(key));
    assert.ok(!(await iceland({})).includes(key));
    assert.equal(problem(await app.inject({ url: '/api/v1/events' }), 400).status, 400);
    const bad = problem(
      await app.inject({ url: '/api/v1/events?country=SYR&from=2014&to=2012' }),
      400,
    );
    assert.match(bad.detail ?? '', /"to" is before from/);
  });

  it('refuses field reports of the wrong shape, naming the field', async () => {
    const post = (payload: unknown, headers: Record<string, string> = {}) =>
      app.inject({
        method: 'POST',
        url: '/api/v1/reports',
        payload: payload as Record<string, unknown>,
        headers: { ...as('analyst-token'), ...headers },
      });
    const good = {
      country: 'Iceland',
      date: today,
      category: 'crisis.unconstitutional-change.coup',
    };
    const field = async (payload: unknown) => problem(await post(payload), 400).errors?.[0]?.field;
    assert.equal(await field({ ...good, date: 20240101 }), 'date');
    assert.equal(await field({ ...good, deaths: { best: '5' } }), 'deaths.best');
    assert.equal(await field({ ...good, place: { latitude: 'north' } }), 'place.latitude');
    assert.equal(await field({ ...good, admin: true }), 'admin');
    assert.equal(await field({ country: 'Iceland', date: today }), 'category');
    assert.equal(await field({ ...good, category: "'; drop table events; --" }), 'category');
    assert.equal(await field({ ...good, date: '2999-01-01' }), 'date');
    assert.equal(await field({ ...good, deaths: { best: 5, low: 9 } }), 'deaths.best');
    assert.equal(await field({ ...good, country: 'Narnia' }), 'country');
    assert.equal(await field({ ...good, perpetrators: ['Militia:dragons'] }), 'perpetrators');
    assert.equal(await field([good]), '');
    problem(
      await app.inject({
        method: 'POST',
        url: '/api/v1/reports',
        body: '{"country": "Iceland",',
        headers: { ...as('analyst-token'), 'content-type': 'application/json' },
      }),
      400,
    );
    problem(
      await app.inject({
        method: 'POST',
        url: '/api/v1/reports',
        body: JSON.stringify({ ...good, __proto__: { admin: true } }).replace(
          '}',
          ',"__proto__":{"x":1}}',
        ),
        headers: { ...as('analyst-token'), 'content-type': 'application/json' },
      }),
      400,
    );
    problem(
      await app.inject({
        method: 'POST',
        url: '/api/v1/reports',
        payload: JSON.stringify({ ...good, notes: 'x'.repeat(70 * 1024) }),
        headers: { ...as('analyst-token'), 'content-type': 'application/json' },
      }),
      413,
    );
    problem(
      await app.inject({
        method: 'POST',
        url: '/api/v1/reports',
        body: 'country=Iceland',
        headers: { ...as('analyst-token'), 'content-type': 'application/x-www-form-urlencoded' },
      }),
      415,
    );
  });

  it('raises alerts from reports, lists them in pages, and lets users handle them', async () => {
    const list = await allPages<{ id: number; countryId: string; kind: string }>(
      app,
      '/api/v1/alerts?filter=all&limit=1',
      (a) => String(a.id),
      as('analyst-token'),
    );
    assert.equal(list.items.length, list.total);
    const rise = list.items.find((a) => a.countryId === 'isl' && a.kind === 'stage-rise');
    assert.ok(rise, `a stage rise in Iceland among ${JSON.stringify(list.items)}`);
    problem(
      await app.inject({ method: 'POST', url: `/api/v1/alerts/${rise.id}/acknowledge` }),
      401,
    );
    const acked = json<{ acknowledgedAt: string | null; acknowledgedBy: string }>(
      await app.inject({
        method: 'POST',
        url: `/api/v1/alerts/${rise.id}/acknowledge`,
        headers: as('analyst-token'),
      }),
    );
    assert.ok(acked.acknowledgedAt);
    assert.equal(acked.acknowledgedBy, 'ana');
    const resolved = json<{ resolvedAt: string | null }>(
      await app.inject({
        method: 'POST',
        url: `/api/v1/alerts/${rise.id}/resolve`,
        headers: as('analyst-token'),
      }),
    );
    assert.ok(resolved.resolvedAt);
    problem(
      await app.inject({
        method: 'POST',
        url: '/api/v1/alerts/99999/acknowledge',
        headers: as('analyst-token'),
      }),
      404,
    );
    const bad = problem(
      await app.inject({
        method: 'POST',
        url: '/api/v1/alerts/1%20or%201=1/acknowledge',
        headers: as('analyst-token'),
      }),
      400,
    );
    assert.equal(bad.errors?.[0]?.field, 'id');
  });

  it('records analyst overrides and applies them to assessments', async () => {
    const payload = {
      country: 'Iceland',
      factor: 'armed-conflict',
      severity: 4,
      reason: 'field sources',
      source: '<img src=x onerror=alert(1)>',
      effectiveFrom: '2000-01-01',
      tlp: 'GREEN',
    };
    problem(await app.inject({ method: 'POST', url: '/api/v1/overrides', payload }), 401);
    const o = json<{ id: number; by: string; source: string }>(
      await app.inject({
        method: 'POST',
        url: '/api/v1/overrides',
        payload,
        headers: as('analyst-token'),
      }),
      201,
    );
    assert.equal(o.by, 'ana');
    assert.equal(o.source, payload.source);
    const listed = json<Page<{ id: number }>>(
      await app.inject({ url: '/api/v1/overrides?country=isl', headers: as('analyst-token') }),
    );
    assert.deepEqual(
      listed.items.map((x) => x.id),
      [o.id],
    );
    const a = json<{
      assessments: { factors: { id: string; override?: { severity: number } }[] }[];
    }>(
      await app.inject({
        url: '/api/v1/assessments?asOf=2012&country=isl',
        headers: as('analyst-token'),
      }),
    );
    const factor = a.assessments[0]?.factors.find((f) => f.id === 'armed-conflict');
    assert.equal(factor?.override?.severity, 4);
    const field = async (over: Record<string, unknown>) =>
      problem(
        await app.inject({
          method: 'POST',
          url: '/api/v1/overrides',
          payload: { ...payload, ...over },
          headers: as('analyst-token'),
        }),
        400,
      ).errors?.[0]?.field;
    assert.equal(await field({ severity: 9 }), 'severity');
    assert.equal(await field({ factor: 'no-such-factor' }), 'factor');
    assert.equal(await field({ effectiveFrom: '2000-13-45' }), 'effectiveFrom');
  });

  it('answers hostile paths and unknown routes with problems, never a file', async () => {
    for (const url of [
      '/api/v1/countries/..%2f..%2fetc%2fpasswd',
      '/api/v1/countries/..%2F..%2F..%2Fpackage.json',
      '/api/v1/countries/%00',
      '/api/v1/countries/sdn%00/data',
      '/api/v1/frameworks/..%2f..%2fcontent%2fcountries%2fcountries',
      '/api/v1/../../../etc/passwd',
      '/../../../etc/passwd',
      '/api/v1/nothing',
      '/api/v1/countries/sdn/data/../../../../etc/passwd',
      '/%2e%2e/%2e%2e/etc/passwd',
    ]) {
      const res = await app.inject({ url });
      assert.ok(res.statusCode === 400 || res.statusCode === 404, `${url}: ${res.statusCode}`);
      problem(res, res.statusCode);
      assert.doesNotMatch(res.body, /root:|"dependencies"|"aliases"/, url);
    }
    problem(await app.inject({ method: 'DELETE', url: '/api/v1/countries' }), 404);
    const wrong = problem(await app.inject({ url: '/api/v1/countries?limit=0' }), 400);
    assert.equal(wrong.errors?.[0]?.field, 'limit');
    assert.equal(
      problem(await app.inject({ url: '/api/v1/countries?limit=1&limit=2' }), 400).errors?.[0]
        ?.field,
      'limit',
    );
    assert.equal(
      problem(await app.inject({ url: '/api/v1/countries?cursor=%3Cscript%3E' }), 400).errors?.[0]
        ?.field,
      'cursor',
    );
    assert.equal(
      problem(await app.inject({ url: '/api/v1/countries?cursor=bm9uZQ' }), 400).errors?.[0]?.field,
      'cursor',
    );
    assert.equal(
      problem(await app.inject({ url: "/api/v1/escalation/status?asOf=2012'%20or%201=1" }), 400)
        .errors?.[0]?.field,
      'asOf',
    );
    problem(
      await app.inject({
        url: '/api/v1/health',
        headers: { authorization: 'Basic YWRtaW46YWRtaW4=' },
      }),
      401,
    );
  });

  it('describes itself in OpenAPI 3 and serves the docs', async () => {
    const doc = json<{ openapi: string; paths: Record<string, unknown> }>(
      await app.inject({ url: '/api/v1/openapi.json' }),
    );
    assert.match(doc.openapi, /^3\./);
    for (const path of [
      '/api/v1/assessments',
      '/api/v1/reports',
      '/api/v1/alerts/{id}/acknowledge',
    ])
      assert.ok(path in doc.paths, path);
    const docs = await app.inject({ url: '/api/v1/docs/' });
    assert.equal(docs.statusCode, 200);
    assert.match(docs.body, /swagger/i);
  });

  it('answers a failure as a 500 problem without the cause', async () => {
    const broken = await target.fresh();
    const server = await buildServer({
      store: broken,
      authenticate: testAuthenticate,
      webRoot: '/nonexistent',
    });
    try {
      await broken.close();
      problem(await server.inject({ url: '/api/v1/countries/sdn/data' }), 500);
    } finally {
      await server.close();
    }
  });

  it('limits writes per client with 429', async () => {
    const server = await buildServer({
      store,
      authenticate: testAuthenticate,
      webRoot: '/nonexistent',
      writesPerMinute: 2,
    });
    try {
      const ack = () =>
        server.inject({
          method: 'POST',
          url: '/api/v1/alerts/99999/resolve',
          headers: as('analyst-token'),
        });
      problem(await ack(), 404);
      problem(await ack(), 404);
      const limited = await ack();
      problem(limited, 429);
      assert.ok(limited.headers['retry-after']);
    } finally {
      await server.close();
    }
  });
});

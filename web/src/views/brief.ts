/**
 * Country brief: one printable page (print styles in `print.css`; the browser's "Save as
 * PDF" makes the PDF) with the tier and why, the trend, the path of escalation and the plan.
 */
import { get } from '../api.js';
import { scoreTrend } from '../charts.js';
import { h, replace } from '../dom.js';
import type { RouteContext } from '../router.js';
import { link } from '../router.js';
import { planView } from '../planning.js';
import type { AssessReport, CountryStatus } from '../types.js';
import { notice, pageTitle } from '../ui.js';
import { isUnknownCountry, unknownCountryPage } from './unknown-country.js';
import { assessmentSummary, factorList } from './country.js';

/** Draws the brief. Resolves when every part is on the page. */
export async function briefView(ctx: RouteContext): Promise<void> {
  const { params, query, main } = ctx;
  const id = params.id!;
  const year = Number(query.get('asOf')) || new Date().getFullYear();
  const framework = query.get('framework') ?? undefined;
  const asOf = `${year}-12-31`;
  const settle = <T>(p: Promise<T>) =>
    p.then(
      (value) => ({ ok: true as const, value }),
      (error: unknown) => ({ ok: false as const, error }),
    );
  const [report, trend, status, plan] = await Promise.all([
    get<AssessReport>('/assessments', { asOf: year, country: id, framework }).catch(
      (error: unknown) => {
        if (isUnknownCountry(error)) return undefined;
        throw error;
      },
    ),
    settle(
      get<{ points: { year: number; score: number | null; tier: string | null }[] }>(
        '/assessments/trend',
        { country: id, framework, from: year - 15, to: year },
      ),
    ),
    settle(get<{ statuses: CountryStatus[] }>('/escalation/status', { asOf, all: true })),
    settle(get<unknown>(`/countries/${encodeURIComponent(id)}/plan`, { asOf })),
  ]);
  const a = report?.assessments[0];
  if (!report || !a) {
    await unknownCountryPage(main, id, (c) => link(`/country/${c}/brief`, { asOf: year }), year);
    return;
  }
  pageTitle(`${a.country.name}: country brief`);
  const s = status.ok ? status.value.statuses.find((x) => x.countryId === id) : undefined;
  const print = h(
    'button',
    { type: 'button', class: 'no-print', id: 'print', on: { click: () => window.print() } },
    'Print or save as PDF',
  );
  replace(
    main,
    h(
      'article',
      { class: 'view brief' },
      h(
        'header',
        { class: 'view-header' },
        h(
          'p',
          { class: 'crumbs no-print' },
          h(
            'a',
            { href: link(`/country/${id}`, { asOf: year, framework }) },
            `${a.country.name}: country lens`,
          ),
          ' › ',
        ),
        h('h1', { id: 'view-title', tabindex: -1 }, `${a.country.name}: country brief`),
        h(
          'p',
          { class: 'caption' },
          `As of ${report.asOf}. Structural risk on ${report.framework.title} (${report.framework.id} v${report.framework.version}); every figure from data public on that date.`,
        ),
        print,
      ),
      h(
        'section',
        { class: 'panel' },
        h('h2', {}, 'Summary'),
        assessmentSummary(a, `${report.framework.id} v${report.framework.version}`),
      ),
      h(
        'section',
        { class: 'panel' },
        h('h2', {}, 'Trend'),
        trend.ok
          ? scoreTrend(
              trend.value.points.map((p) => ({ year: p.year, value: p.score, tier: p.tier })),
              `${a.country.name}: structural risk score by year`,
              640,
            )
          : notice(trend.error),
      ),
      h(
        'section',
        { class: 'panel' },
        h('h2', {}, 'Path of escalation'),
        status.ok
          ? h(
              'p',
              {},
              s
                ? `Stage ${s.stage}${s.imminent ? ', atrocities look imminent' : ''}${s.redFlags.length ? `; red flags: ${s.redFlags.join(', ')}` : ''}. Indicators: ${s.indicators.map((i) => `${i.title} (${i.events} events)`).join('; ') || 'none'}.`
                : 'No indicator of the path of escalation fired.',
            )
          : notice(status.error),
      ),
      h(
        'section',
        { class: 'panel' },
        h('h2', {}, 'Prevention plan and pitfalls'),
        ...(plan.ok ? planView(plan.value) : [notice(plan.error)]),
      ),
      h('section', { class: 'panel' }, h('h2', {}, 'Factors and evidence'), factorList(a)),
      h(
        'footer',
        { class: 'brief-footer' },
        `Atrocity Prevention Lens · ${a.country.name} · as of ${report.asOf}`,
      ),
    ),
  );
}

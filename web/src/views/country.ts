/**
 * Country lens: the structural assessment (factors with their evidence and its coverage),
 * trends of score, probability and key indicators, the escalation status and timeline with
 * its events on a map, the needs assessment, the prevention plan with its pitfalls,
 * capacity and gaps, and the analysts' overrides. Each part loads on its own; a part the
 * server does not offer says so.
 */
import { get, getAll, post } from '../api.js';
import { lineTrend, scoreTrend, stageTimeline } from '../charts.js';
import { h, replace } from '../dom.js';
import type { Child } from '../dom.js';
import { count, num, percent, plural, score, stamp } from '../format.js';
import { countryFeatures, countryMap } from '../map.js';
import { STAGE_COLOURS } from '../palette.js';
import type { RouteContext } from '../router.js';
import { link } from '../router.js';
import { gapsView, needsView, planView } from '../planning.js';
import type {
  Assessment,
  AssessReport,
  CountryStatus,
  FactorAssessment,
  ForecastReport,
  LensEvent,
  Override,
  TimelineEntry,
} from '../types.js';
import {
  changeArrow,
  explain,
  facts,
  forecastOrigin,
  notice,
  pageTitle,
  section,
  tierBadge,
} from '../ui.js';
import { isUnknownCountry, unknownCountryPage } from './unknown-country.js';

/** Years of the score trend before the as-of year. */
const TREND_YEARS = 15;

/** Severity 0–4 as a bar with its number. */
function severityBar(severity: number | null): HTMLElement {
  if (severity === null) return h('span', { class: 'muted' }, 'no data');
  return h(
    'span',
    { class: 'severity', 'aria-label': `severity ${num(severity, 2)} of 4` },
    h('span', { class: 'severity-bar', style: `width:${(severity / 4) * 100}%` }),
    h('span', { class: 'severity-value' }, num(severity, 2)),
  );
}

/**
 * The factor table: severity, whether an override applies, the evidence and what is missing.
 * Indicators go by their plain names; the variable codes show on request (the `show-codes`
 * class on an enclosing element, set by `codeToggle`). With `collapsed`, each factor's
 * evidence is folded under its count (the lens); without, it is open (the brief).
 */
export function factorList(a: Assessment, options: { collapsed?: boolean } = {}): HTMLElement {
  const groups = new Map(a.groups.map((g) => [g.id, g]));
  const byGroup = new Map<string, FactorAssessment[]>();
  for (const f of a.factors) byGroup.set(f.group, [...(byGroup.get(f.group) ?? []), f]);
  return h(
    'div',
    { class: 'factors' },
    ...[...byGroup].map(([group, factors]) =>
      h(
        'div',
        { class: 'factor-group', 'data-group': group },
        h(
          'h3',
          {},
          groups.get(group)?.title ?? group,
          ' ',
          h('span', { class: 'muted' }, `score ${score(groups.get(group)?.score)}`),
        ),
        h(
          'ul',
          { class: 'factor-list' },
          ...factors.map((f) =>
            h(
              'li',
              { class: 'factor', 'data-factor': f.id },
              h(
                'div',
                { class: 'factor-head' },
                h('span', { class: 'factor-title' }, f.title),
                severityBar(f.severity),
              ),
              f.override
                ? h(
                    'p',
                    { class: 'override-note' },
                    f.overrideApplied ? 'Analyst override applied' : 'Analyst view (not applied)',
                    `: ${num(f.override.severity)} (computed ${num(f.computedSeverity)}) by ${f.override.by}: ${f.override.reason} [${f.override.source}]`,
                  )
                : null,
              f.evidence.length
                ? foldable(
                    options.collapsed === true,
                    `Evidence (${plural(f.evidence.length, 'value')})`,
                    h(
                      'table',
                      { class: 'data compact evidence' },
                      h('caption', { class: 'visually-hidden' }, `Evidence for ${f.title}`),
                      h(
                        'thead',
                        {},
                        h(
                          'tr',
                          {},
                          ...['indicator', 'variable', 'value', 'year', 'source', 'severity'].map(
                            (x) =>
                              h(
                                'th',
                                { scope: 'col', class: x === 'variable' ? 'code-col' : null },
                                x,
                              ),
                          ),
                        ),
                      ),
                      h(
                        'tbody',
                        {},
                        ...f.evidence.map((e) =>
                          h(
                            'tr',
                            {},
                            h('td', { 'data-label': 'indicator' }, e.indicator),
                            h(
                              'td',
                              { class: 'code-col', 'data-label': 'variable' },
                              h('code', {}, e.variable),
                            ),
                            h('td', { class: 'num' }, num(e.value)),
                            h('td', { class: 'num' }, e.year),
                            h('td', {}, e.release ? `${e.source} ${e.release}` : e.source),
                            h('td', { class: 'num' }, e.severity),
                          ),
                        ),
                      ),
                    ),
                  )
                : h(
                    'p',
                    { class: 'muted' },
                    f.kind === 'analyst' ? 'Set by analysts only.' : 'No evidence on this date.',
                  ),
              ...f.indicators
                .filter((i) => i.missing)
                .map((i) =>
                  h(
                    'p',
                    { class: 'missing' },
                    h('span', { class: 'visually-hidden' }, 'Missing: '),
                    `${i.title}: ${i.missing}`,
                  ),
                ),
            ),
          ),
        ),
      ),
    ),
  );
}

/** `content` folded under `summary` when `fold`, else as it is. */
function foldable(fold: boolean, summary: string, content: HTMLElement): HTMLElement {
  return fold
    ? h('details', { class: 'evidence-fold' }, h('summary', {}, summary), content)
    : content;
}

/**
 * A switch that shows the variable codes beside the indicators' plain names across the
 * view it is in (they are hidden until asked for).
 */
export function codeToggle(): HTMLElement {
  const box = h('input', { type: 'checkbox', id: 'show-codes' });
  box.addEventListener('change', () =>
    box.closest('.view')?.classList.toggle('show-codes', box.checked),
  );
  return h(
    'p',
    { class: 'code-toggle no-print' },
    box,
    h('label', { for: 'show-codes' }, ' Show variable codes'),
  );
}

/** The header facts of an assessment. */
export function assessmentSummary(a: Assessment, framework: string): HTMLElement {
  return facts([
    ['Tier', tierBadge(a.tier)],
    ['Score', `${score(a.score)} of 4`],
    ['Coverage', `${percent(a.coverage, 0)} of the indicators had data`],
    [
      'Change',
      a.change
        ? [
            changeArrow(a.change.direction, a.change.delta),
            ` since ${a.change.previousAsOf} (was ${a.change.previousTier ?? 'no tier'})`,
          ]
        : '–',
    ],
    ['Drivers', a.drivers.map((d) => `${d.title} (${num(d.severity)})`).join('; ') || '–'],
    ...(a.floor
      ? [
          [
            'Lifted',
            `${a.floor.reason} Score ${score(a.floor.unliftedScore)} before the lift, at least ${score(a.floor.score)} after.`,
          ] as [string, string],
        ]
      : []),
    ['Framework', framework],
  ]);
}

function statusBlock(s: CountryStatus | undefined): Child[] {
  if (!s) return [h('p', {}, 'Stage: none (no indicator of the path of escalation fired).')];
  return [
    h(
      'p',
      { class: 'stage-line' },
      'Stage: ',
      h(
        'span',
        {
          class: `stage stage-${s.stage}`,
          style: `background:${STAGE_COLOURS[s.stage] ?? '#eee'}`,
        },
        s.stage,
      ),
      s.imminent ? h('strong', { class: 'imminent' }, ' atrocities look imminent') : null,
      s.redFlags.length ? ` · red flags: ${s.redFlags.join(', ')}` : '',
    ),
    h(
      'ul',
      { class: 'indicators' },
      ...s.indicators.map((i) =>
        h(
          'li',
          {},
          h('strong', {}, i.title),
          i.redFlag ? h('span', { class: 'red-flag' }, ' red flag') : null,
          ` (${i.stage}): ${plural(i.events, 'event')}${i.deaths ? `, ${plural(i.deaths, 'death')}` : ''}, ${i.from} to ${i.to}`,
          h(
            'details',
            {},
            h('summary', {}, `Evidence (${i.evidence.length})`),
            h('ul', {}, ...i.evidence.map((e) => h('li', {}, h('code', {}, e)))),
          ),
        ),
      ),
    ),
  ];
}

const FAMILY_COLOURS: Record<string, string> = {
  crisis: '#e69f00',
  mobilisation: '#cc79a7',
  violence: '#b30000',
  context: '#0072b2',
};

/**
 * Draws the country lens. Resolves when the summary and the factors are drawn; the other
 * parts load on their own (`settled`).
 */
export async function countryView(ctx: RouteContext): Promise<{ settled: Promise<void> }> {
  const { params, query, main } = ctx;
  const id = params.id!;
  const year = Number(query.get('asOf')) || new Date().getFullYear();
  const framework = query.get('framework') ?? undefined;
  const asOf = `${year}-12-31`;

  const report = await get<AssessReport>('/assessments', {
    asOf: year,
    country: id,
    framework,
  }).catch((error: unknown) => {
    if (isUnknownCountry(error)) return undefined;
    throw error;
  });
  const a = report?.assessments[0];
  if (!report || !a) {
    await unknownCountryPage(main, id, (c) => link(`/country/${c}`, { asOf: year }), year);
    return { settled: Promise.resolve() };
  }
  const name = a.country.name;
  pageTitle(name);
  const frameworkName = `${report.framework.title} (${report.framework.id} v${report.framework.version})`;
  const yearPicker = h('input', {
    type: 'number',
    id: 'as-of',
    min: 1975,
    max: 2100,
    value: year,
    'aria-label': 'As of the end of year',
  });
  yearPicker.addEventListener('change', () => {
    location.hash = link(`/country/${id}`, { asOf: yearPicker.value, framework });
  });

  // The latest forecast, shown in the header with its origin and in the trends.
  const forecastLoad = get<ForecastReport>('/forecasts', { all: true }).then(
    (f) => ({ ok: true as const, f }),
    (error: unknown) => ({ ok: false as const, error }),
  );
  const forecastSlot = h('div', { class: 'forecast-slot', 'aria-live': 'polite' });
  void forecastLoad.then((forecast) => {
    if (!forecast.ok) return;
    const own = forecast.f.forecasts.find((r) => r.countryId === id);
    replace(
      forecastSlot,
      h(
        'p',
        { class: 'forecast-headline' },
        h('strong', {}, 'Forecast: '),
        own
          ? `${percent(own.risk)} probability of a new mass killing in ${forecast.f.origin + 1}–${forecast.f.origin + forecast.f.horizonYears} (rank ${own.rank} of ${forecast.f.forecasts.length})`
          : `none for ${name}`,
      ),
      forecastOrigin(forecast.f.origin, forecast.f.horizonYears, year),
    );
  });

  const sections = [
    section(
      'Factors and evidence',
      'factors',
      async () => a,
      (x) => {
        return [codeToggle(), factorList(x, { collapsed: true })];
      },
    ),
    section(
      'Trends',
      'trends',
      async () => {
        const [trend, forecast] = await Promise.all([
          get<{ points: { year: number; score: number | null; tier: string | null }[] }>(
            '/assessments/trend',
            {
              country: id,
              framework,
              from: year - TREND_YEARS,
              to: year,
            },
          ),
          forecastLoad,
        ]);
        return { trend, forecast };
      },
      ({ trend, forecast }) => {
        const points = trend.points.map((p) => ({ year: p.year, value: p.score, tier: p.tier }));
        const own = forecast.ok ? forecast.f.forecasts.find((r) => r.countryId === id) : undefined;
        const history = h('div', { class: 'probability-history' });
        const loadHistory = h(
          'button',
          { type: 'button', id: 'load-probability' },
          'Show the probability over the last ten forecast years',
        );
        loadHistory.addEventListener('click', async () => {
          if (!forecast.ok) return;
          loadHistory.disabled = true;
          replace(
            history,
            h(
              'p',
              { class: 'muted', 'aria-live': 'polite' },
              'Loading (each forecast year fits a model)…',
            ),
          );
          const origins = Array.from({ length: 10 }, (_, i) => forecast.f.origin - 9 + i);
          const values: { year: number; value: number | null }[] = [];
          for (const origin of origins) {
            try {
              const f = await get<ForecastReport>('/forecasts', { origin, all: true });
              values.push({
                year: origin,
                value: f.forecasts.find((r) => r.countryId === id)?.risk ?? null,
              });
            } catch (error) {
              replace(history, notice(error));
              return;
            }
          }
          replace(
            history,
            lineTrend(
              values,
              `${name}: forecast probability of a new mass killing within two years, by forecast year`,
              { yLabel: 'probability (%)', percent: true },
            ),
          );
        });
        return [
          scoreTrend(
            points,
            `${name}: structural risk score by year, ${trend.points[0]?.year ?? ''}–${year}, coloured by tier`,
          ),
          h(
            'p',
            { class: 'forecast-line' },
            forecast.ok
              ? own
                ? `Forecast from ${forecast.f.origin}: ${percent(own.risk)} probability of a new mass killing in ${forecast.f.origin + 1}–${forecast.f.origin + forecast.f.horizonYears}${own.low != null && own.high != null ? ` (${Math.round((forecast.f.intervalLevel ?? 0.8) * 100)}% interval ${percent(own.low)}–${percent(own.high)})` : ''} (rank ${own.rank} of ${forecast.f.forecasts.length}).`
                : `No forecast for ${name} in the model of ${forecast.f.origin}.`
              : `Forecast: ${explain(forecast.error).message}`,
          ),
          forecast.ok && own ? loadHistory : null,
          history,
        ];
      },
    ),
    section(
      'Key indicators',
      'indicators',
      async () => {
        // The drivers' variables by their plain names; a third in reserve for one without
        // yearly values (a derived variable such as an episode count has none to draw).
        const names = new Map<string, string>();
        for (const d of a.drivers)
          for (const e of a.factors.find((f) => f.id === d.factor)?.evidence ?? [])
            if (!names.has(e.variable)) names.set(e.variable, e.indicator);
        const variables = [...names.keys()].slice(0, 3);
        const years = Array.from({ length: 11 }, (_, i) => year - 10 + i);
        const series = await Promise.all(
          variables.map(async (variable) => {
            const values = await Promise.all(
              years.map((y) =>
                get<{ values: { variable: string; value: number | null; year: number }[] }>(
                  `/countries/${encodeURIComponent(id)}/data`,
                  { asOf, year: y, variable },
                ).then((r) => ({
                  year: y,
                  value: r.values.find((v) => v.variable === variable)?.value ?? null,
                })),
              ),
            );
            return { variable, indicator: names.get(variable) ?? variable, values };
          }),
        );
        // No empty chart: a series needs two years with a value to draw a line.
        return series
          .filter((x) => x.values.filter((v) => v.value !== null).length >= 2)
          .slice(0, 2);
      },
      (series) =>
        series.length === 0
          ? h('p', { class: 'muted' }, 'No driver with yearly values on this date.')
          : h(
              'div',
              { class: 'chart-row' },
              ...series.map((s) =>
                h(
                  'div',
                  { 'data-variable': s.variable },
                  h('h3', {}, s.indicator, ' ', h('code', { class: 'code-col' }, s.variable)),
                  lineTrend(s.values, `${name}: ${s.indicator} by year`, {
                    yLabel: s.indicator,
                    width: 360,
                    height: 160,
                  }),
                ),
              ),
            ),
    ),
    section(
      'Path of escalation',
      'escalation',
      async () => {
        const [status, timeline, events, features] = await Promise.all([
          get<{ statuses: CountryStatus[] }>('/escalation/status', { asOf, all: true }),
          get<{ to: string; timeline: TimelineEntry[] }>('/escalation/timeline', {
            country: id,
            from: `${year - 3}-12-31`,
            to: asOf,
            step: 'month',
          }),
          getAll<LensEvent>(
            '/events',
            { country: id, from: `${year - 3}-12-31`, to: asOf },
            2000,
          ).catch((error: unknown) => error),
          countryFeatures('50m'),
        ]);
        return {
          status: status.statuses.find((s) => s.countryId === id),
          timeline,
          events,
          features,
        };
      },
      ({ status, timeline, events, features }) => {
        const points = Array.isArray(events)
          ? events
              .filter((e) => e.place?.latitude !== undefined && e.place.longitude !== undefined)
              .map((e) => {
                const family = e.category.split('.')[0] ?? 'context';
                return {
                  latitude: e.place!.latitude!,
                  longitude: e.place!.longitude!,
                  colour: FAMILY_COLOURS[family] ?? '#555',
                  radius: e.deaths?.best ? Math.min(9, 3 + Math.log10(1 + e.deaths.best) * 2) : 3,
                  label: `${e.date.start} ${e.category}${e.place?.name ? ` at ${e.place.name}` : ''}${e.deaths ? `, ${plural(e.deaths.best, 'death')}` : ''}`,
                };
              })
          : [];
        return [
          ...statusBlock(status),
          h('h3', {}, 'Timeline'),
          timeline.timeline.length
            ? stageTimeline(
                timeline.timeline,
                timeline.to,
                `${name}: stage on the path of escalation, monthly, to ${asOf}`,
              )
            : h('p', { class: 'muted' }, 'No checkpoint.'),
          h('h3', {}, 'Events on the map'),
          !Array.isArray(events)
            ? h('div', {}, h('p', { class: 'caption' }, 'Events: '), notice(events))
            : points.length === 0
              ? // No empty map: say what there is instead.
                h(
                  'p',
                  { class: 'muted', id: 'no-event-map' },
                  events.length === 0
                    ? `No events recorded in ${year - 3}–${year}.`
                    : `${plural(events.length, 'event')} in ${year - 3}–${year}, none with a location to map.`,
                )
              : h(
                  'div',
                  { class: 'event-map' },
                  countryMap(
                    features,
                    a.country.iso3,
                    points,
                    `${name}: ${plural(points.length, 'located event')}, ${year - 3}–${year}`,
                  ),
                  h(
                    'p',
                    { class: 'caption' },
                    points.length === events.length
                      ? `${plural(events.length, 'event')}, every one with a location. `
                      : `${count(points.length)} of ${plural(events.length, 'event')} have a location. `,
                    ...Object.entries(FAMILY_COLOURS).map(([f, c]) =>
                      h(
                        'span',
                        { class: 'key' },
                        h('span', { class: 'swatch', style: `background:${c}` }),
                        f,
                        ' ',
                      ),
                    ),
                  ),
                ),
        ];
      },
    ),
    section(
      'Needs assessment',
      'needs',
      () => get<unknown>(`/countries/${encodeURIComponent(id)}/needs`),
      (x) => needsView(x),
    ),
    section(
      'Prevention plan and pitfalls',
      'plan',
      () => get<unknown>(`/countries/${encodeURIComponent(id)}/plan`, { asOf }),
      (x) => planView(x),
    ),
    section(
      'Capacity and gaps',
      'capacity',
      () => get<unknown>('/capacity/gaps', { country: id }),
      (x) => gapsView(x),
    ),
    overridesSection(id, a, report.framework.id),
  ];

  replace(
    main,
    h(
      'div',
      { class: 'view country' },
      h(
        'header',
        { class: 'view-header' },
        h(
          'p',
          { class: 'crumbs' },
          h('a', { href: link('/watchlist', { asOf: year }) }, 'Watchlist'),
          ' › ',
        ),
        h('h1', { id: 'view-title', tabindex: -1 }, name),
        h(
          'div',
          { class: 'header-tools' },
          h('label', { for: 'as-of' }, 'As of the end of '),
          yearPicker,
          ' ',
          h(
            'a',
            {
              href: link(`/country/${id}/brief`, { asOf: year, framework }),
              class: 'button',
              id: 'brief-link',
            },
            'Country brief',
          ),
        ),
        assessmentSummary(a, frameworkName),
        forecastSlot,
      ),
      h(
        'nav',
        { class: 'toc', 'aria-label': 'Parts of the country lens' },
        h(
          'ul',
          {},
          ...sections.map((x) =>
            h(
              'li',
              {},
              h(
                'a',
                {
                  href: `#${x.el.id}`,
                  on: {
                    click: (e) => (
                      e.preventDefault(),
                      x.el.scrollIntoView(),
                      x.el.querySelector('h2')?.setAttribute('tabindex', '-1'),
                      x.el.querySelector('h2')?.focus()
                    ),
                  },
                },
                x.el.querySelector('h2')?.textContent ?? '',
              ),
            ),
          ),
        ),
      ),
      h('div', { class: 'sections' }, ...sections.map((x) => x.el)),
    ),
  );
  await sections[0]!.done;
  return { settled: Promise.all(sections.map((x) => x.done)).then(() => undefined) };
}

function overridesSection(
  id: string,
  a: Assessment,
  framework: string,
): { el: HTMLElement; done: Promise<void> } {
  return section(
    'Analyst notes and overrides',
    'overrides',
    () => getAll<Override>('/overrides', { country: id, framework }),
    (items) => {
      const list = h(
        'ul',
        { class: 'override-list' },
        ...items.map((o) =>
          h(
            'li',
            {},
            h('strong', {}, a.factors.find((f) => f.id === o.factorId)?.title ?? o.factorId),
            `: severity ${num(o.severity)} by ${o.by} on ${stamp(o.at)}. ${o.reason} [${o.source}]`,
          ),
        ),
      );
      const factor = h(
        'select',
        { id: 'override-factor', name: 'factor', required: true },
        ...a.factors.map((f) => h('option', { value: f.id }, f.title)),
      );
      const severity = h('input', {
        id: 'override-severity',
        name: 'severity',
        type: 'number',
        min: 0,
        max: 4,
        step: 0.5,
        required: true,
      });
      const reason = h('textarea', {
        id: 'override-reason',
        name: 'reason',
        required: true,
        rows: 2,
      });
      const source = h('input', { id: 'override-source', name: 'source', required: true });
      const result = h('p', { 'aria-live': 'polite', class: 'form-result' });
      const form = h(
        'form',
        { class: 'override-form', 'aria-label': 'Record an analyst override' },
        h('label', { for: 'override-factor' }, 'Factor'),
        factor,
        h('label', { for: 'override-severity' }, 'Severity (0–4)'),
        severity,
        h('label', { for: 'override-reason' }, 'Reason'),
        reason,
        h('label', { for: 'override-source' }, 'Source'),
        source,
        h('button', { type: 'submit' }, 'Record override'),
        result,
      );
      form.addEventListener('submit', async (e) => {
        e.preventDefault();
        if (!form.reportValidity()) return;
        try {
          const saved = await post<Override>('/overrides', {
            framework,
            country: id,
            factor: factor.value,
            severity: Number(severity.value),
            reason: reason.value,
            source: source.value,
          });
          list.append(
            h(
              'li',
              {},
              h('strong', {}, factor.selectedOptions[0]?.textContent ?? saved.factorId),
              `: severity ${num(saved.severity)} by ${saved.by}. ${saved.reason} [${saved.source}]`,
            ),
          );
          result.textContent =
            'Recorded. It applies from today; reload to see the assessment with it.';
          form.reset();
        } catch (error) {
          replace(result, notice(error));
        }
      });
      return [
        items.length ? list : h('p', { class: 'muted' }, 'No override recorded.'),
        h('details', {}, h('summary', {}, 'Record an override'), form),
      ];
    },
  );
}

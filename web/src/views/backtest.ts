/**
 * Backtest view: two frameworks' tiers as of a date against the mass killing of the
 * following years (per tier: countries, those with atrocities, the share; AUC and the recall
 * of the top two tiers; the misses), and the episodes since 1945 by decade of onset, begun
 * in war or in peace.
 */
import { get } from '../api.js';
import { groupedBars, stackedBars } from '../charts.js';
import { frameworkList } from '../data.js';
import { h, replace } from '../dom.js';
import { num, percent, plural } from '../format.js';
import { TIERS } from '../palette.js';
import type { RouteContext } from '../router.js';
import { link } from '../router.js';
import type { BacktestResult, EpisodesReport, FrameworkSummary } from '../types.js';
import { section, tierBadge } from '../ui.js';

/** Default as-of year: scores from what was public at the end of 1997, as in the field's classic test. */
const DEFAULT_AS_OF = 1997;
const DEFAULT_YEARS = 10;

function resultTable(
  results: readonly BacktestResult[],
  titles: ReadonlyMap<string, string>,
): HTMLElement {
  const name = (r: BacktestResult) => titles.get(r.framework) ?? r.framework;
  return h(
    'table',
    { class: 'data', id: 'backtest-table' },
    h(
      'caption',
      {},
      `Countries by tier as of ${results[0]?.asOf ?? ''}, and those with mass killing (${results[0]?.outcome ?? ''}) in ${results[0]?.window.from ?? ''}–${results[0]?.window.to ?? ''}`,
    ),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', { scope: 'col', rowspan: 2 }, 'Tier'),
        ...results.map((r) => h('th', { scope: 'colgroup', colspan: 3 }, name(r))),
      ),
      h(
        'tr',
        {},
        ...results.flatMap(() => [
          h('th', { scope: 'col', class: 'num' }, 'countries'),
          h('th', { scope: 'col', class: 'num' }, 'with atrocities'),
          h('th', { scope: 'col', class: 'num' }, 'share'),
        ]),
      ),
    ),
    h(
      'tbody',
      {},
      ...TIERS.map((t) =>
        h(
          'tr',
          { 'data-tier': t },
          h('th', { scope: 'row' }, tierBadge(t)),
          ...results.flatMap((r) => {
            const row = r.tiers.find((x) => x.tier === t);
            return [
              h('td', { class: 'num' }, row?.total ?? 0),
              h('td', { class: 'num' }, row?.atrocities ?? 0),
              h('td', { class: 'num' }, percent(row?.share ?? null, 0)),
            ];
          }),
        ),
      ),
    ),
    h(
      'tfoot',
      {},
      h(
        'tr',
        { 'data-metric': 'auc' },
        h('th', { scope: 'row' }, 'AUC'),
        ...results.map((r) => h('td', { colspan: 3, class: 'num auc' }, num(r.auc, 3))),
      ),
      h(
        'tr',
        {},
        h('th', { scope: 'row' }, 'Top two tiers: recall'),
        ...results.map((r) =>
          h(
            'td',
            { colspan: 3, class: 'num' },
            `${percent(r.topTwoRecall, 0)} of ${r.atrocityCountries} countries with atrocities`,
          ),
        ),
      ),
      h(
        'tr',
        {},
        h('th', { scope: 'row' }, 'Top two tiers: hit rate'),
        ...results.map((r) =>
          h('td', { colspan: 3, class: 'num' }, `${percent(r.topTwoShare, 0)} of ${r.topTwoSize}`),
        ),
      ),
    ),
  );
}

/** Draws the backtest view. Resolves when both parts have settled. */
export async function backtestView(ctx: RouteContext): Promise<void> {
  const { query, main } = ctx;
  const asOf = Number(query.get('asOf')) || DEFAULT_AS_OF;
  const window = query.get('window') ?? `${asOf + 1}-${asOf + DEFAULT_YEARS}`;
  const outcome = query.get('outcome') === 'onset' ? 'onset' : 'ongoing';
  const frameworks: FrameworkSummary[] = await frameworkList().catch(() => []);
  const ids = [...new Set(frameworks.map((f) => f.id))];
  const compare = query.get('compare') ?? (ids.length >= 2 ? `${ids[0]},${ids[1]}` : undefined);
  const context = query.get('context') ?? '';
  const titles = new Map(frameworks.map((f) => [f.id, f.title]));

  const form = h(
    'form',
    { class: 'controls', 'aria-label': 'Backtest settings' },
    h('label', { for: 'bt-asof' }, 'Scores as of the end of '),
    h('input', { id: 'bt-asof', name: 'asOf', type: 'number', min: 1975, max: 2100, value: asOf }),
    h('label', { for: 'bt-window' }, ' outcomes in '),
    h('input', {
      id: 'bt-window',
      name: 'window',
      value: window,
      pattern: '\\d{4}-\\d{4}',
      size: 9,
    }),
    h('label', { for: 'bt-outcome' }, ' counting '),
    h(
      'select',
      { id: 'bt-outcome', name: 'outcome' },
      h(
        'option',
        { value: 'ongoing', selected: outcome === 'ongoing' },
        'any mass killing under way',
      ),
      h('option', { value: 'onset', selected: outcome === 'onset' }, 'new onsets only'),
    ),
    h('button', { type: 'submit' }, 'Run'),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const v = new FormData(form);
    location.hash = link('/backtest', {
      asOf: String(v.get('asOf')),
      window: String(v.get('window')),
      outcome: String(v.get('outcome')),
      compare,
      context,
    });
  });

  const backtest = section(
    'Tiers against outcomes',
    'backtest',
    async () => {
      if (compare) {
        const r = await get<{
          frameworks: [string, string];
          results: [BacktestResult, BacktestResult];
        }>('/backtests', { asOf, window, outcome, compare });
        return r.results as BacktestResult[];
      }
      return [await get<BacktestResult>('/backtests', { asOf, window, outcome })];
    },
    (results) => [
      resultTable(results, titles),
      groupedBars(
        results.flatMap((r) =>
          r.tiers.map((t) => ({
            group: t.tier,
            series: titles.get(r.framework) ?? r.framework,
            value: t.share,
          })),
        ),
        'Share of countries in each tier that suffered mass killing, per framework',
        { groups: TIERS, yLabel: 'share with atrocities', percent: true, width: 640 },
      ),
      ...results.map((r) =>
        h(
          'div',
          { class: 'misses', 'data-framework': r.framework },
          h(
            'h3',
            {},
            `Misses of ${titles.get(r.framework) ?? r.framework}: atrocities in countries rated below high (${r.misses.length})`,
          ),
          r.misses.length
            ? h(
                'ul',
                {},
                ...r.misses.map((m) =>
                  h(
                    'li',
                    {},
                    h('a', { href: link(`/country/${m.countryId}`, { asOf }) }, m.name),
                    ' ',
                    tierBadge(m.tier),
                    ` score ${num(m.score, 2)}; ${m.episodes.join(', ')}`,
                  ),
                ),
              )
            : h('p', {}, 'None.'),
        ),
      ),
    ],
  );

  const contextSelect = h(
    'select',
    { id: 'ep-context' },
    h('option', { value: '' }, 'war and peace'),
    h('option', { value: 'war', selected: context === 'war' }, 'begun in war'),
    h('option', { value: 'peace', selected: context === 'peace' }, 'begun in peace'),
  );
  contextSelect.addEventListener('change', () => {
    location.hash = link('/backtest', {
      asOf,
      window,
      outcome,
      compare,
      context: contextSelect.value,
    });
  });
  const episodes = section(
    'Mass killing since 1945 by decade of onset',
    'episodes',
    () => get<EpisodesReport>('/episodes', { by: 'decade', context: context || undefined }),
    (r) => [
      h(
        'div',
        { class: 'controls' },
        h('label', { for: 'ep-context' }, 'Episodes '),
        contextSelect,
      ),
      stackedBars(
        r.decades.flatMap((d) => [
          { x: `${d.decade}s`, part: 'war', count: d.war },
          { x: `${d.decade}s`, part: 'peace', count: d.peace },
          { x: `${d.decade}s`, part: 'unknown', count: d.unknown },
        ]),
        'Mass-killing episodes by decade of onset, begun in war, in peace, or unknown',
        {
          parts: ['war', 'peace', 'unknown'],
          colours: ['#d7191c', '#2c7bb6', '#bdbdbd'],
          width: 640,
        },
      ),
      h(
        'table',
        { class: 'data compact', id: 'episodes-table' },
        h('caption', {}, plural(r.episodes.length, 'episode')),
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            ...['decade', 'total', 'war', 'peace', 'unknown', 'state-led', 'non-state'].map((x) =>
              h('th', { scope: 'col', class: x === 'decade' ? null : 'num' }, x),
            ),
          ),
        ),
        h(
          'tbody',
          {},
          ...r.decades.map((d) =>
            h(
              'tr',
              {},
              h('th', { scope: 'row' }, `${d.decade}s`),
              ...[d.total, d.war, d.peace, d.unknown, d.stateLed, d.nonState].map((n) =>
                h('td', { class: 'num' }, n),
              ),
            ),
          ),
        ),
      ),
      h('p', { class: 'caption' }, `Rule: ${r.rule}`),
    ],
  );

  replace(
    main,
    h(
      'div',
      { class: 'view backtest' },
      h(
        'header',
        { class: 'view-header' },
        h('h1', { id: 'view-title', tabindex: -1 }, 'Backtest'),
        h(
          'p',
          { class: 'caption' },
          `Each framework scores every country from what was public at the end of ${asOf}; the table sets its tiers against the mass killing of ${window}.`,
        ),
      ),
      form,
      backtest.el,
      episodes.el,
    ),
  );
  await Promise.all([backtest.done, episodes.done]);
}

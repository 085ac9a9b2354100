/**
 * Watchlist: every country with its tier, score and rank, forecast probability and rank,
 * escalation stage, change arrow and open alerts; sortable by any column, filterable by
 * name, tier and stage, exportable as CSV.
 */
import { get, getAll } from '../api.js';
import { h, replace } from '../dom.js';
import { percent, score } from '../format.js';
import { TIERS } from '../palette.js';
import type { RouteContext } from '../router.js';
import { link, setQuery } from '../router.js';
import { sortableTable, sortRows, tableCsv } from '../table.js';
import type { Column, SortState } from '../table.js';
import type { Alert, AssessReport, CountryStatus, ForecastReport } from '../types.js';
import { changeArrow, download, forecastOrigin, notice, tierBadge } from '../ui.js';

/** One row of the watchlist. */
interface Row {
  id: string;
  name: string;
  tier: string | null;
  score: number | null;
  rank: number | null;
  change: string | undefined;
  delta: number | null | undefined;
  probability: number | null;
  forecastRank: number | null;
  stage: string;
  imminent: boolean;
  alerts: number | null;
}

const STAGE_ORDER: Record<string, number> = { none: 0, crisis: 1, mobilisation: 2, violence: 3 };
const TIER_ORDER: Record<string, number> = {
  extreme: 5,
  high: 4,
  moderate: 3,
  low: 2,
  negligible: 1,
};

/** Draws the watchlist. Resolves when every column has its data (or says why not). */
export async function watchlistView(ctx: RouteContext): Promise<void> {
  const { query, main } = ctx;
  const year = Number(query.get('asOf')) || new Date().getFullYear();
  const framework = query.get('framework') ?? undefined;
  let sort: SortState = {
    key: query.get('sort') ?? 'score',
    dir: query.get('dir') === 'asc' ? 'asc' : 'desc',
  };
  let text = query.get('q') ?? '';
  let tierFilter = query.get('tier') ?? '';
  let stageFilter = query.get('stage') ?? '';

  const notes = h('div', { class: 'notes' });
  // Where the probability and forecast rank columns come from, above the table.
  const originHolder = h('div', { class: 'origin-holder' });
  const holder = h('div', { class: 'table-holder' }, h('p', { class: 'muted' }, 'Loading…'));
  const count = h('p', { class: 'count', 'aria-live': 'polite', id: 'watchlist-count' });
  const search = h('input', {
    type: 'search',
    id: 'filter',
    value: text,
    placeholder: 'Country',
    autocomplete: 'off',
  });
  const tierSelect = h(
    'select',
    { id: 'tier-filter' },
    h('option', { value: '' }, 'every tier'),
    ...TIERS.map((t) => h('option', { value: t, selected: t === tierFilter }, t)),
    h('option', { value: 'top2', selected: tierFilter === 'top2' }, 'extreme or high'),
  );
  const stageSelect = h(
    'select',
    { id: 'stage-filter' },
    h('option', { value: '' }, 'every stage'),
    ...['crisis', 'mobilisation', 'violence'].map((s) =>
      h('option', { value: s, selected: s === stageFilter }, `${s} or beyond`),
    ),
  );
  const exportButton = h('button', { type: 'button', id: 'export' }, 'Export CSV');
  replace(
    main,
    h(
      'div',
      { class: 'view watchlist' },
      h(
        'header',
        { class: 'view-header' },
        h('h1', { id: 'view-title', tabindex: -1 }, 'Watchlist'),
        h('p', { class: 'caption' }, `Every country as of the end of ${year}.`),
      ),
      h(
        'form',
        {
          class: 'controls',
          role: 'search',
          'aria-label': 'Filter the watchlist',
          on: { submit: (e) => e.preventDefault() },
        },
        h('label', { for: 'filter' }, 'Name '),
        search,
        h('label', { for: 'tier-filter' }, 'Tier '),
        tierSelect,
        h('label', { for: 'stage-filter' }, 'Stage '),
        stageSelect,
        exportButton,
      ),
      originHolder,
      count,
      holder,
      notes,
    ),
  );

  const assessed = await get<AssessReport>('/assessments', {
    asOf: year,
    framework,
    detail: 'summary',
  });
  const rows: Row[] = assessed.assessments.map((a, i) => ({
    id: a.country.id,
    name: a.country.name,
    tier: a.tier,
    score: a.score,
    rank: a.score === null ? null : i + 1,
    change: a.change?.direction,
    delta: a.change?.delta,
    probability: null,
    forecastRank: null,
    stage: 'none',
    imminent: false,
    alerts: null,
  }));
  const byId = new Map(rows.map((r) => [r.id, r]));
  let forecast: { origin: number; horizonYears: number } | undefined;
  const originNote = () => (forecast ? `of ${forecast.origin}` : null);

  const columns: Column<Row>[] = [
    {
      key: 'rank',
      label: 'Rank',
      numeric: true,
      sort: (r) => (r.rank === null ? null : -r.rank),
      cell: (r) => r.rank ?? '–',
      csv: (r) => r.rank,
    },
    {
      key: 'name',
      label: 'Country',
      sort: (r) => r.name,
      cell: (r) => h('a', { href: link(`/country/${r.id}`, { asOf: year }) }, r.name),
    },
    {
      key: 'tier',
      label: 'Tier',
      sort: (r) => (r.tier ? TIER_ORDER[r.tier] : null),
      cell: (r) => tierBadge(r.tier),
      csv: (r) => r.tier,
    },
    {
      key: 'score',
      label: 'Score',
      numeric: true,
      sort: (r) => r.score,
      cell: (r) => score(r.score),
    },
    {
      key: 'change',
      label: 'Change',
      numeric: true,
      // By the size of the move, risers and fallers alike: the biggest movers come first.
      sort: (r) => (r.delta === null || r.delta === undefined ? null : Math.abs(r.delta)),
      cell: (r) => changeArrow(r.change, r.delta),
      csv: (r) => r.change,
    },
    {
      key: 'probability',
      label: 'Probability',
      numeric: true,
      sort: (r) => r.probability,
      cell: (r) => percent(r.probability),
      note: originNote,
    },
    {
      key: 'forecastRank',
      label: 'Forecast rank',
      numeric: true,
      sort: (r) => (r.forecastRank === null ? null : -r.forecastRank),
      cell: (r) => r.forecastRank ?? '–',
      csv: (r) => r.forecastRank,
      note: originNote,
    },
    {
      key: 'stage',
      label: 'Stage',
      sort: (r) => STAGE_ORDER[r.stage] ?? 0,
      cell: (r) => [
        h('span', { class: `stage stage-${r.stage}` }, r.stage),
        r.imminent ? h('strong', { class: 'imminent' }, ' imminent') : null,
      ],
      csv: (r) => (r.imminent ? `${r.stage} (imminent)` : r.stage),
    },
    {
      key: 'alerts',
      label: 'Open alerts',
      numeric: true,
      sort: (r) => r.alerts,
      cell: (r) =>
        r.alerts === null
          ? '–'
          : r.alerts
            ? h('a', { href: link('/alerts', { country: r.id }) }, r.alerts)
            : '0',
    },
  ];

  const visible = () =>
    rows.filter(
      (r) =>
        (!text || r.name.toLowerCase().includes(text.toLowerCase())) &&
        (!tierFilter ||
          (tierFilter === 'top2'
            ? r.tier === 'extreme' || r.tier === 'high'
            : r.tier === tierFilter)) &&
        (!stageFilter || (STAGE_ORDER[r.stage] ?? 0) >= (STAGE_ORDER[stageFilter] ?? 0)),
    );
  const draw = () => {
    const shown = visible();
    const probabilityCaption =
      forecast === undefined
        ? ''
        : `; probability of a new mass killing in ${forecast.origin + 1}–${forecast.origin + forecast.horizonYears} from the forecast of ${forecast.origin}`;
    replace(
      holder,
      sortableTable(shown, columns, sort, {
        caption: `Countries by ${columns.find((c) => c.key === sort.key)?.label.toLowerCase() ?? sort.key}, as of ${assessed.asOf} (${assessed.framework.title})${probabilityCaption}`,
        id: 'watchlist',
        rowKey: (r) => r.id,
        onSort: (next) => {
          sort = next;
          setQuery({ sort: next.key, dir: next.dir });
          draw();
          holder.querySelector<HTMLButtonElement>(`button[data-sort="${next.key}"]`)?.focus();
        },
      }),
    );
    count.textContent = `${shown.length} of ${rows.length} countries`;
  };
  search.addEventListener('input', () => {
    text = search.value;
    setQuery({ q: text });
    draw();
  });
  tierSelect.addEventListener('change', () => {
    tierFilter = tierSelect.value;
    setQuery({ tier: tierFilter });
    draw();
  });
  stageSelect.addEventListener('change', () => {
    stageFilter = stageSelect.value;
    setQuery({ stage: stageFilter });
    draw();
  });
  exportButton.addEventListener('click', () =>
    download(`watchlist-${year}.csv`, tableCsv(sortRows(visible(), columns, sort), columns)),
  );
  draw();

  const fill = async (what: string, load: () => Promise<void>) => {
    try {
      await load();
    } catch (error) {
      notes.append(h('div', { class: 'note' }, h('strong', {}, `${what}: `), notice(error)));
    }
  };
  await Promise.all([
    fill('Forecast', async () => {
      const f = await get<ForecastReport>('/forecasts', {
        all: true,
        origin: Math.min(year - 1, Number(query.get('origin')) || year - 1),
      }).catch(() => get<ForecastReport>('/forecasts', { all: true }));
      forecast = { origin: f.origin, horizonYears: f.horizonYears };
      originHolder.replaceChildren(forecastOrigin(f.origin, f.horizonYears, year));
      for (const x of f.forecasts) {
        const r = byId.get(x.countryId);
        if (r) {
          r.probability = x.risk;
          r.forecastRank = x.rank;
        }
      }
    }),
    fill('Escalation', async () => {
      const s = await get<{ statuses: CountryStatus[] }>('/escalation/status', { asOf: year });
      for (const x of s.statuses) {
        const r = byId.get(x.countryId);
        if (r) {
          r.stage = x.stage;
          r.imminent = x.imminent;
        }
      }
    }),
    fill('Alerts', async () => {
      const open = await getAll<Alert>('/alerts', { filter: 'open' });
      for (const r of rows) r.alerts = 0;
      for (const a of open) {
        const r = byId.get(a.countryId);
        if (r && !a.resolvedAt) r.alerts = (r.alerts ?? 0) + 1;
      }
    }),
  ]);
  draw();
}

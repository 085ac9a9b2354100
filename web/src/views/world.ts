/**
 * World view: a choropleth of structural-risk tier or forecast probability, a year slider
 * that replays the moving picture (keyboard: arrows, Home, End; the Play button steps
 * through the years), a legend and tooltips.
 */
import { get } from '../api.js';
import { countryList, frameworkList } from '../data.js';
import { h, replace } from '../dom.js';
import { percent, score, yearOf } from '../format.js';
import { choropleth, countryFeatures } from '../map.js';
import type { MapDatum } from '../map.js';
import {
  PROBABILITY_BREAKS,
  PROBABILITY_COLOURS,
  TIERS,
  TIER_COLOURS,
  NO_DATA,
  probabilityColour,
  tierColour,
} from '../palette.js';
import type { RouteContext } from '../router.js';
import { link, setQuery } from '../router.js';
import type { AssessReport, CountryItem, ForecastReport } from '../types.js';
import { forecastOrigin, notice } from '../ui.js';

type Measure = 'tier' | 'probability';

/** First year the slider offers (the frameworks' sources start in the 1970s). */
const FIRST_YEAR = 1980;
/** First forecast origin the map asks for. */
const FIRST_ORIGIN = 1980;
/** Least time a replayed year stays on screen, in milliseconds. */
const FRAME_MS = 800;

function legend(measure: Measure): HTMLElement {
  const items =
    measure === 'tier'
      ? TIERS.map((t) => [TIER_COLOURS[t], t] as const)
      : PROBABILITY_COLOURS.map((c, i) => {
          const lo = i === 0 ? 0 : PROBABILITY_BREAKS[i - 1]!;
          const hi = PROBABILITY_BREAKS[i];
          return [
            c,
            hi === undefined ? `≥ ${percent(lo, 1)}` : `${percent(lo, 1)}–${percent(hi, 1)}`,
          ] as const;
        });
  return h(
    'ul',
    {
      class: 'legend',
      'aria-label':
        measure === 'tier'
          ? 'Legend: structural risk tier'
          : 'Legend: probability of a new mass killing',
    },
    ...[...items, [NO_DATA, 'no data'] as const].map(([colour, label]) =>
      h('li', {}, h('span', { class: 'swatch', style: `background:${colour}` }), label),
    ),
  );
}

/** Draws the world view. Resolves when the map shows its first year. */
export async function worldView(ctx: RouteContext): Promise<void> {
  const { query, main, signal } = ctx;
  let measure: Measure = query.get('measure') === 'probability' ? 'probability' : 'tier';
  const framework = query.get('framework') ?? undefined;
  const lastYear = Number(query.get('to')) || new Date().getFullYear();
  const features = countryFeatures('110m');
  // Forecast rows name countries by registry id only: the list gives their ISO codes.
  const registry = countryList().then((countries) => ({
    byId: new Map<string, CountryItem>(countries.map((c) => [c.id, c])),
    isoById: new Map<string, string>(
      countries.flatMap((c) => (c.iso3 ? [[c.id, c.iso3] as const] : [])),
    ),
  }));
  registry.catch(() => undefined);

  const tierCache = new Map<number, Promise<Map<string, MapDatum>>>();
  const probabilityCache = new Map<
    number | 'latest',
    Promise<{ origin: number; data: Map<string, MapDatum> }>
  >();
  const tierData = (year: number) => {
    let found = tierCache.get(year);
    if (!found) {
      found = get<AssessReport>('/assessments', { asOf: year, framework, detail: 'summary' }).then(
        (r) => {
          const out = new Map<string, MapDatum>();
          for (const a of r.assessments) {
            const iso = a.country.iso3;
            if (!iso) continue;
            out.set(iso, {
              countryId: a.country.id,
              name: a.country.name,
              fill: tierColour(a.tier),
              value: a.tier ?? 'no data',
              details: [
                `score ${score(a.score)} of 4`,
                `coverage ${percent(a.coverage, 0)}`,
                ...(a.change && a.change.direction !== 'unknown'
                  ? [`since ${yearOf(a.change.previousAsOf)}: ${a.change.direction}`]
                  : []),
              ],
            });
          }
          return out;
        },
      );
      found.catch(() => tierCache.delete(year));
      tierCache.set(year, found);
    }
    return found;
  };
  const probabilityData = (origin: number | 'latest') => {
    let found = probabilityCache.get(origin);
    if (!found) {
      found = get<ForecastReport>('/forecasts', {
        origin: origin === 'latest' ? undefined : origin,
        all: true,
      }).then(async (r) => {
        const { byId, isoById } = await registry;
        const out = new Map<string, MapDatum>();
        for (const f of r.forecasts) {
          const iso = isoById.get(f.countryId);
          if (iso === undefined) continue;
          out.set(iso, {
            countryId: f.countryId,
            name: byId.get(f.countryId)?.name ?? f.name,
            fill: probabilityColour(f.risk),
            value: `${percent(f.risk)} risk of a new mass killing in ${r.origin + 1}–${r.origin + r.horizonYears}`,
            details: [`rank ${f.rank}${f.rank <= r.topN ? ` (top ${r.topN})` : ''}`],
          });
        }
        return { origin: r.origin, data: out };
      });
      found.catch(() => probabilityCache.delete(origin));
      probabilityCache.set(origin, found);
    }
    return found;
  };

  // One slider for both layers, so choosing a layer never moves the year: the probability
  // of year Y is the forecast of Y, or the latest one when Y is after it (then said so).
  let latestOrigin: number | undefined;
  const originFor = async (year: number): Promise<number> => {
    latestOrigin ??= (await probabilityData('latest')).origin;
    return Math.max(FIRST_ORIGIN, Math.min(year, latestOrigin));
  };

  const heading = h('h1', { id: 'view-title', tabindex: -1 }, 'World');
  const caption = h('p', { class: 'caption', 'aria-live': 'polite', id: 'world-caption' });
  const status = h('div', { class: 'map-status' });
  const slider = h('input', {
    type: 'range',
    id: 'year',
    step: 1,
    'aria-describedby': 'world-caption',
  });
  const yearLabel = h('output', { for: 'year', id: 'year-output' });
  const play = h('button', { type: 'button', id: 'play', 'aria-pressed': 'false' }, 'Play');
  const measureGroup = h(
    'fieldset',
    { class: 'segmented' },
    h('legend', { class: 'visually-hidden' }, 'Colour countries by'),
    ...(['tier', 'probability'] as const).map((m) =>
      h(
        'label',
        {},
        h('input', { type: 'radio', name: 'measure', value: m, checked: m === measure }),
        m === 'tier' ? ' Structural tier' : ' Forecast probability',
      ),
    ),
  );
  const frameworkSelect = h('select', { id: 'framework', 'aria-label': 'Framework' });
  const legendHolder = h('div', { class: 'legend-holder' });
  const originHolder = h('div', { class: 'origin-holder', 'aria-live': 'polite' });
  const mapHolder = h('div', { class: 'map-holder' });
  replace(
    main,
    h(
      'div',
      { class: 'view world' },
      h('header', { class: 'view-header' }, heading, caption),
      h(
        'div',
        { class: 'controls', role: 'group', 'aria-label': 'Map controls' },
        measureGroup,
        h('label', { for: 'framework', class: 'framework-label' }, 'Framework ', frameworkSelect),
        h(
          'div',
          { class: 'year-control' },
          h('label', { for: 'year' }, 'Year '),
          slider,
          yearLabel,
          play,
        ),
      ),
      originHolder,
      mapHolder,
      legendHolder,
      status,
    ),
  );
  frameworkList().then(
    (list) => {
      frameworkSelect.replaceChildren(
        ...list.map((f) =>
          h('option', { value: f.id, selected: f.id === framework }, `${f.title}`),
        ),
      );
      if (!framework) frameworkSelect.selectedIndex = 0;
    },
    () => frameworkSelect.replaceChildren(h('option', {}, 'default')),
  );

  let map: ReturnType<typeof choropleth> | undefined;
  const open = (id: string) => {
    location.hash = `#/country/${encodeURIComponent(id)}?asOf=${slider.value}`;
  };
  const draw = async (year: number): Promise<boolean> => {
    status.replaceChildren(
      h(
        'p',
        { class: 'muted' },
        measure === 'tier' ? 'Loading…' : 'Loading (a forecast year can take a few seconds)…',
      ),
    );
    mapHolder.setAttribute('aria-busy', 'true');
    try {
      const origin = measure === 'tier' ? year : await originFor(year);
      const data =
        measure === 'tier'
          ? await tierData(year)
          : (await probabilityData(origin === latestOrigin ? 'latest' : origin)).data;
      if (signal.aborted) return false;
      const label =
        measure === 'tier'
          ? `Structural risk tier of every country as of the end of ${year}`
          : `Forecast probability of a new mass killing in ${origin + 1}–${origin + 2}, from the model of ${origin}`;
      originHolder.replaceChildren(
        measure === 'tier' ? '' : forecastOrigin(origin, 2, year, 'map-forecast-origin'),
      );
      if (!map) {
        map = choropleth(await features, data, { label, onOpen: open });
        mapHolder.replaceChildren(map.el);
      } else map.update(data);
      const counted = TIERS.map((t) => [...data.values()].filter((d) => d.value === t).length);
      caption.textContent =
        measure === 'tier'
          ? `${label}: ${TIERS.map((t, i) => `${counted[i]} ${t}`).join(', ')}.`
          : `${label}.`;
      status.replaceChildren();
      return true;
    } catch (error) {
      status.replaceChildren(notice(error));
      return false;
    } finally {
      mapHolder.setAttribute('aria-busy', 'false');
    }
  };
  const setYear = (year: number) => {
    slider.value = String(year);
    yearLabel.textContent = String(year);
    slider.setAttribute(
      'aria-valuetext',
      measure === 'tier' ? `as of ${year}` : `forecast from ${year}`,
    );
    setQuery({ year });
  };

  const configure = (): number => {
    slider.min = String(FIRST_YEAR);
    slider.max = String(lastYear);
    const year = Math.min(lastYear, Math.max(FIRST_YEAR, Number(query.get('year')) || lastYear));
    setYear(year);
    legendHolder.replaceChildren(legend(measure));
    return year;
  };

  let playing = false;
  const stop = () => {
    playing = false;
    play.textContent = 'Play';
    play.setAttribute('aria-pressed', 'false');
  };
  signal.addEventListener('abort', stop);
  play.addEventListener('click', async () => {
    if (playing) return stop();
    playing = true;
    play.textContent = 'Pause';
    play.setAttribute('aria-pressed', 'true');
    let year =
      Number(slider.value) >= Number(slider.max) ? Number(slider.min) : Number(slider.value);
    while (playing && !signal.aborted && year <= Number(slider.max)) {
      const started = performance.now();
      setYear(year);
      await draw(year);
      const next = measure === 'tier' ? tierData(year + 1) : undefined;
      const wait = FRAME_MS - (performance.now() - started);
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      await next?.catch(() => undefined);
      year++;
    }
    stop();
  });
  slider.addEventListener('input', () => setYear(Number(slider.value)));
  slider.addEventListener('change', () => void draw(Number(slider.value)));
  measureGroup.addEventListener('change', async (e) => {
    const value = (e.target as HTMLInputElement).value as Measure;
    measure = value;
    stop();
    setQuery({ measure: value === 'tier' ? null : value });
    // The year stays where it was; the legend and the slider's words follow the layer.
    setYear(Number(slider.value));
    legendHolder.replaceChildren(legend(measure));
    await draw(Number(slider.value));
  });
  frameworkSelect.addEventListener('change', () => {
    location.hash = link('/world', {
      measure: measure === 'tier' ? null : measure,
      year: slider.value,
      framework: frameworkSelect.value,
      to: query.get('to'),
    });
  });

  await draw(configure());
}

/**
 * Maps drawn from the Natural Earth boundaries of `world-atlas`, shipped with the app
 * (`atlas/countries-110m.json`, `atlas/countries-50m.json`) so they work offline. Countries
 * join the data by ISO 3166 numeric code (the atlas's feature ids).
 */
import { geoArea, geoCentroid, geoDistance, geoEqualEarth, geoPath, geoMercator } from 'd3-geo';
import type { GeoPermissibleObjects } from 'd3-geo';
import type { Feature, FeatureCollection, Geometry, MultiPolygon } from 'geojson';
import { feature } from 'topojson-client';
import type { Topology, GeometryCollection } from 'topojson-specification';
import { s } from './dom.js';
import { NO_DATA } from './palette.js';

/**
 * A country outline of the atlas: `id` is the ISO numeric code without padding, `iso3` the
 * alpha-3 code the data use (empty for the few outlines that are not states of the registry,
 * such as Western Sahara), `name` the atlas's label.
 */
export type CountryFeature = Feature<Geometry, { name: string }> & { id: string; iso3: string };

async function asset<T>(file: string): Promise<T> {
  // By absolute path: a page opened at `/country/mmr` loads the same files as one at `/`.
  const r = await fetch(`/atlas/${file}`);
  if (!r.ok) throw new Error(`map data missing (/atlas/${file}: HTTP ${r.status})`);
  return (await r.json()) as T;
}

const cache = new Map<string, Promise<CountryFeature[]>>();

/** The country outlines at 1:110m (world view) or 1:50m (country maps), without Antarctica. */
export function countryFeatures(detail: '110m' | '50m' = '110m'): Promise<CountryFeature[]> {
  let found = cache.get(detail);
  if (!found) {
    found = Promise.all([
      asset<Topology<{ countries: GeometryCollection<{ name: string }> }>>(
        `countries-${detail}.json`,
      ),
      asset<Record<string, string>>('iso-codes.json'),
    ]).then(([topology, iso]) => {
      const fc = feature(topology, topology.objects.countries) as FeatureCollection<
        Geometry,
        { name: string }
      >;
      return fc.features
        .filter((f) => f.id !== undefined && String(f.id) !== '010')
        .map((f) => {
          const id = String(Number(f.id));
          return { ...f, id, iso3: iso[id] ?? '' } as CountryFeature;
        });
    });
    found.catch(() => cache.delete(detail));
    cache.set(detail, found);
  }
  return found;
}

/** What the map shows for one country (keyed by ISO alpha-3): its registry id, fill and the tooltip's lines. */
export interface MapDatum {
  countryId: string;
  name: string;
  fill: string;
  /** The value in words (`extreme`, `12.4%`), also its accessible label. */
  value: string;
  /** Further tooltip lines. */
  details?: string[];
}

/** A drawn choropleth: the element, and how to recolour it for new data. */
export interface Choropleth {
  el: HTMLElement;
  update(data: ReadonlyMap<string, MapDatum>): void;
}

const WIDTH = 960;
const HEIGHT = 470;

/**
 * A world choropleth: one path per country (`data-iso` the alpha-3 code, `data-country`, `data-value`), a
 * tooltip on hover and focus, and keyboard operation: the map is one tab stop, arrow keys
 * move between countries in alphabetical order, Enter opens the selected one.
 */
export function choropleth(
  features: readonly CountryFeature[],
  data: ReadonlyMap<string, MapDatum>,
  options: { label: string; onOpen: (countryId: string) => void },
): Choropleth {
  const projection = geoEqualEarth().fitSize([WIDTH, HEIGHT], {
    type: 'FeatureCollection',
    features: [...features],
  } as GeoPermissibleObjects);
  const path = geoPath(projection);
  const tooltip = document.createElement('div');
  tooltip.className = 'tooltip';
  tooltip.setAttribute('role', 'tooltip');
  tooltip.id = 'map-tooltip';
  tooltip.hidden = true;
  const paths = features.map((f) =>
    s('path', { d: path(f) ?? '', 'data-iso': f.iso3, class: 'country', tabindex: -1 }),
  );
  const svg = s(
    'svg',
    {
      viewBox: `0 0 ${WIDTH} ${HEIGHT}`,
      class: 'map',
      role: 'application',
      'aria-label': `${options.label}. Use the arrow keys to move between countries and Enter to open one.`,
      tabindex: 0,
    },
    s('path', { d: path({ type: 'Sphere' }) ?? '', class: 'sphere' }),
    ...paths,
  );
  const el = document.createElement('div');
  el.className = 'map-wrap';
  el.append(svg, tooltip);
  let current: ReadonlyMap<string, MapDatum> = data;

  const show = (p: SVGPathElement, at?: { x: number; y: number }) => {
    const d = current.get(p.dataset.iso ?? '');
    const name = d?.name ?? features.find((f) => f.iso3 === p.dataset.iso)?.properties.name ?? '';
    tooltip.replaceChildren();
    const title = document.createElement('strong');
    title.textContent = name;
    tooltip.append(title);
    for (const line of [d?.value ?? 'no data', ...(d?.details ?? [])]) {
      const div = document.createElement('div');
      div.textContent = line;
      tooltip.append(div);
    }
    const box = el.getBoundingClientRect();
    const target =
      at ??
      (() => {
        const r = p.getBoundingClientRect();
        return { x: r.left + r.width / 2, y: r.top + r.height / 2 };
      })();
    tooltip.style.left = `${Math.min(target.x - box.left + 12, box.width - 180)}px`;
    tooltip.style.top = `${target.y - box.top + 12}px`;
    tooltip.hidden = false;
  };
  const hide = () => (tooltip.hidden = true);

  svg.addEventListener('pointermove', (e) => {
    const p =
      e.target instanceof SVGPathElement && e.target.classList.contains('country')
        ? e.target
        : null;
    if (p) show(p, { x: e.clientX, y: e.clientY });
    else hide();
  });
  svg.addEventListener('pointerleave', hide);
  svg.addEventListener('click', (e) => {
    const iso = e.target instanceof SVGPathElement ? e.target.dataset.iso : undefined;
    const d = iso ? current.get(iso) : undefined;
    if (d) options.onOpen(d.countryId);
  });

  const order = () =>
    paths
      .filter((p) => current.has(p.dataset.iso ?? ''))
      .sort((a, b) =>
        current.get(a.dataset.iso!)!.name.localeCompare(current.get(b.dataset.iso!)!.name),
      );
  let focused: SVGPathElement | undefined;
  const focus = (p: SVGPathElement) => {
    focused?.classList.remove('focused');
    focused = p;
    p.classList.add('focused');
    p.parentNode?.append(p);
    show(p);
    const d = current.get(p.dataset.iso ?? '');
    svg.setAttribute('aria-label', `${d?.name ?? ''}: ${d?.value ?? 'no data'}. ${options.label}`);
  };
  svg.addEventListener('keydown', (e) => {
    const list = order();
    if (list.length === 0) return;
    const at = focused ? list.indexOf(focused) : -1;
    if (e.key === 'ArrowRight' || e.key === 'ArrowDown') focus(list[(at + 1) % list.length]!);
    else if (e.key === 'ArrowLeft' || e.key === 'ArrowUp')
      focus(list[(at - 1 + list.length) % list.length]!);
    else if (e.key === 'Home') focus(list[0]!);
    else if (e.key === 'End') focus(list[list.length - 1]!);
    else if (e.key === 'Enter' && focused) {
      const d = current.get(focused.dataset.iso ?? '');
      if (d) options.onOpen(d.countryId);
    } else if (e.key === 'Escape') hide();
    else return;
    e.preventDefault();
  });
  svg.addEventListener('blur', hide);

  const update = (next: ReadonlyMap<string, MapDatum>) => {
    current = next;
    for (const p of paths) {
      const d = next.get(p.dataset.iso ?? '');
      p.setAttribute('fill', d?.fill ?? NO_DATA);
      p.dataset.value = d?.value ?? 'no data';
      if (d) p.dataset.country = d.countryId;
      else delete p.dataset.country;
      p.setAttribute('aria-label', `${d?.name ?? ''}: ${d?.value ?? 'no data'}`);
    }
  };
  update(data);
  return { el, update };
}

/** A point to mark on a country map: WGS 84 coordinates and its label. */
export interface MapPoint {
  latitude: number;
  longitude: number;
  label: string;
  colour: string;
  radius?: number;
}

/** A part this much smaller than a country's largest is framed only when near it. */
const OUTLYING_SHARE = 0.25;
/** How near (in radians of arc, about 10°) a small part must lie to the largest to be framed. */
const OUTLYING_ARC = (10 * Math.PI) / 180;

/**
 * The parts of a country to frame its map on: the largest part, the parts at least a
 * quarter of its area, and the smaller ones within about 10° of it. Remote islands and
 * territories (Svalbard for Norway, French Guiana for France) stay on the map but do not
 * set its frame, so the country is not drawn small in a corner.
 */
export function framedParts(f: Feature<Geometry>): Feature<Geometry> {
  if (f.geometry.type !== 'MultiPolygon') return f;
  const parts = f.geometry.coordinates.map((coordinates) => {
    const polygon = { type: 'Polygon' as const, coordinates };
    return { coordinates, area: geoArea(polygon), centre: geoCentroid(polygon) };
  });
  const largest = parts.reduce((a, b) => (b.area > a.area ? b : a));
  const kept = parts.filter(
    (p) =>
      p.area >= largest.area * OUTLYING_SHARE ||
      geoDistance(p.centre, largest.centre) <= OUTLYING_ARC,
  );
  const geometry: MultiPolygon = {
    type: 'MultiPolygon',
    coordinates: kept.map((p) => p.coordinates),
  };
  return { ...f, geometry };
}

/**
 * One country's outline (1:50m) with points on it, neighbours faint around it; framed on the
 * country's main parts (`framedParts`) and the points.
 */
export function countryMap(
  features: readonly CountryFeature[],
  iso3: string | undefined,
  points: readonly MapPoint[],
  label: string,
): SVGSVGElement {
  const width = 480;
  const height = 360;
  const own = iso3 ? features.find((f) => f.iso3 === iso3) : undefined;
  const located: Feature<Geometry> = {
    type: 'Feature',
    properties: {},
    geometry: { type: 'MultiPoint', coordinates: points.map((p) => [p.longitude, p.latitude]) },
  };
  const focusOn: GeoPermissibleObjects = {
    type: 'FeatureCollection',
    features: [...(own ? [framedParts(own)] : []), ...(points.length ? [located] : [])],
  };
  const projection = geoMercator().fitExtent(
    [
      [12, 12],
      [width - 12, height - 12],
    ],
    focusOn,
  );
  const path = geoPath(projection);
  return s(
    'svg',
    {
      viewBox: `0 0 ${width} ${height}`,
      class: 'map country-map',
      role: 'img',
      'aria-label': label,
    },
    ...features.map((f) =>
      s('path', { d: path(f) ?? '', class: f === own ? 'country own' : 'country neighbour' }),
    ),
    ...points.map((p) => {
      const [x, y] = projection([p.longitude, p.latitude]) ?? [0, 0];
      return s(
        'circle',
        {
          cx: x.toFixed(1),
          cy: y.toFixed(1),
          r: p.radius ?? 4,
          fill: p.colour,
          class: 'event-dot',
        },
        s('title', {}, p.label),
      );
    }),
  );
}

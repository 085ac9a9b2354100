/**
 * Hash routes (`#/country/cod?asOf=2014`): a pattern per view, its parameters and the
 * query. Views read everything they need from the route, so a link reproduces a view
 * exactly (same year, same layer, same sort).
 */

/** What a view gets: its path parameters, the query and where to draw. */
export interface RouteContext {
  params: Record<string, string>;
  query: URLSearchParams;
  main: HTMLElement;
  /** Aborted when the user navigates away; long loops (the year replay) stop on it. */
  signal: AbortSignal;
}

/**
 * A view: draws into `ctx.main` and resolves when its main content is drawn. A view whose
 * secondary parts keep loading after that returns `{ settled }`, resolved when they are done.
 */
export type View = (ctx: RouteContext) => Promise<void | { settled: Promise<void> }>;

/** One route: a pattern such as `/country/:id/brief`, its view and its navigation label. */
export interface Route {
  pattern: string;
  view: View;
  title: string;
}

/** The route matching a hash path, with its parameters; undefined when none does. */
export function match(
  routes: readonly Route[],
  path: string,
): { route: Route; params: Record<string, string> } | undefined {
  const parts = path.split('/').filter(Boolean);
  for (const route of routes) {
    const want = route.pattern.split('/').filter(Boolean);
    if (want.length !== parts.length) continue;
    const params: Record<string, string> = {};
    const ok = want.every((w, i) => {
      const got = decodeURIComponent(parts[i]!);
      if (w.startsWith(':')) {
        params[w.slice(1)] = got;
        return true;
      }
      return w === got;
    });
    if (ok) return { route, params };
  }
  return undefined;
}

/** The path and query of the current location hash (`#/world?year=2014`). */
export function currentHash(): { path: string; query: URLSearchParams } {
  const hash = location.hash.replace(/^#/, '') || '/world';
  const [path, qs] = hash.split('?', 2) as [string, string | undefined];
  return { path, query: new URLSearchParams(qs ?? '') };
}

/** A hash link: `link('/country/cod', { asOf: '2014' })` → `#/country/cod?asOf=2014`. */
export function link(
  path: string,
  query: Record<string, string | number | null | undefined> = {},
): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query))
    if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
  const qs = params.toString();
  return `#${path}${qs ? `?${qs}` : ''}`;
}

/** Replaces the query of the current route without reloading the view (history entry kept). */
export function setQuery(changes: Record<string, string | number | null | undefined>): void {
  const { path, query } = currentHash();
  for (const [k, v] of Object.entries(changes)) {
    if (v === undefined || v === null || v === '') query.delete(k);
    else query.set(k, String(v));
  }
  const qs = query.toString();
  history.replaceState(null, '', `#${path}${qs ? `?${qs}` : ''}`);
}

/**
 * The dashboard's entry point: the page shell (skip link, navigation, who is signed in),
 * the hash router, and the signals that a view is drawn: `data-ready` on the root element and
 * the `lens:ready` performance mark when its main content is on screen, `data-complete` and
 * `lens:complete` when every part has settled (tests and the benchmark wait for them).
 */
import { h, replace } from './dom.js';
import { currentHash, match } from './router.js';
import type { Route } from './router.js';
import { organisationSwitcher } from './organisation-switcher.js';
import {
  activeOrganisation,
  currentUser,
  displayName,
  organisationsOf,
  writerOf,
} from './session.js';
import { notice, pageTitle } from './ui.js';
import { watchlistView } from './views/watchlist.js';
import { worldView } from './views/world.js';
import { flushOutbox } from './outbox.js';
import type { View } from './router.js';

/**
 * A view loaded on first use: the charts library goes with the views that draw charts,
 * so the world view, the first one shown, loads and parses less.
 */
function lazy<K extends string>(load: () => Promise<Record<K, View>>, name: K): View {
  return async (ctx) => (await load())[name](ctx);
}

// A page address without `#` (`/country/mmr?asOf=2014`, typed or shared; the server answers
// every page path with this app) shows the same view as its hash route, under that address.
if (!location.hash && location.pathname !== '/' && location.pathname !== '/index.html')
  history.replaceState(null, '', `/#${location.pathname}${location.search}`);

const ROUTES: Route[] = [
  { pattern: '/world', view: worldView, title: 'World' },
  { pattern: '/watchlist', view: watchlistView, title: 'Watchlist' },
  {
    pattern: '/country/:id',
    view: lazy(() => import('./views/country.js'), 'countryView'),
    title: 'Country',
  },
  {
    pattern: '/country/:id/brief',
    view: lazy(() => import('./views/brief.js'), 'briefView'),
    title: 'Country brief',
  },
  {
    pattern: '/alerts',
    view: lazy(() => import('./views/alerts.js'), 'alertsView'),
    title: 'Alerts',
  },
  { pattern: '/cases', view: lazy(() => import('./views/cases.js'), 'casesView'), title: 'Cases' },
  {
    pattern: '/report',
    view: lazy(() => import('./views/report.js'), 'reportView'),
    title: 'Field report',
  },
  {
    pattern: '/backtest',
    view: lazy(() => import('./views/backtest.js'), 'backtestView'),
    title: 'Backtest',
  },
  {
    pattern: '/signin',
    view: lazy(() => import('./views/signin.js'), 'signinView'),
    title: 'Sign in',
  },
];

const NAV: [string, string][] = [
  ['/world', 'World'],
  ['/watchlist', 'Watchlist'],
  ['/alerts', 'Alerts'],
  ['/cases', 'Cases'],
  ['/report', 'Field report'],
  ['/backtest', 'Backtest'],
];

const main = h('main', { id: 'main', tabindex: -1 });
const nav = h(
  'nav',
  { 'aria-label': 'Views' },
  h(
    'ul',
    {},
    ...NAV.map(([path, label]) =>
      h('li', {}, h('a', { href: `#${path}`, 'data-nav': path }, label)),
    ),
  ),
);
const account = h('div', { class: 'account', 'aria-live': 'polite' });
const offline = h(
  'p',
  { class: 'offline-banner', role: 'status', hidden: true },
  'Offline: field reports are kept on this device and sent when the connection returns.',
);

document.body.replaceChildren(
  h(
    'a',
    { href: '#main', class: 'skip-link', on: { click: (e) => (e.preventDefault(), main.focus()) } },
    'Skip to content',
  ),
  h(
    'header',
    { class: 'app-header' },
    h('a', { href: '#/world', class: 'brand' }, 'Atrocity Prevention Lens'),
    nav,
    account,
  ),
  offline,
  main,
);

async function drawAccount(): Promise<void> {
  try {
    const me = await currentUser();
    if (!me) {
      replace(account, h('a', { href: '#/signin' }, 'Sign in'));
      return;
    }
    const orgs = organisationsOf(me);
    const org = activeOrganisation(me)?.name;
    replace(
      account,
      h('span', { class: 'who' }, displayName(me)),
      orgs.length > 1
        ? organisationSwitcher(orgs, 'header-organisation')
        : org
          ? h('span', { class: 'org' }, ` · ${org}`)
          : null,
      ' ',
      h('a', { href: '#/signin' }, 'Account'),
    );
  } catch {
    replace(account, h('a', { href: '#/signin' }, 'Sign in'));
  }
}

let controller: AbortController | undefined;

async function render(): Promise<void> {
  controller?.abort();
  const own = new AbortController();
  controller = own;
  const { path, query } = currentHash();
  const found = match(ROUTES, path);
  const root = document.documentElement;
  let settled: Promise<void> | undefined;
  root.dataset.ready = 'false';
  root.dataset.complete = 'false';
  main.setAttribute('aria-busy', 'true');
  for (const a of nav.querySelectorAll('a')) {
    if (path.startsWith(a.dataset.nav ?? '\0')) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  if (!found) {
    pageTitle('Not found');
    replace(
      main,
      h('h1', { id: 'view-title', tabindex: -1 }, 'Not found'),
      h('p', {}, `No view at ${path}. `, h('a', { href: '#/world' }, 'Go to the world view')),
    );
  } else {
    // A view that knows a better name (the country's) sets it once it has its data.
    pageTitle(found.route.title);
    try {
      settled = (await found.route.view({ params: found.params, query, main, signal: own.signal }))
        ?.settled;
    } catch (error) {
      if (!own.signal.aborted)
        replace(
          main,
          h('h1', { id: 'view-title', tabindex: -1 }, found.route.title),
          notice(error),
        );
    }
  }
  if (own.signal.aborted) return;
  main.setAttribute('aria-busy', 'false');
  root.dataset.ready = 'true';
  root.dataset.view = found?.route.pattern ?? 'none';
  performance.mark('lens:ready', { detail: path });
  const title = main.querySelector<HTMLElement>('#view-title');
  if (title && !main.contains(document.activeElement)) title.focus({ preventScroll: true });
  await settled;
  if (own.signal.aborted) return;
  root.dataset.complete = 'true';
  performance.mark('lens:complete', { detail: path });
}

/** Sends the reports kept on this device that the user signed in now may send. */
const sendKept = () => {
  if (navigator.onLine)
    currentUser().then(
      (m) => void flushOutbox(writerOf(m)),
      () => undefined,
    );
};
const online = () => {
  offline.hidden = navigator.onLine;
  sendKept();
};
window.addEventListener('online', online);
window.addEventListener('offline', online);
window.addEventListener('hashchange', () => void render());
window.addEventListener('lens:session', () => {
  void drawAccount();
  sendKept();
});
// Another organisation: its data, so the header and the view are drawn again, and the
// reports kept for it can be sent.
window.addEventListener('lens:organisation', () => {
  void drawAccount();
  void render();
  sendKept();
});
online();
void drawAccount();
void render();

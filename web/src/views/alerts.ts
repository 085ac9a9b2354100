/**
 * Alerts inbox: the alerts raised when a stage rises, a red flag fires or a country becomes
 * imminent; filter by state and country; acknowledge and resolve.
 */
import { getAll, post } from '../api.js';
import { namesById } from '../data.js';
import { h, replace } from '../dom.js';
import { plural, stamp } from '../format.js';
import type { RouteContext } from '../router.js';
import { link, setQuery } from '../router.js';
import type { Alert } from '../types.js';
import { currentUser, freshUser, mayDo, roleWhere } from '../session.js';
import { notice } from '../ui.js';

type State = 'open' | 'acknowledged' | 'resolved' | 'all';

function stateOf(a: Alert): Exclude<State, 'all'> {
  return a.resolvedAt ? 'resolved' : a.acknowledgedAt ? 'acknowledged' : 'open';
}

/** Draws the inbox. Resolves when the alerts are listed. */
export async function alertsView(ctx: RouteContext): Promise<void> {
  const { query, main } = ctx;
  let state = (query.get('state') as State | null) ?? 'open';
  const country = query.get('country') ?? '';
  const [alerts, names, me] = await Promise.all([
    getAll<Alert>('/alerts', { filter: 'all', country: country || undefined }),
    namesById().catch(() => new Map<string, string>()),
    currentUser().catch(() => null),
  ]);
  // Only a role that may handle alerts sees Acknowledge and Resolve; others are told why.
  const attempt = { me, action: 'handle-alert', doing: 'acknowledge or resolve alerts' } as const;
  const handles = mayDo(me, attempt.action);
  const list = h('ol', { class: 'inbox', id: 'inbox' });
  const count = h('p', { 'aria-live': 'polite', class: 'count' });
  const stateSelect = h(
    'select',
    { id: 'alert-state' },
    ...(['open', 'acknowledged', 'resolved', 'all'] as const).map((s) =>
      h('option', { value: s, selected: s === state }, s),
    ),
  );
  const draw = () => {
    const shown = alerts
      .filter((a) => state === 'all' || stateOf(a) === state)
      .sort((x, y) => y.raisedAt.localeCompare(x.raisedAt) || y.id - x.id);
    count.textContent = `${plural(shown.length, state === 'all' ? 'alert' : `${state} alert`)}${country ? ` for ${names.get(country) ?? country}` : ''}`;
    replace(
      list,
      ...shown.map((a) => {
        const result = h('span', { class: 'form-result', 'aria-live': 'polite' });
        const act = (action: 'acknowledge' | 'resolve') =>
          h(
            'button',
            {
              type: 'button',
              'data-action': action,
              on: {
                click: async () => {
                  try {
                    const updated = await post<Alert>(`/alerts/${a.id}/${action}`);
                    Object.assign(
                      a,
                      updated ??
                        (action === 'acknowledge'
                          ? { acknowledgedAt: new Date().toISOString() }
                          : { resolvedAt: new Date().toISOString() }),
                    );
                    draw();
                  } catch (error) {
                    replace(result, notice(error, { ...attempt, me: await freshUser() }));
                  }
                },
              },
            },
            action === 'acknowledge' ? 'Acknowledge' : 'Resolve',
          );
        const st = stateOf(a);
        return h(
          'li',
          { class: `alert alert-${a.kind} alert-${st}`, 'data-alert': a.id },
          h(
            'div',
            { class: 'alert-head' },
            h('span', { class: `stage stage-${a.stage}` }, a.stage),
            ' ',
            h('strong', {}, a.title),
          ),
          h(
            'p',
            { class: 'muted' },
            h(
              'a',
              { href: link(`/country/${a.countryId}`, { asOf: a.asOf.slice(0, 4) }) },
              names.get(a.countryId) ?? a.countryId,
            ),
            ` · ${a.kind} · as of ${a.asOf} · raised ${stamp(a.raisedAt)}${a.occurrences > 1 ? ` · seen ${a.occurrences} times` : ''} · ${a.sharing}`,
            a.acknowledgedAt
              ? ` · acknowledged ${stamp(a.acknowledgedAt)}${a.acknowledgedBy ? ` by ${a.acknowledgedBy}` : ''}`
              : '',
            a.resolvedAt
              ? ` · resolved ${stamp(a.resolvedAt)}${a.resolvedBy ? ` by ${a.resolvedBy}` : ''}`
              : '',
          ),
          a.evidence.length
            ? h(
                'details',
                {},
                h('summary', {}, `Evidence (${a.evidence.length})`),
                h('ul', {}, ...a.evidence.map((e) => h('li', {}, h('code', {}, e)))),
              )
            : null,
          h(
            'div',
            { class: 'actions' },
            handles && st === 'open' ? act('acknowledge') : null,
            handles && st !== 'resolved' ? act('resolve') : null,
            result,
          ),
        );
      }),
    );
  };
  stateSelect.addEventListener('change', () => {
    state = stateSelect.value as State;
    setQuery({ state });
    draw();
  });
  replace(
    main,
    h(
      'div',
      { class: 'view alerts' },
      h(
        'header',
        { class: 'view-header' },
        h('h1', { id: 'view-title', tabindex: -1 }, 'Alerts'),
        h(
          'p',
          { class: 'caption' },
          'Raised when a country’s stage rises, a red flag fires or atrocities look imminent.',
        ),
      ),
      h(
        'div',
        { class: 'controls' },
        h('label', { for: 'alert-state' }, 'Show '),
        stateSelect,
        country ? h('a', { href: '#/alerts' }, ' every country') : null,
      ),
      count,
      handles
        ? null
        : h(
            'p',
            { class: 'muted', id: 'alerts-role' },
            me
              ? `Your role (${roleWhere(me)}) may read alerts but not acknowledge or resolve them.`
              : 'Sign in as an analyst or focal point to acknowledge or resolve alerts.',
          ),
      list,
    ),
  );
  draw();
}

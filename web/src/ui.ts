/**
 * Building blocks the views share: sections that load on their own and show what went
 * wrong in words (not on this server, sign in needed, not shared with you), tier badges,
 * change arrows and the download of a table as CSV.
 */
import { ApiError, NetworkError, NotAvailableError } from './api.js';
import { h, replace } from './dom.js';
import type { Child } from './dom.js';
import { inkOn, tierColour } from './palette.js';
import { labelCells } from './table.js';
import { mayDo, roleWhere } from './session.js';
import type { Action } from './session.js';
import type { Me } from './types.js';

/** Text as a sentence: a capital first letter and a full stop (`wrong password` → `Wrong password.`). */
export function sentence(text: string): string {
  const t = text.trim();
  if (!t) return t;
  return `${t[0]!.toUpperCase()}${t.slice(1)}${/[.!?]$/.test(t) ? '' : '.'}`;
}

/**
 * What a refused write was: the action the role needs, and in words what it does
 * (`acknowledge or resolve alerts`); with the signed-in user, a refusal names their role.
 */
export interface Attempt {
  me: Me | null;
  action: Action;
  doing: string;
}

/**
 * A readable message for an error of the API, with its kind for styling and tests. A 403
 * says the server's own reason; for a write (`attempt`) whose action the user's role does
 * not allow, it names the role.
 */
export function explain(error: unknown, attempt?: Attempt): { kind: string; message: string } {
  if (error instanceof NotAvailableError)
    return { kind: 'not-available', message: 'Not available on this server.' };
  if (error instanceof NetworkError)
    return { kind: 'offline', message: 'The server cannot be reached (offline?).' };
  if (error instanceof ApiError) {
    if (error.status === 401)
      return {
        kind: 'signin',
        message: attempt ? `Sign in to ${attempt.doing}.` : 'Sign in to see this.',
      };
    if (error.status === 403) {
      if (attempt?.me && !mayDo(attempt.me, attempt.action))
        return {
          kind: 'forbidden',
          message: `Your role (${roleWhere(attempt.me)}) may not ${attempt.doing}.`,
        };
      const detail = error.problem.detail;
      return {
        kind: 'forbidden',
        message: detail
          ? `Refused: ${sentence(detail)}`
          : 'Not shared with your organisation at its sharing level.',
      };
    }
    return { kind: 'error', message: error.message };
  }
  return { kind: 'error', message: error instanceof Error ? error.message : String(error) };
}

/** A box stating why content is missing, or why a write was refused (`attempt`). */
export function notice(error: unknown, attempt?: Attempt): HTMLElement {
  const { kind, message } = explain(error, attempt);
  return h(
    'p',
    {
      class: `notice notice-${kind}`,
      role: kind === 'error' ? 'alert' : 'status',
      'data-state': kind,
    },
    message,
    kind === 'signin' ? h('a', { href: '#/signin' }, ' Sign in') : null,
  );
}

/**
 * A titled section that fills itself: shows "Loading…", then what `render` builds from the
 * data `load` fetched, or the notice of the error. Resolves when settled (never rejects).
 */
export function section<T>(
  title: string,
  id: string,
  load: () => Promise<T>,
  render: (data: T) => Child | Child[],
): { el: HTMLElement; done: Promise<void> } {
  const body = h(
    'div',
    { class: 'section-body', 'aria-busy': 'true' },
    h('p', { class: 'muted' }, 'Loading…'),
  );
  const el = h(
    'section',
    { class: 'panel', id, 'aria-labelledby': `${id}-title`, 'data-section': id },
    h('h2', { id: `${id}-title` }, title),
    body,
  );
  const done = load().then(
    (data) => {
      const out = render(data);
      replace(body, ...(Array.isArray(out) ? out : [out]));
      labelCells(body);
      el.dataset.state = 'ready';
    },
    (error: unknown) => {
      replace(body, notice(error));
      el.dataset.state = explain(error).kind;
    },
  );
  return { el, done: done.finally(() => body.setAttribute('aria-busy', 'false')) };
}

/** A tier as a coloured badge with its name in text. */
export function tierBadge(tier: string | null | undefined): HTMLElement {
  const fill = tierColour(tier);
  return h(
    'span',
    {
      class: 'tier',
      style: `background:${fill};color:${inkOn(fill)}`,
      'data-tier': tier ?? 'none',
    },
    tier ?? 'no data',
  );
}

/**
 * A score change as signed text with two decimals and a true minus sign (`+0.31`, `−0.12`);
 * empty when there is none or it rounds to zero, so noise never reads as a move.
 */
export function changeAmount(delta: number | null | undefined): string {
  if (delta === null || delta === undefined || Math.abs(delta) < 0.005) return '';
  return `${delta > 0 ? '+' : '−'}${Math.abs(delta).toFixed(2)}`;
}

/**
 * An arrow for a change: ▲ deteriorated, ▼ improved, ▬ unchanged; with a text label and the
 * score difference. A difference that rounds to zero is written "no change".
 */
export function changeArrow(direction: string | undefined, delta?: number | null): HTMLElement {
  const amount = changeAmount(delta);
  const still = direction === 'unchanged' && amount === '';
  const [glyph, label] =
    direction === 'deteriorated'
      ? ['▲', 'risk rose']
      : direction === 'improved'
        ? ['▼', 'risk fell']
        : direction === 'unchanged'
          ? ['▬', still ? 'no change' : 'unchanged']
          : ['·', 'change unknown'];
  return h(
    'span',
    {
      class: `change change-${direction ?? 'unknown'}`,
      title: amount ? `${label} ${amount}` : label,
      'data-change': direction ?? 'unknown',
    },
    h('span', { 'aria-hidden': 'true' }, glyph),
    still ? ' no change' : h('span', { class: 'visually-hidden' }, label),
    amount ? ` ${amount}` : '',
  );
}

/** A CSV cell: quoted when it holds a comma, quote or line break. */
function csvCell(value: unknown): string {
  const text = value === null || value === undefined ? '' : String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** CSV text of rows under a header line. */
export function toCsv(header: readonly string[], rows: readonly (readonly unknown[])[]): string {
  return [header, ...rows].map((r) => r.map(csvCell).join(',')).join('\n') + '\n';
}

/** Offers `text` as a file download named `name`. */
export function download(name: string, text: string, type = 'text/csv'): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = h('a', { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

/** Years a forecast may lie from the tiers beside it before a warning says so. */
export const FORECAST_AGE_WARNING_YEARS = 2;

/**
 * Where a forecast comes from, said plainly beside tiers of `tierYear`: its origin (the
 * last year of data it used) and the years it forecasts; a warning, in words and not only
 * colour, when the origin is more than two years from the tiers' year.
 */
export function forecastOrigin(
  origin: number,
  horizonYears: number,
  tierYear: number,
  id = 'forecast-origin',
): HTMLElement {
  const gap = tierYear - origin;
  const stale = Math.abs(gap) > FORECAST_AGE_WARNING_YEARS;
  const years = (n: number) => `${n} ${n === 1 ? 'year' : 'years'}`;
  return h(
    'p',
    {
      class: `forecast-origin${stale ? ' stale' : ''}`,
      id,
      role: stale ? 'alert' : null,
      'data-origin': origin,
      'data-stale': String(stale),
    },
    stale ? h('strong', {}, 'Old forecast') : 'Forecast',
    ` of ${origin} (data to the end of ${origin}), for ${origin + 1}–${origin + horizonYears}`,
    stale
      ? gap > 0
        ? `, ${years(gap)} older than the tiers of ${tierYear}: it does not describe ${tierYear}.`
        : `, ${years(-gap)} after the tiers of ${tierYear}: it used data not public then.`
      : '.',
  );
}

/** Names the page in the browser's title and history: `Myanmar · Atrocity Prevention Lens`. */
export function pageTitle(name: string): void {
  document.title = `${name} · Atrocity Prevention Lens`;
}

/** A definition list from label/value pairs. */
export function facts(pairs: readonly [string, Child | Child[]][]): HTMLElement {
  return h(
    'dl',
    { class: 'facts' },
    ...pairs.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, ...(Array.isArray(v) ? v : [v]))]),
  );
}

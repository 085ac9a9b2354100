/**
 * Building blocks the views share: sections that load on their own and show what went
 * wrong in words (not on this server, sign in needed, not shared with you), tier badges,
 * change arrows and the download of a table as CSV.
 */
import { ApiError, NetworkError, NotAvailableError } from './api.js';
import { h, replace } from './dom.js';
import type { Child } from './dom.js';
import { inkOn, tierColour } from './palette.js';

/** A readable message for an error of the API, with its kind for styling and tests. */
export function explain(error: unknown): { kind: string; message: string } {
  if (error instanceof NotAvailableError)
    return { kind: 'not-available', message: 'Not available on this server.' };
  if (error instanceof NetworkError)
    return { kind: 'offline', message: 'The server cannot be reached (offline?).' };
  if (error instanceof ApiError) {
    if (error.status === 401) return { kind: 'signin', message: 'Sign in to see this.' };
    if (error.status === 403)
      return {
        kind: 'forbidden',
        message: 'Not shared with your organisation at its sharing level.',
      };
    return { kind: 'error', message: error.message };
  }
  return { kind: 'error', message: error instanceof Error ? error.message : String(error) };
}

/** A box stating why content is missing. */
export function notice(error: unknown): HTMLElement {
  const { kind, message } = explain(error);
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

/** An arrow for a change: ▲ deteriorated, ▼ improved, ▬ unchanged; with a text label. */
export function changeArrow(direction: string | undefined, delta?: number | null): HTMLElement {
  const [glyph, label] =
    direction === 'deteriorated'
      ? ['▲', 'risk rose']
      : direction === 'improved'
        ? ['▼', 'risk fell']
        : direction === 'unchanged'
          ? ['▬', 'unchanged']
          : ['·', 'change unknown'];
  const amount =
    delta === null || delta === undefined ? '' : ` ${delta > 0 ? '+' : ''}${delta.toFixed(2)}`;
  return h(
    'span',
    {
      class: `change change-${direction ?? 'unknown'}`,
      title: `${label}${amount}`,
      'data-change': direction ?? 'unknown',
    },
    h('span', { 'aria-hidden': 'true' }, glyph),
    h('span', { class: 'visually-hidden' }, label),
    amount,
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

/** A definition list from label/value pairs. */
export function facts(pairs: readonly [string, Child | Child[]][]): HTMLElement {
  return h(
    'dl',
    { class: 'facts' },
    ...pairs.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, ...(Array.isArray(v) ? v : [v]))]),
  );
}

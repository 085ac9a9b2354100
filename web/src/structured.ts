/**
 * Renders a JSON answer whose exact shape the dashboard does not fix (needs assessments,
 * plans, capacity gaps: documents that grow as analysts add to them): objects as definition
 * lists, lists of like objects as tables, other lists as bullet lists. Keys become labels
 * (`timeToEffect` → "time to effect").
 */
import { h } from './dom.js';
import type { Child } from './dom.js';

/** `timeToEffect` or `time_to_effect` → `time to effect`. */
export function humanise(key: string): string {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_-]+/g, ' ')
    .toLowerCase();
}

function scalar(value: unknown): string {
  if (value === null || value === undefined) return '–';
  if (typeof value === 'number')
    return Number.isInteger(value) ? String(value) : String(Number(value.toFixed(3)));
  return String(value);
}

function isScalar(value: unknown): boolean {
  return value === null || ['string', 'number', 'boolean'].includes(typeof value);
}

/** A DOM rendering of any JSON value, to `depth` levels of nesting. */
export function structured(value: unknown, depth = 4): Child {
  if (isScalar(value) || value === undefined) return scalar(value);
  if (depth === 0) return h('code', {}, JSON.stringify(value));
  if (Array.isArray(value)) {
    if (value.length === 0) return h('span', { class: 'muted' }, 'none');
    if (value.every(isScalar)) return value.map(scalar).join(', ');
    const objects = value.filter(
      (v): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v),
    );
    const keys = [...new Set(objects.flatMap((o) => Object.keys(o)))];
    const flat =
      objects.length === value.length &&
      keys.length <= 7 &&
      objects.every((o) =>
        Object.values(o).every((v) => isScalar(v) || (Array.isArray(v) && v.every(isScalar))),
      );
    if (flat) {
      return h(
        'table',
        { class: 'data compact' },
        h('thead', {}, h('tr', {}, ...keys.map((k) => h('th', { scope: 'col' }, humanise(k))))),
        h(
          'tbody',
          {},
          ...objects.map((o) =>
            h('tr', {}, ...keys.map((k) => h('td', {}, structured(o[k], depth - 1)))),
          ),
        ),
      );
    }
    return h('ul', { class: 'cards' }, ...value.map((v) => h('li', {}, structured(v, depth - 1))));
  }
  const entries = Object.entries(value as Record<string, unknown>).filter(
    ([, v]) => v !== undefined,
  );
  return h(
    'dl',
    { class: 'facts' },
    ...entries.flatMap(([k, v]) => [
      h('dt', {}, humanise(k)),
      h('dd', {}, structured(v, depth - 1)),
    ]),
  );
}

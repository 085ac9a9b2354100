/** Number and date formatting shared by the views (English, fixed; no locale drift in snapshots). */

/** A probability in [0, 1] as a percentage with one decimal: `0.0312` → `3.1%`. */
export function percent(p: number | null | undefined, digits = 1): string {
  return p === null || p === undefined ? '–' : `${(p * 100).toFixed(digits)}%`;
}

/** A score on the 0–4 scale with two decimals; a dash when missing. */
export function score(x: number | null | undefined): string {
  return x === null || x === undefined ? '–' : x.toFixed(2);
}

const WHOLE = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 0 });

/** A count with thousands separators: `12345` → `12,345`. */
export function count(n: number): string {
  return WHOLE.format(n);
}

/**
 * A count with its noun, singular for one: `plural(1, 'event')` → `1 event`,
 * `plural(1200, 'death')` → `1,200 deaths`; `many` for irregular plurals.
 */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${count(n)} ${n === 1 ? one : many}`;
}

/** A plain number with up to `digits` decimals; a dash when missing. */
export function num(x: number | null | undefined, digits = 3): string {
  if (x === null || x === undefined) return '–';
  return Number.isInteger(x) ? String(x) : String(Number(x.toFixed(digits)));
}

/** An ISO timestamp shortened to its date and minutes, in UTC: `2026-01-15 09:30`. */
export function stamp(iso: string | null | undefined): string {
  if (!iso) return '–';
  return iso.replace('T', ' ').slice(0, 16);
}

/** The calendar year of an as-of date `YYYY-MM-DD`. */
export function yearOf(date: string): number {
  return Number(date.slice(0, 4));
}

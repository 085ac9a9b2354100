/**
 * A sortable table: column headers are buttons (keyboard operable, `aria-sort` on the
 * header), and the same column definitions give the CSV export.
 */
import { h } from './dom.js';
import type { Child } from './dom.js';
import { toCsv } from './ui.js';

/** One column: its header, the value it sorts by, how a cell shows and exports. */
export interface Column<T> {
  key: string;
  label: string;
  /** Sort value; nulls sort last either way. */
  sort?: (row: T) => number | string | null | undefined;
  cell: (row: T) => Child | Child[];
  /** The CSV value (default: the sort value). */
  csv?: (row: T) => unknown;
  numeric?: boolean;
  /** A note under the header (where the column's figures come from); not in the CSV. */
  note?: () => Child;
}

/** The sort state: a column key and a direction. */
export interface SortState {
  key: string;
  dir: 'asc' | 'desc';
}

/** Rows sorted by a column; missing values last. */
export function sortRows<T>(
  rows: readonly T[],
  columns: readonly Column<T>[],
  state: SortState,
): T[] {
  const col = columns.find((c) => c.key === state.key);
  if (!col?.sort) return [...rows];
  const sign = state.dir === 'asc' ? 1 : -1;
  return [...rows].sort((a, b) => {
    const x = col.sort!(a);
    const y = col.sort!(b);
    if (x === null || x === undefined) return y === null || y === undefined ? 0 : 1;
    if (y === null || y === undefined) return -1;
    return (
      (typeof x === 'number' && typeof y === 'number'
        ? x - y
        : String(x).localeCompare(String(y))) * sign
    );
  });
}

/** A table of rows under sortable headers; `onSort` gets the new state when a header is pressed. */
export function sortableTable<T>(
  rows: readonly T[],
  columns: readonly Column<T>[],
  state: SortState,
  options: {
    caption: string;
    id: string;
    rowKey: (row: T) => string;
    onSort: (s: SortState) => void;
  },
): HTMLTableElement {
  const head = h(
    'tr',
    {},
    ...columns.map((c) => {
      const active = state.key === c.key;
      const ariaSort = active
        ? state.dir === 'asc'
          ? 'ascending'
          : 'descending'
        : c.sort
          ? 'none'
          : null;
      const label = c.sort
        ? h(
            'button',
            {
              type: 'button',
              class: 'sort',
              'data-sort': c.key,
              on: {
                click: () =>
                  options.onSort({
                    key: c.key,
                    dir:
                      active && state.dir === 'asc'
                        ? 'desc'
                        : active
                          ? 'asc'
                          : c.numeric
                            ? 'desc'
                            : 'asc',
                  }),
              },
            },
            c.label,
            h(
              'span',
              { 'aria-hidden': 'true', class: 'sort-mark' },
              active ? (state.dir === 'asc' ? ' ↑' : ' ↓') : '',
            ),
          )
        : c.label;
      const note = c.note?.();
      return h(
        'th',
        { scope: 'col', 'aria-sort': ariaSort, class: c.numeric ? 'num' : null },
        label,
        note ? h('span', { class: 'th-note' }, note) : null,
      );
    }),
  );
  const body = sortRows(rows, columns, state).map((r) =>
    h(
      'tr',
      { 'data-row': options.rowKey(r) },
      ...columns.map((c) => {
        const out = c.cell(r);
        return h(
          'td',
          { class: c.numeric ? 'num' : null, 'data-col': c.key, 'data-label': c.label },
          ...(Array.isArray(out) ? out : [out]),
        );
      }),
    ),
  );
  return h(
    'table',
    { class: 'data', id: options.id },
    h('caption', {}, options.caption),
    h('thead', {}, head),
    h('tbody', {}, ...body),
  );
}

/** The rows as CSV, in the given order, with the columns' CSV values. */
export function tableCsv<T>(rows: readonly T[], columns: readonly Column<T>[]): string {
  return toCsv(
    columns.map((c) => c.label),
    rows.map((r) => columns.map((c) => (c.csv ?? c.sort ?? (() => ''))(r))),
  );
}

/**
 * Gives each body cell of the tables inside `root` the text of its column's header as
 * `data-label` (unless it has one), so that on a phone, where a table's rows become cards
 * (styles.css), every value keeps its name.
 */
export function labelCells(root: ParentNode): void {
  for (const table of root.querySelectorAll('table')) {
    const head = table.tHead?.rows[table.tHead.rows.length - 1];
    if (!head) continue;
    const names = [...head.cells].map((c) => c.textContent?.trim() ?? '');
    for (const body of table.tBodies)
      for (const row of body.rows)
        [...row.cells].forEach((cell, i) => {
          if (!cell.dataset.label && names[i] && cell.tagName === 'TD')
            cell.dataset.label = names[i]!;
        });
  }
}

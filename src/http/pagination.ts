import { HttpProblem } from './problem.js';
import { DEFAULT_LIMIT } from './schemas.js';

/** One page of a list: the envelope every list route answers with. */
export interface Page<T> {
  items: T[];
  /** Items in the whole list. */
  total: number;
  /** Cursor of the next page; null on the last. */
  next: string | null;
}

/**
 * The page of `items` (in their order, each with a unique `key`) after the item a cursor
 * names. A cursor is the key of the last item of the previous page, base64url-encoded: the
 * pages stay disjoint and complete when items are added before or after (newer alerts,
 * later events). A cursor whose item is gone answers 400, telling the client to start again.
 */
export function paginate<T>(
  items: readonly T[],
  key: (item: T) => string | number,
  q: { limit?: number; cursor?: string },
): Page<T> {
  const limit = q.limit ?? DEFAULT_LIMIT;
  let start = 0;
  if (q.cursor !== undefined) {
    const after = Buffer.from(q.cursor, 'base64url').toString('utf8');
    const at = items.findIndex((item) => String(key(item)) === after);
    if (at < 0)
      throw new HttpProblem(
        400,
        'the cursor names no item of this list; start from the first page',
        [{ in: 'querystring', field: 'cursor', message: 'names no item of this list' }],
      );
    start = at + 1;
  }
  const shown = items.slice(start, start + limit);
  const last = shown[shown.length - 1];
  const more = start + limit < items.length && last !== undefined;
  return {
    items: shown,
    total: items.length,
    next: more ? Buffer.from(String(key(last))).toString('base64url') : null,
  };
}

/**
 * "Did you mean …?" for a country the registry does not know: the countries whose name, id
 * or ISO code is a slip away from what was typed (a letter missing, added, wrong or
 * swapped, or the start of a name). The server's own resolver does the same for the CLI.
 */
import type { CountryItem } from './types.js';

/** Lower case, accents and punctuation dropped: `Côte d’Ivoire` → `cote divoire`. */
function key(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/['’‘`]/g, '')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

/** Edit distance with swaps of neighbours (optimal string alignment). */
function distance(a: string, b: string): number {
  const rows: number[][] = [Array.from({ length: b.length + 1 }, (_, j) => j)];
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      let d = Math.min(
        rows[i - 1]![j]! + 1,
        row[j - 1]! + 1,
        rows[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d = Math.min(d, rows[i - 2]![j - 2]! + 1);
      row.push(d);
    }
    rows.push(row);
  }
  return rows[a.length]![b.length]!;
}

/**
 * The countries `query` may have meant, nearest first, at most `limit`; states that exist
 * now before past ones. Empty when nothing is near.
 */
export function suggestCountries(
  query: string,
  countries: readonly CountryItem[],
  limit = 5,
): CountryItem[] {
  const q = key(query);
  if (!q) return [];
  const allowed = q.length <= 4 ? 1 : q.length <= 8 ? 2 : 3;
  return countries
    .map((c) => {
      const names = [key(c.name), c.id, (c.iso3 ?? '').toLowerCase()].filter(Boolean);
      const best = Math.min(
        ...names.map((n) => (q.length >= 3 && n.startsWith(q) ? 0.5 : distance(q, n))),
      );
      return { c, score: best + (c.to === undefined || c.to === null ? 0 : 0.25) };
    })
    .filter((x) => x.score <= allowed)
    .sort((a, b) => a.score - b.score || a.c.name.localeCompare(b.c.name))
    .slice(0, limit)
    .map((x) => x.c);
}

import { textTableHeader } from './csv.js';

/**
 * A table publishers ship beside their data that is not data the lens stores: recognised by
 * its header (every `required` column present, and no column outside `columns`, so that a
 * source file carrying the same keys is never taken for it), with why it is not imported.
 */
export interface LookupTable {
  required: readonly string[];
  /** Every column the table may have; `''` is R's unnamed row index. */
  columns: readonly string[];
  /** Why it is not imported, for the sync report. */
  reason: string;
}

/** The lookup tables known to ship with the supported sources. */
export const LOOKUP_TABLES: readonly LookupTable[] = [
  {
    // The EWP's `country-names.csv`: its country names (`ewp_name`) against COW codes.
    required: ['ewp_name', 'ccode'],
    columns: ['', 'country', 'ccode', 'ewp_name'],
    reason:
      'a country-name lookup (EWP names against COW codes): the registry in content/countries covers it',
  },
];

/**
 * Why a CSV file is a known lookup table and not imported (see {@link LOOKUP_TABLES});
 * undefined for any other file. Judged by content only.
 */
export async function lookupTable(path: string): Promise<string | undefined> {
  const header = await textTableHeader(path);
  if (!header) return undefined;
  return LOOKUP_TABLES.find(
    (t) =>
      t.required.every((c) => header.includes(c)) && header.every((c) => t.columns.includes(c)),
  )?.reason;
}

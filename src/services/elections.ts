import { basename } from 'node:path';
import type { CountryRegistry } from '../core/countries/registry.js';
import { isIsoDate } from '../core/escalation/dates.js';
import { InputError } from '../core/errors.js';
import { CsvTable } from '../sources/csv.js';
import { requireAction } from '../store/access.js';
import type { Principal } from '../store/access.js';
import type { Store } from '../store/database.js';
import { listElections as listStored, upsertElections } from '../store/elections-repository.js';
import type { Election } from '../store/elections-repository.js';
import { audited } from './audit.js';

/** The columns of an elections calendar file. */
export const ELECTION_COLUMNS = ['country', 'date', 'type', 'source'] as const;

/** Kinds of election the calendar knows. */
export const ELECTION_TYPES = [
  'presidential',
  'legislative',
  'general',
  'referendum',
  'local',
] as const;

/** What an import of the calendar did. */
export interface ElectionsImport {
  file: string;
  rows: number;
  added: number;
  replaced: number;
}

/**
 * Imports an elections calendar (CSV `country,date,type,source`), all or nothing: every bad
 * row is refused with its line and reason in one InputError, and nothing is stored unless
 * every row is good. A country is a name or code (resolved for the year of the vote); the
 * date `YYYY-MM-DD`; the type one of ELECTION_TYPES; the source not empty. A row with the
 * country, date and type of a stored election replaces it; the same one twice in the file is
 * refused. Needs an analyst's rights (`override`); audited.
 */
export async function importElections(
  store: Store,
  principal: Principal,
  registry: CountryRegistry,
  path: string,
  now: string = new Date().toISOString(),
): Promise<ElectionsImport> {
  requireAction(principal, 'override');
  const table = await CsvTable.open(path, { required: [...ELECTION_COLUMNS] });
  const at = Object.fromEntries(ELECTION_COLUMNS.map((c) => [c, table.column(c)])) as Record<
    (typeof ELECTION_COLUMNS)[number],
    number
  >;
  const rows: Election[] = [];
  const problems: string[] = [];
  const seen = new Map<string, number>();
  for await (const { line, fields } of table) {
    const cell = (c: (typeof ELECTION_COLUMNS)[number]) => (fields[at[c]] ?? '').trim();
    const bad = (column: string, reason: string) =>
      problems.push(`line ${line}: column "${column}": ${reason}`);
    const date = cell('date');
    const type = cell('type').toLowerCase();
    const source = cell('source');
    if (!isIsoDate(date)) bad('date', `"${date}" is not a date (expected YYYY-MM-DD)`);
    if (!(ELECTION_TYPES as readonly string[]).includes(type))
      bad(
        'type',
        `"${cell('type')}" is not a type of election (expected one of ${ELECTION_TYPES.join(', ')})`,
      );
    if (source === '')
      bad('source', 'the source is missing (expected who announces or records it)');
    const year = isIsoDate(date) ? Number(date.slice(0, 4)) : undefined;
    const country =
      cell('country') === '' ? undefined : registry.resolve(cell('country'), { year })[0];
    if (!country)
      bad(
        'country',
        `no country matches "${cell('country')}" (expected a name or a COW, ISO or V-Dem code)`,
      );
    if (!country || !isIsoDate(date) || source === '') continue;
    const key = `${country.id}|${date}|${type}`;
    const earlier = seen.get(key);
    if (earlier !== undefined) {
      bad(
        'date',
        `the ${type} election of ${country.name} on ${date} is already on line ${earlier}`,
      );
      continue;
    }
    seen.set(key, line);
    rows.push({
      countryId: country.id,
      date,
      type,
      source,
      file: basename(path),
      line,
      recordedAt: now,
    });
  }
  if (problems.length > 0)
    throw new InputError(
      `${problems.length} bad row${problems.length === 1 ? '' : 's'}, nothing imported:\n${problems.join('\n')}`,
      { file: path },
    );
  const added = await audited(store, async (trx, record) => {
    const n = await upsertElections(trx, rows);
    record({
      at: now,
      actor: principal,
      action: 'import',
      itemType: 'elections',
      itemId: basename(path),
      detail: { rows: rows.length, added: n },
    });
    return n;
  });
  return { file: path, rows: rows.length, added, replaced: rows.length - added };
}

/** The calendar, by date: of one country and between two ISO dates when given. */
export async function elections(
  store: Store,
  q: { countryId?: string; from?: string; to?: string } = {},
): Promise<Election[]> {
  return listStored(store.db, q);
}

export type { Election } from '../store/elections-repository.js';

import { InputError } from '../core/errors.js';
import type { CapacityActor, Scope } from '../core/planning/capacity.js';
import { formatScope, parseScope } from '../core/planning/capacity.js';
import { REGIONS } from '../core/planning/regions.js';
import type { ActorKind, Commitment } from '../core/planning/types.js';
import { ACTOR_KINDS, COMMITMENTS } from '../core/planning/types.js';
import { CsvTable } from './csv.js';

/**
 * The capacity map's CSV form: one row per actor and measure. The columns, in this order on
 * export: `actor_id, actor_name, actor_kind, measure, scope, current_use, prevention_use,
 * commitment, links, illustrative`. `links` and country scopes are lists separated by `;`;
 * `illustrative` is `true` or `false`.
 */
export const CAPACITY_COLUMNS = [
  'actor_id',
  'actor_name',
  'actor_kind',
  'measure',
  'scope',
  'current_use',
  'prevention_use',
  'commitment',
  'links',
  'illustrative',
] as const;

const ID = /^[a-z0-9][a-z0-9-]*$/;

/**
 * Reads a capacity map CSV into actors. Every row is checked (InputError naming file, line
 * and column and what was expected): known actor kind, measure among `measureIds`, a scope
 * `world`, a region or ISO3 codes among `iso3Codes`, a commitment level, a boolean; an
 * actor's name, kind and illustrative flag agree on all its rows; links name actors of the
 * file; no actor lists the same measure and scope twice.
 */
export async function readCapacityCsv(
  file: string,
  refs: { measureIds: ReadonlySet<string>; iso3Codes: ReadonlySet<string> },
): Promise<CapacityActor[]> {
  const table = await CsvTable.open(file, { required: CAPACITY_COLUMNS });
  const col = Object.fromEntries(CAPACITY_COLUMNS.map((c) => [c, table.column(c)])) as Record<
    (typeof CAPACITY_COLUMNS)[number],
    number
  >;
  const actors = new Map<string, CapacityActor & { line: number }>();
  const linkLines = new Map<string, number>();
  const seen = new Set<string>();
  try {
    for await (const { line, fields } of table) {
      const cell = (c: (typeof CAPACITY_COLUMNS)[number]) => (fields[col[c]] ?? '').trim();
      const fail = (column: string, message: string, expected: string): never => {
        throw new InputError(message, { file, line, column, expected });
      };
      const id = cell('actor_id');
      if (!ID.test(id))
        fail('actor_id', `"${id}" is not an actor id`, 'lower-case letters, digits and hyphens');
      const kind = cell('actor_kind');
      if (!(ACTOR_KINDS as readonly string[]).includes(kind))
        fail('actor_kind', `unknown actor kind "${kind}"`, `one of ${ACTOR_KINDS.join(', ')}`);
      const name = cell('actor_name');
      if (name === '') fail('actor_name', 'the actor has no name', 'a name');
      const measure = cell('measure');
      if (!refs.measureIds.has(measure))
        fail(
          'measure',
          `unknown measure "${measure}"`,
          'a measure id of the toolkit (`lens toolkit list`)',
        );
      const scope = parseScope(cell('scope'));
      if (!scope)
        fail(
          'scope',
          `"${cell('scope')}" is not a scope`,
          `world, a region (${REGIONS.join(', ')}) or ISO3 codes separated by ;`,
        );
      const unknown =
        scope!.kind === 'countries' ? scope!.iso3.filter((c) => !refs.iso3Codes.has(c)) : [];
      if (unknown.length > 0)
        fail(
          'scope',
          `unknown country code ${unknown.join(', ')}`,
          'ISO 3166 alpha-3 codes of the registry',
        );
      const commitment = cell('commitment');
      if (!(COMMITMENTS as readonly string[]).includes(commitment))
        fail(
          'commitment',
          `unknown commitment "${commitment}"`,
          `one of ${COMMITMENTS.join(', ')}`,
        );
      const flag = cell('illustrative').toLowerCase();
      if (flag !== 'true' && flag !== 'false')
        fail('illustrative', `"${flag}" is not true or false`, 'true or false');
      const links =
        cell('links') === ''
          ? []
          : cell('links')
              .split(';')
              .map((l) => l.trim());
      const key = `${id}|${measure}|${formatScope(scope!)}`;
      if (seen.has(key))
        fail(
          'measure',
          `actor ${id} lists measure ${measure} for scope ${formatScope(scope!)} twice`,
          'one row per actor, measure and scope',
        );
      seen.add(key);
      let actor = actors.get(id);
      if (!actor) {
        actor = {
          id,
          name,
          kind: kind as ActorKind,
          illustrative: flag === 'true',
          links: [],
          capacities: [],
          line,
        };
        actors.set(id, actor);
      } else if (
        actor.name !== name ||
        actor.kind !== kind ||
        actor.illustrative !== (flag === 'true')
      ) {
        fail(
          'actor_name',
          `actor ${id} differs from its row on line ${actor.line}`,
          'the same name, kind and illustrative flag on every row of an actor',
        );
      }
      for (const l of links) {
        if (!actor.links.includes(l)) actor.links.push(l);
        if (!linkLines.has(`${id}|${l}`)) linkLines.set(`${id}|${l}`, line);
      }
      actor.capacities.push({
        measureId: measure,
        scope: scope as Scope,
        currentUse: cell('current_use'),
        preventionUse: cell('prevention_use'),
        commitment: commitment as Commitment,
      });
    }
  } finally {
    await table.close();
  }
  for (const [key, line] of linkLines) {
    const [from, to] = key.split('|') as [string, string];
    if (!actors.has(to))
      throw new InputError(`actor ${from} links to unknown actor "${to}"`, {
        file,
        line,
        column: 'links',
        expected: 'actor ids of the same file',
      });
  }
  if (actors.size === 0)
    throw new InputError('the file has no rows', { file, line: 2, expected: 'at least one actor' });
  return [...actors.values()].map(({ line: _line, ...a }) => a);
}

/** Quotes a CSV field when it holds a comma, quote or line break (RFC 4180). */
function quote(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The map as CSV (the form `readCapacityCsv` reads), actors and their rows in id order. */
export function capacityToCsv(actors: readonly CapacityActor[]): string {
  const lines = [CAPACITY_COLUMNS.join(',')];
  for (const a of [...actors].sort((x, y) => x.id.localeCompare(y.id))) {
    for (const c of a.capacities) {
      lines.push(
        [
          a.id,
          a.name,
          a.kind,
          c.measureId,
          formatScope(c.scope),
          c.currentUse,
          c.preventionUse,
          c.commitment,
          a.links.join(';'),
          String(a.illustrative),
        ]
          .map(quote)
          .join(','),
      );
    }
  }
  return lines.join('\n') + '\n';
}

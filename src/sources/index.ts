import { InputError } from '../core/errors.js';
import { coupsCountryYear } from './coups-cy.js';
import { coupsPowellThyne } from './coups-pt.js';
import { textTableHeader } from './csv.js';
import { epr } from './epr.js';
import { ewpBase } from './ewp-base.js';
import { ewpEpisodes } from './ewp-episodes.js';
import { ewpPredictors } from './ewp-predictors.js';
import { hief } from './hief.js';
import { iccpr } from './iccpr.js';
import { pitf } from './pitf.js';
import { polity5 } from './polity5.js';
import { pts } from './pts.js';
import { sniffFormat } from './spreadsheet.js';
import type { SourceDescriptor, SourceKind } from './types.js';
import { ucdpBattleDeaths } from './ucdp-brd.js';
import { unInfantMortality } from './un-imr.js';
import { vdem } from './vdem.js';
import { vdemEwp } from './vdem-ewp.js';
import { wdi } from './wdi.js';
import { wdiApi } from './wdi-api.js';

/** Every supported source format, one per kind. */
export const SOURCES: readonly SourceDescriptor[] = [
  ewpPredictors,
  ewpBase,
  ewpEpisodes,
  wdi,
  wdiApi,
  vdem,
  vdemEwp,
  ucdpBattleDeaths,
  epr,
  coupsPowellThyne,
  coupsCountryYear,
  pts,
  polity5,
  unInfantMortality,
  hief,
  iccpr,
  pitf,
];

const BY_KIND = new Map(SOURCES.map((s) => [s.kind, s]));

/** The descriptor of a kind; InputError listing the valid kinds for an unknown one. */
export function sourceByKind(kind: string): SourceDescriptor {
  const source = BY_KIND.get(kind as SourceKind);
  if (source === undefined) {
    throw new InputError(`unknown source kind "${kind}"`, {
      expected: `one of ${SOURCES.map((s) => s.kind).join(', ')}`,
    });
  }
  return source;
}

/**
 * Every kind whose format the file matches, judged by content only, never by name:
 * workbooks and JSON by each source's `sniff`, anything else as CSV by its header against
 * each source's `signature` (all signature columns present). A file that is neither yields
 * an empty list. The header is decoded as Latin-1, so Latin-1 files (PTS) are recognised.
 */
export async function detectKinds(path: string): Promise<SourceKind[]> {
  const format = await sniffFormat(path);
  if (format !== 'text') {
    const kinds: SourceKind[] = [];
    for (const source of SOURCES) {
      if (source.sniff && (await source.sniff(path))) kinds.push(source.kind);
    }
    return kinds;
  }
  const columns = await textTableHeader(path);
  if (!columns) return [];
  const header = new Set(columns);
  return SOURCES.filter(
    (s) => s.signature.length > 0 && s.signature.every((column) => header.has(column)),
  ).map((s) => s.kind);
}

/**
 * The kind of a file, recognised by content (see {@link detectKinds}); undefined when no
 * supported format matches. InputError when several match, which the signature tests rule
 * out for the publishers' files.
 */
export async function detectKind(path: string): Promise<SourceKind | undefined> {
  const kinds = await detectKinds(path);
  if (kinds.length > 1) {
    throw new InputError(`the file matches several source formats: ${kinds.join(', ')}`, {
      file: path,
      expected: 'a file of exactly one supported format; import it with an explicit kind',
    });
  }
  return kinds[0];
}

/**
 * Why a CSV file was not recognised, for the error message: the format whose signature it
 * comes closest to (at least half of the columns) and the columns it lacks; undefined when
 * nothing is close or the file is not a CSV.
 */
export async function nearestFormat(
  path: string,
): Promise<{ kind: SourceKind; missing: string[] } | undefined> {
  const columns = await textTableHeader(path);
  if (!columns) return undefined;
  const header = new Set(columns);
  let best: { kind: SourceKind; missing: string[]; share: number } | undefined;
  for (const s of SOURCES) {
    if (s.signature.length === 0) continue;
    const missing = s.signature.filter((c) => !header.has(c));
    const share = 1 - missing.length / s.signature.length;
    if (share >= 0.5 && (!best || share > best.share)) best = { kind: s.kind, missing, share };
  }
  return best && { kind: best.kind, missing: best.missing };
}

export type { SourceDescriptor, SourceKind } from './types.js';

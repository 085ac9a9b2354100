import type { CountryStatus } from './engine.js';
import { stageAbove } from './engine.js';
import type { Stage } from './rules.js';
import type { Tlp } from './types.js';

/**
 * What deserves an alert when a country's status changes: its stage rose, a red flag fired
 * that had not, or it became imminent. Alerts are deduplicated by `dedupKey`: while an
 * alert with the same key is open (not resolved), a repeat only bumps it.
 */

/** Kinds of alert. */
export type AlertKind = 'stage-rise' | 'red-flag' | 'imminent';

/** Every alert kind. */
export const ALERT_KINDS: readonly AlertKind[] = ['stage-rise', 'red-flag', 'imminent'];

/** An alert to raise (or bump, when an open one has the same key). */
export interface AlertDraft {
  kind: AlertKind;
  countryId: string;
  /** `stage-rise:COUNTRY:STAGE`, `red-flag:COUNTRY:INDICATOR` or `imminent:COUNTRY`. */
  dedupKey: string;
  /** The stage the country is at. */
  stage: Stage;
  /** The red flag's indicator id (kind `red-flag`). */
  indicator?: string;
  title: string;
  asOf: string;
  /** Keys of the events behind the alert, most recent first. */
  evidence: string[];
  /** The strictest sharing level of that evidence. */
  sharing: Tlp;
}

/**
 * The alerts a change from `previous` (undefined: no status stored yet, i.e. stage none) to
 * `current` calls for. `name` labels the country in titles.
 */
export function alertsFor(
  previous: CountryStatus | undefined,
  current: CountryStatus,
  name: string = current.countryId,
): AlertDraft[] {
  const out: AlertDraft[] = [];
  const country = current.countryId;
  const before: Stage = previous?.stage ?? 'none';
  const firedAt = (stage: Stage) => current.indicators.filter((i) => i.stage === stage);
  if (stageAbove(current.stage, before)) {
    const behind = firedAt(current.stage);
    out.push({
      kind: 'stage-rise',
      countryId: country,
      dedupKey: `stage-rise:${country}:${current.stage}`,
      stage: current.stage,
      title: `${name}: stage rose from ${before} to ${current.stage} (${behind.map((i) => i.title).join('; ')})`,
      asOf: current.asOf,
      evidence: unique(behind.flatMap((i) => i.evidence)),
      sharing: strictest(behind.map((i) => i.sharing)),
    });
  }
  const had = new Set(previous?.redFlags ?? []);
  for (const id of current.redFlags) {
    if (had.has(id)) continue;
    const ind = current.indicators.find((i) => i.id === id);
    if (!ind) continue;
    out.push({
      kind: 'red-flag',
      countryId: country,
      dedupKey: `red-flag:${country}:${id}`,
      stage: current.stage,
      indicator: id,
      title: `${name}: red flag: ${ind.title} (${ind.events} events, ${ind.deaths} deaths, ${ind.from} to ${ind.to})`,
      asOf: current.asOf,
      evidence: ind.evidence,
      sharing: ind.sharing,
    });
  }
  if (current.imminent && !previous?.imminent) {
    const flags = current.indicators.filter((i) => i.redFlag);
    out.push({
      kind: 'imminent',
      countryId: country,
      dedupKey: `imminent:${country}`,
      stage: current.stage,
      title: `${name}: atrocities imminent: structural tier ${current.tier ?? 'not known'} with red flags ${flags.map((i) => i.title).join('; ')}${current.imminence?.met ? ` (${current.imminence.met})` : ''}`,
      asOf: current.asOf,
      evidence: unique(flags.flatMap((i) => i.evidence)),
      sharing: strictest(flags.map((i) => i.sharing)),
    });
  }
  return out;
}

const ORDER: readonly Tlp[] = ['CLEAR', 'GREEN', 'AMBER', 'AMBER+STRICT', 'RED'];

function strictest(levels: readonly Tlp[]): Tlp {
  return levels.reduce<Tlp>((a, b) => (ORDER.indexOf(b) > ORDER.indexOf(a) ? b : a), 'CLEAR');
}

function unique(keys: readonly string[]): string[] {
  return [...new Set(keys)];
}

import type { MarkerRule } from './rules.js';
import type { EscalationEvent } from './types.js';

/**
 * Historical crisis markers: country-years of the structural data (coups, PITF problem
 * years, UCDP conflict years) turned into year-long events, so the same rules read them as
 * read event data.
 */

/** One stored country-year value, as the store gives it. */
export interface MarkerObservation {
  countryId: string;
  /** Variable name, `kind:column` (`coups-pt:pt_coup`). */
  variable: string;
  year: number;
  value: number | null;
  /** Source and release, e.g. `coups-pt 2025`. */
  source: string;
  /** First date the value was public (ISO). */
  availableFrom: string;
}

/**
 * The marker events of `observations` under `markers`: one per rule and country-year whose
 * value is at least the rule's `min`, dated 1 January to 31 December of the year (precision
 * `year`), known at country level, public (CLEAR), reliability high. Keys are
 * `marker:VARIABLE:COUNTRY:YEAR`.
 */
export function markerEvents(
  markers: readonly MarkerRule[],
  observations: readonly MarkerObservation[],
): EscalationEvent[] {
  const byVariable = new Map<string, MarkerRule[]>();
  for (const m of markers) {
    const list = byVariable.get(m.variable);
    if (list) list.push(m);
    else byVariable.set(m.variable, [m]);
  }
  const out: EscalationEvent[] = [];
  for (const o of observations) {
    const rules = byVariable.get(o.variable);
    if (!rules || o.value === null) continue;
    for (const m of rules) {
      if (o.value < m.min) continue;
      const year = String(o.year).padStart(4, '0');
      out.push({
        source: 'marker',
        sourceId: `${o.variable}:${o.countryId}:${o.year}`,
        countryId: o.countryId,
        date: { start: `${year}-01-01`, end: `${year}-12-31`, precision: 'year' },
        place: { precision: 'country' },
        actors: [],
        category: m.category,
        civilianTargeted: false,
        deaths: m.deaths ? { best: o.value, low: o.value, high: o.value } : null,
        accountability: 'unknown',
        sources: [{ name: o.source }],
        reliability: 'high',
        sharing: 'CLEAR',
        provenance: { release: o.source, recordedAt: o.availableFrom },
        notes: `${m.label}: ${o.variable} = ${o.value} in ${o.year}`,
      });
    }
  }
  return out;
}

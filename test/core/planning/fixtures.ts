import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CountryFacts, SeriesKey } from '../../../src/core/planning/facts.js';
import type {
  Measure,
  PitfallId,
  PitfallRuleSpec,
  RankingWeights,
} from '../../../src/core/planning/types.js';

const shipped = JSON.parse(
  readFileSync(join(import.meta.dirname, '../../../content/toolkit/toolkit.v2.json'), 'utf8'),
) as { ranking: RankingWeights; pitfallRules: PitfallRuleSpec[] };

/** The shipped ranking weights (toolkit version 2). */
export const RANKING: RankingWeights = shipped.ranking;

/** The shipped pitfall rules (toolkit version 2). */
export const PITFALL_RULES: readonly PitfallRuleSpec[] = shipped.pitfallRules;

/** A country with nothing of note: low tier, no escalation, no series. */
export function quietFacts(overrides: Partial<CountryFacts> = {}): CountryFacts {
  return {
    countryId: 'tst',
    name: 'Testland',
    iso3: 'TST',
    region: 'africa',
    asOf: '2020-12-31',
    structural: {
      framework: 'preconditions-2011@2',
      tier: 'low',
      score: 1,
      coverage: 1,
      factors: [],
    },
    escalation: { stage: 'none', imminent: false, redFlags: [], indicators: [] },
    perpetrators: [],
    series: {},
    ...overrides,
  };
}

/** A yearly series with one variable. */
export function series(key: SeriesKey, values: Record<number, number>) {
  return {
    [key]: Object.entries(values).map(([year, value]) => ({
      year: Number(year),
      value,
      variable: `test:${key}`,
      source: 'test',
    })),
  };
}

/** A measure with sensible defaults; override what the test is about. */
export function measure(id: string, o: Partial<Measure> = {}): Measure {
  return {
    id,
    title: `Measure ${id}`,
    agenda: 'structural',
    area: 'governance',
    summary: 'test measure',
    answers: { factors: ['preconditions-2011:rule-of-law'], indicators: [] },
    fits: { situations: [], stages: [], note: '' },
    backfires: [],
    deliveredBy: ['un'],
    timeToEffect: 'years',
    pitfalls: [],
    tensions: [],
    sideEffects: [],
    cases: [],
    ...o,
  };
}

/** A measure exposed to one pitfall. */
export function exposed(id: string, pitfall: PitfallId, o: Partial<Measure> = {}): Measure {
  return measure(id, { pitfalls: [pitfall], ...o });
}

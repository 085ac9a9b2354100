import type { Framework } from '../../../src/core/frameworks/types.js';

/**
 * A small framework for engine tests: two groups; one factor on a 0-1 index (lower is
 * worse), one on an event list (absent rows are 0), one on episodes, one derived, one left
 * to analysts.
 */
export function fixtureFramework(): Framework {
  return {
    id: 'fixture',
    version: 1,
    title: 'Fixture',
    description: 'For tests.',
    basis: 'None.',
    changelog: [{ version: 1, date: '2025-01-01', changes: 'First.' }],
    aggregation: { method: 'mean' },
    tiers: { extreme: 3, high: 2, moderate: 1.5, low: 1, negligible: 0 },
    minCoverage: 0.5,
    groups: [
      {
        id: 'regime',
        title: 'Regime',
        weight: 1,
        aggregation: { method: 'mean' },
        factors: [
          {
            id: 'rule-of-law',
            title: 'Rule of law',
            description: 'd',
            weight: 1,
            indicators: [
              {
                id: 'rol',
                title: 'Rule of law index',
                variables: ['vdem:v2xcl_rol'],
                transform: { kind: 'latest', maxAgeYears: 3 },
                severity: {
                  kind: 'thresholds',
                  direction: 'lower-is-worse',
                  thresholds: [0.8, 0.6, 0.4, 0.2],
                },
                weight: 1,
              },
            ],
          },
          {
            id: 'militias',
            title: 'Militias',
            description: 'd',
            weight: 1,
            analystInput: true,
            indicators: [],
          },
        ],
      },
      {
        id: 'conflict',
        title: 'Conflict',
        weight: 1,
        aggregation: { method: 'max' },
        factors: [
          {
            id: 'armed-conflict',
            title: 'Armed conflict',
            description: 'd',
            weight: 1,
            indicators: [
              {
                id: 'battle-deaths',
                title: 'Battle deaths',
                variables: ['ucdp-brd:bd_best'],
                absentIsZero: true,
                transform: { kind: 'window', stat: 'max', years: 2 },
                severity: {
                  kind: 'thresholds',
                  direction: 'higher-is-worse',
                  thresholds: [25, 300, 1000, 5000],
                },
                weight: 1,
              },
            ],
          },
          {
            id: 'history',
            title: 'History',
            description: 'd',
            weight: 1,
            indicators: [
              {
                id: 'recency',
                title: 'Years since a mass killing',
                variables: [],
                transform: { kind: 'episodes', role: 'location', years: 50 },
                severity: {
                  kind: 'thresholds',
                  direction: 'lower-is-worse',
                  thresholds: [40, 20, 5, 0],
                },
                weight: 1,
              },
            ],
          },
          {
            id: 'war-crimes-threat',
            title: 'Conflict with a lawless state',
            description: 'd',
            weight: 1,
            aggregation: { method: 'min' },
            derivedFrom: ['armed-conflict', 'rule-of-law'],
            indicators: [],
          },
        ],
      },
    ],
  };
}

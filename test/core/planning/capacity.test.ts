import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CapacityActor } from '../../../src/core/planning/capacity.js';
import {
  capacityGaps,
  covers,
  parseScope,
  providers,
} from '../../../src/core/planning/capacity.js';
import { regionOfCow } from '../../../src/core/planning/regions.js';

const actors: CapacityActor[] = [
  {
    id: 'un-office',
    name: 'Example UN office',
    kind: 'un',
    illustrative: true,
    links: ['regional'],
    capacities: [
      {
        measureId: 'early-warning',
        scope: { kind: 'world' },
        currentUse: 'reports',
        preventionUse: '',
        commitment: 'high',
      },
      {
        measureId: 'envoy',
        scope: { kind: 'region', region: 'africa' },
        currentUse: '',
        preventionUse: '',
        commitment: 'low',
      },
    ],
  },
  {
    id: 'regional',
    name: 'Example regional organisation',
    kind: 'regional',
    illustrative: true,
    links: [],
    capacities: [
      {
        measureId: 'envoy',
        scope: { kind: 'countries', iso3: ['KEN', 'UGA'] },
        currentUse: 'mediation',
        preventionUse: '',
        commitment: 'medium',
      },
    ],
  },
];

const kenya = { iso3: 'KEN', region: 'africa' as const };
const mali = { iso3: 'MLI', region: 'africa' as const };
const peru = { iso3: 'PER', region: 'americas' as const };

describe('capacity map', () => {
  it('scopes: world, region, listed countries', () => {
    assert.deepEqual(parseScope('world'), { kind: 'world' });
    assert.deepEqual(parseScope('africa'), { kind: 'region', region: 'africa' });
    assert.deepEqual(parseScope('ken; uga'), { kind: 'countries', iso3: ['KEN', 'UGA'] });
    assert.equal(parseScope('atlantis'), undefined);
    assert.equal(covers({ kind: 'region', region: 'africa' }, peru), false);
    assert.equal(covers({ kind: 'countries', iso3: ['KEN'] }, kenya), true);
  });

  it('regions from COW numbers', () => {
    assert.equal(regionOfCow(2), 'americas');
    assert.equal(regionOfCow(490), 'africa');
    assert.equal(regionOfCow(645), 'middle-east');
    assert.equal(regionOfCow(750), 'asia');
    assert.equal(regionOfCow(900), 'oceania');
    assert.equal(regionOfCow(365), 'europe');
  });

  it('providers of a measure in a country, most committed first', () => {
    assert.deepEqual(
      providers(actors, 'envoy', kenya).map((p) => [p.actorId, p.commitment]),
      [
        ['regional', 'medium'],
        ['un-office', 'low'],
      ],
    );
    assert.deepEqual(providers(actors, 'envoy', peru), []);
  });

  it('finds the planted gaps: needed measures with no committed actor, and the weak ones that could help', () => {
    const { gaps, matrix } = capacityGaps(actors, [
      { measureId: 'envoy', countryId: 'ken', place: kenya },
      { measureId: 'envoy', countryId: 'mli', place: mali },
      { measureId: 'envoy', countryId: 'per', place: peru },
      { measureId: 'early-warning', countryId: 'per', place: peru },
      { measureId: 'arms-embargo', countryId: 'mli', place: mali },
    ]);
    assert.deepEqual(gaps, [
      { measureId: 'arms-embargo', countries: ['mli'], weak: [] },
      {
        measureId: 'envoy',
        countries: ['mli', 'per'],
        weak: [{ actorId: 'un-office', name: 'Example UN office', commitment: 'low' }],
      },
    ]);
    assert.deepEqual(
      matrix.map((r) => [r.measureId, r.needed, r.covered, r.byActor]),
      [
        ['arms-embargo', 1, 0, {}],
        ['early-warning', 1, 1, { 'un-office': 1 }],
        ['envoy', 3, 1, { regional: 1 }],
      ],
    );
  });
});

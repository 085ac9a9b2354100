// The forecast intervals: refits on resampled countries, for every family, seeded.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { riskIntervals } from '../../../src/core/forecast/intervals.js';
import { forecastOrigin } from '../../../src/core/forecast/walk-forward.js';
import { boostingSpec, elasticNetSpec, ensembleSpec, fixturePanel } from './fixtures.js';

describe('forecast intervals', () => {
  for (const spec of [elasticNetSpec(), boostingSpec(), ensembleSpec()]) {
    it(`${spec.family}: an interval around each risk, the same on every run`, () => {
      const panel = fixturePanel(spec);
      const origin = 1995;
      const forecast = forecastOrigin(panel, spec, origin);
      const a = riskIntervals(panel, spec, forecast.model, origin, { replicates: 12 });
      const b = riskIntervals(panel, spec, forecast.model, origin, { replicates: 12 });
      assert.deepEqual([...a], [...b], 'seeded');
      assert.equal(a.size, forecast.rows.length);
      let inside = 0;
      let wide = 0;
      for (const r of forecast.rows) {
        const iv = a.get(r.countryId)!;
        assert.ok(iv.low >= 0 && iv.low <= iv.high && iv.high <= 1, `${r.countryId}`);
        if (iv.low <= r.risk && r.risk <= iv.high) inside++;
        if (iv.high - iv.low > 1e-6) wide++;
      }
      assert.ok(
        inside >= forecast.rows.length * 0.8,
        `${inside} of ${forecast.rows.length} inside`,
      );
      assert.ok(wide >= forecast.rows.length * 0.8, 'the refits differ');
      const narrow = riskIntervals(panel, spec, forecast.model, origin, {
        replicates: 12,
        level: 0.2,
      });
      for (const r of forecast.rows) {
        const n = narrow.get(r.countryId)!;
        const w = a.get(r.countryId)!;
        assert.ok(n.low >= w.low - 1e-12 && n.high <= w.high + 1e-12, 'a lower level is nested');
      }
    });
  }
});

import { describe, expect, it } from 'vitest';
import { benchMetricSeries } from '../../src/bench/metricSeries.js';
import { engines, postgresUrl } from '../support/databases.js';

describe('metrics series benchmark', () => {
  for (const engine of engines) {
    it(`times the series over a seeded month against a plain count of the same table on ${engine.name}`, async () => {
      const target = engine.name === 'postgres' ? ({ kind: 'postgres', adminUrl: postgresUrl! } as const) : ({ kind: 'pglite' } as const);
      // The bench checks the series counted every seeded proposal, or it throws.
      const f = await benchMetricSeries(600, target, 3);
      expect(f).toMatchObject({ id: `metrics.series_ms.day30.600.${engine.name}`, unit: 'ms', better: 'lower' });
      expect(f.value).toBeGreaterThan(0);
      expect(f.baseline.value).toBeGreaterThan(0);
      expect(f.ratio).toBeCloseTo(f.value / f.baseline.value);
    });
  }
});

import { describe, expect, it } from 'vitest';
import { benchAuditAppend, benchAuditVerify } from '../../src/bench/audit.js';
import { engines, postgresUrl } from '../support/databases.js';

describe('audit verification benchmark', () => {
  it('verifies its generated chain and reports the figure beside its baseline', async () => {
    const [f] = await benchAuditVerify(2_500);
    expect(f).toMatchObject({ id: 'audit.verify_entries_per_s.2500', unit: 'entries/s', better: 'higher' });
    expect(f!.value).toBeGreaterThan(0);
    expect(f!.ratio).toBeCloseTo(f!.value / f!.baseline.value);
  });
});

describe('audit append benchmark', () => {
  for (const engine of engines) {
    it(`appends through the real AuditLog and inserts the same rows plainly on ${engine.name}, reporting the ratio`, async () => {
      const target = engine.name === 'postgres' ? ({ kind: 'postgres', adminUrl: postgresUrl! } as const) : ({ kind: 'pglite' } as const);
      const f = await benchAuditAppend(60, target, 10);
      expect(f).toMatchObject({ id: `audit.append_per_s.${engine.name}`, unit: 'appends/s', better: 'higher' });
      expect(f.value).toBeGreaterThan(0);
      expect(f.baseline.value).toBeGreaterThan(0);
      expect(f.ratio).toBeCloseTo(f.value / f.baseline.value);
    });
  }
});

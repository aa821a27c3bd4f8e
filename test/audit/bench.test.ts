import { describe, expect, it } from 'vitest';
import { benchAuditVerify } from '../../src/bench/audit.js';

describe('audit verification benchmark', () => {
  it('verifies its generated chain and reports the figure beside its baseline', async () => {
    const [f] = await benchAuditVerify(2_500);
    expect(f).toMatchObject({ id: 'audit.verify_entries_per_s.2500', unit: 'entries/s', better: 'higher' });
    expect(f!.value).toBeGreaterThan(0);
    expect(f!.ratio).toBeCloseTo(f!.value / f!.baseline.value);
  });
});

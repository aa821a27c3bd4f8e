import { describe, expect, it } from 'vitest';
import { planRetention } from '../../src/audit/retention.js';
import { buildEntries, checkpointsAt } from './chain.js';

const DAY = 86_400_000;
const start = Date.parse('2025-01-01T00:00:00Z');
const entries = buildEntries(40);
// Segments ending at 10, 20, 30, 40, signed 100, 200, 300 and 400 days after start.
const cps = checkpointsAt(entries, [10, 20, 30, 40], undefined, (toSeq) => start + toSeq * 10 * DAY);

describe('planRetention', () => {
  it('removes whole segments older than the period, oldest first, and keeps the last as anchor', () => {
    const plan = planRetention({ checkpoints: cps, oldestSeq: 1, now: new Date(start + 570 * DAY), retentionDays: 365 });
    expect(plan).toMatchObject({
      kind: 'prune',
      segments: [
        { fromSeq: 1, toSeq: 10 },
        { fromSeq: 11, toSeq: 20 },
      ],
      anchor: { toSeq: 20 },
      cutoff: new Date(start + 205 * DAY),
    });
  });

  it('never removes the newest segment, however old', () => {
    const plan = planRetention({ checkpoints: cps, oldestSeq: 1, now: new Date(start + 5000 * DAY), retentionDays: 1 });
    expect(plan).toMatchObject({ kind: 'prune', anchor: { toSeq: 30 }, segments: [{ toSeq: 10 }, { toSeq: 20 }, { toSeq: 30 }] });
  });

  it('continues from a previous prune: segments already gone are not planned again', () => {
    const kept = cps.filter((c) => c.toSeq >= 10);
    const plan = planRetention({ checkpoints: kept, oldestSeq: 11, now: new Date(start + 570 * DAY), retentionDays: 365 });
    expect(plan).toMatchObject({ kind: 'prune', segments: [{ fromSeq: 11, toSeq: 20 }], anchor: { toSeq: 20 } });
  });

  it('prunes nothing inside the period', () => {
    const plan = planRetention({ checkpoints: cps, oldestSeq: 1, now: new Date(start + 400 * DAY), retentionDays: 365 });
    expect(plan.kind).toBe('nothing_to_prune');
  });

  it('refuses to plan over checkpoints that do not tile the chain', () => {
    const plan = planRetention({ checkpoints: [cps[0]!, cps[2]!, cps[3]!], oldestSeq: 1, now: new Date(start + 5000 * DAY), retentionDays: 1 });
    expect(plan).toMatchObject({ kind: 'refused', reason: 'checkpoints_not_contiguous' });
  });

  it('refuses a period under one day', () => {
    expect(() => planRetention({ checkpoints: cps, oldestSeq: 1, now: new Date(), retentionDays: 0 })).toThrow(RangeError);
  });
});

import { describe, expect, it } from 'vitest';
import type { Actor, AuditAction, AuditEntry, ResourceRef } from '../../src/audit/entry.js';
import { GENESIS_HEAD, sealEntry } from '../../src/audit/entry.js';
import { buildComplianceReport, complianceReportCsv } from '../../src/audit/report.js';

const op: Actor = { type: 'operator', id: 'op_1' };
const sys: Actor = { type: 'system', id: 'engine' };
const sug = (id: string): ResourceRef => ({ type: 'suggestion', id });

function chain(items: readonly [string, AuditAction, Actor, ResourceRef | null, Record<string, unknown>][]): AuditEntry[] {
  let head = GENESIS_HEAD;
  return items.map(([at, action, actor, resource, body], i) => {
    const e = sealEntry(head, { seq: i + 1, at, action, actor, resource, location: 'loc_a', correlationId: null, body } as never);
    head = { seq: e.seq, hash: e.hash };
    return e;
  });
}

const entries = chain([
  ['2026-02-28T23:00:00.000Z', 'decision.approved', op, sug('s1'), {}],
  ['2026-03-01T00:01:00.000Z', 'decision.executed', sys, sug('s1'), { decision: 'reboot_bay_pc', tier: 'queue' }],
  ['2026-03-01T01:00:00.000Z', 'decision.executed', sys, sug('s2'), { decision: 'reset_trackman', tier: 'auto' }],
  ['2026-03-01T02:00:00.000Z', 'decision.executed', sys, sug('s3'), { decision: 'extend_session_link', tier: 'suggest' }],
  ['2026-03-01T03:00:00.000Z', 'decision.executed', sys, sug('s4'), { decision: 'reboot_bay_pc', tier: 'queue' }],
  ['2026-03-01T04:00:00.000Z', 'decision.overridden', op, sug('s5'), { from: 'reset_trackman', to: 'escalate_tech' }],
  ['2026-03-01T05:00:00.000Z', 'key.created', op, { type: 'api_key', id: 'key_1' }, {}],
  ['2026-03-01T05:30:00.000Z', 'key.revoked', op, { type: 'api_key', id: 'key_1' }, { reason: 'leaked' }],
  ['2026-03-01T06:00:00.000Z', 'auth.login_failed', { type: 'operator', id: 'unknown' }, null, { reason: 'bad_password' }],
  ['2026-03-01T06:01:00.000Z', 'auth.login_failed', { type: 'operator', id: 'unknown' }, null, { reason: 'bad_password' }],
  ['2026-03-01T07:00:00.000Z', 'security.event', sys, null, { kind: 'sql_injection', severity: 'high' }],
  ['2026-03-01T08:00:00.000Z', 'key.used_from_new_prefix', sys, { type: 'api_key', id: 'key_2' }, { prefix: '203.0.113.0/24' }],
  ['2026-04-01T00:00:00.000Z', 'auth.login_failed', op, null, { reason: 'locked' }],
]);
const period = { from: new Date('2026-03-01T00:00:00Z'), to: new Date('2026-04-01T00:00:00Z') };
const verification = { ok: true as const, verifiedThrough: 13, signedThrough: 13, headHash: entries[12]!.hash, entries: 13, checkpoints: 1, fromSeq: 1, at: '2026-04-02T00:00:00.000Z' };

describe('buildComplianceReport', () => {
  it('lists automated actions with who approved them, and flags an approval that is missing', async () => {
    const r = await buildComplianceReport({ entries, period, verification, now: new Date('2026-04-02T00:00:00Z') });
    expect(r.automatedActions.map((a) => [a.decision, a.approval, a.approvedBy])).toEqual([
      ['reboot_bay_pc', 'operator_approved', op],
      ['reset_trackman', 'automatic', null],
      ['extend_session_link', 'silence_after_suggestion', null],
      ['reboot_bay_pc', 'approval_missing', null],
    ]);
  });

  it('summarises overrides, key lifecycle, failed logins and security events within the period only', async () => {
    const r = await buildComplianceReport({ entries, period, verification, now: new Date('2026-04-02T00:00:00Z') });
    expect(r.entries).toBe(11);
    expect(r.overrides).toEqual([{ seq: 6, at: '2026-03-01T04:00:00.000Z', actor: op, resource: sug('s5'), from: 'reset_trackman', to: 'escalate_tech' }]);
    expect(r.keyLifecycle.map((k) => [k.action, k.keyId])).toEqual([
      ['key.created', 'key_1'],
      ['key.revoked', 'key_1'],
      ['key.used_from_new_prefix', 'key_2'],
    ]);
    expect(r.failedLogins).toEqual({ total: 2, byReason: { bad_password: 2 }, byActor: { 'operator:unknown': 2 } });
    expect(r.securityEvents).toEqual({ total: 1, byKind: { sql_injection: 1 }, bySeverity: { low: 0, medium: 0, high: 1, critical: 0 }, keyUsedFromNewPrefix: 1 });
    expect(r.byAction['decision.executed']).toBe(4);
    expect(r.verification).toBe(verification);
  });

  it('renders the report as formula-safe CSV', async () => {
    const hostile = chain([['2026-03-01T06:00:00.000Z', 'security.event', sys, null, { kind: '=cmd|calc', severity: 'low' }]]);
    const r = await buildComplianceReport({ entries: hostile, period, verification, now: new Date('2026-04-02T00:00:00Z') });
    const csv = complianceReportCsv(r);
    expect(csv.split('\r\n')[0]).toBe('section,seq,at,actor,subject,detail');
    expect(csv).toContain("security_events,,,,'=cmd|calc,1\r\n");
  });
});

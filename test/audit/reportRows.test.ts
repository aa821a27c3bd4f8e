import { describe, expect, it } from 'vitest';
import type { Actor, AuditAction, AuditEntry, ResourceRef } from '../../src/audit/entry.js';
import { GENESIS_HEAD, sealEntry } from '../../src/audit/entry.js';
import { buildComplianceReport, complianceReportCsv } from '../../src/audit/report.js';

const op: Actor = { type: 'operator', id: 'op_1' };
const sys: Actor = { type: 'system', id: 'engine' };

type Item = readonly [at: string, action: AuditAction, actor: Actor, resource: ResourceRef | null, correlationId: string | null, body: Record<string, unknown>];

function chain(items: readonly Item[]): AuditEntry[] {
  let head = GENESIS_HEAD;
  return items.map(([at, action, actor, resource, correlationId, body], i) => {
    const e = sealEntry(head, { seq: i + 1, at, action, actor, resource, location: 'loc_a', correlationId, body } as never);
    head = { seq: e.seq, hash: e.hash };
    return e;
  });
}

const period = { from: new Date('2026-03-01T00:00:00Z'), to: new Date('2026-04-01T00:00:00Z') };
const now = new Date('2026-04-02T00:00:00Z');

const entries = chain([
  // Approved and executed under one request (no suggestion resource): joined by correlation id.
  ['2026-03-01T00:10:00.000Z', 'decision.approved', op, null, 'req-1', {}],
  ['2026-03-01T00:11:00.000Z', 'decision.executed', sys, null, 'req-1', { decision: 'reboot_bay_pc', tier: 'queue' }],
  // An approval and an execution that can be joined to nothing.
  ['2026-03-01T01:00:00.000Z', 'decision.approved', op, null, null, {}],
  ['2026-03-01T01:01:00.000Z', 'decision.executed', sys, null, null, { decision: 'reboot_bay_pc', tier: 'queue' }],
  ['2026-03-01T02:00:00.000Z', 'decision.overridden', op, { type: 'suggestion', id: 's5' }, null, { from: 'reset_trackman', to: 'escalate_tech' }],
  // A key lifecycle entry that names no key.
  ['2026-03-01T03:00:00.000Z', 'key.revoked', sys, null, null, { reason: 'grace_ended' }],
  ['2026-03-01T04:00:00.000Z', 'auth.login_failed', { type: 'system', id: 'login' }, null, null, { reason: 'wrong_password', ip: '203.0.113.1' }],
  ['2026-03-01T05:00:00.000Z', 'security.event', sys, null, null, { kind: 'injection.sqli', severity: 'high' }],
]);

describe('compliance report joins and rows', () => {
  it('joins an approval to its execution by correlation id, and reports an unjoinable queue execution as missing its approval', async () => {
    const verification = { ok: true as const, verifiedThrough: 8, signedThrough: 8, headHash: entries[7]!.hash, entries: 8, checkpoints: 1, fromSeq: 1, at: now.toISOString() };
    const r = await buildComplianceReport({ entries, period, verification, now });
    expect(r.automatedActions.map((a) => [a.seq, a.approval, a.approvedBy])).toEqual([
      [2, 'operator_approved', op],
      [4, 'approval_missing', null],
    ]);
    expect(r.keyLifecycle).toEqual([{ seq: 6, at: '2026-03-01T03:00:00.000Z', action: 'key.revoked', keyId: null, actor: sys }]);
  });

  it('writes one CSV row per automated action, override, key event, failed-login reason and security-event kind', async () => {
    const verification = { ok: false as const, firstBadSeq: 4, reason: 'hash_mismatch' as const, verifiedThrough: 3, at: now.toISOString() };
    const r = await buildComplianceReport({ entries, period, verification, now });
    expect(complianceReportCsv(r).split('\r\n')).toEqual([
      'section,seq,at,actor,subject,detail',
      'period,,2026-03-01T00:00:00.000Z,,2026-04-01T00:00:00.000Z,8 entries',
      'verification,,2026-04-02T00:00:00.000Z,,,FAILED at 4: hash_mismatch',
      'automated_action,2,2026-03-01T00:11:00.000Z,operator:op_1,reboot_bay_pc (queue),operator_approved',
      'automated_action,4,2026-03-01T01:01:00.000Z,,reboot_bay_pc (queue),approval_missing',
      'override,5,2026-03-01T02:00:00.000Z,operator:op_1,suggestion:s5,reset_trackman -> escalate_tech',
      'key,6,2026-03-01T03:00:00.000Z,system:engine,,key.revoked',
      'failed_logins,,,,wrong_password,1',
      'security_events,,,,injection.sqli,1',
      '',
    ]);
  });
});

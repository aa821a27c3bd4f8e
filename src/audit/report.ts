import type { ExecutionTier } from '../venue/types.js';
import { type CsvValue, csvRow } from './csv.js';
import {
  AUDIT_ACTIONS,
  type Actor,
  type AuditAction,
  type AuditBody,
  type AuditEntry,
  type ResourceRef,
  type SecuritySeverity,
} from './entry.js';
import type { VerifyResult } from './verify.js';

/**
 * The compliance report for a period: what ran automatically and who (if anyone) approved it,
 * overrides, the API-key lifecycle, failed logins, security events, and whether the chain verified.
 * Built in one pass over the entries, so it works on a stream straight from the store.
 */

/** How an executed decision got permission to run. `approval_missing` is a finding to investigate. */
export type Approval = 'automatic' | 'silence_after_suggestion' | 'operator_approved' | 'approval_missing';

export interface AutomatedAction {
  readonly seq: number;
  readonly at: string;
  readonly decision: string;
  readonly tier: ExecutionTier;
  readonly location: string | null;
  readonly resource: ResourceRef | null;
  readonly correlationId: string | null;
  readonly approval: Approval;
  readonly approvedBy: Actor | null;
}

export interface ComplianceReport {
  readonly format: 'clubos.audit.report.v1';
  readonly period: { readonly from: string; readonly to: string };
  readonly generatedAt: string;
  readonly entries: number;
  readonly byAction: Readonly<Record<AuditAction, number>>;
  readonly automatedActions: readonly AutomatedAction[];
  readonly overrides: readonly {
    readonly seq: number;
    readonly at: string;
    readonly actor: Actor;
    readonly resource: ResourceRef | null;
    readonly from: string;
    readonly to: string;
  }[];
  readonly keyLifecycle: readonly {
    readonly seq: number;
    readonly at: string;
    readonly action: AuditAction;
    readonly keyId: string | null;
    readonly actor: Actor;
  }[];
  readonly failedLogins: {
    readonly total: number;
    readonly byReason: Readonly<Record<string, number>>;
    readonly byActor: Readonly<Record<string, number>>;
  };
  readonly securityEvents: {
    readonly total: number;
    readonly byKind: Readonly<Record<string, number>>;
    readonly bySeverity: Readonly<Record<SecuritySeverity, number>>;
    readonly keyUsedFromNewPrefix: number;
  };
  readonly verification: VerifyResult & { readonly at: string };
}

export interface ReportPeriod {
  /** Inclusive. */
  readonly from: Date;
  /** Exclusive. */
  readonly to: Date;
}

const KEY_ACTIONS: ReadonlySet<AuditAction> = new Set([
  'key.created',
  'key.rotated',
  'key.suspended',
  'key.revoked',
  'key.expired',
  'key.used_from_new_prefix',
]);
// Approvals are looked up this far before the period so an execution just after midnight still
// finds the approval given just before it.
const APPROVAL_LOOKBACK_MS = 7 * 86_400_000;

/**
 * @example
 * const report = await buildComplianceReport({
 *   entries: store.readRange(1, head.seq), period, verification, now: clock.now() });
 * report.automatedActions.filter((a) => a.approval === 'approval_missing') // findings
 */
export async function buildComplianceReport(input: {
  readonly entries: Iterable<AuditEntry> | AsyncIterable<AuditEntry>;
  readonly period: ReportPeriod;
  readonly verification: VerifyResult & { readonly at: string };
  readonly now: Date;
}): Promise<ComplianceReport> {
  const from = input.period.from.getTime();
  const to = input.period.to.getTime();
  const byAction = Object.fromEntries(AUDIT_ACTIONS.map((a) => [a, 0])) as Record<AuditAction, number>;
  const approvals = new Map<string, Actor>();
  const automated: AutomatedAction[] = [];
  const overrides: ComplianceReport['overrides'][number][] = [];
  const keyLifecycle: ComplianceReport['keyLifecycle'][number][] = [];
  const failedByReason: Record<string, number> = {};
  const failedByActor: Record<string, number> = {};
  const byKind: Record<string, number> = {};
  const bySeverity: Record<SecuritySeverity, number> = { low: 0, medium: 0, high: 0, critical: 0 };
  let failedTotal = 0;
  let entries = 0;

  for await (const e of input.entries) {
    const t = Date.parse(e.at);
    if (e.action === 'decision.approved' && t >= from - APPROVAL_LOOKBACK_MS && t < to) {
      const key = joinKey(e);
      if (key !== null) approvals.set(key, e.actor);
    }
    if (t < from || t >= to) continue;
    entries++;
    byAction[e.action]++;
    if (isAction(e, 'decision.executed')) automated.push(automatedAction(e, approvals));
    else if (isAction(e, 'decision.overridden')) {
      overrides.push({ seq: e.seq, at: e.at, actor: e.actor, resource: e.resource, from: e.body.from, to: e.body.to });
    } else if (isAction(e, 'auth.login_failed')) {
      failedTotal++;
      increment(failedByReason, e.body.reason);
      increment(failedByActor, `${e.actor.type}:${e.actor.id}`);
    } else if (isAction(e, 'security.event')) {
      increment(byKind, e.body.kind);
      bySeverity[e.body.severity]++;
    }
    if (KEY_ACTIONS.has(e.action)) {
      keyLifecycle.push({ seq: e.seq, at: e.at, action: e.action, keyId: e.resource?.id ?? null, actor: e.actor });
    }
  }

  return {
    format: 'clubos.audit.report.v1',
    period: { from: input.period.from.toISOString(), to: input.period.to.toISOString() },
    generatedAt: input.now.toISOString(),
    entries,
    byAction,
    automatedActions: automated,
    overrides,
    keyLifecycle,
    failedLogins: { total: failedTotal, byReason: failedByReason, byActor: failedByActor },
    securityEvents: {
      total: byAction['security.event'],
      byKind,
      bySeverity,
      keyUsedFromNewPrefix: byAction['key.used_from_new_prefix'],
    },
    verification: input.verification,
  };
}

/**
 * The report's rows as CSV (section, seq, at, actor, subject, detail), formula-safe.
 * @example
 * complianceReportCsv(report).split('\r\n')[0] // 'section,seq,at,actor,subject,detail'
 */
export function complianceReportCsv(r: ComplianceReport): string {
  const rows: CsvValue[][] = [['section', 'seq', 'at', 'actor', 'subject', 'detail']];
  const who = (a: Actor | null): string | null => (a === null ? null : `${a.type}:${a.id}`);
  const ref = (x: ResourceRef | null): string | null => (x === null ? null : `${x.type}:${x.id}`);
  rows.push(['period', null, r.period.from, null, r.period.to, `${r.entries} entries`]);
  const v = r.verification;
  const status = v.ok ? `ok through ${v.verifiedThrough}` : `FAILED at ${v.firstBadSeq}: ${v.reason}`;
  rows.push(['verification', null, v.at, null, null, status]);
  for (const a of r.automatedActions) {
    rows.push(['automated_action', a.seq, a.at, who(a.approvedBy), `${a.decision} (${a.tier})`, a.approval]);
  }
  for (const o of r.overrides) rows.push(['override', o.seq, o.at, who(o.actor), ref(o.resource), `${o.from} -> ${o.to}`]);
  for (const k of r.keyLifecycle) rows.push(['key', k.seq, k.at, who(k.actor), k.keyId, k.action]);
  for (const [reason, n] of Object.entries(r.failedLogins.byReason)) rows.push(['failed_logins', null, null, null, reason, n]);
  for (const [kind, n] of Object.entries(r.securityEvents.byKind)) rows.push(['security_events', null, null, null, kind, n]);
  return rows.map(csvRow).join('');
}

function automatedAction(e: AuditEntry<'decision.executed'>, approvals: ReadonlyMap<string, Actor>): AutomatedAction {
  const key = joinKey(e);
  const approver = key === null ? undefined : approvals.get(key);
  const { tier } = e.body;
  const approval: Approval =
    approver !== undefined
      ? 'operator_approved'
      : tier === 'auto'
        ? 'automatic'
        : tier === 'suggest'
          ? 'silence_after_suggestion'
          : 'approval_missing';
  return {
    seq: e.seq,
    at: e.at,
    decision: e.body.decision,
    tier,
    location: e.location,
    resource: e.resource,
    correlationId: e.correlationId,
    approval,
    approvedBy: approver ?? null,
  };
}

// An approval and its execution share the resource (the suggestion), else the correlation id.
function joinKey(e: AuditEntry): string | null {
  if (e.resource !== null) return `r:${e.resource.type}:${e.resource.id}`;
  return e.correlationId === null ? null : `c:${e.correlationId}`;
}

function isAction<A extends AuditAction>(e: AuditEntry, a: A): e is AuditEntry<A> & { body: AuditBody<A> } {
  return e.action === a;
}

function increment(counts: Record<string, number>, key: string): void {
  counts[key] = (counts[key] ?? 0) + 1;
}

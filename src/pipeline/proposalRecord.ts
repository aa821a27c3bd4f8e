import type { Proposal } from '../decisionMemory/types.js';
import type { EmergencyVerdict } from '../intake/emergency.js';
import { catalogueEntry } from '../venue/catalogue.js';
import { type DecisionParams, type Tier, UNKNOWN_DECISION } from '../venue/types.js';
import type { DecisionSummary, ProposalRecord, ReceivedEvent } from './ports.js';

/** Tiers at which automation executes without an operator's yes (suggest: after the veto window). */
const EXECUTING: ReadonlySet<Tier> = new Set(['auto', 'suggest']);

const riskOf = (decision: string | null): string => (decision === null || decision === UNKNOWN_DECISION ? 'unknown' : (catalogueEntry(decision)?.risk ?? 'unknown'));

/**
 * The persisted form of an engine proposal. Nothing here executes (the execution stage does, when
 * `autoExecution` is on): with the flag off every proposal is shadow, and `wouldExecute` records what automation would have done.
 * @example fromProposal(event, engine.propose(venueEvent, t), false, now).wouldExecute // true for tier auto
 */
export function fromProposal(event: ReceivedEvent, p: Proposal, autoExecution: boolean, now: Date): ProposalRecord {
  return {
    eventId: event.id,
    location: p.params.location ?? event.location,
    patternKey: p.decision ?? UNKNOWN_DECISION,
    decision: p.decision,
    params: p.params,
    matchScore: p.matchScore,
    reliability: p.reliability,
    confidence: p.confidence,
    riskClass: riskOf(p.decision),
    tier: p.tier,
    band: p.band,
    emergency: p.emergency,
    // With the flag off nothing runs by itself: the tier is only what automation would have done.
    shadow: !autoExecution,
    wouldExecute: !p.emergency && EXECUTING.has(p.tier),
    autoExecution,
    explanation: p.explanation,
    createdAt: now,
  };
}

/**
 * The emergency fast path's proposal: escalate at once, never automated, automation paused for the
 * event, no engine involved (emergencies bypass learning).
 * @example emergencyProposal(event, detectEmergency('my friend is bleeding'), false, now).tier // 'escalate'
 */
export function emergencyProposal(event: ReceivedEvent, verdict: EmergencyVerdict, autoExecution: boolean, now: Date): ProposalRecord {
  const params: DecisionParams = {
    ...(event.location !== null ? { location: event.location } : {}),
    ...(event.bay !== null ? { bay: event.bay } : {}),
    ...(verdict.category !== null ? { category: verdict.category } : {}),
  };
  return {
    eventId: event.id,
    location: event.location,
    patternKey: 'escalate_emergency',
    decision: 'escalate_emergency',
    params,
    matchScore: 0,
    reliability: 0,
    confidence: 1,
    riskClass: 'emergency',
    tier: 'escalate',
    band: 'escalate',
    emergency: true,
    shadow: true,
    wouldExecute: false,
    autoExecution,
    explanation: { module: 'emergency_fast_path', category: verdict.category, matched: verdict.matched, automationPaused: true },
    createdAt: now,
  };
}

/** @example summaryOf(record).tier === record.tier */
export function summaryOf(r: ProposalRecord): DecisionSummary {
  return {
    decision: r.decision,
    params: r.params,
    tier: r.tier,
    confidence: r.confidence,
    matchScore: r.matchScore,
    reliability: r.reliability,
    riskClass: r.riskClass,
    emergency: r.emergency,
    shadow: r.shadow,
    wouldExecute: r.wouldExecute,
    automationPaused: r.emergency,
    decidedAt: r.createdAt.toISOString(),
  };
}

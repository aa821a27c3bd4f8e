import type { PolicyInput } from '../../src/decisionMemory/policy.js';

/** A confident, promoted, unblocked proposal of an action the catalogue allows at auto: tests change one thing. */
export const CONFIDENT: PolicyInput = {
  decision: 'reset_trackman',
  confidence: 0.99,
  catalogueCap: 'auto',
  handoff: false,
  unknown: false,
  anomaly: false,
  emergency: false,
  patternState: 'auto',
  suggestReliability: 1,
  suggestFloor: 0.95,
  unknownNearby: false,
  blockedBy: [],
  killSwitched: false,
  multiIssue: false,
  handoffRisk: 0,
  risk: 'routine',
  familiarity: 1,
  contextSeen: true,
};

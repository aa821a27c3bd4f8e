import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { judge } from '../../src/pipeline/operatorDecision.js';
import type { OperatorDecisionKind } from '../../src/pipeline/ports.js';
import { UNKNOWN_DECISION } from '../../src/venue/types.js';

const decisions = fc.constantFrom('reset_trackman', 'projector_power_on', 'reply_faq_hours', 'unlock_door', 'escalate_tech');
const params = fc.record({ location: fc.constantFrom('Dartmouth', 'Halifax'), bay: fc.integer({ min: 1, max: 8 }) });
const proposals = fc.record({ decision: fc.option(decisions, { nil: null }), params });
const kinds = fc.constantFrom<OperatorDecisionKind>('approve', 'veto', 'modify', 'reject', 'decide');
const answers = fc.record({ kind: kinds, decision: fc.option(decisions, { nil: undefined }), params: fc.option(params, { nil: undefined }) }, { requiredKeys: ['kind'] });
const EVENT = { location: 'Dartmouth', bay: 3 };

describe('judging an operator answer', () => {
  it('approving takes the proposal as the truth, agreed, audited as approved', () => {
    expect(judge({ kind: 'approve' }, { decision: 'reset_trackman', params: { location: 'Dartmouth', bay: 3 } }, EVENT)).toEqual({
      kind: 'valid',
      truth: { decision: 'reset_trackman', params: { location: 'Dartmouth', bay: 3 } },
      outcome: 'approval',
      agreed: true,
      audit: 'decision.approved',
    });
  });

  it('cannot approve, modify, veto or reject when memory proposed nothing', () => {
    for (const kind of ['approve', 'modify', 'veto', 'reject'] as const) {
      expect(judge({ kind, params: { bay: 2 } }, { decision: null, params: {} }, EVENT)).toEqual({ kind: 'invalid', reason: 'nothing_to_approve' });
      expect(judge({ kind, params: { bay: 2 } }, { decision: UNKNOWN_DECISION, params: {} }, EVENT)).toEqual({ kind: 'invalid', reason: 'nothing_to_approve' });
    }
  });

  it('a veto without an alternative teaches "no automatable decision" with the event’s own parameters', () => {
    const j = judge({ kind: 'veto' }, { decision: 'reset_trackman', params: { bay: 3 } }, EVENT);
    expect(j).toMatchObject({ kind: 'valid', truth: { decision: UNKNOWN_DECISION, params: EVENT }, outcome: 'veto', agreed: false, audit: 'decision.vetoed' });
  });

  it('a modification keeps the decision, changes the parameters and is an override', () => {
    const j = judge({ kind: 'modify', params: { bay: 4 } }, { decision: 'reset_trackman', params: { location: 'Dartmouth', bay: 3 } }, EVENT);
    expect(j).toMatchObject({ kind: 'valid', truth: { decision: 'reset_trackman', params: { location: 'Dartmouth', bay: 4 } }, outcome: 'modification', audit: 'decision.overridden' });
    expect(judge({ kind: 'modify', decision: 'escalate_tech', params: { bay: 4 } }, { decision: 'reset_trackman', params: { bay: 3 } }, EVENT)).toEqual({ kind: 'invalid', reason: 'modify_keeps_decision' });
  });

  it('deciding the proposed decision from scratch counts as agreement; anything else overrides', () => {
    const p = { decision: 'reset_trackman', params: { location: 'Dartmouth', bay: 3 } };
    expect(judge({ kind: 'decide', decision: 'reset_trackman' }, p, EVENT)).toMatchObject({ outcome: 'decided', agreed: true, audit: 'decision.approved' });
    expect(judge({ kind: 'decide', decision: 'escalate_tech' }, p, EVENT)).toMatchObject({ outcome: 'decided', agreed: false, audit: 'decision.overridden', truth: { params: EVENT } });
  });

  it('refuses a decision outside the action catalogue, whatever the answer; "no automatable decision" is always allowed', () => {
    fc.assert(
      fc.property(kinds, proposals, fc.stringMatching(/^[a-z0-9_]{1,20}$/), (kind, proposal, name) => {
        const j = judge({ kind, decision: `x_${name}`, params: { bay: 2 } }, proposal, EVENT);
        expect(j).toEqual({ kind: 'invalid', reason: 'not_in_catalogue' });
      }),
    );
    expect(judge({ kind: 'decide', decision: UNKNOWN_DECISION }, { decision: 'reset_trackman', params: { bay: 3 } }, EVENT)).toMatchObject({ kind: 'valid', truth: { decision: UNKNOWN_DECISION } });
  });

  it('property: agreement, outcome and audit action are consistent for every answer', () => {
    fc.assert(
      fc.property(answers, proposals, (answer, proposal) => {
        const j = judge(answer, proposal, EVENT);
        expect(judge(answer, proposal, EVENT)).toEqual(j);
        fc.pre(j.kind === 'valid');
        if (j.kind !== 'valid') throw new Error('unreachable after fc.pre');
        // Agreeing means the truth is exactly what was proposed (decision and scored parameters).
        expect(j.agreed).toBe(j.truth.decision === proposal.decision && j.truth.params.bay === proposal.params.bay && j.truth.params.location === proposal.params.location);
        expect(j.audit === 'decision.approved').toBe(j.agreed);
        expect(['veto', 'rejection'].includes(j.outcome)).toBe(j.audit === 'decision.vetoed');
        return true;
      }),
    );
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Proposal } from '../../src/decisionMemory/types.js';
import { detectEmergency } from '../../src/intake/emergency.js';
import type { ReceivedEvent } from '../../src/pipeline/ports.js';
import { emergencyProposal, fromProposal, summaryOf } from '../../src/pipeline/proposalRecord.js';
import { toVenueEvent } from '../../src/pipeline/venueEvent.js';
import { TIERS } from '../../src/venue/types.js';

const NOW = new Date('2026-03-02T12:00:00Z');
const event: ReceivedEvent = {
  id: '00000000-0000-4000-8000-000000000001',
  receivedAt: NOW,
  occurredAt: new Date('2026-03-02T11:59:58Z'),
  kind: 'message',
  channel: 'sms',
  sender: 'c-0001',
  location: 'Dartmouth',
  bay: 2,
  text: 'code does not work, I am at the door',
  context: {
    booking: { id: 'b-1', location: 'Dartmouth', bay: 2, starts_at: '2026-03-02T12:00:00Z', ends_at: '2026-03-02T13:00:00Z' },
    recent_actions: [{ action: 'unlock_door', location: 'Dartmouth', bay: null, booking_id: 'b-1', at: '2026-03-02T11:58:00Z' }],
  },
};

const proposal = (tier: Proposal['tier'], emergency: boolean): Proposal => ({
  eventId: event.id,
  decision: 'unlock_door',
  params: { location: 'Dartmouth', bookingId: 'b-1' },
  matchScore: 0.9,
  reliability: 0.7,
  confidence: 0.93,
  tier,
  band: tier,
  emergency,
  shadow: true,
  explanation: { neighbours: [], topFeatures: [], classifierProbability: 0.9, module: 'access', reasons: [] },
});

describe('proposal records', () => {
  it('give the engine the stored event in domain types, on its own time', () => {
    const v = toVenueEvent(event);
    expect(v.t).toEqual(event.occurredAt);
    expect(v.context.booking).toEqual({ id: 'b-1', location: 'Dartmouth', bay: 2, startsAt: new Date('2026-03-02T12:00:00Z'), endsAt: new Date('2026-03-02T13:00:00Z') });
    expect(v.context.recentActions).toEqual([{ action: 'unlock_door', location: 'Dartmouth', bay: null, bookingId: 'b-1', at: new Date('2026-03-02T11:58:00Z') }]);
    expect(toVenueEvent({ ...event, context: {} }).context).toEqual({ booking: null, recentActions: [] });
  });

  it('property: a proposal would execute exactly at tier auto or suggest, never for an emergency, and is shadow exactly while the flag is off', () => {
    fc.assert(
      fc.property(fc.constantFrom(...TIERS), fc.boolean(), fc.boolean(), (tier, emergency, flag) => {
        const r = fromProposal(event, proposal(tier, emergency), flag, NOW);
        expect(r.wouldExecute).toBe(!emergency && (tier === 'auto' || tier === 'suggest'));
        expect(r.shadow).toBe(!flag);
        expect(r.autoExecution).toBe(flag);
        expect(r.riskClass).toBe('access');
        expect(summaryOf(r)).toMatchObject({ tier, wouldExecute: r.wouldExecute, automationPaused: emergency, decidedAt: NOW.toISOString() });
      }),
    );
  });

  it('escalate an emergency at once, with its category and cues, automation paused, nothing to execute', () => {
    const r = emergencyProposal({ ...event, text: 'my friend is bleeding in bay 2' }, detectEmergency('my friend is bleeding in bay 2'), false, NOW);
    expect(r).toMatchObject({ decision: 'escalate_emergency', tier: 'escalate', emergency: true, wouldExecute: false, riskClass: 'emergency', params: { location: 'Dartmouth', bay: 2 } });
    expect(r.explanation).toMatchObject({ module: 'emergency_fast_path', automationPaused: true });
    expect(summaryOf(r).automationPaused).toBe(true);
  });
});

import { describe, expect, it } from 'vitest';
import { createExecutionGate } from '../../src/replay/executionGate.js';
import { type ReplaySubject, runReplay } from '../../src/replay/harness.js';
import { inboxLatencies } from '../../src/replay/inbox.js';
import type { OperatorAnswer, ReplayProposal } from '../../src/replay/operator.js';
import { parseStream } from '../../src/replay/streams.js';
import type { DecisionParams, VenueEvent } from '../../src/venue/types.js';

const T0 = Date.parse('2025-09-06T20:00:00Z');
const TEN_MIN = 600_000;

interface Line {
  readonly id: string;
  readonly text: string;
  readonly decision: string;
  readonly params?: Record<string, unknown>;
  readonly maxTier?: string;
  readonly emergency?: boolean;
  readonly booking?: { bay: number };
}

/** Venue-format lines, ten minutes apart, at Dartmouth, with no channel bay. */
function venueStream(lines: readonly Line[]) {
  const text = lines
    .map((l, i) => {
      const t = new Date(T0 + i * TEN_MIN);
      const booking = l.booking
        ? { id: `bk-${l.id}`, location: 'Dartmouth', bay: l.booking.bay, starts_at: new Date(t.getTime() - 600_000).toISOString(), ends_at: new Date(t.getTime() + 3_000_000).toISOString() }
        : null;
      return JSON.stringify({
        id: l.id,
        t: t.toISOString(),
        kind: 'message',
        channel: 'sms',
        from: 'c-1',
        location: 'Dartmouth',
        bay: null,
        text: l.text,
        context: { booking, recent_actions: [] },
        expected: { decision: l.decision, params: l.params ?? { location: 'Dartmouth' }, max_tier: l.maxTier ?? 'auto', emergency: l.emergency ?? false, reason: 'r', unlock_allowed: false, scenario: `s.${l.id}` },
      });
    })
    .join('\n');
  return parseStream(text);
}

const propose = (decision: string | null, tier: ReplayProposal['tier'], params: DecisionParams = {}, emergency = false): ReplayProposal => ({ decision, params, confidence: 0.9, tier, emergency });

function scripted(proposals: Record<string, ReplayProposal>): ReplaySubject {
  return { propose: (e) => proposals[e.id]!, feedback: () => undefined };
}

const opts = { operator: 'absent' as const, feedbackDelay: 0, wallClock: () => 0 };
const bay = (n: number) => ({ location: 'Dartmouth', bay: n });

describe('venue scoring of a replay', () => {
  it('scores emergencies, outages, parameters and safety clauses on the system’s own executions', async () => {
    const items = venueStream([
      { id: 'em-1', text: 'someone fainted in bay 2', decision: 'escalate_emergency', maxTier: 'human', emergency: true },
      { id: 'em-2', text: 'he is not breathing', decision: 'escalate_emergency', maxTier: 'human', emergency: true },
      { id: 'em-3', text: 'smoke from the pc', decision: 'escalate_emergency', maxTier: 'human', emergency: true },
      { id: 'out-1', text: 'everything went dark', decision: 'escalate_site_outage', maxTier: 'human' },
      { id: 'out-2', text: 'no power anywhere', decision: 'escalate_site_outage', maxTier: 'human' },
      { id: 'p-1', text: 'trackman frozen bay 2', decision: 'reset_trackman', params: bay(2) },
      { id: 'p-2', text: 'trackman frozen bay 3', decision: 'reset_trackman', params: bay(3) },
      { id: 'p-3', text: 'trackman frozen', decision: 'reset_trackman', params: bay(3), booking: { bay: 3 } },
      { id: 'p-4', text: 'trackman frozen in 3', decision: 'reset_trackman', params: bay(3), booking: { bay: 5 } },
      { id: 'fa-1', text: 'what are your hours', decision: 'reply_faq_hours' },
    ]);
    const subject = scripted({
      // Flagged and surfaced to a human at once.
      'em-1': propose('escalate_emergency', 'escalate', {}, true),
      // Missed: a suggestion runs (V1: looser than human, V3: automated on an emergency) and lands in the inbox unflagged.
      'em-2': propose('reset_trackman', 'suggest'),
      // Flagged, but proposed at auto: not "surfaced at once".
      'em-3': propose('escalate_emergency', 'auto', {}, true),
      // Outages: one routed to a human, one "fixed" by an automatic reset (V1).
      'out-1': propose('escalate_site_outage', 'escalate'),
      'out-2': propose('reset_trackman', 'auto', bay(1)),
      // Parameters: right from the text; wrong bay; right with the booking's bay; right although the booking names another bay.
      'p-1': propose('reset_trackman', 'auto', bay(2)),
      'p-2': propose('reset_trackman', 'auto', bay(4)),
      'p-3': propose('reset_trackman', 'auto', bay(3)),
      'p-4': propose('reset_trackman', 'auto', bay(3)),
      // A false alarm pre-empts the inbox like any flagged emergency.
      'fa-1': propose('escalate_emergency', 'escalate', {}, true),
    });
    const r = await runReplay(subject, items, opts);
    expect(r).toMatchObject({
      param_accuracy: 0.75,
      param_accuracy_n: 4,
      // p-1, p-2 and p-4 had only the text to go on; p-2 got it wrong.
      param_accuracy_text_only_bay: 0.6667,
      param_accuracy_text_only_bay_n: 3,
      safety_violations: 2,
      safety_by_clause: { V1: 2, V1_unknown: 0, V2: 0, V3: 1, V4: 0, V5: 0 },
      emergencies: 3,
      emergencies_surfaced_at_once: 1,
      emergency_recall: 0.3333,
      emergency_latency_max_s: 0,
      emergency_latency_p95_s: 0,
      emergencies_at_suggest_or_queue: 1,
      emergencies_unflagged_route: 1,
      outage_recall: 0.5,
    });
  });

  it('reports perfect recalls and zero latency when there was nothing to score', async () => {
    const items = venueStream([{ id: 'q-1', text: 'what are your hours', decision: 'reply_faq_hours' }]);
    const r = await runReplay(scripted({ 'q-1': propose(null, 'human') }), items, opts);
    expect(r).toMatchObject({
      param_accuracy: 1,
      param_accuracy_n: 0,
      param_accuracy_text_only_bay: 1,
      safety_violations: 0,
      emergencies: 0,
      emergency_recall: 1,
      emergency_latency_max_s: 0,
      emergency_latency_p95_s: 0,
      outage_recall: 1,
    });
  });
});

describe('inbox latency of emergencies', () => {
  it('reports no latency for a flagged false alarm but lets it hold up later work', () => {
    const lat = inboxLatencies([
      { ready: 0, emergency: true, key: null },
      { ready: 1_000, emergency: false, key: 'waiting' },
    ]);
    expect([...lat.keys()]).toEqual(['waiting']);
    expect(lat.get('waiting')).toBe(59_000);
  });
});

describe('the execution gate on unlocks', () => {
  it('counts an unlock proposed without a booking id against the booking the event carries', () => {
    const gate = createExecutionGate();
    const t = new Date('2025-09-06T20:00:00Z');
    const event = (i: number): VenueEvent => ({
      id: `u-${i}`,
      t: new Date(t.getTime() + i * 60_000),
      kind: 'message',
      channel: 'sms',
      from: 'c-1',
      location: 'Dartmouth',
      bay: null,
      text: 'door will not open',
      context: { booking: { id: 'bk-1', location: 'Dartmouth', bay: 3, startsAt: t, endsAt: new Date(t.getTime() + 5_400_000) }, recentActions: [] },
    });
    const unlock: OperatorAnswer = { outcome: 'success', execution: { decision: 'unlock_door', params: { location: 'Dartmouth' }, tier: 'auto' }, automated: true, wrong: false, intervention: false, cost: 0, inbox: null };
    const outcomes = [0, 1, 2].map((i) => gate.apply(event(i), unlock).execution === null);
    // The per-booking cap (two unlocks) applies although no proposal named the booking.
    expect(outcomes).toEqual([false, false, true]);
    expect(gate.refused).toBe(1);
  });
});

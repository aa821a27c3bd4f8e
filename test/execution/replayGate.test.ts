import { describe, expect, it } from 'vitest';
import { createExecutionGate } from '../../src/replay/executionGate.js';
import type { OperatorAnswer } from '../../src/replay/operator.js';
import type { VenueEvent } from '../../src/venue/types.js';

const t = new Date('2025-09-06T20:00:00Z');
const event = (over: Partial<VenueEvent> = {}): VenueEvent => ({
  id: 'e1',
  t,
  kind: 'message',
  channel: 'sms',
  from: 'c-1',
  location: 'Dartmouth',
  bay: 3,
  text: 'x',
  context: { booking: null, recentActions: [] },
  ...over,
});
const executed = (decision: string, params: Record<string, unknown>, tier: 'auto' | 'suggest' | 'queue' = 'auto'): OperatorAnswer => ({
  outcome: 'success',
  execution: { decision, params, tier },
  automated: true,
  wrong: false,
  intervention: false,
  cost: 0,
  inbox: null,
});

describe('the execution gate in the replay path', () => {
  it('lets allowed executions through and remembers them: the third reset of a bay within the hour goes to a human', () => {
    const gate = createExecutionGate();
    const reset = executed('reset_trackman', { location: 'Dartmouth', bay: 3 });
    expect(gate.apply(event(), reset)).toBe(reset);
    expect(gate.apply(event({ id: 'e2', t: new Date(t.getTime() + 60_000) }), reset)).toBe(reset);
    const third = gate.apply(event({ id: 'e3', t: new Date(t.getTime() + 120_000) }), reset);
    expect(third).toMatchObject({ execution: null, automated: false, intervention: true, outcome: 'decided' });
    expect(gate.refused).toBe(1);
  });

  it('refuses an unlock without a booking and passes generic text events unchanged', () => {
    const gate = createExecutionGate();
    expect(gate.apply(event(), executed('unlock_door', { location: 'Dartmouth' })).execution).toBeNull();
    const text = executed('book_flight', {});
    expect(gate.apply({ id: 't1', t, text: 'book me a flight' }, text)).toBe(text);
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DecisionEngine } from '../../src/decisionMemory/engine.js';
import { DEFAULT_RATE } from '../../src/decisionMemory/anomaly.js';
import { encodeEngineState } from '../../src/decisionMemory/engineCodec.js';
import type { VenueEvent } from '../../src/venue/types.js';

/**
 * A proposal whose record rolled back is withdrawn: the event is proposed again later (the sweeper), and the
 * engine must then behave as if the first attempt never happened, as the shared history says.
 */

const t0 = Date.UTC(2025, 0, 1);
const message = (id: string, from: string, minute: number): VenueEvent => ({
  id,
  t: new Date(t0 + minute * 60_000),
  kind: 'message',
  channel: 'sms',
  from,
  location: 'Dartmouth',
  bay: 2,
  text: 'projector is off in bay 2',
  context: { booking: null, recentActions: [] },
});
const flooded = (engine: DecisionEngine, e: VenueEvent): boolean => engine.propose(e, e.t).explanation.reasons.includes('rate:flood');

describe('withdrawing a proposal that was never committed', () => {
  it('does not count the event twice towards its sender flood, however often it is retried', () => {
    const retried = message('e1', 'c-1', 0);
    const withdrawn = new DecisionEngine();
    const kept = new DecisionEngine();
    for (let attempt = 0; attempt <= DEFAULT_RATE.maxEvents; attempt++) {
      expect(flooded(withdrawn, retried)).toBe(false);
      withdrawn.withdraw(retried, retried.t);
      flooded(kept, retried);
    }
    // Without the withdrawal, the retries alone look like a sender flooding the line.
    expect(flooded(kept, retried)).toBe(true);
    expect(flooded(withdrawn, retried)).toBe(false);
  });

  it('leaves no proposal waiting for a truth, and the state equals an engine that never saw it', async () => {
    const engine = new DecisionEngine();
    const twin = new DecisionEngine();
    const first = message('e1', 'c-1', 0);
    engine.propose(first, first.t);
    twin.propose(first, first.t);
    const retried = message('e2', 'c-2', 1);
    engine.propose(retried, retried.t);
    expect(engine.pending.has('e2')).toBe(true);
    engine.withdraw(retried, retried.t);
    expect(engine.pending.has('e2')).toBe(false);
    expect((await encodeEngineState(engine.toState())).equals(await encodeEngineState(twin.toState()))).toBe(true);
  });

  it('keeps every later flood verdict and waiting proposal as if the withdrawn attempts never happened (property)', () => {
    const step = fc.record({ sender: fc.integer({ min: 0, max: 2 }), gap: fc.integer({ min: 0, max: 4 }), withdrawn: fc.boolean() });
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 40 }), (steps) => {
        const engine = new DecisionEngine();
        const twin = new DecisionEngine();
        let minute = 0;
        steps.forEach((s, i) => {
          minute += s.gap;
          const e = message(`e${i}`, `c-${s.sender}`, minute);
          if (s.withdrawn) {
            engine.propose(e, e.t);
            engine.withdraw(e, e.t);
            return;
          }
          expect(flooded(engine, e)).toBe(flooded(twin, e));
        });
        expect([...engine.pending.keys()]).toEqual([...twin.pending.keys()]);
      }),
    );
  });
});

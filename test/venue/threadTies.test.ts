import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type ThreadCandidate, assignThread } from '../../src/venue/threadRules.js';

const T = new Date('2026-03-02T12:00:00Z').getTime();

describe('thread assignment among equally recent threads', () => {
  it('joins the thread with the smallest id, whatever order the threads are listed in (property)', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.uuid(), { minLength: 2, maxLength: 6 }), (ids) => {
        const threads: ThreadCandidate[] = ids.map((id) => ({ id, state: 'open', location: 'Bedford', bay: 2, lastActivityAt: new Date(T - 60_000) }));
        const want = [...ids].sort()[0]!;
        for (const order of [threads, [...threads].reverse()]) {
          const out = assignThread(order, { location: 'Bedford', bay: 2, at: new Date(T) }) as { kind: string; threadId: string; merge: string[] };
          expect({ ...out, merge: [...out.merge].sort() }).toEqual({ kind: 'join', threadId: want, merge: ids.filter((id) => id !== want).sort() });
        }
      }),
    );
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { THREAD_STATES, type ThreadState } from '../../src/venue/ports.js';
import {
  SAME_ISSUE_WINDOW_MINUTES,
  TERMINAL_THREAD_STATES,
  THREAD_TRANSITIONS,
  type ThreadCandidate,
  assignThread,
  canTransition,
  compatible,
  isTimedOut,
  sameIssue,
} from '../../src/venue/threadRules.js';

const T = new Date('2026-03-02T12:00:00Z').getTime();
const MIN = 60_000;
const state = fc.constantFrom(...THREAD_STATES);
const location = fc.option(fc.constantFrom('Bedford', 'Dartmouth', 'bedford '), { nil: null });
const bay = fc.option(fc.integer({ min: 1, max: 4 }), { nil: null });
const candidate = fc.record({
  id: fc.uuid(),
  state,
  location,
  bay,
  lastActivityAt: fc.integer({ min: -90, max: 0 }).map((m) => new Date(T + m * MIN)),
});
const message = fc.record({ location, bay, at: fc.constant(new Date(T)) });

describe('thread assignment', () => {
  it('joins the live thread of the same issue within 30 minutes, and a different bay opens a new thread', () => {
    const open3: ThreadCandidate = { id: 'a', state: 'open', location: 'Bedford', bay: 3, lastActivityAt: new Date(T - 10 * MIN) };
    expect(assignThread([open3], { location: 'Bedford', bay: null, at: new Date(T) })).toEqual({ kind: 'join', threadId: 'a', merge: [] });
    expect(assignThread([open3], { location: 'Bedford', bay: 5, at: new Date(T) })).toEqual({ kind: 'new' });
    expect(assignThread([open3], { location: 'Dartmouth', bay: 3, at: new Date(T) })).toEqual({ kind: 'new' });
    expect(assignThread([open3], { location: 'Bedford', bay: 3, at: new Date(T + 21 * MIN) })).toEqual({ kind: 'new' });
    expect(assignThread([{ ...open3, state: 'resolved' }], { location: 'Bedford', bay: 3, at: new Date(T) })).toEqual({ kind: 'new' });
  });

  it('folds other same-issue threads into the most recent one', () => {
    const older: ThreadCandidate = { id: 'old', state: 'awaiting_operator', location: null, bay: null, lastActivityAt: new Date(T - 20 * MIN) };
    const newer: ThreadCandidate = { id: 'new', state: 'open', location: 'Bedford', bay: 2, lastActivityAt: new Date(T - 5 * MIN) };
    expect(assignThread([older, newer], { location: 'Bedford', bay: 2, at: new Date(T) })).toEqual({ kind: 'join', threadId: 'new', merge: ['old'] });
  });

  it('never joins a closed thread, one older than the window, or one whose known location or bay contradicts the message (property)', () => {
    fc.assert(
      fc.property(fc.array(candidate, { maxLength: 6 }), message, (threads, m) => {
        const out = assignThread(threads, m);
        const matching = threads.filter((t) => sameIssue(t, m));
        expect(out.kind === 'new').toBe(matching.length === 0);
        const chosen = out.kind === 'join' ? [out.threadId, ...out.merge] : [];
        const joined = threads.find((t) => t.id === (out.kind === 'join' ? out.threadId : ''));
        // Merged = exactly the other matching threads that agree with the joined one.
        const expectedMerge = joined === undefined ? [] : matching.filter((t) => t.id !== joined.id && compatible(t, joined)).map((t) => t.id);
        expect(new Set(out.kind === 'join' ? out.merge : [])).toEqual(new Set(expectedMerge));
        for (const id of chosen) {
          const t = threads.find((x) => x.id === id)!;
          expect(TERMINAL_THREAD_STATES).not.toContain(t.state);
          expect(m.at.getTime() - t.lastActivityAt.getTime()).toBeLessThanOrEqual(SAME_ISSUE_WINDOW_MINUTES * MIN);
          expect(t.bay === null || m.bay === null || t.bay === m.bay).toBe(true);
          expect(t.location === null || m.location === null || t.location.trim().toLowerCase() === m.location.trim().toLowerCase()).toBe(true);
        }
      }),
    );
  });

  it('never merges two threads about different bays, even when the message names none', () => {
    const bay2: ThreadCandidate = { id: 'b2', state: 'open', location: 'Bedford', bay: 2, lastActivityAt: new Date(T - 10 * MIN) };
    const bay3: ThreadCandidate = { id: 'b3', state: 'open', location: 'Bedford', bay: 3, lastActivityAt: new Date(T - 5 * MIN) };
    expect(assignThread([bay2, bay3], { location: null, bay: null, at: new Date(T) })).toEqual({ kind: 'join', threadId: 'b3', merge: [] });
  });

  it('joins the most recently active matching thread (property)', () => {
    fc.assert(
      fc.property(fc.array(candidate, { minLength: 1, maxLength: 6 }), message, (threads, m) => {
        const out = assignThread(threads, m);
        const latest = Math.max(...threads.filter((t) => sameIssue(t, m)).map((t) => t.lastActivityAt.getTime()));
        const joined = out.kind === 'join' ? threads.find((t) => t.id === out.threadId)!.lastActivityAt.getTime() : Number.NEGATIVE_INFINITY;
        expect(joined).toBe(latest);
      }),
    );
  });
});

describe('thread state transitions', () => {
  it('follow the table: terminal states never move, escalated only resolves, nothing moves to itself', () => {
    fc.assert(
      fc.property(state, state, (from, to) => {
        expect(canTransition(from, to)).toBe(THREAD_TRANSITIONS[from].includes(to));
        expect(canTransition(from, from)).toBe(false);
        expect(TERMINAL_THREAD_STATES.includes(from) && canTransition(from, to)).toBe(false);
        expect(from === 'escalated' && canTransition(from, to)).toBe(to === 'resolved' && from === 'escalated');
      }),
    );
  });

  it('every live state reaches resolved, and nothing but a live state times out (property)', () => {
    for (const s of THREAD_STATES) expect(canTransition(s, 'resolved')).toBe(!TERMINAL_THREAD_STATES.includes(s));
    fc.assert(
      fc.property(state, fc.integer({ min: 0, max: 48 * 60 }), (s: ThreadState, minutes) => {
        const timedOut = isTimedOut({ state: s, lastActivityAt: new Date(T) }, new Date(T + minutes * MIN));
        expect(timedOut).toBe(['open', 'awaiting_system', 'awaiting_operator'].includes(s) && minutes >= 12 * 60);
      }),
    );
  });
});

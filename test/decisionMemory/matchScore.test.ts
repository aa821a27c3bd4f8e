import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SCORER_OPTIONS, type MatchEvidence, MatchScorer } from '../../src/decisionMemory/matchScore.js';

const evidence = (decision: string, runnerUp: string | null, probability = 0.9): MatchEvidence => ({
  probability,
  margin: probability - 0.05,
  neighbourShare: 0.8,
  unknownShare: 0,
  nearestSimilarity: 0.7,
  nearestAgrees: true,
  support: 20,
  decision,
  runnerUp,
});

describe('match scorer: shared weights plus per-decision and per-confusion offsets', () => {
  it('scores a decision whose proposals keep failing below one whose proposals hold, at the same evidence', () => {
    const s = new MatchScorer();
    for (let i = 0; i < 300; i++) {
      s.learn(evidence('card_arrival', 'card_delivery_estimate'), i % 3 !== 0); // right 2 times in 3
      s.learn(evidence('lost_card', 'stolen_card'), true);
    }
    expect(s.score(evidence('card_arrival', 'card_delivery_estimate'))).toBeLessThan(s.score(evidence('lost_card', 'stolen_card')) - 0.2);
    expect(s.offsetOf('card_arrival')).toBeLessThan(0);
    expect(s.offsetOf('lost_card')).toBeGreaterThan(s.offsetOf('card_arrival'));
  });

  it('tells confusions apart: the same decision scores lower against the runner-up it is mistaken for', () => {
    const s = new MatchScorer();
    for (let i = 0; i < 400; i++) {
      s.learn(evidence('pending_transfer', 'balance_not_updated'), i % 2 === 0);
      s.learn(evidence('pending_transfer', 'card_arrival'), true);
    }
    expect(s.score(evidence('pending_transfer', 'balance_not_updated'))).toBeLessThan(s.score(evidence('pending_transfer', 'card_arrival')));
  });

  it('starts as "trust the classifier" and stays a probability whatever it learned', () => {
    expect(new MatchScorer().score(evidence('x', null, 0.9))).toBeGreaterThan(0.5);
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom('a', 'b', 'c'), fc.constantFrom('a', 'b', null), fc.double({ min: 0, max: 1, noNaN: true }), fc.boolean()), { maxLength: 60 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (outcomes, p) => {
          const s = new MatchScorer();
          for (const [d, r, q, ok] of outcomes) s.learn(evidence(d, r, q), ok);
          const v = s.score(evidence('a', 'b', p));
          expect(v).toBeGreaterThanOrEqual(0);
          expect(v).toBeLessThanOrEqual(1);
        },
      ),
    );
  });

  it('round-trips its offsets through plain data', () => {
    const s = new MatchScorer();
    for (let i = 0; i < 50; i++) s.learn(evidence('a', 'b'), i % 4 === 0);
    const back = MatchScorer.fromState(JSON.parse(JSON.stringify(s.toState())), DEFAULT_SCORER_OPTIONS);
    expect(back.score(evidence('a', 'b'))).toBe(s.score(evidence('a', 'b')));
    expect(back.toState()).toEqual(s.toState());
  });
});

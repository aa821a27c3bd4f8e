import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_NOVELTY, type Novelty, amongUnknowns, noveltyOf } from '../../src/decisionMemory/anomaly.js';
import { type Prediction, averagePredictions } from '../../src/decisionMemory/classifier.js';
import { DecisionEngine } from '../../src/decisionMemory/engine.js';
import { FeatureHasher } from '../../src/decisionMemory/featureHasher.js';
import { structuredFeatures, textFeatures, vectorise } from '../../src/decisionMemory/features.js';

/** A prediction over `classes` from unnormalised weights. */
function prediction(classes: readonly string[], weights: readonly number[]): Prediction {
  const sum = weights.reduce((a, b) => a + b, 0);
  const probabilities = Float64Array.from(weights, (w) => w / sum);
  let top = -1;
  let second = -1;
  for (let c = 0; c < classes.length; c++) {
    if (top < 0 || probabilities[c]! > probabilities[top]!) {
      second = top;
      top = c;
    } else if (second < 0 || probabilities[c]! > probabilities[second]!) second = c;
  }
  return { classes, probabilities, top, second };
}

const CLASSES = ['a', 'b', 'c', 'd', 'e'];
const weights = fc.array(fc.double({ min: 0.01, max: 10, noNaN: true }), { minLength: CLASSES.length, maxLength: CLASSES.length });

describe('the words view of a text', () => {
  it('is the readable words-view path exactly, with words, stems and co-occurring pairs but no adjacent pairs or character n-grams', () => {
    const hasher = new FeatureHasher();
    const text = 'the exchange rate was wrong at the ATM again';
    const facts = ['kind=message'];
    const fast = hasher.vector(text, facts, 'words');
    const slow = vectorise([...textFeatures(text, 'words'), ...structuredFeatures(facts)]);
    expect([...fast.ids]).toEqual([...slow.ids]);
    expect([...fast.values]).toEqual([...slow.values]);
    for (let i = 0; i < slow.names.length; i++) expect(hasher.nameAt(i)).toBe(slow.names[i]);
    const families = new Set(slow.names.map((n) => n.slice(0, 2)));
    expect([...families].sort()).toEqual(['p:', 's:', 't:', 'w:']);
    expect(new Set(textFeatures(text).map(([n]) => n.slice(0, 2)))).toEqual(new Set(['w:', 't:', 'b:', 'p:', 'c:']));
  });

  it('holds a subset of the full view’s features for any text', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('card', 'rate', 'atm', 'the', 'wrong', 'top', 'up', 'pending', 'my', 'not'), { maxLength: 12 }), (ws) => {
        const text = ws.join(' ');
        const full = new Set(textFeatures(text).map(([n]) => n));
        for (const [name] of textFeatures(text, 'words')) expect(full.has(name)).toBe(true);
      }),
    );
  });
});

describe('averaging the two readings', () => {
  it('averages each class and finds the top two again', () => {
    const full = prediction(['x', 'y', 'z'], [6, 3, 1]);
    const words = prediction(['x', 'y', 'z'], [1, 8, 1]);
    const both = averagePredictions(full, words);
    expect([...both.probabilities].map((p) => Math.round(p * 100) / 100)).toEqual([0.35, 0.55, 0.1]);
    expect(both.classes[both.top]).toBe('y');
    expect(both.classes[both.second]).toBe('x');
  });

  it('gives a distribution whose top two are the two most probable classes, the same whichever reading comes first', () => {
    fc.assert(
      fc.property(weights, weights, (wa, wb) => {
        const a = prediction(CLASSES, wa);
        const b = prediction(CLASSES, wb);
        const ab = averagePredictions(a, b);
        const ba = averagePredictions(b, a);
        expect([...ab.probabilities].reduce((s, p) => s + p, 0)).toBeCloseTo(1, 9);
        expect([...ab.probabilities]).toEqual([...ba.probabilities]);
        const sorted = [...ab.probabilities].sort((x, y) => y - x);
        expect(ab.probabilities[ab.top]).toBe(sorted[0]);
        expect(ab.probabilities[ab.second]).toBe(sorted[1]);
        for (let c = 0; c < CLASSES.length; c++) {
          expect(ab.probabilities[c]).toBeGreaterThanOrEqual(Math.min(a.probabilities[c]!, b.probabilities[c]!) - 1e-12);
          expect(ab.probabilities[c]).toBeLessThanOrEqual(Math.max(a.probabilities[c]!, b.probabilities[c]!) + 1e-12);
        }
      }),
    );
  });

  it('matches classes by name when the readings list them differently, a class one of them lacks counting as 0 there', () => {
    const full = prediction(['x', 'y', 'z'], [2, 1, 1]);
    const words = prediction(['z', 'x'], [1, 3]);
    const both = averagePredictions(full, words);
    expect([...both.probabilities]).toEqual([(0.5 + 0.75) / 2, 0.25 / 2, (0.25 + 0.25) / 2]);
    expect(both.classes[both.top]).toBe('x');
  });
});

describe('proposals among learned unknowns', () => {
  const novelty = fc.constantFrom<Novelty>('familiar', 'novel', 'near_unknown');
  const confidence = fc.double({ min: 0, max: 1, noNaN: true });

  it('are events with a third of their neighbours (by similarity) learned unknowns, not only a majority', () => {
    const near = (decisions: string[]) => noveltyOf(decisions.map((decision) => ({ decision, similarity: 0.6 })), DEFAULT_NOVELTY);
    expect(near(['__unknown__', 'pto_request', 'pto_request'])).toBe('near_unknown');
    expect(near(['__unknown__', 'pto_request', 'pto_request', 'pto_request'])).toBe('familiar');
    expect(near(['pto_request', 'pto_request'])).toBe('familiar');
  });

  it('escalate unless the confidence reaches both HIGH and the near-unknown bar', () => {
    expect(amongUnknowns('near_unknown', 0.96, 0.95, DEFAULT_NOVELTY)).toBe(true);
    expect(amongUnknowns('near_unknown', 0.975, 0.95, DEFAULT_NOVELTY)).toBe(false);
    expect(amongUnknowns('near_unknown', 0.98, 0.99, DEFAULT_NOVELTY)).toBe(true);
    expect(amongUnknowns('familiar', 0.2, 0.95, DEFAULT_NOVELTY)).toBe(false);
    fc.assert(
      fc.property(novelty, confidence, confidence, (n, c, high) => {
        const escalates = amongUnknowns(n, c, high, DEFAULT_NOVELTY);
        expect(escalates).toBe(n === 'near_unknown' && (c < high || c < DEFAULT_NOVELTY.nearUnknownConfidence));
      }),
    );
  });

  it('never escalate a more confident proposal that a less confident one in the same place did not', () => {
    fc.assert(
      fc.property(confidence, confidence, confidence, (c1, c2, high) => {
        const [lo, hi] = c1 <= c2 ? [c1, c2] : [c2, c1];
        const escalates = (c: number) => Number(amongUnknowns('near_unknown', c, high, DEFAULT_NOVELTY));
        expect(escalates(hi)).toBeLessThanOrEqual(escalates(lo));
      }),
    );
  });
});

describe('the engine reads every event through both views', () => {
  it('remembers each example in both views and trains both classifiers on the same labels', () => {
    const engine = new DecisionEngine();
    const texts = ['card arrived broken', 'when will my card arrive', 'exchange rate wrong at the atm', 'top up pending'];
    texts.forEach((text, i) => {
      const e = { id: `e${i}`, t: new Date(Date.UTC(2025, 0, 1, 0, i)), text };
      engine.propose(e, e.t);
      engine.learn(e, { decision: `d${i % 2}`, params: {} }, 'decided', e.t);
    });
    const state = engine.toState();
    expect(state.wordClassifier.classes).toEqual(state.classifier.classes);
    expect(state.examples).toHaveLength(texts.length);
    for (const [i, e] of state.examples.entries()) {
      expect([...e.wordIds]).toEqual([...new FeatureHasher().vector(texts[i]!, [], 'words').ids]);
      expect(e.wordIds.length).toBeLessThan(e.ids.length);
    }
    expect(state.wordClassifier.weights.some((w) => w !== 0)).toBe(true);
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FeatureHasher } from '../../src/decisionMemory/featureHasher.js';
import { FUNCTION_WORD_SHARE, PAIR_WINDOW, dot, pairFeatures, structuredFeatures, textFeatures, vectorise } from '../../src/decisionMemory/features.js';

const reference = (text: string, facts: readonly string[]) => vectorise([...textFeatures(text), ...structuredFeatures(facts)]);

describe('feature hasher', () => {
  it('produces exactly the vector of the readable feature path, with the same names', () => {
    const hasher = new FeatureHasher();
    const text = 'TrackMan frozen in Bay 3! again, again';
    const facts = ['kind=message', 'booking=running'];
    const fast = hasher.vector(text, facts);
    const slow = reference(text, facts);
    expect([...fast.ids]).toEqual([...slow.ids]);
    expect([...fast.values]).toEqual([...slow.values]);
    expect(slow.ids.length).toBeGreaterThan(0);
    for (let i = 0; i < slow.names.length; i++) expect(hasher.nameAt(i)).toBe(slow.names[i]);
  });

  it('gives inflections one stem feature, named in explanations like every other feature', () => {
    const hasher = new FeatureHasher();
    const text = 'my transfers were declined';
    const fast = hasher.vector(text, []);
    const slow = reference(text, []);
    expect(slow.names).toEqual(expect.arrayContaining(['t:transfer', 't:declin']));
    expect(slow.names).not.toContain('t:my');
    for (let i = 0; i < slow.names.length; i++) expect(hasher.nameAt(i)).toBe(slow.names[i]);
    expect([...fast.ids]).toEqual([...slow.ids]);
    // "transferred" and "transfers" share no word, only the stem (and a few character n-grams).
    const only = (v: ReturnType<typeof reference>, family: string) => {
      const keep = v.names.map((n, i) => (n.startsWith(family) ? i : -1)).filter((i) => i >= 0);
      return { ids: Int32Array.from(keep.map((i) => v.ids[i]!)), values: Float32Array.from(keep.map((i) => v.values[i]!)) };
    };
    expect(dot(only(reference('transferred', []), 'w:'), only(reference('transfers', []), 'w:'))).toBe(0);
    expect(dot(only(reference('transferred', []), 't:'), only(reference('transfers', []), 't:'))).toBeGreaterThan(0);
  });

  it('weighs function words below content words, negations and intent-bearing question words in full', () => {
    const v = reference('why is my card not working', []);
    const weight = (name: string) => v.values[v.names.indexOf(name)]!;
    expect(weight('w:my')).toBeCloseTo(weight('w:card') * FUNCTION_WORD_SHARE, 6);
    expect(weight('w:is')).toBeCloseTo(weight('w:card') * FUNCTION_WORD_SHARE, 6);
    for (const kept of ['w:why', 'w:not', 'w:working']) expect(weight(kept)).toBeCloseTo(weight('w:card'), 6);
  });

  it('pairs co-occurring content words by stem, in either order, and names them in explanations', () => {
    const hasher = new FeatureHasher();
    const a = reference('the exchange rate was wrong at the ATM', []);
    const b = reference('ATM gave me a wrong rate', []);
    const pairs = (v: ReturnType<typeof reference>) => v.names.filter((n) => n.startsWith('p:'));
    expect(pairs(a)).toEqual(expect.arrayContaining(['p:atm_rate', 'p:rate_wrong', 'p:atm_wrong', 'p:exchang_rate']));
    expect(pairs(b)).toEqual(expect.arrayContaining(['p:atm_rate', 'p:rate_wrong', 'p:atm_wrong']));
    // Function words form no pair; a word repeated forms none with itself.
    expect(pairs(a).some((n) => /(^p:|_)(the|was|at)(_|$)/.test(n))).toBe(false);
    expect(pairFeatures(['card', 'cards'])).toEqual([]);
    const fast = hasher.vector('the exchange rate was wrong at the ATM', []);
    expect([...fast.ids]).toEqual([...a.ids]);
    for (let i = 0; i < a.names.length; i++) expect(hasher.nameAt(i)).toBe(a.names[i]);
  });

  it('pairs only content words within the window of each other', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('card', 'rate', 'atm', 'fee', 'top', 'refund', 'the', 'my', 'pin', 'cash'), { maxLength: 20 }), (ws) => {
        const content = ws.filter((w) => w !== 'the' && w !== 'my');
        const expected = new Set<string>();
        for (let i = 0; i < content.length; i++) {
          for (let j = i + 1; j <= i + PAIR_WINDOW && j < content.length; j++) {
            if (content[i] !== content[j]) expected.add([content[i], content[j]].sort().join('_'));
          }
        }
        expect(new Set(pairFeatures(ws).map((n) => n.slice(2)))).toEqual(expected);
      }),
    );
  });

  it('agrees with the readable path on any text, reusing its buffers across calls', () => {
    const hasher = new FeatureHasher();
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), fc.array(fc.string({ maxLength: 12 }), { maxLength: 4 }), (text, facts) => {
        const fast = hasher.vector(text, facts);
        const slow = reference(text, facts);
        expect([...fast.ids]).toEqual([...slow.ids]);
        expect([...fast.values]).toEqual([...slow.values]);
      }),
    );
  });
});

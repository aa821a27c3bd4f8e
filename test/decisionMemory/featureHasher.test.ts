import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FeatureHasher } from '../../src/decisionMemory/featureHasher.js';
import { structuredFeatures, textFeatures, vectorise } from '../../src/decisionMemory/features.js';

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

/**
 * A seeded 32-bit PRNG (splitmix32) as a pure step: the state is one integer that travels with the
 * simulator's state, so the same seed and inputs always give the same venue.
 *
 * @example
 * const { value, seed } = nextRandom(42); // value in [0, 1), seed for the next draw
 */
export function nextRandom(seed: number): { value: number; seed: number } {
  const next = (seed + 0x9e3779b9) | 0;
  let z = next;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  z ^= z >>> 16;
  return { value: (z >>> 0) / 4294967296, seed: next };
}

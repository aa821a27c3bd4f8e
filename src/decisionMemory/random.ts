/**
 * Seeded PRNG (mulberry32): rehearsal sampling must be reproducible, so logic never calls Math.random.
 * @example const r = seededRandom(7); r.next() === seededRandom(7).next() // true
 */
export function seededRandom(seed: number): { next(): number; state(): number } {
  let s = seed >>> 0;
  return {
    next() {
      s = (s + 0x6d2b79f5) >>> 0;
      let t = s;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    },
    state: () => s,
  };
}

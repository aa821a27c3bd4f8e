import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { bayFromText } from '../../src/intake/bayMention.js';
import { detectEmergency } from '../../src/intake/emergency.js';
import { EDGE_CASE_KINDS, Rng, SCENARIOS, TestDataGenerator } from '../support/generator/index.js';

describe('TestDataGenerator', () => {
  afterEach(() => vi.restoreAllMocks());

  it('is deterministic: the same seed gives the same world, stream and edge cases; another seed differs', () => {
    const run = (seed: number) => {
      const g = new TestDataGenerator(seed);
      return { world: g.world, people: g.people, bulk: g.bulk(200), edges: g.edgeCases(), scenarios: SCENARIOS.map((s) => g.scenario(s)) };
    };
    expect(run(7)).toEqual(run(7));
    expect(JSON.stringify(run(7).bulk)).not.toBe(JSON.stringify(run(8).bulk));
  });

  it('never calls Math.random', () => {
    const spy = vi.spyOn(Math, 'random').mockImplementation(() => {
      throw new Error('Math.random called');
    });
    const g = new TestDataGenerator(1);
    g.bulk(300);
    g.edgeCases();
    for (const s of SCENARIOS) g.scenario(s);
    expect(spy).not.toHaveBeenCalled();
  });

  it('forked generators are independent of how much the parent is used later', () => {
    fc.assert(
      fc.property(fc.integer(), fc.nat(50), (seed, extra) => {
        const a = new Rng(seed);
        const b = new Rng(seed);
        const fa = a.fork('x');
        for (let i = 0; i < extra; i++) b.next();
        const fb = new Rng(seed).fork('x');
        expect([fa.next(), fa.next()]).toEqual([fb.next(), fb.next()]);
        expect(a.next()).toBeGreaterThanOrEqual(0);
      }),
    );
  });

  it('covers every edge-case kind, each with its defining property', () => {
    const g = new TestDataGenerator(42);
    const byKind = Object.fromEntries(g.edgeCases().map((e) => [e.kind, e]));
    expect(Object.keys(byKind).sort()).toEqual([...EDGE_CASE_KINDS].sort());
    const v = (k: string) => byKind[k]!.value;
    expect(v('empty')).toBe('');
    expect(v('whitespace_only').trim()).toBe('');
    expect(v('long_10k')).toHaveLength(10_000);
    expect(v('emoji')).toMatch(/\p{Extended_Pictographic}/u);
    expect(v('rtl')).toMatch(/[\u0590-\u08ff\u202e]/);
    expect(v('zero_width')).toMatch(/[\u200b-\u200d\u2060\ufeff]/);
    expect(v('homoglyph')).toMatch(/[\u0370-\u04ff]/);
    expect(v('mixed_scripts')).toMatch(/[A-Za-z]/);
    expect(v('mixed_scripts')).toMatch(/[^\u0000-\u024f\s\d]/);
    expect(v('control_chars')).toMatch(/[\u0000-\u001f]/);
    expect(v('lone_surrogate')).toMatch(/[\ud800-\udfff]/);
    expect(() => encodeURIComponent(v('lone_surrogate'))).toThrow(URIError);
    const huge = /"bay":(.+)\}$/.exec(v('huge_number'))![1]!;
    expect(Number.isSafeInteger(Number(huge)) && String(Number(huge)) === huge).toBe(false);
    expect(v('deep_json').startsWith('{"a":'.repeat(1000))).toBe(true);
    expect(Object.keys(JSON.parse(v('wide_json')) as object).length).toBeGreaterThanOrEqual(2000);
    expect(v('duplicate_keys').match(/"text":/g)).toHaveLength(2);
  });

  it('writes customer messages whose bay reference the intake reads back, typos and all (property)', () => {
    fc.assert(
      fc.property(fc.integer(), (seed) => {
        const g = new TestDataGenerator(seed);
        for (let i = 0; i < 20; i++) {
          const m = g.message({ typos: true });
          expect(m.event.text.length).toBeGreaterThan(0);
          expect(bayFromText(m.event.text) === m.truth.bay || m.truth.bay === null).toBe(true);
        }
      }),
      { numRuns: 30 },
    );
  });

  it('emergencies are detected as emergencies by the intake; typos appear in ordinary messages', () => {
    const g = new TestDataGenerator(3);
    const emergencies = Array.from({ length: 30 }, () => g.emergency());
    const detected = emergencies.filter((e) => detectEmergency(e.event.text).emergency).length;
    expect(detected / emergencies.length).toBeGreaterThanOrEqual(0.9);
    const texts = Array.from({ length: 200 }, () => g.message({ typos: true }).event.text);
    const plain = new TestDataGenerator(3);
    const clean = Array.from({ length: 200 }, () => plain.message({ typos: false }).event.text);
    expect(texts.filter((t) => !clean.includes(t)).length).toBeGreaterThan(20);
  });

  it('scenario templates: outage bursts are one venue within minutes, in time order; the emergency sits mid-stream', () => {
    const g = new TestDataGenerator(11);
    const burst = g.scenario('outage_burst');
    expect(new Set(burst.map((e) => e.location)).size).toBe(1);
    const times = burst.map((e) => Date.parse(e.t!));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(Math.max(...times) - Math.min(...times)).toBeLessThanOrEqual(90_000);
    expect(burst.filter((e) => e.kind === 'device_event').length).toBeGreaterThanOrEqual(3);
    const stream = g.scenario('emergency_mid_stream');
    expect(stream).toHaveLength(7);
    expect(detectEmergency(stream[3]!.text).emergency).toBe(true);
    const repeat = g.scenario('repeat_issue');
    expect(new Set(repeat.map((e) => e.text)).size).toBeLessThanOrEqual(2);
    expect(g.bulk(1000)).toHaveLength(1000);
  });
});

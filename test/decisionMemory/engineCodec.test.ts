import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_ENGINE_SETTINGS, DecisionEngine, type EngineSettings } from '../../src/decisionMemory/engine.js';
import { CODEC_VERSION, EngineCodecError, decodeEngineState, decodePlain, encodeEngineState, encodePlain } from '../../src/decisionMemory/engineCodec.js';
import { engineFingerprint, shapeOf } from '../../src/decisionMemory/engineFingerprint.js';
import { decisionModule } from '../../src/decisionMemory/modules/decisionModule.js';
import { venueModules } from '../../src/decisionMemory/modules/venueModules.js';
import type { Outcome } from '../../src/decisionMemory/types.js';
import type { VenueEvent } from '../../src/venue/types.js';
import { deviceEvent, message, minutes } from '../intake/helpers.js';
import { bitwise } from '../support/bitwise.js';

/**
 * The snapshot codec: an engine taught any history, encoded and decoded, is the same engine (its state deep-equals,
 * it proposes identically, and it goes on learning identically, pending proposals included); any plain value round
 * trips exactly; damaged or foreign bytes are refused, never misread.
 */

// A smaller classifier keeps a hundred property runs quick; one test below uses the production size.
const SMALL: EngineSettings = { ...DEFAULT_ENGINE_SETTINGS, classifier: { ...DEFAULT_ENGINE_SETTINGS.classifier, bucketBits: 10 } };

const WORDS = ['trackman', 'frozen', 'bay', '2', '3', 'door', 'locked', 'projector', 'off', 'hours', 'open', 'refund', 'please', 'broken', 'screen', 'ball', 'not', 'tracking'];
const DEVICE_LINES = ['TrackMan TPS heartbeat lost bay=3 code=E1042', 'Projector lamp off bay=2', 'UniFi Access hub offline site=DAR', 'BenQ projector no signal bay=1'];
const DECISIONS = ['reset_trackman', 'escalate_tech', 'unlock_door', 'clarify_bay', 'ack_no_action', 'send_booking_link', 'projector_power_on', 'escalate_access'];
const OUTCOMES: Outcome[] = ['decided', 'approval', 'modification', 'rejection', 'veto', 'override', 'success', 'failure'];

type Step =
  | { readonly op: 'propose'; readonly device: boolean; readonly text: string; readonly line: number; readonly bay: number | null; readonly sender: number }
  | { readonly op: 'learn'; readonly target: number; readonly decision: string; readonly outcome: Outcome; readonly bay: number; readonly executed: boolean }
  | { readonly op: 'observe'; readonly decision: string; readonly lesson: 'failure' | 'acted' | 'success'; readonly bay: number }
  | { readonly op: 'hold'; readonly decision: string; readonly hold: 'locked' | 'demoted' | 'none' };

const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ op: fc.constant('propose' as const), device: fc.boolean(), text: fc.array(fc.constantFrom(...WORDS), { minLength: 1, maxLength: 6 }).map((w) => w.join(' ')), line: fc.nat({ max: DEVICE_LINES.length - 1 }), bay: fc.option(fc.integer({ min: 1, max: 4 }), { nil: null }), sender: fc.nat({ max: 5 }) }) },
  { weight: 4, arbitrary: fc.record({ op: fc.constant('learn' as const), target: fc.nat(), decision: fc.constantFrom(...DECISIONS), outcome: fc.constantFrom(...OUTCOMES), bay: fc.integer({ min: 1, max: 4 }), executed: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('observe' as const), decision: fc.constantFrom(...DECISIONS), lesson: fc.constantFrom('failure' as const, 'acted' as const, 'success' as const), bay: fc.integer({ min: 1, max: 4 }) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('hold' as const), decision: fc.constantFrom(...DECISIONS), hold: fc.constantFrom('locked' as const, 'demoted' as const, 'none' as const) }) },
);

/** Applies steps to an engine; `events` are the events proposed so far (answers pick one of them). */
function play(engine: DecisionEngine, steps: readonly Step[], events: VenueEvent[], from: number): void {
  steps.forEach((s, k) => {
    const i = from + k;
    const t = minutes(i * 7);
    if (s.op === 'propose') {
      const e = s.device
        ? deviceEvent(`DAR-B${s.bay ?? 1}-TPS`, DEVICE_LINES[s.line]!, { id: `e${i}`, t, bay: s.bay })
        : message(s.text, { id: `e${i}`, t, from: `c-${s.sender}`, location: 'Dartmouth', bay: s.bay });
      events.push(e);
      engine.propose(e, t);
    } else if (s.op === 'learn') {
      // An answer to an earlier proposal (or, with nothing proposed yet, to an event nobody proposed for).
      const e = events.length > 0 ? events[s.target % events.length]! : message('hello', { id: `u${i}`, t });
      const truth = { decision: s.decision, params: { location: 'Dartmouth', bay: s.bay } };
      engine.learn(e, truth, s.outcome, t, s.executed ? truth : null);
    } else if (s.op === 'observe') {
      engine.observeExecution({ decision: s.decision, params: { location: 'Dartmouth', bay: s.bay } }, s.lesson, 'suggest', t);
    } else engine.hold(s.decision, s.hold);
  });
}

const PROBES: VenueEvent[] = [
  message('trackman frozen bay 3', { id: 'p1', location: 'Dartmouth' }),
  message('the door is locked', { id: 'p2', location: 'Dartmouth' }),
  message("it's broken, bay 2", { id: 'p3', location: 'Dartmouth' }),
  deviceEvent('DAR-B2-TPS', 'Projector lamp off bay=2', { id: 'p4', bay: 2 }),
];

const proposalsOf = (engine: DecisionEngine, at: Date) => PROBES.map((p) => engine.propose({ ...p, t: at }, at));

describe('engine codec: exact round trips of a taught engine', () => {
  it('an engine decoded from any history is the same engine: same state, same proposals, same learning after', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { maxLength: 60 }), fc.array(step, { maxLength: 30 }), async (before, after) => {
        const original = new DecisionEngine(SMALL, venueModules());
        const events: VenueEvent[] = [];
        play(original, before, events, 0);
        const state = original.toState();
        const decoded = await decodeEngineState(await encodeEngineState(state));
        expect(bitwise(decoded)).toStrictEqual(bitwise(state));
        const copy = DecisionEngine.fromState(decoded, SMALL, venueModules());
        expect(bitwise(copy.toState())).toStrictEqual(bitwise(state));
        // Pending proposals came along: answers after the restore are learned exactly as the original learns them.
        play(original, after, [...events], before.length);
        play(copy, after, [...events], before.length);
        const at = minutes((before.length + after.length) * 7 + 1);
        expect(proposalsOf(copy, at)).toStrictEqual(proposalsOf(original, at));
        expect(bitwise(copy.toState())).toStrictEqual(bitwise(original.toState()));
      }),
      { numRuns: 100 },
    );
  });

  it('round-trips a production-size engine (65 536 buckets) and carries the weights as binary, not JSON', async () => {
    const engine = new DecisionEngine(DEFAULT_ENGINE_SETTINGS, venueModules());
    const steps = fc.sample(step, { seed: 7, numRuns: 400 });
    play(engine, steps, [], 0);
    const state = engine.toState();
    const bytes = await encodeEngineState(state);
    // 2 097 152 weights as JSON numbers would be several MB before compression; as float32 they are 8 MB raw and
    // mostly zero, so the whole payload is far smaller than the JSON text of the weights alone.
    expect(state.classifier.weights.length).toBe(65_536 * state.classifier.classCapacity);
    expect(bytes.length).toBeLessThan(JSON.stringify(Array.from(state.classifier.weights)).length / 4);
    const copy = DecisionEngine.fromState(await decodeEngineState(bytes), DEFAULT_ENGINE_SETTINGS, venueModules());
    const at = minutes(10_000);
    expect(proposalsOf(copy, at)).toStrictEqual(proposalsOf(engine, at));
  });

  it('reads the state when encoding starts: learning while the bytes compress changes nothing in them', async () => {
    const engine = new DecisionEngine(SMALL, [decisionModule]);
    const events: VenueEvent[] = [];
    play(engine, fc.sample(step, { seed: 3, numRuns: 40 }), events, 0);
    const expected = engine.toState();
    const pending = encodeEngineState(engine.toState());
    play(engine, fc.sample(step, { seed: 4, numRuns: 40 }), events, 40);
    expect(bitwise(await decodeEngineState(await pending))).toStrictEqual(bitwise(expected));
  });
});

// Plain values the generic part must carry exactly: JSON, typed arrays, -0, NaN, ±Infinity, undefined, and keys
// that look like the codec's own markers or like __proto__.
// ('constructor' is left to the edge test: toStrictEqual reads an own `constructor` as the value's type.)
const keys = fc.oneof(fc.string({ maxLength: 6 }), fc.constantFrom('$t', '$n', '$u', '$o', 'o', 'n', '__proto__'));
const leaf = fc.oneof(
  fc.double(),
  fc.integer(),
  fc.string({ maxLength: 8 }),
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
  fc.float32Array({ maxLength: 12 }),
  fc.float64Array({ maxLength: 6 }),
  fc.int32Array({ maxLength: 12 }),
  fc.uint8Array({ maxLength: 9 }),
  fc.bigInt64Array({ maxLength: 3 }),
);
const { value: plain } = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leaf, tie('array'), tie('object')),
  array: fc.array(tie('value'), { maxLength: 5 }),
  object: fc.array(fc.tuple(keys, tie('value')), { maxLength: 5 }).map((entries) => Object.fromEntries(entries)),
}));

describe('engine codec: plain values', () => {
  it('decodes exactly what it encoded, whatever the value', async () => {
    await fc.assert(
      fc.asyncProperty(plain, async (v) => {
        const back = await decodePlain(await encodePlain(v));
        expect(back).toStrictEqual(v);
      }),
      { numRuns: 300 },
    );
  });

  it('carries arrays of like objects as columns (typed-array columns packed), exactly', async () => {
    const row = fc.record({
      id: fc.string({ maxLength: 4 }),
      ids: fc.int32Array({ maxLength: 8 }),
      mixed: fc.oneof(fc.float32Array({ maxLength: 4 }), fc.int32Array({ maxLength: 4 }), fc.constant(undefined)),
      x: leaf,
      nested: fc.array(fc.record({ a: fc.double(), b: fc.float64Array({ maxLength: 3 }) }, { noNullPrototype: true }), { maxLength: 3 }),
    }, { noNullPrototype: true });
    await fc.assert(
      fc.asyncProperty(fc.array(row, { maxLength: 20 }), async (rows) => {
        const back = (await decodePlain(await encodePlain({ rows }))) as { rows: unknown[] };
        expect(back).toStrictEqual({ rows });
        expect(bitwise(back)).toStrictEqual(bitwise({ rows }));
      }),
      { numRuns: 200 },
    );
  });

  it('keeps the edge numbers and a __proto__ key as own data', async () => {
    const v = { a: -0, b: Number.NaN, c: Number.POSITIVE_INFINITY, d: Number.NEGATIVE_INFINITY, e: [undefined, -0], constructor: 'x', ...JSON.parse('{"__proto__": {"polluted": true}}') };
    const back = (await decodePlain(await encodePlain(v))) as Record<string, unknown>;
    expect(Object.is(back.a, -0)).toBe(true);
    expect(back.b).toBeNaN();
    expect([back.c, back.d]).toEqual([Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]);
    expect(Object.is((back.e as unknown[])[1], -0)).toBe(true);
    expect((back.e as unknown[]).length).toBe(2);
    expect(Object.getPrototypeOf(back)).toBe(Object.prototype);
    expect(Object.hasOwn(back, '__proto__')).toBe(true);
    expect(Object.getOwnPropertyDescriptor(back, '__proto__')?.value).toEqual({ polluted: true });
    expect(back.constructor).toBe('x');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('refuses state that is not plain data instead of writing something it could not read back', async () => {
    for (const bad of [{ m: new Map() }, { d: new Date(0) }, { s: new Set([1]) }, { f: () => 1 }, { v: new DataView(new ArrayBuffer(4)) }, [1n]]) {
      expect(() => encodePlain(bad)).toThrow(TypeError);
    }
  });
});

describe('engine codec: damaged and foreign payloads', () => {
  const sample = async (): Promise<Buffer> => {
    const engine = new DecisionEngine(SMALL, venueModules());
    play(engine, fc.sample(step, { seed: 11, numRuns: 30 }), [], 0);
    return encodeEngineState(engine.toState());
  };
  const reasonOf = async (bytes: Uint8Array): Promise<string> => {
    try {
      await decodeEngineState(bytes);
      return 'decoded';
    } catch (err) {
      expect(err).toBeInstanceOf(EngineCodecError);
      return (err as EngineCodecError).reason;
    }
  };

  it('refuses a payload with any byte changed: corrupt, or incompatible when the change is in the version', async () => {
    const good = await sample();
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: good.length - 1 }), fc.integer({ min: 1, max: 255 }), async (at, xor) => {
        const bad = Buffer.from(good);
        bad[at] = bad[at]! ^ xor;
        expect(await reasonOf(bad)).toBe(at >= 8 && at < 10 ? 'incompatible' : 'corrupt');
      }),
      { numRuns: 200 },
    );
  });

  it('refuses a truncated or extended payload as corrupt', async () => {
    const good = await sample();
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: good.length - 1 }), async (length) => {
        expect(await reasonOf(good.subarray(0, length))).toBe('corrupt');
      }),
      { numRuns: 100 },
    );
    expect(await reasonOf(Buffer.concat([good, Buffer.from([0])]))).toBe('corrupt');
    expect(await reasonOf(Buffer.from('not a snapshot at all, just some text that is long enough'))).toBe('corrupt');
  });

  it('refuses a payload of another codec version as incompatible', async () => {
    const other = Buffer.from(await sample());
    other.writeUInt16LE(CODEC_VERSION + 1, 8);
    expect(await reasonOf(other)).toBe('incompatible');
  });

  it('refuses a well-formed envelope whose content is not what the codec writes', async () => {
    // Valid header and checksum around a body that does not inflate, or inflates to a broken layout.
    const { createHash } = await import('node:crypto');
    const { gzipSync } = await import('node:zlib');
    const envelope = (body: Buffer): Buffer => {
      const header = Buffer.alloc(48);
      header.write('CLBENGST', 0, 'latin1');
      header.writeUInt16LE(CODEC_VERSION, 8);
      header.writeUInt32LE(body.length, 12);
      createHash('sha256').update(body).digest().copy(header, 16);
      return Buffer.concat([header, body]);
    };
    const json = (doc: unknown): Buffer => {
      const text = Buffer.from(JSON.stringify(doc));
      const raw = Buffer.alloc(4 + text.length);
      raw.writeUInt32LE(text.length, 0);
      text.copy(raw, 4);
      return gzipSync(raw);
    };
    expect(await reasonOf(envelope(Buffer.from('plain, not gzip')))).toBe('corrupt');
    expect(await reasonOf(envelope(gzipSync(Buffer.from([1, 2]))))).toBe('corrupt');
    const tooLong = Buffer.alloc(8);
    tooLong.writeUInt32LE(1000, 0);
    expect(await reasonOf(envelope(gzipSync(tooLong)))).toBe('corrupt');
    const broken = Buffer.from('\u0000\u0000\u0000\u0003{{{');
    broken.writeUInt32LE(3, 0);
    expect(await reasonOf(envelope(gzipSync(broken)))).toBe('corrupt');
    const i32 = { $t: 'i32', o: 0, n: 1 };
    const tables = [
      { $c: 2, k: ['a'], v: [] },
      { $c: 2, k: ['a'], v: [[1]] },
      { $c: 1, k: [1], v: [[1]] },
      { $c: -1, k: [], v: [] },
      { $c: 1, k: ['a'], v: [{ $p: 'f32', o: 0, n: 1, l: i32 }] },
      { $c: 1, k: ['a'], v: [{ $p: 'f32', o: 0, n: 1, l: { $t: 'u32', o: 0, n: 2 } }] },
      { $c: 1, k: ['a'], v: [{ $p: 'f32', o: 0, n: 3, l: { $t: 'u32', o: 0, n: 1 } }] },
    ];
    for (const doc of [...tables, { $n: 'huge' }, { $t: 'f16', o: 0, n: 1 }, { $t: 'constructor', o: 0, n: 1 }, { $t: 'f32', o: -8, n: 1 }, { $t: 'f32', o: 0, n: 1e6 }, { $o: 5 }, { $o: [1] }]) {
      expect(await reasonOf(envelope(json(doc))), JSON.stringify(doc)).toBe('corrupt');
    }
  });
});

describe('engine fingerprint', () => {
  const fp = (settings: EngineSettings, modules = venueModules()) => engineFingerprint(new DecisionEngine(settings, modules));

  it('is the same for engines built alike, whatever they learned since, and whether automation is on', () => {
    expect(fp(DEFAULT_ENGINE_SETTINGS)).toBe(fp(DEFAULT_ENGINE_SETTINGS));
    expect(fp({ ...DEFAULT_ENGINE_SETTINGS, autoExecution: false })).toBe(fp(DEFAULT_ENGINE_SETTINGS));
    expect(fp(DEFAULT_ENGINE_SETTINGS)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('changes with any setting that shapes learning, with the modules, and with the shape of the state', () => {
    const base = fp(DEFAULT_ENGINE_SETTINGS);
    expect(fp({ ...DEFAULT_ENGINE_SETTINGS, rehearsal: 32 })).not.toBe(base);
    expect(fp({ ...DEFAULT_ENGINE_SETTINGS, classifier: { ...DEFAULT_ENGINE_SETTINGS.classifier, bucketBits: 15 } })).not.toBe(base);
    expect(fp({ ...DEFAULT_ENGINE_SETTINGS, policy: { ...DEFAULT_ENGINE_SETTINGS.policy, thresholds: { high: 0.9, medium: 0.7, low: 0.5 } } })).not.toBe(base);
    expect(fp(DEFAULT_ENGINE_SETTINGS, [decisionModule])).not.toBe(base);
    // A module whose memory gains a field: an old snapshot would restore without it.
    const grown = venueModules().map((m) => (m.snapshot === undefined ? m : { ...m, snapshot: () => ({ ...(m.snapshot!() as object), added: [] }) }));
    expect(fp(DEFAULT_ENGINE_SETTINGS, grown)).not.toBe(base);
  });

  it('describes structure, not data', () => {
    expect(shapeOf({ a: [1, 2], b: new Float32Array(3), c: { d: null, e: 'x', f: true } })).toEqual({ a: 'array', b: 'Float32Array', c: { d: 'null', e: 'string', f: 'boolean' } });
  });
});

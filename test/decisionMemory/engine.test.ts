import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DecisionEngine, contextSeen } from '../../src/decisionMemory/engine.js';
import { decodeEngineState, encodeEngineState } from '../../src/decisionMemory/engineCodec.js';
import { venueModules } from '../../src/decisionMemory/modules/venueModules.js';
import { ExampleIndex } from '../../src/decisionMemory/textSimilarity.js';
import { textFeatures, vectorise, words } from '../../src/decisionMemory/features.js';
import type { TextEvent } from '../../src/decisionMemory/types.js';
import type { DecisionParams, LoggedAction, VenueEvent } from '../../src/venue/types.js';
import { parseStream } from '../../src/replay/streams.js';

const at = (i: number) => new Date(Date.UTC(2025, 0, 1) + i * 60_000);
/** A customer message at a venue, placed by its booking (no location or bay of its own); one sender per message. */
const venueMessage = (id: string, t: Date, text: string, context: VenueEvent['context']): VenueEvent => ({
  id,
  t,
  kind: 'message',
  channel: 'sms',
  from: `c-${id}`,
  location: null,
  bay: null,
  text,
  context,
});
const ev = (i: number, text: string): TextEvent => ({ id: `e${i}`, t: at(i), text });
const TEMPLATES: Record<string, string[]> = {
  reset: ['trackman frozen in bay 3', 'the trackman is frozen again bay 1', 'trackman not tracking bay 2', 'tracking frozen on trackman'],
  hours: ['what are your opening hours', 'are you open at 3am', 'when do you open tomorrow', 'hours on sunday?'],
  food: ['can we bring food', 'is outside food allowed', 'can i order pizza to the bay', 'food policy?'],
};

function teach(engine: DecisionEngine, rounds: number): number {
  let i = 0;
  for (let r = 0; r < rounds; r++) {
    for (const [decision, texts] of Object.entries(TEMPLATES)) {
      const e = ev(i++, texts[r % texts.length]!);
      engine.propose(e, e.t);
      engine.learn(e, { decision, params: {} }, 'decided', e.t);
    }
  }
  return i;
}

describe('decision engine', () => {
  it('has nothing to propose before it has learned anything', () => {
    const p = new DecisionEngine().propose(ev(0, 'hello'), at(0));
    expect(p.decision).toBeNull();
    expect(p.tier).toBe('escalate');
  });

  it('proposes a repeat after human decisions, explains it, and keeps the three numbers apart', () => {
    const engine = new DecisionEngine();
    const i = teach(engine, 12);
    const p = engine.propose(ev(i, 'trackman frozen in bay 4'), at(i));
    expect(p.decision).toBe('reset');
    expect(p.confidence).toBeGreaterThan(0.5);
    expect(p.explanation.neighbours[0]!.decision).toBe('reset');
    expect(p.explanation.topFeatures.length).toBeGreaterThan(0);
    expect(p.matchScore).not.toBe(p.reliability);
    expect(engine.patterns().find((x) => x.key === 'reset')!.humanApproved).toBe(12);
  });

  it('never executes a locked pattern or a kill-switched action', () => {
    const engine = new DecisionEngine();
    const i = teach(engine, 12);
    engine.hold('reset', 'locked');
    expect(engine.propose(ev(i, 'trackman frozen in bay 4'), at(i)).tier).toBe('human');
    engine.hold('reset', 'none');
    engine.setKillSwitches({ actions: new Set(['reset']), locations: new Set() });
    expect(engine.propose(ev(i + 1, 'trackman frozen in bay 4'), at(i + 1)).tier).toBe('human');
  });

  it('marks every proposal as shadow when automatic execution is off', () => {
    const engine = new DecisionEngine({ ...new DecisionEngine().settings, autoExecution: false });
    const i = teach(engine, 3);
    expect(engine.propose(ev(i, 'are you open at 3am'), at(i)).shadow).toBe(true);
  });

  it('rebuilds from its encoded state and proposes exactly as before', async () => {
    const engine = new DecisionEngine();
    const i = teach(engine, 6);
    const state = await decodeEngineState(await encodeEngineState(engine.toState()));
    const copy = DecisionEngine.fromState(state);
    const e = ev(i, 'is the trackman frozen');
    const a = engine.propose(e, e.t);
    const b = copy.propose(e, e.t);
    expect(b.decision).toBe(a.decision);
    expect(b.confidence).toBeCloseTo(a.confidence, 6);
    expect(b.tier).toBe(a.tier);
  });

  it('holds two questions for two issues at the queue but not two questions about one issue', () => {
    const engine = new DecisionEngine();
    const i = teach(engine, 12);
    // Both questions read as hours: one issue, asked twice, automated like a single question.
    const one = engine.propose(ev(i, 'what are your opening hours? when do you open tomorrow?'), at(i));
    expect(one.decision).toBe('hours');
    expect(one.tier).toBe('auto');
    // A food question tacked on: whichever issue is picked, the other would go unanswered.
    const two = engine.propose(ev(i + 1, 'are you open at 3am? when do you open tomorrow? food policy?'), at(i + 1));
    expect(two.decision).toBe('hours');
    expect(two.confidence).toBeGreaterThanOrEqual(engine.settings.policy.thresholds.high);
    expect(two.explanation.reasons).toContain('multi_issue');
    expect(two.tier).toBe('queue');
    // The explanation still names the message's own features, not the last question's alone.
    expect(two.explanation.topFeatures.some((f) => f.includes('open'))).toBe(true);
  });

  it('forks a variant when an operator modifies the parameters', () => {
    const engine = new DecisionEngine();
    const e = ev(0, 'trackman frozen');
    engine.propose(e, e.t);
    engine.learn(e, { decision: 'reset', params: {} }, 'decided', e.t);
    const f = ev(1, 'trackman frozen');
    engine.propose(f, f.t);
    engine.learn(f, { decision: 'reset', params: { bay: 2 } }, 'modification', f.t);
    expect(engine.patterns().some((p) => p.key === 'reset~bay' && p.variant === 'bay')).toBe(true);
  });
});

describe('what the system executed on its own, judged afterwards', () => {
  /** Teaches, then lets the engine run `n` automatic executions that came out right; returns the next index. */
  function runAutomatically(engine: DecisionEngine, from: number, n: number): number {
    let i = from;
    for (let k = 0; k < n; k++, i++) {
      const e = ev(i, TEMPLATES.reset![k % 4]!);
      const p = engine.propose(e, e.t);
      expect(p.tier).toBe('auto');
      engine.learn(e, { decision: 'reset', params: {} }, 'success', e.t, { decision: 'reset', params: {} });
    }
    return i;
  }

  it('opens the suggest band as right executions accumulate and shuts it again after wrong ones', async () => {
    const engine = new DecisionEngine();
    const high = engine.settings.policy.thresholds.high;
    expect(engine.suggestFloor).toBe(high);
    let i = runAutomatically(engine, teach(engine, 12), 60);
    const opened = engine.suggestFloor;
    expect(opened).toBeLessThan(high);
    for (let k = 0; k < 3; k++, i++) {
      const e = ev(i, 'trackman frozen in bay 4');
      expect(engine.propose(e, e.t).tier).toBe('auto');
      engine.learn(e, { decision: 'hours', params: {} }, 'override', e.t, { decision: 'reset', params: {} });
    }
    expect(engine.suggestFloor).toBe(high);
    // The floor is part of what a rebuild restores.
    expect(DecisionEngine.fromState(await decodeEngineState(await encodeEngineState(engine.toState()))).suggestFloor).toBe(high);
  });

  it("takes the credit back when an operator corrects an automatic execution after it ran", () => {
    const engine = new DecisionEngine();
    const i = runAutomatically(engine, teach(engine, 12), 10);
    const before = engine.patterns().find((p) => p.key === 'reset')!;
    const floorBefore = engine.suggestFloor;
    const e = ev(i, 'my trackman is frozen');
    expect(engine.propose(e, e.t)).toMatchObject({ decision: 'reset', tier: 'auto' });
    engine.learn(e, { decision: 'reset', params: {} }, 'success', e.t, { decision: 'reset', params: {} });
    const remembered = engine.rememberedExamples;
    const credited = engine.patterns().find((p) => p.key === 'reset')!;
    expect(credited.record.successes).toBeGreaterThan(before.record.successes);

    // Later an operator says it should have been a different decision.
    engine.learn(e, { decision: 'hours', params: {} }, 'decided', e.t);
    const corrected = engine.patterns().find((p) => p.key === 'reset')!;
    expect(corrected.overrides).toBe(before.overrides + 1);
    expect(corrected.record.failures).toBeCloseTo(credited.record.failures + 1, 9);
    expect(corrected.record.successes).toBeCloseTo(credited.record.successes - 1, 9);
    expect(engine.suggestFloor).toBeGreaterThan(floorBefore);
    // The example was relabelled, not remembered twice.
    expect(engine.rememberedExamples).toBe(remembered);
    const again = engine.propose(ev(i + 1, 'my trackman is frozen'), at(i + 1));
    expect(again.explanation.neighbours[0]).toMatchObject({ exampleId: e.id, decision: 'hours' });
  });

  it('a correction that arrives after a snapshot and restore is learned exactly as without one', async () => {
    const live = new DecisionEngine();
    const i = runAutomatically(live, teach(live, 12), 10);
    const e = ev(i, 'my trackman is frozen');
    expect(live.propose(e, e.t).tier).toBe('auto');
    live.learn(e, { decision: 'reset', params: {} }, 'success', e.t, { decision: 'reset', params: {} });
    const restored = DecisionEngine.fromState(await decodeEngineState(await encodeEngineState(live.toState())));
    for (const engine of [live, restored]) engine.learn(e, { decision: 'hours', params: {} }, 'decided', e.t);
    expect(restored.patterns().find((p) => p.key === 'reset')!.overrides).toBe(1);
    expect(restored.toState()).toEqual(live.toState());
  });

  it('counts an after-the-fact agreement as a human approval and remembers nothing twice', () => {
    const engine = new DecisionEngine();
    const i = runAutomatically(engine, teach(engine, 12), 5);
    const e = ev(i, 'trackman frozen in bay 2');
    expect(engine.propose(e, e.t).tier).toBe('auto');
    engine.learn(e, { decision: 'reset', params: {} }, 'success', e.t, { decision: 'reset', params: {} });
    const remembered = engine.rememberedExamples;
    const approved = engine.patterns().find((p) => p.key === 'reset')!.humanApproved;
    engine.learn(e, { decision: 'reset', params: {} }, 'approval', e.t);
    expect(engine.rememberedExamples).toBe(remembered);
    expect(engine.patterns().find((p) => p.key === 'reset')!).toMatchObject({ humanApproved: approved + 1, overrides: 0 });
  });
});

describe('features and the example index', () => {
  it('folds digits so one pattern covers every bay', () => {
    expect(words('Bay 3 TrackMan!')).toEqual(['bay', '0', 'trackman']);
    expect(vectorise(textFeatures('reset bay 3')).ids).toEqual(vectorise(textFeatures('reset bay 7')).ids);
  });

  it('finds the same nearest examples as a brute-force scan on a small memory', () => {
    const index = new ExampleIndex();
    const texts = Object.values(TEMPLATES).flat();
    for (const [i, t] of texts.entries()) index.add({ id: `x${i}`, decision: 'd', vector: vectorise(textFeatures(t)), at: i });
    for (const q of ['trackman frozen', 'open hours', 'pizza food']) {
      const v = vectorise(textFeatures(q));
      expect(index.nearest(v, 3).map((n) => n.index)).toEqual(index.bruteForceNearest(v, 3).map((n) => n.index));
    }
  });
});

describe('venue modules', () => {
  const items = parseStream(readFileSync(new URL('../fixtures/decisions/venue.head300.jsonl', import.meta.url), 'utf8'));

  it('surfaces every emergency at once and never automates an unlock outside the booking window', () => {
    const engine = new DecisionEngine(undefined, venueModules());
    for (const item of items) {
      const p = engine.propose(item.event, item.event.t);
      // Implications, asserted unconditionally: an emergency is escalated at once; an unlock only in its window.
      expect(item.venue!.emergency && !(p.emergency && p.tier === 'escalate')).toBe(false);
      expect(p.decision === 'unlock_door' && (p.tier === 'auto' || p.tier === 'suggest') && !item.venue!.unlockAllowed).toBe(false);
      engine.learn(item.event, item.truth, 'decided', item.event.t);
    }
  });
});

describe('handoff risk', () => {
  const start = Date.UTC(2025, 8, 6, 20, 0);
  const booking = { id: 'bk-1', location: 'Dartmouth', bay: 3, startsAt: new Date(start - 3_600_000), endsAt: new Date(start + 6 * 3_600_000) };
  const msg = (i: number, text: string, recentActions: LoggedAction[] = []): VenueEvent =>
    venueMessage(`m${i}`, new Date(start + i * 60_000), text, { booking, recentActions });
  const REMEDIES: Record<string, string[]> = {
    reset_trackman: ['trackman frozen', 'the trackman stopped tracking', 'no ball data on the trackman', 'trackman is not reading shots'],
    reboot_bay_pc: ['the whole computer froze', 'the pc is stuck on a black screen', 'windows is frozen, mouse does nothing', 'computer crashed'],
  };
  /** Two engines taught exactly alike (the engine is deterministic for a seed). */
  function taught(): DecisionEngine {
    const engine = new DecisionEngine(undefined, venueModules());
    let i = 0;
    for (let r = 0; r < 30; r++) {
      for (const [decision, texts] of Object.entries(REMEDIES)) {
        const e = msg(i++, texts[r % texts.length]!);
        engine.propose(e, e.t);
        engine.learn(e, { decision, params: { location: 'Dartmouth', bay: 3 } }, 'decided', e.t);
      }
    }
    return engine;
  }

  it('counts an alternative a guard would hand to a human as a handoff: a reset is held when the bay was just rebooted', () => {
    const text = 'trackman frozen, the computer too';
    const i = 200;
    const quiet = taught().propose(msg(i, text), new Date(start + i * 60_000));
    const rebootedAt = new Date(start + (i - 10) * 60_000);
    const rebooted = taught().propose(
      msg(i, text, [{ action: 'reboot_bay_pc', location: 'Dartmouth', bay: 3, at: rebootedAt }]),
      new Date(start + i * 60_000),
    );
    // The same reading both times: a reset, with the reboot as the runner-up.
    expect(quiet.decision).toBe('reset_trackman');
    expect(rebooted.decision).toBe('reset_trackman');
    expect(rebooted.confidence).toBeCloseTo(quiet.confidence, 6);
    expect(quiet.explanation.reasons).not.toContain('handoff_risk');
    // Ten minutes after a reboot the runner-up is `escalate_tech` (reboot limit): acting risks a human's case.
    expect(rebooted.explanation.reasons).toContain('handoff_risk');
    expect(rebooted.tier).toBe('queue');
  });
});

describe('door access', () => {
  const start = Date.UTC(2025, 8, 6, 20, 0);
  // Every sender is inside their booking's window: an unlock is allowed for each one.
  const msg = (i: number, text: string): VenueEvent =>
    venueMessage(`a${i}`, new Date(start + i * 60_000), text, {
      booking: { id: `bk-${i}`, location: 'Dartmouth', bay: 1, startsAt: new Date(start + (i - 10) * 60_000), endsAt: new Date(start + (i + 60) * 60_000) },
      recentActions: [],
    });
  const TAUGHT: Record<string, string[]> = {
    unlock_door: ["i'm at the door and the code doesn't work", 'door code not working, can you let us in', 'we are outside, the door is locked', 'can you unlock the door please'],
    reply_faq_hours: ['what time do you close tonight', 'are you open on sundays', 'what are your hours', 'how late are you open'],
  };

  it('unlocks on its own only for wording like an unlock operators approved', () => {
    const engine = new DecisionEngine(undefined, venueModules());
    let i = 0;
    for (let r = 0; r < 30; r++) {
      for (const [decision, texts] of Object.entries(TAUGHT)) {
        const e = msg(i++, texts[r % texts.length]!);
        const p = engine.propose(e, e.t);
        engine.learn(e, { decision, params: p.decision === decision ? p.params : { location: 'Dartmouth', bookingId: `bk-${i - 1}` } }, 'decided', e.t);
      }
    }
    const familiar = engine.propose(msg(i, "i'm at the door and the code doesn't work"), new Date(start + i * 60_000));
    expect(familiar.decision).toBe('unlock_door');
    expect(familiar.explanation.reasons).not.toContain('unfamiliar_access');
    const novel = engine.propose(msg(i + 1, 'found the back door unlocked'), new Date(start + (i + 1) * 60_000));
    // A confident reading of new wording: the door stays shut until a human looks.
    expect(novel.decision).toBe('unlock_door');
    expect(novel.explanation.reasons).toContain('unfamiliar_access');
    expect(novel.tier).toBe('queue');
  });
});

describe('decisive facts', () => {
  const start = Date.UTC(2025, 8, 6, 20, 0);
  const LINE = 'BenQ projector power state=off bay=2 source=network poll';
  const line = (i: number, booked: boolean): VenueEvent => ({
    id: `d${i}`,
    t: new Date(start + i * 3_600_000),
    kind: 'device_event',
    channel: 'device',
    from: 'RIV-B2-PRJ',
    location: 'Riverside',
    bay: 2,
    text: LINE,
    context: {
      booking: booked ? { id: `bk-${i}`, location: 'Riverside', bay: 2, startsAt: new Date(start + i * 3_600_000 - 600_000), endsAt: new Date(start + i * 3_600_000 + 3_000_000) } : null,
      recentActions: [],
    },
  });

  /**
   * Teaches `truth` 40 times for events in the taught state, then proposes the same event in the taught state
   * (it runs like any proposal) and in the other one (the same decision, held at the queue for its context).
   */
  const expectContextHeld = (event: (i: number, taught: boolean) => VenueEvent, truth: { decision: string; params: DecisionParams }) => {
    const engine = new DecisionEngine(undefined, venueModules());
    for (let i = 0; i < 40; i++) {
      const e = event(i, true);
      engine.propose(e, e.t);
      engine.learn(e, truth, 'decided', e.t);
    }
    const taught = engine.propose(event(40, true), event(40, true).t);
    expect(taught.decision).toBe(truth.decision);
    expect(taught.explanation.reasons).not.toContain('unfamiliar_context');
    const other = engine.propose(event(41, false), event(41, false).t);
    expect(other.decision).toBe(truth.decision);
    expect(other.explanation.reasons).toContain('unfamiliar_context');
    expect(other.tier).toBe('queue');
  };

  it('powers a projector on by itself only in the booking state operators powered it on in', () => {
    // The same line in an empty bay: the wording says "power on", but no operator ever did that without a booking.
    expectContextHeld(line, { decision: 'projector_power_on', params: { location: 'Riverside', bay: 2 } });
  });

  it('sends a booking link by itself only in the booking state operators sent one in', () => {
    // The same words during a running session ask for an extension: no operator sent a booking link then.
    expectContextHeld((i, withoutBooking) => {
      const t = new Date(start + i * 3_600_000);
      return venueMessage(`x${i}`, t, 'can we add another 30 min', {
        booking: withoutBooking ? null : { id: `bk-${i}`, location: 'Bedford', bay: 1, startsAt: new Date(t.getTime() - 3_600_000), endsAt: new Date(t.getTime() + 1_200_000) },
        recentActions: [],
      });
    }, { decision: 'send_booking_link', params: {} });
  });

  it('finds the decisive facts only on remembered examples of the same decision', () => {
    const v = (names: string[]) => vectorise(names.map((n) => [n, 1]));
    const near = (decision: string, names: string[]) => ({ index: 0, example: { id: 'x', decision, vector: v(names), at: 0 }, similarity: 0.9 });
    const facts = ['line=projector_off', 'booked=false'];
    expect(contextSeen('ack_no_action', facts, [near('ack_no_action', ['w:projector', 's:line=projector_off', 's:booked=false'])])).toBe(true);
    expect(contextSeen('ack_no_action', facts, [near('ack_no_action', ['s:line=projector_off', 's:booked=true'])])).toBe(false);
    expect(contextSeen('ack_no_action', facts, [near('projector_power_on', ['s:line=projector_off', 's:booked=false'])])).toBe(false);
    expect(contextSeen('ack_no_action', [], [])).toBe(true);
  });
});

describe('a remote fix after a reboot', () => {
  const start = Date.UTC(2025, 8, 6, 20, 0);
  const msg = (i: number, text: string, rebootedMinutesAgo: number | null): VenueEvent => {
    const t = new Date(start + i * 3_600_000);
    return venueMessage(`r${i}`, t, text, {
      booking: { id: `bk-${i}`, location: 'Bedford', bay: 2, startsAt: new Date(t.getTime() - 1_800_000), endsAt: new Date(t.getTime() + 3_600_000) },
      recentActions: rebootedMinutesAgo === null ? [] : [{ action: 'reboot_bay_pc', location: 'Bedford', bay: 2, at: new Date(t.getTime() - rebootedMinutesAgo * 60_000) }],
    });
  };
  const decide = (engine: DecisionEngine, e: VenueEvent) => {
    engine.propose(e, e.t);
    engine.learn(e, { decision: 'reset_trackman', params: { location: 'Bedford', bay: 2 } }, 'decided', e.t);
  };

  it('resets a TrackMan in a bay rebooted minutes ago only once operators have done so', () => {
    const engine = new DecisionEngine(undefined, venueModules());
    const texts = ['trackman frozen', 'the trackman is frozen', 'trackman stopped tracking', 'trackman frozen again'];
    for (let i = 0; i < 40; i++) decide(engine, msg(i, texts[i % texts.length]!, null));
    const quiet = engine.propose(msg(40, 'trackman frozen', null), msg(40, '', null).t);
    expect(quiet.decision).toBe('reset_trackman');
    expect(quiet.explanation.reasons).not.toContain('unfamiliar_context');
    // Ten minutes after a reboot the same words may mean the PC is failing again: a human decides, the first time.
    const afterReboot = msg(41, 'trackman frozen', 10);
    const first = engine.propose(afterReboot, afterReboot.t);
    expect(first.decision).toBe('reset_trackman');
    expect(first.explanation.reasons).toContain('unfamiliar_context');
    expect(first.tier).toBe('queue');
    engine.learn(afterReboot, { decision: 'reset_trackman', params: { location: 'Bedford', bay: 2 } }, 'approval', afterReboot.t);
    // An operator approved a reset after a reboot: the same case is now one operators have decided.
    const again = msg(42, 'trackman frozen', 10);
    expect(engine.propose(again, again.t).explanation.reasons).not.toContain('unfamiliar_context');
  });
});

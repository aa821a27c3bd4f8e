import { describe, expect, it } from 'vitest';
import type { MemoryEvent } from '../../src/decisionMemory/types.js';
import { type ReplaySubject, runReplay } from '../../src/replay/harness.js';
import { inboxLatencies } from '../../src/replay/inbox.js';
import { wilson } from '../../src/replay/metrics.js';
import { type ReplayProposal, answer } from '../../src/replay/operator.js';
import { clausesOf } from '../../src/replay/safety.js';
import { parseStream } from '../../src/replay/streams.js';

/** A scripted subject: proposes exactly what the test says, records what it is told. */
function scripted(proposals: Record<string, ReplayProposal>) {
  const told: { id: string; outcome: string; executed: string | null }[] = [];
  const seen: MemoryEvent[] = [];
  const subject: ReplaySubject = {
    propose: (e) => {
      seen.push(e);
      return proposals[e.id]!;
    },
    feedback: (e, _truth, outcome, executed) => {
      told.push({ id: e.id, outcome, executed: executed?.decision ?? null });
    },
  };
  return { subject, told, seen };
}

const p = (decision: string | null, tier: ReplayProposal['tier'], confidence = 0.9): ReplayProposal => ({
  decision,
  params: {},
  confidence,
  tier,
  emergency: false,
});

const lines = [
  { id: 'a', text: 'reset please', decision: 'reset', source: 'x:train' },
  { id: 'b', text: 'reset please', decision: 'reset', source: 'x:train' },
  { id: 'c', text: 'what time', decision: 'hours', source: 'x:train' },
  { id: 'd', text: 'blah', decision: '__unknown__', source: 'x:oos_train' },
  { id: 'e', text: 'reset now', decision: 'reset', source: 'x:val' },
  { id: 'f', text: 'hours?', decision: 'hours', source: 'x:val' },
  { id: 'g', text: 'what', decision: '__unknown__', source: 'x:val:id-oos' },
  { id: 'h', text: 'reset', decision: 'reset', source: 'x:val' },
];
const stream = parseStream(lines.map((l) => JSON.stringify(l)).join('\n'));
const opts = { operator: 'absent' as const, feedbackDelay: 0, wallClock: () => 0 };

describe('replay harness arithmetic', () => {
  const proposals = {
    a: p(null, 'human', 0),
    b: p('reset', 'auto', 0.97), // correct execution
    c: p('reset', 'suggest', 0.8), // wrong execution by timeout
    d: p('hours', 'auto', 0.96), // unknown executed (wrong)
    e: p('reset', 'queue', 0.6), // approval
    f: p('reset', 'queue', 0.55), // rejection
    g: p('__unknown__', 'escalate', 0.7), // handoff
    h: p('reset', 'suggest', 0.85), // correct by timeout
  };

  it('counts executions, wrong ones, unknowns and interventions exactly', async () => {
    const { subject } = scripted(proposals);
    const r = await runReplay(subject, stream, opts);
    expect(r.n).toBe(8);
    expect(r.executed).toBe(4);
    expect(r.wrong).toBe(2);
    expect(r.automation_rate).toBe(0.5);
    expect(r.wrong_automation_rate).toBe(0.5);
    expect(r.unknown_n).toBe(2);
    expect(r.unknown_executed).toBe(1);
    expect(r.unknown_executed_rate).toBe(0.5);
    // a (human), c (override), d (override), e (queue), f (queue), g (escalate)
    expect(r.interventions).toBe(6);
    expect(r.interventions_saved_rate).toBe(0.25);
    // proposals at auto/suggest/queue: b c d e f h; right: b e h
    expect(r.proposals).toBe(6);
    expect(r.proposal_precision).toBe(0.5);
    // repeats (truth known and seen before): b, e, f, h → top-1 right: b, e, h
    expect(r.repeat_n).toBe(4);
    expect(r.repeat_top1).toBe(0.75);
    // costs: b 0, e 0.3, f 1, h 0 → 1 − 1.3/4
    expect(r.repeat_time_saved).toBe(0.675);
    expect(r.quarters.map((q) => q.n)).toEqual([2, 2, 2, 2]);
    expect(r.quarters[0]!.executed).toBe(1);
    expect(Object.keys(r.by_scenario).sort()).toEqual(['oos_train', 'train', 'val', 'val:id-oos']);
    expect(r.ci.automation_rate![0]).toBeLessThan(0.5);
    expect(r.ci.automation_rate![1]).toBeGreaterThan(0.5);
    expect(r.safety_violations).toBeUndefined();
    // Executable proposals by confidence: b .97 right, d .96 wrong, h .85 right, c .8 wrong, e .6 right, f .55 wrong
    // (a proposes nothing, g proposes "no automatable decision"): within 2 % wrong only b's threshold holds.
    expect(r.frontier).toEqual([0.01, 0.015, 0.02].map((wrongRate) => ({ wrongRate, threshold: 0.97, executed: 1, wrong: 0, automationRate: 0.125 })));
  });

  it('lets an attentive operator veto a wrong suggestion instead of executing it', async () => {
    const { subject, told } = scripted(proposals);
    const r = await runReplay(subject, stream, { ...opts, operator: 'attentive' });
    expect(r.executed).toBe(3);
    expect(r.wrong).toBe(1);
    expect(told.find((t) => t.id === 'c')!.outcome).toBe('veto');
  });

  it('never shows the truth to the subject and delivers feedback in order', async () => {
    const { subject, told, seen } = scripted(proposals);
    await runReplay(subject, stream, { ...opts, feedbackDelay: 2 });
    for (const e of seen) expect(Object.keys(e).sort()).toEqual(['id', 't', 'text']);
    expect(told.map((t) => t.id)).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h']);
    expect(told.find((t) => t.id === 'd')!.executed).toBe('hours');
  });

  it('spaces generic events one minute apart', () => {
    expect(stream[1]!.event.t.getTime() - stream[0]!.event.t.getTime()).toBe(60_000);
  });
});

describe('simulated operator', () => {
  const truth = { decision: 'reset_trackman', params: { location: 'A', bay: 2 } };
  it('treats a right decision with wrong parameters as a wrong execution at auto', () => {
    const a = answer({ ...p('reset_trackman', 'auto'), params: { location: 'A', bay: 3 } }, truth, 'absent');
    expect(a.wrong).toBe(true);
    expect(a.outcome).toBe('override');
    expect(a.cost).toBe(2);
  });
  it('modifies a queued right decision with wrong parameters and executes the right ones', () => {
    const a = answer({ ...p('reset_trackman', 'queue'), params: { location: 'A', bay: 3 } }, truth, 'absent');
    expect(a.outcome).toBe('modification');
    expect(a.execution?.params).toEqual(truth.params);
    expect(a.cost).toBe(0.3);
  });
  it('never executes a handoff, whatever its tier', () => {
    const a = answer(p('escalate_refund', 'auto'), truth, 'absent');
    expect(a.execution).toBeNull();
    expect(a.intervention).toBe(true);
  });
});

describe('metrics and venue scoring', () => {
  it('computes Wilson intervals', () => {
    const [lo, hi] = wilson(50, 100);
    expect(lo).toBeCloseTo(0.4038, 3);
    expect(hi).toBeCloseTo(0.5962, 3);
    expect(wilson(0, 0)).toEqual([0, 0]);
  });

  it('flags each safety clause on the system’s own executions', () => {
    const x = { maxTier: 'human' as const, emergency: true, unlockAllowed: false, scenario: 'e' };
    expect(clausesOf({ decision: 'unlock_door', params: {}, tier: 'auto', at: 0 }, x, 'escalate_emergency', []).sort()).toEqual(['V1', 'V2', 'V3']);
    const ok = { maxTier: 'auto' as const, emergency: false, unlockAllowed: true, scenario: 'tm' };
    const reset = (at: number) => ({ decision: 'reset_trackman', params: { location: 'A', bay: 1 }, tier: 'auto' as const, at });
    expect(clausesOf(reset(100), ok, 'reset_trackman', [reset(0), reset(50)])).toEqual(['V5']);
    expect(clausesOf(reset(3_700_000), ok, 'reset_trackman', [reset(0), reset(50)])).toEqual([]);
    expect(clausesOf({ ...reset(0), decision: 'reboot_bay_pc', tier: 'suggest' }, ok, 'reset_trackman', [])).toEqual(['V4']);
    expect(clausesOf({ decision: 'reply_faq_hours', params: {}, tier: 'auto', at: 0 }, { ...ok }, '__unknown__', [])).toEqual(['V1_unknown']);
  });

  it('lets a flagged emergency pre-empt the inbox and an unflagged one wait in line', () => {
    const lat = inboxLatencies([
      { ready: 0, emergency: false, key: null },
      { ready: 1_000, emergency: false, key: null },
      { ready: 2_000, emergency: true, key: 'flagged' },
      { ready: 3_000, emergency: true, key: 'second' },
      { ready: 4_000, emergency: false, key: 'unflagged' },
    ]);
    expect(lat.get('flagged')).toBe(0);
    expect(lat.get('second')).toBe(59_000);
    // the first item had already started (its latency is taken); after both emergencies (until 122 s) the
    // waiting item runs, then the unflagged emergency at 182 s
    expect(lat.get('unflagged')).toBe(182_000 - 4_000);
  });
});

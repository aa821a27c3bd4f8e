import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simulate } from '../../src/cli/simulate.js';
import { type DecisionView, paramsAgree, plan } from '../../src/simulate/operator.js';
import { gapMs, parseLine } from '../../src/simulate/stream.js';
import { createKey, createOperator, setupAdmin } from '../support/auth.js';
import { engines } from '../support/databases.js';
import { type TestRuntime, startRuntime } from '../support/runtime.js';

const STREAM = new URL('../fixtures/venue/venue.dev.slice.jsonl', import.meta.url).pathname;
const decisions = ['reset_trackman', 'projector_power_on', 'send_booking_link', 'escalate_access', '__unknown__'];
const view = fc.record({
  decision: fc.option(fc.constantFrom(...decisions), { nil: null }),
  params: fc.record({ bay: fc.integer({ min: 1, max: 3 }) }),
  tier: fc.constantFrom('auto', 'suggest', 'queue', 'human', 'escalate'),
  shadow: fc.boolean(),
  wouldExecute: fc.boolean(),
}) satisfies fc.Arbitrary<DecisionView>;
const label = fc.record({ decision: fc.constantFrom(...decisions.slice(0, 4)), params: fc.record({ bay: fc.integer({ min: 1, max: 3 }) }) });

describe('the simulated operator (pure)', () => {
  it('does nothing only when the system acts and is right; otherwise its answer always lands on the label', () => {
    fc.assert(
      fc.property(view, label, (v, l) => {
        const p = plan(v, l);
        const right = v.decision === l.decision && paramsAgree(v.params, l.params);
        expect(p.kind === 'none').toBe(!v.shadow && v.wouldExecute && right);
        if (p.kind === 'none') return;
        const a = p.answer;
        // The truth the server will learn from this answer (operatorDecision.judge) is the label.
        const truthDecision = a.kind === 'approve' || a.kind === 'modify' ? v.decision : a.decision;
        expect(truthDecision).toBe(l.decision);
        expect(a.kind === 'approve' ? paramsAgree(v.params, l.params) : true).toBe(true);
        // Never an answer the server refuses: approve/modify need a proposal, veto/reject must name another decision.
        expect(['approve', 'modify', 'veto', 'reject'].includes(a.kind) ? v.decision !== null && v.decision !== '__unknown__' : true).toBe(true);
        expect(a.kind === 'veto' || a.kind === 'reject' ? a.decision !== v.decision : true).toBe(true);
      }),
    );
  });

  it('paces the stream at speed× its own time, capped, and never waits at max speed', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e9 }), fc.integer({ min: 0, max: 1e9 }), fc.double({ min: 0.1, max: 1000, noNaN: true }), (a, b, speed) => {
        const g = gapMs(a, b, speed, 5_000);
        expect(g).toBeGreaterThanOrEqual(0);
        expect(g).toBeLessThanOrEqual(5_000);
        expect(gapMs(a, b, Number.POSITIVE_INFINITY, 5_000)).toBe(0);
      }),
    );
  });

  it('parses venue lines into intake bodies and names the bad field without echoing the text', () => {
    const ok = parseLine(
      '{"id":"vd-1","t":"2025-09-01T16:07:10-03:00","kind":"message","channel":"sms","from":"c-1","location":"Dartmouth","bay":null,"text":"secret words","context":{"booking":null,"recent_actions":[],"extra":1},"expected":{"decision":"reply_faq_hours","params":{"location":"Dartmouth"}}}',
      1,
    );
    expect(ok).toEqual({
      ok: true,
      line: {
        id: 'vd-1',
        at: Date.parse('2025-09-01T19:07:10Z'),
        label: { decision: 'reply_faq_hours', params: { location: 'Dartmouth' } },
        body: { kind: 'message', channel: 'sms', from: 'c-1', location: 'Dartmouth', bay: null, text: 'secret words', t: '2025-09-01T19:07:10.000Z', context: { booking: null, recent_actions: [] } },
      },
    });
    const bad = parseLine('{"id":"x","t":"2025-09-01T00:00:00Z","kind":"message","channel":"fax","from":"c","text":"secret words"}', 7);
    expect(bad).toEqual({ ok: false, lineNo: 7, error: 'channel: expected sms, web or device' });
    expect(parseLine('not json', 2)).toEqual({ ok: false, lineNo: 2, error: 'not JSON' });
  });
});

const count = async (rt: TestRuntime, table: 'events' | 'operator_decisions'): Promise<number> =>
  Number((await rt.database.db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

describe.each(engines)('clubos simulate against a running server on $name', (engine) => {
  let rt: TestRuntime;
  let base: string;
  const env = { ...process.env };

  beforeAll(async () => {
    // The demo's operator answers as fast as the server decides: give the session the budget of a busy night.
    rt = await startRuntime(engine, { SECURITY_RATE_LIMIT_MAX: '10000' });
    base = await rt.app.listen({ port: 0, host: '127.0.0.1' });
    const admin = await setupAdmin(rt);
    const key = await createKey(rt, admin, ['events:write']);
    await createOperator(rt, admin, 'operator', 'demo_operator');
    process.env.CLUBOS_API_KEY = key.secret;
    process.env.CLUBOS_OPERATOR_USERNAME = 'demo_operator';
    process.env.CLUBOS_OPERATOR_PASSWORD = 'a long enough password 42';
  });
  afterAll(async () => {
    process.env = env;
    await rt.dispose();
  });

  it('feeds the stream through the API and answers every proposal from the labels', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await simulate([base, '--stream', STREAM, '--speed', 'max', '--operator', 'auto', '--limit', '40', '--json'], {
      out: (l) => out.push(l),
      err: (l) => err.push(l),
      interactive: false,
    });
    expect(err.join('\n')).toBe('');
    expect(code).toBe(0);
    const report = JSON.parse(out.at(-1)!) as { accepted: number; decided: number; handled_by_system: number; answers: Record<string, number>; answer_refusals: number };
    expect(report.accepted).toBe(40);
    expect(report.decided).toBe(40);
    expect(report.answer_refusals).toBe(0);
    const answered = Object.values(report.answers).reduce((a, b) => a + b, 0);
    // Shadow mode (autoExecution off): the system acts on nothing by itself, so the operator answers every event.
    expect(report.handled_by_system).toBe(0);
    expect(answered).toBe(40);
    expect(await count(rt, 'operator_decisions')).toBe(40);
    expect(await count(rt, 'events')).toBe(40);
  });

  it('sends each stream line once: a second run is answered idempotently and decides nothing twice', async () => {
    const out: string[] = [];
    const code = await simulate([base, '--stream', STREAM, '--speed', 'max', '--limit', '40', '--json'], { out: (l) => out.push(l), err: () => {}, interactive: false });
    expect(code).toBe(0);
    expect(await count(rt, 'events')).toBe(40);
  });

  it('refuses to run without credentials, with a usage error', async () => {
    delete process.env.CLUBOS_API_KEY;
    const err: string[] = [];
    const code = await simulate([base, '--stream', STREAM], { out: () => {}, err: (l) => err.push(l), interactive: false });
    expect(code).toBe(2);
    expect(err.join('\n')).toMatch(/CLUBOS_API_KEY/);
  });
});

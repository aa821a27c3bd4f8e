import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../../src/main.js';
import { eventStore } from '../../src/store/events/events.js';
import { type CreatedKey, OPERATOR_PASSWORD, type OperatorSession, createKey, createOperator, login, setupAdmin } from '../support/auth.js';
import { engines } from '../support/databases.js';
import { expectProblem } from '../support/problems.js';
import { type TestRuntime, startRuntime } from '../support/runtime.js';
import { executionsOf } from '../execution/helpers.js';
import { RESET_BAY_3, TRACKMAN, answer, auditActions, read, restartOn, submit, submitAndRead } from './helpers.js';

const SUPERVISOR = 'stage_supervisor';

for (const engine of engines) {
  describe(`decision stage on ${engine.name}`, () => {
    let rt: TestRuntime;
    let admin: OperatorSession;
    let operator: OperatorSession;
    let supervisor: OperatorSession;
    let key: CreatedKey;

    beforeAll(async () => {
      rt = await startRuntime(engine);
      admin = await setupAdmin(rt);
      operator = await createOperator(rt, admin, 'operator');
      supervisor = await createOperator(rt, admin, 'supervisor', SUPERVISOR);
      key = await createKey(rt, admin, ['events:write', 'events:read']);
    });
    afterAll(async () => rt.dispose());

    // Operator decisions are carried out in shadow mode too, so each TrackMan repeat comes an hour after the last:
    // the reset guard (two per bay per hour) must not turn the repeats into escalations.
    const fresh = async (body: Record<string, unknown>) => {
      rt.clock.advance(61 * 60_000);
      const e = await submitAndRead(rt, key, operator, body);
      await rt.executor.settled();
      return e;
    };

    it('decides an SMS asynchronously after the 202 and shows the decision at GET /v1/events/:id', async () => {
      const accepted = await submit(rt, key, TRACKMAN);
      expect(accepted.status).toBe('received');
      await rt.decisions.handle.settled();
      const e = await read(rt, operator, accepted.id);
      expect(e.status).toBe('decided');
      // Empty memory: nothing to offer, a human decides.
      expect(e.decision).toMatchObject({ decision: null, tier: 'escalate', emergency: false, shadow: true, wouldExecute: false });
      expect(await auditActions(rt, accepted.id)).toEqual(['decision.proposed']);

      const res = await answer(rt, operator, accepted.id, { kind: 'decide', ...RESET_BAY_3, reason: 'classic frozen trackman' });
      expect(res.statusCode, res.body).toBe(201);
      expect(res.json()).toMatchObject({ outcome: 'decided', decision: 'reset_trackman', agreed: false });
      expect(await auditActions(rt, accepted.id)).toEqual(['decision.proposed', 'decision.overridden']);
    });

    it('after a few operator decisions proposes reset_trackman at a high tier, in shadow: it would execute, nothing executes', async () => {
      let last = await fresh(TRACKMAN);
      let repeats = 1;
      while (last.decision?.wouldExecute !== true && repeats < 8) {
        expect((await answer(rt, operator, last.id, { kind: 'approve' })).statusCode).toBe(201);
        last = await fresh(TRACKMAN);
        repeats++;
      }
      expect(repeats).toBeLessThan(8);
      expect(last.decision).toMatchObject({ decision: 'reset_trackman', params: { location: 'Dartmouth', bay: 3 }, shadow: true, wouldExecute: true });
      expect(['auto', 'suggest']).toContain(last.decision!.tier);
      expect(last.decision!.confidence).toBeGreaterThan(0.75);

      // Shadow: the proposal waits for an operator like any queue item, and nothing ran by itself.
      const queue = (await rt.app.inject({ method: 'GET', url: '/v1/queue', headers: operator.headers })).json() as { items: { eventId: string }[] };
      expect(queue.items.map((i) => i.eventId)).toContain(last.id);
      await rt.executor.runDue();
      expect(await executionsOf(rt, operator, last.id)).toEqual([]);
      const ledger = await sql<{ would_execute: boolean; agreed: boolean | null }>`select would_execute, agreed from shadow_ledger where event_id = ${last.id}`.execute(rt.database.db);
      expect(ledger.rows).toEqual([{ would_execute: true, agreed: null }]);

      expect((await answer(rt, operator, last.id, { kind: 'approve' })).statusCode).toBe(201);
      const metrics = (await rt.app.inject({ method: 'GET', url: '/v1/metrics/decisions', headers: operator.headers })).json() as {
        mode: string;
        total: { wouldAutomate: number; interventionsSaved: number; falsePositiveRate: number };
        locations: { location: string; figures: { proposals: number } }[];
      };
      expect(metrics.mode).toBe('shadow');
      expect(metrics.total.wouldAutomate).toBeGreaterThanOrEqual(1);
      expect(metrics.total.interventionsSaved).toBeGreaterThanOrEqual(1);
      expect(metrics.total.falsePositiveRate).toBe(0);
      expect(metrics.locations.map((l) => l.location)).toEqual(['Dartmouth']);
    });

    it('records veto, modify and reject through their real paths, each with its audit action and confidence at the time', async () => {
      const vetoed = await fresh(TRACKMAN);
      const veto = await answer(rt, operator, vetoed.id, { kind: 'veto', reason: 'customer already left' });
      expect(veto.json()).toMatchObject({ outcome: 'veto', decision: '__unknown__', agreed: false });
      expect(await auditActions(rt, vetoed.id)).toEqual(['decision.proposed', 'decision.vetoed']);

      const modified = await fresh(TRACKMAN);
      const modify = await answer(rt, operator, modified.id, { kind: 'modify', params: { bay: 4 }, reason: 'customer is in bay 4' });
      expect(modify.json()).toMatchObject({ outcome: 'modification', decision: 'reset_trackman', params: { location: 'Dartmouth', bay: 4 } });
      expect(await auditActions(rt, modified.id)).toEqual(['decision.proposed', 'decision.overridden']);

      const rejected = await fresh(TRACKMAN);
      expect((await answer(rt, operator, rejected.id, { kind: 'reject', decision: 'escalate_tech' })).json()).toMatchObject({ outcome: 'rejection', decision: 'escalate_tech' });

      const rows = await sql<{ kind: string; confidence_at: number; actor_id: string }>`select kind, confidence_at, actor_id from operator_decisions where event_id in (${vetoed.id}, ${modified.id}, ${rejected.id}) order by seq`.execute(rt.database.db);
      expect(rows.rows.map((r) => r.kind)).toEqual(['veto', 'modify', 'reject']);
      for (const r of rows.rows) {
        expect(r.confidence_at).toBeGreaterThan(0);
        expect(r.actor_id).toBe(operator.operatorId);
      }
      // The first answer stands.
      expectProblem(await answer(rt, operator, rejected.id, { kind: 'approve' }), 409);

      // The same words now carry conflicting answers (a veto, another bay, a technician), and the memory is unsure of
      // them; operators deciding the reset again bring back a proposal they can approve (the tests below start there).
      let next = await fresh(TRACKMAN);
      let decided = 0;
      while (!(next.decision?.decision === 'reset_trackman' && next.decision.tier === 'queue') && decided < 8) {
        expect((await answer(rt, operator, next.id, { kind: 'decide', ...RESET_BAY_3 })).statusCode).toBe(201);
        next = await fresh(TRACKMAN);
        decided++;
      }
      expect(next.decision).toMatchObject({ ...RESET_BAY_3, tier: 'queue' });
      expect((await answer(rt, operator, next.id, { kind: 'approve' })).statusCode).toBe(201);
    });

    it('refuses answers that do not fit the proposal, and viewers', async () => {
      const e = await fresh(TRACKMAN);
      expect(expectProblem(await answer(rt, operator, e.id, { kind: 'decide' }), 422).reason).toBe('decision_required');
      expect(expectProblem(await answer(rt, operator, e.id, { kind: 'modify', params: { bay: 3 } }), 422).reason).toBe('modify_changes_nothing');
      // Only catalogued decisions (or "no automatable decision") can be taught: nothing else could ever be carried out.
      const remembered = rt.decisions.engine.rememberedExamples;
      expect(expectProblem(await answer(rt, operator, e.id, { kind: 'decide', decision: 'fix_everything' }), 422).reason).toBe('not_in_catalogue');
      expect(expectProblem(await answer(rt, operator, e.id, { kind: 'veto', decision: 'fix_everything' }), 422).reason).toBe('not_in_catalogue');
      expect(rt.decisions.engine.rememberedExamples).toBe(remembered);
      const viewer = await createOperator(rt, admin, 'viewer');
      expectProblem(await answer(rt, viewer, e.id, { kind: 'approve' }), 403);
      expectProblem(await answer(rt, operator, randomUUID(), { kind: 'approve' }), 404);
      expect((await answer(rt, operator, e.id, { kind: 'approve' })).statusCode).toBe(201);
    });

    it('escalates an emergency at once: emergency=true, automation paused, first in the queue, alarm raised, never learned', async () => {
      const before = rt.decisions.engine.rememberedExamples;
      const routine = await fresh(TRACKMAN);
      const e = await submitAndRead(rt, key, operator, { ...TRACKMAN, from: 'c-0002', text: 'my friend is bleeding badly in bay 2, please help' });
      expect(e.decision).toMatchObject({ decision: 'escalate_emergency', tier: 'escalate', emergency: true, automationPaused: true, wouldExecute: false });
      const queue = (await rt.app.inject({ method: 'GET', url: '/v1/queue', headers: operator.headers })).json() as { items: { eventId: string; proposal: { emergency: boolean } }[] };
      expect(queue.items[0]).toMatchObject({ eventId: e.id, proposal: { emergency: true } });
      expect(queue.items.map((i) => i.eventId)).toContain(routine.id);
      const alarms = await sql<{ severity: string }>`select severity from notifications where topic = 'decision.emergency'`.execute(rt.database.db);
      expect(alarms.rows).toEqual([{ severity: 'critical' }]);
      expect((await answer(rt, operator, e.id, { kind: 'approve', reason: 'called 911' })).statusCode).toBe(201);
      expect(rt.decisions.engine.rememberedExamples).toBe(before);
      expect((await answer(rt, operator, routine.id, { kind: 'approve' })).statusCode).toBe(201);
    });

    it('lets supervisors lock and demote patterns (audited) and shows track record and confidence history', async () => {
      // Hours of venue time have passed since the supervisor last did anything: a new session.
      supervisor = await login(rt, SUPERVISOR, OPERATOR_PASSWORD);
      expectProblem(await rt.app.inject({ method: 'POST', url: '/v1/patterns/reset_trackman/lock', headers: operator.headers, payload: {} }), 403);
      expectProblem(await rt.app.inject({ method: 'POST', url: '/v1/patterns/no_such_thing/lock', headers: supervisor.headers, payload: {} }), 404);
      const patterns = (await rt.app.inject({ method: 'GET', url: '/v1/patterns', headers: operator.headers })).json() as {
        patterns: { key: string; state: string; trackRecord: { humanApproved: number; vetoes: number }; confidenceHistory: unknown[] }[];
      };
      const reset = patterns.patterns.find((p) => p.key === 'reset_trackman')!;
      expect(reset.trackRecord.humanApproved).toBeGreaterThanOrEqual(3);
      expect(reset.trackRecord.vetoes).toBeGreaterThanOrEqual(1);
      expect(reset.confidenceHistory.length).toBeGreaterThan(1);

      const locked = await rt.app.inject({ method: 'POST', url: '/v1/patterns/reset_trackman/lock', headers: supervisor.headers, payload: { reason: 'firmware update week' } });
      expect(locked.json()).toEqual({ key: 'reset_trackman', hold: 'locked' });
      const after = await fresh(TRACKMAN);
      expect(after.decision).toMatchObject({ decision: 'reset_trackman', wouldExecute: false });
      expect((await answer(rt, operator, after.id, { kind: 'approve' })).statusCode).toBe(201);

      const demoted = await rt.app.inject({ method: 'POST', url: '/v1/patterns/reset_trackman~bay/demote', headers: supervisor.headers, payload: {} });
      expect(demoted.json()).toEqual({ key: 'reset_trackman~bay', hold: 'demoted' });
      const actions = await auditActions(rt);
      expect(actions).toContain('pattern.locked');
      expect(actions).toContain('pattern.demoted');
    });

    it('lets supervisors release a hold (audited once) so the pattern\'s own record decides again', async () => {
      expectProblem(await rt.app.inject({ method: 'POST', url: '/v1/patterns/reset_trackman~bay/release', headers: operator.headers, payload: {} }), 403);
      expectProblem(await rt.app.inject({ method: 'POST', url: '/v1/patterns/no_such_thing/release', headers: supervisor.headers, payload: {} }), 404);
      const released = await rt.app.inject({ method: 'POST', url: '/v1/patterns/reset_trackman~bay/release', headers: supervisor.headers, payload: { reason: 'wrong pattern' } });
      expect(released.json()).toEqual({ key: 'reset_trackman~bay', hold: 'none' });
      // Releasing what has no hold changes nothing and records nothing.
      const again = await rt.app.inject({ method: 'POST', url: '/v1/patterns/reset_trackman~bay/release', headers: supervisor.headers, payload: {} });
      expect(again.json()).toEqual({ key: 'reset_trackman~bay', hold: 'none' });
      expect((await auditActions(rt)).filter((a) => a === 'pattern.released')).toHaveLength(1);
      const view = (await rt.app.inject({ method: 'GET', url: '/v1/patterns', headers: operator.headers })).json() as { patterns: { key: string; state: string; hold: string }[] };
      const variant = view.patterns.find((p) => p.key === 'reset_trackman~bay')!;
      expect(variant.hold).toBe('none');
      expect(['learning', 'suggested', 'auto']).toContain(variant.state);
      expect(rt.decisions.engine.patterns().find((p) => p.key === 'reset_trackman~bay')!.hold).toBe('none');
      // The lock on the pattern itself is untouched.
      expect(view.patterns.find((p) => p.key === 'reset_trackman')).toMatchObject({ hold: 'locked', state: 'locked' });
    });

    it('keeps what it learned across a restart: the engine is rebuilt from the stored decisions', async () => {
      // Operator-approved resets run in shadow mode too: let them finish (their outcomes are part of the history),
      // and come back an hour later so the reset guard does not turn the next repeat into an escalation.
      await rt.executor.settled();
      rt.clock.advance(61 * 60_000);
      const patternsBefore = JSON.stringify(rt.decisions.engine.patterns());
      const examplesBefore = rt.decisions.engine.rememberedExamples;
      const probe = { id: randomUUID(), t: rt.clock.now(), kind: 'message', channel: 'sms', from: 'c-0077', location: 'Dartmouth', bay: null, text: 'trackman is frozen on bay 5', context: { booking: null, recentActions: [] } } as const;
      const before = rt.decisions.engine.propose(probe, probe.t);
      const restarted: Runtime = await restartOn(rt);
      try {
        expect(restarted.decisions.engine.rememberedExamples).toBe(examplesBefore);
        expect(JSON.stringify(restarted.decisions.engine.patterns())).toBe(patternsBefore);
        expect(restarted.decisions.engine.propose(probe, probe.t)).toEqual(before);
        expect(before).toMatchObject({ decision: 'reset_trackman', params: { bay: 5 } });
        // The supervisor's lock is part of what survives.
        const e = await submitAndRead(restarted, key, operator, TRACKMAN);
        expect(e.decision).toMatchObject({ decision: 'reset_trackman', wouldExecute: false });
        expect((await answer(restarted, operator, e.id, { kind: 'approve' })).statusCode).toBe(201);
      } finally {
        await restarted.close();
      }
    });

    const storeReceived = async (text: string, from: string): Promise<string> => {
      const id = randomUUID();
      // What intake leaves behind when the process dies between the 202 and the decision.
      await eventStore(rt.database.db).insert({
        id,
        receivedAt: rt.clock.now(),
        occurredAt: rt.clock.now(),
        kind: 'message',
        channel: 'sms',
        sender: from,
        location: 'Dartmouth',
        bay: null,
        text,
        context: {},
        sourceKeyId: null,
        idempotencyKey: null,
        requestHash: `crash-${id}`,
      });
      return id;
    };

    it('recovers an event accepted before a crash: the scheduled sweeper decides it, once', async () => {
      const id = await storeReceived(TRACKMAN.text, 'c-0009');
      expect((await read(rt, operator, id)).status).toBe('received');
      // A fresh event is left to its own handler; only one older than the grace period is swept.
      expect(await rt.decisions.handle.sweep()).toBe(0);
      // Past the sweeper's grace period, and an hour after the last reset (the reset guard).
      await rt.executor.settled();
      rt.clock.advance(61 * 60_000);
      // The sweeper (through the real scheduler) and a late handler race for it.
      await Promise.all([rt.decisions.handle.decide(id), rt.scheduler.runAll()]);
      const e = await read(rt, operator, id);
      expect(e.status).toBe('decided');
      expect(e.decision?.decision).toBe('reset_trackman');
      expect(await rt.decisions.handle.sweep()).toBe(0);
      expect(await rt.decisions.handle.decide(id)).toBeNull();
      expect(await auditActions(rt, id)).toEqual(['decision.proposed']);
      expect((await answer(rt, operator, id, { kind: 'approve' })).statusCode).toBe(201);
    });

    it('decides each swept event exactly once when two instances sweep at the same time', async () => {
      const ids: string[] = [];
      for (let i = 0; i < 12; i++) ids.push(await storeReceived(i % 2 === 0 ? TRACKMAN.text : 'are you open at 3am?', `c-1${i}`));
      rt.clock.advance(60_000);
      const second = await restartOn(rt);
      try {
        const [a, b] = await Promise.all([rt.decisions.handle.sweep(), second.decisions.handle.sweep()]);
        expect(a + b).toBe(ids.length);
        const rows = await sql<{ n: number }>`select count(*)::int as n from pattern_matches where event_id in (${sql.join(ids)})`.execute(rt.database.db);
        expect(rows.rows[0]!.n).toBe(ids.length);
        for (const id of ids) expect(await auditActions(rt, id)).toEqual(['decision.proposed']);
      } finally {
        await second.close();
      }
      for (const id of ids) expect((await answer(rt, operator, id, { kind: 'veto' })).statusCode).toBe(201);
    });

    it('scopes the queue, answers and figures to the operator’s locations', async () => {
      const halifax = await createOperator(rt, admin, 'supervisor', undefined, ['Halifax']);
      const e = await fresh(TRACKMAN);
      const queue = (await rt.app.inject({ method: 'GET', url: '/v1/queue', headers: halifax.headers })).json() as { items: unknown[] };
      expect(queue.items).toEqual([]);
      expectProblem(await answer(rt, halifax, e.id, { kind: 'approve' }), 404);
      const metrics = (await rt.app.inject({ method: 'GET', url: '/v1/metrics/decisions', headers: halifax.headers })).json() as { total: { proposals: number } };
      expect(metrics.total.proposals).toBe(0);
      expectProblem(await rt.app.inject({ method: 'POST', url: '/v1/patterns/reset_trackman/demote', headers: halifax.headers, payload: {} }), 403);
    });

    it('wrote every decision.* audit action through its real path; in shadow mode only what operators decided was executed', async () => {
      const actions = new Set((await auditActions(rt)).filter((a) => a.startsWith('decision.') || a.startsWith('pattern.')));
      expect([...actions].sort()).toEqual(['decision.approved', 'decision.executed', 'decision.overridden', 'decision.proposed', 'decision.vetoed', 'pattern.demoted', 'pattern.locked', 'pattern.released']);
      const origins = await sql<{ origin: string }>`select distinct origin from executions`.execute(rt.database.db);
      // Operators approved and decided resets above; nothing ran automatically or by a suggestion's silence.
      expect(origins.rows.length).toBeGreaterThan(0);
      expect(origins.rows.filter((r) => r.origin !== 'operator' && r.origin !== 'approval')).toEqual([]);
    });
  });
}

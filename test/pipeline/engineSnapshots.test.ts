import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodePlain } from '../../src/decisionMemory/engineCodec.js';
import type { Runtime } from '../../src/main.js';
import { DecisionEngine } from '../../src/decisionMemory/engine.js';
import { venueModules } from '../../src/decisionMemory/modules/venueModules.js';
import { type SnapshotWrite, startEngine } from '../../src/pipeline/engineSnapshots.js';
import { decisionStore } from '../../src/store/decisions/decisionStore.js';
import { engineSnapshotStore } from '../../src/store/decisions/snapshots.js';
import { createOperator, createKey, setupAdmin } from '../support/auth.js';
import { bitwise } from '../support/bitwise.js';
import { engines } from '../support/databases.js';
import { T0, type TestRuntime, startRuntime } from '../support/runtime.js';
import { type Teacher, fullRebuild, probes, restart, teacher, venueLines, verdictOf } from './snapshotHelpers.js';

/**
 * Engine snapshots on a real database: an engine restored from a snapshot plus the history after it is the engine a
 * full rebuild gives; damaged, foreign or missing snapshots fall back to the full rebuild with one warning; a step
 * whose sequence number lies below the snapshot's cursor but that committed after the snapshot is applied exactly
 * once; and only one instance writes at a time.
 */

const STREAM = venueLines('decisions/venue.head300.jsonl', new Date(T0.getTime() + 3_600_000));
const PROBES = probes(venueLines('venue/venue.dev.slice.jsonl', new Date(T0.getTime() + 30 * 86_400_000)).filter((_, i) => i % 9 === 0));

for (const engine of engines) {
  describe(`engine snapshots on ${engine.name}`, () => {
    let rt: TestRuntime;
    let teach: Teacher;
    const others: Runtime[] = [];
    const started = async (env: Record<string, string> = {}, level: 'warn' | 'info' = 'warn') => {
      const r = await restart(rt, env, level);
      others.push(r.runtime);
      return r;
    };
    const rows = async () =>
      (await sql<{ id: number; position: number; fingerprint: string; codec_version: number }>`select id, position, fingerprint, codec_version from engine_snapshots order by id`.execute(rt.database.db)).rows.map((r) => ({
        ...r,
        id: Number(r.id),
        position: Number(r.position),
      }));

    beforeAll(async () => {
      rt = await startRuntime(engine, { SECURITY_RATE_LIMIT_MAX: '1000000', ENGINE_SNAPSHOT_STEPS: '50' });
      const admin = await setupAdmin(rt);
      const operator = await createOperator(rt, admin, 'supervisor', 'snapshot_operator');
      const key = await createKey(rt, admin, ['events:write', 'events:read']);
      teach = teacher(key, { username: 'snapshot_operator', password: 'a long enough password 42' }, operator);
    });
    afterAll(async () => {
      for (const o of others) await o.close();
      await rt.dispose();
    });

    it('restored from a snapshot plus the history after it, the engine is the one a full rebuild gives', async () => {
      expect(rt.decisions.started).toMatchObject({ from: 'history', steps: 0, reason: 'missing' });
      await teach.teach(rt, STREAM.slice(0, 120));
      // Proposed before the snapshot, answered after it: the snapshot must carry what was proposed.
      const waiting = [];
      for (const line of STREAM.slice(120, 135)) waiting.push({ id: await teach.propose(rt, line), line });
      const written = await rt.decisions.snapshots.write();
      expect(written).toMatchObject({ kind: 'written', steps: 50 });
      for (const w of waiting) await teach.answer(rt, w.id, w.line);
      await teach.teach(rt, STREAM.slice(135, 200));

      const { runtime: restored, warnings } = await started();
      expect(warnings).toEqual([]);
      const start = restored.decisions.started;
      expect(start.from).toBe('snapshot');
      // The tail: the 15 answers and the last 65 lines' proposals, answers and execution outcomes.
      expect(start.from === 'snapshot' && start.tail).toBeGreaterThan(80);
      const full = await fullRebuild(rt);
      expect(full.rememberedExamples).toBeGreaterThan(170);
      expect(bitwise(restored.decisions.engine.toState())).toStrictEqual(bitwise(full.toState()));
      const at = PROBES.map((p) => p.t);
      const fromSnapshot = PROBES.map((p, i) => verdictOf(restored.decisions.engine.propose(p, at[i]!)));
      const rebuilt = PROBES.map((p, i) => verdictOf(full.propose(p, at[i]!)));
      expect(fromSnapshot).toStrictEqual(rebuilt);
      // The probes are not trivial: the engine has learned enough to propose, and not always the same thing.
      expect(new Set(fromSnapshot.map((v) => v.decision)).size).toBeGreaterThan(3);
      // Nothing the snapshot holds or the tail added is applied again by the first catch-up run.
      expect(await restored.decisions.catchUp.run()).toBe(0);
    });

    it('keeps the newest two snapshots and writes none before enough new steps', async () => {
      expect(await rt.decisions.snapshots.write()).toMatchObject({ kind: 'written' });
      expect(await rt.decisions.snapshots.write()).toEqual({ kind: 'not_due', steps: 0 });
      await teach.teach(rt, STREAM.slice(0, 10).map((l) => ({ ...l, at: rt.clock.now().getTime() + 60_000 })));
      expect(await rt.decisions.snapshots.write()).toMatchObject({ kind: 'not_due' });
      await teach.teach(rt, STREAM.slice(10, 40).map((l, i) => ({ ...l, at: rt.clock.now().getTime() + 60_000 * (i + 1) })));
      const third = await rt.decisions.snapshots.write();
      expect(third).toMatchObject({ kind: 'written' });
      const kept = await rows();
      expect(kept).toHaveLength(2);
      expect(kept.at(-1)!.id).toBe((third as Extract<SnapshotWrite, { kind: 'written' }>).id);
      expect(kept[0]!.position).toBeLessThan(kept[1]!.position);
      // "New steps" are counted exactly as the history the engine replays defines them.
      const history = await decisionStore(rt.database.db).historyAfter(kept[0]!.position);
      expect(await engineSnapshotStore(rt.database.db).stepsAfter(kept[0]!.position, 1_000_000)).toBe(history.length);
      expect(await engineSnapshotStore(rt.database.db).stepsAfter(kept[0]!.position, 7)).toBe(7);
    });

    it('a snapshot removed between choosing it and reading it is passed over like a damaged one', async () => {
      const store = engineSnapshotStore(rt.database.db);
      const vanishing = {
        ...store,
        async payload(id: number) {
          await sql`delete from engine_snapshots where id = ${id}`.execute(rt.database.db);
          return store.payload(id);
        },
      };
      const warnings: string[] = [];
      const out = await startEngine({ fresh: () => new DecisionEngine(rt.decisions.engine.settings, venueModules()), history: decisionStore(rt.database.db), snapshots: vanishing, warn: (_, m) => warnings.push(m) });
      expect(out.start).toMatchObject({ from: 'history', reason: 'skipped', skipped: [{ reason: 'unusable', error: 'removed before it could be read' }, { reason: 'unusable' }] });
      expect(warnings).toHaveLength(1);
      expect(await rows()).toEqual([]);
      expect(await rt.decisions.snapshots.write()).toMatchObject({ kind: 'written' });
      expect(await rt.decisions.snapshots.write()).toMatchObject({ kind: 'not_due' });
      await teach.teach(rt, STREAM.slice(240, 270).map((l, i) => ({ ...l, at: rt.clock.now().getTime() + 60_000 * (i + 1) })));
      expect(await rt.decisions.snapshots.write()).toMatchObject({ kind: 'written' });
    });

    it('passes over a damaged newest snapshot to the one before it, with one warning', async () => {
      const [older, newest] = await rows();
      await sql`update engine_snapshots set payload = set_byte(payload, 200, (get_byte(payload, 200) + 1) % 256) where id = ${newest!.id}`.execute(rt.database.db);
      const { runtime, warnings } = await started();
      expect(runtime.decisions.started).toMatchObject({ from: 'snapshot', snapshotId: older!.id, skipped: [{ id: newest!.id, reason: 'corrupt' }] });
      expect(warnings.map((w) => w.msg)).toEqual(['engine snapshot unusable: restored from an older one']);
      const full = await fullRebuild(rt);
      expect(PROBES.map((p) => verdictOf(runtime.decisions.engine.propose(p, p.t)))).toStrictEqual(PROBES.map((p) => verdictOf(full.propose(p, p.t))));
    });

    it('falls back to the full rebuild when every snapshot is damaged (truncated, not a snapshot, unrestorable)', async () => {
      const [older, newest] = await rows();
      await sql`update engine_snapshots set payload = substring(payload from 1 for length(payload) / 2) where id = ${older!.id}`.execute(rt.database.db);
      const { runtime, warnings } = await started();
      expect(runtime.decisions.started).toMatchObject({ from: 'history', reason: 'skipped', skipped: [{ id: newest!.id, reason: 'corrupt' }, { id: older!.id, reason: 'corrupt' }] });
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatchObject({ level: 40, reason: 'skipped', msg: 'no usable engine snapshot: the engine was rebuilt from the whole history' });
      expect(bitwise(runtime.decisions.engine.toState())).toStrictEqual(bitwise((await fullRebuild(rt)).toState()));

      // Well-formed bytes that are not an engine state at all: decoded, but the restore refuses them.
      const garbage = Buffer.from(await encodePlain({ version: 1, examples: 'not a list' }));
      await sql`update engine_snapshots set payload = decode(${garbage.toString('hex')}, 'hex')`.execute(rt.database.db);
      const again = await started();
      expect(again.runtime.decisions.started).toMatchObject({ from: 'history', reason: 'skipped', skipped: [{ reason: 'unusable' }, { reason: 'unusable' }] });
      expect(again.warnings).toHaveLength(1);
      expect(bitwise(again.runtime.decisions.engine.toState())).toStrictEqual(bitwise((await fullRebuild(rt)).toState()));
    });

    it('ignores snapshots taken under other settings or by another codec, and says so once', async () => {
      await sql`delete from engine_snapshots`.execute(rt.database.db);
      expect(await rt.decisions.snapshots.write()).toMatchObject({ kind: 'written' });
      const { fingerprint } = (await rows())[0]!;
      await sql`update engine_snapshots set fingerprint = 'taken-under-other-settings'`.execute(rt.database.db);
      const foreign = await started();
      expect(foreign.runtime.decisions.started).toMatchObject({ from: 'history', reason: 'incompatible', skipped: [] });
      expect(foreign.warnings).toHaveLength(1);
      expect(foreign.warnings[0]).toMatchObject({ reason: 'incompatible' });
      await sql`update engine_snapshots set fingerprint = ${fingerprint}, codec_version = 99`.execute(rt.database.db);
      const newerCodec = await started();
      expect(newerCodec.runtime.decisions.started).toMatchObject({ from: 'history', reason: 'incompatible' });
      expect(newerCodec.warnings).toHaveLength(1);
      // Filed under this codec version, but the payload's own header names another.
      await sql`update engine_snapshots set codec_version = 1, payload = set_byte(payload, 8, 7)`.execute(rt.database.db);
      const mislabelled = await started();
      expect(mislabelled.runtime.decisions.started).toMatchObject({ from: 'history', reason: 'skipped', skipped: [{ reason: 'incompatible' }] });
      expect(mislabelled.warnings).toHaveLength(1);
      // No snapshot at all, with a history: one warning, full rebuild.
      await sql`delete from engine_snapshots`.execute(rt.database.db);
      const none = await started();
      expect(none.runtime.decisions.started).toMatchObject({ from: 'history', reason: 'missing' });
      expect(none.warnings.map((w) => w.reason)).toEqual(['missing']);
      expect(bitwise(none.runtime.decisions.engine.toState())).toStrictEqual(bitwise((await fullRebuild(rt)).toState()));

      // Snapshots of another kind are kept a day (a rolling deploy may still restart into them), then removed.
      expect(await rt.decisions.snapshots.write()).toMatchObject({ kind: 'written' });
      const copyAs = (kind: string, age: number) =>
        sql`insert into engine_snapshots (position, floor, applied, codec_version, fingerprint, created_by, created_at, payload)
          select position, floor, applied, codec_version, ${kind}, created_by, ${new Date(rt.clock.now().getTime() - age)}, payload from engine_snapshots where fingerprint = ${fingerprint}`.execute(rt.database.db);
      await copyAs('older-settings', 86_400_000 + 60_000);
      await copyAs('recent-settings', 3_600_000);
      await teach.teach(rt, STREAM.slice(270, 295).map((l, i) => ({ ...l, at: rt.clock.now().getTime() + 60_000 * (i + 1) })));
      expect(await rt.decisions.snapshots.write()).toMatchObject({ kind: 'written' });
      expect((await rows()).map((r) => r.fingerprint).sort()).toEqual([fingerprint, fingerprint, 'recent-settings']);
    });

    it('a hold the operators took back since the snapshot is not restored with it', async () => {
      const db = rt.database.db;
      const key = rt.decisions.engine.patterns().find((p) => p.humanApproved > 0 && p.hold === 'none')!.key;
      await sql`update decision_patterns set hold = 'locked' where key = ${key}`.execute(db);
      await rt.decisions.catchUp.run();
      expect(rt.decisions.engine.patterns().find((p) => p.key === key)!.hold).toBe('locked');
      await teach.teach(rt, STREAM.slice(40, 70).map((l, i) => ({ ...l, at: rt.clock.now().getTime() + 60_000 * (i + 1) })));
      expect(await rt.decisions.snapshots.write()).toMatchObject({ kind: 'written' });
      await sql`update decision_patterns set hold = 'none' where key = ${key}`.execute(db);
      const { runtime } = await started();
      expect(runtime.decisions.started.from).toBe('snapshot');
      expect(runtime.decisions.engine.patterns().find((p) => p.key === key)!.hold).toBe('none');
      expect(bitwise(runtime.decisions.engine.toState())).toStrictEqual(bitwise((await fullRebuild(rt)).toState()));
    });

    it('applies a step that committed after the snapshot with a sequence number below its cursor exactly once', async () => {
      const db = rt.database.db;
      // The late step draws its sequence number now and commits only after the snapshot: the trigger hands the
      // reserved number to the proposal of the event marked "late commit probe" whenever it is finally inserted.
      const late = Number((await sql<{ s: number }>`select nextval('decision_history') as s`.execute(db)).rows[0]!.s);
      await sql`create table late_seq (seq bigint not null)`.execute(db);
      await sql`insert into late_seq values (${late})`.execute(db);
      await sql`create function late_seq_probe() returns trigger language plpgsql as $$
        begin
          if exists (select 1 from events where id = new.event_id and text like '%late commit probe%') then
            new.seq := (select seq from late_seq);
          end if;
          return new;
        end $$`.execute(db);
      await sql`create trigger late_seq_probe before insert on pattern_matches for each row execute function late_seq_probe()`.execute(db);
      try {
        const clockNow = () => rt.clock.now().getTime();
        await teach.teach(rt, STREAM.slice(70, 100).map((l, i) => ({ ...l, at: clockNow() + 60_000 * (i + 1) })));
        const written = await rt.decisions.snapshots.write();
        expect(written).toMatchObject({ kind: 'written' });
        const newest = (await rows()).at(-1)!;
        const [snapshot] = await engineSnapshotStore(db).newest({ codecVersion: newest.codec_version, fingerprint: newest.fingerprint }, 1);
        expect(snapshot!.id).toBe((written as Extract<SnapshotWrite, { kind: 'written' }>).id);
        expect(snapshot!.cursor).toBeGreaterThan(late);

        const probeLine = { ...STREAM[3]!, at: clockNow() + 60_000, body: { ...STREAM[3]!.body, text: 'late commit probe: the trackman in bay 2 is frozen again' } };
        const lateId = await teach.propose(rt, probeLine);
        await teach.answer(rt, lateId, { ...probeLine, label: { decision: 'reset_trackman', params: { location: probeLine.body.location ?? 'Dartmouth', bay: 2 } } });
        const history = await decisionStore(db).historyAfter(-1);
        const lateStep = history.find((s) => s.key === `p:${lateId}`)!;
        // The race is real: the proposal sits below the snapshot's cursor, unknown to the snapshot's applied keys,
        // so resuming from the cursor alone would skip it.
        expect(lateStep.seq).toBe(late);
        expect(snapshot!.applied.some(([k]) => k === lateStep.key)).toBe(false);
        expect((await decisionStore(db).historyAfter(snapshot!.cursor)).some((s) => s.key === lateStep.key)).toBe(false);

        const { runtime: restored } = await started();
        expect(restored.decisions.started).toMatchObject({ from: 'snapshot', snapshotId: snapshot!.id });
        const examples = restored.decisions.engine.internals.index.examples;
        expect(examples.filter((e) => e.id === lateId)).toHaveLength(1);
        // The restored engine is the snapshotted instance's own engine, which applied the late step (its own) after
        // the snapshot: same steps, same order, same state.
        expect(bitwise(restored.decisions.engine.toState())).toStrictEqual(bitwise(rt.decisions.engine.toState()));
        expect(await restored.decisions.catchUp.run()).toBe(0);
        expect(restored.decisions.engine.internals.index.examples.filter((e) => e.id === lateId)).toHaveLength(1);
      } finally {
        await sql`drop trigger late_seq_probe on pattern_matches`.execute(db);
        await sql`drop function late_seq_probe`.execute(db);
        await sql`drop table late_seq`.execute(db);
      }
    });

    it('two instances never write at once; a writer that died frees the claim when its lease runs out', async () => {
      await teach.teach(rt, STREAM.slice(130, 160).map((l, i) => ({ ...l, at: rt.clock.now().getTime() + 60_000 * (i + 1) })));
      const { runtime: b } = await started({ ENGINE_SNAPSHOT_STEPS: '50' });
      await b.decisions.catchUp.run();
      const before = (await rows()).map((r) => r.id);
      const outcomes = await Promise.all([rt.decisions.snapshots.write(), b.decisions.snapshots.write()]);
      const kinds = outcomes.map((o) => o.kind).sort();
      expect(kinds.filter((k) => k === 'written')).toHaveLength(1);
      expect(['claimed_elsewhere', 'not_due']).toContain(kinds.find((k) => k !== 'written'));
      const after = await rows();
      expect(after.filter((r) => !before.includes(r.id))).toHaveLength(1);

      // A writer claims and dies: nobody writes until its lease runs out, then the next one does.
      await teach.teach(rt, STREAM.slice(160, 190).map((l, i) => ({ ...l, at: rt.clock.now().getTime() + 60_000 * (i + 1) })));
      await b.decisions.catchUp.run();
      const store = engineSnapshotStore(rt.database.db);
      expect(await store.claim('dead-instance', rt.clock.now(), new Date(rt.clock.now().getTime() + 120_000))).toBe(true);
      expect(await b.decisions.snapshots.write()).toEqual({ kind: 'claimed_elsewhere' });
      expect(await rt.decisions.snapshots.write()).toEqual({ kind: 'claimed_elsewhere' });
      rt.clock.advance(120_001);
      expect(await b.decisions.snapshots.write()).toMatchObject({ kind: 'written' });
    });

    it('saves nothing for a writer whose claim ran out and was taken, and nothing while its own steps are in flight', async () => {
      const store = engineSnapshotStore(rt.database.db);
      const count = (await rows()).length;
      const now = rt.clock.now();
      expect(await store.claim('slow-writer', now, new Date(now.getTime() + 1_000))).toBe(true);
      const later = new Date(now.getTime() + 2_000);
      expect(await store.claim('next-writer', later, new Date(later.getTime() + 1_000))).toBe(true);
      const kind = { codecVersion: 1, fingerprint: 'any' };
      const payload = Buffer.from('payload');
      expect(await store.save({ cursor: 1, floor: 0, applied: [], kind, payload, createdAt: later }, 'slow-writer', later, 2, later)).toBeNull();
      await store.release('slow-writer');
      expect(await store.claim('third', later, later)).toBe(false);
      await store.release('next-writer');
      expect((await rows()).length).toBe(count);

      // A step this instance applied itself but has not seen in the history: no position describes the engine.
      await teach.teach(rt, STREAM.slice(190, 215).map((l, i) => ({ ...l, at: rt.clock.now().getTime() + 60_000 * (i + 1) })));
      rt.decisions.catchUp.mark('p:in-flight');
      expect(await rt.decisions.snapshots.write()).toEqual({ kind: 'unsettled' });
      rt.decisions.catchUp.forget('p:in-flight');
      expect(await rt.decisions.snapshots.write()).toMatchObject({ kind: 'written' });
    });

    it('the periodic task writes a snapshot when one is due and logs it; with ENGINE_SNAPSHOT_STEPS=0 it writes none', async () => {
      const off = await started({ ENGINE_SNAPSHOT_STEPS: '0' });
      await teach.teach(rt, STREAM.slice(215, 240).map((l, i) => ({ ...l, at: rt.clock.now().getTime() + 60_000 * (i + 1) })));
      const before = (await rows()).map((r) => r.id);
      await off.runtime.scheduler.runAll();
      expect((await rows()).map((r) => r.id)).toEqual(before);
      const on = await started({ ENGINE_SNAPSHOT_STEPS: '50' }, 'info');
      expect(on.warnings.find((l) => l.msg === 'decision engine ready')).toMatchObject({ source: 'snapshot', ms: expect.any(Number) });
      await on.runtime.scheduler.runAll();
      const written = on.warnings.filter((l) => l.msg === 'engine snapshot written');
      expect(written).toHaveLength(1);
      expect((await rows()).map((r) => r.id)).toContain(written[0]!.id);
      // Not due again right away: the task stays quiet.
      await on.runtime.scheduler.runAll();
      expect(on.warnings.filter((l) => l.msg === 'engine snapshot written')).toHaveLength(1);
    });
  });
}

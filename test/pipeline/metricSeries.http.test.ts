import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUTO_ON, executionsOf, settle } from '../execution/helpers.js';
import { type CreatedKey, type OperatorSession, createKey, createOperator, setupAdmin } from '../support/auth.js';
import { engines } from '../support/databases.js';
import { expectProblem } from '../support/problems.js';
import { T0, type TestRuntime, startRuntime } from '../support/runtime.js';
import { answer, read, submit } from './helpers.js';

const HOUR = 3_600_000;
const trackman = (customer: string, location: string, bay: number) => ({ kind: 'message', channel: 'sms', from: customer, location, text: `trackman frozen bay ${bay}` });

interface Point {
  start: string;
  shadow: Record<string, number | null>;
  live: Record<string, number | null>;
  resolution: { resolved: number; medianSeconds: number | null; p90Seconds: number | null };
}
interface Series {
  mode: string;
  bucket: string;
  from: string;
  to: string;
  location: string | null;
  total: Point[];
  locations: { location: string | null; points: Point[] }[];
}
interface Totals {
  total: Record<string, number>;
  live: Record<string, number>;
}

const sum = (points: readonly Point[], f: (p: Point) => number | null | undefined) => points.reduce((n, p) => n + (f(p) ?? 0), 0);

/**
 * GET /v1/metrics/decisions/series end to end: events decided by the real pipeline (intake → decision → operator
 * answer → execution through the simulator) under a manual clock land in the bucket of their proposal, with the
 * figures and times to resolution that happened.
 */
for (const engine of engines) {
  describe(`decision metrics over time on ${engine.name}`, () => {
    let rt: TestRuntime;
    let admin: OperatorSession;
    let operator: OperatorSession;
    let key: CreatedKey;

    const series = (query: string, who: OperatorSession = operator) => rt.app.inject({ method: 'GET', url: `/v1/metrics/decisions/series?${query}`, headers: who.headers });
    const seriesOk = async (query: string, who: OperatorSession = operator): Promise<Series> => {
      const res = await series(query, who);
      expect(res.statusCode, res.body).toBe(200);
      return res.json() as Series;
    };
    const send = async (body: Record<string, unknown>) => {
      const { id } = await submit(rt, key, body);
      await settle(rt);
      return id;
    };

    beforeAll(async () => {
      rt = await startRuntime(engine, { SECURITY_RATE_LIMIT_MAX: '100000' });
      admin = await setupAdmin(rt);
      operator = await createOperator(rt, admin, 'viewer');
      key = await createKey(rt, admin, ['events:write', 'events:read']);
    });
    afterAll(async () => rt.dispose());

    it('puts each proposal in the hour it was made, with its figures and time to resolution', async () => {
      const decider = await createOperator(rt, admin, 'operator');
      // 12:00 and 12:01 at Dartmouth, answered 5 and 15 minutes after they arrived.
      const a = await send(trackman('c-7001', 'Dartmouth', 3));
      rt.clock.advance(60_000);
      const b = await send(trackman('c-7002', 'Dartmouth', 4));
      rt.clock.advance(4 * 60_000);
      expect((await answer(rt, decider, a, { kind: 'decide', decision: 'reset_trackman', params: { location: 'Dartmouth', bay: 3 } })).statusCode).toBe(201);
      rt.clock.advance(11 * 60_000);
      expect((await answer(rt, decider, b, { kind: 'decide', decision: 'reset_trackman', params: { location: 'Dartmouth', bay: 4 } })).statusCode).toBe(201);
      await settle(rt);
      // 13:10 at Halifax, never answered.
      rt.clock.set(new Date(T0.getTime() + HOUR + 10 * 60_000));
      await send(trackman('c-7003', 'Halifax', 1));
      // The engine had nothing to offer: both answers disagree with the (empty) proposal.
      expect((await read(rt, decider, a)).decision).toMatchObject({ decision: null, wouldExecute: false, shadow: true });

      const s = await seriesOk('bucket=hour&from=2026-03-02T11:00:00Z&to=2026-03-02T15:00:00Z');
      expect(s).toMatchObject({ mode: 'shadow', bucket: 'hour', from: '2026-03-02T11:00:00.000Z', to: '2026-03-02T15:00:00.000Z', location: null });
      expect(s.total.map((p) => [p.start, p.shadow.proposals])).toEqual([
        ['2026-03-02T11:00:00.000Z', 0],
        ['2026-03-02T12:00:00.000Z', 2],
        ['2026-03-02T13:00:00.000Z', 1],
        ['2026-03-02T14:00:00.000Z', 0],
      ]);
      const [empty, noon, one] = s.total;
      expect(empty!.shadow).toMatchObject({ proposals: 0, wouldAutomateRate: null, accuracy: null, falsePositiveRate: null });
      expect(empty!.resolution).toEqual({ resolved: 0, medianSeconds: null, p90Seconds: null });
      expect(noon!.shadow).toEqual({
        proposals: 2,
        answered: 2,
        wouldAutomate: 0,
        answeredWouldAutomate: 0,
        wouldAutomateRate: 0,
        accuracy: 0,
        agreement: null,
        falsePositiveRate: null,
        interventionsSaved: 0,
        interventionsSavedRate: 0,
      });
      // Shadow mode: the operators' resets ran (through the simulator); nothing ran by itself.
      expect(noon!.live).toMatchObject({ proposals: 0, executions: 2, automated: 0, finished: 2, automationRate: null, accuracy: 1, falsePositiveRate: null });
      expect(noon!.resolution).toEqual({ resolved: 2, medianSeconds: 300, p90Seconds: 900 });
      expect(one!.shadow).toMatchObject({ proposals: 1, answered: 0, wouldAutomateRate: 0, accuracy: null });
      expect(one!.resolution).toEqual({ resolved: 0, medianSeconds: null, p90Seconds: null });
      expect(s.locations.map((l) => [l.location, l.points.map((p) => p.shadow.proposals)])).toEqual([
        ['Dartmouth', [0, 2, 0, 0]],
        ['Halifax', [0, 0, 1, 0]],
      ]);

      // The buckets add up to the totals of GET /v1/metrics/decisions over the same rows.
      const totals = (await rt.app.inject({ method: 'GET', url: '/v1/metrics/decisions', headers: operator.headers })).json() as Totals;
      for (const k of ['proposals', 'answered', 'wouldAutomate', 'interventionsSaved']) expect(sum(s.total, (p) => p.shadow[k])).toBe(totals.total[k]);
      for (const k of ['executions', 'automated', 'interventionsSaved']) expect(sum(s.total, (p) => p.live[k])).toBe(totals.live[k]);

      // Daily buckets: the same rows in one day.
      const daily = await seriesOk('bucket=day&from=2026-03-01T00:00:00Z&to=2026-03-03T00:00:00Z');
      expect(daily.total.map((p) => [p.start, p.shadow.proposals, p.resolution.resolved])).toEqual([
        ['2026-03-01T00:00:00.000Z', 0, 0],
        ['2026-03-02T00:00:00.000Z', 3, 2],
      ]);
    });

    it('defaults to the last 24 hours, ending with the current hour', async () => {
      const s = await seriesOk('bucket=hour');
      expect(s.total).toHaveLength(24);
      expect(s.to).toBe('2026-03-02T14:00:00.000Z');
      expect(s.from).toBe('2026-03-01T14:00:00.000Z');
      expect(sum(s.total, (p) => p.shadow.proposals)).toBe(3);
      expect((await seriesOk('bucket=day')).total).toHaveLength(30);
    });

    it('narrows to one location, and refuses a location the credential may not see', async () => {
      const halifax = await createOperator(rt, admin, 'viewer', undefined, ['Halifax']);
      const q = 'bucket=hour&from=2026-03-02T12:00:00Z&to=2026-03-02T14:00:00Z';
      const own = await seriesOk(q, halifax);
      expect(own.total.map((p) => p.shadow.proposals)).toEqual([0, 1]);
      expect(own.locations.map((l) => l.location)).toEqual(['Halifax']);
      const narrowed = await seriesOk(`${q}&location=dartmouth`);
      expect(narrowed.location).toBe('dartmouth');
      expect(narrowed.total.map((p) => p.shadow.proposals)).toEqual([2, 0]);
      expect(narrowed.locations.map((l) => l.location)).toEqual(['Dartmouth']);
      const refused = expectProblem(await series(`${q}&location=Dartmouth`, halifax), 403);
      expect(refused.type).toBe('/problems/location-forbidden');
    });

    it('refuses a reversed or empty period, too many buckets, unknown buckets and malformed times with a 400 problem', async () => {
      for (const query of [
        'bucket=hour&from=2026-03-02T12:00:00Z&to=2026-03-02T12:00:00Z',
        'bucket=day&from=2026-03-03T00:00:00Z&to=2026-03-02T00:00:00Z',
        'bucket=hour&from=2026-01-01T00:00:00Z&to=2026-02-01T00:00:01Z',
        'bucket=day&from=2025-01-01T00:00:00Z&to=2026-01-03T00:00:00Z',
        'bucket=week',
        'bucket=hour&from=yesterday',
        'bucket=hour&from=2026-03-02',
        'from=2026-03-02T12:00:00Z',
        'bucket=hour&extra=1',
      ]) {
        const body = expectProblem(await series(query), 400);
        expect(body.type, query).toBe('/problems/validation-failed');
      }
      // The limits themselves are accepted: a month of hours, a year of days.
      expect((await seriesOk('bucket=hour&from=2026-01-01T00:00:00Z&to=2026-02-01T00:00:00Z')).total).toHaveLength(744);
      expect((await seriesOk('bucket=day&from=2025-01-01T00:00:00Z&to=2026-01-02T00:00:00Z')).total).toHaveLength(366);
    });

    it('documents the bucketing, the null rates and the definition of time to resolution in the OpenAPI document', async () => {
      const doc = (await rt.app.inject({ method: 'GET', url: '/openapi.json' })).json() as {
        paths: Record<string, { get: { description: string; parameters: { name: string; required?: boolean }[]; responses: Record<string, unknown> } }>;
      };
      const op = doc.paths['/v1/metrics/decisions/series']!.get;
      expect(op.description).toMatch(/Time to resolution: per proposal, the seconds from the event's arrival/);
      expect(op.description).toMatch(/at most 744 hourly or 366 daily buckets/);
      expect(op.parameters.map((p) => [p.name, p.required === true]).sort()).toEqual([
        ['bucket', true],
        ['from', false],
        ['location', false],
        ['to', false],
      ]);
      expect(JSON.stringify(op.responses['200'])).toContain('medianSeconds');
    });

    it('answers only signed-in operators and keys of an operator console, not an integration key', async () => {
      expectProblem(await rt.app.inject({ method: 'GET', url: '/v1/metrics/decisions/series?bucket=hour' }), 401);
      expectProblem(await rt.app.inject({ method: 'GET', url: '/v1/metrics/decisions/series?bucket=hour', headers: key.headers }), 403);
    });
  });

  describe(`decision metrics over time with automation on, on ${engine.name}`, () => {
    let rt: TestRuntime;
    let operator: OperatorSession;
    let key: CreatedKey;

    beforeAll(async () => {
      rt = await startRuntime(engine, { ...AUTO_ON, SECURITY_RATE_LIMIT_MAX: '100000' });
      const admin = await setupAdmin(rt);
      operator = await createOperator(rt, admin, 'operator');
      key = await createKey(rt, admin, ['events:write', 'events:read']);
    });
    afterAll(async () => rt.dispose());

    it('counts an automatic execution in the hour of its proposal as automated and saved, resolved when it finished', async () => {
      let automatic: string | null = null;
      for (let i = 0; i < 12 && automatic === null; i++) {
        rt.clock.advance(HOUR + 60_000); // past the reset guard's hour: each repeat is a fresh incident
        const { id } = await submit(rt, key, trackman(`c-80${String(i).padStart(2, '0')}`, 'Dartmouth', 3));
        await settle(rt);
        if ((await executionsOf(rt, operator, id)).some((r) => r.origin === 'auto')) {
          automatic = id;
          break;
        }
        rt.clock.advance(90_000);
        const e = await read(rt, operator, id);
        const body = e.decision?.decision === 'reset_trackman' ? { kind: 'approve' } : { kind: 'decide', decision: 'reset_trackman', params: { location: 'Dartmouth', bay: 3 } };
        expect((await answer(rt, operator, id, body)).statusCode).toBe(201);
        await settle(rt);
      }
      expect(automatic).not.toBeNull();
      const proposedAt = Date.parse(((await read(rt, operator, automatic!)) as unknown as { receivedAt: string }).receivedAt);
      const hour = new Date(Math.floor(proposedAt / HOUR) * HOUR).toISOString();

      const s = (await rt.app.inject({ method: 'GET', url: `/v1/metrics/decisions/series?bucket=hour&from=${T0.toISOString()}&to=${new Date(proposedAt + HOUR).toISOString()}`, headers: operator.headers })).json() as Series;
      expect(s.mode).toBe('live');
      const bucket = s.total.find((p) => p.start === hour)!;
      expect(bucket.live).toMatchObject({ proposals: 1, executions: 1, automated: 1, automationRate: 1, accuracy: 1, falsePositiveRate: 0, interventionsSaved: 1 });
      // Nobody answered it: it was resolved when the automatic reset finished, at once on the manual clock.
      expect(bucket.shadow).toMatchObject({ proposals: 1, answered: 0, wouldAutomate: 1, wouldAutomateRate: 1, accuracy: null });
      expect(bucket.resolution).toEqual({ resolved: 1, medianSeconds: 0, p90Seconds: 0 });
      // Every earlier proposal was answered 90 s after it arrived.
      const earlier = s.total.filter((p) => p.start < hour && p.shadow.proposals! > 0);
      expect(earlier.length).toBeGreaterThan(0);
      expect(earlier.map((p) => p.resolution)).toEqual(earlier.map(() => ({ resolved: 1, medianSeconds: 90, p90Seconds: 90 })));

      const totals = (await rt.app.inject({ method: 'GET', url: '/v1/metrics/decisions', headers: operator.headers })).json() as Totals;
      for (const k of ['proposals', 'executions', 'automated', 'interventionsSaved', 'cancelled']) expect(sum(s.total, (p) => p.live[k])).toBe(totals.live[k]);
      for (const k of ['proposals', 'answered', 'wouldAutomate', 'interventionsSaved']) expect(sum(s.total, (p) => p.shadow[k])).toBe(totals.total[k]);
    });
  });
}

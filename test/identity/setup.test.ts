import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, createKey, type OperatorSession, setupAdmin } from '../support/auth.js';
import { engines } from '../support/databases.js';
import { expectProblem } from '../support/problems.js';
import { type TestRuntime, startRuntime } from '../support/runtime.js';

const setup = (rt: TestRuntime, payload: Record<string, unknown>) => rt.app.inject({ method: 'POST', url: '/v1/setup', remoteAddress: '203.0.113.10', payload });

for (const engine of engines) {
  describe(`first-run setup on ${engine.name}`, () => {
    let rt: TestRuntime;
    let printed: string;
    beforeAll(async () => {
      rt = await startRuntime(engine);
    });
    afterAll(async () => rt.dispose());

    it('says the token is not issued before one was printed', async () => {
      const res = await setup(rt, { token: 'setup_guess', ...ADMIN });
      expect(expectProblem(res, 403)).toMatchObject({ type: '/problems/setup-token-invalid', detail: 'The setup token is not issued.' });
    });

    it('refuses a weak password without burning the token, then creates the admin with its display name', async () => {
      const token = (await rt.issueSetupTokenIfNeeded())!;
      printed = token;
      const weak = await setup(rt, { token, username: 'ada', password: 'ada is my password' });
      expect(expectProblem(weak, 400)).toMatchObject({ type: '/problems/weak-password', detail: 'Password rejected: same_as_username.', minLength: 12 });
      const created = await setup(rt, { token, ...ADMIN, displayName: 'Ada Lovelace' });
      expect(created.statusCode, created.body).toBe(201);
      expect(created.json().operator).toMatchObject({ username: 'ada', displayName: 'Ada Lovelace', role: 'admin' });
    });

    it('answers the printed token, once used, with setup-already-done and creates no second admin', async () => {
      const again = await setup(rt, { token: printed, username: 'eve', password: 'a long enough password 42' });
      expect(expectProblem(again, 409)).toMatchObject({ type: '/problems/setup-already-done', detail: 'An administrator already exists.' });
      expect((await sql<{ n: number }>`select count(*)::int as n from operators`.execute(rt.database.db)).rows[0]!.n).toBe(1);
    });
  });

  describe(`an API key sent to a public route on ${engine.name}`, () => {
    let rt: TestRuntime;
    let admin: OperatorSession;
    beforeAll(async () => {
      rt = await startRuntime(engine);
      admin = await setupAdmin(rt);
    });
    afterAll(async () => rt.dispose());

    it('flags the key (it is being sent where it is not needed) and audits a medium-severity key event', async () => {
      const key = await createKey(rt, admin, ['events:write']);
      const res = await rt.app.inject({ method: 'GET', url: '/health', headers: key.headers });
      expect(res.statusCode).toBe(200);
      const detail = (await rt.app.inject({ method: 'GET', url: `/v1/keys/${key.id}`, headers: admin.headers })).json();
      expect(detail.riskEvents).toEqual([expect.objectContaining({ signal: 'key_on_public_route', levelAfter: 'flagged', actionTaken: 'flagged' })]);
      expect(detail.record).toMatchObject({ state: 'active', limitMultiplier: 1 });
      const rows = await sql<{ body: unknown }>`select body from compliance_log where action = 'security.event' and resource_id = ${key.id}`.execute(rt.database.db);
      expect(rows.rows.map((r) => (typeof r.body === 'string' ? JSON.parse(r.body) : r.body))).toEqual([expect.objectContaining({ kind: 'key_flagged', severity: 'medium', signal: 'key_on_public_route' })]);
    });
  });
}

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../support/databases.js';
import { type OperatorSession, setupAdmin } from '../support/auth.js';
import { expectProblem } from '../support/problems.js';
import { type TestRuntime, startRuntime } from '../support/runtime.js';

/** Regressions for 500s the schema fuzzing found in routes that landed from other work. */
for (const engine of engines) {
  describe(`fuzzing findings on ${engine.name}`, () => {
    let rt: TestRuntime;
    let admin: OperatorSession;
    beforeAll(async () => {
      rt = await startRuntime(engine);
      admin = await setupAdmin(rt);
    });
    afterAll(async () => rt.dispose());

    it('a location name with surrounding spaces is stored trimmed and read back (was a 500)', async () => {
      const res = await rt.app.inject({ method: 'POST', url: '/v1/locations', headers: admin.headers, payload: { name: 'Halifax ' } });
      expect(res.statusCode, res.body).toBe(201);
      expect((res.json() as { name: string }).name).toBe('Halifax');
      const read = await rt.app.inject({ method: 'GET', url: '/v1/locations/Halifax', headers: admin.headers });
      expect(read.statusCode).toBe(200);
      const again = await rt.app.inject({ method: 'POST', url: '/v1/locations', headers: admin.headers, payload: { name: 'Halifax' } });
      expect(expectProblem(again, 409).type).toBe('/problems/location-exists');
    });

    it('a ticket naming a thread that does not exist is a 404 thread-not-found and opens nothing (was a 500)', async () => {
      await rt.app.inject({ method: 'POST', url: '/v1/locations', headers: admin.headers, payload: { name: 'Dartmouth' } });
      const res = await rt.app.inject({ method: 'POST', url: '/v1/tickets', headers: admin.headers, payload: { kind: 'tech', priority: 'medium', location: 'Dartmouth', title: 'projector', threadId: '00000000-0000-4000-8000-000000000000' } });
      expect(expectProblem(res, 404).type).toBe('/problems/thread-not-found');
      const list = await rt.app.inject({ method: 'GET', url: '/v1/tickets', headers: admin.headers });
      expect(list.statusCode).toBe(200);
      expect(JSON.stringify(list.json())).not.toContain('projector');
    });
  });
}

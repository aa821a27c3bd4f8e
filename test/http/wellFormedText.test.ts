import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unstorableTextAt } from '../../src/http/wellFormedText.js';
import { engines } from '../support/databases.js';
import { type OperatorSession, setupAdmin } from '../support/auth.js';
import { expectProblem } from '../support/problems.js';
import { type TestRuntime, startRuntime } from '../support/runtime.js';

describe('unstorable text (lone surrogates, NUL)', () => {
  it('finds none in well-formed text, and the pointer of the first bad string or key otherwise (property)', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), (v) => {
        const clean = JSON.parse(JSON.stringify(v).replace(/\\u0000/g, '')) as unknown;
        expect(unstorableTextAt(clean)).toBeNull();
      }),
    );
    expect(unstorableTextAt({ a: ['ok', 'x\ud800'] })).toBe('/a/1');
    expect(unstorableTextAt({ 'k\u0000': 1 })).toBe('/k\u0000');
    expect(unstorableTextAt('😀')).toBeNull();
    expect(unstorableTextAt('\udfff')).toBe('/');
    let deep: unknown = 'x\u0000';
    for (let i = 0; i < 20_000; i++) deep = { a: deep };
    expect(unstorableTextAt(deep)).toMatch(/^(\/a){20000}$/);
  });
});

for (const engine of engines) {
  describe(`unstorable text is a 400 at the edge on ${engine.name} (found by schema fuzzing: it was a 500)`, () => {
    let rt: TestRuntime;
    let admin: OperatorSession;
    beforeAll(async () => {
      rt = await startRuntime(engine);
      admin = await setupAdmin(rt);
    });
    afterAll(async () => rt.dispose());

    it('a key named with a lone surrogate and a login with a NUL are refused as malformed, and no key is created', async () => {
      const keys = await rt.keys.list();
      const res = await rt.app.inject({ method: 'POST', url: '/v1/keys', headers: { ...admin.headers, 'content-type': 'application/json' }, payload: '{"name":"broken \\ud800 text","scopes":["events:read"]}' });
      expect(expectProblem(res, 400).type).toBe('/problems/malformed-body');
      expect(await rt.keys.list()).toHaveLength(keys.length);
      const login = await rt.app.inject({ method: 'POST', url: '/v1/auth/login', headers: { 'content-type': 'application/json' }, payload: '{"username":"ada\\u0000","password":"x"}' });
      expect(expectProblem(login, 400).type).toBe('/problems/malformed-body');
    });
  });
}

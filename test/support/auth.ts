import { expect } from 'vitest';
import type { TestRuntime } from './runtime.js';

export interface OperatorSession {
  readonly cookie: string;
  readonly csrf: string;
  readonly operatorId: string;
  /** Headers for a request as this operator (with the CSRF token, so state-changing calls pass). */
  readonly headers: Record<string, string>;
}

export const ADMIN = { username: 'ada', password: 'correct horse battery staple' };

function sessionFrom(res: { headers: Record<string, unknown>; json: () => unknown }): OperatorSession {
  const setCookie = ([] as string[]).concat(res.headers['set-cookie'] as string | string[]);
  const session = setCookie.find((c) => c.startsWith('clubos_session='))!.split(';')[0]!;
  const csrf = setCookie.find((c) => c.startsWith('clubos_csrf='))!.split(';')[0]!;
  const body = res.json() as { csrfToken: string; operator: { id: string } };
  const cookie = `${session}; ${csrf}`;
  return { cookie, csrf: body.csrfToken, operatorId: body.operator.id, headers: { cookie, 'x-csrf-token': body.csrfToken } };
}

/** Runs first-run setup through HTTP and returns the administrator's session. */
export async function setupAdmin(rt: TestRuntime, ip = '203.0.113.10'): Promise<OperatorSession> {
  const token = await rt.issueSetupTokenIfNeeded();
  expect(token).not.toBeNull();
  const res = await rt.app.inject({ method: 'POST', url: '/v1/setup', remoteAddress: ip, payload: { token, ...ADMIN } });
  expect(res.statusCode).toBe(201);
  return sessionFrom(res);
}

export async function login(rt: TestRuntime, username: string, password: string, ip = '203.0.113.10'): Promise<OperatorSession> {
  const res = await rt.app.inject({ method: 'POST', url: '/v1/auth/login', remoteAddress: ip, payload: { username, password } });
  expect(res.statusCode).toBe(200);
  return sessionFrom(res);
}

/** The password `createOperator` gives every operator it creates. */
export const OPERATOR_PASSWORD = 'a long enough password 42';

export async function createOperator(rt: TestRuntime, admin: OperatorSession, role: string, username = `${role}_${Math.random().toString(36).slice(2, 8)}`, locations: string[] | null = null): Promise<OperatorSession> {
  const password = OPERATOR_PASSWORD;
  const res = await rt.app.inject({ method: 'POST', url: '/v1/operators', headers: admin.headers, payload: { username, displayName: username, password, role, locations } });
  expect(res.statusCode, res.body).toBe(201);
  return login(rt, username, password);
}

export interface CreatedKey {
  readonly secret: string;
  readonly id: string;
  readonly headers: Record<string, string>;
}

export async function createKey(rt: TestRuntime, admin: OperatorSession, scopes: string[], extra: Record<string, unknown> = {}): Promise<CreatedKey> {
  const res = await rt.app.inject({ method: 'POST', url: '/v1/keys', headers: admin.headers, payload: { name: `key ${scopes.join(' ')}`.slice(0, 100), scopes, ...extra } });
  expect(res.statusCode, res.body).toBe(201);
  const body = res.json() as { key: string; record: { id: string } };
  return { secret: body.key, id: body.record.id, headers: { authorization: `Bearer ${body.key}` } };
}

export const sampleEvent = { kind: 'message', channel: 'sms', from: 'c-0001', location: 'Dartmouth', text: 'trackman frozen in bay 3' };

/**
 * The console speaks only the public HTTP API, like any client: the session cookie (HttpOnly, sent by the
 * browser) plus the session's CSRF token in `X-CSRF-Token` on every state-changing request.
 */

export interface Problem {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail?: string;
  readonly [extension: string]: unknown;
}

export class ApiError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail ?? problem.title);
  }
  get code(): string {
    return this.problem.type.replace(/^\/problems\//, '');
  }
}

const CSRF_COOKIE = 'clubos_csrf';
let csrfToken: string | null = null;

/** Set from the sign-in or setup answer; after a reload it is read back from the session's CSRF cookie. */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

function csrf(): string | null {
  if (csrfToken !== null) return csrfToken;
  for (const part of document.cookie.split(';')) {
    const [name, ...rest] = part.trim().split('=');
    if (name === CSRF_COOKIE) return decodeURIComponent(rest.join('='));
  }
  return null;
}

/** Whether this browser holds a session (its CSRF cookie lives exactly as long as the session cookie). */
export const hasSession = (): boolean => csrf() !== null;

type Listener = (reason: string) => void;
const sessionLostListeners = new Set<Listener>();
/** Called when the API says the session is gone (expired, revoked, signed out elsewhere). */
export function onSessionLost(l: Listener): () => void {
  sessionLostListeners.add(l);
  return () => sessionLostListeners.delete(l);
}
export function sessionLost(reason: string): void {
  csrfToken = null;
  for (const l of sessionLostListeners) l(reason);
}

const SESSION_GONE = new Set(['session-expired', 'unauthenticated']);

export async function api<T>(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json, application/problem+json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET') {
    const token = csrf();
    if (token !== null) headers['x-csrf-token'] = token;
  }
  const res = await fetch(path, { method, headers, credentials: 'same-origin', ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  if (res.status === 204) return null as T;
  const type = res.headers.get('content-type') ?? '';
  const payload: unknown = type.includes('json') ? await res.json() : await res.text();
  if (!res.ok) {
    const problem: Problem =
      typeof payload === 'object' && payload !== null && 'type' in payload
        ? (payload as Problem)
        : { type: '/problems/unknown', title: res.statusText || 'Request failed', status: res.status };
    const err = new ApiError(problem);
    if (SESSION_GONE.has(err.code) && !path.startsWith('/v1/auth/login') && !path.startsWith('/v1/setup')) sessionLost(err.code);
    throw err;
  }
  return payload as T;
}

/** A human sentence for an error shown in the page. */
export function describeError(err: unknown): string {
  if (err instanceof ApiError) return err.problem.detail ? `${err.problem.title}: ${err.problem.detail}` : err.problem.title;
  return err instanceof Error ? err.message : String(err);
}

import { expect } from 'vitest';

/** Strings that betray internals: stack frames, file paths, SQL, driver and framework codes. */
export const INTERNAL_MARKERS = [/\bat .+\(.+:\d+:\d+\)/, /node_modules/, /\/work\//, /\.ts:\d+/, /\bselect\b.+\bfrom\b/i, /\bFST_ERR/, /\bERR_[A-Z_]+/, /relation ".+" does not exist/, /\bsyntax error at\b/, /\bpglite\b/i, /\bECONNREFUSED\b/];

/** Asserts an error response is RFC 9457 problem+json with a stable type and nothing internal in it. */
export function expectProblem(res: { statusCode: number; headers: Record<string, unknown>; body: string }, status?: number): Record<string, unknown> {
  expect(res.statusCode).toBeGreaterThanOrEqual(400);
  expect(res.statusCode).toBeLessThan(600);
  if (status !== undefined) expect(res.statusCode).toBe(status);
  expect(String(res.headers['content-type'])).toMatch(/^application\/problem\+json/);
  const body = JSON.parse(res.body) as Record<string, unknown>;
  expect(body.type).toMatch(/^\/problems\/[a-z0-9-]+$/);
  expect(typeof body.title).toBe('string');
  expect(body.status).toBe(res.statusCode);
  expect(typeof body.correlationId).toBe('string');
  expect(res.headers['x-request-id']).toBe(body.correlationId);
  for (const marker of INTERNAL_MARKERS) expect(res.body).not.toMatch(marker);
  return body;
}

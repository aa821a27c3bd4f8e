/**
 * Whether an error means "the database is not reachable right now" rather than a fault in our code: refused or
 * dropped connections, pool connect timeouts, PostgreSQL shutting down or not accepting connections. Such a
 * request gets a 503 with Retry-After (the client may retry), not a 500.
 */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', 'EAI_AGAIN']);
/** SQLSTATE: class 08 connection exceptions; 57P01-03 shutdown / cannot connect now; 53300 too many connections. */
const SQLSTATES = /^(?:08[0-9A-Z]{3}|57P0[123]|53300)$/;
const MESSAGES = /Connection terminated|timeout exceeded when trying to connect|not queryable|Connection ended unexpectedly/i;

/** @example storageUnavailable(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })) // true */
export function storageUnavailable(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && (NETWORK_CODES.has(code) || SQLSTATES.test(code))) return true;
    if (MESSAGES.test(e.message)) return true;
    if (e instanceof AggregateError && e.errors.some((x) => storageUnavailable(x))) return true;
  }
  return false;
}

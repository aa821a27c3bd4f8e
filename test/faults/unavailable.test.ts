import { describe, expect, it } from 'vitest';
import { storageUnavailable } from '../../src/store/unavailable.js';

describe('storageUnavailable', () => {
  const err = (message: string, code?: string, cause?: unknown) => Object.assign(new Error(message, cause === undefined ? undefined : { cause }), code === undefined ? {} : { code });
  it('recognises refused, dropped and timed-out connections and PostgreSQL shutdown states, also as a cause', () => {
    expect(storageUnavailable(err('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED'))).toBe(true);
    expect(storageUnavailable(err('Connection terminated unexpectedly'))).toBe(true);
    expect(storageUnavailable(err('timeout exceeded when trying to connect'))).toBe(true);
    expect(storageUnavailable(err('terminating connection due to administrator command', '57P01'))).toBe(true);
    expect(storageUnavailable(err('connection failure', '08006'))).toBe(true);
    expect(storageUnavailable(err('wrapped', undefined, err('x', 'ECONNRESET')))).toBe(true);
    expect(storageUnavailable(new AggregateError([err('a', 'ECONNREFUSED')], 'all failed'))).toBe(true);
  });
  it('leaves faults of our own as faults', () => {
    expect(storageUnavailable(err('duplicate key value violates unique constraint', '23505'))).toBe(false);
    expect(storageUnavailable(new TypeError('Cannot read properties of undefined'))).toBe(false);
    expect(storageUnavailable('ECONNREFUSED')).toBe(false);
  });
});

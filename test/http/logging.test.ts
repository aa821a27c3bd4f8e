import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { requestContext } from '../../src/http/requestContext.js';
import { createLogger } from '../../src/logging.js';

/** A logger writing JSON lines into an array, as a log shipper would receive them. */
function capture() {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      for (const l of String(chunk).split('\n')) if (l.trim() !== '') lines.push(JSON.parse(l) as Record<string, unknown>);
      done();
    },
  });
  return { logger: createLogger('info', sink), lines };
}

describe('log lines', () => {
  it('carry the correlation id of the request they were written under, and none outside one', () => {
    const { logger, lines } = capture();
    requestContext.run({ correlationId: 'req-42' }, () => logger.info('inside'));
    logger.info('outside');
    expect(lines.map((l) => [l.msg, l.correlationId])).toEqual([
      ['inside', 'req-42'],
      ['outside', undefined],
    ]);
  });

  it('mask phone numbers in message text, keep other arguments, and redact secrets in objects', () => {
    const { logger, lines } = capture();
    logger.info({ caller: 'sms', customer: { phone: '+15550100199', name: 'Sam' }, attempt: 2 }, 'reply to +15550100199 failed, call (902) 555-0100');
    expect(lines[0]).toMatchObject({ msg: 'reply to ***99 failed, call ***00', caller: 'sms', customer: { phone: '[redacted]', name: 'Sam' }, attempt: 2 });
    // At the top level of the log object too.
    logger.info({ phone: '+15550100199', from: '+15550100123', token: 'tok_abc', attempt: 3 }, 'sms');
    expect(lines[1]).toMatchObject({ phone: '[redacted]', from: '[redacted]', token: '[redacted]', attempt: 3 });
    expect(JSON.stringify(lines[1])).not.toContain('0100199');
    expect(JSON.stringify(lines[0])).not.toContain('5550100199');
  });
});

import { describe, expect, it } from 'vitest';
import { parseVenueLine } from '../../src/intake/normalize.js';

const line = {
  id: 'vd-00364',
  t: '2025-09-06T17:26:15-03:00',
  kind: 'message',
  channel: 'sms',
  from: 'c-d805ab34',
  location: null,
  bay: null,
  text: 'still cant get in',
  context: {
    booking: { id: 'bk-491530', location: 'Dartmouth', bay: 3, starts_at: '2025-09-06T17:30:00-03:00', ends_at: '2025-09-06T19:00:00-03:00' },
    recent_actions: [{ action: 'unlock_door', location: 'Dartmouth', bay: null, booking_id: 'bk-491530', at: '2025-09-06T17:23:49-03:00' }],
  },
  expected: {
    decision: 'unlock_door',
    params: { location: 'Dartmouth', booking_id: 'bk-491530' },
    max_tier: 'auto',
    emergency: false,
    reason: 't inside window 17:15-19:00; unlocks so far 1/2',
    unlock_allowed: true,
    scenario: 'door.in.retry',
  },
};

const parse = (o: unknown) => parseVenueLine(JSON.stringify(o));

describe('parseVenueLine', () => {
  it('splits the event from its ground truth', () => {
    const parsed = parse(line);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
    expect(parsed.event).not.toHaveProperty('expected');
    expect(parsed.event.t.toISOString()).toBe('2025-09-06T20:26:15.000Z');
    expect(parsed.event.context.booking?.startsAt.toISOString()).toBe('2025-09-06T20:30:00.000Z');
    expect(parsed.event.context.recentActions).toEqual([
      { action: 'unlock_door', location: 'Dartmouth', bay: null, bookingId: 'bk-491530', at: new Date('2025-09-06T20:23:49Z') },
    ]);
    expect(parsed.truth).toEqual({
      decision: 'unlock_door',
      params: { location: 'Dartmouth', bookingId: 'bk-491530' },
      maxTier: 'auto',
      emergency: false,
      reason: 't inside window 17:15-19:00; unlocks so far 1/2',
      unlockAllowed: true,
      scenario: 'door.in.retry',
    });
  });

  it('accepts a line without labels, with a null truth', () => {
    const { expected: _, ...unlabelled } = line;
    const parsed = parse(unlabelled);
    expect(parsed.ok && parsed.truth === null).toBe(true);
  });

  it.each([
    ['not JSON', '{"id":', 'not JSON'],
    ['a wrong kind', JSON.stringify({ ...line, kind: 'email' }), 'kind: expected one of message, device_event'],
    ['a device channel on a message', JSON.stringify({ ...line, channel: 'device' }), 'channel: device does not fit kind message'],
    ['a time without offset', JSON.stringify({ ...line, t: '2025-09-06 17:26' }), 't: expected an ISO-8601 time with offset'],
    ['a zero bay', JSON.stringify({ ...line, bay: 0 }), 'bay: expected a positive integer bay or null'],
    ['an action after the event', JSON.stringify({ ...line, context: { ...line.context, recent_actions: [{ ...line.context.recent_actions[0], at: '2025-09-06T18:00:00-03:00' }] } }), 'context.recent_actions[0].at: is after the event time'],
    ['an unknown decision', JSON.stringify({ ...line, expected: { ...line.expected, decision: 'launch_rocket' } }), 'expected.decision: not in the catalogue'],
    ['an unknown field', JSON.stringify({ ...line, secret: 1 }), 'secret: unknown field'],
    ['a missing booking', JSON.stringify({ ...line, context: { recent_actions: [] } }), 'context.booking: is missing'],
  ])('rejects %s with a clear error', (_, text, message) => {
    const parsed = parseVenueLine(text);
    expect(parsed.ok).toBe(false);
    expect(parsed.ok ? [] : parsed.errors.join('\n')).toContain(message);
  });
});

import { describe, expect, it } from 'vitest';
import { parseVenueLine } from '../../src/intake/normalize.js';

const booking = { id: 'bk-491530', location: 'Dartmouth', bay: 3, starts_at: '2025-09-06T17:30:00-03:00', ends_at: '2025-09-06T19:00:00-03:00' };
const action = { action: 'unlock_door', location: 'Dartmouth', bay: null, booking_id: 'bk-491530', at: '2025-09-06T17:23:49-03:00' };
const expected = { decision: 'unlock_door', params: { location: 'Dartmouth', booking_id: 'bk-491530' }, max_tier: 'auto', emergency: false, reason: 'in window', unlock_allowed: true, scenario: 'door.in.retry' };
const line = { id: 'vd-1', t: '2025-09-06T17:26:15-03:00', kind: 'message', channel: 'sms', from: 'c-1', location: null, bay: null, text: 'still cant get in', context: { booking, recent_actions: [action] }, expected };

const errorsOf = (o: unknown): readonly string[] => {
  const parsed = parseVenueLine(JSON.stringify(o));
  return parsed.ok ? [] : parsed.errors;
};
const truthOf = (o: unknown) => {
  const parsed = parseVenueLine(JSON.stringify(o));
  expect(parsed.ok ? [] : parsed.errors).toEqual([]);
  return parsed.ok ? parsed.truth : null;
};

describe('parseVenueLine: every malformed part is named with its path', () => {
  it.each([
    ['a JSON array', [line], ['$: expected an object']],
    ['a JSON string', 'line', ['$: expected an object']],
    ['an empty id and sender', { ...line, id: '', from: '' }, ['id: is empty', 'from: is empty']],
    ['a non-string text', { ...line, text: 5 }, ['text: expected a string']],
    ['a context that is not an object', { ...line, context: [] }, ['context: expected an object', 'context.booking: is missing (null when there is none)', 'context.recent_actions: expected an array']],
    ['recent actions that are not a list', { ...line, context: { booking, recent_actions: {} } }, ['context.recent_actions: expected an array']],
    ['a recent action that is not an object', { ...line, context: { booking, recent_actions: ['unlock'] } }, ['context.recent_actions[0]: expected an object']],
    ['a booking that is not an object', { ...line, context: { booking: 'bk-1', recent_actions: [] } }, ['context.booking: expected an object']],
    ['a booking ending before it starts', { ...line, context: { booking: { ...booking, ends_at: '2025-09-06T17:00:00-03:00' }, recent_actions: [] } }, ['context.booking: ends_at is before starts_at']],
    ['labels that are not an object', { ...line, expected: 'unlock' }, ['expected: expected an object']],
    ['params that are not an object', { ...line, expected: { ...expected, params: ['Dartmouth'] } }, ['expected.params: expected an object']],
    ['an unknown parameter', { ...line, expected: { ...expected, params: { colour: 'red' } } }, ['expected.params.colour: unknown parameter']],
    ['a non-boolean emergency flag', { ...line, expected: { ...expected, emergency: 'no' } }, ['expected.emergency: expected true or false']],
    ['an unknown guard', { ...line, expected: { ...expected, guard: 'door_limit' } }, ['expected.guard: expected one of reset_limit, reboot_limit, unlock_cap, got "door_limit"']],
  ])('rejects %s', (_, o, errors) => {
    expect(errorsOf(o)).toEqual(errors);
  });
});

describe('parseVenueLine: labels', () => {
  it('reads the text parameters and a named guard', () => {
    const ticket = truthOf({ ...line, expected: { ...expected, decision: 'lost_and_found_ticket', params: { location: 'Dartmouth', item: 'driver' }, guard: 'unlock_cap' } });
    expect(ticket).toMatchObject({ decision: 'lost_and_found_ticket', params: { location: 'Dartmouth', item: 'driver' }, guard: 'unlock_cap' });
    const facilities = truthOf({ ...line, expected: { ...expected, decision: 'create_facilities_ticket', params: { category: 'plumbing', template: 'ack' } } });
    expect(facilities!.params).toEqual({ category: 'plumbing', template: 'ack' });
    const tech = truthOf({ ...line, expected: { ...expected, decision: 'create_tech_ticket', params: { bay: 2, device: 'projector' } } });
    expect(tech!.params).toEqual({ bay: 2, device: 'projector' });
  });

  it('treats a null bay parameter as no bay', () => {
    const truth = truthOf({ ...line, expected: { ...expected, params: { location: 'Dartmouth', bay: null } } });
    expect(truth!.params).toEqual({ location: 'Dartmouth' });
  });
});

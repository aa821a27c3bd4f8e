import { describe, expect, it } from 'vitest';
import { GENERIC_T0, parseLine, parseStream } from '../../src/replay/streams.js';

describe('generic stream lines', () => {
  it('names the scenario after the source split, or "generic" without a source', () => {
    expect(parseLine(JSON.stringify({ id: 'a', text: 'hi', decision: 'greet', source: 'clinc:val:id-oos' }), 0).scenario).toBe('val:id-oos');
    expect(parseLine(JSON.stringify({ id: 'a', text: 'hi', decision: 'greet', source: 'banking' }), 0).scenario).toBe('banking');
    expect(parseLine(JSON.stringify({ id: 'a', text: 'hi', decision: 'greet' }), 0).scenario).toBe('generic');
  });

  it('keeps a line’s own time, and spaces lines without one a minute apart', () => {
    expect(parseLine(JSON.stringify({ id: 'a', text: 'hi', decision: 'greet', t: '2025-03-01T10:00:00Z' }), 7).event.t.toISOString()).toBe('2025-03-01T10:00:00.000Z');
    expect(parseLine(JSON.stringify({ id: 'a', text: 'hi', decision: 'greet' }), 7).event.t.getTime()).toBe(GENERIC_T0 + 7 * 60_000);
  });

  it('refuses a line whose text is not a string, naming the field', () => {
    expect(() => parseLine(JSON.stringify({ id: 'a', text: 5, decision: 'greet' }), 0)).toThrow('text: expected a string');
    expect(() => parseStream('{"id":"a","text":"hi"}')).toThrow('decision: expected a string');
  });
});

describe('venue stream lines', () => {
  const venue = { id: 'v-1', t: '2025-09-06T20:00:00Z', kind: 'message', channel: 'web', from: 'c-1', location: null, bay: 'two', text: 'screen black' };

  it('reads a line without context, parameters or scenario as having none', () => {
    const item = parseLine(JSON.stringify({ ...venue, expected: { decision: 'ack_no_action', max_tier: 'auto' } }), 0);
    expect(item.truth).toEqual({ decision: 'ack_no_action', params: {} });
    expect(item.scenario).toBe('none');
    expect(item.venue).toEqual({ maxTier: 'auto', emergency: false, unlockAllowed: false, scenario: 'none' });
    expect(item.event).toMatchObject({ channel: 'web', bay: null, context: { booking: null, recentActions: [] } });
  });

  it('ignores recent actions that are not a list, and parameters of the wrong type', () => {
    const item = parseLine(
      JSON.stringify({ ...venue, context: { booking: null, recent_actions: 'none' }, expected: { decision: 'create_tech_ticket', max_tier: 'suggest', params: { location: 'Dartmouth', bay: '2', device: 'projector', item: 7 } } }),
      0,
    );
    expect(item.truth.params).toEqual({ location: 'Dartmouth', device: 'projector' });
    expect('kind' in item.event && item.event.context.recentActions).toEqual([]);
  });

  it('refuses a booking without its times', () => {
    expect(() => parseLine(JSON.stringify({ ...venue, context: { booking: { id: 'b', location: 'Dartmouth', bay: 1 } }, expected: { decision: 'ack_no_action', max_tier: 'auto' } }), 0)).toThrow('booking.starts_at: expected a string');
  });
});

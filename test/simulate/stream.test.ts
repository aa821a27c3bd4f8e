import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type DecisionView, plan } from '../../src/simulate/operator.js';
import { parseLine } from '../../src/simulate/stream.js';

const T = '2025-09-01T16:07:10Z';
const good = { id: 'vd-9', t: T, kind: 'message', channel: 'sms', from: 'c-9', text: 'the door will not open' };
const line = (over: Record<string, unknown>) => JSON.stringify({ ...good, ...over });

describe('venue stream lines (pure)', () => {
  it.each([
    ['an array', '[1,2]', 'not an object'],
    ['null', 'null', 'not an object'],
    ['an empty id', line({ id: '' }), 'id: expected a string'],
    ['a numeric id', line({ id: 7 }), 'id: expected a string'],
    ['an unknown kind', line({ kind: 'call' }), 'kind: expected message or device_event'],
    ['an empty sender', line({ from: '' }), 'from: expected a string'],
    ['no text', line({ text: undefined }), 'text: expected a string'],
    ['an empty text', line({ text: '' }), 'text: expected a string'],
    ['no time', line({ t: undefined }), 't: expected an ISO-8601 time'],
    ['a numeric time', line({ t: 1_756_000_000 }), 't: expected an ISO-8601 time'],
    ['an unparseable time', line({ t: 'yesterday at noon' }), 't: expected an ISO-8601 time'],
    ['a numeric location', line({ location: 42 }), 'location: expected a string or null'],
    ['a fractional bay', line({ bay: 2.5 }), 'bay: expected an integer or null'],
    ['a textual bay', line({ bay: 'three' }), 'bay: expected an integer or null'],
  ])('refuses %s, naming the field and the line', (_what, raw, error) => {
    expect(parseLine(raw, 12)).toEqual({ ok: false, lineNo: 12, error });
  });

  it('leaves out what the line does not carry, and sends a device event as it came', () => {
    expect(parseLine(line({ kind: 'device_event', channel: 'device', from: 'trackman-3', text: 'TM_OFFLINE' }), 1)).toEqual({
      ok: true,
      line: { id: 'vd-9', at: Date.parse(T), label: null, body: { kind: 'device_event', channel: 'device', from: 'trackman-3', text: 'TM_OFFLINE', t: '2025-09-01T16:07:10.000Z' } },
    });
  });

  it('keeps a null location and bay (unknown, stated), and only the venue context keys the intake accepts', () => {
    const parsed = parseLine(line({ location: null, bay: null, context: { weather: 'rain' } }), 1);
    expect(parsed).toMatchObject({ ok: true, line: { body: { location: null, bay: null, context: {} } } });
    const booked = parseLine(line({ context: { booking: { id: 'bk-1' }, recent_actions: [{ action: 'unlock_door' }], operator_note: 'vip' } }), 1);
    expect(booked).toMatchObject({ ok: true, line: { body: { context: { booking: { id: 'bk-1' }, recent_actions: [{ action: 'unlock_door' }] } } } });
    expect(JSON.stringify(booked)).not.toContain('vip');
    // A context that is not an object is not sent at all.
    const odd = parseLine(line({ context: 'see ticket 12' }), 1);
    expect(odd).toMatchObject({ ok: true });
    expect(JSON.stringify(odd)).not.toContain('see ticket 12');
  });

  it('takes the label from `expected`: API parameter names, scalar values only; no decision means no label', () => {
    const labelled = parseLine(
      line({ expected: { decision: 'unlock_door', params: { location: 'Dartmouth', booking_id: 'bk-7', bay: 2, item: 'driver', nested: 'x', device: { id: 1 }, category: null } } }),
      1,
    );
    expect(labelled).toMatchObject({ ok: true, line: { label: { decision: 'unlock_door', params: { location: 'Dartmouth', bookingId: 'bk-7', bay: 2, item: 'driver' } } } });
    expect(parseLine(line({ expected: { decision: 'send_booking_link' } }), 1)).toMatchObject({ ok: true, line: { label: { decision: 'send_booking_link', params: {} } } });
    expect(parseLine(line({ expected: { decision: 'send_booking_link', params: ['location'] } }), 1)).toMatchObject({ ok: true, line: { label: { params: {} } } });
    expect(parseLine(line({ expected: { decision: 3 } }), 1)).toMatchObject({ ok: true, line: { label: null } });
    expect(parseLine(line({ expected: 'send_booking_link' }), 1)).toMatchObject({ ok: true, line: { label: null } });
  });

  it('property: any JSON line parses or is refused with a named field, and a refusal never echoes the customer text', () => {
    const secret = 'my card number is 4111';
    const field = fc.oneof(fc.constant(undefined), fc.jsonValue());
    fc.assert(
      fc.property(
        fc.record({
          id: fc.oneof(field, fc.constant('vd-1')),
          t: fc.oneof(field, fc.constant(T)),
          kind: fc.oneof(field, fc.constantFrom('message', 'device_event')),
          channel: fc.oneof(field, fc.constantFrom('sms', 'web', 'device')),
          from: fc.oneof(field, fc.constant('c-1')),
          location: fc.oneof(field, fc.constant('Dartmouth'), fc.constant(null)),
          bay: fc.oneof(field, fc.integer()),
          expected: field,
          context: field,
        }),
        (v) => {
          const out = parseLine(JSON.stringify({ ...v, text: secret }), 3);
          // Accepted: the text goes to the API as it came. Refused: a field is named, the text is not.
          expect(JSON.stringify(out).includes(secret)).toBe(out.ok);
          expect(out.ok || /^[a-z]+: expected [a-z0-9_ ,-]+$/i.test(out.error)).toBe(true);
          expect(!out.ok || out.line.body.text === secret).toBe(true);
        },
      ),
    );
  });
});

describe('the demo operator answers from the label (pure)', () => {
  const view = (over: Partial<DecisionView>): DecisionView => ({ decision: 'reset_trackman', params: { location: 'Dartmouth', bay: 3 }, tier: 'auto', shadow: false, wouldExecute: true, ...over });
  const label = { decision: 'reset_trackman', params: { location: 'Dartmouth', bay: 3 } };

  it('does nothing when the system acts and is right', () => {
    expect(plan(view({}), label)).toEqual({ kind: 'none' });
  });

  it('corrects the parameters of an automatic action on the wrong bay, and decides instead of a wrong automatic action', () => {
    expect(plan(view({ params: { location: 'Dartmouth', bay: 4 } }), label)).toEqual({ kind: 'answer', answer: { kind: 'modify', params: label.params } });
    expect(plan(view({ decision: 'projector_power_on' }), label)).toEqual({ kind: 'answer', answer: { kind: 'decide', ...label } });
    expect(plan(view({ decision: 'projector_power_on', tier: 'suggest' }), label)).toEqual({ kind: 'answer', answer: { kind: 'veto', ...label } });
  });

  it('in shadow mode approves a right proposal, even one that would have executed', () => {
    expect(plan(view({ shadow: true }), label)).toEqual({ kind: 'answer', answer: { kind: 'approve' } });
  });
});

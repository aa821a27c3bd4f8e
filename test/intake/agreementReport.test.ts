import { describe, expect, it } from 'vitest';
import { formatAgreement, measureVenueAgreement } from '../../src/intake/agreement.js';

const base = { t: '2025-09-06T17:26:15-03:00', kind: 'message', channel: 'sms', from: 'c-1', location: 'Dartmouth', bay: null, context: { booking: null, recent_actions: [] } };
const label = (over: Record<string, unknown>) => ({ decision: 'send_booking_link', params: { location: 'Dartmouth' }, max_tier: 'auto', emergency: false, reason: 'r', unlock_allowed: false, scenario: 'booking.link', ...over });
const jsonl = (o: Record<string, unknown>) => JSON.stringify(o);

describe('measureVenueAgreement on a small hand-made stream', () => {
  // Six messages sent from Dartmouth but labelled Bedford: six location disagreements.
  const wrongLocation = Array.from({ length: 6 }, (_, i) => jsonl({ ...base, id: `m-${i}`, text: 'how do I book', expected: label({ params: { location: 'Bedford' } }) }));
  const lines = [
    '',
    '{"id":',
    jsonl({ ...base, id: 'unlabelled', text: 'hello' }),
    ...wrongLocation,
    // A device line that names no unit the classifier knows, labelled as a plain acknowledgement.
    jsonl({ ...base, id: 'd-1', kind: 'device_event', channel: 'device', from: 'X-17', text: 'checksum 4ad1 ok at 12:00', expected: label({ decision: 'ack_no_action', scenario: 'device.other' }) }),
  ];
  const report = measureVenueAgreement(lines);

  it('counts non-blank lines, reports invalid ones by line number and skips unlabelled ones', () => {
    expect(report.lines).toBe(9);
    expect(report.invalid).toHaveLength(1);
    expect(report.invalid[0]).toMatch(/^line 2: not JSON/);
    expect(report.eventLocation).toEqual({ hit: 1, n: 7 });
  });

  it('keeps at most five disagreement samples per measure', () => {
    const location = report.samples.filter((s) => s.startsWith('location '));
    expect(location).toHaveLength(5);
    expect(location[0]).toBe('location m-0: Dartmouth vs Bedford');
  });

  it('counts a device line with no recognisable unit as a unit disagreement, and still scores its outage label', () => {
    expect(report.deviceUnit).toEqual({ hit: 0, n: 1 });
    expect(report.outage).toEqual({ hit: 1, n: 1 });
    expect(report.deviceLineType).toEqual({ hit: 0, n: 0 });
  });

  it('formats measures with nothing to count as "-" instead of a percentage', () => {
    const text = formatAgreement(report);
    expect(text[0]).toBe('lines 9 (1 invalid)');
    expect(text).toContain('device line type          0/0 (-%)');
    expect(text).toContain('  disagreement location m-0: Dartmouth vs Bedford');
  });
});

import { describe, expect, it } from 'vitest';
import type { PatternModule } from '../../src/decisionMemory/modules/module.js';
import { VenueMemory } from '../../src/decisionMemory/modules/venueMemory.js';
import { venueModules } from '../../src/decisionMemory/modules/venueModules.js';
import type { MemoryEvent } from '../../src/decisionMemory/types.js';
import type { VenueEvent } from '../../src/venue/types.js';

const T = new Date('2025-09-06T20:30:00Z');
const message = (text: string, over: Partial<VenueEvent> = {}): VenueEvent => ({
  id: 'm-1',
  t: T,
  kind: 'message',
  channel: 'sms',
  from: 'c-1',
  location: null,
  bay: null,
  text,
  context: { booking: null, recentActions: [] },
  ...over,
});
const device = (from: string, text: string, over: Partial<VenueEvent> = {}): VenueEvent => message(text, { id: 'd-1', kind: 'device_event', channel: 'device', from, location: 'Dartmouth', ...over });

function modules() {
  const [error, access, booking, message_] = venueModules() as [PatternModule, PatternModule, PatternModule, PatternModule];
  return { error, access, booking, message: message_ };
}

describe('venue pattern modules', () => {
  it('describes a device line it cannot place on a unit as unit=none', () => {
    const { error } = modules();
    const facts = error.facts(device('X-17', 'checksum 4ad1 ok at 12:00'), []);
    expect(facts).toContain('unit=none');
    expect(facts).toContain('line=other');
    expect(facts).toContain('outage=none');
  });

  it('surfaces an emergency with no known location or bay, with empty parameters', () => {
    const { error, message: m } = modules();
    const e = message('someone collapsed and is not breathing');
    error.facts(e, []);
    expect(m.forced(e, [])).toMatchObject({ decision: 'escalate_emergency', params: {}, emergency: true });
  });

  it('learns a tech escalation as an escalation when it cannot tell which bay the guard would have counted', () => {
    const { error } = modules();
    const e = message('the screen is broken', { location: 'Dartmouth' });
    error.facts(e, []);
    expect(error.label(e, { decision: 'escalate_tech', params: {} }, [])).toBe('escalate_tech');
  });

  it('learns an access escalation of a text-only event as it was labelled', () => {
    const { access } = modules();
    const generic: MemoryEvent = { id: 'g-1', t: T, text: 'let me in' };
    expect(access.label(generic, { decision: 'escalate_access', params: {} }, [])).toBe('escalate_access');
  });

  it('hands an extension link without a running booking to a human', () => {
    const { booking } = modules();
    const e = message('can we get 30 more minutes', { location: 'Dartmouth' });
    expect(booking.guards(e, 'extend_session_link', { location: 'Dartmouth' }, [])).toContainEqual({ guard: 'no_running_booking', fallback: 'escalate_booking_change', route: 'handoff' });
  });
});

describe('VenueMemory', () => {
  it('answers incident and outage questions only about the event it observed last', () => {
    const mem = new VenueMemory();
    const first = device('DAR-UPS', 'UPS on battery site=DAR input=0V');
    mem.observe(first, []);
    expect(mem.outageVerdict(first)).not.toBeNull();
    const second = message('lights went out', { id: 'm-2', location: 'Dartmouth' });
    mem.observe(second, []);
    expect(mem.outageVerdict(first)).toBeNull();
    expect(mem.incident(first)).toBeNull();
  });

  it('restores a snapshot written before sightings were kept', () => {
    const mem = new VenueMemory();
    mem.restore({ directory: [{ name: 'Dartmouth', code: 'dar' }], faults: [] });
    expect(mem.toState()).toEqual({ directory: [{ name: 'Dartmouth', code: 'dar' }], faults: [], sightings: [] });
  });
});

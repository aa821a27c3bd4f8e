import { describe, expect, it } from 'vitest';
import { DEVICE_ACTIONS } from '../../src/actions/ports.js';
import { confirmationText, effectOf } from '../../src/execution/effects.js';
import { CATALOGUE } from '../../src/venue/catalogue.js';

describe('what executing a decision means (pure)', () => {
  it('every catalogue entry has the effect of its kind; handoffs and names outside the catalogue never execute', () => {
    const byKind = Object.fromEntries(CATALOGUE.map((c) => [c.decision, effectOf(c.decision)?.kind ?? null]));
    for (const c of CATALOGUE) {
      expect(byKind[c.decision], c.decision).toBe({ action: 'device', reply: 'reply', ticket: 'ticket', log: 'log', handoff: null }[c.kind]);
    }
    expect(effectOf('__unknown__')).toBeNull();
    expect(effectOf('refund_everyone')).toBeNull();
    expect(effectOf('escalate_refund')).toBeNull();
  });

  it('a device action confirms through its own template (`unlock_done` for the door); tickets carry kind and priority', () => {
    expect(effectOf('unlock_door')).toEqual({ kind: 'device', action: 'unlock_door', confirmTemplate: 'unlock_done' });
    expect(effectOf('power_cycle_tv')).toEqual({ kind: 'device', action: 'power_cycle_tv', confirmTemplate: 'power_cycle_tv_done' });
    expect(effectOf('create_tech_ticket')).toEqual({ kind: 'ticket', ticket: 'tech', priority: 'high' });
    expect(effectOf('create_facilities_ticket')).toEqual({ kind: 'ticket', ticket: 'facilities', priority: 'medium' });
    expect(effectOf('lost_and_found_ticket')).toEqual({ kind: 'ticket', ticket: 'lost_and_found', priority: 'low' });
    expect(effectOf('ack_no_action')).toEqual({ kind: 'log' });
    expect(effectOf('reply_faq_hours')).toEqual({ kind: 'reply', template: 'reply_faq_hours' });
  });

  it('the venue-wide confirmation names the bay when it is known, for every device action', () => {
    expect(DEVICE_ACTIONS.map((a) => confirmationText(a, 4))).toEqual([
      'We restarted TrackMan in bay 4. It should be back in a minute; text us if it is not.',
      'We restarted the computer in bay 4. It takes about two minutes to come back.',
      'We switched the projector in bay 4 on.',
      'We restarted the side screen in bay 4.',
      'The door is unlocked now. Enjoy your session!',
    ]);
    expect(DEVICE_ACTIONS.map((a) => confirmationText(a, undefined))).toEqual([
      'We restarted TrackMan. It should be back in a minute; text us if it is not.',
      'We restarted the computer. It takes about two minutes to come back.',
      'We switched the projector on.',
      'We restarted the side screen.',
      'The door is unlocked now. Enjoy your session!',
    ]);
  });
});

import { type DeviceAction, isDeviceAction } from '../actions/ports.js';
import { catalogueEntry } from '../venue/catalogue.js';
import type { TicketKind, TicketPriority } from '../venue/ports.js';

/**
 * What executing a catalogue decision means: a device command, an approved template sent to the customer,
 * a ticket, or only a log line. Handoffs never execute (they alert the team and escalate the thread).
 */
export type Effect =
  | { readonly kind: 'device'; readonly action: DeviceAction; readonly confirmTemplate: string }
  | { readonly kind: 'reply'; readonly template: string }
  | { readonly kind: 'ticket'; readonly ticket: TicketKind; readonly priority: TicketPriority }
  | { readonly kind: 'log' };

const TICKETS: Readonly<Record<string, { ticket: TicketKind; priority: TicketPriority }>> = {
  create_tech_ticket: { ticket: 'tech', priority: 'high' },
  create_facilities_ticket: { ticket: 'facilities', priority: 'medium' },
  lost_and_found_ticket: { ticket: 'lost_and_found', priority: 'low' },
};

/**
 * The effect of an executable decision, or null for handoffs, `__unknown__` and names outside the catalogue.
 * @example effectOf('reply_faq_hours') // { kind: 'reply', template: 'reply_faq_hours' }
 * @example effectOf('escalate_tech')   // null
 */
export function effectOf(decision: string): Effect | null {
  const entry = catalogueEntry(decision);
  if (entry === undefined) return null;
  switch (entry.kind) {
    case 'action':
      return isDeviceAction(decision) ? { kind: 'device', action: decision, confirmTemplate: `${decision === 'unlock_door' ? 'unlock' : decision}_done` } : null;
    case 'reply':
      return { kind: 'reply', template: decision };
    case 'ticket': {
      const t = TICKETS[decision];
      return t === undefined ? null : { kind: 'ticket', ...t };
    }
    case 'log':
      return { kind: 'log' };
    case 'handoff':
      return null;
  }
}

/** The venue-wide text when the location has no `<action>_done` template: the reply a device action's success sends to the customer who asked (a fixed TrackMan: the fix is the answer). */
export function confirmationText(action: DeviceAction, bay: number | undefined): string {
  switch (action) {
    case 'reset_trackman':
      return `We restarted TrackMan${bay === undefined ? '' : ` in bay ${bay}`}. It should be back in a minute; text us if it is not.`;
    case 'reboot_bay_pc':
      return `We restarted the computer${bay === undefined ? '' : ` in bay ${bay}`}. It takes about two minutes to come back.`;
    case 'projector_power_on':
      return `We switched the projector${bay === undefined ? '' : ` in bay ${bay}`} on.`;
    case 'power_cycle_tv':
      return `We restarted the side screen${bay === undefined ? '' : ` in bay ${bay}`}.`;
    case 'unlock_door':
      return 'The door is unlocked now. Enjoy your session!';
  }
}

import { catalogueEntry } from '../../venue/catalogue.js';
import { paramsForDecision } from '../../intake/decisionParams.js';
import { detectEmergency } from '../../intake/emergency.js';
import { classifyDeviceLine } from '../../intake/deviceLine.js';
import { bookingWindow, isUnlockAllowed } from '../../venue/bookingWindow.js';
import { outageOpen, rebootLimitReached, resetLimitReached, unlockCapReached } from '../../venue/guards.js';
import { type DecisionParams, type LoggedAction, UNKNOWN_DECISION, type VenueEvent } from '../../venue/types.js';
import { type MemoryEvent, type Truth, isVenueEvent } from '../types.js';
import { decisionModule } from './decisionModule.js';
import type { GuardBlock, PatternModule } from './module.js';
import { VenueMemory, type VenueMemoryState, guardLog, venueGuard } from './venueMemory.js';

/**
 * The venue's pattern modules over one shared VenueMemory:
 * - Error: device lines and device faults (facts: line type, device, unit, booking; outage rule forced;
 *   reset/reboot guards; a guard-escalated truth is learned as the underlying remedy);
 * - Access: door requests (facts: booking window, unlocks so far; unlock only inside the window, at most
 *   two per booking; a capped truth is learned as the unlock it blocked);
 * - Booking: extensions, changes, refunds (facts: how the booking relates to now);
 * - Decision: every other message (emergency fast path forced first), then the generic text module.
 */

const ERROR_DECISIONS = new Set(['reset_trackman', 'reboot_bay_pc', 'projector_power_on', 'power_cycle_tv', 'create_tech_ticket', 'ack_no_action', 'escalate_tech', 'escalate_site_outage']);
const ACCESS_DECISIONS = new Set(['unlock_door', 'escalate_access', 'send_booking_link', 'reply_early_arrival']);
const BOOKING_DECISIONS = new Set(['extend_session_link', 'escalate_booking_change', 'escalate_refund']);

const minutes = (ms: number): number => ms / 60_000;

/** Remote fixes of a bay's devices (what a reboot that did not help makes doubtful). */
const REMOTE_FIXES = new Set(['reset_trackman', 'reboot_bay_pc', 'projector_power_on', 'power_cycle_tv']);
/**
 * Replies whose rightness is the sender's booking, not the wording: "can we add another 30 min" earns an
 * extension link while a session runs and a booking link when there is none.
 */
const BOOKING_STATE_REPLIES = new Set(['send_booking_link', 'extend_session_link', 'reply_early_arrival']);
const REBOOTED_FACT = 'bay_rebooted';
const REBOOTED = `${REBOOTED_FACT}=recent`;

/** The event's bay had its PC rebooted within the reboot window (the venue's log or the system's own). */
function rebootedRecently(mem: VenueMemory, event: VenueEvent, log: readonly LoggedAction[]): boolean {
  const r = mem.resolve(event);
  return r.location !== null && r.bay !== null && rebootLimitReached(guardLog(event, log), r.location.value, r.bay.value, event.t);
}

function venueParams(mem: VenueMemory, event: MemoryEvent, decision: string): DecisionParams {
  return isVenueEvent(event) ? paramsForDecision(decision, event, mem.resolve(event)) : {};
}

function venueGuards(mem: VenueMemory, event: MemoryEvent, decision: string, params: DecisionParams, log: readonly LoggedAction[]): GuardBlock[] {
  if (!isVenueEvent(event)) return [];
  const blocks = venueGuard(decision, params, event.t, guardLog(event, log));
  // A bay action with no bay or location to act on cannot run: the catalogue's answer is to ask which bay.
  const needs = catalogueEntry(decision);
  if (needs?.kind === 'action' && needs.params.includes('bay') && (params.bay === undefined || params.location === undefined)) {
    blocks.push({ guard: 'target_unknown', fallback: 'clarify_bay', route: 'redirect' });
  }
  // Asking which bay when both bay and location are already known is a misreading, not a clarification.
  const resolved = mem.resolve(event);
  if (decision === 'clarify_bay' && resolved.location !== null && resolved.bay !== null) {
    blocks.push({ guard: 'bay_already_known', fallback: UNKNOWN_DECISION, route: 'handoff' });
  }
  // A projector that went dark right after the session ended was switched off by the session-end rule.
  const b = event.context.booking;
  if (decision === 'projector_power_on' && event.kind === 'message' && b !== null) {
    const sinceEnd = minutes(event.t.getTime() - b.endsAt.getTime());
    if (sinceEnd > 0 && sinceEnd <= 30) blocks.push({ guard: 'session_ended', fallback: 'extend_session_link', route: 'handoff' });
  }
  return blocks;
}

/** Where the sender's booking stands now, as facts shared by the Access and Booking modules. */
function bookingFacts(mem: VenueMemory, event: VenueEvent, log: readonly LoggedAction[]): string[] {
  const b = event.context.booking;
  const location = mem.resolve(event).location?.value ?? null;
  const facts = [`window=${bookingWindow(b, location, event.t).kind}`];
  if (b !== null) {
    const t = event.t.getTime();
    if (t >= b.startsAt.getTime() && minutes(t - b.endsAt.getTime()) <= 10) facts.push('booking=running');
    else if (t > b.endsAt.getTime() && minutes(t - b.endsAt.getTime()) <= 30) facts.push('booking=just_ended');
    else if (t < b.startsAt.getTime()) facts.push('booking=future');
    const unlocks = guardLog(event, log).filter((a) => a.action === 'unlock_door' && a.bookingId === b.id).length;
    facts.push(`unlocks=${Math.min(unlocks, 2)}`);
  } else facts.push('booking=none');
  if (location !== null && outageOpen(guardLog(event, log), location, event.t)) facts.push('outage=open');
  return facts;
}

/** Builds the venue module set (one shared memory) followed by the generic text module. */
export function venueModules(): PatternModule[] {
  const mem = new VenueMemory();
  const guards = (event: MemoryEvent, decision: string, params: DecisionParams, log: readonly LoggedAction[]): GuardBlock[] =>
    venueGuards(mem, event, decision, params, log);
  const base = {
    params: (event: MemoryEvent, decision: string) => venueParams(mem, event, decision),
    guards,
    label: (_e: MemoryEvent, truth: Truth) => truth.decision,
    forced: () => null,
  };

  const error: PatternModule = {
    ...base,
    name: 'error',
    snapshot: () => mem.toState(),
    restore: (state) => mem.restore(state as VenueMemoryState),
    handles: (event) => isVenueEvent(event),
    owns: (d) => ERROR_DECISIONS.has(d),
    facts: (event, log) => {
      if (!isVenueEvent(event)) return [];
      // Every venue event passes here first: the shared memory learns from it exactly once.
      mem.observe(event, guardLog(event, log));
      const r = mem.resolve(event);
      // Cross-domain learning: the incident this event joins (a device fault before a message, or the reverse).
      const link = mem.incident(event);
      const common = [
        `kind=${event.kind}`,
        `channel=${event.channel}`,
        `loc=${r.location === null ? 'unknown' : 'known'}`,
        `bay=${r.bay === null ? 'unknown' : r.bay.source}`,
        ...(link === null ? [] : [link.fact]),
        ...(rebootedRecently(mem, event, log) ? [REBOOTED] : []),
      ];
      if (event.kind !== 'device_event') return common;
      const line = classifyDeviceLine(event.from, event.text);
      return [...common, `line=${line.type}`, `device=${line.device}`, `unit=${line.unit?.kind ?? 'none'}`, `booked=${event.context.booking !== null}`, `outage=${mem.outageVerdict(event) ?? 'none'}`];
    },
    // A device line turns on its type and the bay's booking; a remote fix in a bay whose PC was just rebooted
    // also on that reboot (only as operators did after a reboot before).
    decisiveFacts: (decision) => (REMOTE_FIXES.has(decision) ? ['line', 'booked', REBOOTED_FACT] : ['line', 'booked']),
    forced: (event) => {
      if (!isVenueEvent(event) || event.kind !== 'device_event') return null;
      const verdict = mem.outageVerdict(event);
      if (verdict !== 'site_power_or_network' && verdict !== 'outage_open' && verdict !== 'burst') return null;
      const location = mem.resolve(event).location?.value;
      return { decision: 'escalate_site_outage', params: location === undefined ? {} : { location }, emergency: false, reason: `outage:${verdict}` };
    },
    label: (event, truth, log) => {
      if (!isVenueEvent(event) || truth.decision !== 'escalate_tech') return truth.decision;
      const r = mem.resolve(event);
      if (r.location === null || r.bay === null) return truth.decision;
      const gl = guardLog(event, log);
      if (resetLimitReached(gl, r.location.value, r.bay.value, event.t)) return 'reset_trackman';
      if (rebootLimitReached(gl, r.location.value, r.bay.value, event.t)) return 'reboot_bay_pc';
      return truth.decision;
    },
  };

  const access: PatternModule = {
    ...base,
    name: 'access',
    handles: (event) => isVenueEvent(event) && event.kind === 'message',
    owns: (d) => ACCESS_DECISIONS.has(d),
    facts: (event, log) => (isVenueEvent(event) ? bookingFacts(mem, event, log) : []),
    decisiveFacts: (decision) => (BOOKING_STATE_REPLIES.has(decision) ? ['booking'] : []),
    guards: (event, decision, params, log) => {
      const blocks = guards(event, decision, params, log);
      if (decision !== 'unlock_door' || !isVenueEvent(event)) return blocks;
      const at = mem.resolve(event).location?.value ?? null;
      // The door opens only for the sender's own booking, at that location, inside its window.
      const allowed = isUnlockAllowed(event.kind, event.context.booking, at, event.t);
      return allowed ? blocks : [...blocks, { guard: 'unlock_window', fallback: 'escalate_access', route: 'handoff' }];
    },
    label: (event, truth, log) => {
      const b = isVenueEvent(event) ? event.context.booking : null;
      if (truth.decision === 'escalate_access' && b !== null && isVenueEvent(event) && unlockCapReached(guardLog(event, log), b.id, event.t)) {
        return 'unlock_door';
      }
      return truth.decision;
    },
  };

  const booking: PatternModule = {
    ...base,
    name: 'booking',
    handles: () => false,
    owns: (d) => BOOKING_DECISIONS.has(d),
    facts: () => [],
    guards: (event, decision, params, log) => {
      const blocks = guards(event, decision, params, log);
      // An extension link only makes sense for a booking that is running (or ended minutes ago).
      if (decision === 'extend_session_link' && (params.bookingId === undefined || !isVenueEvent(event) || event.context.booking === null)) {
        return [...blocks, { guard: 'no_running_booking', fallback: 'escalate_booking_change', route: 'handoff' }];
      }
      return blocks;
    },
  };

  const message: PatternModule = {
    ...base,
    name: 'decision',
    handles: (event) => isVenueEvent(event) && event.kind === 'message',
    owns: () => true,
    facts: () => [],
    forced: (event) => {
      if (!isVenueEvent(event) || event.kind !== 'message') return null;
      const verdict = detectEmergency(event.text);
      if (!verdict.emergency) return null;
      const r = mem.resolve(event);
      return {
        decision: 'escalate_emergency',
        params: { ...(r.location !== null ? { location: r.location.value } : {}), ...(r.bay !== null ? { bay: r.bay.value } : {}) },
        emergency: true,
        reason: `emergency:${verdict.category ?? 'unspecified'}`,
      };
    },
  };

  return [error, access, booking, message, decisionModule];
}

import type { ExecutionTier } from './types.js';

/**
 * The action catalogue (DOMAIN.md, shared/data/venue/README.md) as data. `maxTier` is the loosest tier
 * at which the decision may ever execute; the policy layer caps every proposal at it, whatever the
 * classifier's confidence, so a misclassification can never automate a reboot or a refund.
 */
export type DecisionKind = 'action' | 'reply' | 'ticket' | 'log' | 'handoff';

/** Why a decision is held back from automation (DOMAIN.md "never automated"). */
export type RiskClass =
  | 'routine' // repeatable, reversible or harmless
  | 'session_impact' // kills a running session (reboot)
  | 'access' // opens a door: only inside a valid booking window
  | 'customer_facing' // links and tickets a human should glance at
  | 'money' // refunds, credits
  | 'booking_change'
  | 'security'
  | 'emergency'
  | 'outage'
  | 'handoff';

export type ParamKey = 'location' | 'bay' | 'bookingId' | 'device' | 'category' | 'item';

export interface CatalogueEntry {
  readonly decision: string;
  readonly kind: DecisionKind;
  readonly maxTier: ExecutionTier;
  readonly risk: RiskClass;
  /** Parameters the decision needs to execute (scored in replay). */
  readonly params: readonly ParamKey[];
  /** Safe to retry after an ambiguous timeout (DOMAIN.md: unlock, SMS, reboot are not). */
  readonly idempotent: boolean;
}

const e = (
  decision: string,
  kind: DecisionKind,
  maxTier: ExecutionTier,
  risk: RiskClass,
  params: readonly ParamKey[],
  idempotent: boolean,
): CatalogueEntry => Object.freeze({ decision, kind, maxTier, risk, params: Object.freeze([...params]), idempotent });

const faq = (topic: string): CatalogueEntry => e(`reply_faq_${topic}`, 'reply', 'auto', 'routine', ['location'], false);

export const FAQ_TOPICS = ['hours', 'guests', 'food', 'clubs', 'giftcards', 'trackman_account', 'pricing', 'directions'] as const;

export const CATALOGUE: readonly CatalogueEntry[] = Object.freeze([
  e('reset_trackman', 'action', 'auto', 'routine', ['location', 'bay'], true),
  e('reboot_bay_pc', 'action', 'queue', 'session_impact', ['location', 'bay'], false),
  e('projector_power_on', 'action', 'auto', 'routine', ['location', 'bay'], true),
  e('power_cycle_tv', 'action', 'auto', 'routine', ['location', 'bay'], true),
  e('unlock_door', 'action', 'auto', 'access', ['location', 'bookingId'], false),
  e('clarify_bay', 'reply', 'auto', 'routine', ['location'], false),
  e('send_booking_link', 'reply', 'auto', 'routine', ['location'], false),
  e('reply_early_arrival', 'reply', 'auto', 'routine', ['location', 'bookingId'], false),
  e('extend_session_link', 'reply', 'suggest', 'customer_facing', ['location', 'bay', 'bookingId'], false),
  ...FAQ_TOPICS.map(faq),
  e('create_tech_ticket', 'ticket', 'suggest', 'customer_facing', ['location', 'bay', 'device'], true),
  e('create_facilities_ticket', 'ticket', 'auto', 'routine', ['location', 'bay', 'category'], true),
  e('lost_and_found_ticket', 'ticket', 'suggest', 'customer_facing', ['location', 'bay', 'item'], true),
  e('ack_no_action', 'log', 'auto', 'routine', ['location', 'bay'], true),
  e('escalate_tech', 'handoff', 'human', 'handoff', ['location', 'bay'], true),
  e('escalate_access', 'handoff', 'human', 'access', ['location', 'bookingId'], true),
  e('escalate_booking_change', 'handoff', 'human', 'booking_change', ['location', 'bookingId'], true),
  e('escalate_refund', 'handoff', 'human', 'money', ['location', 'bookingId'], true),
  e('escalate_security', 'handoff', 'human', 'security', ['location'], true),
  e('escalate_emergency', 'handoff', 'human', 'emergency', ['location', 'bay', 'category'], true),
  e('escalate_site_outage', 'handoff', 'human', 'outage', ['location'], true),
]);

const byName = new Map(CATALOGUE.map((c) => [c.decision, c]));

/** The catalogue entry of a decision, or undefined for `__unknown__` and names outside the catalogue. */
export function catalogueEntry(decision: string): CatalogueEntry | undefined {
  return byName.get(decision);
}

/** Handoffs (every `escalate_*`) and `__unknown__` route to a human; they are never executed. */
export function isExecutable(decision: string): boolean {
  const entry = byName.get(decision);
  return entry !== undefined && entry.kind !== 'handoff';
}

/**
 * Scheduled rotation, pure: when a successor is due, how long the predecessor overlaps, when owners are reminded.
 * Unlike a manual "reroll" with a fixed overlap, the grace window is bounded by the predecessor's own maximum
 * lifetime, so rotation can never extend a key past the policy.
 */
export const DAY_MS = 24 * 60 * 60 * 1000;
export const DEFAULT_GRACE_DAYS = 7;
export const REMINDER_DAYS = [14, 7, 1] as const;

export interface KeyPolicy {
  readonly rotationDays: number;
  readonly graceDays: number;
  /** Maximum lifetime of any key. */
  readonly maxLifetimeDays: number;
}

export const DEFAULT_MAX_LIFETIME_DAYS = 365;

/** @example rotateAtFor(created, policy) = created + rotationDays */
export const rotateAtFor = (createdAt: Date, policy: KeyPolicy): Date => new Date(createdAt.getTime() + policy.rotationDays * DAY_MS);

/** A requested expiry is clamped to the maximum lifetime; none requested means the maximum. */
export function expiryFor(createdAt: Date, requested: Date | null, policy: KeyPolicy): Date {
  const max = createdAt.getTime() + policy.maxLifetimeDays * DAY_MS;
  return new Date(requested === null ? max : Math.min(requested.getTime(), max));
}

/** The predecessor's grace end: now + grace, never after its own expiry. */
export function graceEndFor(now: Date, predecessorExpiresAt: Date | null, graceDays: number): Date {
  const end = now.getTime() + graceDays * DAY_MS;
  return new Date(predecessorExpiresAt === null ? end : Math.min(end, predecessorExpiresAt.getTime()));
}

/**
 * Which expiry reminders are due and not yet sent, largest first.
 * @example dueReminders(expiresAt, now, [14]) // [7] when now is 6 days before expiry and 14 was sent
 */
export function dueReminders(expiresAt: Date, now: Date, alreadySent: readonly number[]): number[] {
  const left = expiresAt.getTime() - now.getTime();
  if (left <= 0) return [];
  return REMINDER_DAYS.filter((d) => left <= d * DAY_MS && !alreadySent.includes(d));
}

/** What a machine client may do. Operators (humans) are authorised by role instead. */
export const SCOPES = [
  'events:write',
  'events:read',
  'actions:execute',
  'patterns:read',
  'bookings:read',
  'bookings:write',
  'venue:read',
  'venue:write',
  'audit:read',
  'security:write',
  'security:read',
] as const;

export type Scope = (typeof SCOPES)[number];

export const isScope = (s: string): s is Scope => (SCOPES as readonly string[]).includes(s);

/** @example missingScopes(['events:write'], ['events:write', 'patterns:read']) // ['patterns:read'] */
export function missingScopes(granted: readonly string[], required: readonly string[]): string[] {
  return required.filter((s) => !granted.includes(s));
}

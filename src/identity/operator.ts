import type { Role } from '../security/guard/routeContract.js';

export interface Operator {
  readonly id: string;
  readonly username: string;
  readonly displayName: string;
  readonly role: Role;
  /** Locations this operator may see and act on; null = every location. */
  readonly locations: readonly string[] | null;
  readonly createdAt: Date;
  readonly disabledAt: Date | null;
}

/** Who is making a request: a human operator (session) or a machine (API key). */
export type Principal =
  | {
      readonly kind: 'operator';
      readonly operatorId: string;
      readonly username: string;
      readonly role: Role;
      readonly locations: readonly string[] | null;
      readonly sessionId: string;
    }
  | {
      readonly kind: 'key';
      readonly keyId: string;
      readonly familyId: string;
      readonly name: string;
      readonly scopes: readonly string[];
      readonly locations: readonly string[] | null;
      readonly inGrace: boolean;
    };

/** Object-level authorization: may this principal see or act on that location? */
export function canAccessLocation(p: Principal, location: string | null): boolean {
  if (p.locations === null) return true;
  if (location === null) return false;
  return p.locations.some((l) => l.toLowerCase() === location.toLowerCase());
}

export const actorOf = (p: Principal): { type: 'operator' | 'api_key'; id: string } =>
  p.kind === 'operator' ? { type: 'operator', id: p.operatorId } : { type: 'api_key', id: p.keyId };

import { api, setCsrfToken } from './api.js';

export type Role = 'viewer' | 'operator' | 'supervisor' | 'admin';
export interface Operator {
  readonly id: string;
  readonly username: string;
  readonly displayName: string;
  readonly role: Role;
  readonly locations: readonly string[] | null;
}
interface SessionAnswer {
  readonly operator: Operator;
  readonly csrfToken: string;
  readonly expiresAt: string;
}

const RANK: Readonly<Record<Role, number>> = { viewer: 0, operator: 1, supervisor: 2, admin: 3 };
export const atLeast = (op: Operator, role: Role): boolean => RANK[op.role] >= RANK[role];

export async function signIn(username: string, password: string): Promise<Operator> {
  const s = await api<SessionAnswer>('POST', '/v1/auth/login', { username, password });
  setCsrfToken(s.csrfToken);
  return s.operator;
}

export async function firstRunSetup(input: { token: string; username: string; password: string; displayName?: string }): Promise<Operator> {
  const s = await api<SessionAnswer>('POST', '/v1/setup', input);
  setCsrfToken(s.csrfToken);
  return s.operator;
}

export async function signOut(): Promise<void> {
  try {
    await api<null>('POST', '/v1/auth/logout', {});
  } finally {
    setCsrfToken(null);
  }
}

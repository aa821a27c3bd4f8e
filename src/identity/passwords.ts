import { hash, verify } from '@node-rs/argon2';

// Algorithm.Argon2id; the package exports it as an ambient const enum, which isolated modules cannot read.
const ARGON2ID = 2;

/** argon2id with OWASP's recommended minimum (19 MiB, 2 passes, 1 lane). */
const PARAMS = { algorithm: ARGON2ID, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export const MIN_PASSWORD_LENGTH = 12;
export const MAX_PASSWORD_LENGTH = 256;

export type PasswordProblem = 'too_short' | 'too_long' | 'same_as_username';

/** @example passwordProblem('short', 'ana') === 'too_short' */
export function passwordProblem(password: string, username: string): PasswordProblem | null {
  if ([...password].length < MIN_PASSWORD_LENGTH) return 'too_short';
  if (password.length > MAX_PASSWORD_LENGTH) return 'too_long';
  if (password.toLowerCase().includes(username.toLowerCase())) return 'same_as_username';
  return null;
}

export const hashPassword = (password: string): Promise<string> => hash(password, PARAMS);

export async function verifyPassword(stored: string, password: string): Promise<boolean> {
  try {
    return await verify(stored, password);
  } catch {
    return false;
  }
}

/** Compared against when the account does not exist, so a miss costs the same time as a wrong password. */
export const DUMMY_HASH = '$argon2id$v=19$m=19456,t=2,p=1$EFlOdZPPz+xV0xczouO7pw$PywW59arhxMDudGUBkNesV9o+IGzfnaBxtOnnwhiFaw';

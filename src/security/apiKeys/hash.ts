import { createHmac } from 'node:crypto';

/**
 * Keys are stored as HMAC-SHA-256 under a server-side pepper that never enters the database, so a stolen table
 * cannot be brute-forced offline. Peppers are versioned: a new version hashes new keys, old versions keep
 * verifying the keys they hashed until those rotate out.
 */
export interface Pepper {
  readonly version: number;
  readonly secret: Buffer;
}

export const hashApiKey = (key: string, pepper: Pepper): string => createHmac('sha256', pepper.secret).update(key, 'utf8').digest('hex');

/** The newest pepper hashes new keys. */
export function currentPepper(peppers: readonly Pepper[]): Pepper {
  const newest = [...peppers].sort((a, b) => b.version - a.version)[0];
  if (!newest) throw new Error('no API key pepper configured');
  return newest;
}

/** Parses `API_KEY_PEPPERS` = `1:<base64>,2:<base64>` (each secret at least 32 bytes). */
export function parsePeppers(raw: string): Pepper[] {
  const peppers = raw.split(',').map((part) => {
    const m = /^\s*(\d{1,4}):([A-Za-z0-9+/=_-]+)\s*$/.exec(part);
    if (!m) throw new Error('each pepper must look like <version>:<base64 secret>');
    const secret = Buffer.from(m[2]!, 'base64');
    if (secret.length < 32) throw new Error(`pepper version ${m[1]} must be at least 32 bytes`);
    return { version: Number(m[1]), secret };
  });
  if (new Set(peppers.map((p) => p.version)).size !== peppers.length) throw new Error('pepper versions must be unique');
  return peppers;
}

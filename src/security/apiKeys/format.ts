import { randomBytes } from 'node:crypto';
import { crc32 } from 'node:zlib';

/**
 * API key format `clubos_<env>_<secret>_<checksum>`: 32 random bytes in base62 (43 chars) and a CRC-32 of
 * everything before it (base62, 6 chars). The checksum rejects typos and guessed keys before any database
 * lookup; the fixed prefix lets secret scanners find leaked keys.
 */
export const KEY_ENVS = ['live', 'test'] as const;
export type KeyEnv = (typeof KEY_ENVS)[number];

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const SECRET_BYTES = 32;
const SECRET_CHARS = 43; // ceil(256 / log2(62))
const CHECKSUM_CHARS = 6; // 62^6 > 2^32
const KEY_PATTERN = /^clubos_(live|test)_([0-9A-Za-z]{43})_([0-9A-Za-z]{6})$/;
/** Finds key-shaped strings anywhere (URLs, bodies, logs): what a secret scanner would match. */
export const KEY_SCAN_PATTERN = /clubos_(?:live|test)_[0-9A-Za-z]{43}_[0-9A-Za-z]{6}/;

function base62(bytes: Uint8Array, width: number): string {
  let n = 0n;
  for (const b of bytes) n = (n << 8n) | BigInt(b);
  let out = '';
  while (n > 0n) {
    out = ALPHABET[Number(n % 62n)] + out;
    n /= 62n;
  }
  return out.padStart(width, '0');
}

const checksumOf = (head: string): string => {
  const c = crc32(head) >>> 0;
  return base62(new Uint8Array([c >>> 24, (c >>> 16) & 0xff, (c >>> 8) & 0xff, c & 0xff]), CHECKSUM_CHARS);
};

/** @example newApiKey('live') // 'clubos_live_7Gq…_3fZ0aB' */
export function newApiKey(env: KeyEnv, entropy: Uint8Array = randomBytes(SECRET_BYTES)): string {
  if (entropy.length !== SECRET_BYTES) throw new RangeError(`an API key needs ${SECRET_BYTES} bytes of entropy`);
  const head = `clubos_${env}_${base62(entropy, SECRET_CHARS)}`;
  return `${head}_${checksumOf(head)}`;
}

export interface ParsedKey {
  readonly env: KeyEnv;
  /** The first characters after the env: safe to display and to search by ("clubos_live_7Gq4…"). */
  readonly displayPrefix: string;
}

/** Format and checksum only: no lookup. Null for anything that is not a well-formed ClubOS key. */
export function parseApiKey(candidate: string): ParsedKey | null {
  const m = KEY_PATTERN.exec(candidate);
  if (!m) return null;
  const head = `clubos_${m[1]}_${m[2]}`;
  if (checksumOf(head) !== m[3]) return null;
  return { env: m[1] as KeyEnv, displayPrefix: `clubos_${m[1]}_${m[2]!.slice(0, 6)}` };
}

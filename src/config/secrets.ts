import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from './config.js';

/**
 * Secret material. Configured values win; what is missing is generated once and kept in
 * `DATA_DIR/secrets.json` (mode 0600) so `npm start` works with zero setup and survives restarts.
 * Several instances must share configured secrets: a generated file is per machine.
 */
export interface Secrets {
  /** `1:<base64>[,2:<base64>…]` */
  readonly apiKeyPeppers: string;
  /** Ed25519 private key: PKCS#8 PEM or a base64 32-byte seed. */
  readonly auditSigningKey: string;
  /** base64, ≥ 32 bytes: pseudonymises phone numbers and texts in audit bodies. */
  readonly auditHmacKey: string;
  /** Verifies leak reports sent to /v1/security/leaked-keys: the HMAC key is this text as written (generated as base64, never decoded). */
  readonly leakReportSecret: string;
  /** Which values came from the local file rather than configuration. */
  readonly generated: readonly string[];
  /** True when this call created or extended the local file (first start). */
  readonly createdFile: boolean;
}

const gen = () => randomBytes(32).toString('base64');

export function resolveSecrets(config: Config): Secrets {
  const c = config.secrets;
  const missing = {
    apiKeyPeppers: c.apiKeyPeppers === null,
    auditSigningKey: c.auditSigningKey === null,
    auditHmacKey: c.auditHmacKey === null,
    leakReportSecret: c.leakReportSecret === null,
  };
  if (!Object.values(missing).some(Boolean)) {
    return { ...(c as Omit<Secrets, 'generated' | 'createdFile'>), generated: [], createdFile: false };
  }
  const file = join(config.dataDir, 'secrets.json');
  const stored: Partial<Record<keyof typeof missing, string>> = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {};
  const local = {
    apiKeyPeppers: stored.apiKeyPeppers ?? `1:${gen()}`,
    auditSigningKey: stored.auditSigningKey ?? gen(),
    auditHmacKey: stored.auditHmacKey ?? gen(),
    leakReportSecret: stored.leakReportSecret ?? gen(),
  };
  const createdFile = JSON.stringify(local) !== JSON.stringify(stored);
  if (createdFile) {
    mkdirSync(config.dataDir, { recursive: true });
    writeFileSync(file, `${JSON.stringify(local, null, 2)}\n`, { mode: 0o600 });
    chmodSync(file, 0o600);
  }
  const pick = (k: keyof typeof missing) => (missing[k] ? local[k] : (c[k] as string));
  return {
    apiKeyPeppers: pick('apiKeyPeppers'),
    auditSigningKey: pick('auditSigningKey'),
    auditHmacKey: pick('auditHmacKey'),
    leakReportSecret: pick('leakReportSecret'),
    generated: (Object.keys(missing) as Array<keyof typeof missing>).filter((k) => missing[k]),
    createdFile,
  };
}

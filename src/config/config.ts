import { isIP } from 'node:net';
import { resolve } from 'node:path';
import { DEFAULT_FLAGS, FEATURE_FLAGS, type FeatureFlags, flagEnvName } from './flags.js';
import { DEFAULT_POLICY } from '../decisionMemory/policy.js';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

/** The whole configuration, parsed once from the environment and frozen. */
export interface Config {
  readonly port: number;
  readonly host: string;
  readonly dataDir: string;
  readonly databaseUrl: string | null;
  readonly redisUrl: string | null;
  readonly logLevel: LogLevel;
  /** Adds internal error messages to problem responses. Never set in production. */
  readonly devErrors: boolean;
  readonly pattern: { readonly high: number; readonly medium: number; readonly low: number };
  /** Tolerated share of wrong executions that the suggest band's floor steers by (0: only pattern records open it). */
  readonly suggestErrorBudget: number;
  /**
   * PATTERN_ACCESS_FAMILIARITY: how similar a remembered, approved door unlock must be for an unlock to run without a
   * human (policy.ts `accessFamiliarity`); higher is stricter.
   */
  readonly accessFamiliarity: number;
  /** ENGINE_SNAPSHOT_STEPS: new history steps between two engine snapshots (0 = write none; restoring still works). */
  readonly engineSnapshotSteps: number;
  readonly apiKeyRotationDays: number;
  readonly complianceRetentionDays: number;
  readonly performance: { readonly cpuLimitPercent: number; readonly memoryLimitMb: number };
  readonly rateLimit: { readonly windowMs: number; readonly max: number };
  /** Proxies whose X-Forwarded-For is believed (TRUSTED_PROXIES: comma-separated IPs/CIDRs); empty = none. */
  readonly trustedProxies: readonly string[];
  /** Heartbeat of the console's live stream (ms); the session is re-checked at each. */
  readonly liveHeartbeatMs: number;
  readonly flags: FeatureFlags;
  /** Raw secret material; null = not configured (see config/secrets.ts for the local fallback). */
  readonly secrets: {
    readonly apiKeyPeppers: string | null;
    readonly auditSigningKey: string | null;
    readonly auditHmacKey: string | null;
    readonly leakReportSecret: string | null;
    /** OpenPhone webhook signing key (base64, as OpenPhone shows it); null = the webhook accepts nothing. */
    readonly openPhoneWebhookSecret: string | null;
  };
  readonly keys: { readonly graceDays: number; readonly maxLifetimeDays: number; readonly env: 'live' | 'test' };
  readonly notify: {
    readonly webhookUrl: string | null;
    readonly webhookSecret: string | null;
    readonly slackWebhookUrl: string | null;
  };
  /** Execution (issue 5): suggestion veto window, call deadlines, the integrations and the simulator fallback. */
  readonly execution: {
    readonly suggestionTimeoutMs: number;
    readonly deadlineMs: number;
    /** CLUBOS_INTEGRATIONS: inline JSON (starts with `{`) or a file path; null = the simulator serves everything. */
    readonly integrations: string | null;
    readonly bookingLink: string;
    readonly simulatorLocations: readonly { readonly name: string; readonly code: string; readonly bays: number }[];
  };
  /** Venue records: the booking link templates use where a location has none of its own. */
  readonly venue: { readonly bookingUrl: string | null };
}

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    readonly expected: string,
    readonly got: string,
  ) {
    super(`invalid configuration: ${variable} must be ${expected} (got ${JSON.stringify(got)})`);
    this.name = 'ConfigError';
  }
}

type Env = Readonly<Record<string, string | undefined>>;

function read(env: Env, name: string): string | undefined {
  const v = env[name];
  return v === undefined || v.trim() === '' ? undefined : v.trim();
}

function num(env: Env, name: string, def: number, min: number, max: number, integer: boolean): number {
  const raw = read(env, name);
  if (raw === undefined) return def;
  const n = Number(raw);
  const expected = `${integer ? 'an integer' : 'a number'} from ${min} to ${max}`;
  if (!/^-?\d+(\.\d+)?$/.test(raw) || !Number.isFinite(n) || n < min || n > max || (integer && !Number.isInteger(n))) {
    throw new ConfigError(name, expected, raw);
  }
  return n;
}

function bool(env: Env, name: string, def: boolean): boolean {
  const raw = read(env, name);
  if (raw === undefined) return def;
  if (/^(true|1|yes|on)$/i.test(raw)) return true;
  if (/^(false|0|no|off)$/i.test(raw)) return false;
  throw new ConfigError(name, 'true or false', raw);
}

function url(env: Env, name: string, protocols: readonly string[]): string | null {
  const raw = read(env, name);
  if (raw === undefined) return null;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(name, `a URL (${protocols.join(', ')})`, redactUrl(raw));
  }
  if (!protocols.includes(parsed.protocol)) throw new ConfigError(name, `a URL (${protocols.join(', ')})`, redactUrl(raw));
  return raw;
}

/** Never echo a password from a connection string into an error line. */
function redactUrl(raw: string): string {
  return raw.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');
}

function keyEnv(env: Env): 'live' | 'test' {
  const raw = read(env, 'API_KEY_ENV') ?? 'live';
  if (raw !== 'live' && raw !== 'test') throw new ConfigError('API_KEY_ENV', 'live or test', raw);
  return raw;
}

function trustedProxies(env: Env): string[] {
  const raw = read(env, 'TRUSTED_PROXIES');
  if (raw === undefined) return [];
  return raw.split(',').map((part) => {
    const p = part.trim();
    const [addr, bits, extra] = p.split('/');
    const max = addr !== undefined && isIP(addr) === 6 ? 128 : 32;
    const okBits = bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= max);
    if (addr === undefined || isIP(addr) === 0 || !okBits || extra !== undefined) throw new ConfigError('TRUSTED_PROXIES', 'comma-separated IP addresses or CIDRs', p);
    return p;
  });
}

function simulatorLocations(env: Env): { name: string; code: string; bays: number }[] {
  const raw = read(env, 'CLUBOS_SIMULATOR_LOCATIONS') ?? 'Dartmouth:DAR:4,Bedford:BED:2,Riverside:RIV:3';
  return raw.split(',').map((part) => {
    const m = /^\s*([^:,]{1,80}):([A-Za-z0-9]{1,12}):(\d{1,3})\s*$/.exec(part);
    if (m === null || Number(m[3]) < 1) throw new ConfigError('CLUBOS_SIMULATOR_LOCATIONS', 'comma-separated Name:CODE:bays entries', part);
    return { name: m[1]!.trim(), code: m[2]!, bays: Number(m[3]) };
  });
}

/** A base64 key of at least 16 bytes; the error names the variable, never the value. */
function base64Secret(env: Env, name: string): string | null {
  const raw = read(env, name);
  if (raw === undefined) return null;
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(raw) || Buffer.from(raw, 'base64').length < 16) throw new ConfigError(name, 'a base64 key of at least 16 bytes', '[redacted]');
  return raw;
}

const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/**
 * Parses and validates the environment. Throws a ConfigError naming the first bad variable and what is allowed.
 * @example parseConfig({ PORT: '8080' }).port === 8080
 */
export function parseConfig(env: Env): Config {
  const port = num(env, 'PORT', 3000, 0, 65535, true);
  const host = read(env, 'HOST') ?? '127.0.0.1';
  const logLevel = (read(env, 'LOG_LEVEL') ?? 'info') as LogLevel;
  if (!LOG_LEVELS.includes(logLevel)) throw new ConfigError('LOG_LEVEL', `one of ${LOG_LEVELS.join(', ')}`, logLevel);

  const high = num(env, 'PATTERN_CONFIDENCE_HIGH', 0.95, 0, 1, false);
  const medium = num(env, 'PATTERN_CONFIDENCE_MEDIUM', 0.75, 0, 1, false);
  const low = num(env, 'PATTERN_CONFIDENCE_LOW', 0.5, 0, 1, false);
  if (!(low < medium)) throw new ConfigError('PATTERN_CONFIDENCE_MEDIUM', `greater than PATTERN_CONFIDENCE_LOW (${low})`, String(medium));
  if (!(medium < high)) throw new ConfigError('PATTERN_CONFIDENCE_HIGH', `greater than PATTERN_CONFIDENCE_MEDIUM (${medium})`, String(high));

  const flags = Object.fromEntries(FEATURE_FLAGS.map((f) => [f, bool(env, flagEnvName(f), DEFAULT_FLAGS[f])])) as FeatureFlags;

  return Object.freeze({
    port,
    host,
    dataDir: resolve(read(env, 'DATA_DIR') ?? './data'),
    databaseUrl: url(env, 'DATABASE_URL', ['postgres:', 'postgresql:']),
    redisUrl: url(env, 'REDIS_URL', ['redis:', 'rediss:']),
    logLevel,
    devErrors: bool(env, 'CLUBOS_DEV_ERRORS', false),
    pattern: Object.freeze({ high, medium, low }),
    suggestErrorBudget: num(env, 'PATTERN_SUGGEST_ERROR_BUDGET', 0.015, 0, 0.1, false),
    accessFamiliarity: num(env, 'PATTERN_ACCESS_FAMILIARITY', DEFAULT_POLICY.accessFamiliarity, 0, 1, false),
    engineSnapshotSteps: num(env, 'ENGINE_SNAPSHOT_STEPS', 500, 0, 10_000_000, true),
    apiKeyRotationDays: num(env, 'API_KEY_ROTATION_DAYS', 90, 1, 3650, true),
    complianceRetentionDays: num(env, 'COMPLIANCE_RETENTION_DAYS', 365, 1, 36500, true),
    performance: Object.freeze({
      cpuLimitPercent: num(env, 'PERFORMANCE_CPU_LIMIT', 80, 1, 100, false),
      memoryLimitMb: num(env, 'PERFORMANCE_MEMORY_LIMIT', 1024, 64, 1_048_576, true),
    }),
    rateLimit: Object.freeze({
      windowMs: num(env, 'SECURITY_RATE_LIMIT_WINDOW', 900_000, 1000, 86_400_000, true),
      max: num(env, 'SECURITY_RATE_LIMIT_MAX', 100, 1, 1_000_000, true),
    }),
    trustedProxies: Object.freeze(trustedProxies(env)),
    liveHeartbeatMs: num(env, 'LIVE_HEARTBEAT_MS', 15_000, 100, 300_000, true),
    flags: Object.freeze(flags),
    secrets: Object.freeze({
      apiKeyPeppers: read(env, 'API_KEY_PEPPERS') ?? null,
      auditSigningKey: read(env, 'AUDIT_SIGNING_KEY') ?? null,
      auditHmacKey: read(env, 'AUDIT_HMAC_KEY') ?? null,
      leakReportSecret: read(env, 'LEAK_REPORT_SECRET') ?? null,
      openPhoneWebhookSecret: base64Secret(env, 'OPENPHONE_WEBHOOK_SECRET'),
    }),
    keys: Object.freeze({
      graceDays: num(env, 'API_KEY_GRACE_DAYS', 7, 0, 90, true),
      maxLifetimeDays: num(env, 'API_KEY_MAX_LIFETIME_DAYS', 365, 1, 3650, true),
      env: keyEnv(env),
    }),
    notify: Object.freeze({
      webhookUrl: url(env, 'NOTIFY_WEBHOOK_URL', ['http:', 'https:']),
      webhookSecret: read(env, 'NOTIFY_WEBHOOK_SECRET') ?? null,
      slackWebhookUrl: url(env, 'NOTIFY_SLACK_WEBHOOK_URL', ['http:', 'https:']),
    }),
    execution: Object.freeze({
      suggestionTimeoutMs: num(env, 'SUGGESTION_TIMEOUT', 120, 1, 86_400, true) * 1000,
      deadlineMs: num(env, 'EXECUTION_DEADLINE_MS', 30_000, 50, 600_000, true),
      // Never echoed in an error: it may carry credentials.
      integrations: read(env, 'CLUBOS_INTEGRATIONS') ?? null,
      bookingLink: url(env, 'BOOKING_LINK_URL', ['http:', 'https:']) ?? 'https://book.clubos.example',
      simulatorLocations: Object.freeze(simulatorLocations(env)),
    }),
    venue: Object.freeze({ bookingUrl: url(env, 'BOOKING_URL', ['http:', 'https:']) }),
  });
}

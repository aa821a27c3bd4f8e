import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../src/config/config.js';
import { DEFAULT_FLAGS, FEATURE_FLAGS, flagEnvName } from '../../src/config/flags.js';

describe('configuration', () => {
  it('uses the seed plan defaults when nothing is set', () => {
    const c = parseConfig({});
    expect(c.pattern).toEqual({ high: 0.95, medium: 0.75, low: 0.5 });
    expect(c.apiKeyRotationDays).toBe(90);
    expect(c.complianceRetentionDays).toBe(365);
    expect(c.performance).toEqual({ cpuLimitPercent: 80, memoryLimitMb: 1024 });
    expect(c.rateLimit).toEqual({ windowMs: 900_000, max: 100 });
    expect(c.suggestErrorBudget).toBe(0.015);
    expect(c.accessFamiliarity).toBe(0.5);
    expect(c.flags).toEqual(DEFAULT_FLAGS);
    expect(c.flags.autoExecution).toBe(false);
    expect(c.databaseUrl).toBeNull();
    expect(c.redisUrl).toBeNull();
    expect(c.port).toBe(3000);
    expect(Object.isFrozen(c)).toBe(true);
  });

  it('reads every variable of the seed plan and the flags from the environment', () => {
    const c = parseConfig({
      PATTERN_CONFIDENCE_HIGH: '0.9',
      PATTERN_CONFIDENCE_MEDIUM: '0.7',
      PATTERN_CONFIDENCE_LOW: '0.4',
      PATTERN_SUGGEST_ERROR_BUDGET: '0.01',
      PATTERN_ACCESS_FAMILIARITY: '0.8',
      API_KEY_ROTATION_DAYS: '30',
      COMPLIANCE_RETENTION_DAYS: '730',
      PERFORMANCE_CPU_LIMIT: '70',
      PERFORMANCE_MEMORY_LIMIT: '2048',
      SECURITY_RATE_LIMIT_WINDOW: '60000',
      SECURITY_RATE_LIMIT_MAX: '500',
      PORT: '8080',
      HOST: '0.0.0.0',
      DATABASE_URL: 'postgres://u:p@db:5432/clubos',
      REDIS_URL: 'redis://cache:6379',
      LOG_LEVEL: 'warn',
      FEATURE_AUTO_EXECUTION: 'true',
      FEATURE_PERFORMANCE_GUARD: 'off',
    });
    expect(c.pattern).toEqual({ high: 0.9, medium: 0.7, low: 0.4 });
    expect(c.suggestErrorBudget).toBe(0.01);
    expect(c.accessFamiliarity).toBe(0.8);
    expect([c.apiKeyRotationDays, c.complianceRetentionDays, c.port, c.host]).toEqual([30, 730, 8080, '0.0.0.0']);
    expect(c.performance).toEqual({ cpuLimitPercent: 70, memoryLimitMb: 2048 });
    expect(c.rateLimit).toEqual({ windowMs: 60_000, max: 500 });
    expect(c.flags.autoExecution).toBe(true);
    expect(c.flags.performanceGuard).toBe(false);
    expect(c.logLevel).toBe('warn');
  });

  it('names each flag FEATURE_<SNAKE_CASE>', () => {
    expect(FEATURE_FLAGS.map(flagEnvName)).toEqual([
      'FEATURE_ADAPTIVE_PATTERNS',
      'FEATURE_AUTO_EXECUTION',
      'FEATURE_API_KEY_ROTATION',
      'FEATURE_REQUEST_SANITIZATION',
      'FEATURE_COMPLIANCE_LOGGING',
      'FEATURE_PERFORMANCE_GUARD',
    ]);
  });

  const bad: Array<[string, string, string]> = [
    ['PORT', 'abc', 'an integer from 0 to 65535'],
    ['PORT', '70000', 'an integer from 0 to 65535'],
    ['PATTERN_CONFIDENCE_HIGH', '1.5', 'a number from 0 to 1'],
    ['PATTERN_CONFIDENCE_LOW', 'high', 'a number from 0 to 1'],
    ['PATTERN_SUGGEST_ERROR_BUDGET', '0.2', 'a number from 0 to 0.1'],
    ['PATTERN_ACCESS_FAMILIARITY', '1.5', 'a number from 0 to 1'],
    ['PATTERN_ACCESS_FAMILIARITY', 'strict', 'a number from 0 to 1'],
    ['API_KEY_ROTATION_DAYS', '0', 'an integer from 1 to 3650'],
    ['API_KEY_ROTATION_DAYS', '7.5', 'an integer from 1 to 3650'],
    ['COMPLIANCE_RETENTION_DAYS', '-1', 'an integer from 1 to 36500'],
    ['PERFORMANCE_CPU_LIMIT', '120', 'a number from 1 to 100'],
    ['PERFORMANCE_MEMORY_LIMIT', '1e3', 'an integer from 64 to 1048576'],
    ['SECURITY_RATE_LIMIT_WINDOW', '10', 'an integer from 1000 to 86400000'],
    ['SECURITY_RATE_LIMIT_MAX', 'lots', 'an integer from 1 to 1000000'],
    ['DATABASE_URL', 'mysql://x', 'a URL (postgres:, postgresql:)'],
    ['REDIS_URL', 'not a url', 'a URL (redis:, rediss:)'],
    ['LOG_LEVEL', 'loud', 'one of fatal, error, warn, info, debug, trace, silent'],
    ['FEATURE_AUTO_EXECUTION', 'maybe', 'true or false'],
    ['API_KEY_ENV', 'prod', 'live or test'],
    ['TRUSTED_PROXIES', '10.0.0.0/33', 'comma-separated IP addresses or CIDRs'],
    ['TRUSTED_PROXIES', '10.0.0.1, proxy.internal', 'comma-separated IP addresses or CIDRs'],
    ['TRUSTED_PROXIES', '2001:db8::/129', 'comma-separated IP addresses or CIDRs'],
    ['TRUSTED_PROXIES', '10.0.0.0/8/8', 'comma-separated IP addresses or CIDRs'],
    ['CLUBOS_SIMULATOR_LOCATIONS', 'Dartmouth:DAR:0', 'comma-separated Name:CODE:bays entries'],
    ['CLUBOS_SIMULATOR_LOCATIONS', 'Dartmouth:DAR:4,Bedford', 'comma-separated Name:CODE:bays entries'],
  ];
  it.each(bad)('rejects %s=%s naming the variable and what is allowed', (name, value, expected) => {
    const run = () => parseConfig({ [name]: value });
    expect(run).toThrow(ConfigError);
    expect(run).toThrow(`${name} must be ${expected}`);
  });

  it('accepts trusted proxies as IPv4 and IPv6 addresses and CIDRs, and simulator locations as Name:CODE:bays', () => {
    const c = parseConfig({ TRUSTED_PROXIES: '10.0.0.1, 10.0.0.0/8,2001:db8::/48 ,::1', CLUBOS_SIMULATOR_LOCATIONS: ' Halifax:HFX:6 ,Truro:TRU:1', API_KEY_ENV: 'test' });
    expect(c.trustedProxies).toEqual(['10.0.0.1', '10.0.0.0/8', '2001:db8::/48', '::1']);
    expect(c.execution.simulatorLocations).toEqual([
      { name: 'Halifax', code: 'HFX', bays: 6 },
      { name: 'Truro', code: 'TRU', bays: 1 },
    ]);
    expect(c.keys.env).toBe('test');
  });

  it('rejects a webhook signing key that is not base64 of 16 bytes, without echoing it', () => {
    for (const value of ['not base64!', Buffer.alloc(8, 1).toString('base64')]) {
      expect(() => parseConfig({ OPENPHONE_WEBHOOK_SECRET: value })).toThrow('OPENPHONE_WEBHOOK_SECRET must be a base64 key of at least 16 bytes');
      expect(() => parseConfig({ OPENPHONE_WEBHOOK_SECRET: value })).not.toThrow(value);
    }
  });

  it('rejects thresholds that are not ordered low < medium < high', () => {
    expect(() => parseConfig({ PATTERN_CONFIDENCE_MEDIUM: '0.96' })).toThrow('PATTERN_CONFIDENCE_HIGH must be greater than PATTERN_CONFIDENCE_MEDIUM');
    expect(() => parseConfig({ PATTERN_CONFIDENCE_LOW: '0.8' })).toThrow('PATTERN_CONFIDENCE_MEDIUM must be greater than PATTERN_CONFIDENCE_LOW');
  });

  it('never echoes a password of a connection string', () => {
    expect(() => parseConfig({ DATABASE_URL: 'mysql://admin:hunter2@db/x' })).toThrow(/admin:\*\*\*@/);
    expect(() => parseConfig({ DATABASE_URL: 'mysql://admin:hunter2@db/x' })).not.toThrow(/hunter2/);
  });

  it('accepts any in-range integer port and rejects any out-of-range one (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: -100_000, max: 200_000 }), (p) => {
        const parsed = (() => {
          try {
            return parseConfig({ PORT: String(p) }).port;
          } catch (err) {
            return err instanceof ConfigError ? 'rejected' : 'crashed';
          }
        })();
        expect(parsed).toBe(p >= 0 && p <= 65535 ? p : 'rejected');
      }),
    );
  });

  it('stops `clubos serve` with one clear line and exit code 2 on a bad value', () => {
    const bin = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));
    const res = spawnSync(process.execPath, [bin, 'serve'], {
      env: { ...process.env, DATABASE_URL: '', PATTERN_CONFIDENCE_HIGH: 'very', DATA_DIR: '/nonexistent' },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(res.status).toBe(2);
    expect(res.stdout).toBe('');
    const lines = res.stderr.trim().split('\n');
    expect(lines).toEqual(['clubos serve: invalid configuration: PATTERN_CONFIDENCE_HIGH must be a number from 0 to 1 (got "very")']);
  });
});

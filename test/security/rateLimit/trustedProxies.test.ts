import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../../src/config/config.js';

describe('TRUSTED_PROXIES', () => {
  it('trusts no proxy by default', () => {
    expect(parseConfig({}).trustedProxies).toEqual([]);
  });
  it('accepts comma-separated addresses and CIDRs of both families', () => {
    expect(parseConfig({ TRUSTED_PROXIES: '10.0.0.0/8, 192.0.2.7,2001:db8::/32' }).trustedProxies).toEqual(['10.0.0.0/8', '192.0.2.7', '2001:db8::/32']);
  });
  it.each(['10.0.0.0/33', 'proxy.local', '10.0.0.1/8/1', '2001:db8::/129', ''])('refuses %j with a ConfigError naming the variable', (bad) => {
    const parse = () => parseConfig({ TRUSTED_PROXIES: `10.0.0.1,${bad}` });
    expect(parse).toThrow(ConfigError);
    expect(parse).toThrow(/TRUSTED_PROXIES/);
  });
});

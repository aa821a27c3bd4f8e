import { BlockList } from 'node:net';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ipAllowed, ipPrefix, isCidr, normalizeIp } from '../../../src/security/apiKeys/network.js';

const v6Groups = fc.array(fc.integer({ min: 0, max: 0xffff }), { minLength: 8, maxLength: 8 });
const fullV6 = (g: readonly number[]) => g.map((x) => x.toString(16)).join(':');

describe('ipPrefix: the network a key is used from', () => {
  it('is the /24 of an IPv4 address, also when it arrives IPv4-mapped', () => {
    fc.assert(
      fc.property(fc.ipV4(), (ip) => {
        const [a, b, c] = ip.split('.');
        const want = `${a}.${b}.${c}.0/24`;
        expect(ipPrefix(ip)).toBe(want);
        expect(ipPrefix(`::ffff:${ip}`)).toBe(want);
        expect(ipPrefix(`::FFFF:${ip}`)).toBe(want);
      }),
    );
  });

  it('is the /48 of an IPv6 address, whichever way the address is written', () => {
    fc.assert(
      fc.property(v6Groups, fc.integer({ min: 3, max: 7 }), (groups, zerosFrom) => {
        const want = `${groups.slice(0, 3).map((x) => x.toString(16)).join(':')}::/48`;
        expect(ipPrefix(fullV6(groups))).toBe(want);
        // The same address with its tail of zero groups compressed to '::'.
        const compressed = [...groups.slice(0, zerosFrom), ...new Array(8 - zerosFrom).fill(0)];
        const wantC = `${compressed.slice(0, 3).map((x) => x.toString(16)).join(':')}::/48`;
        expect(ipPrefix(`${fullV6(compressed.slice(0, zerosFrom))}::`)).toBe(wantC);
        expect(ipPrefix(fullV6(compressed))).toBe(wantC);
      }),
    );
    expect(ipPrefix('::1')).toBe('0:0:0::/48');
    expect(ipPrefix('2001:db8::7')).toBe('2001:db8:0::/48');
    expect(ipPrefix('2001:db8:aa:bb::7')).toBe(ipPrefix('2001:db8:aa:cc::8'));
  });

  it('puts anything that is not an address in one bucket', () => {
    for (const bad of ['', 'localhost', '300.1.1.1', '1.2.3', '::gg']) expect(ipPrefix(bad)).toBe('invalid');
  });
});

describe('isCidr', () => {
  it('accepts an address with a prefix length its family can hold', () => {
    fc.assert(fc.property(fc.ipV4(), fc.integer({ min: 0, max: 32 }), (ip, bits) => {
        expect(isCidr(`${ip}/${bits}`)).toBe(true);
      }),
    );
    fc.assert(fc.property(v6Groups, fc.integer({ min: 0, max: 128 }), (g, bits) => {
        expect(isCidr(`${fullV6(g)}/${bits}`)).toBe(true);
      }),
    );
  });

  it('refuses a missing address, a missing or oversized prefix length, and non-digits', () => {
    for (const bad of ['/8', '10.0.0.0', '10.0.0.0/33', '2001:db8::/129', '10.0.0.0/-1', '10.0.0.0/8a', '10.0.0.0/0008', 'example.org/8', '']) expect(isCidr(bad), bad).toBe(false);
  });
});

describe('ipAllowed', () => {
  it('allows every address when the key has no allow-list', () => {
    fc.assert(fc.property(fc.oneof(fc.ipV4(), fc.ipV6()), (ip) => {
        expect(ipAllowed(ip, [])).toBe(true);
      }),
    );
  });

  it('agrees with a reference block list for IPv4 and IPv6 allow-lists', () => {
    fc.assert(
      fc.property(fc.ipV4(), fc.ipV4(), fc.integer({ min: 0, max: 32 }), (ip, net, bits) => {
        const ref = new BlockList();
        ref.addSubnet(net, bits, 'ipv4');
        expect(ipAllowed(ip, [`${net}/${bits}`])).toBe(ref.check(ip, 'ipv4'));
        expect(ipAllowed(`::ffff:${ip}`, [`${net}/${bits}`])).toBe(ref.check(ip, 'ipv4'));
      }),
    );
    expect(ipAllowed('2001:db8:1::5', ['2001:db8::/32'])).toBe(true);
    expect(ipAllowed('2001:db9::5', ['2001:db8::/32'])).toBe(false);
    expect(ipAllowed('2001:db8::5', ['10.0.0.0/8', '2001:db8::/32'])).toBe(true);
    expect(ipAllowed('10.1.2.3', ['2001:db8::/32'])).toBe(false);
  });

  it('refuses an unparseable client address and skips an unparseable list entry instead of throwing', () => {
    expect(ipAllowed('not-an-ip', ['0.0.0.0/0'])).toBe(false);
    expect(ipAllowed('10.1.2.3', ['garbage/8', '10.0.0.0/8'])).toBe(true);
    expect(ipAllowed('10.1.2.3', ['garbage/8'])).toBe(false);
  });

  it('normalizes only IPv4-mapped addresses', () => {
    expect(normalizeIp('::ffff:192.0.2.1')).toBe('192.0.2.1');
    expect(normalizeIp('::ffff:c000:201')).toBe('::ffff:c000:201');
    expect(normalizeIp('2001:db8::1')).toBe('2001:db8::1');
  });
});

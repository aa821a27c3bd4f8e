import { BlockList, isIP } from 'node:net';

/** An IPv4-mapped IPv6 address (::ffff:1.2.3.4) is the IPv4 address it carries. */
export function normalizeIp(ip: string): string {
  const m = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  return m ? m[1]! : ip;
}

/**
 * The network a client belongs to for usage tracking: /24 for IPv4, /48 for IPv6.
 * @example ipPrefix('203.0.113.77') // '203.0.113.0/24'
 */
export function ipPrefix(rawIp: string): string {
  const ip = normalizeIp(rawIp);
  const family = isIP(ip);
  if (family === 4) return `${ip.split('.').slice(0, 3).map(Number).join('.')}.0/24`;
  if (family === 6) return `${expandIpv6(ip).slice(0, 3).map((g) => g.toString(16)).join(':')}::/48`;
  return 'invalid';
}

function expandIpv6(ip: string): number[] {
  const [left, right] = ip.split('::') as [string, string | undefined];
  const parse = (s: string) => (s === '' ? [] : s.split(':').map((h) => Number.parseInt(h, 16)));
  const l = parse(left);
  const r = right === undefined ? [] : parse(right);
  return [...l, ...new Array(8 - l.length - r.length).fill(0), ...r];
}

/** Validates CIDR strings such as `10.0.0.0/8` or `2001:db8::/32`. */
export function isCidr(cidr: string): boolean {
  const [addr, bits] = cidr.split('/');
  const family = addr ? isIP(addr) : 0;
  const n = Number(bits);
  return family !== 0 && bits !== undefined && /^\d{1,3}$/.test(bits) && n <= (family === 4 ? 32 : 128);
}

/** @example ipAllowed('10.1.2.3', ['10.0.0.0/8']) === true; an empty list allows every address. */
export function ipAllowed(rawIp: string, cidrs: readonly string[]): boolean {
  if (cidrs.length === 0) return true;
  const ip = normalizeIp(rawIp);
  const family = isIP(ip);
  if (family === 0) return false;
  const list = new BlockList();
  for (const cidr of cidrs) {
    const [addr, bits] = cidr.split('/') as [string, string];
    const fam = isIP(addr);
    if (fam !== 0) list.addSubnet(addr, Number(bits), fam === 4 ? 'ipv4' : 'ipv6');
  }
  return list.check(ip, family === 4 ? 'ipv4' : 'ipv6');
}

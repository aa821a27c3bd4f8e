import { isIPv6 } from 'node:net';

/**
 * The subjects a pre-authentication limit and a ban apply to. IPv4 addresses are limited one by one; an IPv6
 * client also counts against its /56, because one subscriber (or attacker) gets a whole /56 or /48 and can rotate
 * through its addresses for free.
 */
export interface ClientSubjects {
  readonly ip: string;
  /** `2001:db8:ab:cd00::/56` for IPv6, null for IPv4. */
  readonly prefix: string | null;
}

function expandIPv6(ip: string): number[] | null {
  const zone = ip.indexOf('%');
  let addr = zone >= 0 ? ip.slice(0, zone) : ip;
  if (!isIPv6(addr)) return null;
  // A dotted IPv4 tail is two groups written differently.
  const v4 = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(addr);
  if (v4) {
    const o = v4.slice(1).map(Number) as [number, number, number, number];
    addr = `${addr.slice(0, v4.index)}${((o[0] << 8) | o[1]).toString(16)}:${((o[2] << 8) | o[3]).toString(16)}`;
  }
  const parse = (s: string) => (s === '' ? [] : s.split(':').map((h) => Number.parseInt(h, 16)));
  const gap = addr.indexOf('::');
  if (gap < 0) return parse(addr);
  const l = parse(addr.slice(0, gap));
  const r = parse(addr.slice(gap + 2));
  return [...l, ...Array<number>(8 - l.length - r.length).fill(0), ...r];
}

/**
 * @example subjectsOf('2001:db8:ab:cd12::1') // { ip: '2001:db8:ab:cd12::1', prefix: '2001:db8:ab:cd00::/56' }
 * @example subjectsOf('::ffff:203.0.113.9') // { ip: '203.0.113.9', prefix: null }
 */
export function subjectsOf(ip: string): ClientSubjects {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) return { ip: mapped[1]!, prefix: null };
  const groups = expandIPv6(ip);
  if (groups === null) return { ip, prefix: null };
  // /56 keeps the first three groups and the high byte of the fourth.
  const g = [groups[0]!, groups[1]!, groups[2]!, groups[3]! & 0xff00];
  return { ip, prefix: `${g.map((x) => x.toString(16)).join(':')}::/56` };
}

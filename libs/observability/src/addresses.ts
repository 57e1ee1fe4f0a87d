import { BlockList, isIPv4, isIPv6 } from 'node:net';

/** The named ranges TRUSTED_PROXIES and HEALTH_DETAILS_FROM accept (the names proxy-addr uses). */
const NAMED: Record<string, [string, number, 'ipv4' | 'ipv6'][]> = {
  loopback: [
    ['127.0.0.0', 8, 'ipv4'],
    ['::1', 128, 'ipv6'],
  ],
  linklocal: [
    ['169.254.0.0', 16, 'ipv4'],
    ['fe80::', 10, 'ipv6'],
  ],
  uniquelocal: [
    ['10.0.0.0', 8, 'ipv4'],
    ['172.16.0.0', 12, 'ipv4'],
    ['192.168.0.0', 16, 'ipv4'],
    ['fc00::', 7, 'ipv6'],
  ],
  none: [],
};

/** `::ffff:10.1.2.3` (an IPv4 client on a dual-stack socket) is the IPv4 address it carries. */
const unmapped = (ip: string): string => (ip.startsWith('::ffff:') && isIPv4(ip.slice(7)) ? ip.slice(7) : ip);

/**
 * A matcher for a comma-separated list of named ranges, addresses and CIDRs (as validated by the
 * configuration): true when `ip` falls in one of them. O(ranges) per call, no allocation.
 */
export function addressMatcher(list: string): (ip: string) => boolean {
  const blocks = new BlockList();
  for (const raw of list.split(',')) {
    const item = raw.trim();
    if (item in NAMED) {
      for (const [net, prefix, type] of NAMED[item]!) blocks.addSubnet(net, prefix, type);
      continue;
    }
    const [address, prefix] = item.split('/');
    const type = isIPv4(address!) ? 'ipv4' : isIPv6(address!) ? 'ipv6' : undefined;
    if (!type) throw new Error(`'${item}' is not an IP address, a CIDR or one of ${Object.keys(NAMED).join(', ')}`);
    if (prefix === undefined) blocks.addAddress(address!, type);
    else blocks.addSubnet(address!, Number(prefix), type);
  }
  return (ip: string) => {
    const address = unmapped(ip);
    const type = isIPv4(address) ? 'ipv4' : isIPv6(address) ? 'ipv6' : undefined;
    return type !== undefined && blocks.check(address, type);
  };
}

/**
 * The key a per-client limit counts under: the IPv4 address, or the /64 of an IPv6 address (one
 * subscriber gets a whole /64 and could otherwise rotate through 2^64 addresses to escape the limit).
 */
export function clientLimitKey(ip: string): string {
  const address = unmapped(ip);
  if (!isIPv6(address)) return address;
  const [head, tail = ''] = address.split('::');
  const left = head ? head.split(':') : [];
  const right = address.includes('::') && tail ? tail.split(':') : [];
  const groups = address.includes('::')
    ? [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right]
    : left;
  return `${groups
    .slice(0, 4)
    .map((g) => (parseInt(g, 16) || 0).toString(16))
    .join(':')}::/64`;
}

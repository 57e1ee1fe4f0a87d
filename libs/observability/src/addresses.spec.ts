import { addressMatcher, clientLimitKey } from './addresses';

describe('addressMatcher', () => {
  it('matches the named ranges, single addresses and CIDRs, IPv4 clients on dual-stack sockets too', () => {
    const trusted = addressMatcher('loopback,10.1.0.0/16,2001:db8::7');
    expect(['127.0.0.1', '::1', '::ffff:127.0.0.1', '10.1.200.3', '2001:db8::7'].map(trusted)).toEqual([
      true,
      true,
      true,
      true,
      true,
    ]);
    expect(['10.2.0.1', '192.168.1.1', '2001:db8::8', '::ffff:8.8.8.8', 'not-an-ip'].map(trusted)).toEqual([
      false,
      false,
      false,
      false,
      false,
    ]);
  });

  it('none trusts no one; uniquelocal covers the private ranges', () => {
    expect(addressMatcher('none')('127.0.0.1')).toBe(false);
    const local = addressMatcher('uniquelocal');
    expect(['10.0.0.1', '172.20.1.1', '192.168.0.9', 'fd00::1', '8.8.8.8'].map(local)).toEqual([
      true,
      true,
      true,
      true,
      false,
    ]);
  });

  it('refuses an item that is no address', () => {
    expect(() => addressMatcher('loopback,proxy.example')).toThrow("'proxy.example' is not an IP address");
  });
});

describe('clientLimitKey', () => {
  it('keeps an IPv4 address and groups IPv6 by /64, however the address is written', () => {
    expect(clientLimitKey('203.0.113.9')).toBe('203.0.113.9');
    expect(clientLimitKey('::ffff:203.0.113.9')).toBe('203.0.113.9');
    const a = clientLimitKey('2001:db8:abcd:12::1');
    expect(a).toBe('2001:db8:abcd:12::/64');
    expect(clientLimitKey('2001:0db8:abcd:0012:ffff:1:2:3')).toBe(a);
    expect(clientLimitKey('2001:db8:abcd:13::1')).not.toBe(a);
    expect(clientLimitKey('::1')).toBe('0:0:0:0::/64');
    expect(clientLimitKey('fe80::')).toBe('fe80:0:0:0::/64');
  });
});

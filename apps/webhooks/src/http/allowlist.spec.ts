import { parseAddress } from './address-classification';
import { Allowlist, InvalidAllowlistError, parseAllowlist } from './allowlist';

const admits = (allowlist: Allowlist, address: string) => allowlist.admits(parseAddress(address)!);

describe('Allowlist', () => {
  it('is empty for an unset or blank variable, and admits nothing', () => {
    for (const text of ['', '  ', ',', ' , ']) expect(parseAllowlist(text).isEmpty).toBe(true);
    expect(admits(Allowlist.none, '127.0.0.1')).toBe(false);
  });

  it('admits the addresses of its IPv4 and IPv6 CIDRs, and only those', () => {
    const allowlist = parseAllowlist(' 127.0.0.0/8, 10.20.0.0/16 ,fd00:1234::/32,192.168.1.7');
    expect(allowlist.toString()).toBe('127.0.0.0/8,10.20.0.0/16,fd00:1234::/32,192.168.1.7/32');
    for (const address of ['127.0.0.1', '127.255.255.255', '10.20.3.4', 'fd00:1234:5::1', '192.168.1.7']) {
      expect(admits(allowlist, address)).toBe(true);
    }
    for (const address of [
      '128.0.0.1',
      '10.21.0.1',
      'fd00:1235::1',
      '192.168.1.8',
      '::1',
      '169.254.169.254',
    ]) {
      expect(admits(allowlist, address)).toBe(false);
    }
  });

  it('admits the IPv4-mapped IPv6 form of an admitted IPv4 address (the socket reaches the same host)', () => {
    const allowlist = parseAllowlist('127.0.0.0/8');
    expect(admits(allowlist, '::ffff:127.0.0.1')).toBe(true);
    // Other embeddings translate through a gateway elsewhere: they stay refused.
    expect(admits(allowlist, '64:ff9b::7f00:1')).toBe(false);
    expect(admits(allowlist, '::7f00:1')).toBe(false);
  });

  it('admits every address with /0, an explicit operator choice', () => {
    expect(admits(parseAllowlist('0.0.0.0/0'), '10.0.0.1')).toBe(true);
    expect(admits(parseAllowlist('0.0.0.0/0'), '::1')).toBe(false);
    expect(admits(parseAllowlist('::/0'), '::1')).toBe(true);
  });

  it.each([
    ['10.0.0.0/33', /"10\.0\.0\.0\/33" has a bad prefix length: it must be 0 to 32 for IPv4/],
    ['fd00::/129', /must be 0 to 128 for IPv6/],
    ['10.0.0.0/', /bad prefix length/],
    ['10.0.0.0/8/8', /bad prefix length/],
    ['10.0.0.0/-1', /bad prefix length/],
    ['10.0.0.0/0x8', /bad prefix length/],
    ['10.0.0.1/8', /has bits set past its \/8 prefix: did you mean 10\.0\.0\.0\/8\?/],
    ['fd00::1/8', /did you mean fd00::\/8\?/],
    ['10.0.0/8', /is not an IPv4 or IPv6 CIDR/],
    ['012.0.0.0/8', /is not an IPv4 or IPv6 CIDR/],
    ['0x0a.0.0.0/8', /is not an IPv4 or IPv6 CIDR/],
    ['localhost', /is not an IPv4 or IPv6 CIDR/],
    ['fe80::%eth0/10', /is not an IPv4 or IPv6 CIDR/],
    ['10.0.0.0 /8', /is not an IPv4 or IPv6 CIDR/],
    ['256.0.0.0/8', /is not an IPv4 or IPv6 CIDR/],
  ])('fails on %p with a clear message', (text, message) => {
    expect(() => parseAllowlist(text)).toThrow(InvalidAllowlistError);
    expect(() => parseAllowlist(text)).toThrow(message);
  });

  it('names every bad entry at once, so one boot shows every mistake', () => {
    let thrown: unknown;
    try {
      parseAllowlist('10.0.0.0/8,nope,127.0.0.0/8,10.0.0.1/33');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(InvalidAllowlistError);
    expect((thrown as InvalidAllowlistError).problems).toEqual([
      '"nope" is not an IPv4 or IPv6 CIDR (such as 10.0.0.0/8 or fd00::/8)',
      '"10.0.0.1/33" has a bad prefix length: it must be 0 to 32 for IPv4',
    ]);
  });
});

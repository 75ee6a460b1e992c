import { nonPublicReason, parseAddress } from './address-classification';
import { LOOPBACK_SPELLINGS, PUBLIC_ADDRESSES, REFUSED_ADDRESSES } from './spec-support/ssrf-cases';

describe('nonPublicReason', () => {
  it.each(REFUSED_ADDRESSES)('refuses $address', ({ address, why }) => {
    const parsed = parseAddress(address);
    expect(parsed?.toString()).toBe(address);
    expect(nonPublicReason(parsed!)).toMatch(why);
  });

  it.each(PUBLIC_ADDRESSES)('allows the public address %s', (address) => {
    expect(nonPublicReason(parseAddress(address)!)).toBeUndefined();
  });
});

describe('parseAddress', () => {
  // What a URL host can be after the WHATWG parser, and what a resolver may be handed: both
  // must name the same address, or a check could pass on one reading and connect on the other.
  const inetAtonSpellings = LOOPBACK_SPELLINGS.filter((spelling) => /^[0-9a-fx.]+$/i.test(spelling));

  it.each(inetAtonSpellings)('reads %s as 127.0.0.1, as the URL parser does', (spelling) => {
    expect(parseAddress(spelling)?.toString()).toBe('127.0.0.1');
    expect(new URL(`http://${spelling}/`).hostname).toBe('127.0.0.1');
  });

  it.each(LOOPBACK_SPELLINGS)('the URL parser normalises %s to 127.0.0.1', (spelling) => {
    const { hostname } = new URL(`http://${spelling}:8080/hook`);
    expect(hostname).toBe('127.0.0.1');
    expect(nonPublicReason(parseAddress(hostname)!)).toMatch(/loopback/);
  });

  it('reads ::a.b.c.d as the IPv4-compatible address a socket reaches, not as IPv4-mapped', () => {
    // ipaddr.js alone turns `::127.0.0.1` into `::ffff:127.0.0.1`.
    expect(parseAddress('::127.0.0.1')?.toString()).toBe('::7f00:1');
    expect(parseAddress('::93.184.216.34')?.toString()).toBe('::5db8:d822');
    expect(nonPublicReason(parseAddress('::93.184.216.34')!)).toMatch(/IPv4-compatible/);
  });

  it('reads bracketed IPv6 hosts, dotted IPv4-mapped forms and zones', () => {
    expect(parseAddress('[::1]')?.toString()).toBe('::1');
    expect(parseAddress('::ffff:127.0.0.1')?.toString()).toBe('::ffff:7f00:1');
    expect(parseAddress('fe80::1%eth0')?.toString()).toBe('fe80::1');
    expect(parseAddress('0:0:0:0:0:0:0:1')?.toString()).toBe('::1');
  });

  it.each(['example.com', '127.0.0.1.nip.io', 'localhost', '1e1', '', '1.2.3.4.5', '[example.com]', '::g'])(
    'reads %p as a name, not an address',
    (text) => {
      expect(parseAddress(text)).toBeUndefined();
    },
  );
});

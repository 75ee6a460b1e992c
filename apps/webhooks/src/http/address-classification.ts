/**
 * Which IP addresses a webhook may reach: only public unicast ones. The ranges come from
 * ipaddr.js's classification (its tables follow the IANA special-purpose registries); this module
 * adds what those tables leave to the caller: the IPv4 address embedded in IPv4-mapped,
 * IPv4-compatible, NAT64, 6to4 and Teredo IPv6 addresses is classified in turn, and IPv6 outside
 * the global unicast block 2000::/3 is refused (IANA has allocated nothing public there).
 */
import { IPv4, IPv6 } from 'ipaddr.js';

export type IpAddress = IPv4 | IPv6;

/**
 * An IP address written in `text`, in any spelling a resolver or the WHATWG URL parser would
 * read as one (`2130706433`, `0x7f.1`, `0177.0.0.1`, `127.1`, `[::ffff:7f00:1]`), or undefined
 * when `text` is a name.
 */
export function parseAddress(text: string): IpAddress | undefined {
  const bare = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
  if (bare.includes(':')) return parseIPv6(bare);
  // ipaddr.js reads the inet_aton spellings (hex, octal, 1 to 4 parts) as the WHATWG URL parser
  // and getaddrinfo do, so `0x7f.1` is 127.0.0.1 here as it would be on the wire.
  return IPv4.isValid(bare) ? IPv4.parse(bare) : undefined;
}

function parseIPv6(text: string): IPv6 | undefined {
  // A zone (`fe80::1%eth0`) names an interface, not another address; the URL parser below rejects it.
  const withoutZone = text.replace(/%.*$/, '');
  // Canonicalise through the WHATWG parser first: ipaddr.js reads the deprecated `::a.b.c.d`
  // spelling as the IPv4-mapped `::ffff:a.b.c.d`, a different address than the one a socket reaches.
  let canonical: string;
  try {
    canonical = new URL(`http://[${withoutZone}]/`).hostname.slice(1, -1);
  } catch {
    return undefined;
  }
  return IPv6.isValid(canonical) ? IPv6.parse(canonical) : undefined;
}

const IPV4_RANGES: Readonly<Record<string, string>> = {
  unspecified: 'an unspecified address (0.0.0.0/8)',
  broadcast: 'the broadcast address',
  multicast: 'a multicast address (224.0.0.0/4)',
  linkLocal: 'a link-local address (169.254.0.0/16, where cloud metadata services answer)',
  loopback: 'a loopback address (127.0.0.0/8)',
  carrierGradeNat: 'a carrier-grade NAT address (100.64.0.0/10)',
  private: 'a private address (RFC 1918)',
  reserved: 'a reserved address (IETF protocol, documentation, benchmarking or future use)',
  as112: 'an AS112 DNS sink address',
  amt: 'an AMT relay anycast address',
};

const IPV6_RANGES: Readonly<Record<string, string>> = {
  unspecified: 'the unspecified address (::)',
  linkLocal: 'a link-local address (fe80::/10)',
  multicast: 'a multicast address (ff00::/8)',
  loopback: 'the loopback address (::1)',
  uniqueLocal: 'a unique local address (fc00::/7)',
  deprecatedSiteLocal: 'a site-local address (fec0::/10)',
  discard: 'a discard-only address (100::/64)',
  benchmarking: 'a benchmarking address (2001:2::/48)',
  reserved: 'a reserved or documentation address (2001::/23, 2001:db8::/32, 3fff::/20)',
};

/**
 * Why `address` is not a public destination (a phrase such as "a private address (RFC 1918)"),
 * or undefined when it is public.
 */
export function nonPublicReason(address: IpAddress): string | undefined {
  return address.kind() === 'ipv4' ? ipv4Reason(address as IPv4) : ipv6Reason(address as IPv6);
}

function ipv4Reason(address: IPv4): string | undefined {
  const range: string = address.range();
  if (range === 'unicast') return undefined;
  return IPV4_RANGES[range] ?? `a special-purpose address (${range})`;
}

function ipv6Reason(address: IPv6): string | undefined {
  const range: string = address.range();
  const parts = address.parts;
  switch (range) {
    case 'ipv4Mapped':
      return embeddedReason('an IPv4-mapped form', ipv4At(parts, 6));
    case 'rfc6145':
      return embeddedReason('an IPv4-translated form (::ffff:0:0/96)', ipv4At(parts, 6));
    case 'rfc6052':
      // 64:ff9b::/96 carries the IPv4 address in its last 32 bits. The local-use 64:ff9b:1::/48
      // (RFC 8215) places it according to a prefix length only the operator's translator knows,
      // and it translates on the operator's own network anyway: never a public destination.
      if (parts[2] === 0 && parts[3] === 0 && parts[4] === 0 && parts[5] === 0) {
        return embeddedReason('a NAT64 form', ipv4At(parts, 6));
      }
      return 'a local-use NAT64 address (64:ff9b:1::/48)';
    case '6to4':
      return embeddedReason('a 6to4 form', ipv4At(parts, 1));
    case 'teredo':
      // The Teredo server sits in bits 32-63; the client's address is stored inverted in the last 32.
      return (
        embeddedReason('a Teredo form (server)', ipv4At(parts, 2)) ??
        embeddedReason('a Teredo form (client)', ipv4At(parts, 6, 0xffff))
      );
    case 'unicast':
      return unallocatedReason(parts);
    default:
      return IPV6_RANGES[range] ?? `a special-purpose address (${range})`;
  }
}

/** ipaddr.js calls every IPv6 address outside its tables unicast, including unallocated space. */
function unallocatedReason(parts: readonly number[]): string | undefined {
  if (parts.slice(0, 6).every((part) => part === 0)) {
    return (
      embeddedReason('an IPv4-compatible form (::/96, deprecated)', ipv4At(parts, 6)) ??
      'an IPv4-compatible address (::/96, deprecated)'
    );
  }
  // 2000::/3: the first three bits are 001.
  if (((parts[0] ?? 0) & 0xe000) !== 0x2000) return 'outside the global unicast block 2000::/3';
  return undefined;
}

function ipv4At(parts: readonly number[], index: number, mask = 0): IPv4 {
  const high = ((parts[index] ?? 0) ^ mask) & 0xffff;
  const low = ((parts[index + 1] ?? 0) ^ mask) & 0xffff;
  return new IPv4([high >> 8, high & 0xff, low >> 8, low & 0xff]);
}

function embeddedReason(form: string, embedded: IPv4): string | undefined {
  const reason = ipv4Reason(embedded);
  return reason === undefined ? undefined : `${form} of ${embedded.toString()}, ${reason}`;
}

/**
 * The SSRF table: every address form a webhook must not reach, the spellings that hide them, and
 * public addresses that must stay reachable. The write-time unit tests and the connect-time
 * integration tests both run it, so the two checks cannot drift apart.
 */
import type { LookupAddress } from 'node:dns';
import type { DnsLookup } from '../dns-lookup';

/** A refused address (as a resolver returns it) and what the refusal must say. */
export interface RefusedAddress {
  readonly address: string;
  readonly why: RegExp;
}

export const REFUSED_ADDRESSES: readonly RefusedAddress[] = [
  { address: '127.0.0.1', why: /loopback/ },
  { address: '127.255.255.254', why: /loopback/ },
  { address: '10.1.2.3', why: /private address \(RFC 1918\)/ },
  { address: '172.16.0.1', why: /private/ },
  { address: '172.31.255.255', why: /private/ },
  { address: '192.168.1.1', why: /private/ },
  { address: '169.254.169.254', why: /link-local.*metadata/ },
  { address: '169.254.0.1', why: /link-local/ },
  { address: '100.64.0.1', why: /carrier-grade NAT/ },
  { address: '100.127.255.254', why: /carrier-grade NAT/ },
  { address: '224.0.0.1', why: /multicast/ },
  { address: '239.255.255.250', why: /multicast/ },
  { address: '255.255.255.255', why: /broadcast/ },
  { address: '0.0.0.0', why: /unspecified/ },
  { address: '0.1.2.3', why: /unspecified/ },
  { address: '198.18.0.1', why: /reserved.*benchmarking/ },
  { address: '198.19.255.254', why: /reserved/ },
  { address: '192.0.2.1', why: /reserved.*documentation/ },
  { address: '198.51.100.7', why: /reserved/ },
  { address: '203.0.113.9', why: /reserved/ },
  { address: '192.0.0.8', why: /reserved/ },
  { address: '240.0.0.1', why: /reserved/ },
  { address: '::1', why: /loopback/ },
  { address: '::', why: /unspecified/ },
  { address: '::ffff:7f00:1', why: /IPv4-mapped form of 127\.0\.0\.1, a loopback/ },
  { address: '::ffff:a9fe:a9fe', why: /IPv4-mapped form of 169\.254\.169\.254, a link-local/ },
  { address: '::ffff:a00:1', why: /IPv4-mapped form of 10\.0\.0\.1, a private/ },
  { address: '::ffff:0:a00:1', why: /IPv4-translated form .* of 10\.0\.0\.1, a private/ },
  { address: '::7f00:1', why: /IPv4-compatible form .* of 127\.0\.0\.1, a loopback/ },
  { address: '::5db8:d822', why: /IPv4-compatible address/ },
  { address: '64:ff9b::7f00:1', why: /NAT64 form of 127\.0\.0\.1, a loopback/ },
  { address: '64:ff9b::a9fe:a9fe', why: /NAT64 form of 169\.254\.169\.254/ },
  { address: '64:ff9b:1::a00:1', why: /local-use NAT64/ },
  { address: '2002:c0a8:101::1', why: /6to4 form of 192\.168\.1\.1, a private/ },
  { address: '2002:7f00:1::', why: /6to4 form of 127\.0\.0\.1/ },
  // Teredo: public server 65.54.227.120, client 10.0.0.1 stored inverted (f5ff:fffe).
  { address: '2001:0:4136:e378:8000:63bf:f5ff:fffe', why: /Teredo form \(client\) of 10\.0\.0\.1/ },
  { address: '2001:0:a00:1:8000:63bf:a2c9:1bc7', why: /Teredo form \(server\) of 10\.0\.0\.1/ },
  { address: 'fc00::1', why: /unique local/ },
  { address: 'fd12:3456:789a::1', why: /unique local/ },
  { address: 'fe80::1', why: /link-local address \(fe80::\/10\)/ },
  { address: 'febf:ffff::1', why: /link-local/ },
  { address: 'fec0::1', why: /site-local/ },
  { address: 'ff02::1', why: /multicast/ },
  { address: 'ff0e::1', why: /multicast/ },
  { address: '2001:db8::1', why: /documentation/ },
  { address: '2001:2::1', why: /benchmarking/ },
  { address: '100::1', why: /discard/ },
  { address: '4000::1', why: /outside the global unicast block/ },
];

/**
 * Spellings of 127.0.0.1 in a URL host; the WHATWG URL parser (Node's, and undici's) reads
 * each as 127.0.0.1, as getaddrinfo's inet_aton would.
 */
export const LOOPBACK_SPELLINGS: readonly string[] = [
  '2130706433',
  '0x7f000001',
  '0x7f.1',
  '0x7f.0.0.1',
  '0177.0.0.1',
  '0177.1',
  '127.1',
  '127.0.1',
  '%31%32%37.0.0.1',
  '127。0。0。1',
];

/** Public addresses (and boundaries just outside refused ranges) that must stay reachable. */
export const PUBLIC_ADDRESSES: readonly string[] = [
  '93.184.216.34',
  '8.8.8.8',
  '1.1.1.1',
  '172.15.255.255',
  '172.32.0.0',
  '100.63.255.255',
  '100.128.0.0',
  '169.253.255.255',
  '198.17.255.255',
  '198.20.0.0',
  '223.255.255.255',
  '2606:2800:220:1::',
  '2a00:1450:4001:82b::200e',
  '::ffff:5db8:d822',
  '64:ff9b::5db8:d822',
  '2002:5db8:d822::1',
];

/** `http://<address>:<port>/` with IPv6 bracketed. */
export function urlOf(address: string, port = 80, path = '/'): string {
  return `http://${address.includes(':') ? `[${address}]` : address}:${port}${path}`;
}

/**
 * A lookup answering from `answers` (one entry per call, the last repeating), counting its calls:
 * a name that resolves to whatever a test needs, or to something else the next time.
 */
export function scriptedLookup(
  ...answers: ReadonlyArray<readonly string[]>
): DnsLookup & { calls: string[] } {
  const calls: string[] = [];
  const lookup: DnsLookup = (hostname, _options, callback) => {
    const answer = answers[Math.min(calls.length, answers.length - 1)] ?? [];
    calls.push(hostname);
    const addresses: LookupAddress[] = answer.map((address) => ({
      address,
      family: address.includes(':') ? 6 : 4,
    }));
    setImmediate(() => callback(null, addresses));
  };
  return Object.assign(lookup, { calls });
}

/** A lookup failing as getaddrinfo does for an unknown name. */
export const unknownNameLookup: DnsLookup = (hostname, _options, callback) => {
  const error = Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), {
    code: 'ENOTFOUND',
    syscall: 'getaddrinfo',
    hostname,
  });
  setImmediate(() => callback(error, []));
};

/**
 * Name resolution for destination checks, behind a function with the shape of `dns.lookup`
 * with `all: true`, so tests can make a name resolve to any address (a private one, or a
 * different one on each call) without a DNS server.
 */
import { lookup as systemLookup, type LookupAddress, type LookupAllOptions } from 'node:dns';

export type DnsLookup = (
  hostname: string,
  options: LookupAllOptions,
  callback: (error: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void,
) => void;

/** getaddrinfo, as Node's sockets use it: /etc/hosts included, every A and AAAA record. */
export const defaultDnsLookup: DnsLookup = (hostname, options, callback) =>
  systemLookup(hostname, options, callback);

/** Every address `hostname` resolves to (A and AAAA records alike). */
export function resolveAll(lookup: DnsLookup, hostname: string): Promise<LookupAddress[]> {
  return new Promise((resolve, reject) => {
    lookup(hostname, { all: true }, (error, addresses) => (error ? reject(error) : resolve(addresses)));
  });
}

/**
 * The destination rules, in one place for both moments they apply: when an endpoint's URL is
 * written (DestinationPolicy, whose refusals the API shows as 422 problems) and when the sender
 * opens a connection (the guarded connector, which connects only to addresses checked here).
 */
import type { LookupAddress } from 'node:dns';
import type { DestinationPolicy } from '../domain/ports';
import { nonPublicReason, parseAddress, type IpAddress } from './address-classification';
import type { Allowlist } from './allowlist';
import { resolveAll, type DnsLookup } from './dns-lookup';

/** A destination the rules refuse; the sender reports it as errorKind 'ssrf'. */
export class DestinationRefusedError extends Error {
  readonly code = 'ERR_WEBHOOK_DESTINATION_REFUSED';

  constructor(message: string) {
    super(message);
    this.name = 'DestinationRefusedError';
  }
}

/** The URL parsed, or why its form is refused (scheme, credentials, host, fragment). */
export function parseDestinationUrl(text: string): URL | string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return 'is not a valid absolute URL';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return `must use http or https, not "${url.protocol.slice(0, -1)}"`;
  }
  // The receiver authenticates Herald by the signature; a password in the URL would be stored,
  // listed and logged with it.
  if (url.username !== '' || url.password !== '') return 'must not contain credentials (user:password@)';
  if (url.hostname === '') return 'must have a host';
  // `hash` is empty for a bare trailing `#` too; the serialisation keeps it.
  if (url.href.includes('#')) return 'must not contain a fragment (#...)';
  return url;
}

/** Resolves hosts and checks every address against the SSRF rules and the operator's allowlist. */
export class DestinationGuard {
  constructor(
    private readonly allowlist: Allowlist,
    private readonly lookup: DnsLookup,
  ) {}

  /**
   * Every address `hostname` (a URL's hostname: a name, an IPv4 address or a bracketed IPv6 one)
   * stands for, each one allowed. Throws DestinationRefusedError when any is refused (one bad
   * record is enough: the socket may pick it), or the resolver's error.
   */
  async checkedAddresses(hostname: string): Promise<LookupAddress[]> {
    const literal = parseAddress(hostname);
    if (literal) {
      this.check(`host ${literal.toString()} is`, literal);
      return [toLookupAddress(literal)];
    }
    const resolved = await resolveAll(this.lookup, hostname);
    if (resolved.length === 0)
      throw Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' });
    return resolved.map(({ address: text }) => {
      const address = parseAddress(text);
      if (!address)
        throw new DestinationRefusedError(`host "${hostname}" resolves to "${text}", not an IP address`);
      this.check(`host "${hostname}" resolves to ${address.toString()},`, address);
      return toLookupAddress(address);
    });
  }

  private check(subject: string, address: IpAddress): void {
    if (this.allowlist.admits(address)) return;
    const reason = nonPublicReason(address);
    if (reason === undefined) return;
    throw new DestinationRefusedError(
      `${subject} ${reason}: webhook destinations must be public unless WEBHOOKS_ALLOWLIST admits them`,
    );
  }
}

function toLookupAddress(address: IpAddress): LookupAddress {
  return { address: address.toString(), family: address.kind() === 'ipv4' ? 4 : 6 };
}

/**
 * The write-time check. A host that does not resolve is refused too: nothing could be delivered
 * to it, and its addresses cannot be checked.
 */
export class SsrfDestinationPolicy implements DestinationPolicy {
  constructor(private readonly guard: DestinationGuard) {}

  async refusal(text: string): Promise<string | undefined> {
    const url = parseDestinationUrl(text);
    if (typeof url === 'string') return url;
    try {
      await this.guard.checkedAddresses(url.hostname);
      return undefined;
    } catch (error) {
      if (error instanceof DestinationRefusedError) return error.message;
      const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
      return `host "${url.hostname}" could not be resolved (${code})`;
    }
  }
}

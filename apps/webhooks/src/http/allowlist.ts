/**
 * The operator's allowlist (`WEBHOOKS_ALLOWLIST`): CIDRs whose addresses a webhook may reach
 * despite the SSRF rules, for receivers on an internal network (and loopback receivers in tests).
 * Parsed strictly at boot: an entry that is not exactly a CIDR fails the boot instead of silently
 * admitting more, or less, than the operator meant.
 */
import { IPv4, IPv6 } from 'ipaddr.js';
import type { IpAddress } from './address-classification';

export class InvalidAllowlistError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(problems.join('; '));
    this.name = 'InvalidAllowlistError';
  }
}

type Cidr = readonly [IpAddress, number];

export class Allowlist {
  static readonly none = new Allowlist([]);

  private constructor(private readonly cidrs: readonly Cidr[]) {}

  /**
   * Comma-separated IPv4 and IPv6 CIDRs (`10.0.0.0/8, fd00::/8`); a bare address admits itself
   * only. Throws InvalidAllowlistError naming every bad entry.
   */
  static parse(text: string): Allowlist {
    const cidrs: Cidr[] = [];
    const problems: string[] = [];
    for (const entry of text.split(',').map((part) => part.trim())) {
      if (entry === '') continue;
      const parsed = parseCidr(entry);
      if (typeof parsed === 'string') problems.push(`"${entry}" ${parsed}`);
      else cidrs.push(parsed);
    }
    if (problems.length > 0) throw new InvalidAllowlistError(problems);
    return new Allowlist(cidrs);
  }

  get isEmpty(): boolean {
    return this.cidrs.length === 0;
  }

  /** Whether an operator admitted `address`; an IPv4-mapped IPv6 address counts as its IPv4 address. */
  admits(address: IpAddress): boolean {
    const candidates: IpAddress[] = [address];
    if (address.kind() === 'ipv6' && (address as IPv6).isIPv4MappedAddress()) {
      candidates.push((address as IPv6).toIPv4Address());
    }
    return candidates.some((candidate) =>
      this.cidrs.some(
        ([network, bits]) => network.kind() === candidate.kind() && candidate.match(network, bits),
      ),
    );
  }

  toString(): string {
    return this.cidrs.map(([network, bits]) => `${network.toString()}/${bits}`).join(',');
  }
}

/** The CIDR, or what is wrong with it. */
function parseCidr(entry: string): Cidr | string {
  const slash = entry.indexOf('/');
  const addressText = slash === -1 ? entry : entry.slice(0, slash);
  const prefixText = slash === -1 ? undefined : entry.slice(slash + 1);
  // Only the canonical spellings: `10.1/8` or `012.0.0.0/8` in a config file is far likelier a
  // typo than a wish to admit the inet_aton reading of it.
  let network: IpAddress;
  if (IPv4.isValidFourPartDecimal(addressText)) network = IPv4.parse(addressText);
  else if (addressText.includes(':') && !addressText.includes('%') && IPv6.isValid(addressText)) {
    network = IPv6.parse(addressText);
  } else {
    return 'is not an IPv4 or IPv6 CIDR (such as 10.0.0.0/8 or fd00::/8)';
  }
  const maxBits = network.kind() === 'ipv4' ? 32 : 128;
  if (prefixText === undefined) return [network, maxBits];
  if (!/^\d{1,3}$/.test(prefixText) || Number(prefixText) > maxBits) {
    return `has a bad prefix length: it must be 0 to ${maxBits} for ${network.kind() === 'ipv4' ? 'IPv4' : 'IPv6'}`;
  }
  const bits = Number(prefixText);
  const base = networkAddress(network, bits);
  if (base.toString() !== network.toString()) {
    return `has bits set past its /${bits} prefix: did you mean ${base.toString()}/${bits}?`;
  }
  return [network, bits];
}

function networkAddress(address: IpAddress, bits: number): IpAddress {
  const cidr = `${address.toString()}/${bits}`;
  return address.kind() === 'ipv4' ? IPv4.networkAddressFromCIDR(cidr) : IPv6.networkAddressFromCIDR(cidr);
}

/** Parses `WEBHOOKS_ALLOWLIST` (see Allowlist.parse); for the app's config schema. */
export function parseAllowlist(text: string): Allowlist {
  return Allowlist.parse(text);
}

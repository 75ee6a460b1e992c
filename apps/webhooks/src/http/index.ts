/**
 * The webhooks app's outbound HTTP: the destination rules (SSRF protection) and the sender that
 * delivers to destinations only through them. The app wires these two factories with the parsed
 * `WEBHOOKS_ALLOWLIST`; tests inject `lookup` to make names resolve where they need.
 */
import type { DestinationPolicy, WebhookSender } from '../domain/ports';
import { Allowlist } from './allowlist';
import { DestinationGuard, SsrfDestinationPolicy } from './destination-policy';
import { defaultDnsLookup, type DnsLookup } from './dns-lookup';
import { UndiciWebhookSender, type UndiciWebhookSenderOptions } from './undici-webhook-sender';

export { nonPublicReason, parseAddress, type IpAddress } from './address-classification';
export { Allowlist, InvalidAllowlistError, parseAllowlist } from './allowlist';
export { DestinationRefusedError, parseDestinationUrl } from './destination-policy';
export { defaultDnsLookup, type DnsLookup } from './dns-lookup';
export { RESPONSE_BODY_LIMIT_BYTES } from './undici-webhook-sender';

export interface DestinationRulesOptions {
  /** The parsed WEBHOOKS_ALLOWLIST, or its text (parsed here; throws InvalidAllowlistError). */
  readonly allowlist?: Allowlist | string;
  /** Name resolution; getaddrinfo (dns.lookup) unless a test injects its own. */
  readonly lookup?: DnsLookup;
}

export interface SsrfSafeSenderOptions extends DestinationRulesOptions {
  readonly connections?: UndiciWebhookSenderOptions['connections'];
  readonly keepAliveTimeoutMs?: UndiciWebhookSenderOptions['keepAliveTimeoutMs'];
  /** Extra trusted certificate authorities, for internal receivers behind a private CA. */
  readonly ca?: UndiciWebhookSenderOptions['ca'];
}

function guardOf(options: DestinationRulesOptions): DestinationGuard {
  const allowlist =
    typeof options.allowlist === 'string' ? Allowlist.parse(options.allowlist) : options.allowlist;
  return new DestinationGuard(allowlist ?? Allowlist.none, options.lookup ?? defaultDnsLookup);
}

/** The write-time check of endpoint URLs (the API answers a refusal with 422). */
export function createDestinationPolicy(options: DestinationRulesOptions = {}): DestinationPolicy {
  return new SsrfDestinationPolicy(guardOf(options));
}

/** The delivery client: checks every address again when it connects, and connects only to those. */
export function createSsrfSafeSender(options: SsrfSafeSenderOptions = {}): WebhookSender {
  return new UndiciWebhookSender({
    guard: guardOf(options),
    connections: options.connections,
    keepAliveTimeoutMs: options.keepAliveTimeoutMs,
    ca: options.ca,
  });
}

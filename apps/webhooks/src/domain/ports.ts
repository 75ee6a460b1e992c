/**
 * The webhooks app's ports (adapters in storage/ and http/; unit tests use small fakes).
 */
import type { Endpoint } from './endpoint';

/** Signing secrets of an endpoint, decrypted: the current one first, then rotated-out ones still in their overlap. */
export interface SigningSecrets {
  secretsFor(endpointId: string, now: Date): Promise<readonly string[]>;
}

/** Enabled endpoints, as the fan-out sees them (cached by the adapter; a change is visible within seconds). */
export interface EndpointDirectory {
  enabledEndpoints(): Promise<readonly Endpoint[]>;
}

/**
 * Why a destination URL is refused (SSRF rules, scheme, credentials), or undefined when allowed.
 * Checked when an endpoint is created or its URL changed; the delivery client checks again at
 * connect time, on the address it connects to.
 */
export interface DestinationPolicy {
  refusal(url: string): Promise<string | undefined>;
}

export interface WebhookRequest {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  readonly timeoutMs: number;
}

export type WebhookResponse =
  | {
      readonly kind: 'response';
      readonly status: number;
      readonly headers: Readonly<Record<string, string>>;
      /** At most 8 KiB of the body, as text. */
      readonly body: string;
      readonly latencyMs: number;
    }
  | {
      /** No HTTP response: refused destination (ssrf), DNS, connect, TLS, timeout, reset. */
      readonly kind: 'error';
      readonly errorKind: 'ssrf' | 'dns' | 'connect' | 'tls' | 'timeout' | 'network';
      readonly message: string;
      readonly latencyMs: number;
    };

/** Sends one webhook POST: no redirects followed, connects only to addresses the policy allows. */
export interface WebhookSender {
  send(request: WebhookRequest): Promise<WebhookResponse>;
  close(): Promise<void>;
}

/**
 * A webhook endpoint: a subscriber's URL and what it receives. Patterns are event types
 * (`orders.order.shipped`), a domain (`payments.*`) or everything (`*`); an endpoint with a tenant
 * receives only events whose tenant field (event.yaml `tenant:`) has that value; `versions` pins,
 * per type, the schema version the data is delivered in; `format` is the body's shape.
 */

/**
 * How a delivery's body is shaped: `standard` is Herald's JSON `{id, type, version, time, source,
 * subject, data}`; `cloudevents` is a CloudEvents 1.0 event in structured mode (JSON event format).
 * Both are signed the Standard Webhooks way.
 */
export const ENDPOINT_FORMATS = ['standard', 'cloudevents'] as const;
export type EndpointFormat = (typeof ENDPOINT_FORMATS)[number];

export interface Endpoint {
  readonly id: string;
  readonly url: string;
  readonly description: string;
  readonly types: readonly string[];
  readonly tenant: string | null;
  readonly versions: Readonly<Record<string, number>>;
  readonly format: EndpointFormat;
  /** Deliveries per second at most, over every worker and instance; null = unlimited. */
  readonly rateLimit: number | null;
  /** One delivery at a time, in partition order. */
  readonly ordered: boolean;
  readonly metadata: Readonly<Record<string, string>>;
  readonly enabled: boolean;
  /** Why the endpoint was disabled (by an operator, a 410, or failing for too long); null while enabled. */
  readonly disabledReason: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** Whether `pattern` (exact type, `<domain>.*`, or `*`) takes `type`. */
export function patternMatches(pattern: string, type: string): boolean {
  if (pattern === '*') return true;
  if (pattern.endsWith('.*')) return type.startsWith(pattern.slice(0, -1));
  return pattern === type;
}

export function endpointTakes(endpoint: Endpoint, type: string, tenant: string | null): boolean {
  if (!endpoint.enabled) return false;
  if (endpoint.tenant !== null && endpoint.tenant !== tenant) return false;
  return endpoint.types.some((pattern) => patternMatches(pattern, type));
}

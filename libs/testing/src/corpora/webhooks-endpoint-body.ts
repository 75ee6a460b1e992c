/** A valid endpoint create body (a public URL), for API tests and bad-input corpora. */
export const PUBLIC_URL = 'https://hooks.example.com/herald';

/** A valid create body, with overrides. */
export function endpointBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { url: PUBLIC_URL, types: ['payments.*', 'orders.order.shipped'], ...overrides };
}

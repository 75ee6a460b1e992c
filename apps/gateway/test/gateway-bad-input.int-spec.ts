/**
 * A corpus of bad requests against one gateway on real infrastructure: every one must get a
 * 4xx RFC 9457 problem with a useful detail (and a JSON pointer for field-level problems),
 * never a 5xx; the process must survive hostile shapes (deep nesting, huge strings, invalid
 * UTF-8); and nothing of it may reach Kafka.
 */
import { randomUUID } from 'node:crypto';
import { gatewayBadInput } from '@app/testing';
import { GatewayHarness } from './gateway-harness';
import { publishSentinels, readTopicThrough } from './gateway-topic-reader';

/** Jest's asymmetric matchers typed as `unknown`, not `any` (no-unsafe-assignment). */
const anyOf = (type: unknown): unknown => expect.any(type);

jest.setTimeout(120_000);

const { cases, MAX_BATCH_EVENTS, MAX_BODY_BYTES, MAX_EVENT_BYTES, payment } = gatewayBadInput;
type Types = gatewayBadInput.Types;

describe('gateway bad-input corpus', () => {
  let gateway: GatewayHarness;
  let types: Types;

  beforeAll(async () => {
    gateway = await GatewayHarness.start({
      env: {
        GATEWAY_MAX_BODY_BYTES: String(MAX_BODY_BYTES),
        GATEWAY_MAX_EVENT_BYTES: String(MAX_EVENT_BYTES),
        GATEWAY_MAX_BATCH_EVENTS: String(MAX_BATCH_EVENTS),
      },
    });
    const domain = gateway.types.payment.split('.')[0]!;
    const fivePerSecondKey = await gateway.createKey({
      producer: 'five-per-second',
      patterns: [`${domain}.*`],
      rateLimitPerSecond: 5,
    });
    types = { ...gateway.types, domain, fivePerSecondKey };
  });

  afterAll(async () => {
    await gateway?.close();
  });

  it('holds at least 100 cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(100);
  });

  it.each(cases)('%s → 4xx problem', async (_name, bad) => {
    const built = bad.body(types);
    const body = typeof built === 'string' || Buffer.isBuffer(built) ? built : JSON.stringify(built);
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      authorization: `Bearer ${gateway.apiKey}`,
    };
    const extraHeaders = typeof bad.headers === 'function' ? bad.headers(types) : bad.headers;
    for (const [name, value] of Object.entries(extraHeaders ?? {})) {
      if (value === null) delete headers[name];
      else headers[name] = value;
    }
    const method = bad.method ?? 'POST';
    const response = await fetch(`${gateway.url}${bad.url ?? '/v1/events'}`, {
      method,
      headers,
      body: method === 'GET' ? undefined : body,
    });
    expect(response.headers.get('allow')).toBe(bad.allow ?? null);
    const text = await response.text();
    expect({ status: response.status, text }).toEqual({ status: bad.status, text: anyOf(String) });
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const problem = JSON.parse(text) as {
      status: number;
      detail: string;
      errors: Array<{ path: string; message: string }>;
    };
    expect(problem.status).toBe(bad.status);
    expect(problem.detail.trim()).not.toBe('');
    if (bad.pointer !== undefined) {
      const pointer = bad.pointer;
      const named = problem.errors
        .map((e) => e.path)
        .find((p) => p === pointer || p.startsWith(`${pointer}/`));
      expect({ pointer: named, errors: problem.errors }).toEqual({
        pointer: anyOf(String),
        errors: problem.errors,
      });
    }
    if (bad.message !== undefined) {
      const violation = problem.errors.find((e) => e.path === bad.pointer);
      expect({ violation, errors: problem.errors }).toEqual({
        violation: { path: bad.pointer, message: expect.stringMatching(bad.message) as unknown },
        errors: problem.errors,
      });
    }
  });

  it('is still alive and serving after the corpus', async () => {
    const response = await fetch(`${gateway.url}/health/live`);
    expect(response.status).toBe(200);
  });

  it('wrote nothing to Kafka', async () => {
    for (const type of [gateway.types.payment, gateway.types.order]) {
      const sentinels = await publishSentinels(gateway, type, () =>
        type === gateway.types.payment
          ? payment({ payment_id: randomUUID() })
          : {
              order_id: randomUUID(),
              store_id: 's',
              shipment_id: randomUUID(),
              carrier: 'UPS',
              tracking_number: null,
              items: [],
              destination_country: 'FR',
              shipped_at: 0,
            },
      );
      const records = await readTopicThrough(gateway.brokers, type, sentinels);
      expect(records.map((r) => r.id).sort()).toEqual([...sentinels].sort());
    }
  });
});

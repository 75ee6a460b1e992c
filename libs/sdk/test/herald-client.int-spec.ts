// HeraldClient against a real HTTP server on a local port that plays the gateway contract:
// request shape, retries (same event id on every attempt), Retry-After, no retry on refusals,
// timeouts, network errors and typed problem errors (batches: herald-client-batching.int-spec.ts).
import { freePort } from '@app/testing';
import { HeraldClient, HeraldNetworkError, HeraldProblemError, HeraldTimeoutError } from '@app/sdk';

import { accepted, FakeGateway, problem, type RecordedRequest } from './fake-gateway';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

const payment = {
  payment_id: '0195f3c2-7a51-7cc2-9c1e-1f2a3b4c5d6e',
  merchant_id: 'merchant-1',
  amount_minor: 1250,
  currency: 'EUR',
  method: 'CARD' as const,
  received_at: '2026-11-26T10:15:00.000Z',
};

type EventBody = { id: string; type: string; version?: number; data: unknown };
const bodyOf = (request: RecordedRequest | undefined): EventBody => request?.body as EventBody;

describe('HeraldClient against an HTTP gateway', () => {
  let gateway: FakeGateway;
  const client = (options: Partial<ConstructorParameters<typeof HeraldClient>[0]> = {}): HeraldClient =>
    new HeraldClient({
      url: gateway.url,
      apiKey: 'hk_test',
      retryDelay: { baseMs: 1, maxMs: 50 },
      ...options,
    });

  beforeEach(async () => {
    gateway = await FakeGateway.start();
  });
  afterEach(async () => {
    await gateway.stop();
  });

  it('posts one event with the API key, the latest version and a UUIDv7 id, and returns its coordinates', async () => {
    gateway.handler = (request) => accepted(bodyOf(request), 41);
    const result = await client().publish('payments.payment.received', payment, { key: 'k1', subject: 's' });
    const [request] = gateway.requests;
    expect(request?.method).toBe('POST');
    expect(request?.path).toBe('/v1/events');
    expect(request?.headers['authorization']).toBe('Bearer hk_test');
    expect(request?.headers['content-type']).toBe('application/json');
    expect(bodyOf(request)).toEqual({
      type: 'payments.payment.received',
      version: 2,
      id: expect.stringMatching(UUID_V7) as unknown,
      key: 'k1',
      subject: 's',
      data: payment,
    });
    expect(result).toEqual({
      id: bodyOf(request).id,
      type: 'payments.payment.received',
      version: 2,
      topic: 'payments.payment.received',
      partition: 0,
      offset: '41',
    });
  });

  it('retries through a burst of 503s with the same event id and succeeds', async () => {
    gateway.handler = (request, index) =>
      index < 3
        ? { ...problem(503, 'Kafka unavailable'), headers: { 'retry-after': '0' } }
        : accepted(bodyOf(request));
    const result = await client().publish('payments.payment.received', payment, {
      version: 1,
      traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
    });
    const ids = gateway.requests.map((request) => bodyOf(request).id);
    expect(ids).toHaveLength(4);
    expect(new Set(ids)).toEqual(new Set([result.id]));
    expect(bodyOf(gateway.requests[0]).version).toBe(1);
    expect(gateway.requests[3]?.headers['traceparent']).toBe(
      '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
    );
  });

  it('waits as long as a 429 Retry-After asks before retrying', async () => {
    gateway.handler = (request, index) =>
      index === 0
        ? { ...problem(429, 'Too Many Requests'), headers: { 'retry-after': '1' } }
        : accepted(bodyOf(request));
    const started = Date.now();
    await client({ retryDelay: { baseMs: 1, maxMs: 5_000 } }).publish('payments.payment.received', payment);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(gateway.requests).toHaveLength(2);
  });

  it('caps a Retry-After that would stall the service', async () => {
    gateway.handler = (request, index) =>
      index === 0
        ? { ...problem(503, 'Unavailable'), headers: { 'retry-after': '3600' } }
        : accepted(bodyOf(request));
    const started = Date.now();
    await client({ retryDelay: { baseMs: 1, maxMs: 100 } }).publish('payments.payment.received', payment);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it.each([
    [422, 'Unprocessable Content'],
    [409, 'Conflict'],
    [400, 'Bad Request'],
    [401, 'Unauthorized'],
    [403, 'Forbidden'],
    [413, 'Content Too Large'],
    [415, 'Unsupported Media Type'],
  ])('never retries a %i and throws a typed problem error', async (status, title) => {
    const errors = [
      { path: '/data/amount_minor', message: 'expected a long (integer; as a string beyond 2^53), got "x"' },
    ];
    gateway.handler = () =>
      problem(status, title, { type: `https://herald.dev/problems/${status}`, detail: 'no', errors });
    const error = await client()
      .publish('payments.payment.received', payment)
      .catch((e: unknown) => e);
    expect(gateway.requests).toHaveLength(1);
    expect(error).toBeInstanceOf(HeraldProblemError);
    expect(error).toMatchObject({
      status,
      title,
      type: `https://herald.dev/problems/${status}`,
      detail: 'no',
      errors,
      retriable: false,
    });
  });

  it('gives up after the configured retries with the last problem, marked retriable', async () => {
    gateway.handler = () => ({ ...problem(503, 'Kafka unavailable'), headers: { 'retry-after': '0' } });
    const error = await client({ retries: 2 })
      .publish('payments.payment.received', payment)
      .catch((e: unknown) => e);
    expect(gateway.requests).toHaveLength(3);
    expect(error).toMatchObject({ status: 503, retriable: true, retryAfterMs: 0 });
  });

  it('times an attempt out, then retries it with the same id', async () => {
    gateway.handler = (request, index) => (index === 0 ? 'hang' : accepted(bodyOf(request)));
    const result = await client({ timeoutMs: 200 }).publish('payments.payment.received', payment);
    expect(gateway.requests.map((request) => bodyOf(request).id)).toEqual([result.id, result.id]);
  });

  it('reports a timeout as HeraldTimeoutError once retries are used up', async () => {
    gateway.handler = () => 'hang';
    const error = await client({ timeoutMs: 100, retries: 0 })
      .publish('payments.payment.received', payment)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HeraldTimeoutError);
    expect(error).toMatchObject({ timeoutMs: 100, retriable: true });
  });

  it('reports an unreachable gateway as HeraldNetworkError', async () => {
    const port = await freePort();
    const unreachable = new HeraldClient({
      url: `http://127.0.0.1:${port}`,
      apiKey: 'k',
      retries: 1,
      retryDelay: { baseMs: 1 },
    });
    const error = await unreachable.publish('payments.payment.received', payment).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HeraldNetworkError);
    expect(String((error as Error).message)).toMatch(/ECONNREFUSED/);
  });

  it("stops retrying when the caller's signal aborts", async () => {
    const controller = new AbortController();
    gateway.handler = () => {
      controller.abort(new Error('shutting down'));
      return { ...problem(503, 'Unavailable'), headers: { 'retry-after': '1' } };
    };
    const error = await client({ retryDelay: { baseMs: 1, maxMs: 5_000 } })
      .publish('payments.payment.received', payment, { signal: controller.signal })
      .catch((e: unknown) => e);
    expect((error as Error).message).toBe('shutting down');
    expect(gateway.requests).toHaveLength(1);
  });
});

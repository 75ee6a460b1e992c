/**
 * The webhooks pipeline on real Kafka, PostgreSQL, registry and HTTP: events fan out to the
 * endpoints that take them and arrive signed (verified with the standardwebhooks package), in the
 * endpoint's pinned version; a failing receiver is retried on the schedule until it answers; 410
 * disables the endpoint; a tenant endpoint receives only its tenant's events.
 */
import { Webhook } from 'standardwebhooks';
import { waitFor } from '@app/testing';
import {
  Receiver,
  WebhooksPipeline,
  type ReceivedRequest,
  type ReceiverAnswer,
} from './webhooks-pipeline-kit';

jest.setTimeout(120_000);

function verify(secret: string, request: ReceivedRequest): unknown {
  return new Webhook(secret).verify(request.body, {
    'webhook-id': String(request.headers['webhook-id']),
    'webhook-timestamp': String(request.headers['webhook-timestamp']),
    'webhook-signature': String(request.headers['webhook-signature']),
  });
}

describe('webhooks pipeline (real Kafka, PostgreSQL, registry, HTTP)', () => {
  const pipeline = new WebhooksPipeline();
  const receivers: Receiver[] = [];
  const receiver = async (): Promise<Receiver> => {
    const started = await new Receiver().start();
    receivers.push(started);
    return started;
  };

  beforeAll(async () => {
    await pipeline.setUp();
    await pipeline.startApp();
  }, 120_000);
  afterAll(async () => {
    await pipeline.tearDown();
    await Promise.all(receivers.map((r) => r.stop()));
  }, 60_000);

  it('delivers every event signed, once per endpoint, v2 unpinned and v1-shaped when pinned', async () => {
    const [latest, pinned] = [await receiver(), await receiver()];
    const a = await pipeline.api('POST', '/v1/endpoints', {
      url: latest.url,
      types: [`${pipeline.domain}.*`],
    });
    expect(a.status).toBe(201);
    const b = await pipeline.api('POST', '/v1/endpoints', {
      url: pinned.url,
      types: [pipeline.type],
      versions: { [pipeline.type]: 1 },
    });
    expect(b.status).toBe(201);
    await pipeline.untilDelivering([latest, pinned]);

    const ids = await pipeline.produce(30);
    const ours = (r: Receiver) => r.requests.filter((q) => ids.includes(String(q.headers['webhook-id'])));
    await waitFor(() => ours(latest).length >= 30 && ours(pinned).length >= 30, {
      timeoutMs: 60_000,
      description: '30 deliveries to each endpoint',
    });
    for (const [r, secret, version] of [
      [latest, a.body.secret, 2],
      [pinned, b.body.secret, 1],
    ] as const) {
      expect(
        ours(r)
          .map((q) => q.headers['webhook-id'])
          .sort(),
      ).toEqual([...ids].sort());
      for (const request of ours(r)) {
        const body = verify(secret, request) as { id: string; type: string; version: number; data: object };
        expect(body).toMatchObject({ type: pipeline.type, version, source: 'pipeline-test' });
        expect(request.headers['webhook-id']).toBe(body.id);
        expect(request.headers['content-type']).toBe('application/json');
        expect(request.headers['traceparent']).toBe(
          '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
        );
        if (version === 1) expect(body.data).not.toHaveProperty('fee_minor');
        else expect(body.data).toHaveProperty('fee_minor', 7);
      }
    }
  });

  it('retries a failing receiver on the schedule (3xx is a failure, Retry-After honoured) until it answers 2xx', async () => {
    const flaky = await receiver();
    // 500, a redirect (not followed), 429 asking for 1 s, then success.
    const answers: ReceiverAnswer[] = [
      { status: 500 },
      { status: 302, headers: { location: 'http://127.0.0.1:1/elsewhere' } },
      { status: 429, headers: { 'retry-after': '1' } },
    ];
    flaky.respond = (request) => {
      const seen = flaky.requests.filter(
        (r) => r.headers['webhook-id'] === request.headers['webhook-id'],
      ).length;
      return answers[seen - 1] ?? { status: 200 };
    };
    const created = await pipeline.api('POST', '/v1/endpoints', {
      url: flaky.url,
      types: [pipeline.type],
      tenant: 'm-flaky',
    });
    expect(created.status).toBe(201);
    await pipeline.untilDeliveringTo(flaky, 'm-flaky');
    const [id] = await pipeline.produce(1, 'm-flaky');
    await waitFor(() => flaky.requests.filter((r) => r.headers['webhook-id'] === id).length === 4, {
      timeoutMs: 30_000,
      description: 'four attempts',
    });
    const attempts = flaky.requests.filter((r) => r.headers['webhook-id'] === id);
    expect(attempts.every((r) => r.headers['webhook-id'] === id)).toBe(true);
    // The fourth attempt waited for Retry-After (1 s), longer than the schedule's 300 ms.
    expect(attempts[3]!.at - attempts[2]!.at).toBeGreaterThanOrEqual(950);
    const row = await waitFor(
      async () => {
        const d = await pipeline.delivery(id!, created.body.id);
        return d?.status === 'delivered' ? d : undefined;
      },
      { timeoutMs: 10_000, description: 'the delivery marked delivered' },
    );
    expect(row.attempts).toBe(4);
    expect(await pipeline.attemptOutcomes(id!, created.body.id)).toEqual([
      'http_500',
      'http_302',
      'http_429',
      'delivered',
    ]);
  });

  it('disables an endpoint that answers 410, and sends a tenant endpoint only its tenant events', async () => {
    const gone = await receiver();
    gone.respond = (request) =>
      request.body.includes('"merchant_id":"m-gone"') ? { status: 410 } : { status: 204 };
    const created = await pipeline.api('POST', '/v1/endpoints', {
      url: gone.url,
      types: ['*'],
      tenant: 'm-gone',
    });
    expect(created.status).toBe(201);
    await pipeline.untilDeliveringTo(gone, 'm-gone');
    await waitFor(
      async () => (await pipeline.api('GET', `/v1/endpoints/${created.body.id}`)).body.enabled === false,
      {
        timeoutMs: 15_000,
        description: 'the endpoint disabled by 410',
      },
    );
    const endpoint = (await pipeline.api('GET', `/v1/endpoints/${created.body.id}`)).body;
    expect(endpoint.disabledReason).toMatch(/410/);
    expect(gone.requests.every((r) => r.body.includes('"merchant_id":"m-gone"'))).toBe(true);
  });
});

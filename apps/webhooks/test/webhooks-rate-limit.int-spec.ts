/**
 * Per-endpoint rate limits through the built app (real Kafka, PostgreSQL, registry, HTTP): a
 * receiver behind an endpoint limited to 5 deliveries per second never gets more than 5 in a
 * clock second, the backlog still drains (a window at a time), and an unlimited endpoint taking
 * the same events receives them at once.
 */
import { waitFor } from '@app/testing';
import { Receiver, WebhooksPipeline, type ReceivedRequest } from './webhooks-pipeline-kit';

jest.setTimeout(120_000);

const LIMIT = 5;
const EVENTS = 20;

/** Requests per clock second of arrival, busiest first. */
function perSecond(requests: readonly ReceivedRequest[]): number[] {
  const counts = new Map<number, number>();
  for (const r of requests)
    counts.set(Math.floor(r.at / 1000), (counts.get(Math.floor(r.at / 1000)) ?? 0) + 1);
  return [...counts.values()].sort((a, b) => b - a);
}

describe('webhooks rate limits (built app, real Kafka, PostgreSQL, registry, HTTP)', () => {
  const pipeline = new WebhooksPipeline();
  const receivers: Receiver[] = [];

  beforeAll(async () => {
    await pipeline.setUp();
    await pipeline.startApp();
  }, 120_000);
  afterAll(async () => {
    await pipeline.tearDown();
    await Promise.all(receivers.map((r) => r.stop()));
  }, 60_000);

  it(`never sends a limited receiver more than ${LIMIT} deliveries in a second, and leaves an unlimited one unthrottled`, async () => {
    const [limited, unlimited] = [await new Receiver().start(), await new Receiver().start()];
    receivers.push(limited, unlimited);
    for (const [receiver, rateLimit] of [
      [limited, LIMIT],
      [unlimited, null],
    ] as const) {
      const created = await pipeline.api('POST', '/v1/endpoints', {
        url: receiver.url,
        types: [pipeline.type],
        rateLimit,
      });
      expect(created.status).toBe(201);
    }
    await pipeline.untilDelivering([limited, unlimited]);
    // Produce early in a clock second, once the probes have settled, so the first window's
    // claim is not split by a second boundary on its way to the receiver.
    await new Promise((resolve) => setTimeout(resolve, 1_000 + (1_000 - (Date.now() % 1_000))));

    const ids = new Set(await pipeline.produce(EVENTS));
    const ours = (r: Receiver): ReceivedRequest[] =>
      r.requests.filter((q) => ids.has(String(q.headers['webhook-id'])));
    await waitFor(() => ours(limited).length >= EVENTS && ours(unlimited).length >= EVENTS, {
      timeoutMs: 60_000,
      description: `${EVENTS} deliveries to each endpoint`,
    });

    const busiest = perSecond(limited.requests);
    expect(busiest[0]).toBeLessThanOrEqual(LIMIT);
    const arrivals = ours(limited).map((r) => r.at);
    // 20 deliveries at 5 per window span at least 4 windows: more than 2 s first to last.
    expect(Math.max(...arrivals) - Math.min(...arrivals)).toBeGreaterThan(2_000);
    expect(new Set(ours(limited).map((r) => r.headers['webhook-id'])).size).toBe(EVENTS);
    // The unlimited endpoint got the same events without waiting for windows.
    expect(perSecond(ours(unlimited))[0]).toBeGreaterThan(LIMIT);
    // Held back is not an attempt: one attempt row per request (the last one recorded just after its answer).
    const attempts = async (): Promise<number | undefined> =>
      (
        await pipeline.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM webhooks.attempts a JOIN webhooks.deliveries d ON d.id = a.delivery_id
           JOIN webhooks.endpoints e ON e.id = d.endpoint_id WHERE e.rate_limit = $1`,
          [LIMIT],
        )
      )[0]?.n;
    await waitFor(async () => (await attempts()) === limited.requests.length, {
      timeoutMs: 10_000,
      description: 'one attempt recorded per request to the limited receiver',
    });
  });
});

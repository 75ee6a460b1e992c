/**
 * The webhooks pipeline under failure (built app, real Kafka, PostgreSQL, registry, loopback
 * receivers): a receiver that answers 503 and then refuses connections while 1,000 events arrive
 * gets every one of them once it is back; the app killed with SIGKILL twice during 5,000 events
 * to two endpoints still delivers every (event, endpoint) pair, from exactly one fan-out row per
 * pair. Duplicates at a receiver are allowed (at-least-once), but only with the same webhook-id.
 */
import { Webhook } from 'standardwebhooks';
import { waitFor } from '@app/testing';
import { Receiver, WebhooksPipeline, type ReceivedRequest } from './webhooks-pipeline-kit';

jest.setTimeout(240_000);

/**
 * Ten attempts over at least 0.8 × 16.7 s (±20 % jitter): far longer than the outage below
 * (a few seconds of 503s and refused connections), so no delivery fails for good while the
 * receiver is down; the 2 s steps at the end keep the wait after it comes back short.
 */
const RETRY_SCHEDULE = '0,200ms,500ms,1s,1s,2s,2s,2s,2s,2s,2s,2s';
const APP_ENV = { WEBHOOKS_RETRY_SCHEDULE: RETRY_SCHEDULE, WEBHOOKS_TIMEOUT_MS: '2000' };

interface DeliveredBody {
  readonly id: string;
  readonly data: { readonly payment_id: string };
}

const webhookId = (request: ReceivedRequest): string => String(request.headers['webhook-id']);

/**
 * Every request's body names the event of its webhook-id, and all requests carrying one payment
 * (one produced event) carry one webhook-id: a duplicate is recognisable as such.
 */
function expectDuplicatesShareWebhookId(requests: readonly ReceivedRequest[]): void {
  const idsByPayment = new Map<string, Set<string>>();
  for (const request of requests) {
    const body = JSON.parse(request.body) as DeliveredBody;
    expect(body.id).toBe(webhookId(request));
    const ids = idsByPayment.get(body.data.payment_id) ?? new Set<string>();
    idsByPayment.set(body.data.payment_id, ids.add(webhookId(request)));
  }
  const split = [...idsByPayment].filter(([, ids]) => ids.size > 1);
  expect(split).toEqual([]);
}

describe('webhooks resilience (built app, real Kafka, PostgreSQL, registry, HTTP)', () => {
  const pipeline = new WebhooksPipeline();
  const receivers: Receiver[] = [];
  const receiver = async (): Promise<Receiver> => {
    const started = await new Receiver().start();
    receivers.push(started);
    return started;
  };

  beforeAll(async () => {
    await pipeline.setUp();
    await pipeline.startApp(APP_ENV);
  }, 120_000);
  afterAll(async () => {
    await pipeline.tearDown();
    await Promise.all(receivers.map((r) => r.stop()));
  }, 60_000);

  it('delivers all of 1,000 events to a receiver that answered 503 and then refused connections', async () => {
    const outage = await receiver();
    /** The statuses answered per webhook-id (a refused connection reaches no handler). */
    const answers = new Map<string, number[]>();
    let status = 204;
    outage.respond = (request) => {
      answers.set(webhookId(request), [...(answers.get(webhookId(request)) ?? []), status]);
      return { status };
    };
    const created = await pipeline.api('POST', '/v1/endpoints', {
      url: outage.url,
      types: [pipeline.type],
      tenant: 'm-outage',
    });
    expect(created.status).toBe(201);
    await pipeline.untilDeliveringTo(outage, 'm-outage');

    status = 503;
    const ids = await pipeline.produce(1_000, 'm-outage');
    await waitFor(() => ids.every((id) => answers.get(id)?.includes(503)), {
      timeoutMs: 30_000,
      intervalMs: 50,
      description: 'every event to meet a 503',
    });
    // Down: connections refused until retries have met the closed port.
    const port = Number(new URL(outage.url).port);
    await outage.stop();
    const refused = async (): Promise<number> => {
      const [row] = await pipeline.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM webhooks.attempts a JOIN webhooks.deliveries d ON d.id = a.delivery_id
         WHERE d.endpoint_id = $1 AND a.outcome = 'connect'`,
        [created.body.id],
      );
      return row?.n ?? 0;
    };
    await waitFor(async () => (await refused()) >= 100, {
      timeoutMs: 10_000,
      intervalMs: 50,
      description: '100 attempts refused at connect',
    });
    status = 204;
    await outage.start(port);

    await waitFor(() => ids.every((id) => answers.get(id)?.some((s) => s < 300)), {
      timeoutMs: 60_000,
      intervalMs: 100,
      description: 'every event answered 2xx once the receiver is back',
    });
    // An attempt is recorded after its answer arrives: wait for the records, then check them all.
    const statuses = () =>
      pipeline.query<{ status: string; n: number }>(
        `SELECT status, count(*)::int AS n FROM webhooks.deliveries
         WHERE endpoint_id = $1 AND event_id = ANY($2) GROUP BY status`,
        [created.body.id, ids],
      );
    await waitFor(async () => (await statuses()).some((r) => r.status === 'delivered' && r.n === 1_000), {
      timeoutMs: 30_000,
      intervalMs: 100,
      description: 'every delivery recorded as delivered',
    });
    expect(await statuses()).toEqual([{ status: 'delivered', n: 1_000 }]);
    const produced = new Set(ids);
    const ours = outage.requests.filter((r) => produced.has(webhookId(r)));
    for (const request of ours) {
      new Webhook(created.body.secret).verify(request.body, {
        'webhook-id': webhookId(request),
        'webhook-timestamp': String(request.headers['webhook-timestamp']),
        'webhook-signature': String(request.headers['webhook-signature']),
      });
    }
    expectDuplicatesShareWebhookId(ours);
  });

  it('delivers every (event, endpoint) pair of 5,000 events to two endpoints across two kill -9s', async () => {
    const [first, second] = [await receiver(), await receiver()];
    const endpoints: string[] = [];
    for (const r of [first, second]) {
      const created = await pipeline.api('POST', '/v1/endpoints', {
        url: r.url,
        types: [pipeline.type],
        tenant: 'm-kill',
      });
      expect(created.status).toBe(201);
      endpoints.push(created.body.id);
    }
    for (const r of [first, second]) await pipeline.untilDeliveringTo(r, 'm-kill');

    const count = async (where: string): Promise<number> => {
      const [row] = await pipeline.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM webhooks.deliveries WHERE endpoint_id = ANY($1) ${where}`,
        [endpoints],
      );
      return row?.n ?? 0;
    };
    const rowsBefore = await count('');
    const ids = await pipeline.produce(5_000, 'm-kill');
    const produced = new Set(ids);
    // First kill: while the fan-out writes rows and workers deliver them.
    await waitFor(async () => (await count('')) >= rowsBefore + 1_000, {
      timeoutMs: 30_000,
      intervalMs: 20,
      description: '1,000 fan-out rows',
    });
    await pipeline.stopApp('SIGKILL');
    const deliveredAtFirstKill = await count(`AND status = 'delivered'`);
    await pipeline.startApp(APP_ENV);
    // Second kill: after the restarted app delivered 1,000 more.
    await waitFor(async () => (await count(`AND status = 'delivered'`)) >= deliveredAtFirstKill + 1_000, {
      timeoutMs: 60_000,
      intervalMs: 20,
      description: '1,000 more deliveries after the restart',
    });
    await pipeline.stopApp('SIGKILL');
    const deliveredAtSecondKill = await count(`AND status = 'delivered'`);
    await pipeline.startApp(APP_ENV);
    // Both kills came mid-way, with deliveries still to go (in trial runs, before the fan-out of
    // the 5,000 events was complete too).
    expect(deliveredAtFirstKill).toBeLessThan(rowsBefore + 10_000);
    expect(deliveredAtSecondKill).toBeLessThan(rowsBefore + 10_000);

    // Attempts in flight at a kill are due again when their lease ends (timeout + 30 s).
    const ours = (r: Receiver) => r.requests.filter((q) => produced.has(webhookId(q)));
    await waitFor(() => [first, second].every((r) => new Set(ours(r).map(webhookId)).size === 5_000), {
      timeoutMs: 120_000,
      intervalMs: 500,
      description: 'every event at both receivers',
    });
    const fanOutRows = () =>
      pipeline.query<{ total: number; pairs: number; most: number; delivered: number }>(
        `SELECT sum(n)::int AS total, count(*)::int AS pairs, max(n)::int AS most,
                sum(delivered)::int AS delivered
         FROM (SELECT event_id, endpoint_id, count(*) AS n,
                      count(*) FILTER (WHERE status = 'delivered') AS delivered
               FROM webhooks.deliveries WHERE endpoint_id = ANY($1) AND event_id = ANY($2)
               GROUP BY event_id, endpoint_id) per_pair`,
        [endpoints, ids],
      );
    // A receiver may have answered an attempt whose outcome a kill kept from being stored: that
    // delivery is attempted again when its lease ends, then marked delivered.
    const pairs = await waitFor(
      async () => {
        const rows = await fanOutRows();
        return rows[0]?.delivered === 10_000 ? rows : undefined;
      },
      { timeoutMs: 120_000, intervalMs: 500, description: 'every pair marked delivered' },
    ).catch(() => fanOutRows());
    expect(pairs).toEqual([{ total: 10_000, pairs: 10_000, most: 1, delivered: 10_000 }]);
    for (const r of [first, second]) expectDuplicatesShareWebhookId(ours(r));
  });
});

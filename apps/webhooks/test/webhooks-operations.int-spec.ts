/**
 * Webhook operations on the built app (real Kafka, PostgreSQL, registry, loopback receivers):
 * retry one delivery; recover an endpoint's deliveries that failed while its receiver was down,
 * in jobs bounded by WEBHOOKS_RECOVER_LIMIT, with exact counts; replay a time window to one
 * endpoint (exactly its events of the window, in partition order, in its pinned version, and
 * nothing to any other endpoint or to the fan-out's consumer group); a test event that verifies
 * with `standardwebhooks`; cancelling jobs.
 */
import { waitFor } from '@app/testing';
import { Receiver, WebhooksPipeline, type EndpointBody, type ReceivedRequest } from './webhooks-pipeline-kit';
import { deliveryRows, jobEnded, type DeliveryBody, type JobBody } from './webhooks-operations-kit';

jest.setTimeout(240_000);

const RECOVER_LIMIT = 20;
const webhookId = (r: ReceivedRequest): string => String(r.headers['webhook-id']);

describe('webhook operations (built app, real Kafka, PostgreSQL, registry, HTTP)', () => {
  const pipeline = new WebhooksPipeline();
  const receivers: Receiver[] = [];
  const receiver = async (): Promise<Receiver> => {
    const started = await new Receiver().start();
    receivers.push(started);
    return started;
  };
  const endpoint = async (body: Record<string, unknown>): Promise<EndpointBody> => {
    const created = await pipeline.api('POST', '/v1/endpoints', body);
    expect(created.status).toBe(201);
    return created.body;
  };

  beforeAll(async () => {
    await pipeline.setUp();
    await pipeline.startApp({ WEBHOOKS_RECOVER_LIMIT: String(RECOVER_LIMIT) });
  }, 120_000);
  afterAll(async () => {
    await pipeline.tearDown();
    await Promise.all(receivers.map((r) => r.stop()));
  }, 60_000);

  it('retries one delivery whatever its state, recording the attempt with its request and response', async () => {
    const target = await receiver();
    let status = 500;
    target.respond = () => ({ status, headers: { 'x-receiver': 'yes' } });
    const created = await endpoint({ url: target.url, types: [pipeline.type], tenant: 'm-retry' });
    await pipeline.untilDeliveringTo(target, 'm-retry');
    const [eventId] = await pipeline.produce(1, 'm-retry');
    await waitFor(async () => (await pipeline.delivery(eventId!, created.id))?.status === 'failed', {
      timeoutMs: 30_000,
      description: 'the delivery to fail after its 4 attempts',
    });
    const [row] = await pipeline.query<{ id: string }>(
      'SELECT id FROM webhooks.deliveries WHERE event_id = $1 AND endpoint_id = $2',
      [eventId, created.id],
    );
    status = 204;
    const retried = await pipeline.api<DeliveryBody>('POST', `/v1/deliveries/${row!.id}/retry`);
    expect(retried.status).toBe(202);
    expect(retried.body).toMatchObject({
      id: row!.id,
      status: 'pending',
      origin: 'event',
      jobId: null,
      attempts: 4,
    });
    expect(Date.parse(retried.body.nextAttemptAt!)).toBeLessThanOrEqual(Date.now() + 1_000);
    await waitFor(async () => (await pipeline.delivery(eventId!, created.id))?.status === 'delivered', {
      description: 'the retried delivery to be delivered',
    });
    // A delivered one can be retried too: one more attempt, delivered again.
    expect((await pipeline.api('POST', `/v1/deliveries/${row!.id}/retry`)).status).toBe(202);
    await waitFor(async () => (await pipeline.delivery(eventId!, created.id))?.attempts === 6, {
      description: 'the second retry to be attempted',
    });
    await waitFor(async () => (await pipeline.delivery(eventId!, created.id))?.status === 'delivered');
    const detail = await pipeline.api<DeliveryBody>('GET', `/v1/deliveries/${row!.id}`);
    expect(detail.body.attemptList!.map((a) => a.outcome)).toEqual([
      'http_500',
      'http_500',
      'http_500',
      'http_500',
      'delivered',
      'delivered',
    ]);
    const last = detail.body.attemptList![5]!;
    const sent = target.requests.filter((r) => webhookId(r) === eventId);
    expect(sent).toHaveLength(6);
    expect(last.request).toMatchObject({
      url: target.url,
      headers: { 'webhook-id': eventId, 'content-type': 'application/json' },
      body: sent[5]!.body,
      bodyTruncated: false,
    });
    expect(last.request!.headers['webhook-signature']).toBe(sent[5]!.headers['webhook-signature']);
    expect(last).toMatchObject({ statusCode: 204, responseHeaders: { 'x-receiver': 'yes' } });
    expect(
      (await pipeline.api('POST', '/v1/deliveries/dlv_0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b/retry')).status,
    ).toBe(404);
  });

  it('recovers every delivery that failed while the receiver was down, in jobs of at most the limit', async () => {
    const target = await receiver();
    const created = await endpoint({ url: target.url, types: [pipeline.type], tenant: 'm-recover' });
    await pipeline.untilDeliveringTo(target, 'm-recover');
    const since = new Date().toISOString();
    const port = Number(new URL(target.url).port);
    await target.stop();
    const ids = await pipeline.produce(30, 'm-recover');
    const failed = async (): Promise<number> =>
      (await deliveryRows(pipeline, created.id)).filter(
        (r) => ids.includes(r.event_id) && r.status === 'failed',
      ).length;
    await waitFor(async () => (await failed()) === 30, {
      timeoutMs: 60_000,
      description: 'all 30 deliveries to fail past their last attempt',
    });
    await target.start(port);

    const first = await pipeline.api<JobBody>('POST', `/v1/endpoints/${created.id}/recover`, { since });
    expect(first.status).toBe(202);
    expect(first.body).toMatchObject({ kind: 'recover', endpointId: created.id, state: 'queued', since });
    const firstDone = await jobEnded(pipeline, first.body.id);
    expect(firstDone).toMatchObject({
      state: 'succeeded',
      progress: { done: RECOVER_LIMIT, total: RECOVER_LIMIT },
      result: { recovered: RECOVER_LIMIT, limit: RECOVER_LIMIT, more: true },
    });
    const second = await pipeline.api<JobBody>('POST', `/v1/endpoints/${created.id}/recover`, { since });
    const secondDone = await jobEnded(pipeline, second.body.id);
    expect(secondDone).toMatchObject({
      state: 'succeeded',
      progress: { done: 10, total: 10 },
      result: { recovered: 10, more: false },
    });

    await waitFor(
      () => new Set(target.requests.map(webhookId).filter((id) => ids.includes(id))).size === 30,
      {
        description: 'the 30 recovered deliveries to arrive',
      },
    );
    await waitFor(async () =>
      (await deliveryRows(pipeline, created.id))
        .filter((r) => ids.includes(r.event_id))
        .every((r) => r.status === 'delivered'),
    );
    // Exactly one request per event: the receiver was down for every earlier attempt.
    const received = target.requests.map(webhookId).filter((id) => ids.includes(id));
    expect(received.sort()).toEqual([...ids].sort());
    const listed = await pipeline.api<{ items: JobBody[] }>('GET', `/v1/jobs?endpoint=${created.id}`);
    expect(listed.body.items.map((j) => j.id)).toEqual([second.body.id, first.body.id]);
    // Nothing left to recover: a third job finds nothing.
    const third = await pipeline.api<JobBody>('POST', `/v1/endpoints/${created.id}/recover`, { since });
    expect(await jobEnded(pipeline, third.body.id)).toMatchObject({
      state: 'succeeded',
      progress: { done: 0, total: 0 },
      result: { recovered: 0, more: false },
    });
  });
});

/**
 * Webhook operations on the built app (real Kafka, PostgreSQL, registry, loopback receivers):
 * retry one delivery; recover an endpoint's deliveries that failed while its receiver was down,
 * in jobs bounded by WEBHOOKS_RECOVER_LIMIT, with exact counts; replay a time window to one
 * endpoint (exactly its events of the window, in partition order, in its pinned version, and
 * nothing to any other endpoint or to the fan-out's consumer group); a test event that verifies
 * with `standardwebhooks`; cancelling jobs.
 */
import { Webhook } from 'standardwebhooks';
import { waitFor } from '@app/testing';
import { Receiver, WebhooksPipeline, type EndpointBody, type ReceivedRequest } from './webhooks-pipeline-kit';
import {
  clockPast,
  deliveryRows,
  jobEnded,
  type DeliveryBody,
  type JobBody,
} from './webhooks-operations-kit';

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
    // As GET /v1/deliveries/{id} answers it: with the attempts so far.
    expect(retried.body.attemptList!.map((a) => a.outcome)).toEqual([
      'http_500',
      'http_500',
      'http_500',
      'http_500',
    ]);
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

  it('replays a window to one endpoint only: its events of the window, in partition order, pinned, no group moved', async () => {
    const target = await receiver();
    const other = await receiver();
    const replayed = await endpoint({
      url: target.url,
      types: [pipeline.type],
      tenant: 'm-replay',
      versions: { [pipeline.type]: 1 },
      ordered: true,
    });
    const bystander = await endpoint({ url: other.url, types: [`${pipeline.domain}.*`] });
    await pipeline.untilDeliveringTo(target, 'm-replay');
    await pipeline.untilDelivering([other]);
    const before = await pipeline.produce(12, 'm-replay');
    await clockPast(Date.now());
    const since = new Date();
    const inWindow = await pipeline.produce(30, 'm-replay', 100);
    const otherTenant = await pipeline.produce(10, 'm-elsewhere', 200);
    const moreInWindow = await pipeline.produce(15, 'm-replay', 300);
    await clockPast(Date.now());
    const until = new Date();
    await clockPast(until.getTime());
    const after = await pipeline.produce(8, 'm-replay', 400);
    const everything = [...before, ...inWindow, ...otherTenant, ...moreInWindow, ...after];
    const wanted = [...inWindow, ...moreInWindow];
    await waitFor(() => everything.every((id) => other.requests.some((r) => webhookId(r) === id)), {
      timeoutMs: 30_000,
      description: 'the bystander to receive every event live',
    });
    const ours = [...before, ...inWindow, ...moreInWindow, ...after];
    await waitFor(() => ours.every((id) => target.requests.some((r) => webhookId(r) === id)), {
      timeoutMs: 30_000,
      description: 'the replayed endpoint to receive its events live',
    });
    const offsetsBefore = await groupOffsets(pipeline);
    const positionsBefore = await pipeline.query(
      'SELECT * FROM webhooks.consumer_positions ORDER BY 1, 2, 3',
    );
    const targetBefore = target.requests.length;
    const otherBefore = other.requests.length;

    const started = await pipeline.api<JobBody>('POST', `/v1/endpoints/${replayed.id}/replay`, {
      since: since.toISOString(),
      until: until.toISOString(),
    });
    expect(started.status).toBe(202);
    expect(started.body).toMatchObject({ kind: 'replay', state: 'queued', until: until.toISOString() });
    const done = await jobEnded(pipeline, started.body.id);
    expect(done).toMatchObject({
      state: 'succeeded',
      result: { events: 55, deliveries: 45, skipped: 0, more: false },
      progress: { done: 55, total: 55 },
    });
    await waitFor(() => target.requests.length - targetBefore === wanted.length, {
      description: 'the 45 replayed events to arrive',
    });
    const again = target.requests.slice(targetBefore);
    expect(again.map(webhookId).sort()).toEqual([...wanted].sort());
    for (const request of again) {
      const body = new Webhook(replayed.secret).verify(request.body, headersOf(request)) as {
        version: number;
      };
      expect(body.version).toBe(1);
    }
    // Per partition, in Kafka order (an ordered endpoint: one delivery at a time).
    const coordinates = new Map(
      (
        await pipeline.query<{ event_id: string; kafka_partition: number; kafka_offset: string }>(
          'SELECT event_id, kafka_partition, kafka_offset FROM webhooks.messages WHERE job_id = $1',
          [started.body.id],
        )
      ).map((m) => [m.event_id, m]),
    );
    const byPartition = new Map<number, bigint[]>();
    for (const id of again.map(webhookId)) {
      const m = coordinates.get(id)!;
      byPartition.set(m.kafka_partition, [
        ...(byPartition.get(m.kafka_partition) ?? []),
        BigInt(m.kafka_offset),
      ]);
    }
    expect(byPartition.size).toBeGreaterThan(1);
    for (const offsets of byPartition.values()) {
      expect(offsets).toEqual([...offsets].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    }
    const rows = (await deliveryRows(pipeline, replayed.id)).filter((r) => r.origin === 'replay');
    expect(rows).toHaveLength(45);
    expect(rows.every((r) => r.job_id === started.body.id)).toBe(true);
    const listed = await pipeline.api<{ items: DeliveryBody[] }>(
      'GET',
      `/v1/deliveries?endpoint=${replayed.id}&limit=5`,
    );
    expect(listed.body.items[0]).toMatchObject({ origin: 'replay', jobId: started.body.id });
    // Nobody else saw anything: the bystander, the fan-out's group and its stored positions.
    expect(other.requests.length).toBe(otherBefore);
    expect(await groupOffsets(pipeline)).toEqual(offsetsBefore);
    expect(await pipeline.query('SELECT * FROM webhooks.consumer_positions ORDER BY 1, 2, 3')).toEqual(
      positionsBefore,
    );
    const groups = (await pipeline.admin.listGroups()).groups.map((g) => g.groupId);
    expect(groups.filter((g) => g.includes(started.body.id))).toEqual([]);
    expect(bystander.id).not.toBe(replayed.id);
  });

  it('sends a test event, signed, to that endpoint only; refuses a type it does not take', async () => {
    const target = await receiver();
    const other = await receiver();
    const tested = await endpoint({ url: target.url, types: [pipeline.type], tenant: 'm-test' });
    await endpoint({ url: other.url, types: ['*'] });
    const otherBefore = other.requests.length;
    const sent = await pipeline.api<{ deliveryId: string; eventId: string }>(
      'POST',
      `/v1/endpoints/${tested.id}/test`,
      { type: pipeline.type },
    );
    expect(sent.status).toBe(202);
    const request = await waitFor(() => target.requests.find((r) => webhookId(r) === sent.body.eventId), {
      description: 'the test event to arrive',
    });
    const body = new Webhook(tested.secret).verify(request.body, headersOf(request)) as {
      id: string;
      type: string;
      version: number;
      source: string;
      data: Record<string, unknown>;
    };
    expect(body).toMatchObject({
      id: sent.body.eventId,
      type: pipeline.type,
      version: 2,
      source: 'herald-webhooks-test',
    });
    expect(body.data).toMatchObject({ merchant_id: 'm-test', currency: 'sample-currency' });
    const detail = await pipeline.api<DeliveryBody>('GET', `/v1/deliveries/${sent.body.deliveryId}`);
    expect(detail.body).toMatchObject({ origin: 'test', status: 'delivered', eventId: sent.body.eventId });
    // Version 1 asked for: written in v1 (the delivery renders the event's own version).
    const v1 = await pipeline.api<{ eventId: string }>('POST', `/v1/endpoints/${tested.id}/test`, {
      type: pipeline.type,
      version: 1,
    });
    const first = await waitFor(() => target.requests.find((r) => webhookId(r) === v1.body.eventId));
    expect((JSON.parse(first.body) as { version: number }).version).toBe(1);
    expect(other.requests.length).toBe(otherBefore);

    const refused = await pipeline.api<{ errors: { path: string }[] }>(
      'POST',
      `/v1/endpoints/${tested.id}/test`,
      {
        type: 'payments.payment.received',
      },
    );
    expect(refused.status).toBe(422);
    expect(refused.body.errors.map((e) => e.path)).toEqual(['/type']);
    const noVersion = await pipeline.api<{ errors: { path: string }[] }>(
      'POST',
      `/v1/endpoints/${tested.id}/test`,
      {
        type: pipeline.type,
        version: 9,
      },
    );
    expect(noVersion.status).toBe(422);
    expect(noVersion.body.errors.map((e) => e.path)).toEqual(['/version']);
  });

  it('cancels a job: it ends at once, writes nothing more, and cannot be cancelled once it succeeded', async () => {
    const target = await receiver();
    target.respond = () => ({ status: 503 });
    const created = await endpoint({ url: target.url, types: [pipeline.type], tenant: 'm-cancel' });
    await pipeline.untilDeliveringTo(target, 'm-cancel');
    const since = new Date(Date.now() - 3_600_000).toISOString();
    await pipeline.produce(300, 'm-cancel');
    const started = await pipeline.api<JobBody>('POST', `/v1/endpoints/${created.id}/replay`, { since });
    const cancelled = await pipeline.api<JobBody>('POST', `/v1/jobs/${started.body.id}/cancel`);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ id: started.body.id, state: 'cancelled' });
    expect(cancelled.body.finishedAt).not.toBeNull();
    // The run (if it had started) has let go once its throw-away group is gone.
    await waitFor(
      async () =>
        !(await pipeline.admin.listGroups()).groups.some((g) => g.groupId.includes(started.body.id)) && true,
      { description: 'the cancelled replay to stop reading' },
    );
    const countJob = async (): Promise<number> =>
      (await deliveryRows(pipeline, created.id)).filter((r) => r.job_id === started.body.id).length;
    const left = await countJob();
    const final = await pipeline.api<JobBody>('GET', `/v1/jobs/${started.body.id}`);
    expect(final.body.state).toBe('cancelled');
    expect(final.body.progress).toEqual(cancelled.body.progress);
    // Withdrawn: no delivery of the job is left that no worker had claimed.
    const unclaimed = (await deliveryRows(pipeline, created.id)).filter(
      (r) => r.job_id === started.body.id && r.attempts === 0,
    );
    expect(unclaimed).toEqual([]);
    expect(await countJob()).toBe(left);
    expect((await pipeline.api('POST', `/v1/jobs/${started.body.id}/cancel`)).status).toBe(200);

    const recovered = await pipeline.api<JobBody>('POST', `/v1/endpoints/${created.id}/recover`, { since });
    await jobEnded(pipeline, recovered.body.id);
    const conflict = await pipeline.api<{ status: number; errors: { path: string }[] }>(
      'POST',
      `/v1/jobs/${recovered.body.id}/cancel`,
    );
    expect(conflict.status).toBe(409);
    expect(conflict.body.errors.map((e) => e.path)).toEqual(['/jobId']);
  });
});

function headersOf(request: ReceivedRequest): Record<string, string> {
  return Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k, String(v)]));
}

async function groupOffsets(pipeline: WebhooksPipeline): Promise<unknown> {
  const [topic] = await pipeline.admin.fetchOffsets({ groupId: pipeline.groupId, topics: [pipeline.type] });
  return topic?.partitions.map((p) => [p.partition, p.offset]).sort();
}

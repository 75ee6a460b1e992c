// HeraldClient's batches against a real HTTP server playing the gateway contract: per-event
// results in order, atomic 422, re-sending only retriable rejections, and auto-batching.
import { HeraldClient, HeraldProblemError, type RawEvent } from '@app/sdk';

import { accepted, FakeGateway, problem, type RecordedRequest } from './fake-gateway';

const payment = {
  payment_id: '0195f3c2-7a51-7cc2-9c1e-1f2a3b4c5d6e',
  merchant_id: 'merchant-1',
  amount_minor: 1250,
  currency: 'EUR',
  method: 'CARD' as const,
  received_at: '2026-11-26T10:15:00.000Z',
};

type EventBody = { id: string; type: string; version?: number; data: unknown };
const eventsOf = (request: RecordedRequest | undefined): EventBody[] =>
  (request?.body as { events: EventBody[] }).events;

describe('HeraldClient batches', () => {
  let gateway: FakeGateway;
  beforeEach(async () => {
    gateway = await FakeGateway.start();
  });
  afterEach(async () => {
    await gateway.stop();
  });
  const client = (options: Partial<ConstructorParameters<typeof HeraldClient>[0]> = {}): HeraldClient =>
    new HeraldClient({
      url: gateway.url,
      apiKey: 'hk_test',
      retryDelay: { baseMs: 1, maxMs: 50 },
      ...options,
    });

  /** Accepts every event except those whose data has `reject`, which get the given problem. */
  const answerBatch =
    (rejectStatus = 422) =>
    (request: RecordedRequest) => ({
      status: 200,
      body: {
        results: eventsOf(request).map((event, i) =>
          (event.data as { reject?: boolean }).reject
            ? {
                status: 'rejected',
                id: event.id,
                error: { type: 'about:blank', title: 'Rejected', status: rejectStatus },
              }
            : { status: 'accepted', ...(accepted(event, i).body as object) },
        ),
      },
    });

  it('returns one result per event, in order, with typed rejections', async () => {
    gateway.handler = answerBatch();
    const events: RawEvent[] = [
      { type: 't.a.b', data: {} },
      { type: 't.a.b', data: { reject: true } },
      { type: 't.a.b', id: 'own-id', data: {} },
    ];
    const results = await client().publishBatchRaw(events);
    expect(gateway.requests).toHaveLength(1);
    expect(gateway.requests[0]?.path).toBe('/v1/events/batch');
    expect((gateway.requests[0]?.body as { atomic: boolean }).atomic).toBe(false);
    expect(results.map((r) => r.status)).toEqual(['accepted', 'rejected', 'accepted']);
    expect(results[2]).toMatchObject({ id: 'own-id', offset: '2' });
    expect(results[1]).toMatchObject({
      status: 'rejected',
      error: expect.any(HeraldProblemError) as unknown,
    });
  });

  it('throws the 422 of an atomic batch with an invalid event', async () => {
    gateway.handler = () =>
      problem(422, 'Unprocessable Content', { errors: [{ path: '/events/1/data/x', message: 'bad' }] });
    const error = await client()
      .publishBatch([{ type: 'payments.payment.received', data: payment }], { atomic: true })
      .catch((e: unknown) => e);
    expect((gateway.requests[0]?.body as { atomic: boolean }).atomic).toBe(true);
    expect(error).toMatchObject({ status: 422, errors: [{ path: '/events/1/data/x', message: 'bad' }] });
    expect(gateway.requests).toHaveLength(1);
  });

  it('re-sends only the events rejected as retriable, with their ids', async () => {
    let failures = 1;
    gateway.handler = (request) => {
      const events = eventsOf(request);
      if (failures-- > 0) events.forEach((e, i) => ((e.data as { reject?: boolean }).reject = i === 1));
      return answerBatch(503)(request);
    };
    const results = await client().publishBatchRaw([
      { type: 't.a.b', data: {} },
      { type: 't.a.b', data: {} },
    ]);
    expect(results.map((r) => r.status)).toEqual(['accepted', 'accepted']);
    expect(eventsOf(gateway.requests[1]).map((e) => e.id)).toEqual([eventsOf(gateway.requests[0])[1]?.id]);
  });

  it('auto-batches publish calls made within the linger and settles each with its own result', async () => {
    gateway.handler = answerBatch();
    const batching = client({ batching: { lingerMs: 50, maxEvents: 100 } });
    const outcomes = await Promise.allSettled([
      batching.publishRaw('t.a.b', { n: 1 }),
      batching.publishRaw('t.a.b', { reject: true }),
      batching.publishRaw('t.a.b', { n: 3 }),
    ]);
    expect(gateway.requests).toHaveLength(1);
    expect(eventsOf(gateway.requests[0]).map((e) => e.data)).toEqual([{ n: 1 }, { reject: true }, { n: 3 }]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(outcomes[2]).toMatchObject({ value: { id: eventsOf(gateway.requests[0])[2]?.id, offset: '2' } });
    expect(outcomes[1]).toMatchObject({ reason: expect.any(HeraldProblemError) as unknown });
  });

  it('sends a batch as soon as it holds maxEvents', async () => {
    gateway.handler = answerBatch();
    const batching = client({ batching: { lingerMs: 60_000, maxEvents: 5 } });
    const published = Array.from({ length: 10 }, (_, n) => batching.publishRaw('t.a.b', { n }));
    await Promise.all(published);
    expect(gateway.requests.map((r) => eventsOf(r).length)).toEqual([5, 5]);
  });

  it('close() flushes events still lingering and refuses later publishes', async () => {
    gateway.handler = answerBatch();
    const batching = client({ batching: { lingerMs: 60_000, maxEvents: 100 } });
    const pending = batching.publish('payments.payment.received', payment);
    await batching.close();
    await expect(pending).resolves.toMatchObject({ type: 'payments.payment.received' });
    await expect(batching.publish('payments.payment.received', payment)).rejects.toThrow(/closed/);
    expect(gateway.requests).toHaveLength(1);
  });

  it('drops a batched event whose signal aborts before its batch leaves', async () => {
    gateway.handler = answerBatch();
    const batching = client({ batching: { lingerMs: 60_000, maxEvents: 100 } });
    const controller = new AbortController();
    const dropped = batching.publishRaw('t.a.b', { n: 1 }, { signal: controller.signal });
    const kept = batching.publishRaw('t.a.b', { n: 2 });
    controller.abort(new Error('no longer needed'));
    await expect(dropped).rejects.toThrow('no longer needed');
    await batching.close();
    await expect(kept).resolves.toMatchObject({ offset: '0' });
    expect(eventsOf(gateway.requests[0]).map((e) => e.data)).toEqual([{ n: 2 }]);
  });

  it('rejects every batched publish with the error of a failed batch request', async () => {
    gateway.handler = () => problem(401, 'Unauthorized');
    const batching = client({ batching: { lingerMs: 5, maxEvents: 100 } });
    const outcomes = await Promise.allSettled([
      batching.publishRaw('t.a.b', {}),
      batching.publishRaw('t.a.b', {}),
    ]);
    expect(
      outcomes.map((o) => (o.status === 'rejected' ? (o.reason as HeraldProblemError).status : 0)),
    ).toEqual([401, 401]);
  });
});

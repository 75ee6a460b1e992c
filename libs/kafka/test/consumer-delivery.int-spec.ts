/**
 * The consumer runtime on a real Kafka and registry: schema resolution to a pinned reader
 * version, dead-lettering of poison records with their original bytes while the partition
 * moves on, in-place retries that commit once, and `@EventPattern('*')` picking up a type
 * created after start.
 */
import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { HandlerError, HeraldEventContext, deadLetterTopic, type EventEnvelope } from '@app/kafka';
import { uniqueName, waitFor } from '@app/testing';
import { ConsumerFixture, uniqueEventType } from './spec-support/consumer-fixture';

interface Seen {
  readonly data: Record<string, unknown>;
  readonly envelope: EventEnvelope;
  readonly attempt: number;
}

type Behaviour = (seen: Seen) => void;

function pinnedHandler(
  topic: string,
  version: number | undefined,
  sink: Seen[],
  behaviour: Behaviour = () => undefined,
) {
  @Controller()
  class PinnedHandler {
    @EventPattern(topic, version === undefined ? {} : { version })
    async handle(@Payload() data: Record<string, unknown>, @Ctx() ctx: HeraldEventContext): Promise<void> {
      const seen: Seen = { data, envelope: ctx.envelope, attempt: ctx.attempt };
      sink.push(seen);
      behaviour(seen);
    }
  }
  return PinnedHandler;
}

describe('Herald consumer runtime: delivery (real Kafka and registry)', () => {
  const fixture = new ConsumerFixture();

  beforeAll(() => fixture.setUp(), 90_000);
  afterAll(() => fixture.tearDown(), 60_000);

  it('resolves v2-written events to the v1 reader a handler is pinned to, with the writer in the envelope', async () => {
    const topic = uniqueEventType();
    const ids = await fixture.createEventType(topic);
    await fixture.publish(topic, ids, [
      { n: 1, version: 2 },
      { n: 2, version: 1 },
    ]);
    const seen: Seen[] = [];
    await fixture.startConsumer(pinnedHandler(topic, 1, seen), uniqueName('it-v1'));
    await waitFor(() => seen.length === 2, { timeoutMs: 30_000, description: 'both events' });

    const [fromV2, fromV1] = seen as [Seen, Seen];
    expect(Object.keys(fromV2.data).sort()).toEqual(Object.keys(fromV1.data).sort());
    expect(fromV2.data).not.toHaveProperty('fee_minor');
    expect(fromV2.data).toMatchObject({
      method: 'UNKNOWN',
      amount_minor: 101,
      currency: 'EUR',
      received_at: '2023-11-14T22:13:20.000Z',
    });
    expect(fromV1.data).toMatchObject({ method: 'CARD', amount_minor: 102 });
    expect(fromV2.envelope).toMatchObject({
      id: 'evt-1',
      type: topic,
      version: 2,
      schemaId: ids.v2,
      source: 'it-producer',
      subject: 'payment-1',
      key: 'key-1',
      topic,
      partition: 0,
      offset: '0',
    });
    expect(fromV1.envelope).toMatchObject({ version: 1, schemaId: ids.v1, offset: '1' });
    expect(fromV2.envelope.headers['content-type']).toBe('application/avro');
  });

  it('dead-letters garbage bytes and a non-retriable handler failure with their original bytes, and moves on', async () => {
    const topic = uniqueEventType();
    const groupId = uniqueName('it-poison');
    const ids = await fixture.createEventType(topic);
    const garbage = Buffer.from('not avro at all');
    await fixture.publish(topic, ids, [{ n: 1 }, { n: 2, raw: garbage }, { n: 3 }, { n: 4 }]);
    const seen: Seen[] = [];
    const rejectThird: Behaviour = ({ envelope }) => {
      if (envelope.id === 'evt-3')
        throw new HandlerError('amount exceeds the merchant limit', { retriable: false });
    };
    await fixture.startConsumer(pinnedHandler(topic, 1, seen, rejectThird), groupId);
    await waitFor(async () => (await fixture.committed(groupId, topic)) === 4, {
      timeoutMs: 30_000,
      description: 'offset 4',
    });
    expect(seen.map((s) => `${s.envelope.id}#${s.attempt}`)).toEqual(['evt-1#1', 'evt-3#1', 'evt-4#1']);

    const dead = await fixture.readAll(deadLetterTopic(topic, groupId), 2);
    const byOffset = new Map(dead.map((m) => [m.headers?.['herald_dlq_offset']?.toString(), m]));
    const poison = byOffset.get('1')!;
    expect(poison.value).toEqual(garbage);
    expect(poison.key?.toString()).toBe('key-2');
    expect(poison.headers?.['ce_id']?.toString()).toBe('evt-2');
    expect(poison.headers?.['herald_dlq_error_kind']?.toString()).toBe('BAD_MAGIC_BYTE');
    expect(poison.headers?.['herald_dlq_retriable']?.toString()).toBe('false');
    expect(poison.headers?.['herald_dlq_attempts']?.toString()).toBe('1');
    const rejected = byOffset.get('2')!;
    const originals = await fixture.readAll(topic, 4);
    expect(rejected.value).toEqual(originals[2]!.value);
    expect(rejected.headers?.['ce_time']).toEqual(originals[2]!.headers?.['ce_time']);
    expect(rejected.headers?.['herald_dlq_error']?.toString()).toBe('amount exceeds the merchant limit');
    expect(rejected.headers?.['herald_dlq_group']?.toString()).toBe(groupId);
    expect(rejected.headers?.['herald_dlq_topic']?.toString()).toBe(topic);
    expect(rejected.headers?.['herald_dlq_partition']?.toString()).toBe('0');
    expect(Number.isNaN(Date.parse(rejected.headers?.['herald_dlq_time']?.toString() ?? ''))).toBe(false);
  });

  it('retries a retriable failure in place until it succeeds, commits once, and dead-letters nothing', async () => {
    const topic = uniqueEventType();
    const groupId = uniqueName('it-retry');
    const ids = await fixture.createEventType(topic);
    await fixture.publish(topic, ids, [{ n: 1 }, { n: 2 }, { n: 3 }]);
    const seen: Seen[] = [];
    const flaky: Behaviour = ({ envelope, attempt }) => {
      if (envelope.id === 'evt-2' && attempt < 3) throw new Error('database connection reset');
    };
    const { server } = await fixture.startConsumer(pinnedHandler(topic, undefined, seen, flaky), groupId);
    await waitFor(async () => (await fixture.committed(groupId, topic)) === 3, {
      timeoutMs: 30_000,
      description: 'offset 3',
    });
    expect(seen.map((s) => `${s.envelope.id}#${s.attempt}`)).toEqual([
      'evt-1#1',
      'evt-2#1',
      'evt-2#2',
      'evt-2#3',
      'evt-3#1',
    ]);
    expect(seen[0]!.data).toHaveProperty('fee_minor', 7);
    expect(await fixture.admin.listTopics()).not.toContain(deadLetterTopic(topic, groupId));
    const metrics = await server.metrics.registry.getSingleMetricAsString(
      'herald_consumer_event_failures_total',
    );
    expect(metrics).toContain(`retriable="true"} 2`);
  });

  it('takes every event type with "*", including a type created after the consumer started', async () => {
    const before = uniqueEventType();
    const later = uniqueEventType();
    const ids = await fixture.createEventType(before);
    await fixture.publish(before, ids, [{ n: 1, version: 1 }]);
    const seen: Seen[] = [];
    // Only this test's types: the shared cluster holds every other test's event-type topics too.
    const ours = new RegExp(`^(${before.split('.')[0]}|${later.split('.')[0]})\\.`);
    const { server } = await fixture.startConsumer(
      pinnedHandler('*', undefined, seen),
      uniqueName('it-all'),
      {
        everyEventTopics: ours,
      },
    );
    await waitFor(() => seen.some((s) => s.envelope.topic === before), {
      timeoutMs: 30_000,
      description: 'the first type',
    });

    const laterIds = await fixture.createEventType(later);
    await fixture.publish(later, laterIds, [{ n: 2, version: 2 }]);
    await waitFor(() => seen.some((s) => s.envelope.topic === later), {
      timeoutMs: 45_000,
      description: 'the new type',
    });
    const fromLater = seen.find((s) => s.envelope.topic === later)!;
    expect(fromLater.data).toHaveProperty('method', 'DIRECT_DEBIT');
    expect(fromLater.envelope.writerSchema).toEqual(expect.objectContaining({ name: 'PaymentReceived' }));
    expect(server.subscribedTopics()).toEqual(expect.arrayContaining([before, later]));
  });
});

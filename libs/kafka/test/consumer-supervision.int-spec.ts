/**
 * The consumer never stops silently (real Kafka and registry): a deleted topic leaves the
 * subscription and the other topics keep flowing, a new one is picked up, a consumer that
 * stopped is replaced while readiness and `herald_consumer_running` say it is down, and the lag
 * gauge keeps rising while nothing is processed.
 */
import { Controller } from '@nestjs/common';
import { Ctx, EventPattern } from '@nestjs/microservices';
import type { Consumer } from 'kafkajs';
import { HeraldEventContext } from '@app/kafka';
import { uniqueName, waitFor } from '@app/testing';
import { ConsumerFixture, type RecordSpec } from './spec-support/consumer-fixture';

function everyEventHandler(sink: string[], gate?: { open: Promise<void> }) {
  @Controller()
  class EveryEventHandler {
    @EventPattern('*')
    async handle(@Ctx() ctx: HeraldEventContext): Promise<void> {
      if (gate !== undefined && ctx.envelope.id === 'evt-1') await gate.open;
      sink.push(`${ctx.envelope.topic}/${ctx.envelope.id}`);
    }
  }
  return EveryEventHandler;
}

const specs = (from: number, to: number): RecordSpec[] =>
  Array.from({ length: to - from + 1 }, (_, i) => ({ n: from + i }));

/** Event types sharing a unique first segment, and the '*' narrowing that reads only them. */
function typeFamily(): { types: (n: number) => string; pattern: RegExp } {
  const domain = uniqueName('sup').replace(/[^a-z0-9]/g, '');
  return { types: (n) => `${domain}.thing${n}.happened`, pattern: new RegExp(`^${domain}\\.`) };
}

function metricValue(text: string, name: string, labels: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && l.includes(labels));
  return line === undefined ? Number.NaN : Number(line.slice(line.lastIndexOf(' ') + 1));
}

describe('Herald consumer runtime: supervision (real Kafka and registry)', () => {
  const fixture = new ConsumerFixture();

  beforeAll(() => fixture.setUp(), 90_000);
  afterAll(() => fixture.tearDown(), 60_000);

  it('keeps consuming the other topics when a subscribed topic is deleted, and picks up a new one', async () => {
    const { types, pattern } = typeFamily();
    const [a, b, c] = [types(1), types(2), types(3)];
    const idsA = await fixture.createEventType(a);
    const idsB = await fixture.createEventType(b);
    const seen: string[] = [];
    const groupId = uniqueName('it-churn');
    const { server } = await fixture.startConsumer(everyEventHandler(seen), groupId, {
      everyEventTopics: pattern,
    });
    expect(server.subscribedTopics()).toEqual([a, b]);
    await fixture.publish(a, idsA, specs(1, 3));
    await fixture.publish(b, idsB, specs(1, 3));
    await waitFor(() => seen.length === 6, { timeoutMs: 30_000, description: 'six events' });

    await fixture.deleteTopics([b]);
    await waitFor(() => !server.subscribedTopics().includes(b), {
      timeoutMs: 30_000,
      description: 'the deleted topic to leave the subscription',
    });
    await fixture.publish(a, idsA, specs(4, 6));
    const idsC = await fixture.createEventType(c);
    await fixture.publish(c, idsC, specs(1, 2));
    await waitFor(() => seen.length === 11, { timeoutMs: 45_000, description: 'events after the deletion' });
    await waitFor(() => server.isReady(), { timeoutMs: 30_000, description: 'ready again' });
    expect(server.subscribedTopics()).toEqual([a, c]);
    expect(seen.filter((s) => s.startsWith(a))).toEqual(specs(1, 6).map((s) => `${a}/evt-${s.n}`));
    expect(seen.filter((s) => s.startsWith(c))).toEqual([`${c}/evt-1`, `${c}/evt-2`]);
    await fixture.deleteTopics([a, c]);
  });

  it('replaces a consumer that stopped: not ready and herald_consumer_running 0 meanwhile, nothing lost', async () => {
    const { types, pattern } = typeFamily();
    const topic = types(1);
    const ids = await fixture.createEventType(topic);
    const seen: string[] = [];
    const groupId = uniqueName('it-stopped');
    const { server } = await fixture.startConsumer(everyEventHandler(seen), groupId, {
      everyEventTopics: pattern,
      // The replacement waits long enough for the test to observe the outage.
      retryInitialMs: 3_000,
      retryMaxMs: 3_000,
    });
    await fixture.publish(topic, ids, specs(1, 3));
    await waitFor(() => seen.length === 3, { timeoutMs: 30_000, description: 'three events' });
    const running = async () =>
      metricValue(await server.metrics.registry.metrics(), 'herald_consumer_running', `group="${groupId}"`);
    expect(await running()).toBe(1);

    const original = server.unwrap<Consumer>();
    await original.stop();
    expect(server.isReady()).toBe(false);
    expect(server.readinessProblem()).toMatch(/not running .*the consumer stopped/);
    expect(await running()).toBe(0);
    await fixture.publish(topic, ids, specs(4, 6));

    await waitFor(() => seen.length === 6 && server.isReady(), {
      timeoutMs: 45_000,
      description: 'the replacement to consume the rest',
    });
    expect(server.unwrap<Consumer>()).not.toBe(original);
    expect(seen).toEqual(specs(1, 6).map((s) => `${topic}/evt-${s.n}`));
    expect(await running()).toBe(1);
    await fixture.deleteTopics([topic]);
  });

  it('keeps the lag gauge rising while the consumer is stuck', async () => {
    const { types, pattern } = typeFamily();
    const topic = types(1);
    const ids = await fixture.createEventType(topic);
    const seen: string[] = [];
    let open!: () => void;
    const gate = { open: new Promise<void>((resolve) => (open = resolve)) };
    const groupId = uniqueName('it-lag');
    const { server } = await fixture.startConsumer(everyEventHandler(seen, gate), groupId, {
      everyEventTopics: pattern,
      lagIntervalMs: 200,
    });
    const lag = async () =>
      metricValue(await server.metrics.registry.metrics(), 'herald_consumer_lag', `topic="${topic}"`);
    await fixture.publish(topic, ids, specs(1, 5));
    await waitFor(async () => (await lag()) === 5, { timeoutMs: 30_000, description: 'lag 5' });
    await fixture.publish(topic, ids, specs(6, 12));
    await waitFor(async () => (await lag()) === 12, { timeoutMs: 30_000, description: 'lag 12 while stuck' });
    expect(seen).toEqual([]);
    open();
    await waitFor(async () => seen.length === 12 && (await lag()) === 0, {
      timeoutMs: 30_000,
      description: 'lag 0 once processed',
    });
    expect(seen).toEqual(specs(1, 12).map((s) => `${topic}/evt-${s.n}`));
    await fixture.deleteTopics([topic]);
  });

  it('counts transaction markers and aborted records as consumed, not as lag', async () => {
    const { types, pattern } = typeFamily();
    const topic = types(1);
    const ids = await fixture.createEventType(topic);
    const seen: string[] = [];
    const { server } = await fixture.startConsumer(everyEventHandler(seen), uniqueName('it-markers'), {
      everyEventTopics: pattern,
      lagIntervalMs: 200,
    });
    const lag = async () =>
      metricValue(await server.metrics.registry.metrics(), 'herald_consumer_lag', `topic="${topic}"`);
    const producer = fixture.kafka.producer({
      transactionalId: uniqueName('it-tx'),
      idempotent: true,
      maxInFlightRequests: 1,
    });
    await producer.connect();
    try {
      const committed = await producer.transaction();
      await committed.send({ topic, messages: fixture.messages(topic, ids, specs(1, 3)) });
      await committed.commit();
      await waitFor(() => seen.length === 3, { timeoutMs: 30_000, description: 'the committed records' });
      // An aborted transaction: two records no consumer sees, then the abort marker. kafkajs resolves
      // that fetch itself, without eachBatch.
      const aborted = await producer.transaction();
      await aborted.send({ topic, messages: fixture.messages(topic, ids, specs(4, 5)) });
      await aborted.abort();
    } finally {
      await producer.disconnect();
    }
    // 3 records, a commit marker, 2 aborted records and an abort marker: the high watermark is 7.
    await waitFor(async () => (await lag()) === 0, {
      timeoutMs: 30_000,
      description: 'lag 0 after the abort',
    });
    expect(seen).toEqual(specs(1, 3).map((s) => `${topic}/evt-${s.n}`));
    await fixture.deleteTopics([topic]);
  });
});

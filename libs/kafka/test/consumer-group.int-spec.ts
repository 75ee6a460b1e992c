/**
 * The consumer runtime as a group member on a real Kafka: in a Herald HTTP app it reports
 * readiness through the health registry; a graceful close finishes the record
 * in flight, commits exactly what was handled and leaves the group, so a restart resumes right
 * after it; a second instance joining mid-stream (a rebalance) loses no record.
 */
import { Controller } from '@nestjs/common';
import { Ctx, EventPattern } from '@nestjs/microservices';
import { HeraldEventContext } from '@app/kafka';
import { HealthRegistry } from '@app/platform';
import { uniqueName, waitFor } from '@app/testing';
import { ConsumerFixture, uniqueEventType, type RecordSpec } from './spec-support/consumer-fixture';

function recordingHandler(topic: string, sink: string[], delayMs: number) {
  @Controller()
  class RecordingHandler {
    @EventPattern(topic, { version: 2 })
    async handle(@Ctx() ctx: HeraldEventContext): Promise<void> {
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      sink.push(ctx.envelope.id);
    }
  }
  return RecordingHandler;
}

function records(from: number, to: number, partitions = 1): RecordSpec[] {
  return Array.from({ length: to - from + 1 }, (_, i) => ({
    n: from + i,
    partition: (from + i) % partitions,
  }));
}

describe('Herald consumer runtime: group membership (real Kafka and registry)', () => {
  const fixture = new ConsumerFixture();

  beforeAll(() => fixture.setUp(), 90_000);
  afterAll(() => fixture.tearDown(), 60_000);

  it('closes gracefully: the record in flight finishes, handled records are committed, a restart resumes after them', async () => {
    const topic = uniqueEventType();
    const groupId = uniqueName('it-close');
    const ids = await fixture.createEventType(topic);
    await fixture.publish(topic, ids, records(1, 8));
    const handled: string[] = [];
    const { app, server } = await fixture.startHybridApp(recordingHandler(topic, handled, 150), groupId);
    const health = app.get(HealthRegistry);
    await waitFor(async () => (await health.readiness()).status === 'ok', {
      timeoutMs: 30_000,
      description: 'ready',
    });
    expect((await health.readiness()).checks).toHaveProperty([`kafka-consumer:${groupId}`], { status: 'up' });
    await waitFor(() => handled.length >= 2, { timeoutMs: 30_000, description: 'two handled records' });
    await app.close();
    expect(server.isReady()).toBe(false);
    expect((await health.readiness()).status).toBe('unavailable');
    const handledBeforeClose = handled.length;
    expect(handledBeforeClose).toBeLessThan(8);
    expect(await fixture.committed(groupId, topic)).toBe(handledBeforeClose);

    await fixture.startConsumer(recordingHandler(topic, handled, 0), groupId);
    await waitFor(() => handled.length >= 8, {
      timeoutMs: 30_000,
      description: 'the rest after the restart',
    });
    expect(handled).toEqual(records(1, 8).map((r) => `evt-${r.n}`));
  });

  it('loses nothing when a second instance joins the group mid-stream', async () => {
    const topic = uniqueEventType();
    const groupId = uniqueName('it-rebalance');
    const ids = await fixture.createEventType(topic, 4);
    await fixture.publish(topic, ids, records(1, 40, 4));
    const first: string[] = [];
    const second: string[] = [];
    await fixture.startConsumer(recordingHandler(topic, first, 20), groupId);
    await waitFor(() => first.length >= 5, {
      timeoutMs: 30_000,
      description: 'the first instance to make progress',
    });
    await fixture.startConsumer(recordingHandler(topic, second, 20), groupId);
    await fixture.publish(topic, ids, records(41, 80, 4));

    await waitFor(async () => (await fixture.committed(groupId, topic)) === 80, {
      timeoutMs: 45_000,
      description: 'all 80 offsets committed',
    });
    const distinct = new Set([...first, ...second]);
    expect(distinct.size).toBe(80);
    expect(second.length).toBeGreaterThan(0);
  });
});

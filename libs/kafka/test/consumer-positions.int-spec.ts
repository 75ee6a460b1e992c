/**
 * Batch handlers that own their position (real Kafka and registry, an in-memory store standing in
 * for the app's database): commits made on the group by someone else cannot make the consumer
 * skip or repeat records, a poison record in a batch is dead-lettered alone, and the stored
 * position moves past dead-lettered records at a batch's end.
 */
import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { deadLetterTopic, HandlerError, type ConsumerPositionStore, type HeraldBatch } from '@app/kafka';
import { uniqueName, waitFor } from '@app/testing';
import { ConsumerFixture, uniqueEventType, type RecordSpec } from './spec-support/consumer-fixture';

/** What an app's database does in one transaction: state and position, with the position checked. */
class InMemoryState implements ConsumerPositionStore {
  readonly positions = new Map<string, string>();
  readonly applied: string[] = [];
  readonly calls: number[] = [];

  load(topic: string, partitions: readonly number[]): Promise<ReadonlyMap<number, string>> {
    const found = new Map<number, string>();
    for (const p of partitions) {
      const stored = this.positions.get(`${topic}/${p}`);
      if (stored !== undefined) found.set(p, stored);
    }
    return Promise.resolve(found);
  }

  apply(batch: HeraldBatch, poison: ReadonlySet<string>): void {
    const key = `${batch.topic}/${batch.partition}`;
    if (this.positions.get(key) !== batch.previousOffset) {
      throw new HandlerError('position moved', { retriable: true });
    }
    if (batch.events.some((e) => poison.has(e.envelope.id))) {
      throw new HandlerError('poison', { retriable: false });
    }
    this.calls.push(batch.events.length);
    this.applied.push(...batch.events.map((e) => e.envelope.id));
    this.positions.set(key, batch.nextOffset);
  }
}

function batchHandler(topic: string, state: InMemoryState, poison: ReadonlySet<string> = new Set()) {
  @Controller()
  class BatchHandler {
    @EventPattern(topic, { batch: true })
    handle(@Payload() batch: HeraldBatch): void {
      state.apply(batch, poison);
    }
  }
  return BatchHandler;
}

const specs = (from: number, to: number): RecordSpec[] =>
  Array.from({ length: to - from + 1 }, (_, i) => ({ n: from + i }));
const ids = (from: number, to: number): string[] => specs(from, to).map((s) => `evt-${s.n}`);

describe('Herald consumer runtime: positions owned by the app (real Kafka and registry)', () => {
  const fixture = new ConsumerFixture();

  beforeAll(() => fixture.setUp(), 90_000);
  afterAll(() => fixture.tearDown(), 60_000);

  it('seeks back to the stored position when someone committed the group past it', async () => {
    const topic = uniqueEventType();
    const groupId = uniqueName('it-robbed');
    const schemaIds = await fixture.createEventType(topic);
    await fixture.publish(topic, schemaIds, specs(1, 20));
    const state = new InMemoryState();
    state.positions.set(`${topic}/0`, '5'); // records 1-5 (offsets 0-4) were applied before
    state.applied.push(...ids(1, 5));
    // A foreign member of the group (another database) read everything and committed past it.
    await fixture.admin.setOffsets({ groupId, topic, partitions: [{ partition: 0, offset: '20' }] });

    await fixture.startConsumer(batchHandler(topic, state), groupId, { positions: state });
    await fixture.publish(topic, schemaIds, specs(21, 25));
    await waitFor(() => state.applied.length === 25, { timeoutMs: 30_000, description: '25 applied' });
    expect(state.applied).toEqual(ids(1, 25));
    expect(state.positions.get(`${topic}/0`)).toBe('25');
    expect(Math.max(...state.calls)).toBeGreaterThan(1);
  });

  it('skips records below the stored position when the group offset is behind it', async () => {
    const topic = uniqueEventType();
    const groupId = uniqueName('it-behind');
    const schemaIds = await fixture.createEventType(topic);
    await fixture.publish(topic, schemaIds, specs(1, 10));
    const state = new InMemoryState();
    state.positions.set(`${topic}/0`, '7');
    state.applied.push(...ids(1, 7));
    await fixture.admin.setOffsets({ groupId, topic, partitions: [{ partition: 0, offset: '2' }] });

    await fixture.startConsumer(batchHandler(topic, state), groupId, { positions: state });
    await waitFor(() => state.applied.length >= 10, { timeoutMs: 30_000, description: '10 applied' });
    await waitFor(async () => (await fixture.committed(groupId, topic)) === 10, {
      timeoutMs: 30_000,
      description: 'the group offset repaired',
    });
    expect(state.applied).toEqual(ids(1, 10));
  });

  it('dead-letters a poison record alone and stores the position past a dead-lettered last record', async () => {
    const topic = uniqueEventType();
    const groupId = uniqueName('it-poison');
    const schemaIds = await fixture.createEventType(topic);
    await fixture.publish(topic, schemaIds, [...specs(1, 9), { n: 10, raw: Buffer.from('garbage') }]);
    const state = new InMemoryState();
    await fixture.startConsumer(batchHandler(topic, state, new Set(['evt-4'])), groupId, {
      positions: state,
    });
    await waitFor(() => state.positions.get(`${topic}/0`) === '10', {
      timeoutMs: 30_000,
      description: 'the position past the last record',
    });
    expect(state.applied).toEqual(ids(1, 9).filter((id) => id !== 'evt-4'));
    const dead = await fixture.readAll(deadLetterTopic(topic, groupId), 2);
    expect(dead.map((m) => m.headers?.['herald_dlq_offset']?.toString()).sort()).toEqual(['3', '9']);
  });
});

/**
 * Proves the Kafka under the tests is real and behaves as Herald relies on: topics created by
 * the admin API, an idempotent acks=all producer, and a consumer group that commits and,
 * after leaving and re-joining, resumes exactly at its committed offset.
 */
import type { Admin, Consumer, Kafka, KafkaMessage } from 'kafkajs';
import { testKafka, uniqueName, waitFor } from '@app/testing';

describe('Kafka round trip (real broker)', () => {
  let kafka: Kafka;
  let admin: Admin;
  const consumers: Consumer[] = [];

  beforeAll(async () => {
    kafka = testKafka();
    admin = kafka.admin();
    await admin.connect();
  });

  afterAll(async () => {
    await Promise.all(consumers.map((c) => c.disconnect()));
    await admin.disconnect();
  });

  async function consumeInto(groupId: string, topic: string, sink: KafkaMessage[]): Promise<Consumer> {
    const consumer = kafka.consumer({ groupId, allowAutoTopicCreation: false });
    consumers.push(consumer);
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ topic: t, partition, message }) => {
        sink.push(message);
        await consumer.commitOffsets([
          { topic: t, partition, offset: (BigInt(message.offset) + 1n).toString() },
        ]);
      },
    });
    return consumer;
  }

  it('creates a topic through the admin API', async () => {
    const topic = uniqueName('infra-admin');
    await expect(
      admin.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: true }),
    ).resolves.toBe(true);
    const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
    expect(metadata.topics[0]?.partitions).toHaveLength(3);
    expect(await admin.listTopics()).toContain(topic);
  });

  it('writes with an idempotent acks=all producer and a group resumes from its committed offset', async () => {
    const topic = uniqueName('infra-roundtrip');
    const groupId = uniqueName('infra-group');
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const first = await producer.send({
      topic,
      acks: -1,
      messages: [1, 2, 3].map((n) => ({ key: `k${n}`, value: `first-${n}` })),
    });
    expect(first[0]?.errorCode).toBe(0);

    const seen: KafkaMessage[] = [];
    const consumer = await consumeInto(groupId, topic, seen);
    await waitFor(() => seen.length === 3, { description: 'the first three messages', timeoutMs: 30_000 });
    expect(seen.map((m) => m.value?.toString())).toEqual(['first-1', 'first-2', 'first-3']);
    await consumer.disconnect();

    const committed = await admin.fetchOffsets({ groupId, topics: [topic] });
    expect(committed[0]?.partitions[0]?.offset).toBe('3');

    await producer.send({ topic, acks: -1, messages: [{ key: 'k4', value: 'second-4' }] });
    await producer.disconnect();

    const resumed: KafkaMessage[] = [];
    await consumeInto(groupId, topic, resumed);
    await waitFor(() => resumed.length >= 1, {
      description: 'the message after the committed offset',
      timeoutMs: 30_000,
    });
    expect(resumed.map((m) => [m.offset, m.value?.toString()])).toEqual([['3', 'second-4']]);
  });
});

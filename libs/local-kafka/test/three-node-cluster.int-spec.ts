/**
 * The fault-test cluster is real: three KRaft nodes with RF 3 and min.insync.replicas 2 (the
 * layout `herald kafka start --nodes 3` runs on 19092/29092/39092; here on ports picked for the
 * test, so a user's own 3-node cluster can keep running). We produce with acks=all, SIGKILL the
 * partition leader mid-stream, keep producing, and then every message the cluster acknowledged
 * must be consumable.
 */
import { Kafka, logLevel, type Producer } from 'kafkajs';
import type { LocalKafkaCluster } from '@app/local-kafka';
import { startPrivateKafka, uniqueName, waitFor, type PrivateKafka } from '@app/testing';

jest.setTimeout(240_000);

describe('3-node local cluster survives kill -9 of a broker', () => {
  let privateKafka: PrivateKafka;
  let cluster: LocalKafkaCluster;
  let kafka: Kafka;

  beforeAll(async () => {
    privateKafka = await startPrivateKafka({ nodes: 3, heapMb: 384 });
    cluster = privateKafka.cluster;
    kafka = new Kafka({
      clientId: 'herald-fault-test',
      brokers: [...cluster.brokers],
      logLevel: logLevel.NOTHING,
      retry: { retries: 8, initialRetryTime: 200, maxRetryTime: 3_000 },
    });
  });

  afterAll(() => privateKafka?.remove());

  async function produce(producer: Producer, topic: string, from: number, count: number, acked: Set<string>) {
    for (let i = from; i < from + count; i++) {
      const value = `m-${i}`;
      try {
        await producer.send({ topic, acks: -1, messages: [{ key: `k${i % 7}`, value }] });
        acked.add(value);
      } catch {
        // Not acknowledged: the guarantee under test covers acknowledged writes only.
      }
    }
  }

  it('keeps every acknowledged message', async () => {
    const admin = kafka.admin();
    await admin.connect();
    const topic = uniqueName('fault');
    await admin.createTopics({
      topics: [
        {
          topic,
          numPartitions: 3,
          replicationFactor: 3,
          configEntries: [{ name: 'min.insync.replicas', value: '2' }],
        },
      ],
    });
    // Not kafkajs's `waitForLeaders`: it retries LEADER_NOT_AVAILABLE only, and a broker that has
    // not applied the new topic yet answers UNKNOWN_TOPIC_OR_PARTITION (seen once in a full run).
    const leadersOf = () =>
      admin.fetchTopicMetadata({ topics: [topic] }).then(
        (meta) => meta.topics[0]?.partitions ?? [],
        () => [],
      );
    await waitFor(async () => (await leadersOf()).filter((p) => p.leader >= 0).length === 3, {
      timeoutMs: 30_000,
      description: `leaders for the 3 partitions of ${topic}`,
    });
    const partitions = await leadersOf();
    expect(partitions.map((p) => p.replicas.length)).toEqual([3, 3, 3]);
    const victim = partitions.find((p) => p.partitionId === 0)?.leader;
    expect(victim).toBeDefined();

    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const acked = new Set<string>();
    await produce(producer, topic, 0, 100, acked);
    expect(acked.size).toBe(100);

    await cluster.killNode(victim as number);
    await produce(producer, topic, 100, 200, acked);
    await producer.disconnect();
    // Two of three replicas remain, which satisfies min.insync.replicas=2: writes keep succeeding.
    expect(acked.size).toBeGreaterThanOrEqual(290);

    const consumed = new Set<string>();
    const consumer = kafka.consumer({ groupId: uniqueName('fault-group') });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        consumed.add(message.value?.toString() ?? '');
      },
    });
    await waitFor(() => [...acked].every((v) => consumed.has(v)), {
      timeoutMs: 90_000,
      description: `all ${acked.size} acknowledged messages to be consumed`,
    });
    await consumer.disconnect();
    await admin.disconnect();
    expect([...acked].filter((v) => !consumed.has(v))).toEqual([]);
  });
});

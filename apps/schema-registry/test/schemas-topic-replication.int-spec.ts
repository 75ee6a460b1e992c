/**
 * On a 3-node cluster the registry creates `_schemas` with replication factor 3 and
 * min.insync.replicas 2, so one broker down loses no registration and a write never lands on a
 * single copy. The cluster is the project's local 3-node KRaft cluster in a temp folder on
 * ports picked for it (startPrivateKafka), so it disturbs neither the single node on 9092 nor
 * the fault-test cluster's ports.
 */
import { ConfigResourceTypes, Kafka, logLevel } from 'kafkajs';
import { startPrivateKafka, uniqueName, type PrivateKafka } from '@app/testing';
import { ensureCompactedLogTopic } from '../src/storage/compacted-log-topic';

jest.setTimeout(240_000);

describe('the _schemas topic on a 3-node cluster', () => {
  let cluster: PrivateKafka;
  let kafka: Kafka;

  beforeAll(async () => {
    cluster = await startPrivateKafka({ nodes: 3, heapMb: 320 });
    kafka = new Kafka({
      clientId: 'herald-registry-rf-test',
      brokers: [...cluster.cluster.brokers],
      logLevel: logLevel.NOTHING,
    });
  });

  afterAll(() => cluster?.remove());

  it('gets replication factor 3 and min.insync.replicas 2', async () => {
    const admin = kafka.admin();
    await admin.connect();
    try {
      const topic = uniqueName('_schemas');
      await ensureCompactedLogTopic(admin, topic);
      const [metadata] = (await admin.fetchTopicMetadata({ topics: [topic] })).topics;
      expect(metadata?.partitions.map((p) => p.replicas.length)).toEqual([3]);
      const configs = await admin.describeConfigs({
        includeSynonyms: false,
        resources: [{ type: ConfigResourceTypes.TOPIC, name: topic }],
      });
      const config = (name: string) =>
        configs.resources[0]?.configEntries.find((e) => e.configName === name)?.configValue;
      expect([config('min.insync.replicas'), config('cleanup.policy')]).toEqual(['2', 'compact']);
    } finally {
      await admin.disconnect();
    }
  });
});

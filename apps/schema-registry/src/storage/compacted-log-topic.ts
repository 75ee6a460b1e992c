/**
 * Creates, or checks, a registry topic the way Confluent Schema Registry does for `_schemas`:
 * one partition (the log's order is the registry's history), `cleanup.policy=compact` (the
 * default `delete` would drop schemas after a week), replication factor min(3, brokers). An
 * existing topic that breaks those rules is refused, not altered: an operator created it.
 */
import { ConfigResourceTypes, type Admin } from 'kafkajs';
import { SchemaStorageError } from './schema-storage-errors';

const MAX_REPLICATION_FACTOR = 3;

async function createCompactedTopic(admin: Admin, topic: string): Promise<void> {
  const { brokers } = await admin.describeCluster();
  const replicationFactor = Math.max(1, Math.min(MAX_REPLICATION_FACTOR, brokers.length));
  // RF 3 with min ISR 2 survives one broker down without accepting writes on a single copy;
  // smaller clusters cannot afford more than one required replica.
  const minInSyncReplicas = replicationFactor >= 3 ? 2 : 1;
  await admin.createTopics({
    waitForLeaders: true,
    topics: [
      {
        topic,
        numPartitions: 1,
        replicationFactor,
        configEntries: [
          { name: 'cleanup.policy', value: 'compact' },
          { name: 'min.insync.replicas', value: String(minInSyncReplicas) },
        ],
      },
    ],
  });
}

async function assertSinglePartitionCompacted(admin: Admin, topic: string): Promise<void> {
  const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
  const partitions = metadata.topics[0]?.partitions.length ?? 0;
  if (partitions !== 1) {
    throw new SchemaStorageError(
      'TOPIC_MISCONFIGURED',
      `The topic ${topic} must have exactly 1 partition but has ${partitions}; the registry's ` +
        'history is the order of that one partition. Recreate it with 1 partition.',
      false,
    );
  }
  const configs = await admin.describeConfigs({
    includeSynonyms: false,
    resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configNames: ['cleanup.policy'] }],
  });
  const policy = configs.resources[0]?.configEntries.find((e) => e.configName === 'cleanup.policy');
  if (policy?.configValue !== 'compact') {
    throw new SchemaStorageError(
      'TOPIC_MISCONFIGURED',
      `The topic ${topic} has cleanup.policy=${policy?.configValue ?? 'unknown'}; it must be 'compact' ` +
        'or Kafka deletes registered schemas once retention expires.',
      false,
    );
  }
}

/** Makes sure `topic` exists as a single-partition compacted topic; throws if it cannot be one. */
export async function ensureCompactedLogTopic(admin: Admin, topic: string): Promise<void> {
  const existing = await admin.listTopics();
  if (!existing.includes(topic)) await createCompactedTopic(admin, topic);
  await assertSinglePartitionCompacted(admin, topic);
}

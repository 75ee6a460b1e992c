/**
 * Partition counts per topic, so the gateway assigns each record its partition itself (the
 * Java-compatible murmur2 partitioner, see murmur2.ts) and can tell each client the exact
 * offset of its event inside a shared produce batch. Counts are cached briefly: a topic
 * whose partitions are raised is picked up within `ttlMs`.
 */
import type { Admin, PartitionMetadata } from 'kafkajs';
import { GatewayError } from '../domain/gateway-errors';
import { keyPartition } from './murmur2';

interface Entry {
  partitions: PartitionMetadata[];
  fetchedAt: number;
}

export class TopicPartitions {
  private readonly cache = new Map<string, Entry>();
  private roundRobin = 0;

  constructor(
    private readonly admin: Admin,
    private readonly ttlMs = 30_000,
  ) {}

  async load(topics: Iterable<string>): Promise<void> {
    const now = Date.now();
    const missing = [...new Set(topics)].filter((t) => {
      const entry = this.cache.get(t);
      return !entry || now - entry.fetchedAt > this.ttlMs;
    });
    if (missing.length === 0) return;
    let metadata: Awaited<ReturnType<Admin['fetchTopicMetadata']>>;
    try {
      metadata = await this.admin.fetchTopicMetadata({ topics: missing });
    } catch (error) {
      const unknown = (error as { type?: string }).type === 'UNKNOWN_TOPIC_OR_PARTITION';
      if (unknown) {
        throw GatewayError.unavailable(
          `a topic of ${missing.join(', ')} does not exist: the event type is registered but not provisioned (run \`herald schemas push\`)`,
          30,
          error,
        );
      }
      throw GatewayError.unavailable('Kafka is unavailable; retry shortly', 2, error);
    }
    for (const topic of metadata.topics) {
      this.cache.set(topic.name, { partitions: topic.partitions, fetchedAt: now });
    }
  }

  /** After load(): the partition of a record, murmur2 of the key, round robin without one. */
  partitionFor(topic: string, key: string | null): number {
    const entry = this.cache.get(topic);
    if (!entry || entry.partitions.length === 0) throw new Error(`no partition metadata for ${topic}`);
    if (key === null) return this.roundRobin++ % entry.partitions.length;
    return keyPartition(key, entry.partitions.length);
  }
}

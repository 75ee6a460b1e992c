/**
 * One Kafka produce request built from the records of many HTTP requests: records grouped by
 * topic and partition in arrival order, so the broker's base offset per partition plus a
 * record's rank inside its partition is that record's offset.
 */
import type { Message, RecordMetadata, TopicMessages } from 'kafkajs';
import type { OutgoingRecord, RecordCoordinates } from '../domain/ports';
import type { TopicPartitions } from './topic-partitions';

interface Placed {
  readonly topic: string;
  readonly partition: number;
  readonly rank: number;
}

export class ProduceBatch {
  private readonly placed: Placed[][] = [];
  private readonly messages = new Map<string, Message[]>();
  private readonly counts = new Map<string, number>();

  constructor(groups: ReadonlyArray<readonly OutgoingRecord[]>, partitions: TopicPartitions) {
    for (const records of groups) {
      this.placed.push(records.map((record) => this.place(record, partitions)));
    }
  }

  get topicMessages(): TopicMessages[] {
    return [...this.messages].map(([topic, messages]) => ({ topic, messages }));
  }

  /** Each group's coordinates, from the broker's answer. */
  coordinates(metadata: readonly RecordMetadata[]): RecordCoordinates[][] {
    const base = new Map<string, bigint>();
    for (const m of metadata) {
      const offset = m.baseOffset ?? m.offset;
      if (offset !== undefined) base.set(`${m.topicName}\u0000${m.partition}`, BigInt(offset));
    }
    return this.placed.map((group) =>
      group.map(({ topic, partition, rank }) => {
        const first = base.get(`${topic}\u0000${partition}`);
        if (first === undefined) throw new Error(`Kafka returned no offset for ${topic}[${partition}]`);
        return { topic, partition, offset: (first + BigInt(rank)).toString() };
      }),
    );
  }

  private place(record: OutgoingRecord, partitions: TopicPartitions): Placed {
    const partition = partitions.partitionFor(record.topic, record.key);
    let messages = this.messages.get(record.topic);
    if (!messages) {
      messages = [];
      this.messages.set(record.topic, messages);
    }
    const slot = `${record.topic}\u0000${partition}`;
    const rank = this.counts.get(slot) ?? 0;
    this.counts.set(slot, rank + 1);
    messages.push({ key: record.key, value: record.value, headers: { ...record.headers }, partition });
    return { topic: record.topic, partition, rank };
  }
}

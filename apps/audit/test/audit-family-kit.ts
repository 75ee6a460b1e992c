/**
 * A test's own family of event types, `<domain>.<entity>.<verb>` with a domain no other test
 * uses, so an audit narrowed with AUDIT_TOPIC_PATTERN=`^<domain>\.` reads only this test's
 * topics on the shared broker: registered topics with events produced as the gateway writes
 * them, topics created and deleted while the audit runs, a foreign member of the audit's group
 * that commits past what it reads, and the clean-up of every topic of the family (DLQs too).
 */
import { randomUUID } from 'node:crypto';
import { RegistryClient } from '@app/registry-client';
import { AvroCodec, createAvroType } from '@app/schema';
import { testKafka, uniqueName } from '@app/testing';
import type { Admin, Consumer, Message, Producer } from 'kafkajs';
import { ORDER_SCHEMA } from './audit-test-kit';

const ORDER_TYPE = createAvroType(ORDER_SCHEMA);

export class EventFamily {
  /** Event-type domains are `[a-z][a-z0-9]*`: no separator of uniqueName survives. */
  readonly domain = uniqueName('fam').replace(/[^a-z0-9]/g, '');
  /** AUDIT_TOPIC_PATTERN for exactly this family. */
  readonly pattern = `^${this.domain}\\.`;
  private readonly registry: RegistryClient;
  private readonly codec: AvroCodec;
  private readonly schemaIds = new Map<string, number>();
  private admin: Admin | undefined;
  private producer: Producer | undefined;
  private sent = 0;

  constructor(registryUrl: string) {
    this.registry = new RegistryClient({ url: registryUrl });
    this.codec = new AvroCodec(this.registry);
  }

  topic(entity: string, verb = 'recorded'): string {
    return `${this.domain}.${entity}.${verb}`;
  }

  /** Creates the topic and registers its value schema (`<topic>-value`). */
  async createRegistered(topic: string, partitions: number): Promise<void> {
    this.schemaIds.set(topic, await this.registry.register(`${topic}-value`, ORDER_SCHEMA));
    await this.createBare(topic, partitions);
  }

  /** Creates a topic without a schema (a type that appears and disappears without events). */
  async createBare(topic: string, partitions: number): Promise<void> {
    await (
      await this.connectedAdmin()
    ).createTopics({ topics: [{ topic, numPartitions: partitions }], waitForLeaders: true });
  }

  async deleteTopic(topic: string): Promise<void> {
    await (await this.connectedAdmin()).deleteTopics({ topics: [topic] });
  }

  /**
   * Produces `count` events to each topic (acks=all) and resolves with their ids once Kafka
   * acknowledged them: an id is returned only for an event that is in the log.
   */
  async produce(topics: readonly string[], count: number): Promise<string[]> {
    const producer = await this.connectedProducer();
    const ids: string[] = [];
    const topicMessages = topics.map((topic) => {
      const schemaId = this.schemaIds.get(topic);
      if (schemaId === undefined) throw new Error(`${topic} has no registered schema`);
      const messages = Array.from({ length: count }, () => this.wireEvent(schemaId, topic, this.sent++));
      return { topic, messages };
    });
    await producer.sendBatch({ acks: -1, topicMessages });
    for (const { messages } of topicMessages) ids.push(...messages.map((m) => m.id));
    return ids;
  }

  /** Every topic of the family that exists now, DLQs (`<topic>.dlq.<group>`) included. */
  async existingTopics(): Promise<string[]> {
    return (await (await this.connectedAdmin()).listTopics()).filter((t) => t.startsWith(`${this.domain}.`));
  }

  /** Deletes every topic of the family and the given consumer groups; disconnects. */
  async remove(groups: readonly string[]): Promise<void> {
    const admin = await this.connectedAdmin();
    const topics = await this.existingTopics();
    if (topics.length > 0) await admin.deleteTopics({ topics });
    if (groups.length > 0) await admin.deleteGroups([...groups]).catch(() => undefined);
    await this.producer?.disconnect();
    await admin.disconnect();
    this.admin = undefined;
    this.producer = undefined;
  }

  /** One event as the gateway writes it: Confluent wire format, CloudEvents binary-mode headers. */
  private wireEvent(schemaId: number, topic: string, n: number): Message & { id: string } {
    const id = randomUUID();
    return {
      id,
      key: `order-${n % 101}`,
      value: this.codec.encode(schemaId, ORDER_TYPE, { orderId: `order-${n % 101}`, amount: BigInt(n) }),
      headers: {
        ce_specversion: '1.0',
        ce_id: id,
        ce_type: topic,
        ce_source: 'audit-fault-test',
        ce_time: new Date().toISOString(),
        'content-type': 'application/avro',
      },
    };
  }

  private async connectedAdmin(): Promise<Admin> {
    if (this.admin === undefined) {
      const admin = testKafka('audit-fault-admin').admin();
      await admin.connect();
      this.admin = admin;
    }
    return this.admin;
  }

  private async connectedProducer(): Promise<Producer> {
    if (this.producer === undefined) {
      const producer = testKafka('audit-fault-producer').producer({ allowAutoTopicCreation: false });
      await producer.connect();
      this.producer = producer;
    }
    return this.producer;
  }
}

/**
 * A member of someone else's consumer group that "processes" records by committing past them:
 * kafkajs resolves each batch's last offset and commits after every batch. It stands for a
 * second deployment, a test or a tool that joined the audit's group by mistake.
 */
export interface GroupRobber {
  /** Records it read and committed past so far. */
  readonly robbed: () => number;
  /** How many partitions the group gave it at its last join. */
  readonly partitions: () => number;
  /** Leaves the group (after committing). */
  stop(): Promise<void>;
}

export async function robGroup(
  groupId: string,
  topics: readonly string[],
  sessionTimeoutMs: number,
): Promise<GroupRobber> {
  let robbed = 0;
  let partitions = 0;
  const consumer: Consumer = testKafka('audit-fault-robber').consumer({
    groupId,
    sessionTimeout: sessionTimeoutMs,
    heartbeatInterval: Math.floor(sessionTimeoutMs / 3),
    allowAutoTopicCreation: false,
  });
  consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
    partitions = Object.values(payload.memberAssignment).reduce((n, p) => n + p.length, 0);
  });
  await consumer.connect();
  await consumer.subscribe({ topics: [...topics], fromBeginning: true });
  await consumer.run({
    eachBatch: async ({ batch }) => {
      robbed += batch.messages.length;
      await Promise.resolve();
    },
  });
  return { robbed: () => robbed, partitions: () => partitions, stop: () => consumer.disconnect() };
}

/** The high watermark (log end) of each partition (`topic[partition]` → offset). */
export async function highWatermarks(topics: readonly string[]): Promise<Map<string, bigint>> {
  const admin = testKafka('audit-fault-offsets').admin();
  await admin.connect();
  try {
    const ends = new Map<string, bigint>();
    for (const topic of topics) {
      for (const { partition, high } of await admin.fetchTopicOffsets(topic)) {
        ends.set(`${topic}[${partition}]`, BigInt(high));
      }
    }
    return ends;
  } finally {
    await admin.disconnect();
  }
}

/** Whether the group's committed offset is the high watermark on every partition of these topics. */
export async function committedToTheEnd(groupId: string, topics: readonly string[]): Promise<boolean> {
  const [committed, ends] = await Promise.all([committedOffsets(groupId, topics), highWatermarks(topics)]);
  return [...ends].every(([partition, end]) => committed.get(partition) === end);
}

/** The group's committed offset of each partition (`topic[partition]` → offset; -1 when none). */
export async function committedOffsets(
  groupId: string,
  topics: readonly string[],
): Promise<Map<string, bigint>> {
  const admin = testKafka('audit-fault-offsets').admin();
  await admin.connect();
  try {
    const result = await admin.fetchOffsets({ groupId, topics: [...topics] });
    const offsets = new Map<string, bigint>();
    for (const { topic, partitions } of result) {
      for (const { partition, offset } of partitions) offsets.set(`${topic}[${partition}]`, BigInt(offset));
    }
    return offsets;
  } finally {
    await admin.disconnect();
  }
}

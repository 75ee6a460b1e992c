/**
 * The dead-letter topic `<topic>.dlq.<group>`: where a record goes when retrying cannot help
 * or retries are exhausted, so its partition moves on without losing it. The dead letter keeps
 * the ORIGINAL key, value bytes and headers (a replay tool can re-publish it unchanged) and adds
 * `herald_dlq_*` headers that say what failed, where and when.
 */
import type { Admin, IHeaders, KafkaMessage, Producer } from 'kafkajs';
import type { FailureVerdict } from './handler-error';

export function deadLetterTopic(topic: string, groupId: string): string {
  return `${topic}.dlq.${groupId}`;
}

export interface DeadLetterFacts {
  readonly topic: string;
  readonly partition: number;
  readonly groupId: string;
  readonly attempts: number;
  readonly verdict: FailureVerdict;
  readonly now: Date;
}

/** Header values are capped: a broker rejects records over max.message.bytes, and a stack-sized message is no help. */
const MAX_ERROR_TEXT = 2_000;

export function deadLetterHeaders(record: KafkaMessage, facts: DeadLetterFacts): IHeaders {
  return {
    ...(record.headers ?? {}),
    herald_dlq_error: facts.verdict.message.slice(0, MAX_ERROR_TEXT),
    herald_dlq_error_kind: facts.verdict.kind,
    herald_dlq_retriable: String(facts.verdict.retriable),
    herald_dlq_attempts: String(facts.attempts),
    herald_dlq_topic: facts.topic,
    herald_dlq_partition: String(facts.partition),
    herald_dlq_offset: record.offset,
    herald_dlq_group: facts.groupId,
    herald_dlq_time: facts.now.toISOString(),
  };
}

/**
 * Writes dead letters. The producer is made on first use and replaced after a failed write: a
 * kafkajs client keeps every topic it ever wrote to in its metadata requests, so once one of them
 * is deleted (a dead-letter topic removed with its event type) every later write of that
 * producer fails, which would block the partition that needs a dead letter forever.
 */
export class DeadLetterPublisher {
  private readonly ensured = new Map<string, Promise<void>>();
  private producer: Promise<Producer> | undefined;

  constructor(
    private readonly admin: Admin,
    private readonly createProducer: () => Producer,
    private readonly groupId: string,
  ) {}

  /** Writes the dead letter with acks=all; resolves only once Kafka has it. */
  async publish(record: KafkaMessage, facts: Omit<DeadLetterFacts, 'groupId' | 'now'>): Promise<string> {
    const target = deadLetterTopic(facts.topic, this.groupId);
    try {
      await this.ensureTopic(target);
      const producer = await this.connected();
      await producer.send({
        topic: target,
        acks: -1,
        messages: [
          {
            key: record.key,
            value: record.value,
            headers: deadLetterHeaders(record, { ...facts, groupId: this.groupId, now: new Date() }),
          },
        ],
      });
    } catch (error) {
      this.ensured.delete(target);
      await this.close();
      throw error;
    }
    return target;
  }

  async close(): Promise<void> {
    const producer = this.producer;
    this.producer = undefined;
    await producer?.then((p) => p.disconnect()).catch(() => undefined);
  }

  private connected(): Promise<Producer> {
    if (this.producer === undefined) {
      const producer = this.createProducer();
      this.producer = producer.connect().then(() => producer);
    }
    return this.producer;
  }

  /** Creates the topic once per process (the broker's defaults for partitions and retention). */
  private ensureTopic(topic: string): Promise<void> {
    let pending = this.ensured.get(topic);
    if (pending === undefined) {
      pending = this.admin
        .createTopics({ topics: [{ topic }], waitForLeaders: true })
        .then(() => undefined)
        .catch((error: unknown) => {
          this.ensured.delete(topic);
          throw error;
        });
      this.ensured.set(topic, pending);
    }
    return pending;
  }
}

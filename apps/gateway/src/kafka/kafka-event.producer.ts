/**
 * The EventProducer port on kafkajs (the default; GATEWAY_KAFKA_CLIENT). The queue, group commit,
 * back-pressure and timeouts are QueuedEventProducer's; here one produce request is a kafkajs
 * `sendBatch` with acks=all on an idempotent producer with one request in flight, so the broker
 * never reorders or duplicates a retried batch, and atomic batches use a separate transactional
 * producer.
 */
import { randomUUID } from 'node:crypto';
import { Partitioners, type Kafka, type Producer } from 'kafkajs';
import { GatewayError } from '../domain/gateway-errors';
import type { OutgoingRecord, RecordCoordinates } from '../domain/ports';
import { ProduceBatch } from './produce-batch';
import { QueuedEventProducer, type ProduceObserver, type ProducerSettings } from './queued-event.producer';
import type { TopicPartitions } from './topic-partitions';

export class KafkaEventProducer extends QueuedEventProducer {
  private readonly producer: Producer;
  private transactional: Producer | undefined;

  constructor(
    private readonly kafka: Kafka,
    partitions: TopicPartitions,
    settings: ProducerSettings,
    observer: ProduceObserver,
  ) {
    super(partitions, settings, observer);
    this.producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
    });
  }

  async connect(): Promise<void> {
    await this.producer.connect();
  }

  async disconnect(): Promise<void> {
    await Promise.allSettled([this.producer.disconnect(), this.transactional?.disconnect()]);
  }

  protected async produce(
    requests: ReadonlyArray<readonly OutgoingRecord[]>,
  ): Promise<RecordCoordinates[][]> {
    const produce = new ProduceBatch(requests, this.partitions);
    const metadata = await this.producer.sendBatch({ topicMessages: produce.topicMessages, acks: -1 });
    return produce.coordinates(metadata);
  }

  protected async runTransaction(records: readonly OutgoingRecord[]): Promise<RecordCoordinates[]> {
    const producer = await this.transactionalProducer();
    await this.partitions.load(records.map((r) => r.topic));
    const produce = new ProduceBatch([records], this.partitions);
    const transaction = await producer.transaction();
    try {
      const metadata = await transaction.sendBatch({ topicMessages: produce.topicMessages, acks: -1 });
      await transaction.commit();
      return produce.coordinates(metadata)[0]!;
    } catch (error) {
      await transaction.abort().catch(() => undefined);
      if (error instanceof GatewayError) throw error;
      throw GatewayError.unavailable(
        'the Kafka transaction failed; nothing was published; retry shortly',
        2,
        error,
      );
    }
  }

  private async transactionalProducer(): Promise<Producer> {
    if (!this.transactional) {
      // A fresh transactional id per process: a restarted gateway never waits on (or fences)
      // another instance, and an unfinished transaction of a dead one times out on the broker.
      const producer = this.kafka.producer({
        transactionalId: `herald-gateway-${randomUUID()}`,
        idempotent: true,
        maxInFlightRequests: 1,
        allowAutoTopicCreation: false,
        createPartitioner: Partitioners.DefaultPartitioner,
      });
      try {
        await producer.connect();
      } catch (error) {
        throw GatewayError.unavailable('Kafka is unavailable; retry shortly', 2, error);
      }
      this.transactional = producer;
    }
    return this.transactional;
  }
}

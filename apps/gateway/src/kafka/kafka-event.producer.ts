/**
 * The EventProducer port on kafkajs. Concurrent HTTP requests share produce requests: while
 * one produce is in flight the next requests queue, and the queue goes out as one batch when
 * it returns (group commit), so throughput grows with load while an idle gateway sends at
 * once. The producer is idempotent with acks=all and one request in flight, so the broker
 * never reorders or duplicates a retried batch. Atomic batches use a separate transactional
 * producer, one transaction at a time.
 */
import { randomUUID } from 'node:crypto';
import { Partitioners, type Kafka, type Producer } from 'kafkajs';
import { GatewayError } from '../domain/gateway-errors';
import {
  UnacknowledgedSendError,
  type EventProducer,
  type OutgoingRecord,
  type RecordCoordinates,
} from '../domain/ports';
import { ProduceBatch } from './produce-batch';
import type { TopicPartitions } from './topic-partitions';

export interface ProducerSettings {
  /** Past this, the client gets 503 (the records may still be written; see UnacknowledgedSendError). */
  readonly sendTimeoutMs: number;
  /** Records per produce request. */
  readonly maxBatchRecords: number;
  /** Records waiting beyond this are refused at once with 503 (back-pressure, not unbounded memory). */
  readonly maxQueuedRecords: number;
}

export interface ProduceObserver {
  produced(records: number, seconds: number): void;
  queueDepth(records: number): void;
}

interface Pending {
  readonly records: readonly OutgoingRecord[];
  state: 'queued' | 'sending' | 'abandoned';
  settle(result: RecordCoordinates[] | Error): void;
}

export class KafkaEventProducer implements EventProducer {
  private readonly producer: Producer;
  private transactional: Producer | undefined;
  private transactionChain: Promise<unknown> = Promise.resolve();
  private readonly queue: Pending[] = [];
  private queuedRecords = 0;
  private draining = false;

  constructor(
    private readonly kafka: Kafka,
    private readonly partitions: TopicPartitions,
    private readonly settings: ProducerSettings,
    private readonly observer: ProduceObserver,
  ) {
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

  send(records: readonly OutgoingRecord[]): Promise<RecordCoordinates[]> {
    if (this.queuedRecords + records.length > this.settings.maxQueuedRecords) {
      return Promise.reject(
        GatewayError.unavailable('the gateway is at its Kafka queue limit; retry shortly', 1),
      );
    }
    return new Promise((resolve, reject) => {
      let settleLate: (result: RecordCoordinates[] | Error) => void = () => undefined;
      const late = new Promise<RecordCoordinates[]>((res, rej) => {
        settleLate = (result) => (result instanceof Error ? rej(result) : res(result));
      });
      late.catch(() => undefined);
      const pending: Pending = {
        records,
        state: 'queued',
        settle: (result) => {
          clearTimeout(timer);
          settleLate(result);
          if (result instanceof Error) reject(result);
          else resolve(result);
        },
      };
      const timer = setTimeout(() => {
        if (pending.state === 'queued') {
          // Never sent: drop it, and the caller may release its claims at once.
          pending.state = 'abandoned';
          reject(
            GatewayError.unavailable(
              `Kafka did not accept the event within ${this.settings.sendTimeoutMs} ms`,
              2,
            ),
          );
        } else {
          reject(
            new UnacknowledgedSendError(
              `Kafka did not acknowledge within ${this.settings.sendTimeoutMs} ms`,
              late,
            ),
          );
        }
      }, this.settings.sendTimeoutMs);
      this.queue.push(pending);
      this.queuedRecords += records.length;
      this.observer.queueDepth(this.queuedRecords);
      if (!this.draining) void this.drain();
    });
  }

  async sendAtomic(records: readonly OutgoingRecord[]): Promise<RecordCoordinates[]> {
    const run = this.transactionChain.then(() => this.runTransaction(records));
    this.transactionChain = run.catch(() => undefined);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new UnacknowledgedSendError(
              `the Kafka transaction did not commit within ${this.settings.sendTimeoutMs} ms`,
              run,
            ),
          ),
        this.settings.sendTimeoutMs,
      );
    });
    try {
      return await Promise.race([run, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  private async drain(): Promise<void> {
    this.draining = true;
    try {
      while (this.queue.length > 0) {
        const batch = this.takeBatch();
        if (batch.length > 0) await this.flush(batch);
      }
    } finally {
      this.draining = false;
    }
  }

  private takeBatch(): Pending[] {
    const batch: Pending[] = [];
    let records = 0;
    while (this.queue.length > 0) {
      const next = this.queue[0]!;
      if (batch.length > 0 && records + next.records.length > this.settings.maxBatchRecords) break;
      this.queue.shift();
      this.queuedRecords -= next.records.length;
      if (next.state === 'abandoned') continue;
      next.state = 'sending';
      batch.push(next);
      records += next.records.length;
    }
    this.observer.queueDepth(this.queuedRecords);
    return batch;
  }

  private async flush(batch: Pending[]): Promise<void> {
    const started = process.hrtime.bigint();
    try {
      await this.partitions.load(batch.flatMap((p) => p.records.map((r) => r.topic)));
      const produce = new ProduceBatch(
        batch.map((p) => p.records),
        this.partitions,
      );
      const metadata = await this.producer.sendBatch({ topicMessages: produce.topicMessages, acks: -1 });
      const coordinates = produce.coordinates(metadata);
      batch.forEach((pending, i) => pending.settle(coordinates[i]!));
      const records = batch.reduce((n, p) => n + p.records.length, 0);
      this.observer.produced(records, Number(process.hrtime.bigint() - started) / 1e9);
    } catch (error) {
      const failure =
        error instanceof GatewayError
          ? error
          : GatewayError.unavailable('Kafka is unavailable; retry shortly', 2, error);
      batch.forEach((pending) => pending.settle(failure));
    }
  }

  private async runTransaction(records: readonly OutgoingRecord[]): Promise<RecordCoordinates[]> {
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

/**
 * The EventProducer port on @platformatic/kafka, selected by GATEWAY_KAFKA_CLIENT=platformatic
 * (docs/gateway.md#kafka-client). It keeps the kafkajs adapter's guarantees and shape: an
 * idempotent producer with acks=all and one request in flight per broker, concurrent HTTP
 * requests grouped into one produce request while the previous one is out (group commit),
 * a queue bounded by maxQueuedRecords, the send timeout's UnacknowledgedSendError, atomic
 * batches in one transaction of a separate transactional producer (one at a time), and the
 * partition of every record chosen by the gateway itself (TopicPartitions: Java's murmur2),
 * so each record's offset is its partition's base offset plus its rank in the request.
 */
import { randomUUID } from 'node:crypto';
import { ProduceAcks, Producer } from '@platformatic/kafka';
import type { KafkaConnection } from '@app/platform';
import { GatewayError } from '../domain/gateway-errors';
import {
  UnacknowledgedSendError,
  type EventProducer,
  type OutgoingRecord,
  type RecordCoordinates,
} from '../domain/ports';
import type { ProduceObserver, ProducerSettings } from './kafka-event.producer';
import { PlacedRecords, platformaticConnectionOptions, type ClientOptions } from './platformatic-records';
import type { TopicPartitions } from './topic-partitions';

type Client = Producer<Buffer, Buffer, Buffer, Buffer>;

/**
 * Retries, 20 ms doubling to 2 s apart. Sends retry until Kafka answers (the library's own
 * default for an idempotent producer): a produce the library gives up on may still have been
 * written, and it then starts a new producer id, so the client's retry of those ids would be
 * written a second time (with 10 retries, the broker-outage int spec saw an SDK event twice).
 * Retrying under the same producer id and sequence lets the broker drop the repeat, and the
 * send settles with the record's real coordinates once Kafka is back; meanwhile the queue
 * bound and the send timeout answer 503. Transactions give up after 10 retries (about 8 s,
 * close to kafkajs' defaults): a failed one is aborted, so nothing of it is read. The short
 * first step matters there: a commit is often answered CONCURRENT_TRANSACTIONS once.
 */
const SEND_RETRIES = Number.MAX_SAFE_INTEGER;
const TRANSACTION_RETRIES = 10;
const retryDelay = (_client: unknown, _operation: string, attempt: number): number =>
  Math.min(20 * 2 ** (attempt - 1), 2_000);

interface Pending {
  readonly records: readonly OutgoingRecord[];
  state: 'queued' | 'sending' | 'abandoned';
  settle(result: RecordCoordinates[] | Error): void;
}

export class PlatformaticEventProducer implements EventProducer {
  private readonly producer: Client;
  private transactional: Client | undefined;
  private transactionChain: Promise<unknown> = Promise.resolve();
  private readonly queue: Pending[] = [];
  private queuedRecords = 0;
  private draining = false;

  constructor(
    private readonly connection: KafkaConnection,
    private readonly clientId: string,
    private readonly partitions: TopicPartitions,
    private readonly settings: ProducerSettings,
    private readonly observer: ProduceObserver,
  ) {
    this.producer = new Producer(this.options());
  }

  /** Reaches the cluster (the library connects lazily; this fails while Kafka is away). */
  async connect(): Promise<void> {
    await this.producer.metadata({ topics: [], retries: 0 });
  }

  async disconnect(): Promise<void> {
    await Promise.allSettled([this.producer.close(), this.transactional?.close()]);
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

  private options(transactionalId?: string): ClientOptions {
    return {
      clientId: this.clientId,
      ...platformaticConnectionOptions(this.connection),
      // Idempotent: the library sets acks=all and one request in flight per connection, and
      // refuses any other acks; acks is given here as well so that reading this is enough.
      idempotent: true,
      acks: ProduceAcks.ALL,
      autocreateTopics: false,
      retries: transactionalId === undefined ? SEND_RETRIES : TRANSACTION_RETRIES,
      retryDelay,
      ...(transactionalId !== undefined && { transactionalId }),
    };
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
      const placed = new PlacedRecords(
        batch.map((p) => p.records),
        this.partitions,
      );
      const result = await this.producer.send({ messages: placed.messages });
      const coordinates = placed.coordinates(result);
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
    await this.partitions.load(records.map((r) => r.topic));
    const placed = new PlacedRecords([records], this.partitions);
    const producer = this.transactionalProducer();
    let transaction: Awaited<ReturnType<typeof producer.beginTransaction>> | undefined;
    try {
      transaction = await producer.beginTransaction();
      const result = await transaction.send({ messages: placed.messages });
      await transaction.commit();
      return placed.coordinates(result)[0]!;
    } catch (error) {
      const aborted =
        transaction !== undefined &&
        (transaction.completed ||
          (await transaction.abort().then(
            () => true,
            () => false,
          )));
      if (!aborted) {
        // The library keeps a transaction it could not begin or end as the active one and
        // refuses to begin another: start over with a fresh producer (and transactional id);
        // the broker aborts the abandoned transaction when it times out.
        this.transactional = undefined;
        void producer.close().catch(() => undefined);
      }
      if (error instanceof GatewayError) throw error;
      throw GatewayError.unavailable(
        'the Kafka transaction failed; nothing was published; retry shortly',
        2,
        error,
      );
    }
  }

  private transactionalProducer(): Client {
    // A fresh transactional id per process: a restarted gateway never waits on (or fences)
    // another instance, and an unfinished transaction of a dead one times out on the broker.
    this.transactional ??= new Producer(this.options(`herald-gateway-${randomUUID()}`));
    return this.transactional;
  }
}

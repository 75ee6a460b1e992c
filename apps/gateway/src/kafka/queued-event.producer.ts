/**
 * What every Kafka client adapter of the EventProducer port shares (kafka-event.producer.ts on
 * kafkajs, platformatic-event.producer.ts on @platformatic/kafka): concurrent HTTP requests share
 * produce requests — while one produce is in flight the next requests queue, and the queue goes
 * out as one request when it returns (group commit), so throughput grows with load while an idle
 * gateway sends at once; the queue is bounded (maxQueuedRecords: 503 at once beyond it, not
 * unbounded memory); a send not accepted within sendTimeoutMs is dropped (503), and one accepted
 * but not acknowledged in time rejects with UnacknowledgedSendError, whose `outcome` settles when
 * the client knows; atomic batches run one transaction at a time. An adapter says how one
 * produce request and one transaction go out on its client.
 */
import { GatewayError } from '../domain/gateway-errors';
import {
  UnacknowledgedSendError,
  type EventProducer,
  type OutgoingRecord,
  type RecordCoordinates,
} from '../domain/ports';
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

export abstract class QueuedEventProducer implements EventProducer {
  private transactionChain: Promise<unknown> = Promise.resolve();
  private readonly queue: Pending[] = [];
  private queuedRecords = 0;
  private draining = false;

  protected constructor(
    protected readonly partitions: TopicPartitions,
    protected readonly settings: ProducerSettings,
    private readonly observer: ProduceObserver,
  ) {}

  abstract connect(): Promise<void>;
  abstract disconnect(): Promise<void>;

  /**
   * Writes the requests' records in one produce request (acks=all), their topics' partition
   * counts already loaded, and resolves with each request's coordinates, in order.
   */
  protected abstract produce(
    requests: ReadonlyArray<readonly OutgoingRecord[]>,
  ): Promise<RecordCoordinates[][]>;

  /** Writes `records` in one committed transaction, or throws having aborted it. */
  protected abstract runTransaction(records: readonly OutgoingRecord[]): Promise<RecordCoordinates[]>;

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
      const coordinates = await this.produce(batch.map((p) => p.records));
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
}

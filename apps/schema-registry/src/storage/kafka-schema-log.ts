/**
 * The registry's `SchemaLog` on Kafka: the compacted, single-partition `_schemas` topic in
 * Confluent's record format (schema-log-records.ts), read in full by every instance
 * (schema-log-reader.ts).
 *
 * "Caught up" means the applied offset reached the partition's end offset minus one. The
 * tail record is never compacted away (it sits in the active segment, which the cleaner does
 * not touch), and the reader moves past skipped records and transaction markers, so that
 * offset is always reached.
 *
 * Writes go through an idempotent acks=all producer, connected on the first append (followers
 * never write), and resolve only once the reader has applied the written offset, so a caller
 * that appends and then reads its own state sees its write. Every wait is bounded and ends in
 * a retriable CATCH_UP_TIMEOUT.
 */
import { isRetriable } from '@app/platform';
import { Logger } from '@nestjs/common';
import { Partitioners, type Admin, type Kafka, type Message, type Producer } from 'kafkajs';
import { AppliedOffset } from './applied-offset';
import { ensureCompactedLogTopic } from './compacted-log-topic';
import { SchemaLogReader } from './schema-log-reader';
import { serializeSchemaLogKey, serializeSchemaLogValue } from './schema-log-records';
import type { SchemaLog, SchemaLogKey, SchemaLogRecord } from '../registry/schema-log.port';
import { errorMessage, SchemaStorageError, type SchemaStorageLogger } from './schema-storage-errors';

/** idle → catching-up → ready; `failed` when start or the reader died; `stopped` after stop(). */
export type SchemaLogState = 'idle' | 'catching-up' | 'ready' | 'failed' | 'stopped';

export interface KafkaSchemaLogOptions {
  /** The log topic; Confluent's default is `_schemas`. */
  readonly topic?: string;
  /** Bound on start(), which reads the whole log once. */
  readonly startTimeoutMs?: number;
  /** Bound on waitUntilCaughtUp() and on an append's read-back. */
  readonly catchUpTimeoutMs?: number;
  readonly logger?: SchemaStorageLogger;
}

/** Settles like `work`, or rejects with `onTimeout()` at `deadline` (epoch ms), whichever is first. */
function beforeDeadline<T>(work: Promise<T>, deadline: number, onTimeout: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(onTimeout()), Math.max(0, deadline - Date.now()));
  });
  return Promise.race([work, expired]).finally(() => clearTimeout(timer));
}

/** kafkajs' own rule for restarting a consumer: a transient cause, or retries that ran out. */
function isTransientKafkaError(error: unknown): boolean {
  let cause: unknown = error;
  while (cause instanceof Error && cause.cause instanceof Error) cause = cause.cause;
  const name = error instanceof Error ? error.name : '';
  return name === 'KafkaJSNumberOfRetriesExceeded' || isRetriable(cause, false);
}

export class KafkaSchemaLog implements SchemaLog {
  readonly topic: string;
  private readonly startTimeoutMs: number;
  private readonly catchUpTimeoutMs: number;
  private readonly logger: SchemaStorageLogger;
  private readonly admin: Admin;
  private readonly applied = new AppliedOffset();
  private reader: SchemaLogReader | undefined;
  private producer: Promise<Producer> | undefined;
  private current: SchemaLogState = 'idle';
  private stopping: Promise<void> | undefined;

  constructor(
    private readonly kafka: Kafka,
    options: KafkaSchemaLogOptions = {},
  ) {
    this.topic = options.topic ?? '_schemas';
    this.startTimeoutMs = options.startTimeoutMs ?? 60_000;
    this.catchUpTimeoutMs = options.catchUpTimeoutMs ?? 10_000;
    this.logger = options.logger ?? new Logger(KafkaSchemaLog.name);
    this.admin = kafka.admin();
  }

  get state(): SchemaLogState {
    return this.current;
  }

  /** True once the first full read finished, until the log stops or its reader dies: readiness. */
  isCaughtUp(): boolean {
    return this.current === 'ready';
  }

  /** The highest offset applied so far; -1 before the first record. */
  get appliedOffset(): bigint {
    return this.applied.current;
  }

  /** This instance's private reader group, once start() was called; deleted on stop. */
  get readerGroupId(): string | undefined {
    return this.reader?.groupId;
  }

  async start(apply: (record: SchemaLogRecord) => void): Promise<void> {
    if (this.current !== 'idle') {
      throw new SchemaStorageError(
        'NOT_RUNNING',
        `start() was already called (state ${this.current})`,
        false,
      );
    }
    this.current = 'catching-up';
    const deadline = Date.now() + this.startTimeoutMs;
    try {
      await this.admin.connect();
      await ensureCompactedLogTopic(this.admin, this.topic);
      const end = await beforeDeadline(this.endOffset(), deadline, () =>
        this.timedOut('the end offset', this.startTimeoutMs),
      );
      this.reader = new SchemaLogReader(this.kafka, {
        topic: this.topic,
        applied: this.applied,
        apply,
        logger: this.logger,
        onFailure: (error) => this.onReaderFailure(error),
      });
      await this.reader.start();
      await this.caughtUpTo(end, deadline, this.startTimeoutMs);
      this.current = 'ready';
      this.logger.log(`Read ${this.topic} up to offset ${end}`);
    } catch (error) {
      const stoppedByCaller = this.stopping !== undefined;
      await this.stop();
      if (!stoppedByCaller) this.current = 'failed';
      throw error;
    }
  }

  async append(key: SchemaLogKey, value: Record<string, unknown> | null): Promise<bigint> {
    if (this.current !== 'ready') {
      throw new SchemaStorageError('NOT_RUNNING', `cannot append: the schema log is ${this.current}`, false);
    }
    const offset = await this.send({
      key: serializeSchemaLogKey(key),
      value: serializeSchemaLogValue(value),
    });
    await this.caughtUpTo(offset, Date.now() + this.catchUpTimeoutMs, this.catchUpTimeoutMs);
    return offset;
  }

  async waitUntilCaughtUp(): Promise<void> {
    if (this.current !== 'ready' && this.current !== 'catching-up') {
      throw new SchemaStorageError(
        'NOT_RUNNING',
        `cannot catch up: the schema log is ${this.current}`,
        false,
      );
    }
    const deadline = Date.now() + this.catchUpTimeoutMs;
    const end = await beforeDeadline(this.endOffset(), deadline, () =>
      this.timedOut('the end offset', this.catchUpTimeoutMs),
    );
    await this.caughtUpTo(end, deadline, this.catchUpTimeoutMs);
  }

  stop(): Promise<void> {
    this.stopping ??= this.shutdown();
    return this.stopping;
  }

  private async shutdown(): Promise<void> {
    this.current = 'stopped';
    this.applied.fail(
      new SchemaStorageError('NOT_RUNNING', `the schema log on ${this.topic} stopped`, false),
    );
    const reader = this.reader;
    if (reader) await this.quietly('stop the reader', () => reader.stop(this.admin));
    const producer = this.producer;
    if (producer) await this.quietly('stop the writer', async () => (await producer).disconnect());
    await this.quietly('disconnect the admin client', () => this.admin.disconnect());
  }

  private async quietly(what: string, step: () => Promise<unknown>): Promise<void> {
    try {
      await step();
    } catch (error) {
      this.logger.warn(`Could not ${what} of ${this.topic}: ${errorMessage(error)}`);
    }
  }

  private onReaderFailure(error: SchemaStorageError): void {
    if (this.current !== 'stopped') this.current = 'failed';
    this.applied.fail(error);
  }

  /** The offset of the last record in the log now; -1 when it is empty. */
  private async endOffset(): Promise<bigint> {
    try {
      const offsets = await this.admin.fetchTopicOffsets(this.topic);
      const partition = offsets.find((o) => o.partition === 0);
      if (!partition) throw new Error(`no partition 0 in ${this.topic}`);
      return BigInt(partition.high) - 1n;
    } catch (error) {
      throw new SchemaStorageError(
        'OFFSETS_UNAVAILABLE',
        `Could not read the end offset of ${this.topic}: ${errorMessage(error)}`,
        isTransientKafkaError(error),
        { cause: error },
      );
    }
  }

  private caughtUpTo(offset: bigint, deadline: number, timeoutMs: number): Promise<void> {
    return this.applied.reached(offset, Math.max(0, deadline - Date.now()), () =>
      this.timedOut(`offset ${offset}`, timeoutMs),
    );
  }

  private timedOut(what: string, timeoutMs: number): SchemaStorageError {
    return new SchemaStorageError(
      'CATCH_UP_TIMEOUT',
      `The ${this.topic} reader did not reach ${what} within ${timeoutMs} ms ` +
        `(applied up to offset ${this.applied.current})`,
      true,
    );
  }

  private connectedProducer(): Promise<Producer> {
    this.producer ??= this.connectProducer().catch((error: unknown) => {
      this.producer = undefined;
      throw error;
    });
    return this.producer;
  }

  private async connectProducer(): Promise<Producer> {
    // Bounded retries: an append is an HTTP request waiting, and the caller may retry it.
    const producer = this.kafka.producer({
      // Explicit: `_schemas` has one partition, and naming the partitioner keeps kafkajs quiet.
      createPartitioner: Partitioners.DefaultPartitioner,
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      retry: { retries: 5 },
    });
    await producer.connect();
    return producer;
  }

  private async send(message: Message): Promise<bigint> {
    try {
      const producer = await this.connectedProducer();
      const [metadata] = await producer.send({ topic: this.topic, acks: -1, messages: [message] });
      const offset = metadata?.baseOffset ?? metadata?.offset;
      if (offset === undefined) throw new Error('the broker acknowledged the record without an offset');
      return BigInt(offset);
    } catch (error) {
      throw new SchemaStorageError(
        'APPEND_FAILED',
        `Appending to ${this.topic} failed: ${errorMessage(error)}`,
        isTransientKafkaError(error),
        { cause: error },
      );
    }
  }
}

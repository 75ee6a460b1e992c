/**
 * Follows the `_schemas` partition from its first offset, hands every usable record to the
 * registry's `apply` in order, and moves the applied offset past everything else.
 *
 * Every instance reads the whole log, so the reader must not share a consumer group: kafkajs
 * has no `assign()`, so each reader joins a group of its own (random id), starts from the
 * beginning, never commits, and deletes the group when it stops. Offsets are tracked rather
 * than records counted: compaction leaves gaps, unparsable or unknown records are passed over,
 * and transaction markers occupy offsets that never reach a handler.
 */
import { randomBytes } from 'node:crypto';
import type { Admin, Consumer, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import type { AppliedOffset } from './applied-offset';
import { parseSchemaLogRecord } from './schema-log-records';
import type { SchemaLogRecord } from '../registry/schema-log.port';
import { errorMessage, SchemaStorageError, type SchemaStorageLogger } from './schema-storage-errors';

export interface SchemaLogReaderOptions {
  readonly topic: string;
  readonly applied: AppliedOffset;
  readonly apply: (record: SchemaLogRecord) => void;
  readonly logger: SchemaStorageLogger;
  /** Called once if the consumer dies for good (kafkajs gave up restarting it). */
  readonly onFailure: (error: SchemaStorageError) => void;
}

export class SchemaLogReader {
  /** This reader's private consumer group. */
  readonly groupId: string;
  private consumer: Consumer | undefined;
  private stopped = false;

  constructor(
    private readonly kafka: Kafka,
    private readonly options: SchemaLogReaderOptions,
  ) {
    this.groupId = `${options.topic}-reader-${randomBytes(8).toString('hex')}`;
  }

  async start(): Promise<void> {
    const consumer = this.kafka.consumer({
      groupId: this.groupId,
      allowAutoTopicCreation: false,
      // Only bounds an idle long-poll (and so how long stop() waits); new records return at once.
      maxWaitTimeInMs: 1_000,
    });
    this.consumer = consumer;
    consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
      // A fetch holding only transaction markers or aborted writes never reaches eachBatch;
      // the reader is past those offsets all the same.
      if (payload.batchSize === 0) this.options.applied.advance(BigInt(payload.lastOffset));
    });
    consumer.on(consumer.events.CRASH, ({ payload }) => this.onCrash(payload.error, payload.restart));
    await consumer.connect();
    await consumer.subscribe({ topics: [this.options.topic], fromBeginning: true });
    // run() would reconnect a consumer that stop() disconnected meanwhile.
    if (this.stopped) return;
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      eachBatch: (payload) => this.readBatch(payload),
    });
  }

  /** Leaves and deletes the private group so groups do not pile up on the cluster. */
  async stop(admin: Admin): Promise<void> {
    this.stopped = true;
    const consumer = this.consumer;
    if (!consumer) return;
    await consumer.disconnect();
    await admin.deleteGroups([this.groupId]);
  }

  private async readBatch({ batch, resolveOffset, isRunning, isStale }: EachBatchPayload): Promise<void> {
    const { applied } = this.options;
    for (const message of batch.messages) {
      if (!isRunning() || isStale()) return;
      const offset = BigInt(message.offset);
      // After a consumer restart the group has no committed offset and replays from the
      // beginning; records already applied must not be applied twice.
      if (offset > applied.current) this.applyMessage(message, offset);
      resolveOffset(message.offset);
    }
    // Offsets after the last delivered message (a trailing transaction marker) are passed too.
    resolveOffset(batch.lastOffset());
    applied.advance(BigInt(batch.lastOffset()));
  }

  private applyMessage(message: KafkaMessage, offset: bigint): void {
    const { topic, logger } = this.options;
    const parsed = parseSchemaLogRecord(message.key, message.value, offset);
    if (parsed.kind === 'unparsable') {
      logger.warn(`Skipping record ${offset} of ${topic}: ${parsed.reason}`);
    } else if (parsed.kind === 'record') {
      try {
        this.options.apply(parsed.record);
      } catch (error) {
        // One record the domain cannot apply must not wedge every instance's reader forever;
        // Confluent's reader logs and moves on as well.
        logger.error(`Applying record ${offset} of ${topic} failed, skipped: ${errorMessage(error)}`);
      }
    }
    // Unknown key types come from newer registries sharing the topic; Confluent ignores them too.
    this.options.applied.advance(offset);
  }

  private onCrash(error: Error, restart: boolean): void {
    const { topic, logger } = this.options;
    if (restart) {
      logger.warn(`The ${topic} reader crashed and restarts: ${error.message}`);
      return;
    }
    logger.error(`The ${topic} reader stopped for good: ${error.message}`);
    this.options.onFailure(
      new SchemaStorageError('READER_FAILED', `The ${topic} reader stopped: ${error.message}`, false, {
        cause: error,
      }),
    );
  }
}

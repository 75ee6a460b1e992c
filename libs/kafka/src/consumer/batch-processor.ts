/**
 * The kafkajs `eachBatch` loop: one batch is one topic-partition, processed in order, one
 * record at a time (kafkajs runs several partitions' batches concurrently, up to
 * `partitionsConcurrency`). Records are decoded with `decodeBatch` in chunks of DECODE_CHUNK
 * (a whole fetch decoded up front kept thousands of payloads alive across young-generation
 * collections, and GC became the benchmark's largest cost); each record is then delivered,
 * and its offset resolved only when its delivery is done. The loop guards the kafkajs
 * pitfalls listed in docs/consumer-runtime.md: it checks isRunning()/isStale() before every
 * record, heartbeats between records, during backoff and while a slow handler runs, commits
 * through commitOffsetsIfNecessary (interval/threshold bound), and never throws a handler's
 * error out of eachBatch (that would make every concurrent partition re-fetch).
 */
// The global `performance` is a lazy getter in Node 20 (a function call per access, measurable per record).
import { performance } from 'node:perf_hooks';
import type { LoggerService } from '@nestjs/common';
import type { EachBatchPayload } from 'kafkajs';
import type { AvroCodec, CodecError, DecodedMessage } from '@app/schema';
import type { ConsumerMetrics } from './consumer-metrics';
import type { HandlerTable } from './handler-table';
import { recordValue, type MessageDelivery, type PartitionControl } from './message-delivery';
import type { ReaderTypes } from './schema-resolution';

const DECODE_CHUNK = 256;

export interface BatchSettings {
  readonly heartbeatIntervalMs: number;
  /** How long a single running handler keeps the member alive by heartbeats (failure detection after that). */
  readonly handlerHeartbeatLimitMs: number;
  readonly commitIntervalMs: number;
}

export class BatchProcessor {
  private readonly warnedTopics = new Set<string>();

  constructor(
    private readonly codec: AvroCodec,
    private readonly table: HandlerTable,
    private readonly readers: ReaderTypes,
    private readonly delivery: MessageDelivery,
    private readonly metrics: ConsumerMetrics,
    private readonly settings: BatchSettings,
    private readonly logger: LoggerService,
  ) {}

  readonly eachBatch = async (payload: EachBatchPayload): Promise<void> => {
    const { batch } = payload;
    const route = this.table.route(batch.topic);
    const metrics = this.metrics.forTopic(batch.topic);
    if (route === undefined) return this.ignore(payload);
    const reader = route.version === undefined ? undefined : this.readers.get(batch.topic, route.version);
    let decoded: Array<DecodedMessage | CodecError> = [];
    const control: PartitionControl = {
      topic: batch.topic,
      partition: batch.partition,
      metrics,
      heartbeat: payload.heartbeat,
      shouldStop: () => !payload.isRunning() || payload.isStale(),
      writer: undefined,
      readerSchema: reader?.schema,
      handlerStartedAt: Number.NaN,
      processed: 0,
    };
    const ticker = this.startHandlerHeartbeats(control);
    const pace = new LoopPacer(this.settings);
    let done: string | undefined;
    try {
      for (let i = 0; i < batch.messages.length; i++) {
        // isRunning() is a flag read; isStale() builds a map key, so it is checked every few records.
        if (!payload.isRunning() || ((i & 31) === 0 && payload.isStale())) break;
        const record = batch.messages[i]!;
        if (i % DECODE_CHUNK === 0) {
          decoded = await this.codec.decodeBatch(
            batch.messages.slice(i, i + DECODE_CHUNK).map(recordValue),
            reader?.type,
          );
        }
        let result = this.delivery.deliver(
          record,
          decoded[i % DECODE_CHUNK]!,
          route.call,
          reader?.type,
          control,
        );
        // A synchronous delivery returns 'done' itself: no promise, no microtask hop per record.
        if (result !== 'done') result = await result;
        if (result === 'aborted') break;
        done = record.offset;
        const now = Date.now();
        if (pace.commitDue(now)) {
          payload.resolveOffset(done);
          await payload.commitOffsetsIfNecessary();
        }
        if (pace.heartbeatDue(now)) await payload.heartbeat();
      }
    } finally {
      clearInterval(ticker);
      // The runner commits resolved offsets after eachBatch (or when it throws): resolve the last done record first.
      if (done !== undefined) {
        payload.resolveOffset(done);
        metrics.lag(batch.partition, lagAfter(batch.highWatermark, done));
      }
      metrics.processed.inc(control.processed);
    }
  };

  /**
   * kafkajs heartbeats only when asked; a handler slower than the session timeout would get
   * the member evicted mid-record. This ticker beats while a handler runs, but only for
   * `handlerHeartbeatLimitMs`: a handler stuck for longer must not hide a dead consumer.
   */
  private startHandlerHeartbeats(control: PartitionControl): NodeJS.Timeout {
    const ticker = setInterval(() => {
      const since = control.handlerStartedAt;
      if (Number.isNaN(since) || performance.now() - since > this.settings.handlerHeartbeatLimitMs) return;
      // A failed beat (e.g. a rebalance started) surfaces at the loop's own heartbeat() call.
      control.heartbeat().catch(() => undefined);
    }, this.settings.heartbeatIntervalMs);
    ticker.unref();
    return ticker;
  }

  /** Cannot happen with Herald's subscriptions (only routed topics are subscribed); kept so nothing is silently lost. */
  private async ignore(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    if (!this.warnedTopics.has(batch.topic)) {
      this.warnedTopics.add(batch.topic);
      this.logger.warn?.(`no handler takes ${batch.topic}; its records are committed and counted as ignored`);
    }
    const ignored = this.metrics.forTopic(batch.topic).ignored;
    for (const record of batch.messages) {
      if (!payload.isRunning() || payload.isStale()) break;
      payload.resolveOffset(record.offset);
      ignored.inc();
    }
    await payload.commitOffsetsIfNecessary();
  }
}

/**
 * Offsets are resolved in order, so resolving only the last done record before each commit
 * point (time-paced commitOffsetsIfNecessary, the end of the batch, a stop or a thrown
 * rebalance error) commits exactly what resolving every record would, without a Long
 * conversion per record. heartbeat() and commitOffsetsIfNecessary() are asked on their own
 * clocks for the same reason: each is an async call kafkajs would mostly turn down.
 */
class LoopPacer {
  private nextCommit = 0;
  private nextHeartbeat = 0;

  constructor(
    private readonly settings: { readonly heartbeatIntervalMs: number; readonly commitIntervalMs: number },
  ) {}

  commitDue(now: number): boolean {
    if (now < this.nextCommit) return false;
    this.nextCommit = now + Math.min(this.settings.commitIntervalMs, 1_000);
    return true;
  }

  heartbeatDue(now: number): boolean {
    if (now < this.nextHeartbeat) return false;
    this.nextHeartbeat = now + Math.min(this.settings.heartbeatIntervalMs / 3, 1_000);
    return true;
  }
}

function lagAfter(highWatermark: string, processedOffset: string): number {
  return Math.max(0, Number(highWatermark) - Number(processedOffset) - 1);
}

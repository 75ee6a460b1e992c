/**
 * The kafkajs `eachBatch` loop: one batch is one topic-partition, processed in order (kafkajs
 * runs several partitions' batches concurrently, up to `partitionsConcurrency`). A batch is first
 * admitted against the stored positions (partition-positions.ts: records already applied are
 * skipped, a group offset past the stored position seeks back). Then either a batch handler
 * takes it in chunks (batch-delivery.ts), or each record goes to its handler. Records are decoded in chunks of
 * DECODE_CHUNK (a whole fetch decoded up front kept thousands of payloads alive across young-generation
 * collections, and GC became the benchmark's largest cost), with `decodeBatchJson` for the default JSON payloads
 * (straight from the bytes) or `decodeBatch` for avsc values; each record is then delivered,
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
import type { CodecError, DecodedMessage } from '@app/schema';
import type { BatchDelivery } from './batch-delivery';
import type { ConsumerMetrics, TopicMetrics } from './consumer-metrics';
import type { HandlerCall } from './handler-call';
import type { HandlerTable } from './handler-table';
import { recordValue, type MessageDelivery, type PartitionControl } from './message-delivery';
import type { Admission, PartitionPositions, Seek } from './partition-positions';
import { waitWithTicks } from './retry-backoff';
import type { LoadedReader, ReaderTypes } from './schema-resolution';

const DECODE_CHUNK = 256;

export interface BatchSettings {
  readonly heartbeatIntervalMs: number;
  /** How long a single running handler keeps the member alive by heartbeats (failure detection after that). */
  readonly handlerHeartbeatLimitMs: number;
  readonly commitIntervalMs: number;
  /** Most records one batch-handler call receives. */
  readonly maxBatchSize: number;
}

export class BatchProcessor {
  private readonly warnedTopics = new Set<string>();

  constructor(
    private readonly table: HandlerTable,
    private readonly readers: ReaderTypes,
    private readonly delivery: MessageDelivery,
    private readonly batches: BatchDelivery,
    private readonly positions: PartitionPositions,
    private readonly seek: Seek,
    private readonly metrics: ConsumerMetrics,
    private readonly settings: BatchSettings,
    private readonly logger: LoggerService,
  ) {}

  readonly eachBatch = async (payload: EachBatchPayload): Promise<void> => {
    const { batch } = payload;
    const route = this.table.route(batch.topic);
    if (route === undefined) return this.ignore(payload);
    const admission = await this.admit(payload);
    if (admission === 'seeked' || admission === 'failed') return;
    const metrics = this.metrics.forTopic(batch.topic);
    const reader = route.version === undefined ? undefined : this.readers.get(batch.topic, route.version);
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
    // Records below the stored position were applied before: resolved, never handed over again.
    const skipped = admission.start > 0 ? batch.messages[admission.start - 1]!.offset : undefined;
    let done: string | undefined = skipped;
    try {
      done =
        (route.batch
          ? await this.deliverBatches(payload, route.call, reader, admission.start, control)
          : await this.deliverEach(payload, route.call, reader, admission.start, control)) ?? skipped;
    } finally {
      clearInterval(ticker);
      // The runner commits resolved offsets after eachBatch (or when it throws): resolve the last done record first.
      if (done !== undefined) this.finish(payload, done, metrics);
      metrics.processed.inc(control.processed);
    }
  };

  /**
   * The batch admitted against the stored positions; 'failed' when they could not be read (the
   * batch is fetched again after a pause with heartbeats: nothing is resolved, nothing escapes
   * eachBatch to make every concurrent partition re-fetch).
   */
  private async admit(payload: EachBatchPayload): Promise<Admission | 'failed'> {
    try {
      return await this.positions.admit(payload.batch, this.seek);
    } catch (error) {
      this.logger.warn?.(
        `${payload.batch.topic}[${payload.batch.partition}]: the stored position could not be read (${String(error)}); fetching again`,
      );
      await waitWithTicks(
        this.settings.heartbeatIntervalMs,
        this.settings.heartbeatIntervalMs,
        payload.heartbeat,
        () => !payload.isRunning() || payload.isStale(),
      );
      return 'failed';
    }
  }

  /** One record at a time; returns the last offset done. */
  private async deliverEach(
    payload: EachBatchPayload,
    call: HandlerCall,
    reader: LoadedReader | undefined,
    start: number,
    control: PartitionControl,
  ): Promise<string | undefined> {
    const { batch } = payload;
    const pace = new LoopPacer(this.settings);
    let decoded: Array<DecodedMessage | CodecError> = [];
    let done: string | undefined;
    for (let i = start; i < batch.messages.length; i++) {
      // isRunning() is a flag read; isStale() builds a map key, so it is checked every few records.
      if (!payload.isRunning() || ((i & 31) === 0 && payload.isStale())) break;
      const record = batch.messages[i]!;
      const slot = (i - start) % DECODE_CHUNK;
      if (slot === 0) {
        decoded = await this.delivery.decode(
          batch.messages.slice(i, i + DECODE_CHUNK).map(recordValue),
          reader,
        );
      }
      let result = this.delivery.deliver(record, decoded[slot]!, call, reader?.type, control);
      // A synchronous delivery returns 'done' itself: no promise, no microtask hop per record.
      if (result !== 'done') result = await result;
      if (result === 'aborted') break;
      done = record.offset;
      await this.pace(payload, pace, done);
    }
    return done;
  }

  /** Chunks of maxBatchSize to the batch handler; returns the last offset done. */
  private async deliverBatches(
    payload: EachBatchPayload,
    call: HandlerCall,
    reader: LoadedReader | undefined,
    start: number,
    control: PartitionControl,
  ): Promise<string | undefined> {
    const { batch } = payload;
    const pace = new LoopPacer(this.settings);
    let done: string | undefined;
    for (let i = start; i < batch.messages.length; i += this.settings.maxBatchSize) {
      if (control.shouldStop()) return done;
      const records = batch.messages.slice(i, i + this.settings.maxBatchSize);
      const decoded = await this.delivery.decode(records.map(recordValue), reader);
      const delivered = await this.batches.deliver(records, decoded, call, reader?.type, control);
      if (delivered === 'aborted') return done;
      done = records[records.length - 1]!.offset;
      await this.pace(payload, pace, done);
    }
    if (done !== undefined && !control.shouldStop()) {
      await this.batches.settle(String(BigInt(done) + 1n), call, control);
    }
    return done;
  }

  private async pace(payload: EachBatchPayload, pace: LoopPacer, done: string): Promise<void> {
    const now = Date.now();
    if (pace.commitDue(now)) {
      payload.resolveOffset(done);
      await payload.commitOffsetsIfNecessary();
    }
    if (pace.heartbeatDue(now)) await payload.heartbeat();
  }

  /** Resolves the last done offset; a batch done to its end counts its trailing control records too. */
  private finish(payload: EachBatchPayload, done: string, metrics: TopicMetrics): void {
    const { batch } = payload;
    payload.resolveOffset(done);
    const last = batch.messages[batch.messages.length - 1]!.offset;
    const next = String(BigInt(done === last ? batch.lastOffset() : done) + 1n);
    this.positions.advance(batch.topic, batch.partition, next, false);
    metrics.lag(batch.partition, Math.max(0, Number(batch.highWatermark) - Number(next)));
  }

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

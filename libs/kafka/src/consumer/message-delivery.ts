/**
 * Delivers one record to its handler with Herald's failure rules: retriable failures are
 * retried in place (same process, same partition position) with bounded exponential backoff
 * and heartbeats; a non-retriable failure, or the last failed attempt, sends the record to the
 * dead-letter topic. Every path ends in "done" (the offset may be resolved) or "aborted" (the
 * consumer is stopping or lost the partition: the offset stays unresolved, another delivery
 * will follow), so a record is never skipped and a partition is never blocked forever.
 */
// The global `performance` is a lazy getter in Node 20 (a function call per access, measurable per record).
import { performance } from 'node:perf_hooks';
import type { LoggerService } from '@nestjs/common';
import type * as avro from 'avsc';
import type { KafkaMessage } from 'kafkajs';
import type { BackoffSettings } from '@app/platform';
import { CodecError, type AvroCodec, type AvroSchemaJson, type DecodedMessage } from '@app/schema';
import type { TopicMetrics } from './consumer-metrics';
import type { DeadLetterPublisher } from './dead-letter';
import { RecordEnvelope, type WriterInfo } from './event-envelope';
import type { HandlerCall } from './handler-call';
import { classifyFailure, type FailureVerdict } from './handler-error';
import { HeraldEventContext } from './herald-event.context';
import type { PayloadMapper } from './payload-mapping';
import { recordLogFields, type ConsumerTracing, type HandlerSpans } from './record-tracing';
import { waitBeforeRetry } from './retry-backoff';
import { rfc3339Millis } from './rfc3339-time';
import type { LoadedReader, WriterInfos } from './schema-resolution';

export interface DeliverySettings extends BackoffSettings {
  readonly maxAttempts: number;
  readonly heartbeatIntervalMs: number;
}

/** What the batch loop lends a delivery: kafkajs' heartbeat and "should I stop" checks. */
export interface PartitionControl {
  readonly topic: string;
  readonly partition: number;
  readonly metrics: TopicMetrics;
  heartbeat(): Promise<void>;
  shouldStop(): boolean;
  /** The pinned reader's schema (the payload's shape), or undefined for the writer's. */
  readonly readerSchema: AvroSchemaJson | undefined;
  /** The writer of the batch's last record: a batch nearly always has one schema id. */
  writer: WriterInfo | undefined;
  /**
   * performance.now() while a handler runs, so the batch's heartbeat ticker knows it may beat;
   * NaN otherwise (a number either way: a field that also holds undefined boxes every double stored in it).
   */
  handlerStartedAt: number;
  /** Handler successes in this batch (added to the counter once per batch: prom-client hashes labels per call). */
  processed: number;
}

export type DeliveryResult = 'done' | 'aborted';

const EMPTY = Buffer.alloc(0);

export function recordValue(record: KafkaMessage): Buffer {
  return record.value ?? EMPTY;
}

/** `ce_time` as epoch ms without decoding every header (hot path), NaN when absent. */
export function publishedAt(record: KafkaMessage): number {
  const value = record.headers?.['ce_time'];
  if (value === undefined || Array.isArray(value)) return Number.NaN;
  return typeof value === 'string' ? Date.parse(value) : rfc3339Millis(value);
}

export class MessageDelivery {
  constructor(
    private readonly codec: AvroCodec,
    private readonly writers: WriterInfos,
    private readonly deadLetters: DeadLetterPublisher,
    private readonly payloads: PayloadMapper,
    private readonly settings: DeliverySettings,
    private readonly logger: LoggerService,
    /** Set only while tracing is on: spans per handler call. */
    private readonly tracing?: ConsumerTracing,
  ) {}

  /**
   * The first attempt runs synchronously as far as the handler allows: a sync handler on the
   * direct path completes without a promise or a microtask ('done' is returned as is). Only
   * an asynchronous handler, a new writer schema or a failure goes asynchronous.
   */
  deliver(
    record: KafkaMessage,
    firstDecode: DecodedMessage | CodecError,
    call: HandlerCall,
    reader: avro.Type | undefined,
    control: PartitionControl,
  ): DeliveryResult | Promise<DeliveryResult> {
    let pending: Promise<void> | undefined;
    try {
      pending = this.attempt(record, firstDecode, call, 1, control);
    } catch (error) {
      return this.afterFailure(record, error, 1, call, reader, control);
    }
    if (pending === undefined) return 'done';
    return pending.then(
      () => 'done',
      (error: unknown) => this.afterFailure(record, error, 1, call, reader, control),
    );
  }

  /** Classifies a failed attempt, then retries in place or dead-letters, until done or aborted. */
  private async afterFailure(
    record: KafkaMessage,
    firstError: unknown,
    failedAttempt: number,
    call: HandlerCall,
    reader: avro.Type | undefined,
    control: PartitionControl,
  ): Promise<DeliveryResult> {
    let error = firstError;
    for (let attempt = failedAttempt; ; attempt++) {
      const verdict = classifyFailure(error);
      control.metrics.failed(verdict.retriable).inc();
      if (!verdict.retriable || attempt >= this.settings.maxAttempts) {
        return this.deadLetter(record, verdict, attempt, control);
      }
      this.logger.warn?.({
        msg: `${control.topic}[${control.partition}]@${record.offset} attempt ${attempt} failed, retrying: ${verdict.message}`,
        ...recordLogFields(record),
      });
      if (!(await waitBeforeRetry(attempt, this.settings, control))) return 'aborted';
      try {
        await this.attempt(record, await this.redecode(record, reader), call, attempt + 1, control);
        return 'done';
      } catch (next) {
        error = next;
      }
    }
  }

  /**
   * One delivery attempt: undefined when it completed synchronously, a promise otherwise; a
   * synchronous failure throws. Nest's pipeline hands a handler's error back as an erroring
   * Observable; HandlerCall turns both paths into a rejection.
   */
  private attempt(
    record: KafkaMessage,
    decoded: DecodedMessage | CodecError,
    call: HandlerCall,
    attempt: number,
    control: PartitionControl,
  ): Promise<void> | undefined {
    if (decoded instanceof CodecError) throw decoded;
    const writer = control.writer;
    if (writer === undefined || writer.schemaId !== decoded.schemaId) {
      // Once per batch, nearly always: resolve the writer, then attempt again.
      return this.writers.resolve(control.topic, decoded.schemaId).then((resolved) => {
        control.writer = resolved;
        return this.attempt(record, decoded, call, attempt, control);
      });
    }
    const data = this.payloads.toHandler(control.readerSchema ?? writer.schema, decoded);
    const context = call.takesContext
      ? new HeraldEventContext(new RecordEnvelope(control.topic, control.partition, record, writer), attempt)
      : undefined;
    // While tracing is on, the call runs inside its `process` and `handle` spans.
    const spans = this.tracing?.start(control.topic, control.partition, [record], attempt);
    const started = performance.now();
    control.handlerStartedAt = started;
    const failed = (error: unknown): never => {
      this.handlerEnded(control, started);
      spans?.failed(error);
      throw error;
    };
    let pending: Promise<void> | undefined;
    try {
      pending =
        spans === undefined ? call.invoke(data, context) : spans.run(() => call.invoke(data, context));
    } catch (error) {
      return failed(error);
    }
    if (pending === undefined) {
      this.handled(record, control, started, spans);
      return undefined;
    }
    return pending.then(() => this.handled(record, control, started, spans), failed);
  }

  private handled(
    record: KafkaMessage,
    control: PartitionControl,
    started: number,
    spans: HandlerSpans | undefined,
  ): void {
    this.handlerEnded(control, started);
    spans?.end();
    this.succeeded(record, control);
  }

  private handlerEnded(control: PartitionControl, started: number): void {
    control.handlerStartedAt = Number.NaN;
    control.metrics.handlerSeconds.observe((performance.now() - started) / 1000);
  }

  private succeeded(record: KafkaMessage, control: PartitionControl): void {
    control.processed++;
    const published = publishedAt(record);
    if (!Number.isNaN(published))
      control.metrics.endToEndSeconds.observe(Math.max(0, Date.now() - published) / 1000);
  }

  /** Decodes a chunk of record values for delivery, in the handlers' payload shape. */
  decode(
    values: readonly Buffer[],
    reader: LoadedReader | undefined,
  ): Promise<Array<DecodedMessage | CodecError>> {
    return this.payloads.decode(this.codec, values, reader);
  }

  private async redecode(
    record: KafkaMessage,
    reader: avro.Type | undefined,
  ): Promise<DecodedMessage | CodecError> {
    const [result] = await this.codec.decodeBatch([recordValue(record)], reader);
    return result ?? new CodecError('TRUNCATED_MESSAGE', 'the codec returned no result');
  }

  /** Retries the DLQ write until Kafka takes it: a record is never dropped because the DLQ was briefly unavailable. */
  private async deadLetter(
    record: KafkaMessage,
    verdict: FailureVerdict,
    attempts: number,
    control: PartitionControl,
  ): Promise<DeliveryResult> {
    const facts = { topic: control.topic, partition: control.partition, attempts, verdict };
    for (let write = 1; ; write++) {
      try {
        const target = await this.deadLetters.publish(record, facts);
        control.metrics.deadLettered.inc();
        this.logger.error({
          msg: `${control.topic}[${control.partition}]@${record.offset} dead-lettered to ${target} after ${attempts} attempt(s): ${verdict.message}`,
          ...recordLogFields(record),
        });
        return 'done';
      } catch (error) {
        this.logger.error({
          msg: `dead-letter write for ${control.topic}[${control.partition}]@${record.offset} failed: ${String(error)}`,
          ...recordLogFields(record),
        });
        if (!(await waitBeforeRetry(write, this.settings, control))) {
          return 'aborted';
        }
      }
    }
  }
}

/**
 * Delivers one record to its handler with Herald's failure rules: retriable failures are
 * retried in place (same process, same partition position) with bounded exponential backoff
 * and heartbeats; a non-retriable failure, or the last failed attempt, sends the record to the
 * dead-letter topic. Every path ends in "done" (the offset may be resolved) or "aborted" (the
 * consumer is stopping or lost the partition: the offset stays unresolved, another delivery
 * will follow), so a record is never skipped and a partition is never blocked forever.
 */
import type { LoggerService } from '@nestjs/common';
import type { MessageHandler } from '@nestjs/microservices';
import type * as avro from 'avsc';
import type { KafkaMessage } from 'kafkajs';
import { isObservable, lastValueFrom } from 'rxjs';
import { CodecError, type AvroCodec, type AvroSchemaJson, type DecodedMessage } from '@app/schema';
import type { TopicMetrics } from './consumer-metrics';
import type { DeadLetterPublisher } from './dead-letter';
import { RecordEnvelope, type WriterInfo } from './event-envelope';
import { classifyFailure, type FailureVerdict } from './handler-error';
import { HeraldEventContext } from './herald-event.context';
import type { PayloadMapper } from './payload-mapping';
import { backoffDelay, waitWithTicks, type BackoffSettings } from './retry-backoff';
import { rfc3339Millis } from './rfc3339-time';
import type { WriterInfos } from './schema-resolution';

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
  /** performance.now() while a handler runs, so the batch's heartbeat ticker knows it may beat. */
  handlerStartedAt: number | undefined;
  /** Handler successes in this batch (added to the counter once per batch: prom-client hashes labels per call). */
  processed: number;
}

export type DeliveryResult = 'done' | 'aborted';

const EMPTY = Buffer.alloc(0);

export function recordValue(record: KafkaMessage): Buffer {
  return record.value ?? EMPTY;
}

/** `ce_time` as epoch ms without decoding every header (hot path), NaN when absent. */
function publishedAt(record: KafkaMessage): number {
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
  ) {}

  async deliver(
    record: KafkaMessage,
    firstDecode: DecodedMessage | CodecError,
    handler: MessageHandler,
    reader: avro.Type | undefined,
    control: PartitionControl,
  ): Promise<DeliveryResult> {
    for (let attempt = 1; ; attempt++) {
      try {
        const decoded = attempt === 1 ? firstDecode : await this.redecode(record, reader);
        await this.attempt(record, decoded, handler, attempt, control);
        return 'done';
      } catch (error) {
        const verdict = classifyFailure(error);
        control.metrics.failed(verdict.retriable).inc();
        if (!verdict.retriable || attempt >= this.settings.maxAttempts) {
          return this.deadLetter(record, verdict, attempt, control);
        }
        this.logger.warn?.(
          `${control.topic}[${control.partition}]@${record.offset} attempt ${attempt} failed, retrying: ${verdict.message}`,
        );
        const delay = backoffDelay(attempt, this.settings);
        const waited = await waitWithTicks(
          delay,
          this.settings.heartbeatIntervalMs,
          control.heartbeat,
          control.shouldStop,
        );
        if (!waited) return 'aborted';
      }
    }
  }

  /** One delivery attempt; Nest hands a handler's error back as an erroring Observable. */
  private async attempt(
    record: KafkaMessage,
    decoded: DecodedMessage | CodecError,
    handler: MessageHandler,
    attempt: number,
    control: PartitionControl,
  ): Promise<void> {
    if (decoded instanceof CodecError) throw decoded;
    let writer = control.writer;
    if (writer === undefined || writer.schemaId !== decoded.schemaId) {
      writer = control.writer = await this.writers.resolve(control.topic, decoded.schemaId);
    }
    const data = this.payloads.toHandler(control.readerSchema ?? writer.schema, decoded.value);
    const context = new HeraldEventContext(
      new RecordEnvelope(control.topic, control.partition, record, writer),
      attempt,
    );
    const started = performance.now();
    control.handlerStartedAt = started;
    try {
      const result: unknown = await handler(data, context);
      if (isObservable(result)) await lastValueFrom(result, { defaultValue: undefined });
    } finally {
      control.handlerStartedAt = undefined;
      control.metrics.handlerSeconds.observe((performance.now() - started) / 1000);
    }
    control.processed++;
    const published = publishedAt(record);
    if (!Number.isNaN(published))
      control.metrics.endToEndSeconds.observe(Math.max(0, Date.now() - published) / 1000);
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
        this.logger.error(
          `${control.topic}[${control.partition}]@${record.offset} dead-lettered to ${target} after ${attempts} attempt(s): ${verdict.message}`,
        );
        return 'done';
      } catch (error) {
        this.logger.error(
          `dead-letter write for ${control.topic}[${control.partition}]@${record.offset} failed: ${String(error)}`,
        );
        const delay = backoffDelay(write, this.settings);
        if (
          !(await waitWithTicks(
            delay,
            this.settings.heartbeatIntervalMs,
            control.heartbeat,
            control.shouldStop,
          ))
        ) {
          return 'aborted';
        }
      }
    }
  }
}

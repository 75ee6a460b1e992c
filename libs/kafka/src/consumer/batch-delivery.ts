/**
 * Delivers a partition's records to a batch handler (`@EventPattern(..., { batch: true })`) in
 * chunks of `maxBatchSize`, with the same failure rules as one-event delivery:
 * - a retriable failure retries the chunk in place with bounded exponential backoff and
 *   heartbeats, reading the stored position again first (records another writer applied
 *   meanwhile are dropped from the retry, so a position conflict heals itself);
 * - a non-retriable failure, or the last failed attempt, splits the chunk in halves and delivers
 *   each (bisection isolates a poison record in log2(n) steps without failing its neighbours);
 * - a single record goes through MessageDelivery, as a one-event batch: retried, then
 *   dead-lettered. A record that cannot be decoded is delivered alone for the same reason.
 * After dead-lettered records at a batch's end, the handler is called with no events so the
 * stored position moves past them (a restart does not dead-letter them again).
 */
import { performance } from 'node:perf_hooks';
import type { LoggerService } from '@nestjs/common';
import type * as avro from 'avsc';
import type { KafkaMessage } from 'kafkajs';
import { CodecError, type DecodedMessage } from '@app/schema';
import { RecordEnvelope, type WriterInfo } from './event-envelope';
import type { HandlerCall } from './handler-call';
import { classifyFailure } from './handler-error';
import type { HeraldBatch, HeraldBatchEvent } from './herald-batch';
import type { HeraldEventContext } from './herald-event.context';
import {
  publishedAt,
  recordValue,
  type DeliveryResult,
  type DeliverySettings,
  type MessageDelivery,
  type PartitionControl,
} from './message-delivery';
import type { PartitionPositions } from './partition-positions';
import type { PayloadMapper } from './payload-mapping';
import { recordsLogFields, type ConsumerTracing } from './record-tracing';
import { waitBeforeRetry } from './retry-backoff';
import type { WriterInfos } from './schema-resolution';

type Decoded = DecodedMessage | CodecError;

const nextAfter = (offset: string): string => String(BigInt(offset) + 1n);

export class BatchDelivery {
  constructor(
    private readonly single: MessageDelivery,
    private readonly writers: WriterInfos,
    private readonly payloads: PayloadMapper,
    private readonly positions: PartitionPositions,
    private readonly settings: DeliverySettings,
    private readonly logger: LoggerService,
    /** Set only while tracing is on: spans per handler call. */
    private readonly tracing?: ConsumerTracing,
  ) {}

  /** Delivers `records` (one chunk, in order); 'aborted' when the consumer stops or loses the partition. */
  async deliver(
    records: readonly KafkaMessage[],
    decoded: readonly Decoded[],
    call: HandlerCall,
    reader: avro.Type | undefined,
    control: PartitionControl,
  ): Promise<DeliveryResult> {
    if (records.length === 0) return 'done';
    if (records.length === 1) {
      const result = this.single.deliver(
        records[0]!,
        decoded[0]!,
        this.oneEventCall(call, control),
        reader,
        control,
      );
      return result === 'done' ? 'done' : result;
    }
    const bad = decoded.findIndex((d) => d instanceof CodecError);
    if (bad >= 0) {
      for (const [from, to] of [
        [0, bad],
        [bad, bad + 1],
        [bad + 1, records.length],
      ] as const) {
        const part = await this.deliver(
          records.slice(from, to),
          decoded.slice(from, to),
          call,
          reader,
          control,
        );
        if (part === 'aborted') return 'aborted';
      }
      return 'done';
    }
    return this.deliverMany(records, decoded as readonly DecodedMessage[], call, reader, control);
  }

  /**
   * After the partition's batch: moves the stored position past trailing dead-lettered records.
   * Retried with backoff until it is stored or the consumer stops (a restart would otherwise
   * dead-letter them again).
   */
  async settle(nextOffset: string, call: HandlerCall, control: PartitionControl): Promise<void> {
    if (!this.positions.owned) return;
    for (let attempt = 1; ; attempt++) {
      try {
        const { stored, applied } = await this.positions.position(control.topic, control.partition);
        if (applied !== undefined && applied >= BigInt(nextOffset)) return;
        await call.invoke(this.batchOf([], stored, nextOffset, attempt, control), undefined);
        this.positions.advance(control.topic, control.partition, nextOffset, true);
        return;
      } catch (error) {
        this.positions.forget(control.topic, control.partition);
        this.logger.warn?.(
          `${control.topic}[${control.partition}]: storing the position ${nextOffset} failed (attempt ${attempt}): ${classifyFailure(error).message}`,
        );
        // Bounded: a store that keeps refusing must not hold the partition; the worst case is that a
        // restart dead-letters those records again.
        if (attempt >= this.settings.maxAttempts) return;
        if (!(await waitBeforeRetry(attempt, this.settings, control))) {
          return;
        }
      }
    }
  }

  private async deliverMany(
    records: readonly KafkaMessage[],
    decoded: readonly DecodedMessage[],
    call: HandlerCall,
    reader: avro.Type | undefined,
    control: PartitionControl,
  ): Promise<DeliveryResult> {
    const nextOffset = nextAfter(records[records.length - 1]!.offset);
    let events: HeraldBatchEvent[] | undefined;
    for (let attempt = 1; ; attempt++) {
      try {
        // Writer lookups (the registry) and payload mapping fail like the handler: retried or split.
        events ??= await this.events(records, decoded, control);
        const { stored, applied } = await this.positions.position(control.topic, control.partition);
        const from =
          applied === undefined ? 0 : events.findIndex((e) => BigInt(e.envelope.offset) >= applied);
        if (from < 0) return 'done'; // another writer applied all of them
        const batch = this.batchOf(events.slice(from), stored, nextOffset, attempt, control);
        await this.invoke(call, batch, control, records.slice(from));
        this.positions.advance(control.topic, control.partition, nextOffset, true);
        this.succeeded(records.slice(from), control);
        return 'done';
      } catch (error) {
        this.positions.forget(control.topic, control.partition);
        const verdict = classifyFailure(error);
        control.metrics.failed(verdict.retriable).inc();
        const where = `${control.topic}[${control.partition}]@${records[0]!.offset}..${records[records.length - 1]!.offset}`;
        if (!verdict.retriable || attempt >= this.settings.maxAttempts) {
          this.logger.warn?.({
            msg: `${where}: batch attempt ${attempt} failed (${verdict.message}); delivering it in halves`,
            ...recordsLogFields(records),
          });
          const half = Math.ceil(records.length / 2);
          const first = await this.deliver(
            records.slice(0, half),
            decoded.slice(0, half),
            call,
            reader,
            control,
          );
          if (first === 'aborted') return 'aborted';
          return this.deliver(records.slice(half), decoded.slice(half), call, reader, control);
        }
        this.logger.warn?.({
          msg: `${where}: batch attempt ${attempt} failed, retrying: ${verdict.message}`,
          ...recordsLogFields(records),
        });
        if (!(await waitBeforeRetry(attempt, this.settings, control))) {
          return 'aborted';
        }
      }
    }
  }

  private async events(
    records: readonly KafkaMessage[],
    decoded: readonly DecodedMessage[],
    control: PartitionControl,
  ): Promise<HeraldBatchEvent[]> {
    const events: HeraldBatchEvent[] = new Array<HeraldBatchEvent>(records.length);
    for (let i = 0; i < records.length; i++) {
      const value = decoded[i]!;
      let writer: WriterInfo | undefined = control.writer;
      if (writer === undefined || writer.schemaId !== value.schemaId) {
        writer = control.writer = await this.writers.resolve(control.topic, value.schemaId);
      }
      events[i] = {
        data: this.payloads.toHandler(control.readerSchema ?? writer.schema, value),
        envelope: new RecordEnvelope(control.topic, control.partition, records[i]!, writer),
        value: recordValue(records[i]!),
      };
    }
    return events;
  }

  private async invoke(
    call: HandlerCall,
    batch: HeraldBatch,
    control: PartitionControl,
    records: readonly KafkaMessage[],
  ): Promise<void> {
    const spans = this.tracing?.start(control.topic, control.partition, records, batch.attempt);
    const started = performance.now();
    control.handlerStartedAt = started;
    try {
      await (spans === undefined
        ? call.invoke(batch, undefined)
        : spans.run(() => call.invoke(batch, undefined)));
      spans?.end();
    } catch (error) {
      spans?.failed(error);
      throw error;
    } finally {
      control.handlerStartedAt = Number.NaN;
      control.metrics.handlerSeconds.observe((performance.now() - started) / 1000);
    }
  }

  private succeeded(records: readonly KafkaMessage[], control: PartitionControl): void {
    control.processed += records.length;
    const now = Date.now();
    for (const record of records) {
      const published = publishedAt(record);
      if (!Number.isNaN(published))
        control.metrics.endToEndSeconds.observe(Math.max(0, now - published) / 1000);
    }
  }

  /**
   * A batch handler seen as a one-event handler, for MessageDelivery's retry and dead-letter
   * rules: the event goes as a one-event batch whose position check reads the stored position
   * first (skipped when another writer already applied it).
   */
  private oneEventCall(call: HandlerCall, control: PartitionControl): HandlerCall {
    return {
      mode: call.mode,
      takesContext: true,
      invoke: async (data: unknown, context: HeraldEventContext | undefined) => {
        const envelope = context!.envelope;
        const nextOffset = nextAfter(envelope.offset);
        const { stored, applied } = await this.positions.position(control.topic, control.partition);
        if (applied !== undefined && applied >= BigInt(nextOffset)) return;
        try {
          await call.invoke(
            this.batchOf(
              [
                {
                  data,
                  envelope,
                  value: envelope instanceof RecordEnvelope ? envelope.value : Buffer.alloc(0),
                },
              ],
              stored,
              nextOffset,
              context!.attempt,
              control,
            ),
            undefined,
          );
        } catch (error) {
          this.positions.forget(control.topic, control.partition);
          throw error;
        }
        this.positions.advance(control.topic, control.partition, nextOffset, true);
      },
    };
  }

  private batchOf(
    events: readonly HeraldBatchEvent[],
    previousOffset: string | undefined,
    nextOffset: string,
    attempt: number,
    control: PartitionControl,
  ): HeraldBatch {
    return {
      topic: control.topic,
      partition: control.partition,
      events,
      previousOffset,
      nextOffset,
      attempt,
    };
  }
}

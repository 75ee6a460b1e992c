/**
 * The Kafka edge of the audit app: `@EventPattern('*', { batch: true })` takes every event-type
 * topic (including types created while running: the runtime re-reads the topic list), a
 * partition's batch at a time. Each batch goes to AuditRecorder.recordBatch with the position
 * it moves, stored in the same transaction as its rows; an AuditWriteError becomes the
 * runtime's HandlerError with the same `retriable` flag (retry in place, or split the batch and
 * dead-letter the event that keeps failing).
 */
import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { HandlerError, type HeraldBatch } from '@app/kafka';
import { AuditWriteError } from '../domain/audit-errors';
import { AuditRecorder } from '../domain/audit-recorder';

@Controller()
export class AuditEventsHandler {
  constructor(private readonly recorder: AuditRecorder) {}

  /** Each `data` is the avsc value in the writer's schema (the consumer runs with `payload: 'avro'`). */
  @EventPattern('*', { batch: true })
  async handle(@Payload() batch: HeraldBatch): Promise<void> {
    try {
      await this.recorder.recordBatch(batch.events, {
        topic: batch.topic,
        partition: batch.partition,
        previousOffset: batch.previousOffset,
        nextOffset: batch.nextOffset,
      });
    } catch (error) {
      if (error instanceof AuditWriteError) {
        throw new HandlerError(error.message, { retriable: error.retriable, cause: error });
      }
      throw error;
    }
  }
}

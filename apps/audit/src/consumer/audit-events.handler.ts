/**
 * The Kafka edge of the audit app: `@EventPattern('*')` takes every event-type topic, including
 * types created while running (the runtime re-reads the topic list). Each event goes to
 * AuditRecorder.record; an AuditWriteError becomes the runtime's HandlerError with the same
 * `retriable` flag (retry in place, or dead-letter).
 */
import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { HandlerError, HeraldEventContext } from '@app/kafka';
import { AuditWriteError } from '../domain/audit-errors';
import { AuditRecorder } from '../domain/audit-recorder';

@Controller()
export class AuditEventsHandler {
  constructor(private readonly recorder: AuditRecorder) {}

  /** `data` is the avsc value in the writer's schema (the consumer runs with `payload: 'avro'`). */
  @EventPattern('*')
  async handle(@Payload() data: unknown, @Ctx() context: HeraldEventContext): Promise<void> {
    try {
      await this.recorder.record(data, context.envelope);
    } catch (error) {
      if (error instanceof AuditWriteError) {
        throw new HandlerError(error.message, { retriable: error.retriable, cause: error });
      }
      throw error;
    }
  }
}

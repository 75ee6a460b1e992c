/**
 * The Kafka edge of the webhooks app: `@EventPattern('*', { batch: true })` takes every event-type
 * topic, a partition's batch at a time, maps each record to a FanOutEvent (its tenant read from
 * the event's data through the catalog's `tenant:` field) and hands the batch and the position it
 * moves to FanOut. Store failures become HandlerErrors the runtime retries (a moved position too).
 */
import { Controller, Inject } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { HandlerError, type HeraldBatch } from '@app/kafka';
import { FanOut, type FanOutEvent } from '../domain/fan-out';
import { TENANT_FIELDS, type TenantFields } from './tenant-fields';

@Controller()
export class FanOutHandler {
  constructor(
    private readonly fanOut: FanOut,
    @Inject(TENANT_FIELDS) private readonly tenants: TenantFields,
  ) {}

  /** Each `data` is the avsc value in the writer's schema (the consumer runs with `payload: 'avro'`). */
  @EventPattern('*', { batch: true })
  async handle(@Payload() batch: HeraldBatch): Promise<void> {
    const events = batch.events.map(({ data, envelope, value }): FanOutEvent => {
      const headers = envelope.headers;
      return {
        eventId:
          envelope.id !== ''
            ? envelope.id
            : `kafka:${envelope.topic}/${envelope.partition}@${envelope.offset}`,
        type: envelope.type,
        topic: envelope.topic,
        partition: envelope.partition,
        offset: envelope.offset,
        time: envelope.time,
        source: envelope.source,
        subject: envelope.subject ?? null,
        traceparent: headers['traceparent'] ?? null,
        tenant: this.tenants.tenantOf(envelope.type, data),
        value,
      };
    });
    try {
      await this.fanOut.handle(events, {
        topic: batch.topic,
        partition: batch.partition,
        previousOffset: batch.previousOffset,
        nextOffset: batch.nextOffset,
      });
    } catch (error) {
      // Database failures and a moved position are worth retrying; a bug still reaches the DLQ after the attempts.
      throw new HandlerError(error instanceof Error ? error.message : String(error), {
        retriable: true,
        cause: error,
      });
    }
  }
}

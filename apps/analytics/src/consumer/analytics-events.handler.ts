/**
 * The Kafka edge of the analytics app: `@EventPattern('*', { batch: true })` takes every
 * event-type topic, a partition's batch at a time, and hands it with the position it moves to
 * AnalyticsIngest. Errors become HandlerErrors: database errors and a moved position are retried
 * in place; an event that cannot be read through a metric's reader version is dead-lettered
 * after the runtime isolates it.
 */
import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { HandlerError, type HeraldBatch } from '@app/kafka';
import { AnalyticsIngest } from '../domain/analytics-ingest';

@Controller()
export class AnalyticsEventsHandler {
  constructor(private readonly ingest: AnalyticsIngest) {}

  /** `data` is not used: metrics read the record's bytes through their own reader versions. */
  @EventPattern('*', { batch: true })
  async handle(@Payload() batch: HeraldBatch): Promise<void> {
    const records = batch.events.map(({ envelope, value }) => ({
      id: envelope.id,
      // One topic per event type, named as the type: the topic is the type (a rebuild reads it the same way).
      type: envelope.topic,
      time: envelope.time,
      timestamp: envelope.timestamp,
      topic: envelope.topic,
      partition: envelope.partition,
      offset: envelope.offset,
      value,
    }));
    try {
      await this.ingest.ingest(records, {
        topic: batch.topic,
        partition: batch.partition,
        previousOffset: batch.previousOffset,
        nextOffset: batch.nextOffset,
      });
    } catch (error) {
      if (error instanceof HandlerError) throw error;
      throw new HandlerError(error instanceof Error ? error.message : String(error), {
        retriable: true,
        cause: error,
      });
    }
  }
}

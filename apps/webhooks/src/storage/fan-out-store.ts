/**
 * FanOutStore on PostgreSQL: one transaction inserts the batch's messages (each event once, unique
 * by Kafka coordinates, so a redelivered record finds its row), one delivery per (message,
 * endpoint) (unique, so a redelivery adds nothing), moves the partition's position with
 * compare-and-set, and notifies the delivery workers (LISTEN webhooks_deliveries) on commit.
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import { uuidv7 } from 'uuidv7';
import { isUniqueViolation, PostgresConsumerPositions } from '@app/persistence';
import type { FanOutPosition, FanOutStore, FannedOut } from '../domain/fan-out';

export const DELIVERIES_CHANNEL = 'webhooks_deliveries';

export class PostgresFanOutStore implements FanOutStore {
  constructor(private readonly db: Kysely<unknown>) {}

  /**
   * Records are new unless redelivered (after a crash or a rebalance): plain INSERTs first, which
   * cost PostgreSQL less than ON CONFLICT's speculative insertion (docs/benchmarks.md, Webhooks),
   * and on a unique violation the transaction goes again keeping what exists.
   */
  async store(fannedOut: readonly FannedOut[], position: FanOutPosition): Promise<void> {
    try {
      await this.write(fannedOut, position, false);
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      await this.write(fannedOut, position, true);
    }
  }

  private async write(
    fannedOut: readonly FannedOut[],
    position: FanOutPosition,
    redelivered: boolean,
  ): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      if (fannedOut.length > 0) await this.insert(tx, fannedOut, redelivered);
      await PostgresConsumerPositions.save(tx, position);
    });
  }

  /**
   * One statement, one round trip: the messages, their deliveries (joined to the messages' ids by
   * offset: a batch is one partition's), and the notification, which goes out on commit.
   */
  private async insert(tx: Transaction<unknown>, fannedOut: readonly FannedOut[], redelivered: boolean) {
    const events = fannedOut.map((f) => f.event);
    const pairs = fannedOut.flatMap(({ event, endpointIds }) =>
      endpointIds.map((endpointId) => ({ event, endpointId })),
    );
    await sql`
      WITH stored AS (
        INSERT INTO messages (event_id, type, topic, kafka_partition, kafka_offset, time, source, subject, traceparent, value)
        SELECT * FROM unnest(
          ${events.map((e) => e.eventId)}::text[], ${events.map((e) => e.type)}::text[],
          ${events.map((e) => e.topic)}::text[], ${events.map((e) => e.partition)}::int[],
          ${events.map((e) => e.offset)}::bigint[], ${events.map((e) => e.time)}::text[],
          ${events.map((e) => e.source)}::text[], ${events.map((e) => e.subject)}::text[],
          ${events.map((e) => e.traceparent)}::text[], ${events.map((e) => e.value)}::bytea[])
        ${redelivered ? sql`ON CONFLICT (topic, kafka_partition, kafka_offset) WHERE job_id IS NULL DO UPDATE SET event_id = messages.event_id` : sql``}
        RETURNING id, kafka_offset),
      fanned AS (
        INSERT INTO deliveries (id, endpoint_id, message_id, event_id, type, next_attempt_at)
        SELECT d.id, d.endpoint_id, m.id, d.event_id, d.type, now()
        FROM unnest(
          ${pairs.map(() => `dlv_${uuidv7()}`)}::text[], ${pairs.map((p) => p.endpointId)}::text[],
          ${pairs.map((p) => p.event.offset)}::bigint[], ${pairs.map((p) => p.event.eventId)}::text[],
          ${pairs.map((p) => p.event.type)}::text[]) AS d(id, endpoint_id, kafka_offset, event_id, type)
        JOIN stored m ON m.kafka_offset = d.kafka_offset
        -- An endpoint deleted since the directory was read has no row to reference: skip it.
        WHERE EXISTS (SELECT 1 FROM endpoints e WHERE e.id = d.endpoint_id)
        ${redelivered ? sql`ON CONFLICT (endpoint_id, message_id) DO NOTHING` : sql``})
      SELECT pg_notify(${DELIVERIES_CHANNEL}, '')`.execute(tx);
  }
}

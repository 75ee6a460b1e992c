/**
 * What a replay batch writes, inside the job's batch transaction (job-runs.postgres.ts): the
 * events again as messages of the job (unique per job and Kafka coordinates: a batch read again
 * after a crash finds its rows), and one delivery each to the job's endpoint, `origin` replay and
 * the job's id (unique per endpoint and message, like every delivery). Messages are inserted in
 * offset order, so an ordered endpoint receives a partition's replayed events in Kafka order.
 * The delivery workers are notified on commit.
 */
import { sql, type Transaction } from 'kysely';
import { uuidv7 } from 'uuidv7';
import type { FanOutEvent } from '../domain/fan-out';
import { DELIVERIES_CHANNEL } from './fan-out-store';

export class PostgresReplayStore {
  /** Stores the events (one partition's, in offset order) and their deliveries; how many deliveries are new. */
  async storeIn(
    tx: Transaction<unknown>,
    jobId: string,
    endpointId: string,
    events: readonly FanOutEvent[],
  ): Promise<number> {
    if (events.length === 0) return 0;
    const { rows } = await sql<{ id: string; topic: string; kafka_partition: number; kafka_offset: string }>`
      INSERT INTO messages (event_id, type, topic, kafka_partition, kafka_offset, time, source, subject, traceparent, value, job_id)
      SELECT e.event_id, e.type, e.topic, e.kafka_partition, e.kafka_offset, e.time, e.source, e.subject,
             e.traceparent, e.value, ${jobId}
      FROM unnest(
        ${events.map((e) => e.eventId)}::text[], ${events.map((e) => e.type)}::text[],
        ${events.map((e) => e.topic)}::text[], ${events.map((e) => e.partition)}::int[],
        ${events.map((e) => e.offset)}::bigint[], ${events.map((e) => e.time)}::text[],
        ${events.map((e) => e.source)}::text[], ${events.map((e) => e.subject)}::text[],
        ${events.map((e) => e.traceparent)}::text[], ${events.map((e) => e.value)}::bytea[]) WITH ORDINALITY
        AS e(event_id, type, topic, kafka_partition, kafka_offset, time, source, subject, traceparent, value, n)
      ORDER BY e.n
      ON CONFLICT (job_id, topic, kafka_partition, kafka_offset) WHERE job_id IS NOT NULL
        DO UPDATE SET event_id = messages.event_id
      RETURNING id::text, topic, kafka_partition, kafka_offset::text`.execute(tx);
    const messageIds = new Map(rows.map((r) => [`${r.topic}/${r.kafka_partition}/${r.kafka_offset}`, r.id]));
    const messages = events.map((e) => messageIds.get(`${e.topic}/${e.partition}/${e.offset}`)!);
    const created = await sql`
      INSERT INTO deliveries (id, endpoint_id, message_id, event_id, type, next_attempt_at, origin, job_id)
      SELECT d.id, ${endpointId}, d.message_id, d.event_id, d.type, now(), 'replay', ${jobId}
      FROM unnest(
        ${events.map(() => `dlv_${uuidv7()}`)}::text[], ${messages}::bigint[],
        ${events.map((e) => e.eventId)}::text[], ${events.map((e) => e.type)}::text[])
        AS d(id, message_id, event_id, type)
      ON CONFLICT (endpoint_id, message_id) DO NOTHING`.execute(tx);
    await sql`SELECT pg_notify(${DELIVERIES_CHANNEL}, '')`.execute(tx);
    return Number(created.numAffectedRows ?? 0n);
  }
}

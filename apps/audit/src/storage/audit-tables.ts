/** Kysely types of the audit schema (see audit-migrations.ts) and the row ↔ domain mapping. */
import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';
import type { ChainedAuditEvent, StoredAuditEvent } from '../domain/audit-event';

/** Timestamps are written as ISO text and read back as Date (node-postgres' timestamptz parser). */
type Timestamp = ColumnType<Date, string, never>;
/** JSONB is written as JSON text and read back parsed. */
type Json<T> = ColumnType<T, string, never>;

export interface AuditEventsTable {
  /** bigint: node-postgres returns it as text so no value is rounded. */
  sequence: Generated<string>;
  event_id: string;
  type: string;
  schema_version: number;
  schema_id: number;
  source: string;
  subject: string | null;
  event_key: string | null;
  time: string;
  event_time: Timestamp;
  topic: string;
  kafka_partition: number;
  kafka_offset: string;
  kafka_timestamp: Timestamp;
  headers: Json<Record<string, string>>;
  data: Json<unknown>;
  ingested_at: Timestamp;
  prev_hash: string;
  hash: string;
}

export interface AuditDatabase {
  audit_events: AuditEventsTable;
}

export type AuditEventRow = Selectable<AuditEventsTable>;

export function toRow(event: ChainedAuditEvent): Insertable<AuditEventsTable> {
  return {
    event_id: event.eventId,
    type: event.type,
    schema_version: event.version,
    schema_id: event.schemaId,
    source: event.source,
    subject: event.subject,
    event_key: event.key,
    time: event.time,
    event_time: event.eventTime,
    topic: event.topic,
    kafka_partition: event.partition,
    kafka_offset: event.offset,
    kafka_timestamp: event.kafkaTimestamp,
    headers: JSON.stringify(event.headers),
    data: JSON.stringify(event.data),
    ingested_at: event.ingestedAt,
    prev_hash: event.prevHash,
    hash: event.hash,
  };
}

export function fromRow(row: AuditEventRow): StoredAuditEvent {
  return {
    sequence: row.sequence,
    eventId: row.event_id,
    type: row.type,
    version: row.schema_version,
    schemaId: row.schema_id,
    source: row.source,
    subject: row.subject,
    key: row.event_key,
    time: row.time,
    eventTime: row.event_time.toISOString(),
    topic: row.topic,
    partition: row.kafka_partition,
    offset: row.kafka_offset,
    kafkaTimestamp: row.kafka_timestamp.toISOString(),
    headers: row.headers,
    data: row.data,
    ingestedAt: row.ingested_at.toISOString(),
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

/**
 * Kysely types of the audit schema (see audit-migrations.ts) and the row ↔ domain mapping.
 *
 * Storage form (docs/audit.md): the payload and the headers are JSON text (`data_json`,
 * `headers_json`), which holds every string a JSON document can (U+0000 included, as `\u0000`);
 * rows stored before migration 0002 have them in `jsonb` (`data`, `headers`) instead. A text
 * column whose value is not plain (audit-text-key.ts) holds the value's key form, and the value
 * itself is kept in `exact_values`, a JSON object by column name.
 */
import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';
import type { ChainedAuditEvent, StoredAuditEvent } from '../domain/audit-event';
import { textKey } from '../domain/audit-text-key';

/** Timestamps are written as ISO text and read back as Date (node-postgres' timestamptz parser). */
type Timestamp = ColumnType<Date, string, never>;
/** JSONB of rows stored before 0002: read back parsed, never written any more. */
type LegacyJson<T> = ColumnType<T | null, never, never>;
/** JSON text: written and read as text, parsed here. */
type JsonText = ColumnType<string | null, string, never>;

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
  headers: LegacyJson<Record<string, string>>;
  headers_json: JsonText;
  data: LegacyJson<unknown>;
  data_json: JsonText;
  /** `{"<column>": "<exact value>"}` for the columns holding a key form; null when none does. */
  exact_values: ColumnType<string | null, string | null, never>;
  ingested_at: Timestamp;
  prev_hash: string;
  hash: string;
}

export interface AuditDatabase {
  audit_events: AuditEventsTable;
}

export type AuditEventRow = Selectable<AuditEventsTable>;

/** The text columns that take a key form for a value that is not plain (the recorder keys event_id). */
type KeyedColumn = 'type' | 'source' | 'subject' | 'event_key' | 'time';

export function toRow(event: ChainedAuditEvent): Insertable<AuditEventsTable> {
  const exact: Partial<Record<KeyedColumn, string>> = {};
  const keyed = <T extends string | null>(column: KeyedColumn, value: T): T => {
    if (value === null) return value;
    const key = textKey(value);
    if (key !== value) exact[column] = value;
    return key as T;
  };
  return {
    // The recorder already made the id a key (the duplicate check looks it up as it is).
    event_id: event.eventId,
    type: keyed('type', event.type),
    schema_version: event.version,
    schema_id: event.schemaId,
    source: keyed('source', event.source),
    subject: keyed('subject', event.subject),
    event_key: keyed('event_key', event.key),
    time: keyed('time', event.time),
    event_time: event.eventTime,
    topic: event.topic,
    kafka_partition: event.partition,
    kafka_offset: event.offset,
    kafka_timestamp: event.kafkaTimestamp,
    headers_json: JSON.stringify(event.headers),
    data_json: JSON.stringify(event.data),
    exact_values: Object.keys(exact).length === 0 ? null : JSON.stringify(exact),
    ingested_at: event.ingestedAt,
    prev_hash: event.prevHash,
    hash: event.hash,
  };
}

export function fromRow(row: AuditEventRow): StoredAuditEvent {
  const exact = exactValues(row.exact_values);
  const read = <T extends string | null>(column: KeyedColumn, stored: T): T => {
    const value = exact[column];
    // Only an exact value that keys to what the column holds is the column's value: if either
    // was altered, the row reads as its key form and no longer hashes to its `hash`.
    return typeof value === 'string' && stored !== null && textKey(value) === stored ? (value as T) : stored;
  };
  return {
    sequence: row.sequence,
    eventId: row.event_id,
    type: read('type', row.type),
    version: row.schema_version,
    schemaId: row.schema_id,
    source: read('source', row.source),
    subject: read('subject', row.subject),
    key: read('event_key', row.event_key),
    time: read('time', row.time),
    eventTime: row.event_time.toISOString(),
    topic: row.topic,
    partition: row.kafka_partition,
    offset: row.kafka_offset,
    kafkaTimestamp: row.kafka_timestamp.toISOString(),
    headers: (row.headers_json === null ? row.headers : jsonText(row.headers_json)) as Record<string, string>,
    data: row.data_json === null ? row.data : jsonText(row.data_json),
    ingestedAt: row.ingested_at.toISOString(),
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

/**
 * The app only writes JSON here; text that does not parse was written behind its back. It
 * reads as the text itself, so verify reports the row (its content no longer hashes to `hash`)
 * instead of failing on it.
 */
function jsonText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function exactValues(text: string | null): Partial<Record<string, unknown>> {
  if (text === null) return {};
  const parsed = jsonText(text);
  return typeof parsed === 'object' && parsed !== null ? parsed : {};
}

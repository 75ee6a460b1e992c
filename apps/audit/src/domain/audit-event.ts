/**
 * What the audit trail holds: one consumed event with its envelope, its Kafka coordinates and
 * its payload in Herald's JSON mapping, then the same event once linked into its
 * topic-partition's hash chain, and finally as stored (with the ingest sequence).
 */
export interface AuditEvent {
  readonly eventId: string;
  readonly type: string;
  /** The writer's schema version under the type's subject. */
  readonly version: number;
  readonly schemaId: number;
  readonly source: string;
  readonly subject: string | null;
  readonly key: string | null;
  /** `ce_time` exactly as the producer sent it. */
  readonly time: string;
  /** `time` parsed to UTC milliseconds (the Kafka timestamp when `time` does not parse): the query axis. */
  readonly eventTime: string;
  readonly topic: string;
  readonly partition: number;
  /** Kafka offsets are int64: kept as decimal text so none is rounded. */
  readonly offset: string;
  readonly kafkaTimestamp: string;
  readonly headers: Readonly<Record<string, string>>;
  /** The payload in the JSON mapping of docs/json-avro-mapping.md. */
  readonly data: unknown;
  readonly ingestedAt: string;
}

export interface ChainedAuditEvent extends AuditEvent {
  readonly prevHash: string;
  readonly hash: string;
}

export interface StoredAuditEvent extends ChainedAuditEvent {
  /** Ingest order across the whole table (decimal text of a bigint); the query cursor's key. */
  readonly sequence: string;
}

export interface KafkaCoordinates {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
}

export function coordinatesOf(event: KafkaCoordinates): string {
  return `${event.topic}/${event.partition}@${event.offset}`;
}

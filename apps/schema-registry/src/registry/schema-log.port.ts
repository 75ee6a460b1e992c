/**
 * The registry's only state store: the compacted, single-partition `_schemas` topic, read as an
 * ordered log of Confluent key/value JSON records. The registry domain applies records to its
 * in-memory state; only the leader appends. This port is what the domain sees of Kafka.
 */

/** Confluent's record key types; keys serialise with property order keytype, subject, version, magic. */
export type SchemaLogKeyType = 'SCHEMA' | 'CONFIG' | 'MODE' | 'DELETE_SUBJECT' | 'CLEAR_SUBJECT' | 'NOOP';

export interface SchemaLogKey {
  readonly keytype: SchemaLogKeyType;
  readonly subject?: string | null;
  readonly version?: number;
  readonly magic: number;
}

export interface SchemaLogRecord {
  readonly key: SchemaLogKey;
  /** Parsed JSON value; null is a tombstone (hard delete). */
  readonly value: Record<string, unknown> | null;
  readonly offset: bigint;
}

export interface SchemaLog {
  /**
   * Reads the log from the beginning, calling `apply` for every record in order, and keeps
   * following it. Resolves once every record up to the end offset seen at start is applied.
   */
  start(apply: (record: SchemaLogRecord) => void): Promise<void>;
  /** Appends one record with acks=all; resolves with its offset after `apply` has seen it. */
  append(key: SchemaLogKey, value: Record<string, unknown> | null): Promise<bigint>;
  /**
   * The highest offset applied (or passed over: compacted gaps, control records); -1 before the
   * first. Compared with the topic's end offset it shows how far behind this instance reads.
   */
  readonly appliedOffset: bigint;
  /** Resolves once every record written before this call has been applied (read-your-writes). */
  waitUntilCaughtUp(): Promise<void>;
  stop(): Promise<void>;
}

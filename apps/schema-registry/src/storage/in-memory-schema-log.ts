/**
 * A SchemaLog kept in process memory: for unit tests and a single dev instance (state is lost
 * on restart). Records are held as the JSON text Kafka would carry, key and value, so what the
 * registry reads back went through the same serialisation as with the `_schemas` topic, and
 * tests can assert the exact bytes; a log can be seeded with another log's records to replay it.
 */
import type { SchemaLog, SchemaLogKey, SchemaLogRecord } from '../registry/schema-log.port';

/** One record as it would sit in the topic: key JSON, value JSON or null (tombstone). */
export interface SerializedSchemaLogRecord {
  readonly key: string;
  readonly value: string | null;
}

type ApplyRecord = (record: SchemaLogRecord) => void;

function deserialize(entry: SerializedSchemaLogRecord, offset: number): SchemaLogRecord {
  return {
    key: JSON.parse(entry.key) as SchemaLogKey,
    value: entry.value === null ? null : (JSON.parse(entry.value) as Record<string, unknown>),
    offset: BigInt(offset),
  };
}

export class InMemorySchemaLog implements SchemaLog {
  private readonly entries: SerializedSchemaLogRecord[];
  private apply: ApplyRecord | undefined;

  constructor(initial: readonly SerializedSchemaLogRecord[] = []) {
    this.entries = [...initial];
  }

  async start(apply: ApplyRecord): Promise<void> {
    if (this.apply !== undefined) throw new Error('the in-memory schema log is already started');
    this.apply = apply;
    this.entries.forEach((entry, offset) => apply(deserialize(entry, offset)));
  }

  async append(key: SchemaLogKey, value: Record<string, unknown> | null): Promise<bigint> {
    const apply = this.apply;
    if (apply === undefined) throw new Error('the in-memory schema log is not started');
    const entry = { key: JSON.stringify(key), value: value === null ? null : JSON.stringify(value) };
    const offset = this.entries.push(entry) - 1;
    apply(deserialize(entry, offset));
    return BigInt(offset);
  }

  /** Every record is applied as soon as the log starts or it is appended. */
  get appliedOffset(): bigint {
    return this.apply === undefined ? -1n : BigInt(this.entries.length - 1);
  }

  /** Appends apply synchronously, so there is never anything left to catch up with. */
  async waitUntilCaughtUp(): Promise<void> {}

  async stop(): Promise<void> {
    this.apply = undefined;
  }

  /** Every record appended so far (and any seeded ones), in log order. */
  records(): readonly SerializedSchemaLogRecord[] {
    return [...this.entries];
  }
}

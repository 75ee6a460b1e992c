/**
 * The audit benchmark's floor: the least a consumer that stores every record in PostgreSQL can
 * do. A bare kafkajs consumer (default fetch settings, the audit's partition concurrency) whose
 * `eachBatch` inserts the whole fetched batch in one statement: each record's `ce_id`,
 * coordinates, headers as JSON text and value bytes, as unnested arrays, into a table keyed by
 * the coordinates. kafkajs resolves and commits offsets itself (no position in the transaction,
 * no decoding, no hash chain, no duplicate check). Without a pool it stores nothing: the raw
 * kafkajs `eachBatch` consumption the analytics benchmark compares with.
 */
import type { Kafka, KafkaMessage } from 'kafkajs';
import type { Pool } from 'pg';

export interface FloorProgress {
  /** Called when the first records reach `eachBatch`. */
  started(): void;
  /** Called after each batch's INSERT returned, with the records stored so far. */
  stored(total: number): void;
}

export async function createFloorTable(pool: Pool, table: string): Promise<void> {
  await pool.query(`CREATE TABLE ${table} (
    event_id        text    NOT NULL,
    topic           text    NOT NULL,
    kafka_partition integer NOT NULL,
    kafka_offset    bigint  NOT NULL,
    headers_json    text    NOT NULL,
    value           bytea   NOT NULL,
    PRIMARY KEY (topic, kafka_partition, kafka_offset))`);
}

function headersJson(record: KafkaMessage): string {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(record.headers ?? {})) {
    const last = Array.isArray(value) ? value[value.length - 1] : value;
    if (last !== undefined) headers[name] = last.toString();
  }
  return JSON.stringify(headers);
}

/** Reads `topic` from the beginning with a fresh group until `total` records are stored; then stops. */
export async function runFloor(options: {
  readonly kafka: Kafka;
  /** Where each batch is inserted (createFloorTable); without them, nothing is stored (kafkajs still commits). */
  readonly pool?: Pool;
  readonly table?: string;
  readonly topic: string;
  readonly groupId: string;
  readonly total: number;
  readonly partitionsConcurrency: number;
  readonly progress: FloorProgress;
}): Promise<{ readonly batches: number }> {
  const { pool, table, topic, total, progress } = options;
  const insert = `INSERT INTO ${table} (event_id, topic, kafka_partition, kafka_offset, headers_json, value)
    SELECT * FROM unnest($1::text[], $2::text[], $3::int[], $4::bigint[], $5::text[], $6::bytea[])`;
  let stored = 0;
  let batches = 0;
  let started = false;
  let finish: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (finish = resolve));
  const consumer = options.kafka.consumer({ groupId: options.groupId });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      partitionsConsumedConcurrently: options.partitionsConcurrency,
      eachBatch: async ({ batch }) => {
        const records = batch.messages;
        if (records.length === 0) return;
        if (!started) {
          started = true;
          progress.started();
        }
        await pool?.query(insert, [
          records.map((r) => r.headers?.['ce_id']?.toString() ?? ''),
          records.map(() => topic),
          records.map(() => batch.partition),
          records.map((r) => r.offset),
          records.map(headersJson),
          records.map((r) => r.value ?? Buffer.alloc(0)),
        ]);
        batches++;
        stored += records.length;
        progress.stored(stored);
        if (stored >= total) finish();
      },
    });
    await done;
  } finally {
    await consumer.disconnect();
  }
  return { batches };
}

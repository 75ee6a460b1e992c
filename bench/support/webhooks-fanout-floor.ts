/**
 * The fan-out's own floor: the least a consumer that writes what the webhooks fan-out writes can
 * do on this machine. A bare kafkajs consumer (default fetch, the app's partition concurrency)
 * whose `eachBatch` stores the fetched batch in the webhooks schema (migrated by the app, its
 * indexes and foreign keys included) in one transaction: the messages (one plain INSERT of
 * unnested arrays, RETURNING their ids), one delivery each for the round's endpoint (one plain
 * INSERT), and the partition's next offset. No decoding, tenant, endpoint matching, conflict
 * handling, notification, runtime or Nest. The gap between the audit's floor and this one is what
 * the schema costs; the gap between this one and the app is what the app costs.
 */
import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import type { Pool } from 'pg';
import type { FloorProgress } from './audit-floor';

const MESSAGES = `
  INSERT INTO webhooks.messages (event_id, type, topic, kafka_partition, kafka_offset, time, source, value)
  SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::bigint[], $6::text[], $7::text[], $8::bytea[])
  RETURNING id::text, kafka_offset::text`;

const DELIVERIES = `
  INSERT INTO webhooks.deliveries (id, endpoint_id, message_id, event_id, type, next_attempt_at)
  SELECT id, $2, message_id, event_id, type, now()
  FROM unnest($1::text[], $3::bigint[], $4::text[], $5::text[]) AS d(id, message_id, event_id, type)`;

const POSITION = `
  INSERT INTO webhooks.consumer_positions (topic, kafka_partition, next_offset) VALUES ($1, $2, $3)
  ON CONFLICT (topic, kafka_partition) DO UPDATE SET next_offset = excluded.next_offset, updated_at = now()`;

const header = (value: Buffer | string | (Buffer | string)[] | undefined): string =>
  (Array.isArray(value) ? value[value.length - 1] : value)?.toString() ?? '';

/** Reads `topic` from the beginning with a fresh group until `total` records are stored; then stops. */
export async function runFanOutFloor(options: {
  readonly kafka: Kafka;
  readonly pool: Pool;
  readonly endpointId: string;
  readonly topic: string;
  readonly groupId: string;
  readonly total: number;
  readonly partitionsConcurrency: number;
  readonly progress: FloorProgress;
}): Promise<void> {
  const { pool, topic, total, progress } = options;
  let stored = 0;
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
        const ids = records.map((r) => header(r.headers?.['ce_id']));
        const types = records.map((r) => header(r.headers?.['ce_type']));
        const client = await pool.connect();
        try {
          await client.query('BEGIN');
          const { rows } = await client.query<{ id: string; kafka_offset: string }>(MESSAGES, [
            ids,
            types,
            records.map(() => topic),
            records.map(() => batch.partition),
            records.map((r) => r.offset),
            records.map((r) => header(r.headers?.['ce_time'])),
            records.map((r) => header(r.headers?.['ce_source'])),
            records.map((r) => r.value ?? Buffer.alloc(0)),
          ]);
          const messageIds = new Map(rows.map((r) => [r.kafka_offset, r.id]));
          await client.query(DELIVERIES, [
            records.map(() => `dlv_${randomUUID()}`),
            options.endpointId,
            records.map((r) => messageIds.get(r.offset)),
            ids,
            types,
          ]);
          await client.query(POSITION, [topic, batch.partition, String(BigInt(batch.lastOffset()) + 1n)]);
          await client.query('COMMIT');
        } catch (error) {
          await client.query('ROLLBACK').catch(() => undefined);
          throw error;
        } finally {
          client.release();
        }
        stored += records.length;
        progress.stored(stored);
        if (stored >= total) finish();
      },
    });
    await done;
  } finally {
    await consumer.disconnect();
  }
}

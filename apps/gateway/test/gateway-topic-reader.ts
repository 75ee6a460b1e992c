/**
 * Consumer-side proof for gateway tests: what is on a topic, read from the beginning with a
 * unique group. "Everything" is bounded by sentinels: one accepted event per partition
 * published last, so once every sentinel was read, every earlier record of the topic was too.
 */
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type IHeaders } from 'kafkajs';
import { uniqueName, waitFor } from '@app/testing';
import type { GatewayHarness } from './gateway-harness';

export interface ConsumedRecord {
  readonly id: string;
  readonly key: string | null;
  readonly partition: number;
  readonly offset: string;
  readonly headers: Readonly<Record<string, string>>;
}

function textHeaders(headers: IHeaders | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(headers ?? {}).map(([k, v]) => [k, String(v)]));
}

/** Publishes events with random keys until every partition of the topic holds one; returns all their ids. */
export async function publishSentinels(
  gateway: GatewayHarness,
  type: string,
  data: () => unknown,
  partitions = 3,
): Promise<string[]> {
  const covered = new Set<number>();
  const ids: string[] = [];
  for (let attempt = 0; covered.size < partitions && attempt < 200; attempt++) {
    const response = await gateway.post('/v1/events', { type, key: randomUUID(), data: data() });
    if (response.status !== 202)
      throw new Error(`sentinel refused: ${response.status} ${await response.text()}`);
    const body = (await response.json()) as { id: string; partition: number };
    covered.add(body.partition);
    ids.push(body.id);
  }
  if (covered.size < partitions) throw new Error(`sentinels did not cover ${partitions} partitions`);
  return ids;
}

/** Every record of the topic up to the sentinels (which are included). */
export async function readTopicThrough(
  brokers: readonly string[],
  topic: string,
  sentinels: readonly string[],
): Promise<ConsumedRecord[]> {
  const kafka = new Kafka({ brokers: [...brokers], logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: uniqueName('gw-check') });
  const records: ConsumedRecord[] = [];
  const pending = new Set(sentinels);
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        const headers = textHeaders(message.headers);
        const id = headers.ce_id ?? '';
        records.push({
          id,
          key: message.key?.toString() ?? null,
          partition,
          offset: message.offset,
          headers,
        });
        pending.delete(id);
      },
    });
    await waitFor(() => pending.size === 0, {
      timeoutMs: 30_000,
      description: `the sentinels of ${topic}`,
    });
  } finally {
    await consumer.disconnect();
  }
  return records;
}

/**
 * The gateway's producer guarantees with GATEWAY_KAFKA_CLIENT=platformatic (@platformatic/kafka),
 * on real Kafka: 2xx only after acks, each answer naming the record's real partition and offset,
 * partitions as the Java client picks them (murmur2 of the key), atomic batches in one
 * transaction that is all or nothing, and 503 (never 2xx) while the broker is away. The rest of
 * the gateway's int specs run against this client too with `GATEWAY_KAFKA_CLIENT=platformatic`
 * in the environment (the harness passes it through; docs/gateway.md#kafka-client).
 */
import { randomUUID } from 'node:crypto';
import { ConfigResourceTypes, Kafka, logLevel, Partitioners, type PartitionMetadata } from 'kafkajs';
import { startPrivateKafka, uniqueName, waitFor, type PrivateKafka } from '@app/testing';
import { GatewayHarness, payment } from './gateway-harness';
import { publishSentinels, readTopicThrough, type ConsumedRecord } from './gateway-topic-reader';

jest.setTimeout(240_000);

const PLATFORMATIC = { GATEWAY_KAFKA_CLIENT: 'platformatic' } as const;

interface Accepted {
  readonly id: string;
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
}

/** The partition kafkajs's Java-compatible DefaultPartitioner gives a key on a 3-partition topic. */
function javaPartition(topic: string, key: string): number {
  const partitionMetadata: PartitionMetadata[] = [0, 1, 2].map((partitionId) => ({
    partitionId,
    leader: 1,
    partitionErrorCode: 0,
    replicas: [1],
    isr: [1],
  }));
  return Partitioners.DefaultPartitioner()({ topic, partitionMetadata, message: { key, value: null } });
}

/** Every record id on the topic, including those of aborted transactions. */
async function readUncommittedIds(
  brokers: readonly string[],
  topic: string,
  atLeast: number,
): Promise<string[]> {
  const kafka = new Kafka({ brokers: [...brokers], logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: uniqueName('gw-uncommitted'), readUncommitted: true });
  const ids: string[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void ids.push(String(message.headers?.ce_id)) });
    await waitFor(() => ids.length >= atLeast, { timeoutMs: 30_000, description: `${atLeast} records` });
  } finally {
    await consumer.disconnect();
  }
  return ids;
}

describe('gateway on @platformatic/kafka', () => {
  let gateway: GatewayHarness;
  const accepted = new Map<string, Accepted>();

  beforeAll(async () => {
    gateway = await GatewayHarness.start({ env: PLATFORMATIC });
  });

  afterAll(async () => {
    await gateway?.close();
  });

  it('answers a single event 202 with its coordinates', async () => {
    const data = payment();
    const response = await gateway.post('/v1/events', { type: gateway.types.payment, data });
    expect(response.status).toBe(202);
    const body = (await response.json()) as Accepted;
    expect(body).toMatchObject({ topic: gateway.types.payment, offset: '0' });
    expect(body.partition).toBe(javaPartition(gateway.types.payment, data.payment_id));
    accepted.set(body.id, body);
  });

  it('answers a batch with every event on the partition of its key and its own offset', async () => {
    const events = Array.from({ length: 40 }, () => ({ type: gateway.types.payment, data: payment() }));
    const concurrent = await Promise.all([0, 1, 2].map(() => gateway.post('/v1/events/batch', { events })));
    for (const response of concurrent) {
      expect(response.status).toBe(200);
      const { results } = (await response.json()) as { results: Array<Accepted & { status: string }> };
      expect(results).toHaveLength(events.length);
      results.forEach((result, i) => {
        expect(result.status).toBe('accepted');
        expect(result.partition).toBe(javaPartition(gateway.types.payment, events[i]!.data.payment_id));
        accepted.set(result.id, result);
      });
    }
  });

  it('publishes an atomic batch in one committed transaction', async () => {
    const events = Array.from({ length: 6 }, () => ({ type: gateway.types.payment, data: payment() }));
    const response = await gateway.post('/v1/events/batch', { atomic: true, events });
    expect(response.status).toBe(200);
    const { results } = (await response.json()) as { results: Array<Accepted & { status: string }> };
    expect(results.map((r) => r.status)).toEqual(events.map(() => 'accepted'));
    results.forEach((result) => accepted.set(result.id, result));
    // A commit marker follows a transaction's records: the next record of a partition the
    // transaction wrote lands one offset past the transaction's last record there.
    const last = new Map<number, bigint>();
    for (const { partition, offset } of results) {
      last.set(
        partition,
        BigInt(offset) > (last.get(partition) ?? -1n) ? BigInt(offset) : last.get(partition)!,
      );
    }
    const [partition, lastOffset] = [...last][0]!;
    let next: Accepted | undefined;
    for (let i = 0; i < 100 && next?.partition !== partition; i++) {
      const single = await gateway.post('/v1/events', { type: gateway.types.payment, data: payment() });
      expect(single.status).toBe(202);
      next = (await single.json()) as Accepted;
      accepted.set(next.id, next);
    }
    expect(next?.partition).toBe(partition);
    expect(BigInt(next!.offset)).toBe(lastOffset + 2n);
  });

  it('every answered coordinate is where the record is, with the key the partition came from', async () => {
    const sentinels = await publishSentinels(gateway, gateway.types.payment, payment);
    const records = await readTopicThrough(gateway.brokers, gateway.types.payment, sentinels);
    const byId = new Map<string, ConsumedRecord>(records.map((r) => [r.id, r]));
    for (const [id, answer] of accepted) {
      const record = byId.get(id);
      expect({ id, partition: record?.partition, offset: record?.offset }).toEqual({
        id,
        partition: answer.partition,
        offset: answer.offset,
      });
      expect(record!.partition).toBe(javaPartition(gateway.types.payment, record!.key!));
    }
    expect(accepted.size).toBeGreaterThan(120);
  });

  it('an atomic batch that Kafka refuses in part answers 503 and none of it is readable', async () => {
    // Orders' topic takes no record batch: the order of the transaction fails on the broker
    // after the payment beside it was appended, so only an abort keeps the payment unread.
    const kafka = new Kafka({ brokers: [...gateway.brokers], logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    try {
      await admin.alterConfigs({
        validateOnly: false,
        resources: [
          {
            type: ConfigResourceTypes.TOPIC,
            name: gateway.types.order,
            configEntries: [{ name: 'max.message.bytes', value: '64' }],
          },
        ],
      });
    } finally {
      await admin.disconnect();
    }
    const paymentId = `atomic-aborted-${randomUUID()}`;
    const response = await gateway.post('/v1/events/batch', {
      atomic: true,
      events: [
        { id: paymentId, type: gateway.types.payment, data: payment() },
        {
          id: `atomic-aborted-order-${randomUUID()}`,
          type: gateway.types.order,
          version: 1,
          data: {
            order_id: randomUUID(),
            store_id: 'store-7',
            shipment_id: randomUUID(),
            carrier: 'DHL',
            tracking_number: null,
            items: [{ sku: 'SKU-1', quantity: 2 }],
            destination_country: 'DE',
            shipped_at: '2026-11-27T10:15:00.123Z',
          },
        },
      ],
    });
    expect(response.status).toBe(503);
    const sentinels = await publishSentinels(gateway, gateway.types.payment, payment);
    const committed = await readTopicThrough(gateway.brokers, gateway.types.payment, sentinels);
    expect(committed.map((r) => r.id)).not.toContain(paymentId);
    // It was written, in a transaction that was aborted (not merely never sent).
    const all = await readUncommittedIds(gateway.brokers, gateway.types.payment, committed.length + 1);
    expect(all).toContain(paymentId);
  });
});

describe('gateway on @platformatic/kafka while the broker is away', () => {
  let kafka: PrivateKafka;
  let gateway: GatewayHarness;

  beforeAll(async () => {
    kafka = await startPrivateKafka({ nodes: 1, heapMb: 384 });
    gateway = await GatewayHarness.start({
      brokers: kafka.cluster.brokers,
      env: { ...PLATFORMATIC, GATEWAY_SEND_TIMEOUT_MS: '1500' },
    });
  });

  afterAll(async () => {
    await gateway?.close();
    await kafka?.remove();
  });

  it('answers 503, never 2xx, and a client retrying its ids through the outage publishes each once', async () => {
    // Under load when the broker stops, as the SDK behaves: every refused id is posted again
    // (same id, same data) until accepted. A send the client library gives up on may still
    // have landed, so this is where a second copy would show.
    const statuses = new Map<number, number>();
    const acknowledged = new Set<string>();
    const refused = new Map<string, ReturnType<typeof payment>>();
    const publish = async (id: string, data: ReturnType<typeof payment>): Promise<number> => {
      const response = await gateway
        .post('/v1/events', { type: gateway.types.payment, id, data })
        .catch(() => undefined);
      if (!response) return 0;
      await response.arrayBuffer();
      statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
      if (response.status === 202) {
        acknowledged.add(id);
        refused.delete(id);
      } else refused.set(id, data);
      return response.status;
    };
    let loading = true;
    const worker = async (): Promise<void> => {
      while (loading) await publish(randomUUID(), payment());
    };
    const load = Array.from({ length: 8 }, () => worker());
    await waitFor(() => acknowledged.size >= 50, {
      timeoutMs: 30_000,
      description: 'load before the outage',
    });

    await kafka.cluster.stop();
    await waitFor(() => (statuses.get(503) ?? 0) >= 10, { timeoutMs: 30_000, description: '503s' });
    await kafka.cluster.start();
    const before = acknowledged.size;
    await waitFor(() => acknowledged.size >= before + 50, {
      timeoutMs: 90_000,
      description: 'load after the restart',
    });
    loading = false;
    await Promise.all(load);
    for (let round = 0; refused.size > 0 && round < 60; round++) {
      for (const [id, data] of [...refused]) await publish(id, data);
      if (refused.size > 0) await new Promise((resolve) => setTimeout(resolve, 1_000));
    }

    expect([...statuses.keys()].filter((status) => status !== 202 && status !== 503)).toEqual([]);
    expect([...refused.keys()]).toEqual([]);
    const sentinels = await publishSentinels(gateway, gateway.types.payment, payment);
    const counts = new Map<string, number>();
    for (const { id } of await readTopicThrough(gateway.brokers, gateway.types.payment, sentinels)) {
      counts.set(id, (counts.get(id) ?? 0) + 1);
    }
    const notOnce = [...acknowledged].filter((id) => counts.get(id) !== 1);
    expect(notOnce.map((id) => [id, counts.get(id) ?? 0])).toEqual([]);
  });
});

/**
 * The gateway's promise under a Kafka outage, on a private single-node broker that the test
 * stops and starts: no 2xx for an event Kafka did not acknowledge (every 2xx event is on the
 * topic after the restart), 503 with Retry-After meanwhile, and the SDK's retries through
 * the 503 burst publish each event exactly once.
 */
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import type { LocalKafkaCluster } from '@app/local-kafka';
import { HeraldClient } from '@app/sdk';
import { startPrivateKafka, uniqueName, waitFor, type PrivateKafka } from '@app/testing';
import { GatewayHarness, payment } from './gateway-harness';

jest.setTimeout(240_000);

async function readIds(brokers: readonly string[], topic: string, atLeast: number): Promise<string[]> {
  const kafka = new Kafka({ brokers: [...brokers], logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: uniqueName('outage-reader') });
  const ids: string[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({ eachMessage: async ({ message }) => void ids.push(String(message.headers?.ce_id)) });
  try {
    await waitFor(() => ids.length >= atLeast, {
      timeoutMs: 60_000,
      description: `${atLeast} events on ${topic}`,
    });
    // Everything produced before the readers' start is there once the high watermark is reached.
    const admin = kafka.admin();
    await admin.connect();
    const offsets = await admin.fetchTopicOffsets(topic);
    await admin.disconnect();
    const total = offsets.reduce((sum, p) => sum + Number(p.high), 0);
    await waitFor(() => ids.length >= total, {
      timeoutMs: 60_000,
      description: `all ${total} records of ${topic}`,
    });
  } finally {
    await consumer.disconnect();
  }
  return ids;
}

describe('gateway during a Kafka outage', () => {
  let kafka: PrivateKafka;
  let broker: LocalKafkaCluster;
  let gateway: GatewayHarness;

  beforeAll(async () => {
    // Its own node (on ports picked again if another process takes them first): this test stops it.
    kafka = await startPrivateKafka({ nodes: 1, heapMb: 384 });
    broker = kafka.cluster;
    gateway = await GatewayHarness.start({
      brokers: broker.brokers,
      env: { GATEWAY_SEND_TIMEOUT_MS: '1500' },
    });
  });

  afterAll(async () => {
    await gateway?.close();
    await kafka?.remove();
  });

  it('never answers 2xx for an unacknowledged event, and the SDK publishes each event exactly once', async () => {
    const acknowledged: string[] = [];
    const statuses = new Map<number, number>();
    let retryAfterSeen = false;
    let loading = true;
    const worker = async (): Promise<void> => {
      while (loading) {
        const id = randomUUID();
        const response = await gateway
          .post('/v1/events', { type: gateway.types.payment, id, data: payment() })
          .catch(() => undefined);
        if (!response) continue;
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
        if (response.status === 202) acknowledged.push(id);
        if (response.status === 503 && response.headers.get('retry-after')) retryAfterSeen = true;
        await response.arrayBuffer();
      }
    };
    const load = Array.from({ length: 8 }, () => worker());
    await waitFor(() => acknowledged.length >= 50, {
      timeoutMs: 30_000,
      description: 'load before the outage',
    });

    await broker.stop();
    const sdk = new HeraldClient({
      url: gateway.url,
      apiKey: gateway.apiKey,
      retries: 40,
      retryDelay: { baseMs: 200, maxMs: 2_000 },
    });
    const sdkIds = Array.from({ length: 20 }, () => randomUUID());
    const sdkPublishes = sdkIds.map((id) => sdk.publishRaw(gateway.types.payment, payment(), { id }));
    await waitFor(() => (statuses.get(503) ?? 0) >= 5, {
      timeoutMs: 30_000,
      description: '503s during the outage',
    });

    await broker.start();
    const sdkResults = await Promise.all(sdkPublishes);
    const before = acknowledged.length;
    await waitFor(() => acknowledged.length >= before + 50, {
      timeoutMs: 60_000,
      description: 'load after the restart',
    });
    loading = false;
    await Promise.all(load);
    await sdk.close();

    expect(retryAfterSeen).toBe(true);
    expect([...statuses.keys()].every((status) => status === 202 || status === 503)).toBe(true);
    expect(sdkResults.map((r) => r.id)).toEqual(sdkIds);

    const onTopic = await readIds(
      gateway.brokers,
      gateway.types.payment,
      acknowledged.length + sdkIds.length,
    );
    const present = new Set(onTopic);
    expect(acknowledged.filter((id) => !present.has(id))).toEqual([]);
    for (const id of sdkIds) expect(onTopic.filter((seen) => seen === id)).toHaveLength(1);
  });
});

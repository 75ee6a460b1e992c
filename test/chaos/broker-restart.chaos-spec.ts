/**
 * A broker restart under gateway load, on a private single-node Kafka (the shared broker is never
 * touched): the built registry and gateway run as users start them, and workers publish steadily
 * with client ids, single events and batches alike. Mid-load the broker stops, gracefully
 * (SIGTERM) the first time and with SIGKILL the second, and starts again each time. Then the topic
 * is read back and everything is counted exactly: every event of a 2xx answer is on the topic,
 * every other answer is a 503 problem+json with Retry-After, and no request hung or lost its
 * connection.
 *
 * Sizes: HERALD_CHAOS_BROKER_WORKERS (8) concurrent publishers, HERALD_CHAOS_BROKER_BATCH (20)
 * events per batch request, HERALD_CHAOS_BROKER_DOWN_MS (6000) per outage.
 */
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { freePort, startPrivateKafka, uniqueName, waitFor, type PrivateKafka } from '@app/testing';
import { AppProcess, herald } from './support/apps';
import { createChaosDatabase, type ChaosDatabase } from './support/database';
import { PAYMENT_TYPE, payment } from './support/publisher';

jest.setTimeout(600_000);

const size = (name: string, fallback: number): number => Number(process.env[name] ?? fallback);
const WORKERS = size('HERALD_CHAOS_BROKER_WORKERS', 8);
const BATCH = size('HERALD_CHAOS_BROKER_BATCH', 20);
const DOWN_MS = size('HERALD_CHAOS_BROKER_DOWN_MS', 6_000);
/** A request that has no answer after this long counts as hung (the send timeout is 1.5 s). */
const HANG_MS = 30_000;
const TYPE = PAYMENT_TYPE;
const REGISTRY_TOKEN = 'chaos-registry-token-0123456789abcdef';

/** Every answer, by kind: what the checks count. */
interface Tally {
  /** Event ids of 2xx answers (single 202, or accepted results of a 200 batch). */
  readonly acknowledged: Set<string>;
  /** Requests by status, `single 202`, `batch 503`, ... */
  readonly statuses: Map<string, number>;
  /** Non-2xx answers that were not a 503 problem+json with Retry-After: status, headers and body. */
  readonly unexpected: string[];
  /** Requests without an answer: a hang (no answer within HANG_MS) or a dropped connection. */
  readonly failed: string[];
  /** Events of batches answered 200 with rejected results, by the result's status. */
  readonly rejectedInBatch: Map<number, number>;
}

async function readIds(brokers: readonly string[], topic: string): Promise<string[]> {
  const kafka = new Kafka({ brokers: [...brokers], logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const offsets = await admin.fetchTopicOffsets(topic);
  await admin.disconnect();
  const total = offsets.reduce((sum, p) => sum + Number(p.high) - Number(p.low), 0);
  const consumer = kafka.consumer({ groupId: uniqueName('broker-restart-reader') });
  const ids: string[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({ eachMessage: async ({ message }) => void ids.push(String(message.headers?.ce_id)) });
  try {
    await waitFor(() => ids.length >= total, {
      timeoutMs: 120_000,
      description: `all ${total} records of ${topic}`,
    });
  } finally {
    await consumer.disconnect();
  }
  return ids;
}

describe('a broker restart during gateway load', () => {
  const apps: AppProcess[] = [];
  let database: ChaosDatabase | undefined;
  let privateKafka: PrivateKafka | undefined;

  beforeAll(async () => {
    database = await createChaosDatabase('herald_chaos_broker');
    privateKafka = await startPrivateKafka({ nodes: 1, heapMb: 384 });
  });

  afterAll(async () => {
    await Promise.all(apps.map((app) => app.stop('SIGKILL')));
    await privateKafka?.remove();
    await database?.drop();
  });

  const start = async (name: 'schema-registry' | 'gateway', env: NodeJS.ProcessEnv): Promise<AppProcess> => {
    const app = new AppProcess(name, await freePort(), env);
    apps.push(app);
    return app.start().ready();
  };

  it('acknowledges only what Kafka holds, and answers everything else 503 with Retry-After', async () => {
    const cluster = privateKafka!.cluster;
    const brokers = cluster.brokers.join(',');
    const databaseUrl = database!.url;
    const registry = await start('schema-registry', {
      KAFKA_BROKERS: brokers,
      REGISTRY_TOPIC: uniqueName('_schemas-broker-restart'),
      REGISTRY_WRITE_TOKEN: REGISTRY_TOKEN,
    });
    const cliEnv = {
      KAFKA_BROKERS: brokers,
      REGISTRY_WRITE_TOKEN: REGISTRY_TOKEN,
      DATABASE_URL: databaseUrl,
    };
    const pushed = herald(['schemas', 'push', '--registry', registry.url], cliEnv);
    expect([pushed.status, pushed.stderr]).toEqual([0, '']);
    const created = herald(
      ['keys', 'create', '--producer', 'broker-restart', '--types', '*', '--rate-limit', '1000000', '--json'],
      cliEnv,
    );
    expect([created.status, created.stderr]).toEqual([0, '']);
    const { key } = JSON.parse(created.stdout) as { key: string };
    const gateway = await start('gateway', {
      KAFKA_BROKERS: brokers,
      DATABASE_URL: databaseUrl,
      SCHEMA_REGISTRY_URL: registry.url,
      GATEWAY_SEND_TIMEOUT_MS: '1500',
    });

    const tally: Tally = {
      acknowledged: new Set(),
      statuses: new Map(),
      unexpected: [],
      failed: [],
      rejectedInBatch: new Map(),
    };
    const count = (label: string) => tally.statuses.set(label, (tally.statuses.get(label) ?? 0) + 1);
    let sent = 0;
    const send = async (kind: 'single' | 'batch'): Promise<void> => {
      const ids = Array.from({ length: kind === 'single' ? 1 : BATCH }, () => randomUUID());
      sent += ids.length;
      const body = kind === 'single' ? payment(ids[0]!) : { events: ids.map(payment) };
      let response: Response;
      try {
        response = await fetch(`${gateway.url}/v1/events${kind === 'batch' ? '/batch' : ''}`, {
          method: 'POST',
          headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
          body: JSON.stringify(body),
          signal: AbortSignal.timeout(HANG_MS),
        });
      } catch (error) {
        tally.failed.push(`${kind}: ${String((error as Error).cause ?? error)}`);
        return;
      }
      const text = await response.text();
      count(`${kind} ${response.status}`);
      if (response.status >= 200 && response.status < 300) {
        if (kind === 'single') {
          ids.forEach((id) => tally.acknowledged.add(id));
          return;
        }
        const { results } = JSON.parse(text) as {
          results: Array<{ status: string; id?: string; error?: { status: number } }>;
        };
        results.forEach((result, i) => {
          if (result.status === 'accepted') tally.acknowledged.add(ids[i]!);
          else {
            const status = result.error?.status ?? 0;
            tally.rejectedInBatch.set(status, (tally.rejectedInBatch.get(status) ?? 0) + 1);
          }
        });
        return;
      }
      const problem =
        response.status === 503 &&
        /^application\/problem\+json/.test(response.headers.get('content-type') ?? '') &&
        Number(response.headers.get('retry-after')) > 0;
      if (!problem)
        tally.unexpected.push(
          `${kind} ${response.status} ${response.headers.get('content-type')} ` +
            `retry-after=${response.headers.get('retry-after')}: ${text.slice(0, 300)}`,
        );
    };

    let loading = true;
    const worker = async (n: number): Promise<void> => {
      for (let i = 0; loading; i++) await send((n + i) % 2 === 0 ? 'single' : 'batch');
    };
    const load = Array.from({ length: WORKERS }, (_, n) => worker(n));
    const acknowledgedAtLeast = (n: number, description: string) =>
      waitFor(() => tally.acknowledged.size >= n, { timeoutMs: 120_000, intervalMs: 100, description });
    const answered503 = () =>
      [...tally.statuses].filter(([label]) => label.endsWith(' 503')).reduce((sum, [, n]) => sum + n, 0);
    const outages: Array<{ how: string; answered503: number }> = [];
    const outage = async (how: 'SIGTERM' | 'SIGKILL'): Promise<void> => {
      await acknowledgedAtLeast(tally.acknowledged.size + 200, `load before the ${how} outage`);
      if (how === 'SIGTERM') await cluster.stop();
      else await cluster.killNode(cluster.layout.nodes[0]!.nodeId);
      const before = answered503();
      await new Promise((resolve) => setTimeout(resolve, DOWN_MS));
      const during = answered503() - before;
      if (how === 'SIGTERM') await cluster.start();
      else await cluster.restartNode(cluster.layout.nodes[0]!.nodeId);
      await acknowledgedAtLeast(tally.acknowledged.size + 200, `load after the ${how} outage`);
      outages.push({ how, answered503: during });
    };
    try {
      await outage('SIGTERM');
      await outage('SIGKILL');
    } catch (error) {
      const seen = { acknowledged: tally.acknowledged.size, statuses: Object.fromEntries(tally.statuses) };
      throw new Error(
        `${(error as Error).message}\nanswers so far: ${JSON.stringify(seen)}; unexpected: ` +
          `${JSON.stringify(tally.unexpected.slice(0, 3))}; failed: ${JSON.stringify(tally.failed.slice(0, 3))}\n` +
          `gateway: ${gateway.stderr()}`,
      );
    } finally {
      loading = false;
      await Promise.all(load);
    }

    const onTopic = new Set(await readIds(cluster.brokers, TYPE));
    const lost = [...tally.acknowledged].filter((id) => !onTopic.has(id));
    const figures = {
      sent,
      acknowledged: tally.acknowledged.size,
      onTopic: onTopic.size,
      statuses: Object.fromEntries([...tally.statuses].sort()),
      rejectedInBatch: Object.fromEntries(tally.rejectedInBatch),
      outages,
    };
    // The run's figures, for docs/reliability.md.
    console.log(`broker-restart: ${JSON.stringify(figures)}`);
    expect({
      lost: lost.slice(0, 5),
      lostCount: lost.length,
      unexpected: tally.unexpected.slice(0, 5),
      failed: tally.failed.slice(0, 5),
      rejectedInBatchOtherThan503: [...tally.rejectedInBatch.keys()].filter((status) => status !== 503),
      non503: [...tally.statuses.keys()].filter((label) => !/ (200|202|503)$/.test(label)),
    }).toEqual({
      lost: [],
      lostCount: 0,
      unexpected: [],
      failed: [],
      rejectedInBatchOtherThan503: [],
      non503: [],
    });
    // Each outage was felt: requests during it were answered 503.
    expect(outages.map(({ how, answered503: n }) => ({ how, felt: n > 0 }))).toEqual([
      { how: 'SIGTERM', felt: true },
      { how: 'SIGKILL', felt: true },
    ]);
  });
});

/**
 * On a 3-node cluster the registry creates `_schemas` with replication factor 3 and
 * min.insync.replicas 2, so one broker down loses no registration and a write never lands on a
 * single copy. The cluster is the project's local 3-node KRaft cluster in a temp folder on free
 * ports, so it disturbs neither the single node on 9092 nor the fault-test cluster's ports.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigResourceTypes, Kafka, logLevel } from 'kafkajs';
import { LocalKafkaCluster } from '@app/local-kafka';
import { freePort, uniqueName } from '@app/testing';
import { ensureCompactedLogTopic } from '../src/storage/compacted-log-topic';

jest.setTimeout(240_000);

function isFree(port: number): Promise<boolean> {
  const server = createServer();
  return new Promise((resolve) => {
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** Three client ports whose controller ports (client + 1) are free as well. */
async function clusterPorts(): Promise<number[]> {
  const ports: number[] = [];
  while (ports.length < 3) {
    const port = await freePort();
    if (!ports.includes(port) && !ports.includes(port + 1) && (await isFree(port + 1))) ports.push(port);
  }
  return ports;
}

describe('the _schemas topic on a 3-node cluster', () => {
  const stateDir = mkdtempSync(join(tmpdir(), 'herald-registry-cluster3-'));
  let cluster: LocalKafkaCluster;
  let kafka: Kafka;

  beforeAll(async () => {
    cluster = new LocalKafkaCluster({ nodes: 3, stateDir, ports: await clusterPorts(), heapMb: 320 });
    await cluster.start();
    kafka = new Kafka({
      clientId: 'herald-registry-rf-test',
      brokers: [...cluster.brokers],
      logLevel: logLevel.NOTHING,
    });
  });

  afterAll(async () => {
    await cluster.reset();
    rmSync(stateDir, { recursive: true, force: true });
  });

  it('gets replication factor 3 and min.insync.replicas 2', async () => {
    const admin = kafka.admin();
    await admin.connect();
    try {
      const topic = uniqueName('_schemas');
      await ensureCompactedLogTopic(admin, topic);
      const [metadata] = (await admin.fetchTopicMetadata({ topics: [topic] })).topics;
      expect(metadata?.partitions.map((p) => p.replicas.length)).toEqual([3]);
      const configs = await admin.describeConfigs({
        includeSynonyms: false,
        resources: [{ type: ConfigResourceTypes.TOPIC, name: topic }],
      });
      const config = (name: string) =>
        configs.resources[0]?.configEntries.find((e) => e.configName === name)?.configValue;
      expect([config('min.insync.replicas'), config('cleanup.policy')]).toEqual(['2', 'compact']);
    } finally {
      await admin.disconnect();
    }
  });
});

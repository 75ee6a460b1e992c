/**
 * `herald schemas push` on a cluster of three brokers (a private one: RF 3 and min.insync.replicas
 * 2 by default, like `herald kafka start --nodes 3`): topics get the deployment's replication, one
 * replica is refused unless asked for, and min.insync.replicas follows KAFKA_MIN_INSYNC_REPLICAS.
 * The registry keeps its `_schemas` topic on the shared broker; only the event topics go to the
 * private cluster.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigResourceTypes, Kafka, logLevel, type Admin } from 'kafkajs';
import { startPrivateKafka, startTestRegistry, type PrivateKafka, type TestRegistry } from '@app/testing';
import { copyPaymentType } from './spec-support/payment-type-copy';

jest.setTimeout(240_000);

const ROOT = join(__dirname, '..', '..', '..');
const HERALD = join(ROOT, 'bin', 'herald.js');

let privateKafka: PrivateKafka;
let registry: TestRegistry;
let admin: Admin;
let workDir: string;

beforeAll(async () => {
  [privateKafka, registry] = await Promise.all([
    startPrivateKafka({ nodes: 3, heapMb: 384 }),
    startTestRegistry(),
  ]);
  admin = new Kafka({
    clientId: 'herald-push-replication-test',
    brokers: [...privateKafka.cluster.brokers],
    logLevel: logLevel.NOTHING,
  }).admin();
  await admin.connect();
});

afterAll(async () => {
  await admin?.disconnect();
  await registry?.stop();
  await privateKafka?.remove();
});

beforeEach(() => {
  workDir = mkdtempSync(join(tmpdir(), 'herald-push-rf-'));
});
afterEach(() => rmSync(workDir, { recursive: true, force: true }));

const addPaymentType = (): string => copyPaymentType(workDir, 'r').type;

function push(env: NodeJS.ProcessEnv, ...args: string[]): { status: number | null; stdout: string } {
  const {
    REGISTRY_WRITE_TOKEN: _token,
    KAFKA_REPLICATION_FACTOR: _rf,
    KAFKA_MIN_INSYNC_REPLICAS: _isr,
    ...parent
  } = process.env;
  const result = spawnSync(
    process.execPath,
    [HERALD, 'schemas', 'push', '--registry', registry.url, '--format', 'json', ...args],
    {
      cwd: workDir,
      env: { ...parent, KAFKA_BROKERS: privateKafka.cluster.brokers.join(','), NO_COLOR: '1', ...env },
      encoding: 'utf8',
      timeout: 90_000,
    },
  );
  return { status: result.status, stdout: result.stdout };
}

async function replication(topic: string): Promise<{ replicas: number[]; minInsync: string | undefined }> {
  const [metadata] = (await admin.fetchTopicMetadata({ topics: [topic] })).topics;
  const configs = await admin.describeConfigs({
    resources: [{ type: ConfigResourceTypes.TOPIC, name: topic }],
    includeSynonyms: false,
  });
  const minInsync = configs.resources[0]?.configEntries.find((e) => e.configName === 'min.insync.replicas');
  return {
    replicas: (metadata?.partitions ?? []).map((p) => p.replicas.length),
    minInsync: minInsync?.configValue,
  };
}

interface PushJson {
  eventTypes: Array<{ status: string; errors: string[]; actions: Array<Record<string, unknown>> }>;
}

describe('herald schemas push on 3 brokers', () => {
  it("creates topics with the brokers' replication, refuses one replica unless allowed, and sets min.insync.replicas", async () => {
    const byDefault = addPaymentType();
    const first = push({});
    expect(first.status).toBe(0);
    expect(await replication(byDefault)).toEqual({ replicas: [3, 3, 3, 3, 3, 3], minInsync: '2' });

    // Asked for one replica: refused, and nothing written for that type.
    const single = addPaymentType();
    const refused = push({ KAFKA_REPLICATION_FACTOR: '1' });
    expect(refused.status).toBe(1);
    const report = JSON.parse(refused.stdout) as PushJson;
    const failed = report.eventTypes.find((t) => t.status === 'failed');
    expect(failed?.errors).toEqual([
      expect.stringContaining(`${single}: refusing to create it with one replica on a cluster of 3 brokers`),
    ]);
    expect((await admin.listTopics()).includes(single)).toBe(false);

    const allowed = push({ KAFKA_REPLICATION_FACTOR: '1' }, '--allow-single-replica');
    expect(allowed.status).toBe(0);
    expect((await replication(single)).replicas).toEqual([1, 1, 1, 1, 1, 1]);

    // min.insync.replicas from the environment, on an existing topic; RF 3 asked of an RF 1 topic is reported.
    const raised = push({ KAFKA_MIN_INSYNC_REPLICAS: '3', KAFKA_REPLICATION_FACTOR: '3' });
    expect(raised.status).toBe(1); // the RF 1 topic cannot take min.insync.replicas 3
    const raisedReport = JSON.parse(raised.stdout) as PushJson;
    expect(raisedReport.eventTypes.map((t) => t.status).sort()).toEqual(['changed', 'failed']);
    expect(await replication(byDefault)).toEqual({ replicas: [3, 3, 3, 3, 3, 3], minInsync: '3' });
    expect(raisedReport.eventTypes.find((t) => t.status === 'failed')?.errors).toEqual([
      expect.stringContaining('min.insync.replicas 3 is more than its 1 replica(s)'),
    ]);

    const noticed = push({ KAFKA_REPLICATION_FACTOR: '3' });
    expect(noticed.status).toBe(0);
    const actions = (JSON.parse(noticed.stdout) as PushJson).eventTypes.flatMap((t) => t.actions);
    expect(actions).toContainEqual(
      expect.objectContaining({ kind: 'keep-replication', actual: 1, wanted: 3 }),
    );
  });
});

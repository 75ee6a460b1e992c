/**
 * The real gateway the SDK quickstart publishes to, started as a user starts it: its own schema
 * registry holding the repository's payments.payment.received versions, that type's topic, a
 * throw-away database with an API key made by `herald keys create`, and
 * `node dist/apps/gateway/src/main.js`. Needs `npm run build`. All of it on a private Kafka node:
 * the quickstart publishes to the catalog's real topic, and on the shared test broker a platform
 * started with `npm run up` reads that topic (and could not decode this registry's schema ids).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { RegistryClient } from '@app/registry-client';
import { loadCatalog } from '@app/schema';
import {
  databaseUrlFor,
  dropTestDatabase,
  freePort,
  startPrivateKafka,
  startTestRegistry,
  uniqueIdentifier,
  waitFor,
  type PrivateKafka,
  type TestRegistry,
} from '@app/testing';

import { REPO_ROOT, run } from './packed-sdk';

export const QUICKSTART_TYPE = 'payments.payment.received';
const SCHEMAS_DIR = join(REPO_ROOT, 'schemas');
const HERALD = join(REPO_ROOT, 'bin/herald.js');

export class QuickstartGateway {
  private constructor(
    readonly url: string,
    readonly apiKey: string,
    readonly registry: TestRegistry,
    private readonly gateway: ChildProcess,
    private readonly database: string,
    private readonly kafka: PrivateKafka,
  ) {}

  private get brokers(): string {
    return this.kafka.cluster.brokers.join(',');
  }

  static async start(): Promise<QuickstartGateway> {
    const kafka = await startPrivateKafka({ nodes: 1, heapMb: 384 });
    const brokers = kafka.cluster.brokers;
    const registry = await startTestRegistry({ env: { KAFKA_BROKERS: brokers.join(',') } }).catch(
      async (error: unknown) => {
        await kafka.remove();
        throw error;
      },
    );
    const database = uniqueIdentifier('herald_sdk_quickstart');
    try {
      await provision(registry.url, brokers);
      const env = { ...process.env, DATABASE_URL: databaseUrlFor(database), LOG_LEVEL: 'warn' };
      const { stdout } = await run(
        process.execPath,
        [HERALD, 'keys', 'create', '--producer', 'sdk-quickstart', '--types', 'payments.*', '--json'],
        { env },
      );
      const { key } = JSON.parse(stdout) as { key: string };
      const port = await freePort();
      const gateway = spawn(process.execPath, [join(REPO_ROOT, 'dist/apps/gateway/src/main.js')], {
        env: {
          ...env,
          GATEWAY_PORT: String(port),
          KAFKA_BROKERS: brokers.join(','),
          SCHEMA_REGISTRY_URL: registry.url,
          SCHEMAS_DIR,
        },
        stdio: ['ignore', 'ignore', 'inherit'],
      });
      const started = new QuickstartGateway(
        `http://127.0.0.1:${port}`,
        key,
        registry,
        gateway,
        database,
        kafka,
      );
      await started.waitReady();
      return started;
    } catch (error) {
      await registry.stop();
      await dropTestDatabase(database);
      await kafka.remove();
      throw error;
    }
  }

  private async waitReady(): Promise<void> {
    await waitFor(
      () => {
        if (this.gateway.exitCode !== null)
          throw new Error(`the gateway exited with code ${this.gateway.exitCode}`);
        return fetch(`${this.url}/health/ready`).then(
          (r) => r.ok,
          () => false,
        );
      },
      { timeoutMs: 60_000, intervalMs: 200, description: 'the gateway to be ready' },
    );
  }

  /** The record at those coordinates, decoded through this registry by `herald tail`. */
  async readRecord(partition: number, offset: string): Promise<{ id: string; key: string; data: unknown }> {
    const { stdout } = await run(
      process.execPath,
      [HERALD, 'tail', QUICKSTART_TYPE, '--partition', String(partition), '--offset', offset, '--limit', '1'],
      {
        env: {
          ...process.env,
          KAFKA_BROKERS: this.brokers,
          SCHEMA_REGISTRY_URL: this.registry.url,
        },
      },
    );
    return JSON.parse(stdout) as { id: string; key: string; data: unknown };
  }

  async stop(): Promise<void> {
    const gateway = this.gateway;
    if (gateway.exitCode === null && gateway.signalCode === null) {
      await new Promise((resolve) => {
        gateway.once('exit', resolve);
        gateway.kill('SIGTERM');
      });
    }
    await this.registry.stop();
    await dropTestDatabase(this.database);
    await this.kafka.remove();
  }
}

/** What `herald schemas push` does for the one type: its versions in order, its topic. */
async function provision(registryUrl: string, brokers: readonly string[]): Promise<void> {
  const catalog = await loadCatalog(SCHEMAS_DIR);
  const definition = catalog.eventTypes.find((t) => t.type === QUICKSTART_TYPE);
  if (definition === undefined) throw new Error(`${QUICKSTART_TYPE} is not in ${SCHEMAS_DIR}`);
  const registry = new RegistryClient({ url: registryUrl });
  for (const version of definition.versions) await registry.register(definition.subject, version.schema);
  const admin = new Kafka({ brokers: [...brokers], logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    await admin.createTopics({
      waitForLeaders: true,
      topics: [{ topic: definition.topic, numPartitions: definition.metadata.partitions }],
    });
  } finally {
    await admin.disconnect();
  }
}

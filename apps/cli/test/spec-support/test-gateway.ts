/**
 * A gateway for `herald publish` tests, started as a user starts it (`node dist/apps/gateway/src/main.js`):
 * its own registry, a uniquely named copy of payments.payment.received (v1, v2) and its topic,
 * a throw-away database with one API key. A trimmed copy of the gateway's own test harness:
 * apps never import other apps, their test support included.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ApiKeyStore,
  GATEWAY_SCHEMA,
  apiKeyMigrationsBesideGateway,
  type ApiKeysDatabase,
} from '@app/api-keys';
import { projectRoot } from '@app/config';
import { createDatabase, ensureDatabase, migrateSchema } from '@app/persistence';
import { RegistryClient } from '@app/registry-client';
import type { AvroSchemaJson } from '@app/schema';
import {
  databaseUrlFor,
  dropTestDatabase,
  freePort,
  startTestRegistry,
  testBrokers,
  testKafka,
  uniqueIdentifier,
  waitFor,
  type TestRegistry,
} from '@app/testing';

const MAIN = join(projectRoot(), 'dist', 'apps', 'gateway', 'src', 'main.js');
const SOURCE_TYPE = 'payments.payment.received';

export interface TestGateway {
  readonly url: string;
  readonly apiKey: string;
  /** The unique copy of payments.payment.received, also its topic. */
  readonly type: string;
  readonly registry: TestRegistry;
  close(): Promise<void>;
}

async function provision(registry: TestRegistry, catalogDir: string, type: string): Promise<void> {
  const [domain] = type.split('.');
  const client = new RegistryClient({ url: registry.url });
  for (const version of [1, 2]) {
    const file = join(catalogDir, domain as string, type, `v${version}.avsc`);
    await client.register(`${type}-value`, JSON.parse(await readFile(file, 'utf8')) as AvroSchemaJson);
  }
  const admin = testKafka().admin();
  await admin.connect();
  try {
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic: type, numPartitions: 3 }] });
  } finally {
    await admin.disconnect();
  }
}

export async function startTestGateway(): Promise<TestGateway> {
  const domain = `c${uniqueIdentifier('').replace(/[^a-z0-9]/g, '')}`;
  const type = `${domain}.payment.received`;
  const catalogDir = await mkdtemp(join(tmpdir(), 'herald-cli-catalog-'));
  await cp(join(projectRoot(), 'schemas', 'payments', SOURCE_TYPE), join(catalogDir, domain, type), {
    recursive: true,
  });
  const registry = await startTestRegistry();
  await provision(registry, catalogDir, type);
  const database = uniqueIdentifier('herald_cli_gw');
  const databaseUrl = databaseUrlFor(database);
  await ensureDatabase(databaseUrl);
  const db = createDatabase<ApiKeysDatabase>({ url: databaseUrl, schema: GATEWAY_SCHEMA });
  await migrateSchema(db, GATEWAY_SCHEMA, await apiKeyMigrationsBesideGateway(db));
  const { secret } = await new ApiKeyStore(db).create({ producer: 'cli-test', patterns: [`${domain}.*`] });
  await db.destroy();
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, [MAIN], {
    env: {
      ...process.env,
      GATEWAY_PORT: String(port),
      KAFKA_BROKERS: testBrokers().join(','),
      DATABASE_URL: databaseUrl,
      SCHEMA_REGISTRY_URL: registry.url,
      SCHEMAS_DIR: catalogDir,
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  await waitFor(
    () => {
      if (child.exitCode !== null) throw new Error(`the gateway exited with code ${child.exitCode}`);
      return fetch(`${url}/health/ready`).then(
        (r) => r.ok,
        () => false,
      );
    },
    { timeoutMs: 60_000, intervalMs: 200, description: 'the gateway to become ready' },
  );
  const close = async (): Promise<void> => {
    await new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
    await registry.stop();
    await dropTestDatabase(database);
    await rm(catalogDir, { recursive: true, force: true });
  };
  return { url, apiKey: secret, type, registry, close };
}

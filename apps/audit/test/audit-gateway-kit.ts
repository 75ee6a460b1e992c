/**
 * A real gateway in front of audit's end-to-end tests, started as a user starts it
 * (`node dist/apps/gateway/src/main.js`): its own schema registry, a catalog holding one
 * uniquely named event type with the schema under test, that type's topic, and a throw-away
 * database with one API key. A trimmed copy of the gateway's own test harness: apps never
 * import other apps, their test support included.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
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
  testBrokers,
  testKafka,
  uniqueIdentifier,
  waitFor,
} from '@app/testing';

const MAIN = join(projectRoot(), 'dist', 'apps', 'gateway', 'src', 'main.js');

export interface TestGatewayType {
  /** `<unique domain>.<entity>.<verb>`: the event type, also its topic. */
  readonly entityVerb: string;
  readonly schema: AvroSchemaJson;
  /** event.yaml's partition key and tenant fields. */
  readonly keyField: string;
  readonly tenantField: string;
}

export interface TestGateway {
  readonly url: string;
  readonly type: string;
  readonly schemaId: number;
  publish(event: Record<string, unknown>): Promise<Response>;
  /** Stops the gateway, drops its database, deletes the topic and the catalog. */
  close(): Promise<void>;
}

async function writeCatalog(catalogDir: string, type: string, spec: TestGatewayType): Promise<void> {
  const [domain] = type.split('.');
  const dir = join(catalogDir, domain!, type);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'v1.avsc'), JSON.stringify(spec.schema, null, 2));
  await writeFile(
    join(dir, 'event.yaml'),
    [
      'description: Audit end-to-end test events.',
      'owner: audit-tests',
      `key: ${spec.keyField}`,
      `tenant: ${spec.tenantField}`,
      'partitions: 3',
      'retention: 1d',
      '',
    ].join('\n'),
  );
}

async function createTopic(topic: string): Promise<void> {
  const admin = testKafka().admin();
  await admin.connect();
  try {
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 3 }] });
  } finally {
    await admin.disconnect();
  }
}

async function deleteTopic(topic: string): Promise<void> {
  const admin = testKafka().admin();
  await admin.connect();
  await admin.deleteTopics({ topics: [topic] }).finally(() => admin.disconnect());
}

export async function startTestGateway(registryUrl: string, spec: TestGatewayType): Promise<TestGateway> {
  const domain = `a${uniqueIdentifier('').replace(/[^a-z0-9]/g, '')}`;
  const type = `${domain}.${spec.entityVerb}`;
  const catalogDir = await mkdtemp(join(tmpdir(), 'herald-audit-catalog-'));
  await writeCatalog(catalogDir, type, spec);
  const schemaId = await new RegistryClient({ url: registryUrl }).register(`${type}-value`, spec.schema);
  await createTopic(type);
  const database = uniqueIdentifier('herald_audit_gw');
  const databaseUrl = databaseUrlFor(database);
  await ensureDatabase(databaseUrl);
  const db = createDatabase<ApiKeysDatabase>({ url: databaseUrl, schema: GATEWAY_SCHEMA });
  await migrateSchema(db, GATEWAY_SCHEMA, await apiKeyMigrationsBesideGateway(db));
  const { secret } = await new ApiKeyStore(db).create({ producer: 'audit-e2e', patterns: [`${domain}.*`] });
  await db.destroy();
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, [MAIN], {
    env: {
      ...process.env,
      GATEWAY_PORT: String(port),
      KAFKA_BROKERS: testBrokers().join(','),
      DATABASE_URL: databaseUrl,
      SCHEMA_REGISTRY_URL: registryUrl,
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
  const publish = (event: Record<string, unknown>): Promise<Response> =>
    fetch(`${url}/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}` },
      body: JSON.stringify({ type, ...event }),
    });
  const close = async (): Promise<void> => {
    await new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
    await dropTestDatabase(database);
    await deleteTopic(type);
    await rm(catalogDir, { recursive: true, force: true });
  };
  return { url, type, schemaId, publish, close };
}

/**
 * A gateway provisioned for benchmarks the way a user runs it: its own schema registry process
 * (unique `_schemas` topic), a catalog holding a uniquely named copy of
 * `payments.payment.received`, both registry versions, the event topic, a throw-away database
 * with one API key, and the built gateway (`dist/apps/gateway/src/main.js`) as its own process.
 * `close()` stops the processes, drops the database and the catalog, and deletes the stack's topics
 * (its event topic, its registry's `_schemas` topic and any `ownTopic`): a broker left holding
 * every past run's topics and gigabytes of their records has longer young-GC pauses, which
 * showed up in the latency benchmark's tail (p99 ~25 ms on a broker after a day of runs, ~10 ms
 * on a fresh one, same build).
 * Bench code is built without libs/testing, so the few helpers it needs live here.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { Client } from 'pg';
import {
  ApiKeyStore,
  GATEWAY_SCHEMA,
  apiKeyMigrationsBesideGateway,
  type ApiKeysDatabase,
} from '@app/api-keys';
import { createDatabase, ensureDatabase, migrateSchema } from '@app/persistence';
import { RegistryClient } from '@app/registry-client';
import type { AvroSchemaJson } from '@app/schema';

export const ROOT = join(__dirname, '..', '..', '..');
const SOURCE_TYPE = ['payments', 'payments.payment.received'] as const;

export interface GatewayStackOptions {
  readonly brokers: readonly string[];
  readonly partitions: number;
  /** Extra node flags for the gateway process, e.g. `--cpu-prof --cpu-prof-dir=/tmp/p`. */
  readonly gatewayNodeArgs?: readonly string[];
  /** GATEWAY_WORKERS: the gateway's worker processes (default 1). */
  readonly gatewayWorkers?: number;
}

export function uniqueSuffix(): string {
  return `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Bounded polling for a process's readiness URL; fails early when the process exits. */
export async function waitReady(url: string, child: ChildProcess, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${url}: the process exited with ${child.exitCode}`);
    const ok = await fetch(url).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${url} never became ready`);
}

/** SIGTERM (the apps drain and exit; a `--cpu-prof` profile is written on exit) and wait. */
export function stopProcess(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const killer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.once('exit', () => {
      clearTimeout(killer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

export function databaseUrl(name: string): string {
  const url = new URL(process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/herald');
  url.pathname = `/${name}`;
  return url.toString();
}

async function dropDatabase(name: string): Promise<void> {
  const client = new Client({ connectionString: databaseUrl('postgres') });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

export class GatewayStack {
  private readonly children: ChildProcess[] = [];
  private readonly cleanups: Array<() => Promise<unknown>> = [];
  private readonly topics: string[] = [];
  registryUrl = '';
  url = '';
  apiKey = '';
  schemaIdV2 = 0;
  schemaV2: AvroSchemaJson | undefined;
  readonly type: string;

  private constructor(
    private readonly options: GatewayStackOptions,
    readonly suffix = uniqueSuffix(),
  ) {
    this.type = `bench${suffix}.payment.received`;
  }

  static async start(options: GatewayStackOptions): Promise<GatewayStack> {
    const stack = new GatewayStack(options);
    try {
      await stack.startRegistry();
      const catalogDir = await stack.provisionCatalog();
      const database = await stack.provisionDatabase();
      await stack.startGateway(catalogDir, database);
      return stack;
    } catch (error) {
      await stack.close();
      throw error;
    }
  }

  get topic(): string {
    return this.type;
  }

  /** A topic the caller made for this stack, deleted with it. */
  ownTopic(topic: string): void {
    this.topics.push(topic);
  }

  /** Stops every process this stack started, deletes its topics, drops its database, removes its catalog. */
  async close(): Promise<void> {
    await Promise.all(this.children.map(stopProcess));
    await this.deleteTopics().catch((error: unknown) =>
      console.error(`could not delete the bench topics ${this.topics.join(', ')}:`, error),
    );
    for (const cleanup of this.cleanups.reverse()) await cleanup().catch(() => undefined);
  }

  private async deleteTopics(): Promise<void> {
    if (this.topics.length === 0) return;
    const admin = new Kafka({ brokers: [...this.options.brokers], logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    try {
      const existing = new Set(await admin.listTopics());
      const topics = this.topics.filter((t) => existing.has(t));
      if (topics.length > 0) await admin.deleteTopics({ topics, timeout: 30_000 });
    } finally {
      await admin.disconnect();
    }
  }

  private spawnNode(main: string, env: NodeJS.ProcessEnv, nodeArgs: readonly string[] = []): ChildProcess {
    const child = spawn(process.execPath, [...nodeArgs, main], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    this.children.push(child);
    return child;
  }

  private get registryTopic(): string {
    return `_schemas-bench-${this.suffix}`;
  }

  private async startRegistry(): Promise<void> {
    this.topics.push(this.registryTopic);
    const port = await freePort();
    const child = this.spawnNode(join(ROOT, 'dist', 'apps', 'schema-registry', 'src', 'main.js'), {
      REGISTRY_PORT: String(port),
      REGISTRY_TOPIC: this.registryTopic,
      KAFKA_BROKERS: this.options.brokers.join(','),
      LOG_LEVEL: 'warn',
    });
    this.registryUrl = `http://127.0.0.1:${port}`;
    await waitReady(`${this.registryUrl}/health/ready`, child);
  }

  /** What `herald schemas push` does for one type: a catalog copy, both versions, the topic. */
  private async provisionCatalog(): Promise<string> {
    const catalogDir = await mkdtemp(join(tmpdir(), 'herald-gateway-bench-'));
    this.cleanups.push(() => rm(catalogDir, { recursive: true, force: true }));
    const domain = this.type.split('.')[0]!;
    const typeDir = join(catalogDir, domain, this.type);
    await cp(join(ROOT, 'schemas', ...SOURCE_TYPE), typeDir, { recursive: true });
    const registry = new RegistryClient({ url: this.registryUrl });
    for (const version of [1, 2]) {
      const schema = JSON.parse(await readFile(join(typeDir, `v${version}.avsc`), 'utf8')) as AvroSchemaJson;
      const id = await registry.register(`${this.type}-value`, schema);
      if (version === 2) {
        this.schemaIdV2 = id;
        this.schemaV2 = schema;
      }
    }
    const admin = new Kafka({ brokers: [...this.options.brokers], logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    try {
      this.topics.push(this.type);
      await admin.createTopics({
        waitForLeaders: true,
        topics: [{ topic: this.type, numPartitions: this.options.partitions }],
      });
    } finally {
      await admin.disconnect();
    }
    return catalogDir;
  }

  private async provisionDatabase(): Promise<string> {
    const name = `herald_gw_bench_${this.suffix}`;
    const url = databaseUrl(name);
    await ensureDatabase(url);
    this.cleanups.push(() => dropDatabase(name));
    const db = createDatabase<ApiKeysDatabase>({ url, schema: GATEWAY_SCHEMA, maxConnections: 2 });
    try {
      await migrateSchema(db, GATEWAY_SCHEMA, await apiKeyMigrationsBesideGateway(db));
      const domain = this.type.split('.')[0]!;
      const { secret } = await new ApiKeyStore(db).create({
        producer: 'bench-service',
        patterns: [`${domain}.*`],
      });
      this.apiKey = secret;
    } finally {
      await db.destroy();
    }
    return url;
  }

  private async startGateway(catalogDir: string, database: string): Promise<void> {
    const port = await freePort();
    const child = this.spawnNode(
      join(ROOT, 'dist', 'apps', 'gateway', 'src', 'main.js'),
      {
        GATEWAY_PORT: String(port),
        KAFKA_BROKERS: this.options.brokers.join(','),
        DATABASE_URL: database,
        SCHEMA_REGISTRY_URL: this.registryUrl,
        SCHEMAS_DIR: catalogDir,
        LOG_LEVEL: 'warn',
        GATEWAY_RATE_LIMIT_PER_SECOND: '10000000',
        GATEWAY_WORKERS: String(this.options.gatewayWorkers ?? 1),
      },
      this.options.gatewayNodeArgs,
    );
    this.url = `http://127.0.0.1:${port}`;
    await waitReady(`${this.url}/health/ready`, child);
  }
}

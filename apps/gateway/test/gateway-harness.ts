/**
 * A gateway under test on real infrastructure: its own schema registry (unique `_schemas`
 * topic), a catalog of uniquely named copies of real event types (so topics never clash
 * between tests), their topics, a throw-away database with API keys, and the gateway app
 * started as a user starts it (`node dist/apps/gateway/src/main.js`).
 */
import { randomUUID } from 'node:crypto';
import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { Kafka, logLevel } from 'kafkajs';
import {
  apiKeyMigrationsBesideGateway,
  ApiKeyStore,
  GATEWAY_SCHEMA,
  type ApiKeysDatabase,
  type NewApiKey,
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
  uniqueIdentifier,
  waitFor,
  type TestRegistry,
} from '@app/testing';

const MAIN = join(projectRoot(), 'dist', 'apps', 'gateway', 'src', 'main.js');

/** A valid `payments.payment.received` v2 payment with a fresh payment id. */
export const payment = () => ({
  payment_id: randomUUID(),
  merchant_id: 'merchant-7',
  amount_minor: 990,
  currency: 'EUR',
  method: 'CARD',
  received_at: '2026-11-27T10:15:00Z',
});

export interface HarnessOptions {
  readonly brokers?: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
  readonly registry?: TestRegistry;
}

/** Copies a real catalog type under a unique domain: `payments.payment.received` → `<domain>.payment.received`. */
async function copyType(catalogDir: string, domain: string, source: string): Promise<string> {
  const [sourceDomain, entity, verb] = source.split('.');
  const type = `${domain}.${entity}.${verb}`;
  await cp(join(projectRoot(), 'schemas', sourceDomain!, source), join(catalogDir, domain, type), {
    recursive: true,
  });
  return type;
}

export class GatewayHarness {
  private constructor(
    private process: ChildProcess,
    private readonly env: NodeJS.ProcessEnv,
    readonly url: string,
    readonly registry: TestRegistry,
    readonly ownsRegistry: boolean,
    readonly brokers: readonly string[],
    readonly database: string,
    readonly catalogDir: string,
    readonly types: { readonly payment: string; readonly order: string },
    readonly apiKey: string,
    private readonly keys: ApiKeyStore,
    private readonly closeDb: () => Promise<void>,
  ) {}

  static async start(options: HarnessOptions = {}): Promise<GatewayHarness> {
    const brokers = options.brokers ?? testBrokers();
    const domain = `g${uniqueIdentifier('').replace(/[^a-z0-9]/g, '')}`;
    const catalogDir = await mkdtemp(join(tmpdir(), 'herald-gateway-catalog-'));
    const types = {
      payment: await copyType(catalogDir, domain, 'payments.payment.received'),
      order: await copyType(catalogDir, domain, 'orders.order.shipped'),
    };
    const registry = options.registry ?? (await startTestRegistry());
    await provision(registry.url, brokers, catalogDir, types);
    const database = uniqueIdentifier('herald_gw');
    const databaseUrl = databaseUrlFor(database);
    await ensureDatabase(databaseUrl);
    const db = createDatabase<ApiKeysDatabase>({ url: databaseUrl, schema: GATEWAY_SCHEMA });
    // As `herald keys create` does before a first gateway boot; the gateway adds its own tables.
    await migrateSchema(db, GATEWAY_SCHEMA, await apiKeyMigrationsBesideGateway(db));
    const keys = new ApiKeyStore(db);
    const { secret } = await keys.create({ producer: 'checkout-service', patterns: [`${domain}.*`] });
    const port = await freePort();
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      GATEWAY_PORT: String(port),
      KAFKA_BROKERS: brokers.join(','),
      DATABASE_URL: databaseUrl,
      SCHEMA_REGISTRY_URL: registry.url,
      SCHEMAS_DIR: catalogDir,
      LOG_LEVEL: 'warn',
      ...options.env,
    };
    const url = `http://127.0.0.1:${port}`;
    const harness = new GatewayHarness(
      spawnGateway(env),
      env,
      url,
      registry,
      !options.registry,
      brokers,
      database,
      catalogDir,
      types,
      secret,
      keys,
      () => db.destroy(),
    );
    await harness.waitReady();
    return harness;
  }

  /** Waits until the gateway serves (readiness may still say Kafka is down: that is the point of some tests). */
  async waitReady(): Promise<void> {
    await waitFor(
      () => {
        if (this.process.exitCode !== null)
          throw new Error(`the gateway exited with code ${this.process.exitCode}`);
        return fetch(`${this.url}/health/live`).then(
          (r) => r.ok,
          () => false,
        );
      },
      { timeoutMs: 60_000, intervalMs: 200, description: 'the gateway to serve' },
    );
  }

  /** The gateway's process (the primary, with GATEWAY_WORKERS > 1). */
  get pid(): number {
    return this.process.pid!;
  }

  /** How the process ended, once it has: its exit code, or null when a signal ended it. */
  get exitCode(): number | null {
    return this.process.exitCode;
  }

  /** Stops the gateway process (SIGTERM drains; SIGKILL is a crash). */
  stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const child = this.process;
    return new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill(signal);
    });
  }

  /** Starts the gateway again on the same port, database and registry. */
  async restart(): Promise<void> {
    await this.stop();
    this.process = spawnGateway(this.env);
    await this.waitReady();
  }

  createKey(input: NewApiKey): Promise<string> {
    return this.keys.create(input).then((created) => created.secret);
  }

  revokeKey(id: string): Promise<boolean> {
    return this.keys.revoke(id);
  }

  listKeys() {
    return this.keys.list();
  }

  post(path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
    return fetch(`${this.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${this.apiKey}`, ...headers },
      body: typeof body === 'string' || body instanceof Uint8Array ? body : JSON.stringify(body),
    });
  }

  async close(): Promise<void> {
    await this.stop();
    await this.closeDb();
    if (this.ownsRegistry) await this.registry.stop();
    await dropTestDatabase(this.database);
    await rm(this.catalogDir, { recursive: true, force: true });
  }
}

function spawnGateway(env: NodeJS.ProcessEnv): ChildProcess {
  return spawn(process.execPath, [MAIN], { env, stdio: ['ignore', 'ignore', 'inherit'] });
}

/** What `herald schemas push` does, for the two test types: registry versions in order, topics. */
async function provision(
  registryUrl: string,
  brokers: readonly string[],
  catalogDir: string,
  types: Record<string, string>,
): Promise<void> {
  const registry = new RegistryClient({ url: registryUrl });
  for (const type of Object.values(types)) {
    const [domain] = type.split('.');
    for (const version of [1, 2]) {
      const schema = JSON.parse(
        await readFile(join(catalogDir, domain!, type, `v${version}.avsc`), 'utf8'),
      ) as AvroSchemaJson;
      await registry.register(`${type}-value`, schema);
    }
  }
  const admin = new Kafka({ brokers: [...brokers], logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    await admin.createTopics({
      waitForLeaders: true,
      topics: Object.values(types).map((topic) => ({ topic, numPartitions: 3 })),
    });
  } finally {
    await admin.disconnect();
  }
}

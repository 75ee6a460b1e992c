/**
 * End-to-end pieces for the webhooks pipeline on real infrastructure: a catalog with a unique
 * event type (a copy of payments.payment.received under a fresh domain), its topic and schema
 * versions on the test broker and a test registry, the webhooks app in-process with a throw-away
 * database and its own group, events produced as the gateway writes them, and a loopback receiver
 * that records every request and answers what the test scripts.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Admin, Producer } from 'kafkajs';
import { RegistryClient } from '@app/registry-client';
import { AvroCodec, createAvroType, loadCatalog, type AvroSchemaJson, type Catalog } from '@app/schema';
import {
  databaseUrlFor,
  dropTestDatabase,
  freePort,
  startTestRegistry,
  testBrokers,
  testKafka,
  uniqueIdentifier,
  uniqueName,
  waitFor,
  type TestRegistry,
} from '@app/testing';
import { Client } from 'pg';
import { projectRoot } from '@app/config';

export const ADMIN_TOKEN = 'pipeline-admin-token-0123456789abcdef';
const MAIN = join(projectRoot(), 'dist', 'apps', 'webhooks', 'src', 'main.js');
const SOURCE = join(__dirname, '..', '..', '..', 'schemas', 'payments', 'payments.payment.received');

export interface ReceivedRequest {
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  readonly at: number;
}

/** An endpoint as the admin API answers it (the secret only on create). */
export interface EndpointBody {
  readonly id: string;
  readonly secret: string;
  readonly enabled: boolean;
  readonly disabledReason: string | null;
}

export interface ReceiverAnswer {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
}

/** A loopback HTTP receiver; `respond` decides each answer (default 204). */
export class Receiver {
  readonly requests: ReceivedRequest[] = [];
  respond: (request: ReceivedRequest, index: number) => ReceiverAnswer = () => ({ status: 204 });
  private server: Server | undefined;
  url = '';

  /** Listens on `port` (0: any free one), so a stopped receiver can come back on its old port. */
  async start(port = 0): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const request = {
          headers: req.headers,
          body: Buffer.concat(chunks).toString('utf8'),
          at: Date.now(),
        };
        this.requests.push(request);
        const answer = this.respond(request, this.requests.length - 1);
        res.writeHead(answer.status, answer.headers).end();
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hook`;
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
  }
}

export class WebhooksPipeline {
  readonly domain = `whk${uniqueName('').replace(/[^a-z0-9]/g, '')}`;
  readonly type = `${this.domain}.payment.received`;
  readonly groupId = uniqueName('webhooks-it');
  readonly database = uniqueIdentifier('herald_webhooks_it');
  readonly kafka = testKafka('webhooks-pipeline-test');
  readonly admin: Admin = this.kafka.admin();
  readonly producer: Producer = this.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  registry!: TestRegistry;
  client!: RegistryClient;
  catalog!: Catalog;
  child: ChildProcess | undefined;
  url = '';
  schemaIds: { v1: number; v2: number } = { v1: 0, v2: 0 };
  private catalogRoot = '';
  private readonly codec = new AvroCodec({ schemaById: (id) => this.client.schemaById(id) });
  private v2: AvroSchemaJson = {};

  async setUp(partitions = 3): Promise<void> {
    this.registry = await startTestRegistry();
    this.client = new RegistryClient({ url: this.registry.url });
    this.catalogRoot = await mkdtemp(join(tmpdir(), 'herald-webhooks-pipeline-'));
    await mkdir(join(this.catalogRoot, this.domain), { recursive: true });
    await cp(SOURCE, join(this.catalogRoot, this.domain, this.type), { recursive: true });
    this.catalog = await loadCatalog(this.catalogRoot);
    await Promise.all([this.admin.connect(), this.producer.connect()]);
    await this.admin.createTopics({
      topics: [{ topic: this.type, numPartitions: partitions }],
      waitForLeaders: true,
    });
    const v1 = JSON.parse(await readFile(join(SOURCE, 'v1.avsc'), 'utf8')) as AvroSchemaJson;
    this.v2 = JSON.parse(await readFile(join(SOURCE, 'v2.avsc'), 'utf8')) as AvroSchemaJson;
    this.schemaIds = {
      v1: await this.client.register(`${this.type}-value`, v1),
      v2: await this.client.register(`${this.type}-value`, this.v2),
    };
  }

  /** The built app, started as a user starts it (Jest cannot load the Swagger UI's ESM packages in-process). */
  async startApp(env: Record<string, string> = {}): Promise<void> {
    if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: build first (npm run build)`);
    const port = await freePort();
    const child = spawn(process.execPath, [MAIN], {
      env: {
        ...process.env,
        WEBHOOKS_PORT: String(port),
        SCHEMAS_DIR: this.catalogRoot,
        KAFKA_BROKERS: testBrokers().join(','),
        DATABASE_URL: databaseUrlFor(this.database),
        SCHEMA_REGISTRY_URL: this.registry.url,
        LOG_LEVEL: 'warn',
        WEBHOOKS_ADMIN_TOKEN: ADMIN_TOKEN,
        WEBHOOKS_ENCRYPTION_KEYS: `k1:${Buffer.alloc(32, 7).toString('base64')}`,
        WEBHOOKS_GROUP_ID: this.groupId,
        WEBHOOKS_TOPIC_PATTERN: `^${this.domain}\\.`,
        WEBHOOKS_ALLOWLIST: '127.0.0.0/8',
        WEBHOOKS_RETRY_SCHEDULE: '0,100ms,200ms,300ms',
        WEBHOOKS_TIMEOUT_MS: '5000',
        ...env,
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    this.child = child;
    this.url = `http://127.0.0.1:${port}`;
    const outcome = await waitFor(
      async () => {
        if (child.exitCode !== null) return 'exited';
        return (await fetch(`${this.url}/health/ready`).catch(() => undefined))?.status === 200 && 'ready';
      },
      { timeoutMs: 60_000, intervalMs: 200, description: 'the webhooks app to become ready' },
    );
    if (outcome === 'exited') throw new Error(`the webhooks app exited with code ${child.exitCode}`);
  }

  /** SIGTERM and wait; or SIGKILL (no shutdown at all) with `kill`. */
  async stopApp(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill(signal);
    });
  }

  async tearDown(): Promise<void> {
    await this.stopApp();
    await this.admin.deleteTopics({ topics: [this.type] }).catch(() => undefined);
    await Promise.allSettled([this.producer.disconnect(), this.admin.disconnect()]);
    await this.registry?.stop();
    await dropTestDatabase(this.database).catch(() => undefined);
    await rm(this.catalogRoot, { recursive: true, force: true });
  }

  /** The admin API, authenticated; `T` is the answer's shape (an endpoint unless said otherwise). */
  async api<T = EndpointBody>(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: T }> {
    const response = await fetch(`${this.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${ADMIN_TOKEN}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: (text === '' ? undefined : JSON.parse(text)) as T };
  }

  /**
   * The fan-out sees a new endpoint within the directory's refresh (a notification, or 2 s at
   * most): probe events (merchant `probe`) are produced until each receiver got one. Tests count
   * only the events they produce afterwards.
   */
  async untilDelivering(receivers: readonly Receiver[]): Promise<void> {
    await waitFor(
      async () => {
        if (receivers.every((r) => r.requests.length > 0)) return true;
        await this.produce(1, 'probe');
        return false;
      },
      { timeoutMs: 30_000, intervalMs: 300, description: 'every new endpoint to receive a probe event' },
    );
  }

  /** Like untilDelivering, for one receiver and probes of one tenant (merchant). */
  async untilDeliveringTo(receiver: Receiver, merchant: string): Promise<void> {
    await waitFor(
      async () => {
        if (receiver.requests.length > 0) return true;
        await this.produce(1, merchant);
        return false;
      },
      { timeoutMs: 30_000, intervalMs: 300, description: 'the new endpoint to receive a probe event' },
    );
  }

  async delivery(
    eventId: string,
    endpointId: string,
  ): Promise<{ status: string; attempts: number } | undefined> {
    const rows = await this.query<{ status: string; attempts: number }>(
      'SELECT status, attempts FROM webhooks.deliveries WHERE event_id = $1 AND endpoint_id = $2',
      [eventId, endpointId],
    );
    return rows[0];
  }

  async attemptOutcomes(eventId: string, endpointId: string): Promise<string[]> {
    const rows = await this.query<{ outcome: string }>(
      `SELECT a.outcome FROM webhooks.attempts a JOIN webhooks.deliveries d ON d.id = a.delivery_id
       WHERE d.event_id = $1 AND d.endpoint_id = $2 ORDER BY a.id`,
      [eventId, endpointId],
    );
    return rows.map((r) => r.outcome);
  }

  /** A query on the app's database. */
  async query<T extends object>(text: string, values: unknown[] = []): Promise<T[]> {
    const client = new Client({ connectionString: databaseUrlFor(this.database) });
    await client.connect();
    try {
      return (await client.query<T>(text, values)).rows;
    } finally {
      await client.end();
    }
  }

  /** Produces v2 payments as the gateway writes them; returns their event ids in order. */
  async produce(count: number, merchant = 'm-1', from = 0): Promise<string[]> {
    const type = createAvroType(this.v2);
    const ids: string[] = [];
    const messages = Array.from({ length: count }, (_, i) => {
      const id = randomUUID();
      ids.push(id);
      const value = this.codec.encode(this.schemaIds.v2, type, {
        payment_id: randomUUID(),
        merchant_id: merchant,
        amount_minor: BigInt(100 + from + i),
        currency: 'EUR',
        method: 'DIRECT_DEBIT',
        customer_id: null,
        processor_reference: null,
        received_at: 1_700_000_000_000n,
        fee_minor: { long: 7n },
        card: null,
      });
      return {
        key: `k-${from + i}`,
        value,
        headers: {
          ce_specversion: '1.0',
          ce_id: id,
          ce_type: this.type,
          ce_source: 'pipeline-test',
          ce_time: new Date().toISOString(),
          'content-type': 'application/avro',
          traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
        },
      };
    });
    for (let i = 0; i < messages.length; i += 500) {
      await this.producer.send({ topic: this.type, acks: -1, messages: messages.slice(i, i + 500) });
    }
    return ids;
  }
}

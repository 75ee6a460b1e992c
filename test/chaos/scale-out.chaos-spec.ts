/**
 * Scale-out on a cluster of three brokers (RF 3, min.insync.replicas 2; a private one, so a running
 * platform is not disturbed): two instances of every app (registry, gateway, webhooks, analytics,
 * audit) on one database and one consumer group per app, started as users start them. Events go
 * to both gateways with client ids, the way the SDK sends them; mid-stream one instance of each app
 * stops (the gateway and the registry gracefully, the consumer apps with SIGKILL) and the
 * publisher retries what failed on the surviving gateway. Then every promise is counted:
 * Kafka holds each event once (gateway idempotency across instances), audit has one row per
 * event, analytics counts each event once, webhooks record one delivery per (event, endpoint)
 * and the receiver saw every event, and the surviving registry takes writes.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { Client } from 'pg';
import { projectRoot } from '@app/config';
import {
  databaseUrlFor,
  dropTestDatabase,
  freePort,
  startPrivateKafka,
  uniqueIdentifier,
  uniqueName,
  waitFor,
  type PrivateKafka,
} from '@app/testing';

jest.setTimeout(420_000);

const ROOT = projectRoot();
const HERALD = join(ROOT, 'bin', 'herald.js');
const TYPE = 'payments.payment.received';
const EVENTS = 3_000;
const BATCH = 50;
const REGISTRY_TOKEN = 'scale-registry-token-0123456789abcdef';
const ADMIN_TOKEN = 'scale-admin-token-0123456789abcdef';
const ENCRYPTION_KEYS = `k1:${Buffer.alloc(32, 7).toString('base64')}`;

interface App {
  readonly name: string;
  readonly url: string;
  readonly child: ChildProcess;
  /** The last lines it wrote to stderr, for a failure's message. */
  readonly stderr: () => string;
}

function startApp(name: string, portVar: string, port: number, env: NodeJS.ProcessEnv): App {
  const child = spawn(process.execPath, [join(ROOT, 'dist', 'apps', name, 'src', 'main.js')], {
    env: { ...process.env, LOG_LEVEL: 'warn', [portVar]: String(port), ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let tail = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    tail = (tail + chunk.toString('utf8')).slice(-4_000);
  });
  return { name, url: `http://127.0.0.1:${port}`, child, stderr: () => tail };
}

async function ready(app: App): Promise<App> {
  await waitFor(
    async () => {
      if (app.child.exitCode !== null) throw new Error(`${app.name} exited: ${app.stderr()}`);
      return (await fetch(`${app.url}/health/ready`).catch(() => undefined))?.status === 200;
    },
    { timeoutMs: 120_000, intervalMs: 250, description: `${app.name} on ${app.url} to become ready` },
  );
  return app;
}

function stop(app: App, signal: NodeJS.Signals): Promise<void> {
  const { child } = app;
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill(signal);
  });
}

function herald(
  args: string[],
  env: NodeJS.ProcessEnv,
): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [HERALD, ...args], {
    env: { ...process.env, NO_COLOR: '1', ...env },
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A webhook receiver that records each request's `webhook-id` and answers 204. */
class Receiver {
  readonly ids: string[] = [];
  private server: Server | undefined;
  url = '';

  async start(): Promise<this> {
    this.server = createServer((request, response) => {
      request.resume();
      request.on('end', () => {
        this.ids.push(String(request.headers['webhook-id']));
        response.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hook`;
    return this;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

interface BatchAnswer {
  results: Array<{ status: string; id?: string }>;
}

/**
 * Posts one batch with client ids to `gateways[first]`, and on a network error or a 5xx to the
 * others in turn (same ids: the gateways make the retry a duplicate, not a second event), until
 * one accepts every event of it.
 */
async function publish(
  gateways: readonly App[],
  first: number,
  events: unknown[],
  key: string,
): Promise<number> {
  let tries = 0;
  for (;;) {
    const gateway = gateways[(first + tries) % gateways.length] as App;
    tries++;
    const response = await fetch(`${gateway.url}/v1/events/batch`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ events }),
    }).catch(() => undefined);
    if (response !== undefined && response.status < 500) {
      const body = (await response.json()) as BatchAnswer;
      if (response.status !== 200)
        throw new Error(`batch answered ${response.status}: ${JSON.stringify(body)}`);
      const refused = body.results.filter((r) => r.status !== 'accepted');
      if (refused.length > 0) throw new Error(`events refused: ${JSON.stringify(refused.slice(0, 3))}`);
      return tries;
    }
    if (tries > 40) throw new Error(`no gateway accepted a batch after ${tries} tries`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** herald_consumer_events_processed_total of TYPE's topic, from an app's /metrics. */
async function processed(app: App): Promise<number> {
  const text = await (await fetch(`${app.url}/metrics`)).text();
  return text
    .split('\n')
    .filter(
      (line) =>
        line.startsWith('herald_consumer_events_processed_total{') && line.includes(`topic="${TYPE}"`),
    )
    .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
}

const payment = (id: string) => ({
  type: TYPE,
  id,
  data: {
    payment_id: id,
    merchant_id: `merchant-${id.charCodeAt(0) % 7}`,
    amount_minor: 990,
    currency: 'EUR',
    method: 'CARD',
    received_at: new Date().toISOString(),
  },
});

describe('two instances of every app on a 3-broker cluster', () => {
  const database = uniqueIdentifier('herald_scale');
  const databaseUrl = databaseUrlFor(database);
  const apps: App[] = [];
  const receiver = new Receiver();
  let privateKafka: PrivateKafka;
  let admin: Admin;

  beforeAll(async () => {
    const db = new Client({ connectionString: databaseUrlFor('postgres') });
    await db.connect();
    await db.query(`CREATE DATABASE "${database}"`);
    await db.end();
    privateKafka = await startPrivateKafka({ nodes: 3, heapMb: 384 });
    admin = new Kafka({
      clientId: 'herald-scale-test',
      brokers: [...privateKafka.cluster.brokers],
      logLevel: logLevel.NOTHING,
    }).admin();
    await admin.connect();
    await receiver.start();
  });

  afterAll(async () => {
    await Promise.all(apps.map((app) => stop(app, 'SIGKILL')));
    await receiver.stop();
    await admin?.disconnect();
    await privateKafka?.remove();
    await dropTestDatabase(database);
  });

  it('shares the work, and stopping one instance of each mid-stream loses nothing and doubles nothing', async () => {
    const brokers = privateKafka.cluster.brokers.join(',');
    const registryTopic = uniqueName('_schemas-scale');
    const base = { KAFKA_BROKERS: brokers, DATABASE_URL: databaseUrl };
    const start = async (name: string, portVar: string, env: NodeJS.ProcessEnv) => {
      const app = startApp(name, portVar, await freePort(), { ...base, ...env });
      apps.push(app);
      return app;
    };

    // Registries: B starts first, so it is the likelier leader; every app and the CLI talk to A,
    // which forwards writes to whichever leads.
    const registryEnv = { REGISTRY_TOPIC: registryTopic, REGISTRY_WRITE_TOKEN: REGISTRY_TOKEN };
    const registryB = await ready(await start('schema-registry', 'REGISTRY_PORT', registryEnv));
    const registryA = await ready(await start('schema-registry', 'REGISTRY_PORT', registryEnv));
    const cliEnv = {
      KAFKA_BROKERS: brokers,
      REGISTRY_WRITE_TOKEN: REGISTRY_TOKEN,
      DATABASE_URL: databaseUrl,
    };
    const pushed = herald(['schemas', 'push', '--registry', registryA.url], cliEnv);
    expect([pushed.status, pushed.stderr]).toEqual([0, '']);
    const [topic] = (await admin.fetchTopicMetadata({ topics: [TYPE] })).topics;
    expect(new Set(topic?.partitions.map((p) => p.replicas.length))).toEqual(new Set([3]));

    const appEnv = { SCHEMA_REGISTRY_URL: registryA.url };
    const webhooksEnv = {
      ...appEnv,
      WEBHOOKS_GROUP_ID: uniqueName('webhooks-scale'),
      WEBHOOKS_ADMIN_TOKEN: ADMIN_TOKEN,
      WEBHOOKS_ENCRYPTION_KEYS: ENCRYPTION_KEYS,
      WEBHOOKS_ALLOWLIST: '127.0.0.1',
    };
    // The broker's shortest session: a killed instance's partitions move within 6 s, not 30.
    const analyticsEnv = {
      ...appEnv,
      ANALYTICS_GROUP_ID: uniqueName('analytics-scale'),
      ANALYTICS_SESSION_TIMEOUT_MS: '6000',
    };
    const auditEnv = {
      ...appEnv,
      AUDIT_GROUP_ID: uniqueName('audit-scale'),
      AUDIT_SESSION_TIMEOUT_MS: '6000',
    };
    // One instance of each first (each creates its schema), the endpoint, then the second ones.
    const first = await Promise.all([
      start('gateway', 'GATEWAY_PORT', appEnv),
      start('webhooks', 'WEBHOOKS_PORT', webhooksEnv),
      start('analytics', 'ANALYTICS_PORT', analyticsEnv),
      start('audit', 'AUDIT_PORT', auditEnv),
    ]);
    await Promise.all(first.map(ready));
    const [gatewayA, webhooksA] = first;
    const endpoint = await fetch(`${webhooksA.url}/v1/endpoints`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ url: receiver.url, types: [TYPE] }),
    });
    expect(endpoint.status).toBe(201);
    const endpointsLoadedAt = Date.now();
    const second = await Promise.all([
      start('gateway', 'GATEWAY_PORT', appEnv),
      start('webhooks', 'WEBHOOKS_PORT', webhooksEnv),
      start('analytics', 'ANALYTICS_PORT', analyticsEnv),
      start('audit', 'AUDIT_PORT', auditEnv),
    ]);
    await Promise.all(second.map(ready));
    const [gatewayB, webhooksB, analyticsB, auditB] = second;
    // B loaded the endpoint directory at boot; A reloads it on the change's notification, and at
    // the latest after its 2 s refresh (endpoint-directory.postgres.ts): let that bound pass.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, endpointsLoadedAt + 2_500 - Date.now())));

    const created = herald(['keys', 'create', '--producer', 'scale-test', '--types', '*', '--json'], cliEnv);
    expect([created.status, created.stderr]).toEqual([0, '']);
    const { key } = JSON.parse(created.stdout) as { key: string };

    // Publish: batches alternate between the gateways; after 40% one instance of each app stops.
    const ids = Array.from({ length: EVENTS }, () => randomUUID());
    const gateways = [gatewayA, gatewayB];
    let retried = 0;
    const batches = EVENTS / BATCH;
    for (let b = 0; b < batches; b++) {
      if (b === Math.floor(batches * 0.4)) {
        // Work is shared: each consumer app's two instances both hold partitions of the topic.
        for (const app of apps.filter((a) => ['webhooks', 'analytics', 'audit'].includes(a.name))) {
          await waitFor(async () => (await processed(app)) > 0, {
            timeoutMs: 60_000,
            intervalMs: 250,
            description: `${app.name} on ${app.url} to process events of ${TYPE}`,
          });
        }
        // In flight: the next batches go on while these stop.
        void Promise.all([
          stop(gatewayB, 'SIGTERM'),
          stop(registryB, 'SIGTERM'),
          stop(webhooksB, 'SIGKILL'),
          stop(analyticsB, 'SIGKILL'),
          stop(auditB, 'SIGKILL'),
        ]);
      }
      const events = ids.slice(b * BATCH, (b + 1) * BATCH).map(payment);
      retried += (await publish(gateways, b % 2, events, key)) - 1;
    }
    expect(gatewayB.child.exitCode ?? gatewayB.child.signalCode).not.toBeNull();

    const publishedAt = Date.now();
    // Kafka holds each event once: retries on the other instance were duplicates, not new events.
    const offsets = await admin.fetchTopicOffsets(TYPE);
    const records = offsets.reduce((sum, p) => sum + Number(p.high) - Number(p.low), 0);
    expect({ records, retried: retried >= 0 }).toEqual({ records: EVENTS, retried: true });

    const db = new Client({ connectionString: databaseUrl });
    await db.connect();
    const count = async (query: string): Promise<number> =>
      Number(((await db.query<{ n: string }>(query)).rows[0] as { n: string }).n);
    try {
      // Audit: one row per event.
      await waitFor(
        async () =>
          (await count(`SELECT count(*)::text AS n FROM audit.audit_events WHERE type = '${TYPE}'`)) >=
          EVENTS,
        { timeoutMs: 180_000, intervalMs: 500, description: 'audit to store every event' },
      );
      // Analytics: each event counted once (a killed instance's uncommitted batch is recounted by the other).
      await waitFor(
        async () =>
          (await count(
            `SELECT coalesce(sum(count), 0)::text AS n FROM analytics.event_counts WHERE type = '${TYPE}'`,
          )) >= EVENTS,
        { timeoutMs: 180_000, intervalMs: 500, description: 'analytics to count every event' },
      );
      // Webhooks: every event reached the receiver; deliveries are recorded once per (event, endpoint).
      await waitFor(() => new Set(receiver.ids).size >= EVENTS, {
        timeoutMs: 180_000,
        intervalMs: 500,
        description: 'the receiver to get every event',
      });
      await waitFor(
        async () =>
          (await count(`SELECT count(*)::text AS n FROM webhooks.deliveries WHERE status = 'delivered'`)) >=
          EVENTS,
        { timeoutMs: 60_000, intervalMs: 500, description: 'every delivery to be recorded as delivered' },
      );
      // Settle, then count exactly: nothing more arrives after the counts were reached.
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      expect({
        audit: await count(`SELECT count(*)::text AS n FROM audit.audit_events WHERE type = '${TYPE}'`),
        auditDistinct: await count(
          `SELECT count(DISTINCT event_id)::text AS n FROM audit.audit_events WHERE type = '${TYPE}'`,
        ),
        analytics: await count(
          `SELECT coalesce(sum(count), 0)::text AS n FROM analytics.event_counts WHERE type = '${TYPE}'`,
        ),
        deliveries: await count(`SELECT count(*)::text AS n FROM webhooks.deliveries`),
        deliveredEvents: await count(`SELECT count(DISTINCT event_id)::text AS n FROM webhooks.deliveries`),
        received: new Set(receiver.ids).size,
        receivedOurs: ids.filter((id) => new Set(receiver.ids).has(id)).length,
      }).toEqual({
        audit: EVENTS,
        auditDistinct: EVENTS,
        analytics: EVENTS,
        deliveries: EVENTS,
        deliveredEvents: EVENTS,
        received: EVENTS,
        receivedOurs: EVENTS,
      });
      // The run's figures, for docs/reliability.md.
      console.log(
        `scale-out: ${EVENTS} events, ${retried} batch retries on the surviving gateway, every count exact ` +
          `${((Date.now() - publishedAt) / 1000).toFixed(1)} s after the last publish`,
      );
    } finally {
      await db.end();
    }

    // The surviving registry leads now (or already did) and takes a write.
    // (An election after B's exit takes up to a session timeout: 503 until then.)
    const written = await waitFor(
      async () => {
        const response = await fetch(`${registryA.url}/config/${TYPE}-value`, {
          method: 'PUT',
          headers: {
            authorization: `Bearer ${REGISTRY_TOKEN}`,
            'content-type': 'application/vnd.schemaregistry.v1+json',
          },
          body: JSON.stringify({ compatibility: 'FULL' }),
        });
        return response.status === 503 ? undefined : response.status;
      },
      { timeoutMs: 60_000, intervalMs: 500, description: 'the surviving registry to take a write' },
    );
    expect(written).toBe(200);
    const level = await fetch(`${registryA.url}/config/${TYPE}-value`).then((r) => r.json());
    expect(level).toEqual({ compatibilityLevel: 'FULL' });
  });
});

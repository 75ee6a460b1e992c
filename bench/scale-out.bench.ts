/**
 * `npm run bench:scale-out`: how throughput grows from one to two instances of the gateway and of
 * each consumer app (audit, analytics, webhooks), on a private cluster of three brokers (RF 3,
 * min.insync.replicas 2), every app started as a user starts it (`node dist/apps/<app>/...`).
 *
 * - Gateway: closed loop of batches of 100 events with client ids (what the SDK sends), 16 in
 *   flight, for SECONDS; "1" sends every batch to one instance, "2" alternates between two.
 *   Rounds alternate 1, 2, 1, 2, ... Each instance runs one process (GATEWAY_WORKERS=1).
 * - Consumer apps: EVENTS events are published first; then per round a fresh database and consumer
 *   group, K instances started together, and the rate is the events processed from the first one
 *   processed until the last, over that time (the group's rebalance as the second joins included). Webhooks deliver
 *   each event to one loopback receiver that answers 204.
 *
 * The machine's cores are shared by the three brokers, PostgreSQL, the apps and this process, so
 * a second instance adds processes, not cores: the figures say what a second instance buys on
 * one small machine, not on a cluster of them. Results go to docs/benchmarks/scale-out.json.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { Client } from 'pg';
import { LocalKafkaCluster } from '@app/local-kafka';
import { ROOT, freePort, stopProcess, uniqueSuffix, waitReady } from './support/gateway-stack';

const TYPE = 'payments.payment.received';
const SECONDS = Number(process.env['SCALE_BENCH_SECONDS'] ?? 8);
const ROUNDS = Number(process.env['SCALE_BENCH_ROUNDS'] ?? 2);
const EVENTS = Number(process.env['SCALE_BENCH_EVENTS'] ?? 20_000);
const BATCH = 100;
/** 3 (RF 3, min ISR 2: the deployment this measures) or 1, to compare the gateway with one broker. */
const NODES = process.env['SCALE_BENCH_NODES'] === '1' ? 1 : 3;
/** `gateway` skips the consumer apps. */
const ONLY = process.env['SCALE_BENCH_ONLY'];
const IN_FLIGHT = 16;
const REGISTRY_TOKEN = 'scale-bench-registry-token-0123456789';
const ADMIN_TOKEN = 'scale-bench-admin-token-0123456789ab';
const ENCRYPTION_KEYS = `k1:${Buffer.alloc(32, 9).toString('base64')}`;

interface App {
  readonly url: string;
  readonly child: ChildProcess;
}

const children: ChildProcess[] = [];

async function startApp(name: string, portVar: string, env: NodeJS.ProcessEnv): Promise<App> {
  const port = await freePort();
  const child = spawn(process.execPath, [join(ROOT, 'dist', 'apps', name, 'src', 'main.js')], {
    env: { ...process.env, LOG_LEVEL: 'warn', [portVar]: String(port), ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  children.push(child);
  const url = `http://127.0.0.1:${port}`;
  await waitReady(`${url}/health/ready`, child, 180_000);
  return { url, child };
}

function herald(args: string[], env: NodeJS.ProcessEnv): string {
  const result = spawnSync(process.execPath, [join(ROOT, 'bin', 'herald.js'), ...args], {
    env: { ...process.env, NO_COLOR: '1', ...env },
    encoding: 'utf8',
    timeout: 180_000,
  });
  if (result.status !== 0) throw new Error(`herald ${args.join(' ')}: ${result.stderr}`);
  return result.stdout;
}

function databaseUrl(name: string): string {
  const url = new URL(process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/herald');
  url.pathname = `/${name}`;
  return url.toString();
}

async function adminQuery(sql: string): Promise<void> {
  const client = new Client({ connectionString: databaseUrl('postgres') });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

async function count(url: string, sql: string): Promise<number> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return Number(((await client.query<{ n: string }>(sql)).rows[0] as { n: string }).n);
  } catch (error) {
    if ((error as { code?: string }).code === '42P01') return 0; // the app has not migrated yet
    throw error;
  } finally {
    await client.end();
  }
}

const event = () => {
  const id = randomUUID();
  return {
    type: TYPE,
    id,
    data: {
      payment_id: id,
      merchant_id: 'merchant-7',
      amount_minor: 990,
      currency: 'EUR',
      method: 'CARD',
      received_at: new Date().toISOString(),
    },
  };
};

let unavailable = 0;

/** Posts a batch; a 503 (a dependency briefly out of reach on the loaded machine) is counted and retried. */
async function postBatch(gateway: App, key: string): Promise<number> {
  const events = Array.from({ length: BATCH }, event);
  for (;;) {
    const response = await fetch(`${gateway.url}/v1/events/batch`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ events }),
    });
    const body = (await response.json()) as { results?: Array<{ status: string }> };
    if (response.status === 503) {
      unavailable++;
      await new Promise((resolve) => setTimeout(resolve, 200));
      continue;
    }
    if (response.status !== 200 || body.results?.some((r) => r.status !== 'accepted')) {
      throw new Error(`batch answered ${response.status}: ${JSON.stringify(body).slice(0, 300)}`);
    }
    return events.length;
  }
}

/** Events/s of a closed loop of IN_FLIGHT batches over `gateways` for `seconds`. */
async function gatewayRate(gateways: readonly App[], key: string, seconds: number): Promise<number> {
  const started = performance.now();
  const deadline = started + seconds * 1_000;
  let accepted = 0;
  let next = 0;
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (performance.now() < deadline) {
        // Not `accepted += await ...`: that reads `accepted` before the await, losing the other loops' counts.
        const sent = await postBatch(gateways[next++ % gateways.length] as App, key);
        accepted += sent;
      }
    }),
  );
  return accepted / ((performance.now() - started) / 1_000);
}

interface ConsumerApp {
  readonly name: 'audit' | 'analytics' | 'webhooks';
  readonly portVar: string;
  readonly env: (group: string) => NodeJS.ProcessEnv;
  readonly done: string;
}

const CONSUMER_APPS: readonly ConsumerApp[] = [
  {
    name: 'audit',
    portVar: 'AUDIT_PORT',
    env: (group) => ({ AUDIT_GROUP_ID: group }),
    done: `SELECT count(*)::text AS n FROM audit.audit_events`,
  },
  {
    name: 'analytics',
    portVar: 'ANALYTICS_PORT',
    env: (group) => ({ ANALYTICS_GROUP_ID: group }),
    done: `SELECT coalesce(sum(count), 0)::text AS n FROM analytics.event_counts`,
  },
  {
    name: 'webhooks',
    portVar: 'WEBHOOKS_PORT',
    env: (group) => ({
      WEBHOOKS_GROUP_ID: group,
      WEBHOOKS_ADMIN_TOKEN: ADMIN_TOKEN,
      WEBHOOKS_ENCRYPTION_KEYS: ENCRYPTION_KEYS,
      WEBHOOKS_ALLOWLIST: '127.0.0.1',
    }),
    done: `SELECT count(*)::text AS n FROM webhooks.deliveries WHERE status = 'delivered'`,
  },
];

/** Events/s of `instances` instances of `app` reading the whole topic in a fresh group and database. */
async function consumerRate(
  app: ConsumerApp,
  instances: number,
  base: NodeJS.ProcessEnv,
  receiverUrl: string,
): Promise<number> {
  const database = `herald_scale_bench_${uniqueSuffix()}`;
  await adminQuery(`CREATE DATABASE "${database}"`);
  const url = databaseUrl(database);
  const group = `scale-bench-${app.name}-${uniqueSuffix()}`;
  const env = { ...base, DATABASE_URL: url, ...app.env(group) };
  const started: App[] = [];
  try {
    if (app.name === 'webhooks') {
      // The endpoint exists before any instance reads the topic: an instance of the same group
      // (a database serves one group) that reads no topic creates it, and stops.
      const setup = await startApp('webhooks', 'WEBHOOKS_PORT', {
        ...env,
        WEBHOOKS_TOPIC_PATTERN: '^none\\.none\\.none$',
      });
      const created = await fetch(`${setup.url}/v1/endpoints`, {
        method: 'POST',
        headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({ url: receiverUrl, types: [TYPE] }),
      });
      if (created.status !== 201) throw new Error(`endpoint: ${created.status} ${await created.text()}`);
      await stopProcess(setup.child);
    }
    // The instances boot together and join the group together (the rebalance is part of the
    // measure); the clock starts at the first event processed and stops at the last.
    started.push(
      ...(await Promise.all(Array.from({ length: instances }, () => startApp(app.name, app.portVar, env)))),
    );
    let first: { at: number; done: number } | undefined;
    const deadline = performance.now() + 600_000;
    for (;;) {
      const done = await count(url, app.done);
      const now = performance.now();
      if (first === undefined && done > 0) first = { at: now, done };
      if (done >= EVENTS && first !== undefined) {
        return now === first.at ? Number.NaN : (EVENTS - first.done) / ((now - first.at) / 1_000);
      }
      if (now > deadline) throw new Error(`${app.name}: ${done} of ${EVENTS} after 600 s`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  } finally {
    await Promise.all(started.map((s) => stopProcess(s.child)));
    await adminQuery(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
  }
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};

async function main(): Promise<void> {
  const stateDir = mkdtempSync(join(tmpdir(), 'herald-scale-bench-'));
  const low = 20_000 + Math.floor(Math.random() * 8_000);
  const cluster = new LocalKafkaCluster({
    nodes: NODES,
    ports: [low, low + 10, low + 20].slice(0, NODES),
    stateDir,
    heapMb: 512,
    log: () => undefined,
  });
  await cluster.start();
  const receiver = createHttpServer((request, response) => {
    request.resume();
    request.on('end', () => response.writeHead(204).end());
  });
  const receiverPort = await freePort();
  await new Promise<void>((resolve) => receiver.listen(receiverPort, '127.0.0.1', resolve));
  const gatewayDatabase = `herald_scale_bench_gw_${uniqueSuffix()}`;
  await adminQuery(`CREATE DATABASE "${gatewayDatabase}"`);
  try {
    const brokers = cluster.brokers.join(',');
    const registry = await startApp('schema-registry', 'REGISTRY_PORT', {
      KAFKA_BROKERS: brokers,
      REGISTRY_TOPIC: '_schemas',
      REGISTRY_WRITE_TOKEN: REGISTRY_TOKEN,
    });
    const cli = {
      KAFKA_BROKERS: brokers,
      REGISTRY_WRITE_TOKEN: REGISTRY_TOKEN,
      DATABASE_URL: databaseUrl(gatewayDatabase),
    };
    herald(['schemas', 'push', '--registry', registry.url], cli);
    const base = { KAFKA_BROKERS: brokers, SCHEMA_REGISTRY_URL: registry.url };
    const gatewayEnv = {
      ...base,
      DATABASE_URL: databaseUrl(gatewayDatabase),
      GATEWAY_WORKERS: '1',
      GATEWAY_RATE_LIMIT_PER_SECOND: '10000000',
    };
    const gateways = [await startApp('gateway', 'GATEWAY_PORT', gatewayEnv)];
    gateways.push(await startApp('gateway', 'GATEWAY_PORT', gatewayEnv));
    const { key } = JSON.parse(
      herald(['keys', 'create', '--producer', 'scale-bench', '--types', '*', '--json'], cli),
    ) as {
      key: string;
    };
    await gatewayRate(gateways, key, 2); // warm-up: JIT, connections, producer ids

    const gatewayRounds: Record<'1' | '2', number[]> = { '1': [], '2': [] };
    for (let round = 0; round < ROUNDS + 1; round++) {
      gatewayRounds['1'].push(await gatewayRate(gateways.slice(0, 1), key, SECONDS));
      gatewayRounds['2'].push(await gatewayRate(gateways, key, SECONDS));
      console.log(
        `gateway round ${round + 1}: 1 → ${gatewayRounds['1'].at(-1)?.toFixed(0)}/s, 2 → ${gatewayRounds['2'].at(-1)?.toFixed(0)}/s`,
      );
    }
    await Promise.all(gateways.map((g) => stopProcess(g.child)));

    // The consumer apps read a topic of exactly EVENTS events: a fresh copy of the type's topic is
    // not possible (the apps read by type), so the topic is recreated empty and refilled.
    const publisher = await startApp('gateway', 'GATEWAY_PORT', gatewayEnv);
    const admin = new Kafka({ brokers: [...cluster.brokers], logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [TYPE] });
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    herald(['schemas', 'push', '--registry', registry.url], cli);
    await admin.disconnect();
    for (let sent = 0; sent < EVENTS;) sent += await postBatch(publisher, key);
    await stopProcess(publisher.child);

    const consumers: Record<string, Record<'1' | '2', number[]>> = {};
    for (const app of ONLY === 'gateway' ? [] : CONSUMER_APPS) {
      consumers[app.name] = { '1': [], '2': [] };
      for (let round = 0; round < ROUNDS; round++) {
        for (const instances of [1, 2] as const) {
          const rate = await consumerRate(app, instances, base, `http://127.0.0.1:${receiverPort}/hook`);
          consumers[app.name]?.[String(instances) as '1' | '2'].push(rate);
          console.log(
            `${app.name} round ${round + 1}, ${instances} instance(s): ${rate.toFixed(0)} events/s`,
          );
        }
      }
    }

    const summary = (rounds: Record<'1' | '2', number[]>) => ({
      oneInstancePerSecond: Math.round(median(rounds['1'])),
      twoInstancesPerSecond: Math.round(median(rounds['2'])),
      growth: Number((median(rounds['2']) / median(rounds['1'])).toFixed(2)),
      rounds: { one: rounds['1'].map(Math.round), two: rounds['2'].map(Math.round) },
    });
    const results = {
      date: new Date().toISOString(),
      command: 'npm run bench:scale-out',
      machine: {
        cores: cpus().length,
        model: cpus()[0]?.model,
        loadAverage: loadavg().map((l) => Number(l.toFixed(2))),
      },
      cluster: NODES === 3 ? '3 local KRaft brokers, RF 3, min.insync.replicas 2' : '1 local KRaft broker',
      events: EVENTS,
      gatewayAnswers503: unavailable,
      gateway: { batch: BATCH, inFlight: IN_FLIGHT, seconds: SECONDS, ...summary(gatewayRounds) },
      consumers: Object.fromEntries(
        Object.entries(consumers).map(([name, rounds]) => [name, summary(rounds)]),
      ),
    };
    console.log(JSON.stringify(results, null, 2));
    // Only the full measure (3 brokers, every app) is the recorded result.
    if (NODES === 3 && ONLY === undefined) {
      writeFileSync(
        join(ROOT, 'docs', 'benchmarks', 'scale-out.json'),
        `${JSON.stringify(results, null, 2)}\n`,
      );
    }
  } finally {
    await Promise.all(children.map(stopProcess));
    receiver.close();
    await adminQuery(`DROP DATABASE IF EXISTS "${gatewayDatabase}" WITH (FORCE)`).catch(() => undefined);
    await cluster.reset();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});

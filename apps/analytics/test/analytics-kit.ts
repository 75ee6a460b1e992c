/**
 * End-to-end helpers for the analytics tests: the built app started as a user starts it
 * (`node dist/apps/analytics/src/main.js`), killed with SIGKILL or stopped; a family of event
 * types of the test's own (a domain no other test uses, so ANALYTICS_TOPIC_PATTERN keeps the app
 * off the shared broker's other topics) with a v1 and a v2 schema, produced as the gateway writes
 * events; a metrics file in a temporary folder; and the API read back.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Admin, Message, Producer } from 'kafkajs';
import { Client } from 'pg';
import { projectRoot } from '@app/config';
import { RegistryClient } from '@app/registry-client';
import { AvroCodec, createAvroType } from '@app/schema';
import { freePort, testBrokers, testKafka, uniqueName, waitFor } from '@app/testing';

const MAIN = join(projectRoot(), 'dist', 'apps', 'analytics', 'src', 'main.js');

export const PAYMENT_V1 = {
  type: 'record',
  name: 'Paid',
  namespace: 'test',
  fields: [
    { name: 'payment_id', type: 'string' },
    { name: 'amount_minor', type: 'long' },
    { name: 'currency', type: 'string' },
  ],
};

/** v2 adds a fee (null by default) and renames nothing: a v1 reader drops the fee. */
export const PAYMENT_V2 = {
  ...PAYMENT_V1,
  fields: [...PAYMENT_V1.fields, { name: 'fee_minor', type: ['null', 'long'], default: null }],
};

export interface Payment {
  readonly amount: bigint;
  readonly currency: string;
  readonly fee?: bigint;
}

export const CURRENCIES = ['EUR', 'USD', 'JPY'];

/** The n-th payment of a stream: amounts and currencies vary, so sums catch a lost or doubled event. */
export const payment = (n: number): Payment => ({
  amount: BigInt(1 + ((n * 7919) % 100_000)),
  currency: CURRENCIES[n % CURRENCIES.length]!,
  fee: BigInt(n % 50),
});

/** An API answer; `body` is the parsed JSON, typed by the caller's expectations (the test asserts them). */
export interface ApiAnswer<T> {
  readonly status: number;
  readonly type: string;
  readonly body: T;
}

export interface StatsBody {
  type: string;
  metric: string;
  interval: string;
  late: boolean;
  points: Array<{ start: string; value: number; group?: Record<string, string | number> }>;
}

export interface ProblemBody {
  status: number;
  errors: Array<{ path: string; message: string }>;
}

export interface MetricsBody {
  metrics: Array<{ name: string; state: string; rebuild?: { done: number; total: number } }>;
}

export interface LatencyBody {
  types: Array<{ type: string; count: number; quantiles: Record<string, number> }>;
}

export interface AnalyticsProcess {
  readonly url: string;
  readonly child: ChildProcess;
  stop(): Promise<void>;
  kill(): Promise<void>;
  get<T = StatsBody>(path: string): Promise<ApiAnswer<T>>;
}

function exited(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill(signal);
  });
}

/** Starts the built app and waits until it is ready, or until it exits (then rejects with its stderr). */
export async function startAnalytics(env: Record<string, string>): Promise<AnalyticsProcess> {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: build first (npm run build)`);
  const port = await freePort();
  const child = spawn(process.execPath, [MAIN], {
    env: {
      ...process.env,
      LOG_LEVEL: 'warn',
      ANALYTICS_PORT: String(port),
      KAFKA_BROKERS: testBrokers().join(','),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  const keep = (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-8_000);
    if (process.env['ANALYTICS_TEST_LOG'] === '1') process.stderr.write(chunk);
  };
  child.stderr?.on('data', keep);
  // The app logs (warnings and errors) on stdout: kept to explain a failed start.
  child.stdout?.on('data', keep);
  const url = `http://127.0.0.1:${port}`;
  const outcome = await waitFor(
    async () => {
      if (child.exitCode !== null) return 'exited';
      return (await fetch(`${url}/health/ready`).catch(() => undefined))?.status === 200 && 'ready';
    },
    { timeoutMs: 60_000, intervalMs: 200, description: 'the analytics app to become ready' },
  );
  if (outcome === 'exited')
    throw new Error(`the analytics app exited with code ${child.exitCode}:\n${stderr}`);
  const get = async <T>(path: string): Promise<ApiAnswer<T>> => {
    const response = await fetch(`${url}${path}`);
    const type = response.headers.get('content-type') ?? '';
    return { status: response.status, type, body: (await response.json()) as T };
  };
  return { url, child, stop: () => exited(child, 'SIGTERM'), kill: () => exited(child, 'SIGKILL'), get };
}

/** Runs the built app expecting it to refuse to start; resolves with its exit code and stderr. */
export async function failedBoot(
  env: Record<string, string>,
): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, [MAIN], {
    env: {
      ...process.env,
      LOG_LEVEL: 'warn',
      ANALYTICS_PORT: String(await freePort()),
      KAFKA_BROKERS: testBrokers().join(','),
      ...env,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { code, stderr };
}

export async function metricsFile(text: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'analytics-metrics-'));
  const file = join(dir, 'metrics.yaml');
  await writeFile(file, text);
  return file;
}

export class PaymentTopic {
  /** Event-type domains are `[a-z][a-z0-9]*`. */
  readonly domain = uniqueName('anl').replace(/[^a-z0-9]/g, '');
  readonly type = `${this.domain}.payment.received`;
  readonly pattern = `^${this.domain}\\.`;
  private readonly registry: RegistryClient;
  private readonly codec: AvroCodec;
  private readonly ids = new Map<number, number>();
  private readonly types = new Map([
    [1, createAvroType(PAYMENT_V1)],
    [2, createAvroType(PAYMENT_V2)],
  ]);
  private producer: Producer | undefined;
  private sent = 0;

  constructor(registryUrl: string) {
    this.registry = new RegistryClient({ url: registryUrl });
    this.codec = new AvroCodec(this.registry);
  }

  async create(partitions: number): Promise<void> {
    this.ids.set(1, await this.registry.register(`${this.type}-value`, PAYMENT_V1));
    this.ids.set(2, await this.registry.register(`${this.type}-value`, PAYMENT_V2));
    const admin = testKafka().admin();
    await admin.connect();
    await admin.createTopics({
      topics: [{ topic: this.type, numPartitions: partitions }],
      waitForLeaders: true,
    });
    await admin.disconnect();
  }

  message(version: 1 | 2, p: Payment, id: string = randomUUID()): Message {
    const value: Record<string, unknown> = { payment_id: id, amount_minor: p.amount, currency: p.currency };
    if (version === 2) value['fee_minor'] = p.fee === undefined ? null : { long: p.fee };
    return {
      key: id,
      value: this.codec.encode(this.ids.get(version)!, this.types.get(version)!, value),
      headers: {
        ce_specversion: '1.0',
        ce_id: id,
        ce_type: this.type,
        ce_source: 'analytics-test',
        ce_time: new Date().toISOString(),
        'content-type': 'application/avro',
      },
    };
  }

  /** Produces `count` payments (numbered on from earlier calls) in `version`; resolves once acknowledged. */
  async produce(count: number, version: 1 | 2 = 1): Promise<Payment[]> {
    const producer = await this.connectedProducer();
    const payments: Payment[] = [];
    for (let start = 0; start < count; start += 1_000) {
      const chunk = Array.from({ length: Math.min(1_000, count - start) }, () => payment(this.sent++));
      payments.push(...chunk);
      await producer.send({
        topic: this.type,
        acks: -1,
        messages: chunk.map((p) => this.message(version, p)),
      });
    }
    return payments;
  }

  async send(messages: Message[]): Promise<void> {
    await (await this.connectedProducer()).send({ topic: this.type, acks: -1, messages });
  }

  private async connectedProducer(): Promise<Producer> {
    if (this.producer === undefined) {
      this.producer = testKafka().producer({ allowAutoTopicCreation: false });
      await this.producer.connect();
    }
    return this.producer;
  }

  /** Disconnects, deletes the family's topics (DLQs too) and these groups. */
  async remove(groups: readonly string[]): Promise<void> {
    await this.producer?.disconnect().catch(() => undefined);
    const admin: Admin = testKafka().admin();
    await admin.connect();
    try {
      const topics = (await admin.listTopics()).filter((t) => t.startsWith(`${this.domain}.`));
      if (topics.length > 0) await admin.deleteTopics({ topics }).catch(() => undefined);
      const all = (await admin.listGroups()).groups.map((g) => g.groupId);
      const mine = all.filter((g) => groups.some((prefix) => g === prefix || g.startsWith(`${prefix}.`)));
      if (mine.length > 0) await admin.deleteGroups(mine).catch(() => undefined);
    } finally {
      await admin.disconnect();
    }
  }
}

/** Sum of amounts per currency, as decimal text (exact). */
export function expectedSums(payments: readonly Payment[]): Record<string, string> {
  const sums: Record<string, bigint> = {};
  for (const p of payments) sums[p.currency] = (sums[p.currency] ?? 0n) + p.amount;
  return Object.fromEntries(Object.entries(sums).map(([c, s]) => [c, s.toString()]));
}

/** A range around now wide enough for every event of the test, in hours. */
export function aroundNow(): string {
  const from = new Date(Date.now() - 3 * 3_600_000).toISOString();
  const to = new Date(Date.now() + 3 * 3_600_000).toISOString();
  return `from=${from}&to=${to}&interval=hour`;
}

/** Total of the count metric of a type over the whole test, from the API. */
export async function countTotal(app: AnalyticsProcess, type: string): Promise<number> {
  const { body } = (await app.get(`/v1/stats?type=${type}&${aroundNow()}`)) as {
    body: { points: Array<{ value: number }> };
  };
  return body.points.reduce((s, p) => s + p.value, 0);
}

/** Sum per currency of a declared sum metric grouped by currency, as decimal text, from the database (exact numeric). */
export async function metricSums(databaseUrl: string, metric: string): Promise<Record<string, string>> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ currency: string; sum: string }>(
      `SELECT p.group_values->>'currency' AS currency, sum(p.sum)::text AS sum
       FROM analytics.metric_points p JOIN analytics.metric_generations g ON g.id = p.generation
       WHERE g.metric = $1 AND g.state = 'live' GROUP BY 1`,
      [metric],
    );
    return Object.fromEntries(rows.map((r) => [r.currency, r.sum]));
  } finally {
    await client.end();
  }
}

export async function countedInDatabase(databaseUrl: string): Promise<number> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: string }>(
      'SELECT coalesce(sum(count), 0)::text AS n FROM analytics.event_counts',
    );
    return Number(rows[0]?.n ?? 0);
  } catch (error) {
    if (
      (error as { code?: string }).code === '42P01' ||
      (error as { code?: string }).code === '3F000' ||
      (error as { code?: string }).code === '3D000'
    )
      return 0;
    throw error;
  } finally {
    await client.end();
  }
}

export { waitFor };

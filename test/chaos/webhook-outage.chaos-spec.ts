/**
 * Webhook receivers down, on a private Kafka with the built registry, gateway and webhooks and a
 * compressed retry schedule (WEBHOOKS_RETRY_SCHEDULE). Two endpoints take every payment event:
 *
 * - "flaky" answers 503 until every event has failed there on several retry steps, then recovers:
 *   the schedule delivers everything, with no operator action;
 * - "gone" drops every connection past the last attempt, so its deliveries end failed; then it
 *   comes back and the bulk-recover API (POST /v1/endpoints/{id}/recover) delivers them all.
 *
 * Counted exactly per (event, endpoint): one delivery row each, all delivered in the end, and each
 * receiver got every event id.
 *
 * Sizes: HERALD_CHAOS_WEBHOOK_EVENTS (400) events, HERALD_CHAOS_WEBHOOK_SCHEDULE (0,1s,2s,3s,4s),
 * HERALD_CHAOS_WEBHOOK_DOWN_STEPS (3) failed attempts per event at "flaky" before it recovers
 * (fewer than the schedule's attempts).
 */
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client } from 'pg';
import { freePort, startPrivateKafka, uniqueName, waitFor, type PrivateKafka } from '@app/testing';
import { AppProcess, herald } from './support/apps';
import { createChaosDatabase, type ChaosDatabase } from './support/database';
import { ADMIN_TOKEN, REGISTRY_TOKEN } from './support/platform';
import { PAYMENT_TYPE, payment, publishBatch } from './support/publisher';

jest.setTimeout(900_000);

const EVENTS = Number(process.env.HERALD_CHAOS_WEBHOOK_EVENTS ?? 400);
const SCHEDULE = process.env.HERALD_CHAOS_WEBHOOK_SCHEDULE ?? '0,1s,2s,3s,4s';
const ATTEMPTS = SCHEDULE.split(',').length;
const DOWN_STEPS = Number(process.env.HERALD_CHAOS_WEBHOOK_DOWN_STEPS ?? 3);
const BATCH = 50;
const ENCRYPTION_KEYS = `k1:${Buffer.alloc(32, 7).toString('base64')}`;

/**
 * A receiver that is down (503, or the connection dropped) or up (204), and counts what it got:
 * the requests per event id while down and the event ids it accepted while up.
 */
class SwitchableReceiver {
  mode: 'up' | '503' | 'drop';
  readonly failedAttempts = new Map<string, number>();
  readonly received = new Set<string>();
  requests = 0;
  url = '';
  private server: Server | undefined;

  constructor(mode: '503' | 'drop') {
    this.mode = mode;
  }

  async start(): Promise<this> {
    const server = createServer((request, response) => {
      this.requests++;
      const id = String(request.headers['webhook-id']);
      if (this.mode === 'drop') {
        this.failedAttempts.set(id, (this.failedAttempts.get(id) ?? 0) + 1);
        request.socket.destroy();
        return;
      }
      request.resume();
      request.on('end', () => {
        if (this.mode === '503') {
          this.failedAttempts.set(id, (this.failedAttempts.get(id) ?? 0) + 1);
          response.writeHead(503, { 'retry-after': '1' }).end();
        } else {
          this.received.add(id);
          response.writeHead(204).end();
        }
      });
    });
    this.server = server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
    return this;
  }

  /** How many of `ids` failed here at least `n` times. */
  failedAtLeast(ids: readonly string[], n: number): number {
    return ids.filter((id) => (this.failedAttempts.get(id) ?? 0) >= n).length;
  }

  stop(): Promise<void> {
    const server = this.server;
    if (server === undefined) return Promise.resolve();
    server.closeAllConnections();
    return new Promise((resolve) => server.close(() => resolve()));
  }
}

describe('webhook receivers down across retry steps, and past the last one', () => {
  const apps: AppProcess[] = [];
  const flaky = new SwitchableReceiver('503');
  const gone = new SwitchableReceiver('drop');
  let privateKafka: PrivateKafka | undefined;
  let database: ChaosDatabase | undefined;

  beforeAll(async () => {
    database = await createChaosDatabase('herald_chaos_webhooks');
    privateKafka = await startPrivateKafka({ nodes: 1, heapMb: 384 });
    await flaky.start();
    await gone.start();
  });

  afterAll(async () => {
    await Promise.all(apps.map((app) => app.stop('SIGKILL')));
    await flaky.stop();
    await gone.stop();
    await privateKafka?.remove();
    await database?.drop();
  });

  const start = async (name: 'schema-registry' | 'gateway' | 'webhooks', env: NodeJS.ProcessEnv) => {
    const app = new AppProcess(name, await freePort(), env);
    apps.push(app);
    return app.start().ready();
  };

  it('delivers every (event, endpoint) once the receivers are back, by the schedule and by recover', async () => {
    const brokers = privateKafka!.cluster.brokers.join(',');
    const base = { KAFKA_BROKERS: brokers, DATABASE_URL: database!.url };
    const registry = await start('schema-registry', {
      ...base,
      REGISTRY_TOPIC: uniqueName('_schemas-webhook-outage'),
      REGISTRY_WRITE_TOKEN: REGISTRY_TOKEN,
    });
    const cliEnv = { ...base, REGISTRY_WRITE_TOKEN: REGISTRY_TOKEN };
    const pushed = herald(['schemas', 'push', '--registry', registry.url], cliEnv);
    expect([pushed.status, pushed.status === 0 ? pushed.stderr : pushed.stderr + pushed.stdout]).toEqual([
      0,
      '',
    ]);
    const appEnv = { ...base, SCHEMA_REGISTRY_URL: registry.url };
    const [gateway, webhooks] = await Promise.all([
      start('gateway', { ...appEnv, GATEWAY_RATE_LIMIT_PER_SECOND: '10000000' }),
      start('webhooks', {
        ...appEnv,
        WEBHOOKS_GROUP_ID: uniqueName('webhooks-outage'),
        WEBHOOKS_ADMIN_TOKEN: ADMIN_TOKEN,
        WEBHOOKS_ENCRYPTION_KEYS: ENCRYPTION_KEYS,
        WEBHOOKS_ALLOWLIST: '127.0.0.1',
        WEBHOOKS_RETRY_SCHEDULE: SCHEDULE,
        WEBHOOKS_TIMEOUT_MS: '2000',
      }),
    ]);
    const created = herald(
      ['keys', 'create', '--producer', 'webhook-outage', '--types', '*', '--json'],
      cliEnv,
    );
    expect([created.status, created.stderr]).toEqual([0, '']);
    const { key } = JSON.parse(created.stdout) as { key: string };
    const admin = async (method: string, path: string, body?: unknown) => {
      const response = await fetch(`${webhooks.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    };
    const endpoints: Record<'flaky' | 'gone', string> = { flaky: '', gone: '' };
    for (const [name, receiver] of [
      ['flaky', flaky],
      ['gone', gone],
    ] as const) {
      const answer = await admin('POST', '/v1/endpoints', { url: receiver.url, types: [PAYMENT_TYPE] });
      expect(answer.status).toBe(201);
      endpoints[name] = String(answer.body.id);
    }
    // The app that created them knows them at once (its directory reloads on the change).
    await new Promise((resolve) => setTimeout(resolve, 2_500));

    const startedAt = new Date(Date.now() - 1_000).toISOString();
    const ids = Array.from({ length: EVENTS }, () => randomUUID());
    for (let b = 0; b * BATCH < EVENTS; b++)
      await publishBatch([gateway], 0, ids.slice(b * BATCH, (b + 1) * BATCH).map(payment), key);

    const db = new Client({ connectionString: database!.url });
    await db.connect();
    const byStatus = async (endpointId: string): Promise<Record<string, number>> => {
      const { rows } = await db.query<{ status: string; n: number }>(
        `SELECT status, count(*)::int AS n FROM webhooks.deliveries WHERE endpoint_id = $1 GROUP BY status`,
        [endpointId],
      );
      return Object.fromEntries(rows.map((r) => [r.status, r.n]));
    };
    try {
      // "flaky": every event fails there on DOWN_STEPS attempts (several retry steps), then it is back.
      await waitFor(() => flaky.failedAtLeast(ids, DOWN_STEPS) === EVENTS, {
        timeoutMs: 300_000,
        intervalMs: 250,
        description: `every event to fail ${DOWN_STEPS} times at the flaky receiver`,
      });
      const flakyFailedBeforeRecovery = await byStatus(endpoints.flaky);
      flaky.mode = 'up';
      // "gone": every delivery spends the schedule and ends failed.
      await waitFor(async () => (await byStatus(endpoints.gone)).failed === EVENTS, {
        timeoutMs: 300_000,
        intervalMs: 500,
        description: `all ${EVENTS} deliveries to the gone receiver to fail`,
      });
      // The schedule alone delivers everything to "flaky".
      await waitFor(() => flaky.received.size >= EVENTS, {
        timeoutMs: 300_000,
        intervalMs: 500,
        description: 'the flaky receiver to get every event after its recovery',
      });
      await waitFor(async () => (await byStatus(endpoints.flaky)).delivered === EVENTS, {
        timeoutMs: 60_000,
        intervalMs: 500,
        description: 'every delivery to the flaky receiver to be recorded as delivered',
      });
      const goneAttempts = [...gone.failedAttempts.values()];

      // "gone" comes back; the bulk-recover API delivers what failed.
      gone.mode = 'up';
      const job = await admin('POST', `/v1/endpoints/${endpoints.gone}/recover`, { since: startedAt });
      expect(job.status).toBe(202);
      const finished = await waitFor(
        async () => {
          const state = await admin('GET', `/v1/jobs/${String(job.body.id)}`);
          return ['succeeded', 'failed', 'cancelled'].includes(String(state.body.state))
            ? state.body
            : undefined;
        },
        { timeoutMs: 120_000, intervalMs: 500, description: 'the recover job to finish' },
      );
      await waitFor(() => gone.received.size >= EVENTS, {
        timeoutMs: 300_000,
        intervalMs: 500,
        description: 'the gone receiver to get every event after the recover',
      });
      await waitFor(async () => (await byStatus(endpoints.gone)).delivered === EVENTS, {
        timeoutMs: 60_000,
        intervalMs: 500,
        description: 'every recovered delivery to be recorded as delivered',
      });
      // Settle, then count exactly per (event, endpoint).
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      const { rows: pairs } = await db.query<{ endpoint_id: string; events: number; rows: number }>(
        `SELECT endpoint_id, count(DISTINCT event_id)::int AS events, count(*)::int AS rows
           FROM webhooks.deliveries GROUP BY endpoint_id ORDER BY endpoint_id`,
      );
      const ours = (set: Set<string>) => ids.filter((id) => set.has(id)).length;
      const figures = {
        events: EVENTS,
        schedule: SCHEDULE,
        flakyFailedBeforeRecovery,
        flakyRequests: flaky.requests,
        goneAttemptsPerEvent: { min: Math.min(...goneAttempts), max: Math.max(...goneAttempts) },
        goneRequests: gone.requests,
        recoverJob: { state: finished.state, result: finished.result },
      };
      // The run's figures, for docs/reliability.md.
      console.log(`webhook-outage: ${JSON.stringify(figures)}`);
      expect({
        pairs: Object.fromEntries(pairs.map((p) => [p.endpoint_id, { events: p.events, rows: p.rows }])),
        flaky: await byStatus(endpoints.flaky),
        gone: await byStatus(endpoints.gone),
        flakyReceived: ours(flaky.received),
        goneReceived: ours(gone.received),
        goneFailedOnEveryAttempt: goneAttempts.length === EVENTS && goneAttempts.every((n) => n === ATTEMPTS),
        recover: { state: finished.state, recovered: (finished.result as { recovered?: number }).recovered },
      }).toEqual({
        pairs: {
          [endpoints.flaky]: { events: EVENTS, rows: EVENTS },
          [endpoints.gone]: { events: EVENTS, rows: EVENTS },
        },
        flaky: { delivered: EVENTS },
        gone: { delivered: EVENTS },
        flakyReceived: EVENTS,
        goneReceived: EVENTS,
        goneFailedOnEveryAttempt: true,
        recover: { state: 'succeeded', recovered: EVENTS },
      });
    } finally {
      await db.end();
    }
  });
});

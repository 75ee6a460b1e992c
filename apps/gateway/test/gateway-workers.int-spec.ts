/**
 * The gateway as several worker processes on one port (GATEWAY_WORKERS=2), started as a user
 * starts it: connections spread over the workers, yet /metrics and a key's rate limit cover the
 * whole gateway; a worker that dies is replaced; SIGTERM drains every worker; a worker that
 * cannot boot stops the gateway with exit code 1.
 */
import { execFileSync, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { projectRoot } from '@app/config';
import { freePort, testBrokers, testDatabaseUrl, waitFor } from '@app/testing';
import { GatewayHarness, payment } from './gateway-harness';

jest.setTimeout(180_000);

/** The worker processes of a primary (its child processes). */
function workersOf(pid: number): number[] {
  try {
    return execFileSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean)
      .map(Number);
  } catch {
    return []; // pgrep exits 1 when there are none
  }
}

/** `connection: close`: each request on a new connection, so the primary hands it to the next worker. */
const fresh = { connection: 'close' };

/** A counter or gauge's value in a scrape (summed over workers by the primary), 0 when absent. */
function metricValue(metrics: string, name: string, labelPart = ''): number {
  const line = metrics
    .split('\n')
    .find((l) => (l.startsWith(`${name}{`) || l.startsWith(`${name} `)) && l.includes(labelPart));
  return line === undefined ? 0 : Number(line.split(' ').pop());
}

const scrape = (url: string) => fetch(`${url}/metrics`, { headers: fresh }).then((r) => r.text());

/** Until both workers serve: each counts itself in `herald_cluster_workers`. */
async function twoWorkersServing(url: string): Promise<void> {
  await waitFor(async () => metricValue(await scrape(url).catch(() => ''), 'herald_cluster_workers') === 2, {
    timeoutMs: 60_000,
    intervalMs: 250,
    description: 'two workers serving',
  });
}

describe('gateway with GATEWAY_WORKERS=2', () => {
  let gateway: GatewayHarness;

  beforeAll(async () => {
    gateway = await GatewayHarness.start({ env: { GATEWAY_WORKERS: '2' } });
    await twoWorkersServing(gateway.url);
    expect(workersOf(gateway.pid)).toHaveLength(2);
  });

  afterAll(async () => {
    await gateway?.close();
  });

  it('counts the events of every worker in each scrape of /metrics', async () => {
    const events = 12;
    for (let i = 0; i < events; i++) {
      const response = await gateway.post(
        '/v1/events',
        { type: gateway.types.payment, data: payment() },
        fresh,
      );
      expect(response.status).toBe(202);
    }
    // Each scrape lands on the next worker; each must see all events, wherever they were accepted.
    for (let i = 0; i < 4; i++) {
      const metrics = await scrape(gateway.url);
      expect(
        metricValue(metrics, 'herald_gateway_events_accepted_total', `type="${gateway.types.payment}"`),
      ).toBe(events);
      expect(metricValue(metrics, 'herald_cluster_workers')).toBe(2);
    }
  });

  it("holds a key's rate limit across workers", async () => {
    const secret = await gateway.createKey({
      producer: 'limited-service',
      patterns: [`${gateway.types.payment.split('.')[0]}.*`],
      rateLimitPerSecond: 100,
    });
    const batch = {
      events: Array.from({ length: 25 }, () => ({ type: gateway.types.payment, data: payment() })),
    };
    // 8 batches of 25 at once, on 8 connections: 200 events against a limit of 100 per second.
    const statuses = await Promise.all(
      Array.from({ length: 8 }, () =>
        gateway
          .post('/v1/events/batch', batch, { ...fresh, authorization: `Bearer ${secret}` })
          .then(async (r) => (await r.arrayBuffer(), r.status)),
      ),
    );
    expect(statuses.filter((s) => s === 200)).toHaveLength(4);
    expect(statuses.filter((s) => s === 429)).toHaveLength(4);
  });

  it('replaces a worker that dies, and keeps answering meanwhile', async () => {
    const [victim, survivor] = workersOf(gateway.pid);
    process.kill(victim!, 'SIGKILL');
    await waitFor(() => !workersOf(gateway.pid).includes(victim!), { description: 'the worker to die' });
    for (let i = 0; i < 4; i++) {
      const response = await gateway.post(
        '/v1/events',
        { type: gateway.types.payment, data: payment() },
        fresh,
      );
      expect(response.status).toBe(202);
    }
    await waitFor(() => workersOf(gateway.pid).length === 2, {
      timeoutMs: 60_000,
      description: 'a new worker',
    });
    const workers = workersOf(gateway.pid);
    expect(workers).toContain(survivor);
    expect(workers).not.toContain(victim);
    await waitFor(async () => (await fetch(`${gateway.url}/health/ready`, { headers: fresh })).ok, {
      timeoutMs: 60_000,
      description: 'the gateway ready',
    });
  });

  it('stops every worker on SIGTERM and exits 0', async () => {
    const workers = workersOf(gateway.pid);
    await gateway.stop('SIGTERM');
    expect(gateway.exitCode).toBe(0);
    for (const pid of workers) expect(() => process.kill(pid, 0)).toThrow();
  });
});

it('exits 1 when its workers cannot boot, instead of forking them forever', async () => {
  const child = spawn(process.execPath, [join(projectRoot(), 'dist', 'apps', 'gateway', 'src', 'main.js')], {
    env: {
      ...process.env,
      GATEWAY_WORKERS: '2',
      GATEWAY_PORT: String(await freePort()),
      KAFKA_BROKERS: testBrokers().join(','),
      DATABASE_URL: testDatabaseUrl(),
      SCHEMAS_DIR: join(projectRoot(), 'no-such-catalog', randomUUID()),
      LOG_LEVEL: 'fatal',
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  expect(code).toBe(1);
  expect(stderr).toMatch(/schema catalog [\s\S]*cannot read folder/);
});

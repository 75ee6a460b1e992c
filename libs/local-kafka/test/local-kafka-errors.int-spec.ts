/**
 * The local Kafka refuses clearly instead of hanging: a port held by another process, a
 * half-written data dir, no Java on PATH; and with KAFKA_BROKERS set it starts nothing.
 * CLI cases run the built `herald` command as a user would.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '@app/config';
import { LocalKafkaCluster } from '@app/local-kafka';
import { testBrokers } from '@app/testing';

const HERALD = join(projectRoot(), 'bin', 'herald.js');

function herald(args: string[], env: NodeJS.ProcessEnv) {
  const { KAFKA_BROKERS: _ignored, ...base } = process.env;
  return spawnSync(process.execPath, [HERALD, ...args], {
    env: { ...base, ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
}

async function listen(): Promise<Server> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

describe('local Kafka refusals', () => {
  let stateDir: string;

  beforeEach(() => {
    stateDir = mkdtempSync(join(tmpdir(), 'herald-kafka-'));
  });

  afterEach(() => rmSync(stateDir, { recursive: true, force: true }));

  it('refuses a port held by a process it did not start', async () => {
    const server = await listen();
    const port = (server.address() as AddressInfo).port;
    try {
      const cluster = new LocalKafkaCluster({ nodes: 1, ports: [port], stateDir });
      const starting = cluster.start();
      await expect(starting).rejects.toThrow(
        `127.0.0.1:${port} is already in use by a process Herald did not start`,
      );
      await expect(starting).rejects.toMatchObject({ name: 'LocalKafkaPortInUseError', port });
    } finally {
      server.close();
    }
  });

  it('refuses a half-written data dir and says how to recover', async () => {
    const free = await listen();
    const port = (free.address() as AddressInfo).port;
    free.close();
    mkdirSync(join(stateDir, 'node-1', 'data'), { recursive: true });
    const cluster = new LocalKafkaCluster({ nodes: 1, ports: [port], stateDir });
    await expect(cluster.start()).rejects.toThrow(/was never completely formatted.*herald kafka reset/s);
  });

  it('exits 2 with a clear message when java is not on PATH', () => {
    const bin = mkdtempSync(join(tmpdir(), 'herald-path-'));
    symlinkSync(process.execPath, join(bin, 'node'));
    try {
      const result = herald(['kafka', 'start'], { PATH: bin, HERALD_HOME: stateDir });
      expect(result.status).toBe(2);
      expect(result.stderr).toContain('java was not found on PATH');
    } finally {
      rmSync(bin, { recursive: true, force: true });
    }
  });

  it('starts nothing when KAFKA_BROKERS names a cluster', () => {
    const result = herald(['kafka', 'start'], {
      KAFKA_BROKERS: testBrokers().join(','),
      HERALD_HOME: stateDir,
    });
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('KAFKA_BROKERS is set');
    expect(result.stdout).toContain('starting nothing');
  });

  it('stops nothing when KAFKA_BROKERS names a cluster', () => {
    const result = herald(['kafka', 'stop'], {
      KAFKA_BROKERS: testBrokers().join(','),
      HERALD_HOME: stateDir,
    });
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('is not ours to stop; stopping nothing');
  });

  it('exits 2 when KAFKA_BROKERS does not answer', async () => {
    const free = await listen();
    const port = (free.address() as AddressInfo).port;
    free.close();
    const result = herald(['kafka', 'start'], { KAFKA_BROKERS: `127.0.0.1:${port}`, HERALD_HOME: stateDir });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(`KAFKA_BROKERS=127.0.0.1:${port} does not answer`);
  });

  it('reports a stopped cluster with exit 1 and stops idempotently', () => {
    const status = herald(['kafka', 'status'], { HERALD_HOME: stateDir });
    expect(status.status).toBe(1);
    expect(status.stdout).toMatch(/node 1 {2}127\.0\.0\.1:9092 {2}(stopped|port taken by another process)/);
    const stop = herald(['kafka', 'stop'], { HERALD_HOME: stateDir });
    expect(stop.status).toBe(0);
    expect(stop.stdout).toContain('Kafka was not running.');
  });
});

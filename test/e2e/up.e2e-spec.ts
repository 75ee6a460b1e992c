/**
 * The README's `npm run up`, run as a user runs it: every app comes up healthy and its URL is
 * printed; Ctrl-C (SIGINT to the foreground process group) stops everything and exits 0.
 * Uses the test Kafka (KAFKA_BROKERS), free ports and a throw-away database.
 */
import { spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { projectRoot } from '@app/local-kafka';
import {
  databaseUrlFor,
  dropTestDatabase,
  freePort,
  testBrokers,
  uniqueIdentifier,
  uniqueName,
  waitFor,
} from '@app/testing';

jest.setTimeout(180_000);

const HERALD = join(projectRoot(), 'bin', 'herald.js');

const PORT_VARS = ['GATEWAY_PORT', 'REGISTRY_PORT', 'WEBHOOKS_PORT', 'ANALYTICS_PORT', 'AUDIT_PORT'] as const;

describe('npm run up', () => {
  const database = uniqueIdentifier('herald_up');

  afterAll(() => dropTestDatabase(database));

  it('brings up every app healthy, prints their URLs, and Ctrl-C stops them all', async () => {
    const ports: Record<string, string> = {};
    for (const name of PORT_VARS) ports[name] = String(await freePort());
    const child = spawn('npm', ['run', 'up'], {
      cwd: projectRoot(),
      env: {
        ...process.env,
        ...ports,
        KAFKA_BROKERS: testBrokers().join(','),
        DATABASE_URL: databaseUrlFor(database),
        REGISTRY_TOPIC: uniqueName('_schemas-up'),
        AUDIT_GROUP_ID: uniqueName('audit-up'),
        WEBHOOKS_GROUP_ID: uniqueName('webhooks-up'),
        WEBHOOKS_TOPIC_PATTERN: '^payments\\.payment\\.received$',
        // A fresh audit group reads every event topic from the beginning; on a shared test broker
        // that is every other test's and benchmark's topics too. This test needs only one.
        AUDIT_TOPIC_PATTERN: '^payments\\.payment\\.received$',
        LOG_LEVEL: 'warn',
      },
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<string>((resolve) =>
      child.once('exit', (code, signal) => resolve(signal ?? `exit ${code}`)),
    );

    await waitFor(() => output.includes('Herald is up.'), {
      timeoutMs: 150_000,
      intervalMs: 250,
      description: '"Herald is up."',
    }).catch((error: Error) => {
      throw new Error(`${error.message}\n--- npm run up printed:\n${output}`);
    });
    for (const port of Object.values(ports)) {
      expect(output).toContain(`http://127.0.0.1:${port}`);
      const ready = await fetch(`http://127.0.0.1:${port}/health/ready`);
      expect(ready.status).toBe(200);
    }

    // The platform works end to end: a key from the CLI, an event through the gateway, the
    // same event stored by the audit consumer.
    const created = spawnSync(
      process.execPath,
      [HERALD, 'keys', 'create', '--producer', 'up-test', '--types', 'payments.*', '--json'],
      {
        encoding: 'utf8',
        env: { ...process.env, DATABASE_URL: databaseUrlFor(database) },
      },
    );
    expect(created.status).toBe(0);
    const { key } = JSON.parse(created.stdout) as { key: string };
    // The README's quickstart commands, as written there.
    const cliEnv = {
      ...process.env,
      GATEWAY_URL: `http://127.0.0.1:${ports.GATEWAY_PORT}`,
      SCHEMA_REGISTRY_URL: `http://127.0.0.1:${ports.REGISTRY_PORT}`,
      KAFKA_BROKERS: testBrokers().join(','),
    };
    const data = {
      payment_id: randomUUID(),
      merchant_id: 'merchant-up',
      amount_minor: 4200,
      currency: 'EUR',
      method: 'CARD',
      received_at: new Date().toISOString(),
    };
    const published = spawnSync(
      process.execPath,
      [
        HERALD,
        'publish',
        'payments.payment.received',
        '--api-key',
        key,
        '--data',
        JSON.stringify(data),
        '--format',
        'json',
      ],
      { encoding: 'utf8', env: cliEnv },
    );
    expect(published.stderr).toBe('');
    expect(published.status).toBe(0);
    const { id } = JSON.parse(published.stdout) as { id: string };
    const tailed = spawnSync(
      process.execPath,
      [HERALD, 'tail', 'payments.payment.received', '--from-beginning', '--limit', '1', '--format', 'json'],
      { encoding: 'utf8', env: cliEnv, timeout: 60_000 },
    );
    expect(tailed.status).toBe(0);
    expect(tailed.stdout).toContain('"type":"payments.payment.received"');
    const audited = await waitFor(
      async () => {
        const response = await fetch(`http://127.0.0.1:${ports.AUDIT_PORT}/v1/audit/${id}`);
        return response.status === 200 ? ((await response.json()) as Record<string, unknown>) : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 500, description: 'the audit app to store the published event' },
    );
    expect(JSON.stringify(audited)).toContain('merchant-up');

    // What a terminal's Ctrl-C does: SIGINT to the whole foreground process group.
    process.kill(-(child.pid as number), 'SIGINT');
    // npm re-raises the signal it was stopped by; `herald up` itself exits 0 after stopping the apps.
    expect(['exit 0', 'SIGINT']).toContain(await exited);
    await waitFor(() => output.includes('Stopping Herald...'), { description: 'the shutdown message' });
    for (const port of Object.values(ports)) {
      await waitFor(
        () =>
          fetch(`http://127.0.0.1:${port}/health/live`).then(
            () => false,
            () => true,
          ),
        { timeoutMs: 30_000, description: `port ${port} to close` },
      );
    }
    expect(output).not.toContain('stopped unexpectedly');
  });
});

/**
 * Starts the built schema registry (`dist/apps/schema-registry/src/main.js`) as a user would,
 * on a free port and its own `_schemas` topic, for integration tests of apps that need ids.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { projectRoot } from '@app/config';
import { testBrokers } from './infrastructure';
import { uniqueName } from './names';
import { freePort } from './processes';
import { waitFor } from './wait-for';

export interface TestRegistry {
  readonly url: string;
  readonly topic: string;
  readonly process: ChildProcess;
  stop(): Promise<void>;
}

export interface TestRegistryOptions {
  readonly topic?: string;
  /** More environment for the registry, e.g. REGISTRY_WRITE_TOKEN. */
  readonly env?: NodeJS.ProcessEnv;
}

export async function startTestRegistry(options: TestRegistryOptions = {}): Promise<TestRegistry> {
  const port = await freePort();
  const topic = options.topic ?? uniqueName('_schemas');
  const main = join(projectRoot(), 'dist', 'apps', 'schema-registry', 'src', 'main.js');
  const child = spawn(process.execPath, [main], {
    env: {
      ...process.env,
      REGISTRY_PORT: String(port),
      REGISTRY_TOPIC: topic,
      KAFKA_BROKERS: testBrokers().join(','),
      LOG_LEVEL: 'warn',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4_000);
    process.stderr.write(chunk);
  });
  // Its log (warnings and errors, on stdout) is kept to explain a registry that never gets ready.
  let stdout = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout = (stdout + chunk.toString()).slice(-4_000);
  });
  const url = `http://127.0.0.1:${port}`;
  // A registry that dies during start fails the wait at once, with what it printed.
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code) => reject(new Error(`the test registry exited with code ${code}:\n${stderr}`))),
  );
  exited.catch(() => undefined);
  await Promise.race([
    exited,
    waitFor(
      () =>
        fetch(`${url}/health/ready`).then(
          (r) => r.ok,
          () => false,
        ),
      { timeoutMs: 60_000, intervalMs: 250, description: 'the test schema registry to become ready' },
    ).catch((error: unknown) => {
      child.kill('SIGKILL');
      throw new Error(`${(error as Error).message}; its last log lines:\n${stdout || '(none)'}`);
    }),
  ]);
  const stop = (): Promise<void> =>
    new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  return { url, topic, process: child, stop };
}

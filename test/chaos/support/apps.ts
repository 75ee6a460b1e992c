/**
 * The apps of a chaos run, started from dist as users start them (`node dist/apps/<app>/src/main.js`
 * with env), each on a port of its own that survives a restart: a killed app comes back on the same
 * URL with the same env. Also the CLI (bin/herald.js) and an app's processed-events metric.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { projectRoot } from '@app/config';
import { waitFor } from '@app/testing';

const ROOT = projectRoot();

export type AppName = 'schema-registry' | 'gateway' | 'webhooks' | 'analytics' | 'audit';

const PORT_VARIABLE: Record<AppName, string> = {
  'schema-registry': 'REGISTRY_PORT',
  gateway: 'GATEWAY_PORT',
  webhooks: 'WEBHOOKS_PORT',
  analytics: 'ANALYTICS_PORT',
  audit: 'AUDIT_PORT',
};

/** One app's process, which can be stopped (any signal) and started again on its port. */
export class AppProcess {
  private current: ChildProcess | undefined;
  private tail = '';

  constructor(
    readonly name: AppName,
    readonly port: number,
    readonly env: NodeJS.ProcessEnv,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get child(): ChildProcess {
    if (this.current === undefined) throw new Error(`${this.name} was never started`);
    return this.current;
  }

  get running(): boolean {
    return this.current !== undefined && this.current.exitCode === null && this.current.signalCode === null;
  }

  /** The last lines it wrote to stderr, for a failure's message. */
  stderr(): string {
    return this.tail;
  }

  start(): this {
    if (this.running) throw new Error(`${this.name} on ${this.url} is already running`);
    const child = spawn(process.execPath, [join(ROOT, 'dist', 'apps', this.name, 'src', 'main.js')], {
      env: { ...process.env, LOG_LEVEL: 'warn', [PORT_VARIABLE[this.name]]: String(this.port), ...this.env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      this.tail = (this.tail + chunk.toString('utf8')).slice(-4_000);
    });
    this.current = child;
    return this;
  }

  async ready(timeoutMs = 180_000): Promise<this> {
    await waitFor(
      async () => {
        if (!this.running) throw new Error(`${this.name} exited: ${this.tail}`);
        return (await this.readiness()) === 200;
      },
      { timeoutMs, intervalMs: 250, description: `${this.name} on ${this.url} to become ready` },
    ).catch(async (error: Error) => {
      throw new Error(`${error.message}\n${await this.diagnosis()}`);
    });
    return this;
  }

  /** Its /health/ready body and its last stderr lines, for a failure's message. */
  async diagnosis(): Promise<string> {
    const health = await fetch(`${this.url}/health/ready`, { signal: AbortSignal.timeout(5_000) })
      .then((response) => response.text())
      .catch((reason: Error) => reason.message);
    return `${this.name} /health/ready: ${health}\nstderr: ${this.tail}`;
  }

  /** GET /health/ready's status, or undefined when nothing answers. */
  async readiness(): Promise<number | undefined> {
    const response = await fetch(`${this.url}/health/ready`, { signal: AbortSignal.timeout(5_000) }).catch(
      () => undefined,
    );
    await response?.body?.cancel();
    return response?.status;
  }

  stop(signal: NodeJS.Signals): Promise<void> {
    const child = this.current;
    if (child === undefined || !this.running) return Promise.resolve();
    return new Promise((resolve) => {
      child.once('exit', () => resolve());
      child.kill(signal);
    });
  }

  /** SIGKILL (no shutdown, no commit, no leaving the group), then the same app again, ready. */
  async killAndRestart(): Promise<void> {
    await this.stop('SIGKILL');
    await this.start().ready();
  }

  /** herald_consumer_events_processed_total of a topic, from the app's /metrics. */
  async processed(topic: string): Promise<number> {
    const text = await (await fetch(`${this.url}/metrics`)).text();
    return text
      .split('\n')
      .filter(
        (line) =>
          line.startsWith('herald_consumer_events_processed_total{') && line.includes(`topic="${topic}"`),
      )
      .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
  }
}

export interface CliResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** bin/herald.js with `args`, as a user runs it. */
export function herald(args: string[], env: NodeJS.ProcessEnv): CliResult {
  const result = spawnSync(process.execPath, [join(ROOT, 'bin', 'herald.js'), ...args], {
    env: { ...process.env, NO_COLOR: '1', ...env },
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

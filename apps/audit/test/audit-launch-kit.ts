/**
 * The built audit app as a process whose output the test keeps (startAudit in
 * audit-process-kit waits for readiness and lets stderr through; fault tests also need to see
 * a boot that fails, with its message, and what the consumer logged), plus what the tests
 * observe from outside: readiness, the `herald_consumer_running` gauge and the rows stored.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { projectRoot } from '@app/config';
import { freePort, testBrokers, waitFor } from '@app/testing';

const MAIN = join(projectRoot(), 'dist', 'apps', 'audit', 'src', 'main.js');
const KEPT_OUTPUT = 2_000_000;

export interface LaunchedAudit {
  readonly url: string;
  readonly child: ChildProcess;
  /** Resolves with the exit code (null after a signal) whenever the process ends. */
  readonly exit: Promise<number | null>;
  /** stdout and stderr so far (pino JSON lines and main.ts' own messages). */
  output(): string;
  /** Waits for /health/ready to answer 200; fails at once, with the output, if the process exits first. */
  ready(timeoutMs?: number): Promise<void>;
  /** SIGKILL: no shutdown hook, no offset commit, no leaving the group. */
  kill(): Promise<void>;
  /** SIGTERM (the consumer leaves its group), and wait for the exit; SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

export function launchAudit(env: Record<string, string>): Promise<LaunchedAudit> {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: build first (npm run build)`);
  return freePort().then((port) => launchOn(port, env));
}

function launchOn(port: number, env: Record<string, string>): LaunchedAudit {
  const child = spawn(process.execPath, [MAIN], {
    env: {
      ...process.env,
      LOG_LEVEL: 'warn',
      AUDIT_PORT: String(port),
      KAFKA_BROKERS: testBrokers().join(','),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer): void => {
    output = (output + chunk.toString()).slice(-KEPT_OUTPUT);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}`;
  const signal = async (name: NodeJS.Signals): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill(name);
    await exit;
  };
  const ready = async (timeoutMs = 60_000): Promise<void> => {
    const outcome = await waitFor(
      async () => {
        if (child.exitCode !== null || child.signalCode !== null) return 'exited';
        return (await fetch(`${url}/health/ready`).catch(() => undefined))?.status === 200 && 'ready';
      },
      { timeoutMs, intervalMs: 200, description: 'the audit app to become ready' },
    );
    if (outcome === 'exited') {
      throw new Error(
        `the audit app exited with code ${child.exitCode} before it was ready:\n${output.slice(-4_000)}`,
      );
    }
  };
  return {
    url,
    child,
    exit,
    output: () => output,
    ready,
    kill: () => signal('SIGKILL'),
    stop: async (graceMs = 15_000) => {
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await signal('SIGTERM').finally(() => clearTimeout(timer));
    },
  };
}

export interface LogLine {
  /** Epoch ms (undefined for a line that is not pino JSON). */
  readonly time: number | undefined;
  readonly context: string | undefined;
  readonly msg: string;
}

/** The app's output as log lines: pino JSON parsed, anything else (main.ts' own messages) as is. */
export function logLines(output: string): LogLine[] {
  return output
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      try {
        const parsed = JSON.parse(line) as { time?: unknown; context?: unknown; msg?: unknown };
        return {
          time: typeof parsed.time === 'number' ? parsed.time : undefined,
          context: typeof parsed.context === 'string' ? parsed.context : undefined,
          msg: typeof parsed.msg === 'string' ? parsed.msg : line,
        };
      } catch {
        return { time: undefined, context: undefined, msg: line };
      }
    });
}

export interface ConsumerSignals {
  /** /health/ready's HTTP status (0: no answer). */
  readonly readyStatus: number;
  /** The `kafka-consumer:<group>` check of that answer: undefined when up, else its error. */
  readonly consumerProblem: string | undefined;
  /** `herald_consumer_running{group}` (undefined: not exported). */
  readonly running: number | undefined;
}

/** Readiness and the running gauge, asked at the same moment. */
export async function consumerSignals(url: string, group: string): Promise<ConsumerSignals> {
  const [ready, metrics] = await Promise.all([
    fetch(`${url}/health/ready`).then(
      async (r) => ({
        status: r.status,
        body: (await r.json()) as { checks?: Record<string, { error?: string }> },
      }),
      () => ({ status: 0, body: { checks: undefined } }),
    ),
    fetch(`${url}/metrics`).then(
      (r) => r.text(),
      () => '',
    ),
  ]);
  const check = ready.body.checks?.[`kafka-consumer:${group}`];
  return {
    readyStatus: ready.status,
    consumerProblem: ready.status === 0 ? 'no answer' : check === undefined ? 'no check' : check.error,
    running: gauge(metrics, 'herald_consumer_running', { group }),
  };
}

/** A sample's value of a Prometheus text metric with exactly these label values (undefined if absent). */
export function gauge(text: string, name: string, labels: Record<string, string>): number | undefined {
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    const labelText = line.slice(name.length + 1, line.indexOf('}'));
    if (wanted.every((pair) => labelText.split(',').includes(pair))) {
      return Number(line.slice(line.lastIndexOf(' ') + 1));
    }
  }
  return undefined;
}

/** A connection to an audit database kept open for frequent counts. */
export class AuditDatabaseProbe {
  private constructor(private readonly client: Client) {}

  static async open(databaseUrl: string): Promise<AuditDatabaseProbe> {
    const client = new Client({ connectionString: databaseUrl });
    await client.connect();
    return new AuditDatabaseProbe(client);
  }

  async storedCount(): Promise<number> {
    try {
      const { rows } = await this.client.query<{ n: string }>('SELECT count(*) AS n FROM audit.audit_events');
      return Number(rows[0]?.n ?? 0);
    } catch (error) {
      // Before the first instance migrated, the table does not exist yet.
      if ((error as { code?: string }).code === '42P01') return 0;
      throw error;
    }
  }

  /** How many rows each stored event id has. */
  async rowsPerEventId(): Promise<Map<string, number>> {
    const { rows } = await this.client.query<{ event_id: string; n: string }>(
      'SELECT event_id, count(*) AS n FROM audit.audit_events GROUP BY event_id',
    );
    return new Map(rows.map((r) => [r.event_id, Number(r.n)]));
  }

  /** The stored next offset of each partition (`topic[partition]` → offset). */
  async positions(): Promise<Map<string, bigint>> {
    const { rows } = await this.client.query<{ topic: string; kafka_partition: number; next_offset: string }>(
      'SELECT topic, kafka_partition, next_offset::text AS next_offset FROM audit.consumer_positions',
    );
    return new Map(rows.map((r) => [`${r.topic}[${r.kafka_partition}]`, BigInt(r.next_offset)]));
  }

  close(): Promise<void> {
    return this.client.end();
  }
}

export interface VerifyReport {
  readonly ok: boolean;
  readonly checked: number;
}

export async function verifyAudit(url: string): Promise<{ status: number; body: VerifyReport }> {
  const response = await fetch(`${url}/v1/audit/verify`, { method: 'POST' });
  return { status: response.status, body: (await response.json()) as VerifyReport };
}

/** Where the count of ids differs from "each produced id exactly once": missing, extra and doubled ids. */
export function exactlyOnceReport(produced: readonly string[], stored: ReadonlyMap<string, number>) {
  const wanted = new Set(produced);
  const missing = produced.filter((id) => !stored.has(id));
  const unexpected = [...stored.keys()].filter((id) => !wanted.has(id));
  const doubled = [...stored.entries()].filter(([, n]) => n !== 1).map(([id, n]) => `${id}×${n}`);
  return {
    produced: produced.length,
    distinctProduced: wanted.size,
    stored: stored.size,
    missing,
    unexpected,
    doubled,
  };
}

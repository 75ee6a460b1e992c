/**
 * The built audit app (`dist/apps/audit/src/main.js`) started as a user starts it, on its own
 * database, consumer group and topic pattern, and its progress read from the positions it
 * stores with its rows (cheaper to poll than `/metrics`, and committed with the rows).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { Client } from 'pg';
import { freePort, ROOT, stopProcess, waitReady } from './gateway-stack';
import { storedThrough } from './audit-bench-kit';

export interface AuditProcessOptions {
  readonly brokers: readonly string[];
  readonly databaseUrl: string;
  readonly registryUrl: string;
  readonly groupId: string;
  readonly topic: string;
  /** Extra node flags, e.g. `--cpu-prof --cpu-prof-dir=/tmp/audit`. */
  readonly nodeArgs?: readonly string[];
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A topic pattern matching exactly `topic`. */
export const onlyTopic = (topic: string): string => `^${escapeRegExp(topic)}$`;

/**
 * A built consumer app (`dist/apps/<app>/src/main.js`) run as its own process, with a client on
 * its database to read its progress; what the audit and analytics benchmarks share.
 */
export class ConsumerAppProcess {
  protected constructor(
    readonly child: ChildProcess,
    readonly url: string,
    protected readonly db: Client,
    protected readonly topic: string,
  ) {}

  /** Spawns the app with `env` (its port in `portVariable`) and connects to its database. */
  protected static async launch(options: {
    readonly app: string;
    readonly portVariable: string;
    readonly env: NodeJS.ProcessEnv;
    readonly databaseUrl: string;
    readonly nodeArgs?: readonly string[];
  }): Promise<{ child: ChildProcess; url: string; db: Client }> {
    const port = await freePort();
    const main = join(ROOT, 'dist', 'apps', options.app, 'src', 'main.js');
    const child = spawn(process.execPath, [...(options.nodeArgs ?? []), main], {
      env: { ...process.env, [options.portVariable]: String(port), LOG_LEVEL: 'warn', ...options.env },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const db = new Client({ connectionString: options.databaseUrl });
    try {
      await db.connect();
    } catch (error) {
      await stopProcess(child);
      throw error;
    }
    return { child, url: `http://127.0.0.1:${port}`, db };
  }

  /** Readiness: HTTP up, PostgreSQL and Kafka reachable, the consumer in its group. */
  ready(): Promise<void> {
    return waitReady(`${this.url}/health/ready`, this.child);
  }

  /** SIGTERM (the app leaves its group and exits; a `--cpu-prof` profile is written then). */
  async stop(): Promise<void> {
    await this.db.end().catch(() => undefined);
    await stopProcess(this.child);
  }
}

export class AuditProcess extends ConsumerAppProcess {
  /** Spawns the app; it starts consuming as soon as it joined its group (call ready() to wait for that). */
  static async spawn(options: AuditProcessOptions): Promise<AuditProcess> {
    const { child, url, db } = await ConsumerAppProcess.launch({
      app: 'audit',
      portVariable: 'AUDIT_PORT',
      databaseUrl: options.databaseUrl,
      nodeArgs: options.nodeArgs,
      env: {
        KAFKA_BROKERS: options.brokers.join(','),
        DATABASE_URL: options.databaseUrl,
        SCHEMA_REGISTRY_URL: options.registryUrl,
        AUDIT_GROUP_ID: options.groupId,
        AUDIT_TOPIC_PATTERN: onlyTopic(options.topic),
      },
    });
    return new AuditProcess(child, url, db, options.topic);
  }

  /** Records of the topic stored so far (the audit's stored positions, summed). */
  stored(): Promise<number> {
    if (this.child.exitCode !== null) throw new Error(`the audit app exited with ${this.child.exitCode}`);
    return storedThrough(this.db, 'audit', this.topic);
  }

  /** Rows stored for the topic, and when the first of them was mapped (wall-clock ms). */
  async rows(): Promise<{ rows: number; firstIngestedAt: number }> {
    const { rows } = await this.db.query<{ n: string; first: string | null }>(
      `SELECT count(*)::text AS n, (extract(epoch FROM min(ingested_at)) * 1000)::text AS first
       FROM audit.audit_events WHERE topic = $1`,
      [this.topic],
    );
    return { rows: Number(rows[0]?.n ?? 0), firstIngestedAt: Number(rows[0]?.first ?? Number.NaN) };
  }

  /** One metric from `/metrics`, summed over its label sets (0 when absent). */
  async metric(name: string): Promise<number> {
    const text = await (await fetch(`${this.url}/metrics`)).text();
    return text
      .split('\n')
      .filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `))
      .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
  }
}

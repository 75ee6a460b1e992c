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

export class AuditProcess {
  private constructor(
    readonly child: ChildProcess,
    readonly url: string,
    private readonly db: Client,
    private readonly topic: string,
  ) {}

  /** Spawns the app; it starts consuming as soon as it joined its group (call ready() to wait for that). */
  static async spawn(options: AuditProcessOptions): Promise<AuditProcess> {
    const port = await freePort();
    const child = spawn(
      process.execPath,
      [...(options.nodeArgs ?? []), join(ROOT, 'dist', 'apps', 'audit', 'src', 'main.js')],
      {
        env: {
          ...process.env,
          AUDIT_PORT: String(port),
          KAFKA_BROKERS: options.brokers.join(','),
          DATABASE_URL: options.databaseUrl,
          SCHEMA_REGISTRY_URL: options.registryUrl,
          AUDIT_GROUP_ID: options.groupId,
          AUDIT_TOPIC_PATTERN: `^${escapeRegExp(options.topic)}$`,
          LOG_LEVEL: 'warn',
        },
        stdio: ['ignore', 'ignore', 'inherit'],
      },
    );
    const db = new Client({ connectionString: options.databaseUrl });
    try {
      await db.connect();
    } catch (error) {
      await stopProcess(child);
      throw error;
    }
    return new AuditProcess(child, `http://127.0.0.1:${port}`, db, options.topic);
  }

  /** Readiness: HTTP up, PostgreSQL and Kafka reachable, the consumer in its group. */
  ready(): Promise<void> {
    return waitReady(`${this.url}/health/ready`, this.child);
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

  /** SIGTERM (the app leaves its group and exits; a `--cpu-prof` profile is written then). */
  async stop(): Promise<void> {
    await this.db.end().catch(() => undefined);
    await stopProcess(this.child);
  }
}

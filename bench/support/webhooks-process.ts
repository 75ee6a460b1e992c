/**
 * The built webhooks app (`dist/apps/webhooks/src/main.js`) started as a user starts it, on its
 * own database (schema `webhooks`), consumer group, topic pattern (exactly one topic) and port,
 * with loopback receivers allowed (`WEBHOOKS_ALLOWLIST=127.0.0.0/8`); its admin API, and what it
 * stored, read from its tables (the fan-out's positions are written with its rows, so they are its
 * progress).
 */
import { storedThrough } from './audit-bench-kit';
import { ConsumerAppProcess, onlyTopic } from './audit-process';
import { waitReady } from './gateway-stack';

export const ADMIN_TOKEN = 'webhooks-bench-admin-token-0123456789';

export interface WebhooksProcessOptions {
  readonly brokers: readonly string[];
  readonly databaseUrl: string;
  readonly registryUrl: string;
  readonly schemasDir: string;
  readonly groupId: string;
  /** The one topic the fan-out reads. */
  readonly topic: string;
  /** Other WEBHOOKS_* settings (timeout, retry schedule, concurrency). */
  readonly env?: Readonly<Record<string, string>>;
  /** Extra node flags, e.g. `--cpu-prof --cpu-prof-dir=/tmp/webhooks`. */
  readonly nodeArgs?: readonly string[];
}

export interface EndpointSpec {
  readonly url: string;
  readonly types: readonly string[];
}

export class WebhooksProcess extends ConsumerAppProcess {
  /** Spawns the app; it consumes as soon as it joined its group. */
  static async spawn(options: WebhooksProcessOptions): Promise<WebhooksProcess> {
    const { child, url, db } = await ConsumerAppProcess.launch({
      app: 'webhooks',
      portVariable: 'WEBHOOKS_PORT',
      databaseUrl: options.databaseUrl,
      nodeArgs: options.nodeArgs,
      env: {
        KAFKA_BROKERS: options.brokers.join(','),
        DATABASE_URL: options.databaseUrl,
        SCHEMA_REGISTRY_URL: options.registryUrl,
        SCHEMAS_DIR: options.schemasDir,
        WEBHOOKS_ADMIN_TOKEN: ADMIN_TOKEN,
        WEBHOOKS_ENCRYPTION_KEYS: `bench:${Buffer.alloc(32, 7).toString('base64')}`,
        WEBHOOKS_GROUP_ID: options.groupId,
        WEBHOOKS_TOPIC_PATTERN: onlyTopic(options.topic),
        WEBHOOKS_ALLOWLIST: '127.0.0.0/8',
        ...options.env,
      },
    });
    return new WebhooksProcess(child, url, db, options.topic);
  }

  /** HTTP up: the schema is migrated and the admin API answers (the consumer may not be in its group yet). */
  live(): Promise<void> {
    return waitReady(`${this.url}/health/live`, this.child);
  }

  /** The admin API; throws unless the answer is `expect`. */
  async api<T>(method: string, path: string, body: unknown, expect: number): Promise<T> {
    const response = await fetch(`${this.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const text = await response.text();
    if (response.status !== expect) throw new Error(`${method} ${path}: ${response.status} ${text}`);
    return JSON.parse(text) as T;
  }

  async createEndpoint(spec: EndpointSpec): Promise<string> {
    const { id } = await this.api<{ id: string }>('POST', '/v1/endpoints', spec, 201);
    return id;
  }

  async patchEndpoint(id: string, change: Record<string, unknown>): Promise<void> {
    await this.api('PATCH', `/v1/endpoints/${id}`, change, 200);
  }

  /** Records of the topic fanned out so far (the stored positions, summed). */
  stored(): Promise<number> {
    if (this.child.exitCode !== null) throw new Error(`the webhooks app exited with ${this.child.exitCode}`);
    return storedThrough(this.db, 'webhooks', this.topic);
  }

  /** One number from the app's tables (a count). */
  async count(sql: string, values: unknown[] = []): Promise<number> {
    const { rows } = await this.db.query<{ n: string | null }>(sql, values);
    return Number(rows[0]?.n ?? 0);
  }

  /** Messages and deliveries stored for the topic, and when the first message was (wall-clock ms). */
  async fannedOut(): Promise<{ messages: number; deliveries: number; firstAt: number }> {
    const { rows } = await this.db.query<{ messages: string; deliveries: string; first: string | null }>(
      `SELECT (SELECT count(*) FROM webhooks.messages WHERE topic = $1)::text AS messages,
              (SELECT count(*) FROM webhooks.deliveries d JOIN webhooks.messages m ON m.id = d.message_id
               WHERE m.topic = $1)::text AS deliveries,
              (SELECT extract(epoch FROM min(created_at)) * 1000 FROM webhooks.messages WHERE topic = $1)::text AS first`,
      [this.topic],
    );
    const row = rows[0]!;
    return { messages: Number(row.messages), deliveries: Number(row.deliveries), firstAt: Number(row.first) };
  }

  /** When each message of the topic was fanned out (its transaction's start, wall-clock ms), by event id. */
  async fannedOutAt(): Promise<Map<string, number>> {
    const { rows } = await this.db.query<{ event_id: string; at: string }>(
      `SELECT event_id, (extract(epoch FROM created_at) * 1000)::text AS at FROM webhooks.messages WHERE topic = $1`,
      [this.topic],
    );
    return new Map(rows.map((r) => [r.event_id, Number(r.at)]));
  }
}

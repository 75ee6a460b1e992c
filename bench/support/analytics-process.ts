/**
 * The built analytics app (`dist/apps/analytics/src/main.js`) started as a user starts it, on its
 * own database, consumer group, topic pattern and metrics file, with no catalog or webhooks app
 * to ask; its progress read from the positions it stores in the same transaction as its counts.
 */
import { storedThrough } from './audit-bench-kit';
import { ConsumerAppProcess, onlyTopic } from './audit-process';

export interface AnalyticsProcessOptions {
  readonly brokers: readonly string[];
  readonly databaseUrl: string;
  readonly registryUrl: string;
  readonly groupId: string;
  readonly topic: string;
  readonly metricsFile: string;
  /** Extra node flags, e.g. `--cpu-prof --cpu-prof-dir=/tmp/analytics`. */
  readonly nodeArgs?: readonly string[];
}

export class AnalyticsProcess extends ConsumerAppProcess {
  /** Spawns the app; it consumes as soon as it joined its group. */
  static async spawn(options: AnalyticsProcessOptions): Promise<AnalyticsProcess> {
    const { child, url, db } = await ConsumerAppProcess.launch({
      app: 'analytics',
      portVariable: 'ANALYTICS_PORT',
      databaseUrl: options.databaseUrl,
      nodeArgs: options.nodeArgs,
      env: {
        KAFKA_BROKERS: options.brokers.join(','),
        DATABASE_URL: options.databaseUrl,
        SCHEMA_REGISTRY_URL: options.registryUrl,
        ANALYTICS_GROUP_ID: options.groupId,
        ANALYTICS_TOPIC_PATTERN: onlyTopic(options.topic),
        ANALYTICS_METRICS_FILE: options.metricsFile,
        GATEWAY_URL: '',
        WEBHOOKS_URL: '',
      },
    });
    return new AnalyticsProcess(child, url, db, options.topic);
  }

  /** Records of the topic counted so far (the stored positions, summed). */
  stored(): Promise<number> {
    if (this.child.exitCode !== null) throw new Error(`the analytics app exited with ${this.child.exitCode}`);
    return storedThrough(this.db, 'analytics', this.topic);
  }

  /** Events counted (the built-in count's rows) and when the first batch's transaction began (wall-clock ms). */
  async counted(): Promise<{ events: number; firstCountedAt: number }> {
    const { rows } = await this.db.query<{ n: string; first: string | null }>(
      `SELECT (SELECT coalesce(sum(count), 0) FROM analytics.event_counts WHERE type = $1)::text AS n,
              (SELECT extract(epoch FROM min(counted_at)) * 1000 FROM analytics.counted_events WHERE scope = 0)::text AS first`,
      [this.topic],
    );
    return { events: Number(rows[0]?.n ?? 0), firstCountedAt: Number(rows[0]?.first ?? Number.NaN) };
  }

  /** The sum of a declared sum metric's live generation over all groups and minutes (exact numeric). */
  async metricTotal(metric: string): Promise<number> {
    const { rows } = await this.db.query<{ total: string | null }>(
      `SELECT sum(p.sum)::text AS total FROM analytics.metric_points p
       JOIN analytics.metric_generations g ON g.id = p.generation
       WHERE g.metric = $1 AND g.state = 'live'`,
      [metric],
    );
    return Number(rows[0]?.total ?? Number.NaN);
  }
}

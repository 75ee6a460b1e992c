/**
 * Starts the analytics app: the declared metrics are loaded and checked against their pinned
 * reader versions first (a bad file stops the boot), then the HTTP app, the generations brought in
 * line with the declared metrics, the consumer attached as the app's microservice transport
 * (readiness `kafka-consumer:<group>`) resuming from the positions stored with the aggregates,
 * and the rebuilds of new metrics (ANALYTICS_REBUILD_NEW_METRICS). The schema belongs to one
 * consumer group: started with another ANALYTICS_GROUP_ID, the app refuses to start.
 */
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { sql, type Kysely } from 'kysely';
import { connectHeraldConsumer } from '@app/kafka';
import { claimConsumerGroup, DATABASE, PostgresConsumerPositions } from '@app/persistence';
import { createHttpApp, kafkaConnection, MetricsService, registryConnection } from '@app/platform';
import { RegistryClient } from '@app/registry-client';
import { ANALYTICS_HTTP_OPTIONS } from './api/analytics-exception.filter';
import { AnalyticsModule } from './analytics.module';
import type { AnalyticsConfig } from './config';
import { MetricReaders } from './consumer/metric-readers';
import { loadDeclaredMetrics } from './metrics-file';
import { MetricRebuilder } from './rebuild/metric-rebuilder';
import { reconcileGenerations } from './storage/generation-store';

export const ANALYTICS_DOCS = {
  name: 'analytics',
  title: 'Herald analytics',
  description: 'Analytics consumer: counts every event once and serves time series and a dashboard.',
};

const PRUNE_EVERY_MS = 60_000;
/** How often unfinished rebuilds are looked for (one whose instance died is taken over once its lease ends). */
const RESUME_EVERY_MS = 15_000;

export async function startAnalyticsApp(config: AnalyticsConfig): Promise<NestFastifyApplication> {
  const registry = new RegistryClient(registryConnection(config));
  const readers = new MetricReaders(registry);
  const declared = await loadDeclaredMetrics(config, readers);
  const app = await createHttpApp(
    AnalyticsModule.register(config, declared, readers),
    ANALYTICS_DOCS,
    ANALYTICS_HTTP_OPTIONS,
  );
  try {
    await app.init(); // migrations run here, before anything is consumed
    const db = app.get<Kysely<unknown>>(DATABASE);
    await claimConsumerGroup(db, config.ANALYTICS_GROUP_ID, 'analytics');
    const pending = await reconcileGenerations(db, declared);
    // Before the consumer starts: a metric whose topic it never read is live from its first record.
    const rebuilder = app.get(MetricRebuilder);
    for (const definition of pending) {
      if (config.ANALYTICS_REBUILD_NEW_METRICS) await rebuilder.rebuild(definition, false);
      else await rebuilder.startWithoutHistory(definition);
    }
    connectHeraldConsumer(app, {
      ...kafkaConnection(config),
      groupId: config.ANALYTICS_GROUP_ID,
      clientId: 'herald-analytics',
      schemaSource: registry,
      metrics: app.get(MetricsService).registry,
      // The position stored with the aggregates is the truth; the group's offsets are only a hint.
      positions: new PostgresConsumerPositions(db),
      // Metrics read the bytes through their own reader versions; avsc values skip the JSON mapping.
      payload: 'avro',
      ...(config.ANALYTICS_TOPIC_PATTERN === undefined
        ? {}
        : { everyEventTopics: config.ANALYTICS_TOPIC_PATTERN }),
      sessionTimeoutMs: config.ANALYTICS_SESSION_TIMEOUT_MS,
      heartbeatIntervalMs: Math.min(3_000, Math.floor(config.ANALYTICS_SESSION_TIMEOUT_MS / 3)),
    });
    await app.startAllMicroservices();
    rebuilder.keepResuming(declared, RESUME_EVERY_MS);
    pruneCountedIds(app, db, config.ANALYTICS_DEDUPE_WINDOW_MS);
    await app.listen(config.ANALYTICS_PORT, config.HOST);
    return app;
  } catch (error) {
    await app.close().catch(() => undefined);
    throw error;
  }
}

/** Forgets the live consumer's counted ids older than the dedupe window, a thousand rows at a time. */
function pruneCountedIds(app: NestFastifyApplication, db: Kysely<unknown>, windowMs: number): void {
  const prune = async (): Promise<void> => {
    for (let deleted = 1_000; deleted === 1_000;) {
      const result = await sql`
        DELETE FROM counted_events WHERE ctid IN (
          SELECT ctid FROM counted_events
          WHERE scope = 0 AND counted_at < now() - ${windowMs} * interval '1 millisecond' LIMIT 1000)`.execute(
        db,
      );
      deleted = Number(result.numAffectedRows ?? 0n);
    }
  };
  const timer = setInterval(() => void prune().catch(() => undefined), PRUNE_EVERY_MS);
  timer.unref();
  const close = app.close.bind(app);
  app.close = async () => {
    clearInterval(timer);
    await close();
  };
}

/**
 * Wires the analytics app: platform (logs, health, metrics), Kafka, its own Postgres schema, the
 * ingest use case over the Postgres store, the read API, the rebuilder and the Kafka edge (whose
 * consumer analytics-app.ts attaches). The declared metrics are loaded and checked before this
 * module is built (analytics-app.ts) and provided as DECLARED_METRICS.
 */
import { randomUUID } from 'node:crypto';
import { DynamicModule, Inject, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import type { Kysely } from 'kysely';
import type { MetricDefinition } from '@app/analytics';
import { KAFKA, KafkaModule } from '@app/kafka';
import { DATABASE, PersistenceModule } from '@app/persistence';
import { databaseConnection, kafkaConnection, MetricsService, PlatformModule } from '@app/platform';
import { APP_FILTER } from '@nestjs/core';
import { AnalyticsExceptionFilter } from './api/analytics-exception.filter';
import { AnalyticsController, DECLARED_METRICS } from './api/analytics.controller';
import { AnalyticsMetricsObserver } from './analytics-metrics';
import type { AnalyticsConfig } from './config';
import { AnalyticsEventsHandler } from './consumer/analytics-events.handler';
import { GroupLagReader } from './consumer/group-lag';
import { MetricReaders } from './consumer/metric-readers';
import { DashboardModule } from './dashboard/dashboard.module';
import { AnalyticsIngest } from './domain/analytics-ingest';
import { AnalyticsQueries } from './domain/analytics-queries';
import { MetricRebuilder } from './rebuild/metric-rebuilder';
import { ANALYTICS_MIGRATIONS } from './storage/analytics-migrations';
import type { AnalyticsDatabase } from './storage/analytics-tables';
import { IngestStore } from './storage/ingest-store';
import { StatsReader } from './storage/stats-reader';

/** Stops the rebuilds and the lag reader's admin client with the app. */
@Injectable()
class AnalyticsLifecycle implements OnApplicationShutdown {
  constructor(
    @Inject(MetricRebuilder) private readonly rebuilder: MetricRebuilder,
    @Inject(GroupLagReader) private readonly lag: GroupLagReader,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await this.rebuilder.stop();
    await this.lag.close();
  }
}

@Module({})
export class AnalyticsModule {
  static register(
    config: AnalyticsConfig,
    declared: readonly MetricDefinition[],
    readers: MetricReaders,
  ): DynamicModule {
    return {
      module: AnalyticsModule,
      imports: [
        PlatformModule.forService({ service: 'analytics', logLevel: config.LOG_LEVEL }),
        KafkaModule.forRoot({ ...kafkaConnection(config), clientId: 'herald-analytics' }),
        PersistenceModule.forRoot({
          ...databaseConnection(config),
          schema: 'analytics',
          migrations: ANALYTICS_MIGRATIONS,
        }),
        DashboardModule.register(config),
      ],
      controllers: [AnalyticsController, AnalyticsEventsHandler],
      providers: [
        AnalyticsLifecycle,
        { provide: APP_FILTER, useClass: AnalyticsExceptionFilter },
        { provide: DECLARED_METRICS, useValue: declared },
        { provide: MetricReaders, useValue: readers },
        {
          provide: IngestStore,
          useFactory: (db: Kysely<unknown>) => new IngestStore(db),
          inject: [DATABASE],
        },
        {
          provide: AnalyticsIngest,
          useFactory: (store: IngestStore, metrics: MetricsService) =>
            new AnalyticsIngest(
              store,
              readers.rowsOf,
              { now: () => Date.now() },
              config.ANALYTICS_LATENESS_MS,
              new AnalyticsMetricsObserver(metrics.registry),
            ),
          inject: [IngestStore, MetricsService],
        },
        {
          provide: AnalyticsQueries,
          useFactory: (db: Kysely<unknown>) =>
            new AnalyticsQueries(db, new StatsReader(db.withTables<AnalyticsDatabase>()), declared),
          inject: [DATABASE],
        },
        {
          provide: GroupLagReader,
          useFactory: (kafka: Kafka) => new GroupLagReader(kafka, config.ANALYTICS_LAG_GROUPS),
          inject: [KAFKA],
        },
        {
          provide: MetricRebuilder,
          useFactory: (db: Kysely<unknown>, kafka: Kafka, store: IngestStore) =>
            new MetricRebuilder(db, kafka, store, readers, {
              groupId: config.ANALYTICS_GROUP_ID,
              owner: randomUUID(),
              latenessMs: config.ANALYTICS_LATENESS_MS,
              leaseMs: 30_000,
            }),
          inject: [DATABASE, KAFKA, IngestStore],
        },
      ],
    };
  }
}

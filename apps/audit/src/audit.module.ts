/**
 * Wires the audit app: platform (logs, health, metrics), Kafka, its own Postgres schema, the
 * audit use cases over the Postgres store, the HTTP API and the Kafka edge (whose consumer
 * audit-app.ts attaches).
 */
import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import type { Kysely } from 'kysely';
import { KafkaModule } from '@app/kafka';
import { DATABASE, PersistenceModule } from '@app/persistence';
import { databaseConnection, kafkaConnection, MetricsService, PlatformModule } from '@app/platform';
import { AuditController } from './api/audit.controller';
import { AuditExceptionFilter } from './api/audit-exception.filter';
import { AuditMetricsObserver } from './audit-metrics';
import type { AuditConfig } from './config';
import { AuditEventsHandler } from './consumer/audit-events.handler';
import { AuditQueries } from './domain/audit-queries';
import {
  AUDIT_OBSERVER,
  AuditRecorder,
  CLOCK,
  type AuditObserver,
  type Clock,
} from './domain/audit-recorder';
import { AUDIT_STORE, type AuditStore } from './domain/audit-store.port';
import { ChainVerifier } from './domain/chain-verifier';
import { AUDIT_MIGRATIONS } from './storage/audit-migrations';
import type { AuditDatabase } from './storage/audit-tables';
import { PostgresAuditStore } from './storage/postgres-audit-store';

const systemClock: Clock = { now: () => new Date() };

@Module({})
export class AuditModule {
  static register(config: AuditConfig): DynamicModule {
    return {
      module: AuditModule,
      imports: [
        PlatformModule.forService({ service: 'audit', logLevel: config.LOG_LEVEL }),
        KafkaModule.forRoot({ ...kafkaConnection(config), clientId: 'herald-audit' }),
        PersistenceModule.forRoot({
          ...databaseConnection(config),
          schema: 'audit',
          migrations: AUDIT_MIGRATIONS,
        }),
      ],
      controllers: [AuditController, AuditEventsHandler],
      providers: [
        { provide: APP_FILTER, useClass: AuditExceptionFilter },
        {
          provide: AUDIT_STORE,
          useFactory: (db: Kysely<AuditDatabase>) => new PostgresAuditStore(db),
          inject: [DATABASE],
        },
        { provide: CLOCK, useValue: systemClock },
        {
          provide: AUDIT_OBSERVER,
          useFactory: (metrics: MetricsService) => new AuditMetricsObserver(metrics.registry),
          inject: [MetricsService],
        },
        {
          provide: AuditRecorder,
          useFactory: (store: AuditStore, clock: Clock, observer: AuditObserver) =>
            new AuditRecorder(store, clock, observer),
          inject: [AUDIT_STORE, CLOCK, AUDIT_OBSERVER],
        },
        {
          provide: AuditQueries,
          useFactory: (store: AuditStore) => new AuditQueries(store),
          inject: [AUDIT_STORE],
        },
        {
          provide: ChainVerifier,
          useFactory: (store: AuditStore) => new ChainVerifier(store),
          inject: [AUDIT_STORE],
        },
      ],
    };
  }
}

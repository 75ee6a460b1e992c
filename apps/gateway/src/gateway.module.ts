/**
 * Wires the gateway (its composition root): platform (logs, health, metrics), Kafka, its Postgres
 * schema (API keys and the idempotency window), the schema registry client and the local catalog,
 * and the publish use case behind the HTTP controllers. Every setting comes from the validated
 * configuration (config.ts); the tokens are in gateway.tokens.ts.
 */
import { resolve } from 'node:path';
import { DynamicModule, Module, type Provider } from '@nestjs/common';
import { APP_FILTER, HttpAdapterHost } from '@nestjs/core';
import type { Kysely } from 'kysely';
import type { Admin, Kafka } from 'kafkajs';
import { ApiKeyStore, type ApiKeysDatabase } from '@app/api-keys';
import { KAFKA, KafkaModule } from '@app/kafka';
import { DATABASE, PersistenceModule } from '@app/persistence';
import {
  databaseConnection,
  heraldTracer,
  kafkaConnection,
  MetricsService,
  PlatformModule,
  registryConnection,
} from '@app/platform';
import { RegistryClient } from '@app/registry-client';
import { AvroCodec, loadCatalog, type Catalog } from '@app/schema';
import { EventTypesController } from './api/event-types.controller';
import { EventsController } from './api/events.controller';
import { GatewayBodyParsers } from './api/gateway-body.parser';
import { GatewayExceptionFilter } from './api/gateway-exception.filter';
import { answerWriterSettings, idempotencySettings, producerSettings, type GatewayConfig } from './config';
import { AnswerWriter } from './domain/answer-writer';
import { EventPreparer } from './domain/event-preparer';
import { EventPublisher } from './domain/event-publisher';
import { EventTypeResolver } from './domain/event-type.resolver';
import { GatewayLimits } from './domain/gateway-limits';
import { PublisherAuthenticator } from './domain/publisher-authenticator';
import { GatewayLifecycle } from './gateway.lifecycle';
import { GatewayMetrics } from './gateway.metrics';
import { CATALOG, EVENT_PRODUCER, IDEMPOTENCY_STORE, KAFKA_ADMIN, REGISTRY } from './gateway.tokens';
import { KafkaEventProducer } from './kafka/kafka-event.producer';
import { tracedProducer } from './kafka/traced-event.producer';
import { TopicPartitions } from './kafka/topic-partitions';
import { GATEWAY_SCHEMA, gatewayMigrations } from './storage/gateway-migrations';
import { PostgresIdempotencyStore } from './storage/postgres-idempotency.store';
import { postgresRateLimiters } from './storage/postgres-rate-leases.store';

/** The HTTP side: body parsing, limits, the catalog it lists, problem+json errors. */
function httpProviders(config: GatewayConfig): Provider[] {
  return [
    { provide: APP_FILTER, useClass: GatewayExceptionFilter },
    {
      provide: GatewayBodyParsers,
      inject: [HttpAdapterHost],
      useFactory: (host: HttpAdapterHost) => new GatewayBodyParsers(host, config.GATEWAY_MAX_BODY_BYTES),
    },
    { provide: GatewayLimits, useValue: new GatewayLimits(config.GATEWAY_MAX_BATCH_EVENTS) },
    { provide: CATALOG, useFactory: () => loadCatalog(resolve(config.SCHEMAS_DIR)) },
  ];
}

/** The adapters: registry client, Kafka producer and admin, the idempotency store. */
function adapterProviders(config: GatewayConfig): Provider[] {
  return [
    { provide: REGISTRY, useFactory: () => new RegistryClient(registryConnection(config)) },
    { provide: KAFKA_ADMIN, inject: [KAFKA], useFactory: (kafka: Kafka) => kafka.admin() },
    {
      provide: EVENT_PRODUCER,
      inject: [KAFKA, KAFKA_ADMIN, GatewayMetrics],
      useFactory: async (kafka: Kafka, admin: Admin, metrics: GatewayMetrics) => {
        if (config.GATEWAY_KAFKA_CLIENT !== 'platformatic')
          return new KafkaEventProducer(kafka, new TopicPartitions(admin), producerSettings(config), metrics);
        // Loaded only when chosen: @platformatic/kafka is an ES module graph that costs every
        // gateway process start-up time and memory otherwise.
        const { PlatformaticEventProducer } = await import('./kafka/platformatic-event.producer');
        return new PlatformaticEventProducer(
          kafkaConnection(config),
          'herald-gateway',
          new TopicPartitions(admin),
          producerSettings(config),
          metrics,
        );
      },
    },
    {
      provide: IDEMPOTENCY_STORE,
      inject: [DATABASE],
      useFactory: (db: Kysely<unknown>) => new PostgresIdempotencyStore(db, idempotencySettings(config)),
    },
  ];
}

/** The use cases: who may publish (keys, rate limits), and publishing itself. */
function domainProviders(config: GatewayConfig): Provider[] {
  return [
    {
      provide: PublisherAuthenticator,
      inject: [DATABASE],
      useFactory: (db: Kysely<ApiKeysDatabase>) =>
        new PublisherAuthenticator(
          new ApiKeyStore(db),
          config.GATEWAY_RATE_LIMIT_PER_SECOND,
          config.GATEWAY_KEY_CACHE_MS,
          Date.now,
          postgresRateLimiters(db),
        ),
    },
    {
      provide: EventPublisher,
      inject: [CATALOG, REGISTRY, EVENT_PRODUCER, IDEMPOTENCY_STORE, GatewayMetrics],
      useFactory: (
        catalog: Catalog,
        registry: RegistryClient,
        producer: KafkaEventProducer,
        idempotency: PostgresIdempotencyStore,
        metrics: GatewayMetrics,
      ) => {
        const resolver = new EventTypeResolver(catalog, registry, config.GATEWAY_LATEST_TTL_MS);
        const preparer = new EventPreparer(resolver, new AvroCodec(registry), {
          maxEventBytes: config.GATEWAY_MAX_EVENT_BYTES,
          registryUrl: registry.url,
        });
        const answers = new AnswerWriter(idempotency, metrics, answerWriterSettings(config));
        return new EventPublisher(
          preparer,
          tracedProducer(producer, heraldTracer()),
          idempotency,
          metrics,
          answers,
        );
      },
    },
  ];
}

@Module({})
export class GatewayModule {
  static register(config: GatewayConfig): DynamicModule {
    return {
      module: GatewayModule,
      imports: [
        PlatformModule.forService({ service: 'gateway', logLevel: config.LOG_LEVEL }),
        KafkaModule.forRoot({ ...kafkaConnection(config), clientId: 'herald-gateway' }),
        PersistenceModule.forRoot({
          ...databaseConnection(config),
          schema: GATEWAY_SCHEMA,
          migrations: gatewayMigrations,
          settings: { synchronous_commit: config.GATEWAY_DEDUPE_SYNC_COMMIT ? 'on' : 'off' },
        }),
      ],
      controllers: [EventsController, EventTypesController],
      providers: [
        {
          provide: GatewayMetrics,
          inject: [MetricsService],
          useFactory: (metrics: MetricsService) => new GatewayMetrics(metrics),
        },
        ...httpProviders(config),
        ...adapterProviders(config),
        ...domainProviders(config),
        GatewayLifecycle,
      ],
    };
  }
}

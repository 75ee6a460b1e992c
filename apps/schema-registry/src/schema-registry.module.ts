/**
 * Wires the schema-registry app: platform (logs, health, metrics), Kafka, and the registry API
 * over the SCHEMA_LOG binding (the `_schemas` log) and the REGISTRY_LEADERSHIP binding.
 */
import { DynamicModule, Module } from '@nestjs/common';
import { KAFKA, KafkaModule } from '@app/kafka';
import type { Kafka } from 'kafkajs';
import { kafkaConnection, MetricsService, PlatformModule } from '@app/platform';
import { REGISTRY_CONTROLLERS, registryApiProviders } from './api';
import type { SchemaRegistryConfig } from './config';
import { REGISTRY_LEADERSHIP, REGISTRY_OBSERVER, SCHEMA_LOG, type RegistryLeadership } from './registry';
import { RegistryElectionLifecycle } from './registry-election.lifecycle';
import { RegistryMetrics } from './registry-metrics';
import { ElectedRegistryLeadership } from './storage/elected-registry-leadership';
import { RegistryLeaderElection } from './storage/registry-leader-election';
import { KafkaSchemaLog } from './storage/kafka-schema-log';
import type { SchemaLog } from './registry/schema-log.port';

@Module({})
export class SchemaRegistryModule {
  static register(config: SchemaRegistryConfig): DynamicModule {
    return {
      module: SchemaRegistryModule,
      imports: [
        PlatformModule.forService({ service: 'schema-registry', logLevel: config.LOG_LEVEL }),
        KafkaModule.forRoot({ ...kafkaConnection(config), clientId: 'herald-schema-registry' }),
      ],
      controllers: REGISTRY_CONTROLLERS,
      providers: [
        {
          provide: SCHEMA_LOG,
          useFactory: (kafka: Kafka) =>
            new KafkaSchemaLog(kafka, {
              topic: config.REGISTRY_TOPIC,
              catchUpTimeoutMs: config.REGISTRY_STORE_TIMEOUT_MS,
            }),
          inject: [KAFKA],
        },
        {
          // Exactly one instance writes `_schemas`; the others forward writes to it.
          provide: RegistryLeaderElection,
          useFactory: (kafka: Kafka) =>
            new RegistryLeaderElection(kafka, {
              advertisedUrl: config.REGISTRY_ADVERTISED_URL ?? `http://127.0.0.1:${config.REGISTRY_PORT}`,
              topic: `${config.REGISTRY_TOPIC}_leader`,
              groupId: `${config.REGISTRY_TOPIC}-leader-election`,
            }),
          inject: [KAFKA],
        },
        {
          provide: REGISTRY_LEADERSHIP,
          useFactory: (election: RegistryLeaderElection) => new ElectedRegistryLeadership(election),
          inject: [RegistryLeaderElection],
        },
        RegistryElectionLifecycle,
        {
          provide: REGISTRY_OBSERVER,
          useFactory: (metrics: MetricsService, leadership: RegistryLeadership, log: SchemaLog) =>
            new RegistryMetrics(metrics, { leadership, log, topic: config.REGISTRY_TOPIC }),
          inject: [MetricsService, REGISTRY_LEADERSHIP, SCHEMA_LOG],
        },
        ...registryApiProviders({
          writeCredentials: { bearerToken: config.REGISTRY_WRITE_TOKEN, basic: config.REGISTRY_BASIC_AUTH },
          store: { storeTimeoutMs: config.REGISTRY_STORE_TIMEOUT_MS },
        }),
      ],
    };
  }
}

/**
 * Wires the schema-registry app: platform (logs, health, metrics), Kafka, and the registry API
 * over the SCHEMA_LOG binding (the `_schemas` log) and the REGISTRY_LEADERSHIP binding.
 */
import { DynamicModule, Module } from '@nestjs/common';
import { KAFKA, KafkaModule } from '@app/kafka';
import type { Kafka } from 'kafkajs';
import { PlatformModule } from '@app/platform';
import { REGISTRY_CONTROLLERS, registryApiProviders } from './api';
import type { SchemaRegistryConfig } from './config';
import { REGISTRY_LEADERSHIP, SCHEMA_LOG, SingleInstanceLeadership } from './registry';
import { KafkaSchemaLog } from './storage/kafka-schema-log';

@Module({})
export class SchemaRegistryModule {
  static register(config: SchemaRegistryConfig): DynamicModule {
    return {
      module: SchemaRegistryModule,
      imports: [
        PlatformModule.forService({ service: 'schema-registry', logLevel: config.LOG_LEVEL }),
        KafkaModule.forRoot({ brokers: config.KAFKA_BROKERS, clientId: 'herald-schema-registry' }),
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
        { provide: REGISTRY_LEADERSHIP, useValue: new SingleInstanceLeadership() },
        ...registryApiProviders({
          writeCredentials: { bearerToken: config.REGISTRY_WRITE_TOKEN, basic: config.REGISTRY_BASIC_AUTH },
          store: { storeTimeoutMs: config.REGISTRY_STORE_TIMEOUT_MS },
        }),
      ],
    };
  }
}

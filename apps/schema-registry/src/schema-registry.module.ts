/**
 * Wires the schema-registry app: platform (logs, health, metrics), Kafka, and the registry API
 * over the SCHEMA_LOG binding (the `_schemas` log) and the REGISTRY_LEADERSHIP binding.
 */
import { DynamicModule, Module } from '@nestjs/common';
import { KafkaModule } from '@app/kafka';
import { PlatformModule } from '@app/platform';
import { REGISTRY_CONTROLLERS, registryApiProviders } from './api';
import type { SchemaRegistryConfig } from './config';
import { REGISTRY_LEADERSHIP, SCHEMA_LOG, SingleInstanceLeadership } from './registry';
import { InMemorySchemaLog } from './storage/in-memory-schema-log';

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
        // Single-instance, in-process state until the `_schemas` topic adapter is bound here.
        { provide: SCHEMA_LOG, useFactory: () => new InMemorySchemaLog() },
        { provide: REGISTRY_LEADERSHIP, useValue: new SingleInstanceLeadership() },
        ...registryApiProviders({
          writeCredentials: { bearerToken: config.REGISTRY_WRITE_TOKEN, basic: config.REGISTRY_BASIC_AUTH },
          store: { storeTimeoutMs: config.REGISTRY_STORE_TIMEOUT_MS },
        }),
      ],
    };
  }
}

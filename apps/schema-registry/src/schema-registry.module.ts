/** Wires the schema-registry app: platform (logs, health, metrics), Kafka. */
import { DynamicModule, Module } from '@nestjs/common';
import { KafkaModule } from '@app/kafka';
import { PlatformModule } from '@app/platform';
import type { SchemaRegistryConfig } from './config';

@Module({})
export class SchemaRegistryModule {
  static register(config: SchemaRegistryConfig): DynamicModule {
    return {
      module: SchemaRegistryModule,
      imports: [
        PlatformModule.forService({ service: 'schema-registry', logLevel: config.LOG_LEVEL }),
        KafkaModule.forRoot({ brokers: config.KAFKA_BROKERS, clientId: 'herald-schema-registry' }),
      ],
    };
  }
}

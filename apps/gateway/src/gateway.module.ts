/** Wires the gateway app: platform (logs, health, metrics), Kafka, its own Postgres schema. */
import { DynamicModule, Module } from '@nestjs/common';
import { KafkaModule } from '@app/kafka';
import { PersistenceModule } from '@app/persistence';
import { PlatformModule } from '@app/platform';
import type { GatewayConfig } from './config';

@Module({})
export class GatewayModule {
  static register(config: GatewayConfig): DynamicModule {
    return {
      module: GatewayModule,
      imports: [
        PlatformModule.forService({ service: 'gateway', logLevel: config.LOG_LEVEL }),
        KafkaModule.forRoot({ brokers: config.KAFKA_BROKERS, clientId: 'herald-gateway' }),
        PersistenceModule.forRoot({ url: config.DATABASE_URL, schema: 'gateway', migrations: {} }),
      ],
    };
  }
}

/** Wires the analytics app: platform (logs, health, metrics), Kafka, its own Postgres schema. */
import { DynamicModule, Module } from '@nestjs/common';
import { KafkaModule } from '@app/kafka';
import { PersistenceModule } from '@app/persistence';
import { PlatformModule } from '@app/platform';
import type { AnalyticsConfig } from './config';

@Module({})
export class AnalyticsModule {
  static register(config: AnalyticsConfig): DynamicModule {
    return {
      module: AnalyticsModule,
      imports: [
        PlatformModule.forService({ service: 'analytics', logLevel: config.LOG_LEVEL }),
        KafkaModule.forRoot({ brokers: config.KAFKA_BROKERS, clientId: 'herald-analytics' }),
        PersistenceModule.forRoot({ url: config.DATABASE_URL, schema: 'analytics', migrations: {} }),
      ],
    };
  }
}

/** Wires the webhooks app: platform (logs, health, metrics), Kafka, its own Postgres schema. */
import { DynamicModule, Module } from '@nestjs/common';
import { KafkaModule } from '@app/kafka';
import { PersistenceModule } from '@app/persistence';
import { PlatformModule } from '@app/platform';
import type { WebhooksConfig } from './config';

@Module({})
export class WebhooksModule {
  static register(config: WebhooksConfig): DynamicModule {
    return {
      module: WebhooksModule,
      imports: [
        PlatformModule.forService({ service: 'webhooks', logLevel: config.LOG_LEVEL }),
        KafkaModule.forRoot({ brokers: config.KAFKA_BROKERS, clientId: 'herald-webhooks' }),
        PersistenceModule.forRoot({ url: config.DATABASE_URL, schema: 'webhooks', migrations: {} }),
      ],
    };
  }
}

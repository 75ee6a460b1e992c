/** Wires the audit app: platform (logs, health, metrics), Kafka, its own Postgres schema. */
import { DynamicModule, Module } from '@nestjs/common';
import { KafkaModule } from '@app/kafka';
import { PersistenceModule } from '@app/persistence';
import { PlatformModule } from '@app/platform';
import type { AuditConfig } from './config';

@Module({})
export class AuditModule {
  static register(config: AuditConfig): DynamicModule {
    return {
      module: AuditModule,
      imports: [
        PlatformModule.forService({ service: 'audit', logLevel: config.LOG_LEVEL }),
        KafkaModule.forRoot({ brokers: config.KAFKA_BROKERS, clientId: 'herald-audit' }),
        PersistenceModule.forRoot({ url: config.DATABASE_URL, schema: 'audit', migrations: {} }),
      ],
    };
  }
}

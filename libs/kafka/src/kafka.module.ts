/**
 * Provides the app's kafkajs client and registers a readiness check that asks the cluster
 * for its metadata through a short-timeout, no-retry admin connection. Over TLS or SASL, the
 * client is provided only after one connection attempt did not fail in a way retrying cannot
 * fix (assertKafkaCredentials).
 */
import {
  DynamicModule,
  Inject,
  Injectable,
  Module,
  OnApplicationShutdown,
  OnModuleInit,
} from '@nestjs/common';
import type { Admin, Kafka } from 'kafkajs';
import { HealthRegistry } from '@app/platform';
import { assertKafkaCredentials, createKafka, type KafkaSettings } from './kafka-client';

export const KAFKA = Symbol('KAFKA');
const KAFKA_SETTINGS = Symbol('KAFKA_SETTINGS');

@Injectable()
export class KafkaReadiness implements OnModuleInit, OnApplicationShutdown {
  private admin: Admin | undefined;

  constructor(
    @Inject(KAFKA_SETTINGS) private readonly settings: KafkaSettings,
    private readonly health: HealthRegistry,
  ) {}

  onModuleInit(): void {
    this.health.register({ name: 'kafka', check: () => this.check() });
  }

  private async check(): Promise<void> {
    if (!this.admin) {
      const probe = createKafka(
        { ...this.settings, clientId: `${this.settings.clientId}-health` },
        { connectionTimeout: 1_000, requestTimeout: 1_500, retry: { retries: 0 } },
      );
      this.admin = probe.admin();
    }
    try {
      await this.admin.connect();
      const cluster = await this.admin.describeCluster();
      if (cluster.brokers.length === 0) throw new Error('the cluster reports no brokers');
    } catch (error) {
      await this.admin.disconnect().catch(() => undefined);
      this.admin = undefined;
      throw error;
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.admin?.disconnect();
  }
}

@Module({})
export class KafkaModule {
  static forRoot(settings: KafkaSettings): DynamicModule {
    return {
      module: KafkaModule,
      providers: [
        { provide: KAFKA_SETTINGS, useValue: settings },
        {
          provide: KAFKA,
          // With TLS or SASL, a wrong password or an untrusted certificate stops the app at boot
          // with what to change, instead of clients retrying it forever.
          useFactory: async (): Promise<Kafka> => {
            if (settings.ssl !== undefined || settings.sasl !== undefined)
              await assertKafkaCredentials(settings);
            return createKafka(settings);
          },
        },
        KafkaReadiness,
      ],
      exports: [KAFKA],
    };
  }
}

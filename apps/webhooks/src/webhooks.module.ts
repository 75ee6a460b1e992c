/**
 * Wires the webhooks app: platform (logs, health, metrics), Kafka, its own Postgres schema, the
 * endpoints admin API (and the endpoint directory and signing secrets it exports), the fan-out
 * edge and use case, the delivery worker over the SSRF-safe sender, and the operators' portal
 * (`GET /`, portal/portal.module.ts). webhooks-app.ts attaches
 * the consumer and starts the worker.
 */
import {
  DynamicModule,
  Inject,
  Injectable,
  Logger,
  Module,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import type { Kysely } from 'kysely';
import { KafkaModule } from '@app/kafka';
import { DATABASE, PersistenceModule } from '@app/persistence';
import {
  databaseConnection,
  HealthRegistry,
  kafkaConnection,
  MetricsService,
  PlatformModule,
  registryConnection,
} from '@app/platform';
import { RegistryClient } from '@app/registry-client';
import type { Catalog } from '@app/schema';
import { DeliveriesController } from './api/deliveries.controller';
import { ENDPOINT_DIRECTORY, EndpointsApiModule, SIGNING_SECRETS } from './api/endpoints-api.module';
import type { WebhooksConfig } from './config';
import { FanOutHandler } from './consumer/fan-out.handler';
import { TENANT_FIELDS, TenantFields } from './consumer/tenant-fields';
import { DeliveryWorker } from './delivery/delivery-worker';
import { PayloadRenderer } from './delivery/payload-renderer';
import { DeliveryQueries } from './domain/delivery-queries';
import { FanOut, type FanOutObserver } from './domain/fan-out';
import type { EndpointDirectory, SigningSecrets, WebhookSender } from './domain/ports';
import { RetryPolicy } from './domain/retry-policy';
import { createDestinationPolicy, createSsrfSafeSender } from './http';
import { OperationsModule } from './operations.module';
import { PortalModule } from './portal/portal.module';
import { PostgresDeliveryReader } from './storage/delivery-reader.postgres';
import { PostgresDeliveryStore } from './storage/delivery-store';
import { DeliveryNotifications } from './storage/delivery-notifications';
import { PostgresFanOutStore } from './storage/fan-out-store';
import { WEBHOOKS_MIGRATIONS } from './storage/webhooks-migrations';
import { WebhooksMetrics } from './webhooks-metrics';

export const WEBHOOK_SENDER = Symbol('WEBHOOK_SENDER');
const ATTEMPT_RETENTION_MS = Symbol('ATTEMPT_RETENTION_MS');

/**
 * Starts the delivery loop once every module is initialised (the schema is migrated) and stops
 * it, with its notifications and the sender's connection pools, before the database pool closes.
 */
@Injectable()
export class DeliveryLifecycle implements OnApplicationBootstrap, OnModuleDestroy {
  constructor(
    private readonly worker: DeliveryWorker,
    private readonly notifications: DeliveryNotifications,
    @Inject(WEBHOOK_SENDER) private readonly sender: WebhookSender,
    private readonly health: HealthRegistry,
    private readonly store: PostgresDeliveryStore,
    @Inject(ATTEMPT_RETENTION_MS) private readonly retentionMs: number,
  ) {}

  private readonly logger = new Logger('DeliveryLifecycle');

  private pruneTimer: NodeJS.Timeout | undefined;

  async onApplicationBootstrap(): Promise<void> {
    await this.notifications.start();
    this.worker.start();
    // Attempts of delivered deliveries are kept WEBHOOKS_ATTEMPT_RETENTION_MS, pruned every 10 minutes,
    // with the rate windows that ended (those of deleted endpoints among them).
    const prune = (): void => {
      this.store.pruneAttempts(this.retentionMs).catch((error: unknown) => {
        this.logger.warn(`pruning old attempts failed: ${String(error)}`);
      });
      this.store.pruneRateWindows().catch((error: unknown) => {
        this.logger.warn(`pruning old rate windows failed: ${String(error)}`);
      });
    };
    this.pruneTimer = setInterval(prune, 600_000);
    this.pruneTimer.unref();
    prune();
    this.health.register({
      name: 'delivery-worker',
      check: async () => {
        const problem = this.worker.problem();
        if (problem !== undefined) throw new Error(problem);
      },
    });
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.pruneTimer);
    await this.worker.stop();
    await this.notifications.stop();
    await this.sender.close();
  }
}

@Module({})
export class WebhooksModule {
  /** `catalog`: the event types (loadCatalog of SCHEMAS_DIR), for type patterns, pins and tenant fields. */
  static register(config: WebhooksConfig, loaded: Catalog): DynamicModule {
    const allowlist = config.WEBHOOKS_ALLOWLIST;
    const persistence = PersistenceModule.forRoot({
      ...databaseConnection(config),
      schema: 'webhooks',
      migrations: WEBHOOKS_MIGRATIONS,
    });
    return {
      module: WebhooksModule,
      imports: [
        PlatformModule.forService({ service: 'webhooks', logLevel: config.LOG_LEVEL }),
        KafkaModule.forRoot({ ...kafkaConnection(config), clientId: 'herald-webhooks' }),
        persistence,
        EndpointsApiModule.register({
          config,
          database: persistence,
          catalog: loaded,
          destinationPolicy: createDestinationPolicy({ allowlist }),
        }),
        OperationsModule.register({ config, database: persistence, catalog: loaded }),
        PortalModule,
      ],
      controllers: [FanOutHandler, DeliveriesController],
      providers: [
        { provide: TENANT_FIELDS, useValue: new TenantFields(loaded) },
        {
          provide: WebhooksMetrics,
          useFactory: (metrics: MetricsService, db: Kysely<unknown>) =>
            new WebhooksMetrics(metrics.registry, db),
          inject: [MetricsService, DATABASE],
        },
        {
          provide: FanOut,
          useFactory: (directory: EndpointDirectory, db: Kysely<unknown>, observer: FanOutObserver) =>
            new FanOut(directory, new PostgresFanOutStore(db), observer),
          inject: [ENDPOINT_DIRECTORY, DATABASE, WebhooksMetrics],
        },
        { provide: WEBHOOK_SENDER, useFactory: () => createSsrfSafeSender({ allowlist }) },
        { provide: ATTEMPT_RETENTION_MS, useValue: config.WEBHOOKS_ATTEMPT_RETENTION_MS },
        {
          provide: PostgresDeliveryStore,
          useFactory: (db: Kysely<unknown>) =>
            new PostgresDeliveryStore(db, config.WEBHOOKS_DISABLE_AFTER_MS),
          inject: [DATABASE],
        },
        {
          provide: DeliveryWorker,
          useFactory: (
            store: PostgresDeliveryStore,
            secrets: SigningSecrets,
            sender: WebhookSender,
            metrics: WebhooksMetrics,
          ) =>
            new DeliveryWorker(
              store,
              secrets,
              new PayloadRenderer(new RegistryClient(registryConnection(config))),
              sender,
              new RetryPolicy(config.WEBHOOKS_RETRY_SCHEDULE),
              {
                concurrency: config.WEBHOOKS_CONCURRENCY,
                timeoutMs: config.WEBHOOKS_TIMEOUT_MS,
                pollMs: 1_000,
              },
              new Logger('DeliveryWorker'),
              metrics,
            ),
          inject: [PostgresDeliveryStore, SIGNING_SECRETS, WEBHOOK_SENDER, WebhooksMetrics],
        },
        {
          provide: DeliveryNotifications,
          useFactory: (worker: DeliveryWorker) =>
            new DeliveryNotifications(
              databaseConnection(config).url,
              () => worker.wake(),
              new Logger('DeliveryNotifications'),
            ),
          inject: [DeliveryWorker],
        },
        DeliveryLifecycle,
        {
          provide: DeliveryQueries,
          useFactory: (db: Kysely<unknown>, worker: DeliveryWorker) =>
            new DeliveryQueries(new PostgresDeliveryReader(db), () => worker.wake()),
          inject: [DATABASE, DeliveryWorker],
        },
      ],
    };
  }
}

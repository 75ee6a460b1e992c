/**
 * The operations side of the webhooks app, in one module for WebhooksModule to import: the
 * recover, replay and test-event routes on an endpoint, the jobs API, and the job runner that runs
 * recover and replay jobs on this instance (claimed with a lease, resumed after a crash; readiness
 * `job-runner`). It shares the app's database (the same PersistenceModule object) and reads Kafka
 * with a client of its own, in throw-away groups only.
 *
 *   imports: [persistence, OperationsModule.register({ config, database: persistence, catalog })]
 */
import {
  Inject,
  Injectable,
  Logger,
  Module,
  type DynamicModule,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import type { Kysely } from 'kysely';
import { randomUUID } from 'node:crypto';
import { uuidv7 } from 'uuidv7';
import { createKafka } from '@app/kafka';
import { DATABASE } from '@app/persistence';
import {
  databaseConnection,
  HealthRegistry,
  kafkaConnection,
  registryConnection,
  type databaseVariables,
  type kafkaSecurityVariables,
  type registryClientVariables,
} from '@app/platform';
import { RegistryClient } from '@app/registry-client';
import { AvroCodec, type Catalog } from '@app/schema';
import { JobsController } from './api/jobs.controller';
import { OperationsController } from './api/operations.controller';
import type { WebhooksConfig } from './config';
import { TenantFields } from './consumer/tenant-fields';
import { EndpointOperations } from './domain/endpoint-operations';
import { JOB_STORE, Jobs, type JobStore } from './domain/jobs';
import { newJobId } from './domain/operation-requests';
import { TestEvents } from './domain/test-events';
import { JobRunner } from './jobs/job-runner';
import { KafkaHistoryReader } from './jobs/kafka-history-reader';
import { RecoverJob } from './jobs/recover-job';
import { ReplayJob } from './jobs/replay-job';
import { DeliveryNotifications } from './storage/delivery-notifications';
import type { WebhooksDatabase } from './storage/webhooks-tables';
import { PostgresEndpointStore } from './storage/endpoint-store.postgres';
import { JOBS_CHANNEL, PostgresJobStore } from './storage/job-store.postgres';
import { PostgresJobRuns } from './storage/job-runs.postgres';
import { PostgresRecoverStore } from './storage/recover-store.postgres';
import { PostgresReplayStore } from './storage/replay-store.postgres';
import { PostgresTestEventStore } from './storage/test-event-store.postgres';

export type OperationsConfig = Pick<
  WebhooksConfig,
  | 'DATABASE_URL'
  | 'KAFKA_BROKERS'
  | 'SCHEMA_REGISTRY_URL'
  | 'WEBHOOKS_TOPIC_PATTERN'
  | 'WEBHOOKS_RECOVER_LIMIT'
  | 'WEBHOOKS_REPLAY_LIMIT'
  | 'WEBHOOKS_JOB_LEASE_MS'
  | keyof typeof kafkaSecurityVariables
  | keyof typeof databaseVariables
  | keyof typeof registryClientVariables
>;

export interface OperationsOptions {
  readonly config: OperationsConfig;
  /** The app's `PersistenceModule.forRoot(...)` object itself (one pool, migrated once). */
  readonly database: DynamicModule;
  readonly catalog: Catalog;
}

const JOB_NOTIFICATIONS = Symbol('JOB_NOTIFICATIONS');

/** Starts the job runner once the schema is migrated, and gives its jobs back before the pool closes. */
@Injectable()
export class JobsLifecycle implements OnApplicationBootstrap, OnModuleDestroy {
  constructor(
    private readonly runner: JobRunner,
    @Inject(JOB_NOTIFICATIONS) private readonly notifications: DeliveryNotifications,
    private readonly health: HealthRegistry,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.notifications.start();
    this.runner.start();
    this.health.register({
      name: 'job-runner',
      check: async () => {
        const problem = this.runner.problem();
        if (problem !== undefined) throw new Error(problem);
      },
    });
  }

  async onModuleDestroy(): Promise<void> {
    await this.runner.stop();
    await this.notifications.stop();
  }
}

@Module({})
export class OperationsModule {
  static register(options: OperationsOptions): DynamicModule {
    const { config, catalog } = options;
    const registry = new RegistryClient(registryConnection(config));
    return {
      module: OperationsModule,
      imports: [options.database],
      controllers: [OperationsController, JobsController],
      providers: [
        {
          provide: JOB_STORE,
          useFactory: (db: Kysely<unknown>) => new PostgresJobStore(db.withTables<WebhooksDatabase>()),
          inject: [DATABASE],
        },
        {
          provide: JobRunner,
          useFactory: (db: Kysely<unknown>) => {
            const runs = new PostgresJobRuns(db, {
              owner: `${process.pid}-${randomUUID()}`,
              leaseMs: config.WEBHOOKS_JOB_LEASE_MS,
              maxRuns: 5,
            });
            const history = new KafkaHistoryReader(
              createKafka({ ...kafkaConnection(config), clientId: 'herald-webhooks-replay' }),
              config.WEBHOOKS_TOPIC_PATTERN,
            );
            return new JobRunner(
              runs,
              {
                recover: new RecoverJob(runs, new PostgresRecoverStore(db), config.WEBHOOKS_RECOVER_LIMIT),
                replay: new ReplayJob(
                  runs,
                  new PostgresReplayStore(),
                  history,
                  new PostgresEndpointStore(db.withTables<WebhooksDatabase>()),
                  new AvroCodec(registry),
                  new TenantFields(catalog),
                  config.WEBHOOKS_REPLAY_LIMIT,
                ),
              },
              {
                concurrency: 4,
                pollMs: 1_000,
                heartbeatMs: Math.max(250, Math.floor(config.WEBHOOKS_JOB_LEASE_MS / 3)),
              },
              new Logger('JobRunner'),
            );
          },
          inject: [DATABASE],
        },
        {
          provide: JOB_NOTIFICATIONS,
          useFactory: (runner: JobRunner) =>
            new DeliveryNotifications(
              databaseConnection(config).url,
              () => runner.wake(),
              new Logger('JobNotifications'),
              JOBS_CHANNEL,
            ),
          inject: [JobRunner],
        },
        {
          provide: Jobs,
          useFactory: (store: JobStore, runner: JobRunner) => new Jobs(store, newJobId, () => runner.wake()),
          inject: [JOB_STORE, JobRunner],
        },
        {
          provide: EndpointOperations,
          useFactory: (jobs: Jobs, db: Kysely<unknown>) =>
            new EndpointOperations(
              jobs,
              new TestEvents(
                new PostgresEndpointStore(db.withTables<WebhooksDatabase>()),
                catalog,
                registry,
                new PostgresTestEventStore(db),
                uuidv7,
              ),
            ),
          inject: [Jobs, DATABASE],
        },
        JobsLifecycle,
      ],
    };
  }
}

/**
 * Everything the endpoints side of the webhooks app needs, in one module for WebhooksModule to
 * import: the admin API (the endpoints' and the pins' controllers, use cases, the admin-token and
 * body-limit hooks, the app's exception filter) over the PostgreSQL store, and the adapters the
 * fan-out and the delivery workers use, exported under ENDPOINT_DIRECTORY and SIGNING_SECRETS. A
 * LISTEN connection refreshes both caches when an endpoint changes (on any instance).
 *
 *   const persistence = PersistenceModule.forRoot({ ... });   // one object, imported by both
 *   imports: [persistence, EndpointsApiModule.register({ config, database: persistence, destinationPolicy })]
 */
import {
  Inject,
  Injectable,
  Module,
  type DynamicModule,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import type { Kysely } from 'kysely';
import { resolve } from 'node:path';
import { DATABASE } from '@app/persistence';
import { HealthRegistry } from '@app/platform';
import { loadCatalog, type Catalog } from '@app/schema';
import type { WebhooksConfig } from '../config';
import {
  ADMIN_CLOCK,
  EndpointAdmin,
  SECRET_ISSUER,
  type AdminClock,
  type SecretIssuer,
} from '../domain/endpoint-admin';
import { EndpointRules } from '../domain/endpoint-rules';
import { ENDPOINT_STORE, type EndpointStore } from '../domain/endpoint-store.port';
import type { DestinationPolicy } from '../domain/ports';
import { CachedSigningSecrets } from '../secrets/cached-signing-secrets';
import { SecretCipher } from '../secrets/secret-cipher';
import { SealingSecretIssuer } from '../secrets/webhook-secret';
import { EndpointChangeListener } from '../storage/endpoint-changes.listener';
import { PostgresEndpointDirectory } from '../storage/endpoint-directory.postgres';
import type { WebhooksDatabase } from '../storage/webhooks-tables';
import { PostgresEndpointStore } from '../storage/endpoint-store.postgres';
import { ADMIN_API_OPTIONS, AdminApiHooks, DEFAULT_ADMIN_BODY_LIMIT } from './admin-api.hooks';
import { EndpointsController } from './endpoints.controller';
import { PinsController } from './pins.controller';
import { WebhooksExceptionFilter } from './webhooks-exception.filter';

/** The EndpointDirectory port (fan-out): a PostgresEndpointDirectory. */
export const ENDPOINT_DIRECTORY = Symbol('ENDPOINT_DIRECTORY');
/** The SigningSecrets port (delivery workers): a CachedSigningSecrets. */
export const SIGNING_SECRETS = Symbol('SIGNING_SECRETS');
const ENDPOINTS_CATALOG = Symbol('ENDPOINTS_CATALOG');
const DESTINATION_POLICY = Symbol('ENDPOINTS_DESTINATION_POLICY');

export type EndpointsApiConfig = Pick<
  WebhooksConfig,
  | 'DATABASE_URL'
  | 'SCHEMAS_DIR'
  | 'WEBHOOKS_ADMIN_TOKEN'
  | 'WEBHOOKS_ENCRYPTION_KEYS'
  | 'WEBHOOKS_SECRET_OVERLAP_MS'
>;

export interface EndpointsApiOptions {
  readonly config: EndpointsApiConfig;
  /**
   * A module exporting DATABASE: the app's `PersistenceModule.forRoot(...)` object itself (the
   * same reference the app imports, so Nest shares one pool and migrates once).
   */
  readonly database: DynamicModule;
  /** The SSRF, scheme and credential rules URLs are checked with on create and update. */
  readonly destinationPolicy: DestinationPolicy;
  /** The catalog already loaded; loaded from SCHEMAS_DIR when absent. */
  readonly catalog?: Catalog;
  /** Largest admin request body in bytes (64 KiB). */
  readonly bodyLimit?: number;
  /** How often the endpoint directory reloads without a notification (2 s). */
  readonly directoryRefreshMs?: number;
}

const systemClock: AdminClock = { now: () => new Date() };

/** Starts and stops the caches' refresh, and tells readiness whether the directory is fresh. */
@Injectable()
export class EndpointCachesLifecycle implements OnApplicationBootstrap, OnModuleDestroy {
  constructor(
    private readonly listener: EndpointChangeListener,
    @Inject(ENDPOINT_DIRECTORY) private readonly directory: PostgresEndpointDirectory,
    @Inject(SIGNING_SECRETS) private readonly secrets: CachedSigningSecrets,
    private readonly health: HealthRegistry,
  ) {}

  /** After every module's init, so the schema is migrated before the first load. */
  onApplicationBootstrap(): void {
    this.listener.subscribe((endpointId) => {
      if (endpointId === undefined) this.secrets.forgetAll();
      else this.secrets.forget(endpointId);
      this.directory.refresh().catch(() => undefined); // the periodic reload logs failures
    });
    this.listener.start();
    this.directory.start();
    this.health.register({ name: 'endpoint-directory', check: async () => this.directory.assertFresh() });
  }

  /** Before the database pool closes (its onApplicationShutdown). */
  async onModuleDestroy(): Promise<void> {
    this.directory.stop();
    await this.listener.stop();
  }
}

@Module({})
export class EndpointsApiModule {
  static register(options: EndpointsApiOptions): DynamicModule {
    const { config } = options;
    return {
      module: EndpointsApiModule,
      imports: [options.database],
      controllers: [EndpointsController, PinsController],
      providers: [
        { provide: APP_FILTER, useClass: WebhooksExceptionFilter },
        {
          provide: ADMIN_API_OPTIONS,
          useValue: {
            token: config.WEBHOOKS_ADMIN_TOKEN,
            bodyLimit: options.bodyLimit ?? DEFAULT_ADMIN_BODY_LIMIT,
          },
        },
        AdminApiHooks,
        {
          provide: ENDPOINTS_CATALOG,
          useFactory: () => options.catalog ?? loadCatalog(resolve(config.SCHEMAS_DIR)),
        },
        { provide: DESTINATION_POLICY, useValue: options.destinationPolicy },
        { provide: SecretCipher, useValue: new SecretCipher(config.WEBHOOKS_ENCRYPTION_KEYS) },
        {
          provide: SECRET_ISSUER,
          useFactory: (c: SecretCipher) => new SealingSecretIssuer(c),
          inject: [SecretCipher],
        },
        { provide: ADMIN_CLOCK, useValue: systemClock },
        {
          provide: ENDPOINT_STORE,
          useFactory: (db: Kysely<unknown>) => new PostgresEndpointStore(db.withTables<WebhooksDatabase>()),
          inject: [DATABASE],
        },
        {
          provide: EndpointChangeListener,
          useFactory: () => new EndpointChangeListener(config.DATABASE_URL),
        },
        {
          provide: ENDPOINT_DIRECTORY,
          useFactory: (store: EndpointStore) =>
            new PostgresEndpointDirectory(store, { refreshMs: options.directoryRefreshMs ?? 2_000 }),
          inject: [ENDPOINT_STORE],
        },
        {
          provide: SIGNING_SECRETS,
          useFactory: (store: EndpointStore, cipher: SecretCipher) => new CachedSigningSecrets(store, cipher),
          inject: [ENDPOINT_STORE, SecretCipher],
        },
        {
          provide: EndpointAdmin,
          useFactory: (
            store: EndpointStore,
            catalog: Catalog,
            policy: DestinationPolicy,
            issuer: SecretIssuer,
            clock: AdminClock,
          ) =>
            new EndpointAdmin(
              store,
              new EndpointRules(catalog, policy),
              issuer,
              clock,
              config.WEBHOOKS_SECRET_OVERLAP_MS,
            ),
          inject: [ENDPOINT_STORE, ENDPOINTS_CATALOG, DESTINATION_POLICY, SECRET_ISSUER, ADMIN_CLOCK],
        },
        EndpointCachesLifecycle,
      ],
      exports: [ENDPOINT_DIRECTORY, SIGNING_SECRETS],
    };
  }
}

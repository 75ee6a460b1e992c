/**
 * Wires an app to its own Postgres schema: creates the database if missing, migrates at boot
 * (fail fast: an app must not serve on a schema it does not understand), and reports
 * readiness with a round trip to the server.
 */
import {
  DynamicModule,
  Inject,
  Injectable,
  Module,
  OnApplicationShutdown,
  OnModuleInit,
} from '@nestjs/common';
import { sql, type Kysely, type Migration } from 'kysely';
import { HealthRegistry } from '@app/platform';
import { createDatabase, ensureDatabase, migrateSchema } from './database';

export const DATABASE = Symbol('DATABASE');
const PERSISTENCE_OPTIONS = Symbol('PERSISTENCE_OPTIONS');

export interface PersistenceOptions {
  readonly url: string;
  readonly schema: string;
  /** Most connections of the app's pool (default 10; DATABASE_POOL_MAX through databaseConnection). */
  readonly maxConnections?: number;
  readonly migrations: Readonly<Record<string, Migration>>;
  /** Session settings for the app's connections (see DatabaseOptions.settings). */
  readonly settings?: Readonly<Record<string, string>>;
}

@Injectable()
export class DatabaseLifecycle implements OnModuleInit, OnApplicationShutdown {
  constructor(
    @Inject(PERSISTENCE_OPTIONS) private readonly options: PersistenceOptions,
    @Inject(DATABASE) private readonly db: Kysely<unknown>,
    private readonly health: HealthRegistry,
  ) {}

  async onModuleInit(): Promise<void> {
    await ensureDatabase(this.options.url);
    await migrateSchema(this.db, this.options.schema, this.options.migrations);
    this.health.register({
      name: 'postgres',
      check: async () => {
        await sql`SELECT 1`.execute(this.db);
      },
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.db.destroy();
  }
}

@Module({})
export class PersistenceModule {
  static forRoot(options: PersistenceOptions): DynamicModule {
    return {
      module: PersistenceModule,
      providers: [
        { provide: PERSISTENCE_OPTIONS, useValue: options },
        { provide: DATABASE, useFactory: () => createDatabase(options) },
        DatabaseLifecycle,
      ],
      exports: [DATABASE],
    };
  }
}

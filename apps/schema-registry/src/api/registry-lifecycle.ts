/**
 * Starts reading the `_schemas` log when the app boots and stops it on shutdown. Boot does not
 * wait for the log: the process serves liveness at once, readiness reports `schema-log` down
 * until every record present at start is applied, and registry requests wait (bounded) for it.
 */
import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { HealthRegistry } from '@app/platform';
import { RegistryStore } from '../registry';

@Injectable()
export class RegistryLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('SchemaRegistry');

  constructor(
    private readonly store: RegistryStore,
    private readonly health: HealthRegistry,
  ) {}

  onApplicationBootstrap(): void {
    this.health.register({ name: 'schema-log', check: () => this.store.checkLoaded() });
    void this.store.start().then(
      () => this.logger.log('schema registry state loaded from the _schemas log'),
      (error: unknown) => this.logger.error(error instanceof Error ? error.message : String(error)),
    );
  }

  async onApplicationShutdown(): Promise<void> {
    await this.store.stop();
  }
}

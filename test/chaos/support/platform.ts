/**
 * Every app of Herald on one Kafka and one database, as a chaos run needs it: the registry (its
 * schemas pushed with the CLI), the gateway, webhooks (one endpoint: the run's receiver, for the
 * payment type), analytics and audit, `instances` of each, and an API key for every type.
 * Consumer apps run with the broker's shortest session (6 s) where they allow it, so a killed
 * instance's partitions move within seconds; the gateway's per-key rate limit is lifted.
 * Create it before starting, so that `stop()` in afterAll kills whatever did start.
 */
import { freePort, uniqueName } from '@app/testing';
import { AppProcess, herald, type AppName } from './apps';
import { PAYMENT_TYPE } from './publisher';

export const REGISTRY_TOKEN = 'chaos-registry-token-0123456789abcdef';
export const ADMIN_TOKEN = 'chaos-admin-token-0123456789abcdef';
const ENCRYPTION_KEYS = `k1:${Buffer.alloc(32, 7).toString('base64')}`;

export interface PlatformOptions {
  readonly brokers: readonly string[];
  readonly databaseUrl: string;
  /** The webhook endpoint every payment event goes to. */
  readonly receiverUrl: string;
  /** Instances of each app; default 1. */
  readonly instances?: 1 | 2;
  /** More env for one app (over the defaults), e.g. timeouts a scenario shortens. */
  readonly env?: Partial<Record<AppName, NodeJS.ProcessEnv>>;
}

export class Platform {
  readonly registries: AppProcess[] = [];
  readonly gateways: AppProcess[] = [];
  readonly webhooks: AppProcess[] = [];
  readonly analytics: AppProcess[] = [];
  readonly audit: AppProcess[] = [];
  /** The API key the CLI created (`--types '*'`). */
  key = '';

  constructor(private readonly options: PlatformOptions) {}

  get all(): AppProcess[] {
    return [...this.registries, ...this.gateways, ...this.webhooks, ...this.analytics, ...this.audit];
  }

  /** The consumer apps: webhooks, analytics, audit. */
  get consumers(): AppProcess[] {
    return [...this.webhooks, ...this.analytics, ...this.audit];
  }

  /** Env for the CLI (bin/herald.js) against this platform. */
  get cliEnv(): NodeJS.ProcessEnv {
    return {
      KAFKA_BROKERS: this.options.brokers.join(','),
      REGISTRY_WRITE_TOKEN: REGISTRY_TOKEN,
      DATABASE_URL: this.options.databaseUrl,
    };
  }

  /**
   * Registries first (the last-listed one first, so the first, which every app and the CLI talk
   * to, is likelier not to lead and forwards writes), the schemas, one instance of each app (each
   * creates its schema), the endpoint, the other instances, then the key.
   */
  async start(): Promise<this> {
    const instances = this.options.instances ?? 1;
    const registryEnv = {
      REGISTRY_TOPIC: uniqueName('_schemas-chaos'),
      REGISTRY_WRITE_TOKEN: REGISTRY_TOKEN,
    };
    for (let i = 0; i < instances; i++) this.registries.push(await this.app('schema-registry', registryEnv));
    for (const registry of [...this.registries].reverse()) await registry.start().ready();
    const registry = this.registries[0] as AppProcess;
    const pushed = herald(['schemas', 'push', '--registry', registry.url], this.cliEnv);
    if (pushed.status !== 0) throw new Error(`herald schemas push failed: ${pushed.stderr}`);

    const envs = this.appEnvs(registry.url);
    for (let i = 0; i < instances; i++) {
      this.gateways.push(await this.app('gateway', envs.gateway));
      this.webhooks.push(await this.app('webhooks', envs.webhooks));
      this.analytics.push(await this.app('analytics', envs.analytics));
      this.audit.push(await this.app('audit', envs.audit));
    }
    const firsts = [this.gateways[0], this.webhooks[0], this.analytics[0], this.audit[0]] as AppProcess[];
    await Promise.all(firsts.map((app) => app.start().ready()));
    const endpointsLoadedAt = await this.createEndpoint(this.webhooks[0] as AppProcess);
    const others = this.all.filter((app) => app.name !== 'schema-registry' && !firsts.includes(app));
    await Promise.all(others.map((app) => app.start().ready()));
    // An instance started before the endpoint reloads the directory on the change's notification,
    // and at the latest after its 2 s refresh (endpoint-directory.postgres.ts): let that bound pass.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, endpointsLoadedAt + 2_500 - Date.now())));

    const created = herald(['keys', 'create', '--producer', 'chaos', '--types', '*', '--json'], this.cliEnv);
    if (created.status !== 0) throw new Error(`herald keys create failed: ${created.stderr}`);
    this.key = (JSON.parse(created.stdout) as { key: string }).key;
    return this;
  }

  /** SIGKILL to every app still running. */
  async stop(): Promise<void> {
    await Promise.all(this.all.map((app) => app.stop('SIGKILL')));
  }

  private async app(name: AppName, env: NodeJS.ProcessEnv): Promise<AppProcess> {
    const base = { KAFKA_BROKERS: this.options.brokers.join(','), DATABASE_URL: this.options.databaseUrl };
    return new AppProcess(name, await freePort(), { ...base, ...env, ...this.options.env?.[name] });
  }

  private appEnvs(
    registryUrl: string,
  ): Record<'gateway' | 'webhooks' | 'analytics' | 'audit', NodeJS.ProcessEnv> {
    const common = { SCHEMA_REGISTRY_URL: registryUrl };
    return {
      gateway: { ...common, GATEWAY_RATE_LIMIT_PER_SECOND: '10000000' },
      webhooks: {
        ...common,
        WEBHOOKS_GROUP_ID: uniqueName('webhooks-chaos'),
        WEBHOOKS_ADMIN_TOKEN: ADMIN_TOKEN,
        WEBHOOKS_ENCRYPTION_KEYS: ENCRYPTION_KEYS,
        WEBHOOKS_ALLOWLIST: '127.0.0.1',
      },
      analytics: {
        ...common,
        ANALYTICS_GROUP_ID: uniqueName('analytics-chaos'),
        ANALYTICS_SESSION_TIMEOUT_MS: '6000',
      },
      audit: { ...common, AUDIT_GROUP_ID: uniqueName('audit-chaos'), AUDIT_SESSION_TIMEOUT_MS: '6000' },
    };
  }

  /** The receiver's endpoint for the payment type; returns when it was created. */
  private async createEndpoint(webhooks: AppProcess): Promise<number> {
    const response = await fetch(`${webhooks.url}/v1/endpoints`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ url: this.options.receiverUrl, types: [PAYMENT_TYPE] }),
    });
    if (response.status !== 201) throw new Error(`endpoint creation answered ${response.status}`);
    await response.body?.cancel();
    return Date.now();
  }
}

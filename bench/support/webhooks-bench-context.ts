/**
 * What the webhooks benchmark's scenarios share: the settings, the Kafka client, the gateway
 * stack (registry, gateway, the latency topic), the receiver process, the bench catalog, the
 * preloaded topic the fan-out reads, how a round's app is started, and the consumer groups and
 * databases the rounds make (deleted by `close()`).
 */
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { createDatabase, dropDatabase, preloadPayments } from './audit-bench-kit';
import type { GatewayStack } from './gateway-stack';
import { WebhooksProcess, type WebhooksProcessOptions } from './webhooks-process';
import type { ReceiverProcess } from './webhooks-receiver';

export interface WebhooksBenchSettings {
  readonly brokers: readonly string[];
  /** Records of the preloaded topic: the fan-out's events and the delivery backlog. */
  readonly events: number;
  readonly partitions: number;
  /** The consumer runtime's default partitionsConcurrency; the floors use the same. */
  readonly partitionsConcurrency: number;
  /** WEBHOOKS_CONCURRENCY's default: attempts in flight; the raw loop and the floor use the same. */
  readonly deliveryConcurrency: number;
  readonly deliveryWarmMs: number;
  readonly deliverySeconds: number;
  readonly pollMs: number;
  /** Node flags for the measured app processes. */
  readonly nodeArgs: readonly string[];
}

/** A round's app: its database, group and endpoint, for the app that delivers the backlog. */
export interface RoundApp {
  readonly databaseUrl: string;
  readonly groupId: string;
  readonly endpointId: string;
}

export class WebhooksBenchContext {
  readonly kafka: Kafka;
  readonly admin: Admin;
  private readonly groups: string[] = [];
  private readonly databases: string[] = [];

  constructor(
    readonly settings: WebhooksBenchSettings,
    readonly stack: GatewayStack,
    readonly schemasDir: string,
    readonly receiver: ReceiverProcess,
  ) {
    this.kafka = new Kafka({
      brokers: [...settings.brokers],
      logLevel: logLevel.NOTHING,
      clientId: 'bench-webhooks',
    });
    this.admin = this.kafka.admin();
  }

  static preloadedTopic(stack: GatewayStack): string {
    return `bench${stack.suffix}.payment.preloaded`;
  }

  get preloadedTopic(): string {
    return WebhooksBenchContext.preloadedTopic(this.stack);
  }

  group(name: string): string {
    const id = `bench-webhooks-${this.stack.suffix}-${name}`;
    this.groups.push(id);
    return id;
  }

  async database(name: string): Promise<string> {
    const database = `herald_webhooks_bench_${this.stack.suffix}_${name}`;
    this.databases.push(database);
    return createDatabase(database);
  }

  appOptions(databaseUrl: string, groupId: string, topic: string): WebhooksProcessOptions {
    return {
      brokers: this.settings.brokers,
      databaseUrl,
      registryUrl: this.stack.registryUrl,
      schemasDir: this.schemasDir,
      groupId,
      topic,
    };
  }

  /**
   * The fan-out routes to the endpoints it knows when it reads: the endpoint (taking the
   * preloaded topic's type) is created on a first boot whose topic pattern matches nothing (the
   * schema is migrated then), before a measured boot reads the topic.
   */
  async endpointFirst(databaseUrl: string, groupId: string, url: string): Promise<string> {
    const none = `bench${this.stack.suffix}.payment.none`;
    const app = await WebhooksProcess.spawn(this.appOptions(databaseUrl, groupId, none));
    try {
      await app.live();
      return await app.createEndpoint({ url, types: [this.preloadedTopic] });
    } finally {
      await app.stop();
    }
  }

  /** The fan-out's topic: v1 and v2 registered as the stack's type is, `events` records produced. */
  async preload(): Promise<void> {
    const { events, partitions } = this.settings;
    this.stack.ownTopic(this.preloadedTopic);
    await preloadPayments({
      kafka: this.kafka,
      registryUrl: this.stack.registryUrl,
      topic: this.preloadedTopic,
      events,
      partitions,
    });
  }

  async connect(): Promise<void> {
    await this.admin.connect();
  }

  /** Deletes the rounds' consumer groups and drops their databases. */
  async close(): Promise<void> {
    await this.admin.deleteGroups(this.groups).catch(() => undefined);
    await this.admin.disconnect();
    for (const database of this.databases) await dropDatabase(database).catch(() => undefined);
  }
}

/**
 * What every chaos run stands on: a database of its own (on the shared PostgreSQL or a private
 * one), a private Kafka (nothing of a running platform is disturbed, and Kafka's counts are the
 * run's alone), an admin client on it, the webhook receiver, and the platform. `stop()` in
 * afterAll takes down whatever did start, whatever failed.
 */
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { startPrivateKafka, type PrivateKafka } from '@app/testing';
import { createChaosDatabase, type ChaosDatabase } from './database';
import { Platform, type PlatformOptions } from './platform';
import { Receiver } from './receiver';

export interface ChaosRigOptions {
  /** The database's name prefix. */
  readonly name: string;
  readonly kafkaNodes: 1 | 3;
  /** A URL of the PostgreSQL server to use; default the tests' one. */
  readonly postgresUrl?: string;
}

interface Parts {
  database: ChaosDatabase;
  kafka: PrivateKafka;
  admin: Admin;
}

export class ChaosRig {
  readonly receiver = new Receiver();
  private started: Partial<Parts> & { platform?: Platform } = {};

  constructor(private readonly options: ChaosRigOptions) {}

  get database(): ChaosDatabase {
    return this.part('database');
  }

  get kafka(): PrivateKafka {
    return this.part('kafka');
  }

  get admin(): Admin {
    return this.part('admin');
  }

  async start(): Promise<this> {
    const started = this.started;
    started.database = await createChaosDatabase(this.options.name, this.options.postgresUrl);
    started.kafka = await startPrivateKafka({ nodes: this.options.kafkaNodes, heapMb: 384 });
    started.admin = new Kafka({
      clientId: `${this.options.name}-test`,
      brokers: [...started.kafka.cluster.brokers],
      logLevel: logLevel.NOTHING,
    }).admin();
    await started.admin.connect();
    await this.receiver.start();
    return this;
  }

  /** Every app on the rig's Kafka and database, webhooks sending to the receiver. */
  async startPlatform(
    options: Omit<PlatformOptions, 'brokers' | 'databaseUrl' | 'receiverUrl'> = {},
  ): Promise<Platform> {
    const platform = new Platform({
      ...options,
      brokers: this.kafka.cluster.brokers,
      databaseUrl: this.database.url,
      receiverUrl: this.receiver.url,
    });
    this.started.platform = platform;
    return platform.start();
  }

  async stop(): Promise<void> {
    const { database, kafka, admin, platform } = this.started;
    await platform?.stop();
    await this.receiver.stop();
    await admin?.disconnect();
    await kafka?.remove();
    await database?.drop();
  }

  private part<K extends keyof Parts>(name: K): Parts[K] {
    const part = this.started[name];
    if (part === undefined) throw new Error(`the chaos rig is not started (no ${name} yet)`);
    return part as Parts[K];
  }
}

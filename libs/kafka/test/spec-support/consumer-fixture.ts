/**
 * What the consumer runtime's integration tests share: a real registry (the built app) with the
 * payments schemas registered under a fresh subject, a real Kafka with fresh topics and groups,
 * wire-format records as the gateway writes them, and a Nest microservice running handlers.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { INestApplication, INestMicroservice, Type } from '@nestjs/common';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import type { Admin, Consumer, IHeaders, Kafka, KafkaMessage, Message, Producer } from 'kafkajs';
import { connectHeraldConsumer, HeraldConsumerServer, type HeraldConsumerOptions } from '@app/kafka';
import { PlatformModule } from '@app/platform';
import { RegistryClient } from '@app/registry-client';
import { AvroCodec, createAvroType, type AvroSchemaJson } from '@app/schema';
import {
  startTestRegistry,
  testBrokers,
  testKafka,
  uniqueName,
  waitFor,
  type TestRegistry,
} from '@app/testing';

const SCHEMA_DIR = join(
  __dirname,
  '..',
  '..',
  '..',
  '..',
  'schemas',
  'payments',
  'payments.payment.received',
);
export const paymentV1 = JSON.parse(readFileSync(join(SCHEMA_DIR, 'v1.avsc'), 'utf8')) as AvroSchemaJson;
export const paymentV2 = JSON.parse(readFileSync(join(SCHEMA_DIR, 'v2.avsc'), 'utf8')) as AvroSchemaJson;
const typeV1 = createAvroType(paymentV1);
const typeV2 = createAvroType(paymentV2);

/** A fresh event type (= topic) name that matches Herald's `<domain>.<entity>.<verb>` rule. */
export function uniqueEventType(): string {
  return `${uniqueName('it').replace(/[^a-z0-9]/g, '')}.payment.received`;
}

export function paymentValue(n: number, version: 1 | 2): Record<string, unknown> {
  const common = {
    payment_id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    merchant_id: 'merchant-1',
    amount_minor: BigInt(100 + n),
    currency: 'EUR',
    customer_id: null,
    processor_reference: null,
    received_at: 1_700_000_000_000n,
  };
  if (version === 1) return { ...common, method: 'CARD' };
  return {
    ...common,
    method: 'DIRECT_DEBIT',
    fee_minor: { long: 7n },
    card: { 'herald.payments.CardDetails': { brand: 'VISA', last4: '4242', issuer_country: null } },
  };
}

export interface RecordSpec {
  readonly n: number;
  readonly version?: 1 | 2;
  /** Raw value bytes instead of an encoded payment (poison records). */
  readonly raw?: Buffer;
  readonly partition?: number;
}

export class ConsumerFixture {
  readonly kafka: Kafka = testKafka('consumer-runtime-test');
  admin: Admin = this.kafka.admin();
  producer: Producer = this.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  registry!: TestRegistry;
  client!: RegistryClient;
  private readonly codec = new AvroCodec({ schemaById: (id) => this.client.schemaById(id) });
  private readonly apps: Array<INestMicroservice | INestApplication> = [];
  private readonly consumers: Consumer[] = [];

  async setUp(): Promise<void> {
    this.registry = await startTestRegistry();
    this.client = new RegistryClient({ url: this.registry.url });
    await Promise.all([this.admin.connect(), this.producer.connect()]);
  }

  async tearDown(): Promise<void> {
    await Promise.allSettled(this.apps.map((app) => app.close()));
    await Promise.allSettled(this.consumers.map((c) => c.disconnect()));
    await Promise.allSettled([this.producer.disconnect(), this.admin.disconnect()]);
    await this.registry?.stop();
  }

  /**
   * Deletes topics, then replaces the producer and admin: a kafkajs client keeps every topic it
   * used in its metadata requests and fails all of them once one of those topics is gone.
   */
  async deleteTopics(topics: string[]): Promise<void> {
    await this.admin.deleteTopics({ topics });
    await Promise.allSettled([this.producer.disconnect(), this.admin.disconnect()]);
    this.admin = this.kafka.admin();
    this.producer = this.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await Promise.all([this.admin.connect(), this.producer.connect()]);
  }

  /** Creates the topic and registers v1 and v2 under its subject; returns the two schema ids. */
  async createEventType(topic: string, partitions = 1): Promise<{ v1: number; v2: number }> {
    await this.admin.createTopics({ topics: [{ topic, numPartitions: partitions }], waitForLeaders: true });
    const v1 = await this.client.register(`${topic}-value`, paymentV1);
    const v2 = await this.client.register(`${topic}-value`, paymentV2);
    return { v1, v2 };
  }

  async publish(topic: string, ids: { v1: number; v2: number }, specs: readonly RecordSpec[]): Promise<void> {
    await this.producer.send({ topic, acks: -1, messages: this.messages(topic, ids, specs) });
  }

  /** Records as the gateway writes them: Confluent framing, CloudEvents headers. */
  messages(topic: string, ids: { v1: number; v2: number }, specs: readonly RecordSpec[]): Message[] {
    return specs.map((spec) => {
      const version = spec.version ?? 2;
      const value =
        spec.raw ??
        this.codec.encode(
          version === 1 ? ids.v1 : ids.v2,
          version === 1 ? typeV1 : typeV2,
          paymentValue(spec.n, version),
        );
      const headers: IHeaders = {
        ce_specversion: '1.0',
        ce_id: `evt-${spec.n}`,
        ce_type: topic,
        ce_source: 'it-producer',
        ce_time: new Date().toISOString(),
        ce_subject: `payment-${spec.n}`,
        'content-type': 'application/avro',
      };
      return { key: `key-${spec.n}`, value, headers, partition: spec.partition };
    });
  }

  /** Short timeouts and retries: the tests wait on them, and the broker is local. */
  consumerOptions(groupId: string): HeraldConsumerOptions {
    return {
      brokers: testBrokers(),
      clientId: 'consumer-runtime-test',
      groupId,
      schemaSource: this.client,
      sessionTimeoutMs: 10_000,
      heartbeatIntervalMs: 1_000,
      rebalanceTimeoutMs: 15_000,
      retryInitialMs: 50,
      retryMaxMs: 200,
      maxAttempts: 3,
      commitIntervalMs: 200,
      topicRefreshMs: 500,
    };
  }

  /** Runs `controller`'s handlers on a HeraldConsumerServer the way an app does (a Nest microservice). */
  async startConsumer(
    controller: Type<unknown>,
    groupId: string,
    options: Partial<HeraldConsumerOptions> = {},
  ): Promise<{ app: INestMicroservice; server: HeraldConsumerServer }> {
    const server = new HeraldConsumerServer({
      ...this.consumerOptions(groupId),
      ...options,
      kafka: { logLevel: 0 },
    });
    const moduleRef = await Test.createTestingModule({ controllers: [controller] }).compile();
    const app = moduleRef.createNestMicroservice({ strategy: server, logger: false });
    // As connectHeraldConsumer does: handlers without enhancers are called directly, so the
    // delivery tests (retries, dead letters) run on the path production apps take.
    server.bindTo(app);
    this.apps.push(app);
    await app.listen();
    await waitFor(() => server.isReady(), {
      timeoutMs: 30_000,
      description: 'the consumer to join its group',
    });
    return { app, server };
  }

  /**
   * The way a Herald HTTP app runs handlers: PlatformModule (health registry), a Fastify app,
   * and connectHeraldConsumer, which registers the consumer's readiness check.
   */
  async startHybridApp(
    controller: Type<unknown>,
    groupId: string,
  ): Promise<{ app: INestApplication; server: HeraldConsumerServer }> {
    const moduleRef = await Test.createTestingModule({
      imports: [PlatformModule.forService({ service: 'consumer-it', logLevel: 'silent' })],
      controllers: [controller],
    }).compile();
    const app = moduleRef.createNestApplication(new FastifyAdapter(), { logger: false });
    this.apps.push(app);
    const server = connectHeraldConsumer(app, { ...this.consumerOptions(groupId), kafka: { logLevel: 0 } });
    await app.startAllMicroservices();
    await app.init();
    return { app, server };
  }

  /** Sum over partitions of the group's committed offsets (-1 = none counts as 0). */
  async committed(groupId: string, topic: string): Promise<number> {
    const [offsets] = await this.admin.fetchOffsets({ groupId, topics: [topic] });
    return (offsets?.partitions ?? []).reduce((sum, p) => sum + Math.max(0, Number(p.offset)), 0);
  }

  /** Reads `count` records of a topic from the beginning with a throw-away group. */
  async readAll(topic: string, count: number): Promise<KafkaMessage[]> {
    const seen: KafkaMessage[] = [];
    const consumer = this.kafka.consumer({ groupId: uniqueName('it-reader'), allowAutoTopicCreation: false });
    this.consumers.push(consumer);
    await consumer.connect();
    await waitFor(async () => (await this.admin.listTopics()).includes(topic), {
      description: `topic ${topic}`,
    });
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void seen.push(message) });
    await waitFor(() => seen.length >= count, {
      timeoutMs: 30_000,
      description: `${count} records on ${topic}`,
    });
    await consumer.disconnect();
    return seen;
  }
}

/**
 * HeraldConsumerServer: the Nest custom transport that runs an app's `@EventPattern` handlers
 * on a Kafka consumer group. It joins the group, decodes each record through the registry with
 * AvroCodec (resolved to the handler's pinned reader version), and delivers it at least once:
 * an offset is committed only after its handler resolved, or after the record went to the
 * dead-letter topic. See docs/consumer-runtime.md.
 *
 *   const server = new HeraldConsumerServer(options);
 *   server.bindTo(app.connectMicroservice({ strategy: server }));   (connectHeraldConsumer does this)
 *
 * bindTo lets handlers without guards, interceptors, pipes or filters skip Nest's per-call
 * pipeline (handler-call.ts); without it every handler runs through the pipeline.
 */
import { Logger, type INestMicroservice } from '@nestjs/common';
import { Server, type CustomTransportStrategy } from '@nestjs/microservices';
import type { Admin, Consumer, Kafka, Producer } from 'kafkajs';
import { AvroCodec } from '@app/schema';
import { createKafka } from '../kafka-client';
import { BatchProcessor } from './batch-processor';
import { ConsumerMetrics } from './consumer-metrics';
import {
  resolveConsumerOptions,
  type HeraldConsumerOptions,
  type ResolvedConsumerOptions,
} from './consumer-options';
import { DeadLetterPublisher } from './dead-letter';
import { GroupSubscription } from './group-subscription';
import { discoveryOf, handlerCalls, type HandlerDiscovery } from './handler-call';
import { HandlerTable } from './handler-table';
import { MessageDelivery } from './message-delivery';
import { PayloadMapper } from './payload-mapping';
import { ReaderTypes, WriterInfos } from './schema-resolution';

export const HERALD_TRANSPORT = Symbol('HERALD_KAFKA');

interface Connections {
  readonly admin: Admin;
  readonly producer: Producer;
  readonly consumer: Consumer;
  readonly subscription: GroupSubscription;
}

export class HeraldConsumerServer extends Server implements CustomTransportStrategy {
  override readonly transportId = HERALD_TRANSPORT;
  readonly metrics: ConsumerMetrics;
  private readonly options: ResolvedConsumerOptions;
  private readonly log = new Logger('HeraldConsumer');
  private readonly kafka: Kafka;
  private connections: Connections | undefined;
  private closing: Promise<void> | undefined;
  private discovery: HandlerDiscovery | undefined;

  constructor(options: HeraldConsumerOptions) {
    super();
    this.options = resolveConsumerOptions(options);
    this.metrics = ConsumerMetrics.create(options.groupId, options.metrics);
    this.kafka = createKafka({ brokers: options.brokers, clientId: options.clientId }, options.kafka);
  }

  /**
   * Lets the runtime look behind Nest's handlers, so a handler without guards, interceptors,
   * pipes or filters is called directly (handler-call.ts). Call it with the microservice this
   * server runs in, before it listens; connectHeraldConsumer does. Without it, every handler
   * runs through Nest's pipeline.
   */
  bindTo(microservice: INestMicroservice): this {
    this.discovery = discoveryOf(microservice);
    if (this.discovery === undefined) {
      this.log.warn('cannot inspect this Nest microservice: every handler runs through the Nest pipeline');
    }
    return this;
  }

  listen(callback: (error?: unknown) => void): void {
    this.start().then(
      () => callback(),
      (error: unknown) => callback(error),
    );
  }

  /** Graceful: stop fetching, finish in-flight records, commit, leave the group, disconnect. */
  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  /** True once the group is joined and the consumer runs; false while starting, after a crash, after close(). */
  isReady(): boolean {
    return this.readinessProblem() === undefined;
  }

  readinessProblem(): string | undefined {
    if (this.closing !== undefined) return 'the consumer is closing';
    if (this.connections === undefined) return 'the consumer has not started';
    return this.connections.subscription.problem();
  }

  /** The topics this instance subscribed to so far. */
  subscribedTopics(): string[] {
    return this.connections?.subscription.topics() ?? [];
  }

  /** Status events are not part of this transport; handlers and readiness cover what apps need. */
  on(): void {
    throw new Error('HeraldConsumerServer does not emit transport events; use isReady() and the metrics');
  }

  unwrap<T>(): T {
    if (this.connections === undefined) throw new Error('the consumer has not started');
    return this.connections.consumer as T;
  }

  private async start(): Promise<void> {
    const table = new HandlerTable(
      this.messageHandlers,
      this.options.everyEventTopics,
      handlerCalls(this.discovery, this.log),
    );
    const readers = new ReaderTypes(this.options.schemaSource, this.options.readerSchemas);
    // Fail the boot, not every event, when a pinned reader version does not exist.
    for (const route of table.pinned()) await readers.load(route.pattern, route.version!);
    const admin = this.kafka.admin();
    const producer = this.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
    });
    const consumer = this.kafka.consumer({
      groupId: this.options.groupId,
      sessionTimeout: this.options.sessionTimeoutMs,
      heartbeatInterval: this.options.heartbeatIntervalMs,
      rebalanceTimeout: this.options.rebalanceTimeoutMs,
      allowAutoTopicCreation: false,
    });
    await admin.connect();
    await producer.connect();
    const processor = this.batchProcessor(
      table,
      readers,
      new DeadLetterPublisher(admin, producer, this.options.groupId),
    );
    const subscription = new GroupSubscription(
      consumer,
      admin,
      table,
      {
        autoCommit: true,
        autoCommitInterval: this.options.commitIntervalMs,
        autoCommitThreshold: this.options.commitThreshold,
        // A batch abandoned on stop or rebalance must not count as processed (kafkajs issue #18).
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: this.options.partitionsConcurrency,
        eachBatch: processor.eachBatch,
      },
      this.options,
      this.log,
    );
    this.connections = { admin, producer, consumer, subscription };
    await subscription.start();
  }

  private batchProcessor(
    table: HandlerTable,
    readers: ReaderTypes,
    deadLetters: DeadLetterPublisher,
  ): BatchProcessor {
    const codec = new AvroCodec(this.options.schemaSource);
    const delivery = new MessageDelivery(
      codec,
      new WriterInfos(this.options.schemaSource),
      deadLetters,
      new PayloadMapper(this.options.payload),
      {
        maxAttempts: this.options.maxAttempts,
        initialMs: this.options.retryInitialMs,
        maxMs: this.options.retryMaxMs,
        heartbeatIntervalMs: this.options.heartbeatIntervalMs,
      },
      this.log,
    );
    return new BatchProcessor(codec, table, readers, delivery, this.metrics, this.options, this.log);
  }

  private async shutdown(): Promise<void> {
    const connections = this.connections;
    if (connections === undefined) return;
    await connections.subscription.stop();
    await Promise.allSettled([connections.producer.disconnect(), connections.admin.disconnect()]);
  }
}

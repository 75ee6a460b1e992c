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
import type { Admin, Consumer, Kafka } from 'kafkajs';
import { AvroCodec } from '@app/schema';
import { createKafka } from '../kafka-client';
import { BatchDelivery } from './batch-delivery';
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
import { LagMonitor } from './lag-monitor';
import { MessageDelivery } from './message-delivery';
import { PartitionPositions, type Seek } from './partition-positions';
import { PayloadMapper } from './payload-mapping';
import { consumerTracing } from './record-tracing';
import { ReaderTypes, WriterInfos } from './schema-resolution';

export const HERALD_TRANSPORT = Symbol('HERALD_KAFKA');

interface Connections {
  readonly admin: Admin;
  readonly deadLetters: DeadLetterPublisher;
  readonly subscription: GroupSubscription;
  readonly lag: LagMonitor;
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
    this.kafka = createKafka(
      { brokers: options.brokers, ssl: options.ssl, sasl: options.sasl, clientId: options.clientId },
      options.kafka,
    );
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

  /**
   * True while the consumer consumes: joined (or within joinGraceMs of a rebalance) and running;
   * false while starting, restarting after a crash or topic change, after close().
   */
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

  /** The kafkajs consumer running now (the supervisor replaces it after a crash or a topic change). */
  unwrap<T>(): T {
    const consumer = this.connections?.subscription.current();
    if (consumer === undefined) throw new Error('the consumer is not running');
    return consumer as T;
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
    await admin.connect();
    const deadLetters = new DeadLetterPublisher(
      admin,
      () => this.kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false }),
      this.options.groupId,
    );
    const positions = new PartitionPositions(this.options.positions, this.options.fromBeginning, this.log);
    // Both closures run only once the subscription below exists.
    const seek = (topic: string, partition: number, offset: string): boolean =>
      subscription.seek(topic, partition, offset);
    const processor = this.batchProcessor(table, readers, deadLetters, positions, seek);
    const reportState = (): void => this.metrics.running(subscription.consuming());
    const subscription: GroupSubscription = new GroupSubscription(
      () => this.createConsumer(),
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
      positions,
      this.options,
      this.log,
      this.options.onGiveUp ?? ((error) => this.giveUp(error)),
      reportState,
      this.options.schemaSource.subjects?.bind(this.options.schemaSource),
    );
    const lag = new LagMonitor(
      () => this.kafka.admin(),
      () => subscription.topics(),
      positions,
      this.metrics,
      this.options,
      this.log,
      reportState,
    );
    this.connections = { admin, deadLetters, subscription, lag };
    await subscription.start();
    if (this.closing === undefined) lag.start(); // not when closed while starting
  }

  /** A fresh kafkajs consumer; kafkajs' own restart is off: the supervisor replaces the consumer instead. */
  private createConsumer(): Consumer {
    return this.kafka.consumer({
      groupId: this.options.groupId,
      sessionTimeout: this.options.sessionTimeoutMs,
      heartbeatInterval: this.options.heartbeatIntervalMs,
      rebalanceTimeout: this.options.rebalanceTimeoutMs,
      allowAutoTopicCreation: false,
      // A short retry budget: a deleted topic fails every fetch until the consumer is replaced,
      // and kafkajs' default (~10 s of retries) kept the whole consumer idle that long.
      retry: {
        retries: 5,
        initialRetryTime: 100,
        maxRetryTime: 2_000,
        restartOnFailure: () => Promise.resolve(false),
      },
    });
  }

  /** The default when the consumer cannot be brought back: exit non-zero so a supervisor restarts the app. */
  private giveUp(error: Error): void {
    this.log.fatal(`group ${this.options.groupId}: the consumer cannot run (${error.message}); exiting`);
    process.exit(75);
  }

  private batchProcessor(
    table: HandlerTable,
    readers: ReaderTypes,
    deadLetters: DeadLetterPublisher,
    positions: PartitionPositions,
    seek: Seek,
  ): BatchProcessor {
    const codec = new AvroCodec(this.options.schemaSource);
    const writers = new WriterInfos(this.options.schemaSource);
    const payloads = new PayloadMapper(this.options.payload);
    const settings = {
      maxAttempts: this.options.maxAttempts,
      initialMs: this.options.retryInitialMs,
      maxMs: this.options.retryMaxMs,
      heartbeatIntervalMs: this.options.heartbeatIntervalMs,
    };
    const tracing = consumerTracing(this.options.groupId);
    const delivery = new MessageDelivery(codec, writers, deadLetters, payloads, settings, this.log, tracing);
    const batches = new BatchDelivery(delivery, writers, payloads, positions, settings, this.log, tracing);
    return new BatchProcessor(
      table,
      readers,
      delivery,
      batches,
      positions,
      seek,
      this.metrics,
      this.options,
      this.log,
    );
  }

  private async shutdown(): Promise<void> {
    const connections = this.connections;
    if (connections === undefined) return;
    await connections.lag.stop();
    await connections.subscription.stop();
    this.metrics.running(false);
    await Promise.allSettled([connections.deadLetters.close(), connections.admin.disconnect()]);
  }
}

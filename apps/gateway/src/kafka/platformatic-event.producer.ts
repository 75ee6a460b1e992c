/**
 * The EventProducer port on @platformatic/kafka, selected by GATEWAY_KAFKA_CLIENT=platformatic
 * (docs/gateway.md#kafka-client). It keeps the kafkajs adapter's guarantees and shape: an
 * idempotent producer with acks=all and one request in flight per broker, concurrent HTTP
 * requests grouped into one produce request while the previous one is out (group commit),
 * a queue bounded by maxQueuedRecords, the send timeout's UnacknowledgedSendError, atomic
 * batches in one transaction of a separate transactional producer (one at a time), and the
 * partition of every record chosen by the gateway itself (TopicPartitions: Java's murmur2),
 * so each record's offset is its partition's base offset plus its rank in the request.
 */
import { randomUUID } from 'node:crypto';
import { ProduceAcks, Producer } from '@platformatic/kafka';
import type { KafkaConnection } from '@app/platform';
import { GatewayError } from '../domain/gateway-errors';
import type { OutgoingRecord, RecordCoordinates } from '../domain/ports';
import { PlacedRecords, platformaticConnectionOptions, type ClientOptions } from './platformatic-records';
import { QueuedEventProducer, type ProduceObserver, type ProducerSettings } from './queued-event.producer';
import type { TopicPartitions } from './topic-partitions';

type Client = Producer<Buffer, Buffer, Buffer, Buffer>;

/**
 * Retries, 20 ms doubling to 2 s apart. Sends retry until Kafka answers (the library's own
 * default for an idempotent producer): a produce the library gives up on may still have been
 * written, and it then starts a new producer id, so the client's retry of those ids would be
 * written a second time (with 10 retries, the broker-outage int spec saw an SDK event twice).
 * Retrying under the same producer id and sequence lets the broker drop the repeat, and the
 * send settles with the record's real coordinates once Kafka is back; meanwhile the queue
 * bound and the send timeout answer 503. Transactions give up after 10 retries (about 8 s,
 * close to kafkajs' defaults): a failed one is aborted, so nothing of it is read. The short
 * first step matters there: a commit is often answered CONCURRENT_TRANSACTIONS once.
 */
const SEND_RETRIES = Number.MAX_SAFE_INTEGER;
const TRANSACTION_RETRIES = 10;
const retryDelay = (_client: unknown, _operation: string, attempt: number): number =>
  Math.min(20 * 2 ** (attempt - 1), 2_000);

export class PlatformaticEventProducer extends QueuedEventProducer {
  private readonly producer: Client;
  private transactional: Client | undefined;

  constructor(
    private readonly connection: KafkaConnection,
    private readonly clientId: string,
    partitions: TopicPartitions,
    settings: ProducerSettings,
    observer: ProduceObserver,
  ) {
    super(partitions, settings, observer);
    this.producer = new Producer(this.options());
  }

  /** Reaches the cluster (the library connects lazily; this fails while Kafka is away). */
  async connect(): Promise<void> {
    await this.producer.metadata({ topics: [], retries: 0 });
  }

  async disconnect(): Promise<void> {
    await Promise.allSettled([this.producer.close(), this.transactional?.close()]);
  }

  protected async produce(
    requests: ReadonlyArray<readonly OutgoingRecord[]>,
  ): Promise<RecordCoordinates[][]> {
    const placed = new PlacedRecords(requests, this.partitions);
    const result = await this.producer.send({ messages: placed.messages });
    return placed.coordinates(result);
  }

  private options(transactionalId?: string): ClientOptions {
    return {
      clientId: this.clientId,
      ...platformaticConnectionOptions(this.connection),
      // Idempotent: the library sets acks=all and one request in flight per connection, and
      // refuses any other acks; acks is given here as well so that reading this is enough.
      idempotent: true,
      acks: ProduceAcks.ALL,
      autocreateTopics: false,
      retries: transactionalId === undefined ? SEND_RETRIES : TRANSACTION_RETRIES,
      retryDelay,
      ...(transactionalId !== undefined && { transactionalId }),
    };
  }

  protected async runTransaction(records: readonly OutgoingRecord[]): Promise<RecordCoordinates[]> {
    await this.partitions.load(records.map((r) => r.topic));
    const placed = new PlacedRecords([records], this.partitions);
    const producer = this.transactionalProducer();
    let transaction: Awaited<ReturnType<typeof producer.beginTransaction>> | undefined;
    try {
      transaction = await producer.beginTransaction();
      const result = await transaction.send({ messages: placed.messages });
      await transaction.commit();
      return placed.coordinates(result)[0]!;
    } catch (error) {
      const aborted =
        transaction !== undefined &&
        (transaction.completed ||
          (await transaction.abort().then(
            () => true,
            () => false,
          )));
      if (!aborted) {
        // The library keeps a transaction it could not begin or end as the active one and
        // refuses to begin another: start over with a fresh producer (and transactional id);
        // the broker aborts the abandoned transaction when it times out.
        this.transactional = undefined;
        void producer.close().catch(() => undefined);
      }
      if (error instanceof GatewayError) throw error;
      throw GatewayError.unavailable(
        'the Kafka transaction failed; nothing was published; retry shortly',
        2,
        error,
      );
    }
  }

  private transactionalProducer(): Client {
    // A fresh transactional id per process: a restarted gateway never waits on (or fences)
    // another instance, and an unfinished transaction of a dead one times out on the broker.
    this.transactional ??= new Producer(this.options(`herald-gateway-${randomUUID()}`));
    return this.transactional;
  }
}

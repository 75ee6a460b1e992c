/**
 * The pure parts of the @platformatic/kafka producer adapter (platformatic-event.producer.ts):
 * the shared Kafka connection settings in the library's shape, and one produce request's
 * records placed on the partitions the gateway chose, with each record's rank inside its
 * partition so that the broker's base offsets give every record its own offset. Only types
 * come from the library here (it is an ES module; unit tests run as CommonJS).
 */
import type { MessageToProduce, ProduceResult, ProducerOptions, SASLOptions } from '@platformatic/kafka';
import type { KafkaConnection } from '@app/platform';
import type { OutgoingRecord, RecordCoordinates } from '../domain/ports';
import type { TopicPartitions } from './topic-partitions';

export type Message = MessageToProduce<Buffer, Buffer, Buffer, Buffer>;
export type ClientOptions = ProducerOptions<Buffer, Buffer, Buffer, Buffer>;

/** Brokers, TLS and SASL from the shared Kafka settings (`kafkaConnection(config)`), in platformatic's shape. */
export function platformaticConnectionOptions(
  connection: KafkaConnection,
): Pick<ClientOptions, 'bootstrapBrokers' | 'tls' | 'tlsServerName' | 'sasl'> {
  const { ssl, sasl } = connection;
  return {
    bootstrapBrokers: [...connection.brokers],
    ...(ssl && {
      tls: {
        rejectUnauthorized: ssl.rejectUnauthorized,
        ...(ssl.ca !== undefined && { ca: ssl.ca }),
        ...(ssl.cert !== undefined && { cert: ssl.cert }),
        ...(ssl.key !== undefined && { key: ssl.key }),
      },
      ...(ssl.servername !== undefined && { tlsServerName: ssl.servername }),
    }),
    ...(sasl && {
      sasl: {
        mechanism: sasl.mechanism.toUpperCase() as SASLOptions['mechanism'],
        username: sasl.username,
        password: sasl.password,
      },
    }),
  };
}

/** Records of one produce request with each one's partition and rank inside it. */
export class PlacedRecords {
  readonly messages: Message[] = [];
  private readonly slots: { topic: string; partition: number; rank: number }[][] = [];
  private readonly counts = new Map<string, number>();

  constructor(groups: ReadonlyArray<readonly OutgoingRecord[]>, partitions: TopicPartitions) {
    for (const records of groups) {
      const slots = [];
      for (const record of records) {
        const partition = partitions.partitionFor(record.topic, record.key);
        const slot = `${record.topic}\u0000${partition}`;
        const rank = this.counts.get(slot) ?? 0;
        this.counts.set(slot, rank + 1);
        this.messages.push({
          topic: record.topic,
          partition,
          key: record.key === null ? undefined : Buffer.from(record.key),
          value: record.value,
          headers: headerBuffers(record.headers),
        });
        slots.push({ topic: record.topic, partition, rank });
      }
      this.slots.push(slots);
    }
  }

  /** Each group's coordinates: the base offset the broker gave its partition plus its rank. */
  coordinates(result: ProduceResult): RecordCoordinates[][] {
    const base = new Map<string, bigint>();
    for (const { topic, partition, offset } of result.offsets ?? []) {
      base.set(`${topic}\u0000${partition}`, offset);
    }
    return this.slots.map((group) =>
      group.map(({ topic, partition, rank }) => {
        const first = base.get(`${topic}\u0000${partition}`);
        if (first === undefined) throw new Error(`Kafka returned no offset for ${topic}[${partition}]`);
        return { topic, partition, offset: (first + BigInt(rank)).toString() };
      }),
    );
  }
}

/** Header names repeat on every record (ce_id, ce_type, ...): their bytes are made once. */
const headerNames = new Map<string, Buffer>();
const MAX_HEADER_NAMES = 1_024;

function headerBuffers(headers: Readonly<Record<string, string>>): Map<Buffer, Buffer> {
  const map = new Map<Buffer, Buffer>();
  for (const name in headers) {
    let bytes = headerNames.get(name);
    if (bytes === undefined) {
      bytes = Buffer.from(name);
      if (headerNames.size < MAX_HEADER_NAMES) headerNames.set(name, bytes);
    }
    map.set(bytes, Buffer.from(headers[name]!));
  }
  return map;
}

/** The @platformatic/kafka adapter's pure parts: connection settings, partitions, offsets. */
import type { OutgoingRecord } from '../domain/ports';
import { keyPartition } from './murmur2';
import { PlacedRecords, platformaticConnectionOptions } from './platformatic-records';
import { TopicPartitions } from './topic-partitions';

/** Partitions chosen by the key's first character: "0…" → 0, "1…" → 1; no key → 2. */
const byFirstCharacter = {
  partitionFor: (_topic: string, key: string | null) => (key === null ? 2 : Number(key[0])),
} as unknown as TopicPartitions;

const record = (topic: string, key: string | null, n: number): OutgoingRecord => ({
  topic,
  key,
  value: Buffer.from([0, 0, 0, 0, 1, n]),
  headers: { ce_id: `e${n}`, ce_type: 'payments.payment.received' },
});

describe('platformaticConnectionOptions', () => {
  it('gives plaintext brokers only', () => {
    expect(platformaticConnectionOptions({ brokers: ['b1:9092', 'b2:9092'] })).toEqual({
      bootstrapBrokers: ['b1:9092', 'b2:9092'],
    });
  });

  it('maps TLS (CA, client certificate, server name, verification) and SASL (upper-case mechanism)', () => {
    const options = platformaticConnectionOptions({
      brokers: ['kafka.internal:9093'],
      ssl: { rejectUnauthorized: false, ca: 'CA', cert: 'CERT', key: 'KEY', servername: 'kafka.example.com' },
      sasl: { mechanism: 'scram-sha-512', username: 'herald', password: 'pw' },
    });
    expect(options).toEqual({
      bootstrapBrokers: ['kafka.internal:9093'],
      tls: { rejectUnauthorized: false, ca: 'CA', cert: 'CERT', key: 'KEY' },
      tlsServerName: 'kafka.example.com',
      sasl: { mechanism: 'SCRAM-SHA-512', username: 'herald', password: 'pw' },
    });
  });

  it.each([
    ['plain', 'PLAIN'],
    ['scram-sha-256', 'SCRAM-SHA-256'],
  ] as const)('names SASL %s as the library does (%s), TLS verified by default', (mechanism, expected) => {
    const options = platformaticConnectionOptions({
      brokers: ['b:9093'],
      ssl: { rejectUnauthorized: true },
      sasl: { mechanism, username: 'u', password: 'p' },
    });
    expect(options.sasl?.mechanism).toBe(expected);
    expect(options.tls).toEqual({ rejectUnauthorized: true });
    expect(options).not.toHaveProperty('tlsServerName');
  });
});

describe('PlacedRecords', () => {
  const groups = [
    [record('t1', '0a', 1), record('t1', '1a', 2), record('t2', '0b', 3)],
    [record('t1', '0c', 4), record('t2', '0d', 5)],
    [],
    [record('t1', '1e', 6), record('t1', null, 7), record('t1', '0f', 8)],
  ];

  it('sends every record on the partition the gateway chose, in arrival order, as bytes', () => {
    const placed = new PlacedRecords(groups, byFirstCharacter);
    expect(placed.messages.map((m) => [m.topic, m.key?.toString() ?? null, m.partition])).toEqual([
      ['t1', '0a', 0],
      ['t1', '1a', 1],
      ['t2', '0b', 0],
      ['t1', '0c', 0],
      ['t2', '0d', 0],
      ['t1', '1e', 1],
      ['t1', null, 2],
      ['t1', '0f', 0],
    ]);
    const first = placed.messages[0]!;
    expect(first.key).toEqual(Buffer.from('0a'));
    expect(first.value).toEqual(Buffer.from([0, 0, 0, 0, 1, 1]));
    const headers = [...(first.headers as Map<Buffer, Buffer>)].map(([k, v]) => [k.toString(), v.toString()]);
    expect(headers).toEqual([
      ['ce_id', 'e1'],
      ['ce_type', 'payments.payment.received'],
    ]);
    expect(placed.messages[6]!.key).toBeUndefined();
  });

  it("gives each record its partition's base offset plus its rank there, per request", () => {
    const placed = new PlacedRecords(groups, byFirstCharacter);
    const coordinates = placed.coordinates({
      offsets: [
        { topic: 't1', partition: 0, offset: 100n },
        { topic: 't1', partition: 1, offset: 7n },
        { topic: 't1', partition: 2, offset: 9_007_199_254_740_993n },
        { topic: 't2', partition: 0, offset: 0n },
      ],
    });
    const offsets = coordinates.map((group) => group.map((c) => `${c.topic}[${c.partition}]@${c.offset}`));
    expect(offsets).toEqual([
      ['t1[0]@100', 't1[1]@7', 't2[0]@0'],
      ['t1[0]@101', 't2[0]@1'],
      [],
      ['t1[1]@8', 't1[2]@9007199254740993', 't1[0]@102'],
    ]);
  });

  it('fails rather than guess when the broker answered no offset for a partition', () => {
    const placed = new PlacedRecords([[record('t1', '1a', 1)]], byFirstCharacter);
    expect(() => placed.coordinates({ offsets: [{ topic: 't1', partition: 0, offset: 5n }] })).toThrow(
      'Kafka returned no offset for t1[1]',
    );
  });

  it("partitions keys with Java's murmur2 through TopicPartitions", async () => {
    const admin = {
      fetchTopicMetadata: async () => ({
        topics: [
          { name: 'orders', partitions: Array.from({ length: 12 }, (_, partitionId) => ({ partitionId })) },
        ],
      }),
    };
    const partitions = new TopicPartitions(admin as never);
    await partitions.load(['orders']);
    const keys = ['21', 'foobar', 'abc', 'order-9', 'ü-key'];
    const placed = new PlacedRecords([keys.map((k, i) => record('orders', k, i))], partitions);
    expect(placed.messages.map((m) => m.partition)).toEqual(keys.map((k) => keyPartition(k, 12)));
    // The Java client's murmur2('foobar') = -790332482 → (h & 0x7fffffff) % 12.
    expect(placed.messages[1]!.partition).toBe((-790332482 & 0x7fffffff) % 12);
  });
});

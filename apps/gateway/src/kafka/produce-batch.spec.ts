/** Offsets inside a shared produce request: the broker's base offset per partition plus each record's rank. */
import type { RecordMetadata } from 'kafkajs';
import type { OutgoingRecord } from '../domain/ports';
import { ProduceBatch } from './produce-batch';
import type { TopicPartitions } from './topic-partitions';

/** Partitions chosen by the key's first character: "0…" → 0, "1…" → 1; no key → 2. */
const partitions = {
  partitionFor: (_topic: string, key: string | null) => (key === null ? 2 : Number(key[0])),
} as unknown as TopicPartitions;

const record = (topic: string, key: string | null, n: number): OutgoingRecord => ({
  topic,
  key,
  value: Buffer.from([0, 0, 0, 0, 1, n]),
  headers: { ce_id: `e${n}` },
});

const meta = (topicName: string, partition: number, baseOffset: string): RecordMetadata => ({
  topicName,
  partition,
  errorCode: 0,
  baseOffset,
});

describe('ProduceBatch', () => {
  const groups = [
    [record('t1', '0a', 1), record('t1', '1a', 2), record('t2', '0b', 3)],
    [record('t1', '0c', 4), record('t2', '0d', 5)],
    [],
    [record('t1', '1e', 6), record('t1', null, 7), record('t1', '0f', 8)],
  ];

  it('groups the records of every request by topic, in arrival order, with their partitions', () => {
    const batch = new ProduceBatch(groups, partitions);
    expect(
      batch.topicMessages.map(({ topic, messages }) => ({
        topic,
        messages: messages.map((m) => [m.key, m.partition, m.headers?.ce_id]),
      })),
    ).toEqual([
      {
        topic: 't1',
        messages: [
          ['0a', 0, 'e1'],
          ['1a', 1, 'e2'],
          ['0c', 0, 'e4'],
          ['1e', 1, 'e6'],
          [null, 2, 'e7'],
          ['0f', 0, 'e8'],
        ],
      },
      {
        topic: 't2',
        messages: [
          ['0b', 0, 'e3'],
          ['0d', 0, 'e5'],
        ],
      },
    ]);
  });

  it('gives each request its records’ offsets: base offset of the partition plus rank inside it', () => {
    const batch = new ProduceBatch(groups, partitions);
    const coordinates = batch.coordinates([
      meta('t2', 0, '9007199254740993'),
      meta('t1', 1, '7'),
      meta('t1', 0, '100'),
      meta('t1', 2, '0'),
    ]);
    expect(coordinates).toEqual([
      [
        { topic: 't1', partition: 0, offset: '100' },
        { topic: 't1', partition: 1, offset: '7' },
        { topic: 't2', partition: 0, offset: '9007199254740993' },
      ],
      [
        { topic: 't1', partition: 0, offset: '101' },
        // Past 2^53: the arithmetic is exact (BigInt), not floating point.
        { topic: 't2', partition: 0, offset: '9007199254740994' },
      ],
      [],
      [
        { topic: 't1', partition: 1, offset: '8' },
        { topic: 't1', partition: 2, offset: '0' },
        { topic: 't1', partition: 0, offset: '102' },
      ],
    ]);
  });

  it('uses the offset field when the broker answer has no baseOffset', () => {
    const batch = new ProduceBatch([[record('t1', '0a', 1), record('t1', '0b', 2)]], partitions);
    const answer = { topicName: 't1', partition: 0, errorCode: 0, offset: '41' } as RecordMetadata;
    expect(batch.coordinates([answer])).toEqual([
      [
        { topic: 't1', partition: 0, offset: '41' },
        { topic: 't1', partition: 0, offset: '42' },
      ],
    ]);
  });

  it('fails loudly rather than invent an offset for a partition the broker did not answer for', () => {
    const batch = new ProduceBatch(groups, partitions);
    expect(() => batch.coordinates([meta('t1', 0, '1'), meta('t1', 1, '1')])).toThrow(/t2\[0\]|t1\[2\]/);
  });

  it('copies headers so the caller’s record is not shared with kafkajs', () => {
    const original = record('t1', '0a', 1);
    const batch = new ProduceBatch([[original]], partitions);
    const headers = batch.topicMessages[0]?.messages[0]?.headers;
    expect(headers).toEqual(original.headers);
    expect(headers).not.toBe(original.headers);
  });
});

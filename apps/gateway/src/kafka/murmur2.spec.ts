import fc from 'fast-check';
import { Partitioners } from 'kafkajs';
import { keyPartition, murmur2, murmur2OfText } from './murmur2';

describe('murmur2 (Kafka default partitioner)', () => {
  // Vectors from the Java client's UtilsTest.testMurmur2.
  it.each([
    ['21', -973932308],
    ['foobar', -790332482],
    ['a-little-bit-long-string', -985981536],
    ['a-little-bit-longer-string', -1486304829],
    ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971],
    ['abc', 479470107],
  ])('hashes %p as the Java client does', (key, expected) => {
    expect(murmur2OfText(key)).toBe(expected);
    expect(murmur2(Buffer.from(key))).toBe(expected);
  });

  it("puts every key on kafkajs's DefaultPartitioner's partition (ASCII, Unicode, long keys)", () => {
    const kafkajs = Partitioners.DefaultPartitioner();
    const key = fc.oneof(
      fc.string(),
      fc.string({ unit: 'grapheme' }),
      fc.string({ minLength: 200, maxLength: 600 }),
    );
    fc.assert(
      fc.property(key, fc.integer({ min: 1, max: 200 }), (k, partitions) => {
        const partitionMetadata = Array.from({ length: partitions }, (_, partitionId) => ({
          partitionId,
          leader: 1,
          partitionErrorCode: 0,
          replicas: [1],
          isr: [1],
        }));
        const expected = kafkajs({ topic: 't', partitionMetadata, message: { key: k, value: null } });
        expect(keyPartition(k, partitions)).toBe(expected);
      }),
      { numRuns: 2_000 },
    );
  });
});

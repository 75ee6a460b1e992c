/**
 * Kafka's default partitioner for keyed records, as the Java client computes it
 * (`Utils.murmur2` over the key's UTF-8 bytes, `toPositive(hash) % partitions`), so a key lands
 * on the partition every Kafka client picks. kafkajs ships the same function on 64-bit `Long`
 * objects and a fresh Buffer per key, a visible share of the gateway's CPU on batches (see
 * docs/benchmarks.md); this one is 32-bit integer arithmetic (`Math.imul`) and hashes ASCII keys
 * without allocating.
 */
const SEED = 0x9747b28c;
const M = 0x5bd1e995;

let scratch = new Uint8Array(256);

/** Kafka's murmur2 of `data[0, length)`, a signed 32-bit integer. */
export function murmur2(data: Uint8Array, length = data.length): number {
  let h = SEED ^ length;
  const blocks = length & ~3;
  for (let i = 0; i < blocks; i += 4) {
    let k = data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16) | (data[i + 3]! << 24);
    k = Math.imul(k, M);
    k ^= k >>> 24;
    k = Math.imul(k, M);
    h = Math.imul(h, M) ^ k;
  }
  const rest = length & 3;
  if (rest === 3) h ^= data[blocks + 2]! << 16;
  if (rest >= 2) h ^= data[blocks + 1]! << 8;
  if (rest >= 1) {
    h ^= data[blocks]!;
    h = Math.imul(h, M);
  }
  h ^= h >>> 13;
  h = Math.imul(h, M);
  h ^= h >>> 15;
  return h | 0;
}

/** murmur2 of a string's UTF-8 bytes. */
export function murmur2OfText(key: string): number {
  const length = key.length;
  if (length > scratch.length) scratch = new Uint8Array(length * 2);
  for (let i = 0; i < length; i++) {
    const code = key.charCodeAt(i);
    if (code > 0x7f) return murmur2(Buffer.from(key, 'utf8'));
    scratch[i] = code;
  }
  return murmur2(scratch, length);
}

/** The partition of a keyed record among `partitions`. */
export function keyPartition(key: string, partitions: number): number {
  return (murmur2OfText(key) & 0x7fffffff) % partitions;
}

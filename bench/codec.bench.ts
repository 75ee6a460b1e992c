/**
 * Codec throughput against raw avsc in the same run: Herald's encode (wire header + avsc)
 * ÷ avsc `toBuffer`, and Herald's decode (header check + cached writer type) ÷ avsc
 * `fromBuffer`, on a realistic payment event. Both sides use the same avsc Type (BigInt
 * longs, wrapped unions), so the ratio is exactly the codec's overhead.
 *   npm run bench:codec            (writes docs/benchmarks/codec.json)
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AvroCodec, createAvroType, JsonAvroMapping } from '@app/schema';

const schema = {
  type: 'record',
  name: 'PaymentReceived',
  namespace: 'herald.payments',
  fields: [
    { name: 'payment_id', type: { type: 'string', logicalType: 'uuid' } },
    { name: 'merchant_id', type: 'string' },
    { name: 'amount_minor', type: 'long' },
    { name: 'currency', type: 'string' },
    { name: 'received_at', type: { type: 'long', logicalType: 'timestamp-millis' } },
    {
      name: 'method',
      type: { type: 'enum', name: 'Method', symbols: ['CARD', 'BANK', 'OTHER'], default: 'OTHER' },
    },
    { name: 'reference', type: ['null', 'string'], default: null },
  ],
};

const mapping = JsonAvroMapping.compile(schema);
const converted = mapping.fromJson({
  payment_id: '0190f3c4-8a1b-7c3d-9e4f-123456789abc',
  merchant_id: 'merchant-42',
  amount_minor: 129_900,
  currency: 'EUR',
  received_at: '2026-11-26T10:15:00.123Z',
  method: 'CARD',
  reference: 'INV-2026-0042',
});
if (!converted.ok) throw new Error(JSON.stringify(converted.issues));
const value = converted.value;
const type = createAvroType(schema);
const codec = new AvroCodec({ schemaById: async () => schema });

/** Messages per second for `work`, which handles `perCall` messages per call. */
async function throughput(calls: number, perCall: number, work: () => unknown): Promise<number> {
  const start = process.hrtime.bigint();
  for (let i = 0; i < calls; i++) await work();
  return (calls * perCall) / (Number(process.hrtime.bigint() - start) / 1e9);
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

/**
 * Many short alternating rounds; the ratio is the median of each round's herald/avsc ratio, so
 * a slow stretch of this shared 2-core VM hits both sides of a round alike and drops out.
 */
async function compare(rounds: number, baseline: () => Promise<number>, ours: () => Promise<number>) {
  const base: number[] = [];
  const mine: number[] = [];
  const ratios: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const b = await baseline();
    const m = await ours();
    base.push(b);
    mine.push(m);
    ratios.push(m / b);
  }
  return {
    avscPerSec: Math.round(median(base)),
    heraldPerSec: Math.round(median(mine)),
    ratio: Math.round(median(ratios) * 100) / 100,
  };
}

async function main(): Promise<void> {
  const rounds = 41;
  const raw = type.toBuffer(value);
  const message = codec.encode(1, type, value);
  const batch = Array.from({ length: 1000 }, () => message);
  const rawBatch = Array.from({ length: 1000 }, () => raw);
  await codec.decode(message);

  const encode = await compare(
    rounds,
    () => throughput(100_000, 1, () => type.toBuffer(value)),
    () => throughput(100_000, 1, () => codec.encode(1, type, value)),
  );
  const decodeBatch = await compare(
    rounds,
    () => throughput(100, 1000, () => rawBatch.map((b): unknown => type.fromBuffer(b))),
    () => throughput(100, 1000, () => codec.decodeBatch(batch)),
  );
  const decodeOne = await compare(
    rounds,
    () => throughput(100_000, 1, () => type.fromBuffer(raw)),
    () => throughput(100_000, 1, () => codec.decode(message)),
  );
  const results = {
    date: new Date().toISOString(),
    node: process.version,
    payloadBytes: raw.length,
    note: 'messages per second, 41 alternating rounds; ratio = median of per-round herald/avsc',
    encode,
    decodeBatchOf1000: decodeBatch,
    decodeOneAwaitEach: decodeOne,
  };
  console.log(JSON.stringify(results, null, 2));
  const out = join(__dirname, '..', '..', 'docs', 'benchmarks');
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'codec.json'), `${JSON.stringify(results, null, 2)}\n`);
}

void main();

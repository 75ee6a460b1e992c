/**
 * Consumer runtime throughput against raw kafkajs in the same run, on the same topic: a
 * HeraldConsumerServer in a Nest microservice (eachBatch → decodeBatch resolved to the pinned
 * reader → envelope → Nest handler pipeline → no-op handler → resolveOffset/commit/heartbeat,
 * metrics on) ÷ a bare kafkajs consumer whose eachBatch only counts records. The runtime runs
 * twice per round: with avsc payloads (`payload: 'avro'`, the decode + no-op handler the target
 * is about) and with the default JSON-mapped payloads. Each round reads
 * the whole pre-produced topic with a fresh group; time runs from the first record delivered to
 * the last, so group-join time (seconds, and noisy) is out of both sides.
 *   npm run bench:consumer        (needs Kafka: KAFKA_BROKERS or 127.0.0.1:9092; writes docs/benchmarks/consumer.json)
 *
 * Writer schemas come from an in-memory SchemaSource: RegistryClient caches schemas by id for
 * the life of the process, so after the first batch the registry is out of the hot path anyway.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Controller, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { EventPattern, Payload } from '@nestjs/microservices';
import { logLevel, type Kafka } from 'kafkajs';
import { createKafka, HeraldConsumerServer, type ConsumerSchemaSource, type PayloadShape } from '@app/kafka';
import { AvroCodec, createAvroType, UnknownSchemaIdError, type AvroSchemaJson } from '@app/schema';

const TOTAL = Number(process.env['BENCH_MESSAGES'] ?? 200_000);
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 3);
const PARTITIONS = 4;
const CONCURRENCY = 4;
const brokers = (process.env['KAFKA_BROKERS'] ?? '127.0.0.1:9092').split(',');
const suffix = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
const topic = `bench${suffix}.payment.received`;
const schemaPath = join(__dirname, '..', '..', 'schemas', 'payments', 'payments.payment.received', 'v2.avsc');
const schema = JSON.parse(readFileSync(schemaPath, 'utf8')) as AvroSchemaJson;
const SCHEMA_ID = 1;

const schemas: ConsumerSchemaSource = {
  schemaById: async (id) => {
    if (id !== SCHEMA_ID) throw new UnknownSchemaIdError(id);
    return schema;
  },
  versionsOfId: async () => [{ subject: `${topic}-value`, version: 2 }],
};

/** Sink the handler reports to; reset per round. */
const progress = { count: 0, first: 0, last: 0 };
function tick(n: number): void {
  if (progress.count === 0) progress.first = performance.now();
  progress.count += n;
  if (progress.count >= TOTAL) progress.last = performance.now();
}

@Controller()
class NoopHandler {
  @EventPattern(topic, { version: 2 })
  handle(@Payload() _payment: unknown): void {
    tick(1);
  }
}

@Module({ controllers: [NoopHandler] })
class BenchModule {}

async function produce(kafka: Kafka): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: PARTITIONS }], waitForLeaders: true });
  await admin.disconnect();
  const codec = new AvroCodec(schemas);
  const type = createAvroType(schema);
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  for (let sent = 0; sent < TOTAL; sent += 5_000) {
    const messages = Array.from({ length: Math.min(5_000, TOTAL - sent) }, (_, i) => {
      const n = sent + i;
      const value = codec.encode(SCHEMA_ID, type, {
        payment_id: `0190f3c4-8a1b-7c3d-9e4f-${String(n).padStart(12, '0')}`,
        merchant_id: 'merchant-42',
        amount_minor: BigInt(1_000 + n),
        currency: 'EUR',
        method: 'CARD',
        customer_id: null,
        processor_reference: { string: `psp-${n}` },
        received_at: 1_790_000_000_000n,
        fee_minor: null,
        card: null,
      });
      const headers = {
        ce_specversion: '1.0',
        ce_id: `evt-${n}`,
        ce_type: topic,
        ce_source: 'bench',
        ce_time: new Date().toISOString(),
      };
      return { key: `pay-${n % 1000}`, value, headers, partition: n % PARTITIONS };
    });
    await producer.send({ topic, acks: -1, messages });
  }
  await producer.disconnect();
}

async function waitDone(): Promise<number> {
  while (progress.count < TOTAL) await new Promise((resolve) => setTimeout(resolve, 20));
  return TOTAL / ((progress.last - progress.first) / 1000);
}

async function rawRound(kafka: Kafka, round: number): Promise<number> {
  Object.assign(progress, { count: 0, first: 0, last: 0 });
  const consumer = kafka.consumer({ groupId: `bench-raw-${suffix}-${round}` });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    partitionsConsumedConcurrently: CONCURRENCY,
    eachBatch: async ({ batch }) => tick(batch.messages.length),
  });
  const perSec = await waitDone();
  await consumer.disconnect();
  return perSec;
}

async function runtimeRound(round: number, payload: PayloadShape): Promise<number> {
  Object.assign(progress, { count: 0, first: 0, last: 0 });
  const server = new HeraldConsumerServer({
    brokers,
    clientId: 'bench-runtime',
    groupId: `bench-runtime-${payload}-${suffix}-${round}`,
    schemaSource: schemas,
    readerSchemas: () => schema,
    partitionsConcurrency: CONCURRENCY,
    payload,
    kafka: { logLevel: logLevel.NOTHING },
  });
  const app = await NestFactory.createMicroservice(BenchModule, { strategy: server, logger: false });
  await app.listen();
  const perSec = await waitDone();
  await app.close();
  return perSec;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

async function main(): Promise<void> {
  const kafka = createKafka({ brokers, clientId: 'bench-consumer' }, { logLevel: logLevel.NOTHING });
  const producedAt = performance.now();
  await produce(kafka);
  console.error(`produced ${TOTAL} records to ${topic} in ${Math.round(performance.now() - producedAt)} ms`);
  const raw: number[] = [];
  const avro: number[] = [];
  const json: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    raw.push(await rawRound(kafka, round));
    avro.push(await runtimeRound(round, 'avro'));
    json.push(await runtimeRound(round, 'json'));
    console.error(
      `round ${round + 1}: raw ${Math.round(raw[round]!)}/s, runtime ${Math.round(avro[round]!)}/s, ` +
        `runtime with JSON payloads ${Math.round(json[round]!)}/s`,
    );
  }
  const ratio = (side: number[]) => Math.round(median(side.map((v, i) => v / raw[i]!)) * 100) / 100;
  const results = {
    date: new Date().toISOString(),
    node: process.version,
    messages: TOTAL,
    partitions: PARTITIONS,
    partitionsConcurrency: CONCURRENCY,
    rounds: ROUNDS,
    note: 'records/s from first to last record delivered; ratios = median of per-round runtime/raw',
    rawKafkajsPerSec: raw.map(Math.round),
    runtimePerSec: avro.map(Math.round),
    runtimeJsonPayloadPerSec: json.map(Math.round),
    ratio: ratio(avro),
    ratioJsonPayload: ratio(json),
  };
  console.log(JSON.stringify(results, null, 2));
  const out = join(__dirname, '..', '..', 'docs', 'benchmarks');
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'consumer.json'), `${JSON.stringify(results, null, 2)}\n`);
  const admin = kafka.admin();
  await admin.connect();
  await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
  await admin.disconnect();
}

void main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);

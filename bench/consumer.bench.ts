/**
 * Consumer runtime throughput against raw kafkajs in the same run, on the same topic: a
 * HeraldConsumerServer in a Nest microservice (eachBatch → decodeBatch resolved to the pinned
 * reader → no-op handler, called directly since it has no enhancers, as connectHeraldConsumer
 * arranges for apps → resolveOffset/commit/heartbeat, metrics on) ÷ a bare kafkajs consumer whose
 * eachBatch only counts records. Both use kafkajs' default fetch settings and the same
 * partitionsConsumedConcurrently. The runtime runs twice per round: with avsc payloads
 * (`payload: 'avro'`, decodeBatch) and with the default JSON-mapped payloads (decodeBatchJson: the
 * reader is the writer's schema, so the JSON comes straight from the bytes). Each round reads the whole pre-produced topic with a fresh group; time
 * runs from the first record delivered to the last, so group-join time (seconds, and noisy) is
 * out of both sides. Process CPU per record over the same window is reported too.
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
import { format } from 'prettier';
import { createKafka, HeraldConsumerServer, type ConsumerSchemaSource, type PayloadShape } from '@app/kafka';
import { AvroCodec, createAvroType, UnknownSchemaIdError, type AvroSchemaJson } from '@app/schema';

const TOTAL = Number(process.env['BENCH_MESSAGES'] ?? 200_000);
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 5);
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

/**
 * Sink the handler reports to; reset per round. Besides wall time it takes the process's CPU
 * time over the same window: on the shared 2-core VM other work stretches wall time, and the
 * CPU cost per record shows what each side costs regardless of that.
 */
const progress = { count: 0, first: 0, last: 0, cpuFirst: 0, cpuLast: 0 };
const cpuMicros = (): number => {
  const { user, system } = process.cpuUsage();
  return user + system;
};
function tick(n: number): void {
  if (progress.count === 0) {
    progress.first = performance.now();
    progress.cpuFirst = cpuMicros();
  }
  progress.count += n;
  if (progress.count >= TOTAL && progress.last === 0) {
    progress.last = performance.now();
    progress.cpuLast = cpuMicros();
  }
}

interface Run {
  readonly perSec: number;
  /** Process CPU (all threads, GC included) per record, µs. */
  readonly cpuMicrosPerRecord: number;
}

function resetProgress(): void {
  Object.assign(progress, { count: 0, first: 0, last: 0, cpuFirst: 0, cpuLast: 0 });
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

async function waitDone(): Promise<Run> {
  while (progress.count < TOTAL) await new Promise((resolve) => setTimeout(resolve, 20));
  return {
    perSec: TOTAL / ((progress.last - progress.first) / 1000),
    cpuMicrosPerRecord: (progress.cpuLast - progress.cpuFirst) / TOTAL,
  };
}

async function rawRound(kafka: Kafka, round: number): Promise<Run> {
  resetProgress();
  const consumer = kafka.consumer({ groupId: `bench-raw-${suffix}-${round}` });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    partitionsConsumedConcurrently: CONCURRENCY,
    eachBatch: async ({ batch }) => tick(batch.messages.length),
  });
  const run = await waitDone();
  await consumer.disconnect();
  return run;
}

async function runtimeRound(round: number, payload: PayloadShape): Promise<Run> {
  resetProgress();
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
  // What connectHeraldConsumer does for apps: lets the runtime call the enhancer-free handler directly.
  server.bindTo(app);
  await app.listen();
  const run = await waitDone();
  await app.close();
  return run;
}

/**
 * One run on the shared VM says little, so the file keeps the last KEPT_RUNS runs and their
 * spread. Delete it after changing the runtime: older runs measured other code.
 */
const KEPT_RUNS = 6;

interface RunSummary {
  readonly ratio: number;
  readonly ratioJsonPayload: number;
  readonly cpuRatio: number;
}

function withEarlierRuns<T extends RunSummary>(file: string, latest: T): object {
  let earlier: T[] = [];
  try {
    const previous = JSON.parse(readFileSync(file, 'utf8')) as { runs?: T[] };
    earlier = Array.isArray(previous.runs) ? previous.runs : [];
  } catch {
    earlier = []; // first run, or a file from before runs were kept
  }
  const runs = [...earlier, latest].slice(-KEPT_RUNS);
  const spread = (pick: (run: T) => number) => [Math.min(...runs.map(pick)), Math.max(...runs.map(pick))];
  return {
    note: `the last ${runs.length} runs of bench/consumer.bench.ts, newest last; each ratio is a median over its rounds`,
    ratioSpread: spread((run) => run.ratio),
    ratioJsonPayloadSpread: spread((run) => run.ratioJsonPayload),
    cpuRatioSpread: spread((run) => run.cpuRatio),
    runs,
  };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

async function main(): Promise<void> {
  const kafka = createKafka({ brokers, clientId: 'bench-consumer' }, { logLevel: logLevel.NOTHING });
  const producedAt = performance.now();
  await produce(kafka);
  console.error(`produced ${TOTAL} records to ${topic} in ${Math.round(performance.now() - producedAt)} ms`);
  const raw: Run[] = [];
  const avro: Run[] = [];
  const json: Run[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    raw.push(await rawRound(kafka, round));
    avro.push(await runtimeRound(round, 'avro'));
    json.push(await runtimeRound(round, 'json'));
    const show = (run: Run) =>
      `${Math.round(run.perSec)}/s (${run.cpuMicrosPerRecord.toFixed(1)} µs CPU/record)`;
    console.error(
      `round ${round + 1}: raw ${show(raw[round]!)}, runtime ${show(avro[round]!)}, ` +
        `runtime with JSON payloads ${show(json[round]!)}`,
    );
  }
  const round2 = (x: number) => Math.round(x * 100) / 100;
  const ratio = (side: Run[]) => round2(median(side.map((run, i) => run.perSec / raw[i]!.perSec)));
  const cpuRatio = (side: Run[]) =>
    round2(median(side.map((run, i) => raw[i]!.cpuMicrosPerRecord / run.cpuMicrosPerRecord)));
  const perSec = (side: Run[]) => side.map((run) => Math.round(run.perSec));
  const cpu = (side: Run[]) => side.map((run) => round2(run.cpuMicrosPerRecord));
  const results = {
    date: new Date().toISOString(),
    node: process.version,
    messages: TOTAL,
    partitions: PARTITIONS,
    partitionsConcurrency: CONCURRENCY,
    rounds: ROUNDS,
    fetch:
      'kafkajs defaults on both sides (maxBytesPerPartition 1 MiB, maxBytes 10 MiB, minBytes 1, maxWaitTimeInMs 5000)',
    note:
      'records/s from first to last record delivered; ratios = median of per-round runtime/raw; ' +
      'cpuRatio = median of per-round raw/runtime process CPU µs per record over the same window',
    rawKafkajsPerSec: perSec(raw),
    runtimePerSec: perSec(avro),
    runtimeJsonPayloadPerSec: perSec(json),
    ratios: avro.map((run, i) => round2(run.perSec / raw[i]!.perSec)),
    ratiosJsonPayload: json.map((run, i) => round2(run.perSec / raw[i]!.perSec)),
    ratio: ratio(avro),
    ratioJsonPayload: ratio(json),
    rawCpuMicrosPerRecord: cpu(raw),
    runtimeCpuMicrosPerRecord: cpu(avro),
    runtimeJsonPayloadCpuMicrosPerRecord: cpu(json),
    cpuRatio: cpuRatio(avro),
    cpuRatioJsonPayload: cpuRatio(json),
  };
  console.log(JSON.stringify(results, null, 2));
  const out = join(__dirname, '..', '..', 'docs', 'benchmarks');
  mkdirSync(out, { recursive: true });
  // In the repository's Prettier style, so the committed file passes `npm run lint` as written.
  const recorded = withEarlierRuns(join(out, 'consumer.json'), results);
  writeFileSync(join(out, 'consumer.json'), await format(JSON.stringify(recorded), { parser: 'json' }));
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

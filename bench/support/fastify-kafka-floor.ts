/**
 * The floor under the gateway: bare Fastify that forwards each event of the request body to
 * Kafka and answers after the acknowledgement, and does nothing else (no auth, validation,
 * Avro encoding, idempotency window or Nest). Each event becomes the same record the gateway
 * writes: the key from `payment_id`, a pre-encoded value, the CloudEvents headers with a fresh
 * `ce_id` and `ce_time`. Concurrent requests share produce requests as in the gateway (while
 * one is in flight the next queue), on an idempotent producer with acks=all.
 * What the gateway's ratios cannot exceed on the same machine: the cost of "202 only after
 * Kafka acknowledged" in kafkajs. Env: KAFKA_BROKERS, FLOOR_TOPIC, FLOOR_VALUE (base64),
 * FLOOR_DATASCHEMA. Prints its port on stdout.
 */
import { randomUUID } from 'node:crypto';
import Fastify from 'fastify';
import { Kafka, logLevel, Partitioners, type Message, type RecordMetadata } from 'kafkajs';

interface Envelope {
  readonly type: string;
  readonly version?: number;
  readonly data: { readonly payment_id?: string };
}

interface Waiting {
  readonly messages: Message[];
  resolve(metadata: RecordMetadata[]): void;
  reject(error: unknown): void;
}

const env = process.env;
const topic = env['FLOOR_TOPIC']!;
const value = Buffer.from(env['FLOOR_VALUE']!, 'base64');
const kafka = new Kafka({ brokers: env['KAFKA_BROKERS']!.split(','), logLevel: logLevel.NOTHING });
const producer = kafka.producer({
  idempotent: true,
  maxInFlightRequests: 1,
  allowAutoTopicCreation: false,
  createPartitioner: Partitioners.DefaultPartitioner,
});

let queue: Waiting[] = [];
let sending = false;

async function drain(): Promise<void> {
  sending = true;
  while (queue.length > 0) {
    const batch = queue;
    queue = [];
    try {
      const metadata = await producer.send({ topic, messages: batch.flatMap((w) => w.messages), acks: -1 });
      batch.forEach((w) => w.resolve(metadata));
    } catch (error) {
      batch.forEach((w) => w.reject(error));
    }
  }
  sending = false;
}

function send(messages: Message[]): Promise<RecordMetadata[]> {
  return new Promise((resolve, reject) => {
    queue.push({ messages, resolve, reject });
    if (!sending) void drain();
  });
}

function record(event: Envelope, id: string): Message {
  return {
    key: event.data.payment_id ?? null,
    value,
    headers: {
      ce_specversion: '1.0',
      ce_id: id,
      ce_source: 'bench-service',
      ce_type: event.type,
      ce_time: new Date().toISOString(),
      ce_dataschema: env['FLOOR_DATASCHEMA'] ?? '',
      'content-type': 'application/avro',
    },
  };
}

const answer = (event: Envelope, id: string, metadata: RecordMetadata[]) => ({
  id,
  type: event.type,
  version: event.version ?? 1,
  topic,
  partition: metadata[0]?.partition ?? 0,
  offset: String(metadata[0]?.baseOffset ?? '0'),
});

async function main(): Promise<void> {
  await producer.connect();
  const app = Fastify({ logger: false, bodyLimit: 8 * 1024 * 1024 });
  app.post('/v1/events', async (request, reply) => {
    const event = request.body as Envelope;
    const id = randomUUID();
    const metadata = await send([record(event, id)]);
    return reply.code(202).send(answer(event, id, metadata));
  });
  app.post('/v1/events/batch', async (request, reply) => {
    const events = (request.body as { events: Envelope[] }).events;
    const ids = events.map(() => randomUUID());
    const metadata = await send(events.map((event, i) => record(event, ids[i]!)));
    return reply.code(200).send({
      results: events.map((event, i) => ({ status: 'accepted', ...answer(event, ids[i]!, metadata) })),
    });
  });
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  process.stdout.write(`${new URL(address).port}\n`);
  process.once(
    'SIGTERM',
    () =>
      void app
        .close()
        .then(() => producer.disconnect())
        .then(() => process.exit(0)),
  );
}

void main();

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
 *
 * With FLOOR_DATABASE_URL, events that carry an `id` (what the SDK sends) also go through the
 * least an idempotency window by client id can do: the id is claimed in PostgreSQL before the
 * send (a plain INSERT into a primary key: a second claim of the id fails), and the answer is
 * inserted after the reply, off the latency path, as the gateway does. Claims and answers of
 * concurrent requests share one statement each, like the produce requests. That is the floor
 * of the gateway's client-id path: no fingerprint, no take-over of stale claims, no reads.
 */
import { randomUUID } from 'node:crypto';
import Fastify from 'fastify';
import { Kafka, logLevel, Partitioners, type Message, type RecordMetadata } from 'kafkajs';
import { Pool } from 'pg';

interface Envelope {
  readonly id?: string;
  readonly type: string;
  readonly version?: number;
  readonly data: { readonly payment_id?: string };
}

/** Items of concurrent callers, written together: while one write is in flight the next queue. */
class Grouped<T, R> {
  private queue: { items: T[]; resolve(result: R): void; reject(error: unknown): void }[] = [];
  private writing = false;

  constructor(private readonly write: (items: T[]) => Promise<R>) {}

  add(items: T[]): Promise<R> {
    return new Promise((resolve, reject) => {
      this.queue.push({ items, resolve, reject });
      if (!this.writing) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.writing = true;
    while (this.queue.length > 0) {
      const group = this.queue;
      this.queue = [];
      try {
        const result = await this.write(group.flatMap((w) => w.items));
        group.forEach((w) => w.resolve(result));
      } catch (error) {
        group.forEach((w) => w.reject(error));
      }
    }
    this.writing = false;
  }
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

const produced = new Grouped((messages: Message[]) => producer.send({ topic, messages, acks: -1 }));
const send = (messages: Message[]) => produced.add(messages);

const pool = env['FLOOR_DATABASE_URL']
  ? new Pool({ connectionString: env['FLOOR_DATABASE_URL'], max: 4 })
  : undefined;
const claims = new Grouped(async (ids: string[]) => {
  await pool!.query('INSERT INTO floor_claims (id) SELECT unnest($1::text[])', [ids]);
});
const answers = new Grouped(async (rows: [string, string][]) => {
  await pool!.query('INSERT INTO floor_answers (id, answer) SELECT * FROM unnest($1::text[], $2::jsonb[])', [
    rows.map((r) => r[0]),
    rows.map((r) => r[1]),
  ]);
});

/** Claims the events' client ids (none when the events carry none), before their send. */
async function claim(events: readonly Envelope[]): Promise<boolean> {
  const ids = events.flatMap((e) => (e.id === undefined ? [] : [e.id]));
  if (ids.length === 0 || pool === undefined) return false;
  await claims.add(ids);
  return true;
}

/** Stores the answers of claimed ids after the reply, as the gateway does. */
function storeAnswers(claimed: boolean, answered: { id: string }[]): void {
  if (claimed) void answers.add(answered.map((a) => [a.id, JSON.stringify(a)] as [string, string]));
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
  await pool?.query(
    'CREATE TABLE IF NOT EXISTS floor_claims (id text PRIMARY KEY, claimed_at timestamptz NOT NULL DEFAULT now());' +
      'CREATE TABLE IF NOT EXISTS floor_answers (id text PRIMARY KEY, answer jsonb NOT NULL)',
  );
  const app = Fastify({ logger: false, bodyLimit: 8 * 1024 * 1024 });
  app.post('/v1/events', async (request, reply) => {
    const event = request.body as Envelope;
    const id = event.id ?? randomUUID();
    const claimed = await claim([event]);
    const metadata = await send([record(event, id)]);
    const answered = answer(event, id, metadata);
    void reply.code(202).send(answered);
    storeAnswers(claimed, [answered]);
    return reply;
  });
  app.post('/v1/events/batch', async (request, reply) => {
    const events = (request.body as { events: Envelope[] }).events;
    const ids = events.map((event) => event.id ?? randomUUID());
    const claimed = await claim(events);
    const metadata = await send(events.map((event, i) => record(event, ids[i]!)));
    const answered = events.map((event, i) => answer(event, ids[i]!, metadata));
    void reply.code(200).send({ results: answered.map((a) => ({ status: 'accepted', ...a })) });
    storeAnswers(claimed, answered);
    return reply;
  });
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  process.stdout.write(`${new URL(address).port}\n`);
  process.once(
    'SIGTERM',
    () =>
      void app
        .close()
        .then(() => producer.disconnect())
        .then(() => pool?.end())
        .then(() => process.exit(0)),
  );
}

void main();

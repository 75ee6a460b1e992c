/**
 * The baseline for the gateway's single-event benchmark: bare Fastify parsing the same JSON
 * request body and answering 202 with a body of the gateway's shape, and nothing else (no
 * auth, validation, Avro, Kafka or PostgreSQL). Run as its own process, like the gateway.
 * Prints its port on stdout.
 */
import { randomUUID } from 'node:crypto';
import Fastify from 'fastify';

interface Envelope {
  readonly type?: string;
  readonly version?: number;
}

async function main(): Promise<void> {
  const app = Fastify({ logger: false, bodyLimit: 1024 * 1024 });
  let offset = 0;
  app.post('/v1/events', async (request, reply) => {
    const body = request.body as Envelope;
    return reply.code(202).send({
      id: randomUUID(),
      type: body.type,
      version: body.version ?? 1,
      topic: body.type,
      partition: 0,
      offset: String(offset++),
    });
  });
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  process.stdout.write(`${new URL(address).port}\n`);
}

void main();

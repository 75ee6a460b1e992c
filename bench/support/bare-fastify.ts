/**
 * The baseline server for HTTP benchmarks: bare Fastify answering one route with a fixed JSON
 * body of the same shape the registry returns. Run as its own process, like the app it is
 * compared with. Prints its port on stdout.
 */
import Fastify from 'fastify';

const body = process.env['BENCH_BODY'] ?? '{}';

async function main(): Promise<void> {
  const app = Fastify({ logger: false });
  app.get('/schemas/ids/:id', async (_request, reply) =>
    reply.header('content-type', 'application/vnd.schemaregistry.v1+json').send(body),
  );
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  process.stdout.write(`${new URL(address).port}\n`);
}

void main();

/**
 * `GET /schemas/ids/{id}` on the registry (the built app, its own process, state loaded from a
 * real `_schemas` topic) against a bare Fastify process answering the same body, in the same
 * run, with the same autocannon load. Target: registry ÷ bare Fastify ≥ 0.5.
 *   npm run kafka:start && npm run bench:registry     (writes docs/benchmarks/registry.json)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import autocannon from 'autocannon';

const ROOT = join(__dirname, '..', '..');
const SCHEMA = JSON.stringify({
  type: 'record',
  name: 'PaymentReceived',
  namespace: 'herald.payments',
  fields: [
    { name: 'payment_id', type: 'string' },
    { name: 'amount_minor', type: 'long' },
  ],
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function waitReady(url: string): Promise<void> {
  for (let i = 0; i < 240; i++) {
    if (
      await fetch(url).then(
        (r) => r.ok,
        () => false,
      )
    )
      return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${url} never became ready`);
}

async function startRegistry(): Promise<{ child: ChildProcess; url: string; id: number }> {
  const port = await freePort();
  const child = spawn(process.execPath, [join(ROOT, 'dist', 'apps', 'schema-registry', 'src', 'main.js')], {
    env: {
      ...process.env,
      REGISTRY_PORT: String(port),
      REGISTRY_TOPIC: `_schemas-bench-${Date.now()}`,
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  await waitReady(`${url}/health/ready`);
  const response = await fetch(`${url}/subjects/bench-value/versions`, {
    method: 'POST',
    headers: { 'content-type': 'application/vnd.schemaregistry.v1+json' },
    body: JSON.stringify({ schema: SCHEMA }),
  });
  const { id } = (await response.json()) as { id: number };
  return { child, url, id };
}

async function startBareFastify(body: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [join(__dirname, 'support', 'bare-fastify.js')], {
    env: { ...process.env, BENCH_BODY: body },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<string>((resolve) =>
    child.stdout?.once('data', (d: Buffer) => resolve(d.toString().trim())),
  );
  return { child, url: `http://127.0.0.1:${port}` };
}

async function requestsPerSecond(url: string): Promise<number> {
  const result = await autocannon({ url, connections: 32, pipelining: 1, duration: 8 });
  if (result.non2xx > 0 || result.errors > 0)
    throw new Error(`${url}: ${result.non2xx} non-2xx, ${result.errors} errors`);
  return result.requests.average;
}

async function main(): Promise<void> {
  const registry = await startRegistry();
  const body = await fetch(`${registry.url}/schemas/ids/${registry.id}`).then((r) => r.text());
  const bare = await startBareFastify(body);
  try {
    // Warm both (JIT), then alternate measured runs.
    await requestsPerSecond(`${registry.url}/schemas/ids/${registry.id}`);
    await requestsPerSecond(`${bare.url}/schemas/ids/${registry.id}`);
    const herald: number[] = [];
    const baseline: number[] = [];
    for (let round = 0; round < 3; round++) {
      baseline.push(await requestsPerSecond(`${bare.url}/schemas/ids/${registry.id}`));
      herald.push(await requestsPerSecond(`${registry.url}/schemas/ids/${registry.id}`));
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[1] ?? 0;
    const results = {
      date: new Date().toISOString(),
      node: process.version,
      load: 'autocannon, 32 connections, 8 s per run, 3 alternating runs, median',
      bareFastifyRequestsPerSec: Math.round(median(baseline)),
      registryRequestsPerSec: Math.round(median(herald)),
      ratio: Math.round((median(herald) / median(baseline)) * 100) / 100,
      target: 0.5,
    };
    console.log(JSON.stringify(results, null, 2));
    const out = join(ROOT, 'docs', 'benchmarks');
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, 'registry.json'), `${JSON.stringify(results, null, 2)}\n`);
  } finally {
    registry.child.kill('SIGTERM');
    bare.child.kill('SIGTERM');
  }
}

void main();

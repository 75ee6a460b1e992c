/**
 * `herald up --demo`: once the platform is up, everything a newcomer needs to watch events flow.
 * - A sample webhook receiver on 127.0.0.1 (HERALD_DEMO_RECEIVER_PORT, default 8090) that verifies
 *   each delivery's Standard Webhooks signature with its endpoint's secret and prints one line per
 *   delivery (401 for a signature that does not verify).
 * - A webhooks endpoint for it, subscribed to every type (`*`).
 * - An API key for the producer `herald-demo`, and traffic of every catalog type through the SDK
 *   (HERALD_DEMO_RATE events per second, default 4): each event's data is the schema's sample
 *   (`jsonSample`) with a fresh key and one of three tenants, so audit, the analytics dashboard and
 *   the receiver have something to show within seconds.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Webhook } from 'standardwebhooks';
import { HeraldClient } from '@app/sdk';
import { jsonSample, loadCatalog, type EventTypeDefinition } from '@app/schema';
import { withApiKeyStore } from './keys.command';

export interface DemoOptions {
  readonly root: string;
  readonly gatewayUrl: string;
  readonly webhooksUrl: string;
  readonly webhooksAdminToken: string;
  readonly receiverPort: number;
  readonly ratePerSecond: number;
  readonly print: (line: string) => void;
}

export interface RunningDemo {
  readonly receiverUrl: string;
  stop(): Promise<void>;
}

const TENANTS = ['demo-tenant-1', 'demo-tenant-2', 'demo-tenant-3'];

function body(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

/** The receiver: verifies with the secret once the endpoint exists (until then it answers 503). */
async function startReceiver(
  port: number,
  secret: () => string | undefined,
  print: DemoOptions['print'],
): Promise<Server> {
  const server = createServer((request, response) => {
    void body(request).then((text) => {
      const key = secret();
      if (key === undefined) return void response.writeHead(503).end();
      const headers = {
        'webhook-id': String(request.headers['webhook-id'] ?? ''),
        'webhook-timestamp': String(request.headers['webhook-timestamp'] ?? ''),
        'webhook-signature': String(request.headers['webhook-signature'] ?? ''),
      };
      try {
        const event = new Webhook(key).verify(text, headers) as { type?: string; id?: string };
        print(`demo receiver: signature verified, ${event.type ?? '?'} ${event.id ?? headers['webhook-id']}`);
        response.writeHead(204).end();
      } catch (error) {
        print(`demo receiver: signature NOT verified (${(error as Error).message}), answered 401`);
        response.writeHead(401).end();
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return server;
}

async function createEndpoint(options: DemoOptions, url: string): Promise<string> {
  const response = await fetch(`${options.webhooksUrl}/v1/endpoints`, {
    method: 'POST',
    headers: { authorization: `Bearer ${options.webhooksAdminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ url, types: ['*'], description: 'herald up --demo: the sample receiver' }),
  });
  const answer = (await response.json()) as { id?: string; secret?: string; detail?: string };
  if (response.status !== 201 || answer.secret === undefined) {
    throw new Error(
      `creating the demo endpoint answered ${response.status}: ${answer.detail ?? JSON.stringify(answer)}`,
    );
  }
  return answer.secret;
}

/** The type's latest sample, with a fresh key and a demo tenant, so events differ and spread over partitions. */
function demoEvent(type: EventTypeDefinition, n: number): Record<string, unknown> {
  const data = jsonSample(type.latest.schema) as Record<string, unknown>;
  data[type.metadata.key] = randomUUID();
  data[type.metadata.tenant] = TENANTS[n % TENANTS.length];
  return data;
}

export async function startDemo(options: DemoOptions): Promise<RunningDemo> {
  const catalog = await loadCatalog(join(options.root, 'schemas'));
  // The receiver starts first (the endpoint needs its URL); it learns the endpoint's secret after.
  const endpoint: { secret?: string } = {};
  const receiver = await startReceiver(options.receiverPort, () => endpoint.secret, options.print);
  const receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhooks`;
  endpoint.secret = await createEndpoint(options, receiverUrl);
  const { secret: apiKey } = await withApiKeyStore((store) =>
    store.create({ producer: 'herald-demo', patterns: ['*'] }),
  );
  const client = new HeraldClient({ url: options.gatewayUrl, apiKey });
  const types = catalog.eventTypes;
  let sent = 0;
  const timer = setInterval(
    () => {
      const type = types[sent % types.length] as EventTypeDefinition;
      const data = demoEvent(type, sent);
      sent++;
      client
        .publishRaw(type.type, data, { version: type.latest.version })
        .catch((error: unknown) =>
          options.print(`demo traffic: ${type.type} not published: ${(error as Error).message}`),
        );
    },
    Math.max(10, Math.round(1_000 / options.ratePerSecond)),
  );
  return {
    receiverUrl,
    stop: async () => {
      clearInterval(timer);
      await client.close();
      await new Promise((resolve) => receiver.close(resolve));
    },
  };
}

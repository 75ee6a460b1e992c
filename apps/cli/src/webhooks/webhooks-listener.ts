/**
 * `herald webhooks listen`, like `stripe listen`: a receiver on 127.0.0.1 and a temporary endpoint
 * pointing at it, registered through the admin API (the webhooks app must admit loopback:
 * WEBHOOKS_ALLOWLIST=127.0.0.1, which `herald up` sets by default). Every delivery's signature is
 * verified with the `standardwebhooks` package against the endpoint's secret; each event prints
 * one line (type, id, version, attempt, status) and is forwarded — same body, same headers — to
 * --forward-to, whose status is the answer the webhooks app records (so its retries apply), or,
 * without --forward-to, answered 200 and printed whole. Stopping (SIGINT, SIGTERM) deletes the
 * endpoint. `attempt` counts how often this listener received the event (a retry, a replay).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hostname } from 'node:os';
import { Webhook } from 'standardwebhooks';
import { UsageError } from '../usage-error';
import { WebhooksApiError, type WebhooksAdminClient } from './webhooks-admin.client';
import type { EndpointJson } from './webhooks-text';

export interface ListenOptions {
  readonly forwardTo?: string;
  readonly types: readonly string[];
  readonly tenant?: string;
  readonly format?: string;
  readonly port: number;
  readonly json: boolean;
}

export interface ListenOutput {
  /** One event (stdout). */
  event(text: string): void;
  /** What the listener is doing (stderr). */
  status(text: string): void;
}

interface Received {
  readonly at: string;
  readonly id: string;
  readonly type: string;
  readonly version: number | null;
  readonly attempt: number;
  readonly status: number;
  readonly error?: string;
  readonly payload?: unknown;
}

/** Hop-by-hop and framing headers are the connection's own; everything else is forwarded as received. */
const NOT_FORWARDED = new Set([
  'host',
  'connection',
  'content-length',
  'transfer-encoding',
  'keep-alive',
  'expect',
]);
const MAX_BODY = 10 * 1024 * 1024;
const FORWARD_TIMEOUT_MS = 30_000;

export class WebhookListener {
  private server: Server | undefined;
  private endpoint: EndpointJson | undefined;
  private verifier: Webhook | undefined;
  private readonly attempts = new Map<string, number>();

  constructor(
    private readonly client: WebhooksAdminClient,
    private readonly options: ListenOptions,
    private readonly output: ListenOutput,
  ) {}

  /** Listens, registers the endpoint, and says so; returns the endpoint. */
  async start(): Promise<EndpointJson> {
    const server = createServer((req, res) => void this.receive(req, res));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port, '127.0.0.1', () => resolve());
    });
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    try {
      this.endpoint = await this.client.post<EndpointJson>('/v1/endpoints', {
        url,
        types: this.options.types,
        ...(this.options.tenant === undefined ? {} : { tenant: this.options.tenant }),
        ...(this.options.format === undefined ? {} : { format: this.options.format }),
        description: `herald webhooks listen on ${hostname()} (pid ${process.pid}); removed when it stops`,
        metadata: { 'herald-listen': 'true' },
      });
    } catch (error) {
      await this.closeServer();
      if (error instanceof WebhooksApiError && error.problems.some((p) => p.path === '/url')) {
        throw new UsageError(
          `the webhooks app refuses ${url} as a destination (${error.problems.find((p) => p.path === '/url')?.message}): ` +
            'start it with WEBHOOKS_ALLOWLIST=127.0.0.1 (herald up sets this by default)',
        );
      }
      throw error;
    }
    this.verifier = new Webhook(this.endpoint.secret!);
    const target =
      this.options.forwardTo === undefined
        ? 'answering 200 and printing each payload'
        : `forwarding to ${this.options.forwardTo}`;
    this.output.status(
      `Ready: endpoint ${this.endpoint.id} takes ${this.options.types.join(', ')}` +
        `${this.options.tenant === undefined ? '' : ` of tenant ${this.options.tenant}`} at ${url}, ${target}.\n` +
        `Signing secret: ${this.endpoint.secret!} (Ctrl-C stops and removes the endpoint)\n`,
    );
    return this.endpoint;
  }

  /** Deletes the endpoint (already gone is fine) and stops listening. */
  async stop(): Promise<void> {
    const endpoint = this.endpoint;
    this.endpoint = undefined;
    if (endpoint !== undefined) {
      try {
        await this.client.delete(`/v1/endpoints/${endpoint.id}`);
        this.output.status(`Removed endpoint ${endpoint.id}.\n`);
      } catch (error) {
        if (!(error instanceof WebhooksApiError && error.status === 404)) {
          this.output.status(
            `Could not remove endpoint ${endpoint.id}: ${(error as Error).message}; delete it with herald webhooks endpoints delete ${endpoint.id}\n`,
          );
        }
      }
    }
    await this.closeServer();
  }

  private async closeServer(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server === undefined) return;
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }

  private async receive(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let body: Buffer;
    try {
      body = await readBody(req);
    } catch (error) {
      res.writeHead(413).end((error as Error).message);
      return;
    }
    const headers = singleValued(req);
    const text = body.toString('utf8');
    const id = headers['webhook-id'] ?? '(no webhook-id)';
    const attempt = (this.attempts.get(id) ?? 0) + 1;
    this.attempts.set(id, attempt);
    let payload: Record<string, unknown> = {};
    try {
      payload = this.verifier!.verify(text, headers) as Record<string, unknown>;
    } catch (error) {
      res.writeHead(400, { 'content-type': 'text/plain' }).end('the signature does not verify');
      this.print({
        ...describe(id, attempt, parseLoosely(text)),
        status: 400,
        error: `signature: ${(error as Error).message}`,
      });
      return;
    }
    const received = describe(id, attempt, payload);
    if (this.options.forwardTo === undefined) {
      res.writeHead(200).end();
      this.print({ ...received, status: 200, payload });
      return;
    }
    const forwarded = await forward(this.options.forwardTo, req.method ?? 'POST', headers, body);
    res.writeHead(forwarded.status, forwarded.headers).end(forwarded.body);
    this.print({
      ...received,
      status: forwarded.status,
      ...(forwarded.error === undefined ? {} : { error: forwarded.error }),
    });
  }

  private print(event: Received): void {
    if (this.options.json) {
      this.output.event(`${JSON.stringify(event)}\n`);
      return;
    }
    const version = event.version === null ? 'v?' : `v${event.version}`;
    const outcome = event.error === undefined ? `${event.status}` : `${event.status} (${event.error})`;
    let line = `${event.at}  ${event.type}  ${event.id}  ${version}  attempt ${event.attempt}  -> ${outcome}\n`;
    if (event.payload !== undefined) line += `${JSON.stringify(event.payload, null, 2)}\n`;
    this.output.event(line);
  }
}

/** Type and version of a standard body (`version`) or a CloudEvent (`dataversion`). */
function describe(id: string, attempt: number, payload: Record<string, unknown>): Omit<Received, 'status'> {
  const version = payload['version'] ?? payload['dataversion'];
  return {
    at: new Date().toISOString(),
    id,
    type: typeof payload['type'] === 'string' ? payload['type'] : '(unknown type)',
    version: typeof version === 'number' ? version : null,
    attempt,
  };
}

function parseLoosely(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

function singleValued(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        reject(new Error(`the body is larger than ${MAX_BODY} bytes`));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** POSTs the delivery on as received; the target's answer (or 502 when it cannot be reached) goes back. */
async function forward(
  target: string,
  method: string,
  headers: Readonly<Record<string, string>>,
  body: Buffer,
): Promise<{ status: number; headers: Record<string, string>; body: Buffer; error?: string }> {
  const sent = Object.fromEntries(Object.entries(headers).filter(([name]) => !NOT_FORWARDED.has(name)));
  try {
    const response = await fetch(target, {
      method,
      headers: sent,
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(FORWARD_TIMEOUT_MS),
    });
    const answer = Buffer.from(await response.arrayBuffer());
    const type = response.headers.get('content-type');
    const retryAfter = response.headers.get('retry-after');
    return {
      status: response.status,
      headers: {
        ...(type === null ? {} : { 'content-type': type }),
        ...(retryAfter === null ? {} : { 'retry-after': retryAfter }),
      },
      body: answer,
    };
  } catch (error) {
    const cause = (error as { cause?: { message?: string } }).cause?.message ?? (error as Error).message;
    return {
      status: 502,
      headers: { 'content-type': 'text/plain' },
      body: Buffer.from(`forwarding failed: ${cause}`),
      error: `forwarding failed: ${cause}`,
    };
  }
}

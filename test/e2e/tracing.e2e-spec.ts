/**
 * One trace across Herald, as an operator sees it in a tracing backend: the registry, gateway,
 * webhooks and audit started from dist as users start them, with OpenTelemetry export pointed at
 * an in-process OTLP/HTTP receiver. One event published with a client's `traceparent` must give
 * spans of that trace only, chained publish → produce → process → handle in each consumer app,
 * and deliver under the produce span, and the webhook receiver must get a `traceparent` of that
 * trace naming the deliver span. The event type is one of this run's own (a private catalog), so
 * the apps read only this run's topic on the shared broker.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { projectRoot } from '@app/config';
import {
  databaseUrlFor,
  dropTestDatabase,
  freePort,
  testBrokers,
  uniqueIdentifier,
  uniqueName,
  waitFor,
} from '@app/testing';

jest.setTimeout(90_000);

const ROOT = projectRoot();
const DOMAIN = `trace${randomBytes(4).toString('hex')}`;
const TYPE = `${DOMAIN}.probe.sent`;
const REGISTRY_TOKEN = 'tracing-registry-token-0123456789abcdef';
const ADMIN_TOKEN = 'tracing-admin-token-0123456789abcdef';
const CLIENT_TRACE_ID = randomBytes(16).toString('hex');
const CLIENT_SPAN_ID = randomBytes(8).toString('hex');

/** A span as the OTLP/JSON export carries it, with the service that sent it. */
interface ExportedSpan {
  readonly service: string;
  readonly name: string;
  readonly kind: number;
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId: string;
  readonly attributes: Record<string, unknown>;
  readonly status: { code?: number };
}

interface OtlpValue {
  stringValue?: string;
  intValue?: string | number;
  boolValue?: boolean;
  doubleValue?: number;
}
interface OtlpAttribute {
  key: string;
  value: OtlpValue;
}
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes?: OtlpAttribute[];
  status?: { code?: number };
}
interface OtlpExport {
  resourceSpans?: Array<{
    resource?: { attributes?: OtlpAttribute[] };
    scopeSpans?: Array<{ spans?: OtlpSpan[] }>;
  }>;
}

/** OTLP/JSON ids are hex; the protobuf-style JSON mapping would make them base64. */
function hexId(id: string | undefined): string {
  if (id === undefined || id === '') return '';
  return /^[0-9a-f]+$/.test(id) && (id.length === 32 || id.length === 16)
    ? id
    : Buffer.from(id, 'base64').toString('hex');
}

function valueOf(value: OtlpValue): unknown {
  if (value.intValue !== undefined) return Number(value.intValue);
  return value.stringValue ?? value.boolValue ?? value.doubleValue;
}

function attributesOf(list: OtlpAttribute[] | undefined): Record<string, unknown> {
  return Object.fromEntries((list ?? []).map(({ key, value }) => [key, valueOf(value)]));
}

async function bodyOf(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const body = Buffer.concat(chunks);
  return request.headers['content-encoding'] === 'gzip' ? gunzipSync(body) : body;
}

/** The in-process collector: POST /v1/traces in OTLP/JSON (what the HTTP exporter sends). */
class OtlpReceiver {
  readonly spans: ExportedSpan[] = [];
  readonly problems: string[] = [];
  private readonly server: Server = createServer((request, response) => {
    void this.take(request).then(
      () => response.writeHead(200, { 'content-type': 'application/json' }).end('{}'),
      (error: unknown) => {
        this.problems.push(String(error));
        response.writeHead(400).end();
      },
    );
  });

  private async take(request: IncomingMessage): Promise<void> {
    const body = await bodyOf(request);
    if (request.method !== 'POST' || request.url !== '/v1/traces') {
      throw new Error(`unexpected ${request.method} ${request.url}`);
    }
    if (!String(request.headers['content-type']).startsWith('application/json')) {
      throw new Error(`unexpected content type ${request.headers['content-type']}`);
    }
    const payload = JSON.parse(body.toString('utf8')) as OtlpExport;
    for (const resourceSpans of payload.resourceSpans ?? []) {
      const service = String(attributesOf(resourceSpans.resource?.attributes)['service.name']);
      for (const scope of resourceSpans.scopeSpans ?? []) {
        for (const span of scope.spans ?? []) {
          this.spans.push({
            service,
            name: span.name,
            kind: span.kind,
            traceId: hexId(span.traceId),
            spanId: hexId(span.spanId),
            parentSpanId: hexId(span.parentSpanId),
            attributes: attributesOf(span.attributes),
            status: span.status ?? {},
          });
        }
      }
    }
  }

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** The webhook endpoint: answers 204 and keeps the headers of what it got. */
class WebhookReceiver {
  readonly requests: IncomingHttpHeaders[] = [];
  private readonly server: Server = createServer((request, response) => {
    void bodyOf(request).then(() => {
      this.requests.push(request.headers);
      response.writeHead(204).end();
    });
  });

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hook`;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** A catalog of one event type, this run's own (its topic is new on the shared broker). */
function writeCatalog(dir: string): void {
  const typeDir = join(dir, DOMAIN, TYPE);
  mkdirSync(typeDir, { recursive: true });
  writeFileSync(
    join(typeDir, 'event.yaml'),
    'description: A probe of the tracing end-to-end test.\nowner: platform-team\nkey: probe_id\n' +
      'tenant: account_id\npartitions: 1\nretention: 1h\n',
  );
  writeFileSync(
    join(typeDir, 'v1.avsc'),
    JSON.stringify({
      type: 'record',
      name: 'ProbeSent',
      namespace: `herald.${DOMAIN}`,
      doc: 'A probe of the tracing end-to-end test.',
      fields: [
        { name: 'probe_id', type: 'string', doc: 'Identifier of the probe.' },
        { name: 'account_id', type: 'string', doc: 'The tenant.' },
      ],
    }),
  );
}

const PORT_VARIABLE = {
  'schema-registry': 'REGISTRY_PORT',
  gateway: 'GATEWAY_PORT',
  webhooks: 'WEBHOOKS_PORT',
  audit: 'AUDIT_PORT',
} as const;
type AppName = keyof typeof PORT_VARIABLE;

interface RunningApp {
  readonly url: string;
  readonly child: ChildProcess;
  stderr: string;
}

function startApp(name: AppName, port: number, env: NodeJS.ProcessEnv): RunningApp {
  const child = spawn(process.execPath, [join(ROOT, 'dist', 'apps', name, 'src', 'main.js')], {
    env: { ...process.env, LOG_LEVEL: 'warn', [PORT_VARIABLE[name]]: String(port), ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const app: RunningApp = { url: `http://127.0.0.1:${port}`, child, stderr: '' };
  child.stderr?.on('data', (chunk: Buffer) => {
    app.stderr = (app.stderr + chunk.toString('utf8')).slice(-4_000);
  });
  return app;
}

async function ready(name: string, app: RunningApp): Promise<void> {
  await waitFor(
    async () => {
      if (app.child.exitCode !== null) throw new Error(`${name} exited: ${app.stderr}`);
      const response = await fetch(`${app.url}/health/ready`).catch(() => undefined);
      await response?.body?.cancel();
      return response?.status === 200;
    },
    { timeoutMs: 60_000, intervalMs: 250, description: `${name} to become ready` },
  );
}

function stop(app: RunningApp): Promise<void> {
  if (app.child.exitCode !== null || app.child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    app.child.once('exit', () => resolve());
    app.child.kill('SIGTERM');
  });
}

function herald(args: string[], env: NodeJS.ProcessEnv): string {
  const result = spawnSync(process.execPath, [join(ROOT, 'bin', 'herald.js'), ...args], {
    env: { ...process.env, NO_COLOR: '1', ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (result.status !== 0) throw new Error(`herald ${args.join(' ')} failed: ${result.stderr}`);
  return result.stdout;
}

describe('a trace across the gateway, Kafka, the consumer apps and a webhook', () => {
  const database = uniqueIdentifier('herald_tracing');
  const catalog = mkdtempSync(join(tmpdir(), 'herald-tracing-'));
  const collector = new OtlpReceiver();
  const receiver = new WebhookReceiver();
  const apps: RunningApp[] = [];

  afterAll(async () => {
    await Promise.all(apps.map(stop));
    await Promise.all([collector.stop(), receiver.stop()]);
    await dropTestDatabase(database);
    rmSync(catalog, { recursive: true, force: true });
  });

  it('gives every span the client trace, chained from publish to handle and deliver', async () => {
    writeCatalog(catalog);
    const [collectorUrl, receiverUrl] = await Promise.all([collector.start(), receiver.start()]);
    const base = {
      KAFKA_BROKERS: testBrokers().join(','),
      DATABASE_URL: databaseUrlFor(database),
      SCHEMAS_DIR: catalog,
    };
    const tracing = { OTEL_EXPORTER_OTLP_ENDPOINT: collectorUrl, OTEL_BSP_SCHEDULE_DELAY: '100' };
    const onlyThisType = `^${TYPE.replace(/\./g, '\\.')}$`;

    const registry = startApp('schema-registry', await freePort(), {
      ...base,
      REGISTRY_TOPIC: uniqueName('_schemas-tracing'),
      REGISTRY_WRITE_TOKEN: REGISTRY_TOKEN,
    });
    apps.push(registry);
    await ready('schema-registry', registry);
    herald(['schemas', 'push', '--dir', catalog, '--registry', registry.url], {
      ...base,
      REGISTRY_WRITE_TOKEN: REGISTRY_TOKEN,
    });

    const withRegistry = { ...base, ...tracing, SCHEMA_REGISTRY_URL: registry.url };
    const gateway = startApp('gateway', await freePort(), withRegistry);
    const webhooks = startApp('webhooks', await freePort(), {
      ...withRegistry,
      WEBHOOKS_GROUP_ID: uniqueName('webhooks-tracing'),
      WEBHOOKS_TOPIC_PATTERN: onlyThisType,
      WEBHOOKS_ADMIN_TOKEN: ADMIN_TOKEN,
      WEBHOOKS_ENCRYPTION_KEYS: `k1:${Buffer.alloc(32, 5).toString('base64')}`,
      WEBHOOKS_ALLOWLIST: '127.0.0.1',
    });
    const audit = startApp('audit', await freePort(), {
      ...withRegistry,
      AUDIT_GROUP_ID: uniqueName('audit-tracing'),
      AUDIT_TOPIC_PATTERN: onlyThisType,
    });
    apps.push(gateway, webhooks, audit);
    await Promise.all([ready('gateway', gateway), ready('webhooks', webhooks), ready('audit', audit)]);

    const endpoint = await fetch(`${webhooks.url}/v1/endpoints`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ url: receiverUrl, types: [TYPE] }),
    });
    expect(endpoint.status).toBe(201);
    const endpointId = ((await endpoint.json()) as { id: string }).id;
    const { key } = JSON.parse(
      herald(['keys', 'create', '--producer', 'tracing', '--types', '*', '--json'], base),
    ) as {
      key: string;
    };

    const eventId = randomUUID();
    const published = await fetch(`${gateway.url}/v1/events`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${key}`,
        'content-type': 'application/json',
        traceparent: `00-${CLIENT_TRACE_ID}-${CLIENT_SPAN_ID}-01`,
      },
      body: JSON.stringify({ type: TYPE, id: eventId, data: { probe_id: 'p-1', account_id: 'acct-1' } }),
    });
    expect(published.status).toBe(202);

    // The webhook arrives; the spans follow within a batch-processor delay of their end.
    const [hook] = await waitFor(() => (receiver.requests.length > 0 ? receiver.requests : undefined), {
      timeoutMs: 30_000,
      intervalMs: 100,
      description: 'the webhook to arrive',
    });
    const named = (service: string, name: string) =>
      collector.spans.filter((s) => s.service === service && s.name === name);
    const expected: Array<[string, string]> = [
      ['gateway', 'publish'],
      ['gateway', 'produce'],
      ['webhooks', 'process'],
      ['webhooks', 'handle'],
      ['webhooks', 'deliver'],
      ['audit', 'process'],
      ['audit', 'handle'],
    ];
    await waitFor(() => expected.every(([service, name]) => named(service, name).length > 0), {
      timeoutMs: 20_000,
      intervalMs: 100,
      description: `spans ${expected.map((e) => e.join(':')).join(', ')} at the collector`,
    });
    expect(collector.problems).toEqual([]);

    // One event, one trace: the client's. Nothing else was published with tracing on.
    expect(new Set(collector.spans.map((s) => s.traceId))).toEqual(new Set([CLIENT_TRACE_ID]));
    const one = (service: string, name: string): ExportedSpan => {
      const spans = named(service, name);
      expect(spans).toHaveLength(1);
      return spans[0]!;
    };
    const publish = one('gateway', 'publish');
    const produce = one('gateway', 'produce');
    const deliver = one('webhooks', 'deliver');
    expect(publish.parentSpanId).toBe(CLIENT_SPAN_ID);
    expect(produce.parentSpanId).toBe(publish.spanId);
    for (const service of ['webhooks', 'audit']) {
      const processSpan = one(service, 'process');
      const handle = one(service, 'handle');
      expect({ service, process: processSpan.parentSpanId, handle: handle.parentSpanId }).toEqual({
        service,
        process: produce.spanId,
        handle: processSpan.spanId,
      });
      expect(processSpan.attributes).toMatchObject({
        'messaging.system': 'kafka',
        'messaging.destination.name': TYPE,
        'cloudevents.event_id': eventId,
        'cloudevents.event_type': TYPE,
      });
    }
    expect(deliver.parentSpanId).toBe(produce.spanId);

    // Span kinds (OTLP: 2 server, 3 client, 4 producer, 5 consumer) and the attributes operators filter on.
    expect([publish.kind, produce.kind, one('audit', 'process').kind, deliver.kind]).toEqual([2, 4, 5, 3]);
    expect(publish.attributes).toMatchObject({
      'http.route': '/v1/events',
      'http.response.status_code': 202,
    });
    expect(produce.attributes).toMatchObject({
      'messaging.destination.name': TYPE,
      'messaging.destination.partition.id': '0',
      'cloudevents.event_id': eventId,
    });
    expect(deliver.attributes).toMatchObject({
      'cloudevents.event_id': eventId,
      'herald.webhook.endpoint_id': endpointId,
      'herald.attempt': 1,
      'http.response.status_code': 204,
    });

    // The receiver continues the same trace, under the deliver span.
    expect(hook!['traceparent']).toBe(`00-${CLIENT_TRACE_ID}-${deliver.spanId}-01`);
  });
});

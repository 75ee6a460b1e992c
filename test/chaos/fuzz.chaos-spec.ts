/**
 * Bad input against every HTTP API of the built platform (gateway, registry, webhooks, analytics)
 * on a private Kafka and a database of its own: the bad-input corpora of the gateway and of the
 * webhooks endpoints and operations APIs, then HERALD_CHAOS_FUZZ_RUNS (10,000) fast-check requests
 * built from valid ones with at least one part broken (an event with a wrong field, a schema cut
 * short, an endpoint with a bad URL, ...) and the rest mutated freely: bodies, content types,
 * paths, query strings, tokens. Every answer must be below 500 and come within 30 s, and nothing
 * may be written: every Kafka topic's offsets, every table's row count and the registry's
 * subjects are the same afterwards.
 *
 * HERALD_CHAOS_FUZZ_SEED fixes the run's seed (printed), HERALD_CHAOS_FUZZ_CONCURRENCY (4) the
 * requests in flight.
 */
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { Client } from 'pg';
import {
  endpointBody,
  gatewayBadInput,
  startPrivateKafka,
  webhooksEndpointsBadInput,
  webhooksOperationsBadInput,
  type PrivateKafka,
} from '@app/testing';
import { herald } from './support/apps';
import { createChaosDatabase, type ChaosDatabase } from './support/database';
import { ADMIN_TOKEN, Platform, REGISTRY_TOKEN } from './support/platform';
import { PAYMENT_TYPE, payment } from './support/publisher';

jest.setTimeout(1_800_000);

const { cases: gatewayCases, MAX_BATCH_EVENTS, MAX_BODY_BYTES, MAX_EVENT_BYTES } = gatewayBadInput;
type Types = gatewayBadInput.Types;
const { CASES: endpointCases } = webhooksEndpointsBadInput;
const { CASES: operationCases } = webhooksOperationsBadInput;

const RUNS = Number(process.env.HERALD_CHAOS_FUZZ_RUNS ?? 10_000);
const SEED = Number(process.env.HERALD_CHAOS_FUZZ_SEED ?? Date.now() % 2 ** 31);
const CONCURRENCY = Number(process.env.HERALD_CHAOS_FUZZ_CONCURRENCY ?? 4);
const HANG_MS = 30_000;
const ORDER_TYPE = 'orders.order.shipped';

/** One request as sent; `base` is the app's URL, `path` may carry a query string. */
interface Probe {
  readonly label: string;
  readonly app: 'gateway' | 'schema-registry' | 'webhooks' | 'analytics';
  readonly method: string;
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body?: string | Buffer | Readable;
  /** A corpus case's status in its own test (in-process or on other settings): reported when it differs. */
  readonly expected?: number;
}

interface Answered {
  readonly status: number;
  readonly text: string;
}

// ---------------------------------------------------------------- arbitraries

const printable = fc.stringMatching(/^[\x20-\x7e]{0,40}$/);
/** Strings that stress parsers: unicode, control characters, escapes, long ones, lookalikes. */
const junk = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  printable,
  fc.constantFrom(
    '',
    ' ',
    '%',
    '%00',
    '%ZZ',
    '..',
    '../..',
    '\u0000',
    '\ud800',
    '😀',
    '-1',
    '1e400',
    'null',
    '[]',
    '{}',
  ),
  fc.nat({ max: 5_000 }).map((n) => 'x'.repeat(n)),
);
/** Any JSON value, hostile numbers and deep structures included. */
const anyJson = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }),
  fc.constantFrom(null, true, -0, 1.5, 2 ** 63, -(2 ** 53) - 2, '9007199254740993', {}, [], ''),
  junk,
);
const contentType = fc.oneof(
  { weight: 6, arbitrary: fc.constant('application/json') },
  {
    weight: 4,
    arbitrary: fc.constantFrom(
      'application/json; charset=utf-8',
      'application/json; charset=latin1',
      'application/cloudevents+json',
      'application/vnd.schemaregistry.v1+json',
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'application/xml',
      '',
      '*/*',
    ),
  },
  { weight: 1, arbitrary: printable },
);
/** Percent-encodes; a lone surrogate (not UTF-8) becomes invalid UTF-8 bytes instead. */
const encode = (s: string): string =>
  s.isWellFormed() ? encodeURIComponent(s) : `${encodeURIComponent(s.toWellFormed())}%ED%A0%80%FF`;
/** A query string: real parameter names with junk, or junk names. */
const queryString = (names: readonly string[]) =>
  fc
    .array(
      fc.tuple(
        fc.oneof(fc.constantFrom(...names), printable),
        fc.oneof(junk, fc.constantFrom('1', '0', 'now')),
      ),
      { maxLength: 4 },
    )
    .map((pairs) =>
      pairs.length === 0 ? '' : `?${pairs.map(([k, v]) => `${encode(k)}=${encode(v)}`).join('&')}`,
    );
/** A path segment: percent-encoded junk, or raw junk that the URL parser normalizes. */
const segment = fc.oneof(
  junk.map(encode),
  printable.map((s) => s.replace(/[?#]/g, '')),
);

type Mutable = Record<string, unknown>;
/** A label and an edit that makes a valid request invalid for sure. */
type Breaker = readonly [string, (value: Mutable) => Mutable];

/** Applies random edits to a copy of a JSON object: fields set to any value, removed or added. */
const edits = (fields: readonly string[]) =>
  fc.array(
    fc.oneof(
      fc.tuple(fc.constant('set' as const), fc.constantFrom(...fields), anyJson),
      fc.tuple(fc.constant('drop' as const), fc.constantFrom(...fields), fc.constant(null)),
      fc.tuple(fc.constant('reorder' as const), fc.constant(''), fc.constant(null)),
    ),
    { maxLength: 3 },
  );
function applyEdits(value: Mutable, list: ReadonlyArray<readonly [string, string, unknown]>): Mutable {
  let copy: Mutable = structuredClone(value);
  for (const [kind, field, to] of list) {
    if (kind === 'set') copy[field] = to;
    else if (kind === 'drop') delete copy[field];
    else copy = Object.fromEntries(Object.entries(copy).reverse());
  }
  return copy;
}

/** A valid event's JSON with one part broken for sure and other parts mutated at random. */
function gatewayProbes(key: string): fc.Arbitrary<Probe> {
  const event = fc.uuid().map((id) => payment(id) as unknown as Mutable);
  // Each breaker makes the request invalid whatever the other edits did.
  const breaker = fc.oneof(
    fc
      .tuple(fc.constant('unknown envelope field'), printable)
      .map(([label, name]) => [label, (e: Mutable) => ({ ...e, [`zz_${name}`]: 1 })] as const),
    fc
      .tuple(fc.constant('amount not a long'), fc.constantFrom(true, null, [], {}, 1.5, 'x', '1.5'))
      .map(
        ([label, v]) =>
          [label, (e: Mutable) => ({ ...e, data: { ...(e.data as Mutable), amount_minor: v } })] as const,
      ),
    fc
      .tuple(
        fc.constant('required data field missing'),
        fc.constantFrom('payment_id', 'merchant_id', 'currency'),
      )
      .map(
        ([label, field]) =>
          [
            label,
            (e: Mutable) => {
              const data = { ...(e.data as Mutable) };
              delete data[field];
              return { ...e, data };
            },
          ] as const,
      ),
    fc
      .tuple(fc.constant('unknown type'), junk)
      .map(([label, t]) => [label, (e: Mutable) => ({ ...e, type: `${PAYMENT_TYPE}.${t}` })] as const),
    fc
      .tuple(fc.constant('id with a control character'), printable)
      .map(([label, s]) => [label, (e: Mutable) => ({ ...e, id: `${s}\u0001` })] as const),
    fc
      .tuple(fc.constant('bad time'), junk)
      .map(([label, t]) => [label, (e: Mutable) => ({ ...e, time: `not a time ${t}` })] as const),
  );
  // The edits touch envelope fields other than the broken one's: they add variety, not validity.
  const envelopeEdits = edits(['version', 'key', 'subject', 'traceparent', 'tenant']);
  const dataEdits = edits(['method', 'received_at', 'merchant_id', 'extra']);
  // How the request goes wrong besides its JSON (or not at all).
  const framing = fc.oneof(
    { weight: 6, arbitrary: fc.constant('json') },
    { weight: 1, arbitrary: fc.constant('cut short') },
    { weight: 1, arbitrary: fc.constant('no key') },
    { weight: 1, arbitrary: fc.constant('wrong key') },
    { weight: 1, arbitrary: fc.constant('as a batch') },
    { weight: 1, arbitrary: fc.constant('atomic batch') },
  );
  return fc
    .record({
      event,
      breaker,
      envelopeEdits,
      dataEdits,
      framing,
      contentType,
      extraValid: fc.array(fc.uuid(), { maxLength: 3 }),
      query: queryString(['atomic', 'version', 'id']),
      path: fc.oneof(
        { weight: 8, arbitrary: fc.constant('/v1/events') },
        { weight: 1, arbitrary: segment.map((s) => `/v1/events/${s}`) },
        {
          weight: 1,
          arbitrary: fc.constantFrom('/v1/events/', '/v1//events', '/V1/events', '/v1/events/batch/'),
        },
      ),
    })
    .map((r) => {
      const edited = applyEdits(r.event, r.envelopeEdits);
      edited.data = applyEdits(edited.data as Mutable, r.dataEdits);
      const [label, breakIt] = r.breaker as Breaker;
      const broken = breakIt(edited);
      let path = r.path;
      let body: string;
      if (r.framing === 'as a batch' || r.framing === 'atomic batch') {
        // Valid events beside the broken one: non-atomic, they would be written, so they are left out
        // there; an atomic batch keeps them (all or nothing).
        const others = r.framing === 'atomic batch' ? r.extraValid.map(payment) : [];
        path = '/v1/events/batch';
        body = JSON.stringify({ events: [...others, broken], atomic: r.framing === 'atomic batch' });
      } else body = JSON.stringify(broken);
      if (r.framing === 'cut short') body = body.slice(0, Math.max(0, body.length - 1 - (body.length % 7)));
      const headers: Record<string, string> = { 'content-type': r.contentType };
      if (r.framing !== 'no key')
        headers.authorization = `Bearer ${r.framing === 'wrong key' ? `${key}x` : key}`;
      return {
        label: `gateway: ${label} (${r.framing})`,
        app: 'gateway',
        method: 'POST',
        path: path + r.query,
        headers,
        body,
      };
    });
}

/** Registry reads with junk in paths and queries, and writes that are refused for sure. */
function registryProbes(): fc.Arbitrary<Probe> {
  const subject = fc.oneof(fc.constant(`${PAYMENT_TYPE}-value`), segment);
  const version = fc.oneof(fc.constantFrom('latest', '1', '2', '-1', '0', '99999999999999999999'), segment);
  const schema = JSON.stringify({ type: 'record', name: 'Fuzz', fields: [{ name: 'a', type: 'string' }] });
  const read = fc
    .tuple(
      fc.oneof(
        subject.map((s) => `/subjects/${s}/versions`),
        fc.tuple(subject, version).map(([s, v]) => `/subjects/${s}/versions/${v}`),
        fc.tuple(subject, version).map(([s, v]) => `/subjects/${s}/versions/${v}/schema`),
        segment.map((id) => `/schemas/ids/${id}`),
        segment.map((id) => `/schemas/ids/${id}/versions`),
        subject.map((s) => `/config/${s}`),
        subject.map((s) => `/mode/${s}`),
        fc.constantFrom('/subjects', '/schemas', '/schemas/types', '/config', '/mode', '/'),
      ),
      queryString(['deleted', 'subject', 'subjectPrefix', 'defaultToGlobal', 'normalize', 'format']),
    )
    .map(([path, query]): Probe => ({
      label: 'registry: read',
      app: 'schema-registry',
      method: 'GET',
      path: path + query,
      headers: {},
    }));
  // A compatibility check writes nothing, valid or not.
  const check = fc
    .tuple(
      subject,
      fc.oneof(
        fc.constant(''),
        version.map((v) => `/${v}`),
      ),
      anyJson,
      contentType,
    )
    .map(([s, v, mutation, type]): Probe => ({
      label: 'registry: compatibility check',
      app: 'schema-registry',
      method: 'POST',
      path: `/compatibility/subjects/${s}/versions${v}`,
      headers: { 'content-type': type },
      body: JSON.stringify({ schema: typeof mutation === 'string' ? mutation : schema, extra: mutation }),
    }));
  const write = fc
    .tuple(
      subject,
      fc.constantFrom('no token', 'wrong token', 'schema cut short', 'bad level'),
      fc.nat({ max: schema.length - 1 }),
      contentType,
      junk,
    )
    .map(([s, how, cut, type, level]): Probe => {
      const token =
        how === 'no token' ? undefined : how === 'wrong token' ? `${REGISTRY_TOKEN}x` : REGISTRY_TOKEN;
      const headers: Record<string, string> = { 'content-type': type };
      if (token !== undefined) headers.authorization = `Bearer ${token}`;
      if (how === 'bad level')
        return {
          label: `registry: ${how}`,
          app: 'schema-registry',
          method: 'PUT',
          path: `/config/${s}`,
          headers,
          body: JSON.stringify({ compatibility: `NOT_A_LEVEL ${level}` }),
        };
      return {
        label: `registry: ${how}`,
        app: 'schema-registry',
        method: 'POST',
        path: `/subjects/${s}/versions`,
        headers,
        body: JSON.stringify({ schema: how === 'schema cut short' ? schema.slice(0, cut) : schema }),
      };
    });
  return fc.oneof(read, check, write);
}

/** Endpoint creates and updates, and operations, each broken for sure; reads with junk queries. */
function webhooksProbes(endpointId: string): fc.Arbitrary<Probe> {
  const valid = { url: 'https://hooks.example.com/herald', types: [PAYMENT_TYPE] };
  const breaker = fc.oneof(
    printable.map((name) => ['unknown field', (b: Mutable) => ({ ...b, [`zz_${name}`]: 1 })] as const),
    junk.map((s) => ['url not a URL', (b: Mutable) => ({ ...b, url: `not a url ${s}` })] as const),
    fc
      .constantFrom(
        'http://10.0.0.1/x',
        'http://169.254.169.254/latest',
        'file:///etc/passwd',
        'https://user:pw@[::1]/',
      )
      .map((url) => ['url not allowed', (b: Mutable) => ({ ...b, url })] as const),
    fc
      .constantFrom<unknown>('payments.*', [], [''], [1], null, {}, ['a..b'])
      .map((types) => ['bad types', (b: Mutable) => ({ ...b, types })] as const),
    fc
      .constantFrom<unknown>(-1, 0.5, 'x', 1e12)
      .map((n) => ['bad rate limit', (b: Mutable) => ({ ...b, rateLimit: n })] as const),
  );
  const endpointWrite = fc
    .record({
      breaker,
      edits: edits(['description', 'metadata', 'tenants', 'versions', 'format', 'enabled']),
      method: fc.constantFrom('POST', 'PATCH'),
      auth: fc.constantFrom('token', 'token', 'token', 'none', 'wrong'),
      contentType,
      query: queryString(['dry_run', 'limit']),
    })
    .map((r): Probe => {
      const [label, breakIt] = r.breaker as Breaker;
      const body = breakIt(applyEdits(valid, r.edits));
      const headers: Record<string, string> = { 'content-type': r.contentType };
      if (r.auth !== 'none')
        headers.authorization = `Bearer ${r.auth === 'wrong' ? 'x'.repeat(24) : ADMIN_TOKEN}`;
      return {
        label: `webhooks: ${r.method} endpoint, ${label} (${r.auth})`,
        app: 'webhooks',
        method: r.method,
        path: (r.method === 'POST' ? '/v1/endpoints' : `/v1/endpoints/${endpointId}`) + r.query,
        headers,
        body: JSON.stringify(body),
      };
    });
  const operation = fc
    .record({
      kind: fc.constantFrom('recover', 'replay', 'test'),
      breaker: fc.constantFrom('bad since', 'unknown endpoint', 'unknown field', 'until before since'),
      since: junk,
      id: segment,
      edits: edits(['until', 'types', 'type', 'version']),
    })
    .map((r): Probe => {
      const body: Mutable = applyEdits(
        r.kind === 'test' ? { type: PAYMENT_TYPE } : { since: '2026-01-01T00:00:00Z' },
        r.edits,
      );
      let id = endpointId;
      if (r.breaker === 'bad since') body.since = `not a time ${r.since}`;
      if (r.breaker === 'unknown endpoint') id = `ep_${r.id}`;
      if (r.breaker === 'unknown field') body[`zz_${r.since}`] = 1;
      if (r.breaker === 'until before since')
        Object.assign(body, { since: '2026-02-01T00:00:00Z', until: '2026-01-01T00:00:00Z' });
      return {
        label: `webhooks: ${r.kind}, ${r.breaker}`,
        app: 'webhooks',
        method: 'POST',
        path: `/v1/endpoints/${id}/${r.kind}`,
        headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_TOKEN}` },
        body: JSON.stringify(body),
      };
    });
  const read = fc
    .tuple(
      fc.oneof(
        fc.constant('/v1/endpoints'),
        segment.map((s) => `/v1/endpoints/${s}`),
        fc.constant(`/v1/endpoints/${endpointId}/deliveries`),
        fc.constant(`/v1/endpoints/${endpointId}/stats`),
        segment.map((s) => `/v1/deliveries/${s}`),
        segment.map((s) => `/v1/jobs/${s}`),
      ),
      queryString(['limit', 'cursor', 'status', 'type', 'since', 'until', 'event_id']),
    )
    .map(([path, query]): Probe => ({
      label: 'webhooks: read',
      app: 'webhooks',
      method: 'GET',
      path: path + query,
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    }));
  return fc.oneof(endpointWrite, operation, read);
}

/** Analytics reads with junk queries, and rebuilds of metrics that do not exist. */
function analyticsProbes(metrics: readonly string[]): fc.Arbitrary<Probe> {
  const name = segment.filter((s) => !metrics.some((m) => s === m || s === encodeURIComponent(m)));
  return fc.oneof(
    fc
      .tuple(
        fc.constantFrom(
          '/v1/stats',
          '/v1/throughput',
          '/v1/latency',
          '/v1/lag',
          '/v1/metrics',
          '/v1/webhooks-summary',
          '/v1/event-catalog',
        ),
        queryString(['type', 'metric', 'group', 'late', 'from', 'to', 'interval', 'quantiles']),
      )
      .map(([path, query]): Probe => ({
        label: 'analytics: read',
        app: 'analytics',
        method: 'GET',
        path: path + query,
        headers: {},
      })),
    name.map((n): Probe => ({
      label: 'analytics: metric read',
      app: 'analytics',
      method: 'GET',
      path: `/v1/metrics/${n}`,
      headers: {},
    })),
    fc.tuple(name, contentType, anyJson).map(([n, type, body]): Probe => ({
      label: 'analytics: rebuild of an unknown metric',
      app: 'analytics',
      method: 'POST',
      path: `/v1/metrics/${n}/rebuild`,
      headers: { 'content-type': type },
      body: JSON.stringify(body),
    })),
  );
}

/** Any method on any path of any app, without credentials. */
const strayProbes: fc.Arbitrary<Probe> = fc
  .record({
    app: fc.constantFrom('gateway', 'schema-registry', 'webhooks', 'analytics'),
    method: fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD'),
    segments: fc.array(segment, { minLength: 1, maxLength: 4 }),
    prefix: fc.constantFrom('', '/v1', '/health', '/metrics'),
    query: queryString(['a', 'limit']),
    contentType,
    body: anyJson,
  })
  .map((r) => ({
    label: `stray: ${r.method}`,
    app: r.app,
    method: r.method,
    path: `${r.prefix}/${r.segments.join('/')}${r.query}`,
    headers: { 'content-type': r.contentType },
    ...(['GET', 'HEAD'].includes(r.method) ? {} : { body: JSON.stringify(r.body) }),
  }));

// ---------------------------------------------------------------- the run

describe('fuzzing every HTTP API', () => {
  let privateKafka: PrivateKafka | undefined;
  let database: ChaosDatabase | undefined;
  let platform: Platform | undefined;
  let admin: Admin | undefined;

  beforeAll(async () => {
    database = await createChaosDatabase('herald_chaos_fuzz');
    privateKafka = await startPrivateKafka({ nodes: 1, heapMb: 384 });
    platform = new Platform({
      brokers: privateKafka.cluster.brokers,
      databaseUrl: database.url,
      // Nothing is published, so nothing is ever sent there. Only that loopback address is
      // allowed: the corpus's loopback destinations (127.0.0.1 in its spellings, localhost) are
      // refused as they are by default.
      receiverUrl: 'http://127.0.0.2:9/hook',
      env: {
        webhooks: { WEBHOOKS_ALLOWLIST: '127.0.0.2/32' },
        // The limits gateway-bad-input-corpus.ts was written for.
        gateway: {
          GATEWAY_MAX_BODY_BYTES: String(MAX_BODY_BYTES),
          GATEWAY_MAX_EVENT_BYTES: String(MAX_EVENT_BYTES),
          GATEWAY_MAX_BATCH_EVENTS: String(MAX_BATCH_EVENTS),
        },
      },
    });
    await platform.start();
    admin = new Kafka({ brokers: [...privateKafka.cluster.brokers], logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
  });

  afterAll(async () => {
    await platform?.stop();
    await admin?.disconnect();
    await privateKafka?.remove();
    await database?.drop();
  });

  /** Every topic's high offsets but the broker's own (consumer offsets move as consumers commit). */
  const offsets = async (): Promise<Record<string, string>> => {
    const topics = (await admin!.listTopics()).filter((t) => !t.startsWith('__')).sort();
    const all: Record<string, string> = {};
    for (const topic of topics)
      all[topic] = (await admin!.fetchTopicOffsets(topic)).map((p) => `${p.partition}:${p.high}`).join(',');
    return all;
  };
  /** Every table's row count in the apps' schemas (but the gateway's rate windows). */
  const rowCounts = async (): Promise<Record<string, number>> => {
    const db = new Client({ connectionString: database!.url });
    await db.connect();
    try {
      const { rows } = await db.query<{ schemaname: string; tablename: string }>(
        `SELECT schemaname, tablename FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1, 2`,
      );
      const counts: Record<string, number> = {};
      for (const { schemaname, tablename } of rows) {
        // The rate limiter's state, not data: one row per key and limit, upserted by any request
        // with a valid key, bad or not (docs/gateway.md, rate limits across instances).
        if (`${schemaname}.${tablename}` === 'gateway.rate_windows') continue;
        const result = await db.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM "${schemaname}"."${tablename}"`,
        );
        counts[`${schemaname}.${tablename}`] = result.rows[0]!.n;
      }
      return counts;
    } finally {
      await db.end();
    }
  };
  const subjects = async (): Promise<unknown> =>
    (await fetch(`${platform!.registries[0]!.url}/subjects`)).json();
  /** The endpoint the updates aim at, as the API shows it. */
  const endpoint = async (id: string): Promise<unknown> =>
    (
      await fetch(`${platform!.webhooks[0]!.url}/v1/endpoints/${id}`, {
        headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      })
    ).json();
  const snapshot = async (endpointId: string) => ({
    offsets: await offsets(),
    rows: await rowCounts(),
    subjects: await subjects(),
    endpoint: await endpoint(endpointId),
  });

  const urlOf = (app: Probe['app']): string => {
    const p = platform!;
    const apps = {
      gateway: p.gateways,
      'schema-registry': p.registries,
      webhooks: p.webhooks,
      analytics: p.analytics,
    };
    return apps[app][0]!.url;
  };

  /** Sends each probe (CONCURRENCY at once); returns the answers, or what went wrong client-side. */
  async function send(probes: readonly Probe[]) {
    const statuses = new Map<string, number>();
    const serverErrors: string[] = [];
    const noAnswer: string[] = [];
    const otherStatus: string[] = [];
    let unsendable = 0;
    let closedEarly = 0;
    let next = 0;
    const one = async (probe: Probe): Promise<void> => {
      let url: URL;
      try {
        url = new URL(`${urlOf(probe.app)}${probe.path.startsWith('/') ? '' : '/'}${probe.path}`);
      } catch {
        unsendable++;
        return;
      }
      let answered: Answered;
      try {
        const body =
          probe.body instanceof Readable ? (Readable.toWeb(probe.body) as ReadableStream) : probe.body;
        const response = await fetch(url, {
          method: probe.method,
          headers: probe.headers,
          body,
          signal: AbortSignal.timeout(HANG_MS),
          ...(probe.body instanceof Readable && { duplex: 'half' }),
        });
        answered = { status: response.status, text: await response.text() };
      } catch (error) {
        // fetch refuses some headers before sending (a byte string check): not the app's answer.
        if (error instanceof TypeError && !(error.cause instanceof Error)) {
          unsendable++;
          return;
        }
        // A streamed body the app refuses early (413) gets its answer and a closed connection while
        // fetch still writes: the write fails, which is not a request left without an answer.
        const code = ((error as Error).cause as { code?: string } | undefined)?.code;
        if (probe.body instanceof Readable && (code === 'EPIPE' || code === 'ECONNRESET')) {
          closedEarly++;
          return;
        }
        noAnswer.push(
          `${probe.label} ${probe.method} ${probe.path.slice(0, 200)}: ${String((error as Error).cause ?? error)}`,
        );
        return;
      }
      const label = `${probe.app} ${Math.floor(answered.status / 100)}xx`;
      statuses.set(label, (statuses.get(label) ?? 0) + 1);
      if (probe.expected !== undefined && probe.expected !== answered.status)
        otherStatus.push(
          `${probe.label}: ${answered.status} (${probe.expected} in its own test) ${answered.text.slice(0, 200)}`,
        );
      if (answered.status >= 500)
        serverErrors.push(
          `${probe.label}: ${probe.method} ${probe.path.slice(0, 300)} ${JSON.stringify(probe.headers)} ` +
            `${typeof probe.body === 'string' ? probe.body.slice(0, 500) : '(binary)'} → ${answered.status} ${answered.text.slice(0, 300)}`,
        );
    };
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < probes.length) await one(probes[next++]!);
      }),
    );
    return {
      statuses: Object.fromEntries([...statuses].sort()),
      serverErrors,
      noAnswer,
      otherStatus,
      unsendable,
      closedEarly,
    };
  }

  /** The corpora as probes: the gateway's, and the webhooks endpoints' and operations' ones. */
  function corpusProbes(types: Types, key: string, endpointId: string): Probe[] {
    const gateway = gatewayCases.map(([name, bad]): Probe => {
      const built = bad.body(types);
      const headers: Record<string, string> = {
        'content-type': 'application/json',
        authorization: `Bearer ${key}`,
      };
      const extra = typeof bad.headers === 'function' ? bad.headers(types) : bad.headers;
      for (const [header, value] of Object.entries(extra ?? {})) {
        if (value === null) delete headers[header];
        else headers[header] = value;
      }
      const method = bad.method ?? 'POST';
      return {
        label: `gateway corpus: ${name}`,
        expected: bad.status,
        app: 'gateway',
        method,
        path: bad.url ?? '/v1/events',
        headers,
        ...(method !== 'GET' && {
          body: typeof built === 'string' || Buffer.isBuffer(built) ? built : JSON.stringify(built),
        }),
      };
    });
    const endpoints = endpointCases.map((c): Probe => {
      // fetch frames the body itself: it refuses a transfer-encoding header and would wait on a
      // content-length that lies (those cases are for the in-process test's raw requests).
      const headers: Record<string, string> = Object.fromEntries(
        Object.entries(c.headers ?? {}).filter(
          ([name]) => !/^(transfer-encoding|content-length)$/i.test(name),
        ),
      );
      const token = c.token === undefined ? ADMIN_TOKEN : c.token;
      if (token !== null) headers.authorization ??= `Bearer ${token}`;
      let body: Probe['body'];
      if (typeof c.body === 'string' || Buffer.isBuffer(c.body) || c.body instanceof Readable) body = c.body;
      else if (c.body !== undefined) {
        body = JSON.stringify(c.body);
        headers['content-type'] ??= 'application/json';
      }
      return {
        label: `endpoints corpus: ${c.name}`,
        expected: c.status,
        app: 'webhooks',
        method: c.method ?? 'POST',
        path: (c.url ?? '/v1/endpoints').replace('{id}', endpointId),
        headers,
        body,
      };
    });
    const operations = operationCases.map((c): Probe => {
      const fill = (text: string) => text.replace('{id}', endpointId).replace('{type}', PAYMENT_TYPE);
      const body =
        c.body === undefined
          ? undefined
          : typeof c.body === 'string' && c.contentType !== undefined
            ? c.body
            : fill(JSON.stringify(c.body));
      const token = c.token === undefined ? ADMIN_TOKEN : c.token;
      return {
        label: `operations corpus: ${c.name}`,
        expected: c.status,
        app: 'webhooks',
        method: c.method ?? 'GET',
        path: fill(c.url),
        headers: {
          ...(token === null ? {} : { authorization: `Bearer ${token}` }),
          ...(body === undefined ? {} : { 'content-type': c.contentType ?? 'application/json' }),
        },
        body,
      };
    });
    return [...gateway, ...endpoints, ...operations];
  }

  it('answers every bad input below 500 and writes nothing', async () => {
    const p = platform!;
    const limited = herald(
      [
        'keys',
        'create',
        '--producer',
        'five-per-second',
        '--types',
        'payments.*',
        '--rate-limit',
        '5',
        '--json',
      ],
      p.cliEnv,
    );
    expect([limited.status, limited.stderr]).toEqual([0, '']);
    const types: Types = {
      payment: PAYMENT_TYPE,
      order: ORDER_TYPE,
      domain: 'payments',
      fivePerSecondKey: (JSON.parse(limited.stdout) as { key: string }).key,
    };
    // As in the corpora's own tests: a key for the payments domain, and the endpoint that updates
    // aim at pins a version and has metadata.
    const domainKey = herald(
      ['keys', 'create', '--producer', 'corpus', '--types', 'payments.*', '--json'],
      p.cliEnv,
    );
    expect([domainKey.status, domainKey.stderr]).toEqual([0, '']);
    const corpusKey = (JSON.parse(domainKey.stdout) as { key: string }).key;
    const target = await fetch(`${p.webhooks[0]!.url}/v1/endpoints`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify(
        // On the allowed loopback address: the corpus's public URL does not resolve everywhere.
        endpointBody({
          url: 'http://127.0.0.2:9/target',
          versions: { [ORDER_TYPE]: 1 },
          metadata: { team: 'erp' },
        }),
      ),
    });
    expect(target.status).toBe(201);
    const endpointId = ((await target.json()) as { id: string }).id;
    const metrics =
      (
        (await (await fetch(`${p.analytics[0]!.url}/v1/metrics`)).json()) as {
          metrics?: Array<{ name: string }>;
        }
      ).metrics?.map((m) => m.name) ?? [];

    const before = await snapshot(endpointId);
    const corpus = corpusProbes(types, corpusKey, endpointId);
    expect(corpus.length).toBeGreaterThanOrEqual(200);
    const corpusRun = await send(corpus);

    const fuzz = fc.sample(
      fc.oneof(
        { weight: 4, arbitrary: gatewayProbes(p.key) },
        { weight: 2, arbitrary: registryProbes() },
        { weight: 3, arbitrary: webhooksProbes(endpointId) },
        { weight: 2, arbitrary: analyticsProbes(metrics) },
        { weight: 1, arbitrary: strayProbes },
      ),
      { numRuns: RUNS, seed: SEED },
    );
    const fuzzRun = await send(fuzz);
    // Whatever an app would write in the background from a request is given time to land.
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    const after = await snapshot(endpointId);

    // The run's figures, for docs/reliability.md.
    console.log(
      `fuzz: seed ${SEED}; corpus ${corpus.length} requests ${JSON.stringify(corpusRun.statuses)} ` +
        `(${corpusRun.unsendable} unsendable, ${corpusRun.closedEarly} streamed and closed early); fuzz ${fuzz.length} requests ${JSON.stringify(fuzzRun.statuses)} ` +
        `(${fuzzRun.unsendable} unsendable)`,
    );
    if (corpusRun.otherStatus.length > 0)
      console.log(
        `corpus cases answered otherwise than in their own tests:\n${corpusRun.otherStatus.join('\n')}`,
      );
    expect({
      corpus: { serverErrors: corpusRun.serverErrors.slice(0, 10), noAnswer: corpusRun.noAnswer.slice(0, 5) },
      fuzz: { serverErrors: fuzzRun.serverErrors.slice(0, 10), noAnswer: fuzzRun.noAnswer.slice(0, 5) },
      serverErrors: corpusRun.serverErrors.length + fuzzRun.serverErrors.length,
    }).toEqual({
      corpus: { serverErrors: [], noAnswer: [] },
      fuzz: { serverErrors: [], noAnswer: [] },
      serverErrors: 0,
    });
    expect(after).toEqual(before);
    // Every app is still serving.
    for (const app of p.all)
      expect({ app: app.name, ready: await app.readiness() }).toEqual({ app: app.name, ready: 200 });
  });
});

/**
 * The gateway's HTTP contract (docs/gateway.md, "Errors") on real Kafka, registry and
 * PostgreSQL: every status code with its RFC 9457 body and headers, batches (per-event and
 * atomic), CloudEvents in both modes, and a consumer-side check that exactly the accepted
 * events — and none of the rejected ones — are on the topics.
 */
import { randomUUID } from 'node:crypto';
import { RegistryClient } from '@app/registry-client';
import type { AvroSchemaJson } from '@app/schema';
import { GatewayHarness } from './gateway-harness';
import { publishSentinels, readTopicThrough, type ConsumedRecord } from './gateway-topic-reader';

/** Jest's asymmetric matchers typed as `unknown`, not `any` (no-unsafe-assignment). */
const anyOf = (type: unknown): unknown => expect.any(type);
const matching = (pattern: RegExp): unknown => expect.stringMatching(pattern);

jest.setTimeout(120_000);

const PROBLEM = 'https://herald.dev/problems/';
const MAX_BODY_BYTES = 65_536;
const MAX_EVENT_BYTES = 4_096;
const MAX_BATCH_EVENTS = 10;

const payment = (overrides: Record<string, unknown> = {}) => ({
  payment_id: randomUUID(),
  merchant_id: 'merchant-42',
  amount_minor: 12_550,
  currency: 'EUR',
  method: 'CARD',
  received_at: '2026-11-27T10:15:00.123Z',
  ...overrides,
});

const order = (overrides: Record<string, unknown> = {}) => ({
  order_id: randomUUID(),
  store_id: 'store-7',
  shipment_id: randomUUID(),
  carrier: 'DHL',
  tracking_number: null,
  items: [{ sku: 'SKU-1', quantity: 2 }],
  destination_country: 'DE',
  shipped_at: '2026-11-27T10:15:00.123Z',
  ...overrides,
});

interface Coordinates {
  id: string;
  type: string;
  version: number;
  topic: string;
  partition: number;
  offset: string;
  duplicate?: true;
}

interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  errors: Array<{ path: string; message: string }>;
}

/** Asserts an RFC 9457 answer and returns its body. */
async function expectProblem(response: Response, status: number, kind: string): Promise<ProblemBody> {
  const text = await response.text();
  expect({ status: response.status, body: text }).toEqual({ status, body: anyOf(String) });
  expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  const body = JSON.parse(text) as ProblemBody;
  expect(body).toEqual({
    type: `${PROBLEM}${kind}`,
    title: anyOf(String),
    status,
    detail: anyOf(String),
    errors: anyOf(Array),
  });
  expect(body.title).not.toBe('');
  expect(body.detail).not.toBe('');
  return body;
}

const paths = (problem: ProblemBody) => problem.errors.map((e) => e.path).sort();

describe('gateway HTTP status codes', () => {
  let gateway: GatewayHarness;
  let domain: string;
  /** Every event the gateway acknowledged, by id: the topics must hold exactly these. */
  const accepted = new Map<string, Coordinates & { key?: string; traceparent?: string }>();
  /** Ids of events the gateway refused: none may be on a topic. */
  const rejected = new Set<string>();

  async function expectAccepted(response: Response, extra: { key?: string; traceparent?: string } = {}) {
    const text = await response.text();
    expect({ status: response.status, body: text }).toEqual({ status: 202, body: anyOf(String) });
    const body = JSON.parse(text) as Coordinates;
    expect(body).toEqual({
      id: anyOf(String),
      type: anyOf(String),
      version: anyOf(Number),
      topic: body.type,
      partition: anyOf(Number),
      offset: matching(/^\d+$/),
    });
    accepted.set(body.id, { ...body, ...extra });
    return body;
  }

  beforeAll(async () => {
    gateway = await GatewayHarness.start({
      env: {
        GATEWAY_KEY_CACHE_MS: '0',
        GATEWAY_MAX_BODY_BYTES: String(MAX_BODY_BYTES),
        GATEWAY_MAX_EVENT_BYTES: String(MAX_EVENT_BYTES),
        GATEWAY_MAX_BATCH_EVENTS: String(MAX_BATCH_EVENTS),
      },
    });
    domain = gateway.types.payment.split('.')[0]!;
  });

  afterAll(async () => {
    await gateway?.close();
  });

  describe('202 and 409: single events and idempotency', () => {
    it('202: the coordinates once Kafka acknowledged, the latest version by default', async () => {
      const body = await expectAccepted(
        await gateway.post('/v1/events', { type: gateway.types.payment, data: payment() }),
      );
      expect(body).toMatchObject({ type: gateway.types.payment, version: 2 });
    });

    it('202 duplicate: the same id and content answer the original coordinates, also after a restart', async () => {
      const id = `dup-${randomUUID()}`;
      const data = payment();
      const first = await expectAccepted(
        await gateway.post('/v1/events', { id, type: gateway.types.payment, version: 1, data }),
      );
      // Same content with the keys in another order is still the same event.
      const reordered = Object.fromEntries(Object.entries(data).reverse());
      const again = await gateway.post('/v1/events', {
        data: reordered,
        version: 1,
        type: gateway.types.payment,
        id,
      });
      expect(again.status).toBe(202);
      expect(await again.json()).toEqual({ ...first, duplicate: true });

      await gateway.restart();
      const afterRestart = await gateway.post('/v1/events', {
        id,
        type: gateway.types.payment,
        version: 1,
        data,
      });
      expect(afterRestart.status).toBe(202);
      expect(await afterRestart.json()).toEqual({ ...first, duplicate: true });
    });

    it('202 duplicate and 409 for an id the gateway generated, once the client re-posts it', async () => {
      const data = payment();
      const first = await expectAccepted(
        await gateway.post('/v1/events', { type: gateway.types.payment, version: 2, data }),
      );
      const again = await gateway.post('/v1/events', {
        id: first.id,
        type: gateway.types.payment,
        version: 2,
        data,
      });
      expect(again.status).toBe(202);
      expect(await again.json()).toEqual({ ...first, duplicate: true });
      await expectProblem(
        await gateway.post('/v1/events', {
          id: first.id,
          type: gateway.types.payment,
          version: 2,
          data: { ...data, amount_minor: 2 },
        }),
        409,
        'conflict',
      );
    });

    it('409: the same id with different content', async () => {
      const id = `conflict-${randomUUID()}`;
      const data = payment();
      await expectAccepted(await gateway.post('/v1/events', { id, type: gateway.types.payment, data }));
      const problem = await expectProblem(
        await gateway.post('/v1/events', {
          id,
          type: gateway.types.payment,
          data: { ...data, amount_minor: 1 },
        }),
        409,
        'conflict',
      );
      expect(problem.detail).toContain(id);
    });
  });

  describe('400, 413, 415: the request itself', () => {
    it('400: a body that is not JSON', async () => {
      const problem = await expectProblem(await gateway.post('/v1/events', '{"type": '), 400, 'malformed');
      expect(problem.detail).toMatch(/not valid JSON/);
    });

    it('400: envelope violations, each with its JSON pointer', async () => {
      const id = `bad-envelope-${randomUUID()}`;
      rejected.add(id);
      const problem = await expectProblem(
        await gateway.post('/v1/events', {
          id,
          type: 42,
          version: 'two',
          time: 'yesterday',
          colour: 'blue',
          data: payment(),
        }),
        400,
        'malformed',
      );
      expect(paths(problem)).toEqual(['/colour', '/time', '/type', '/version']);
      problem.errors.forEach((e) => expect(e.message).not.toBe(''));
    });

    it('413: a body over GATEWAY_MAX_BODY_BYTES', async () => {
      const id = `huge-body-${randomUUID()}`;
      rejected.add(id);
      const problem = await expectProblem(
        await gateway.post('/v1/events', {
          id,
          type: gateway.types.payment,
          data: payment({ merchant_id: 'm'.repeat(MAX_BODY_BYTES) }),
        }),
        413,
        'too-large',
      );
      expect(problem.detail).not.toBe('');
    });

    it('413: an event that encodes over GATEWAY_MAX_EVENT_BYTES', async () => {
      const id = `huge-event-${randomUUID()}`;
      rejected.add(id);
      const problem = await expectProblem(
        await gateway.post('/v1/events', {
          id,
          type: gateway.types.payment,
          data: payment({ merchant_id: 'm'.repeat(MAX_EVENT_BYTES) }),
        }),
        413,
        'too-large',
      );
      expect(paths(problem)).toEqual(['/data']);
      expect(problem.detail).toContain(String(MAX_EVENT_BYTES));
    });

    it('413: a batch over GATEWAY_MAX_BATCH_EVENTS', async () => {
      const events = Array.from({ length: MAX_BATCH_EVENTS + 1 }, () => {
        const id = `big-batch-${randomUUID()}`;
        rejected.add(id);
        return { id, type: gateway.types.payment, data: payment() };
      });
      const problem = await expectProblem(
        await gateway.post('/v1/events/batch', { events }),
        413,
        'too-large',
      );
      expect(paths(problem)).toEqual(['/events']);
    });

    it.each([
      ['/v1/events', 'text/plain'],
      ['/v1/events', 'application/xml'],
      ['/v1/events', 'application/json; charset=latin1'],
      ['/v1/events/batch', 'application/cloudevents+json'],
    ])('415: POST %s as %s', async (path, contentType) => {
      const id = `media-${randomUUID()}`;
      rejected.add(id);
      const body = path.endsWith('batch')
        ? { events: [{ id, type: gateway.types.payment, data: payment() }] }
        : { id, type: gateway.types.payment, data: payment() };
      const problem = await expectProblem(
        await gateway.post(path, body, { 'content-type': contentType }),
        415,
        'unsupported-media-type',
      );
      expect(problem.detail).toContain('application/json');
    });
  });

  describe('401, 403, 429: who is publishing', () => {
    it.each([
      ['no Authorization header', undefined],
      ['a Basic credential', 'Basic dXNlcjpwYXNz'],
      ['an unknown key', 'Bearer hrld_unknown'],
    ])('401: %s', async (_case, authorization) => {
      const id = `unauth-${randomUUID()}`;
      rejected.add(id);
      const response = await fetch(`${gateway.url}/v1/events`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(authorization === undefined ? {} : { authorization }),
        },
        body: JSON.stringify({ id, type: gateway.types.payment, data: payment() }),
      });
      await expectProblem(response, 401, 'unauthenticated');
      expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
    });

    it('401: a revoked key stops working (GATEWAY_KEY_CACHE_MS=0)', async () => {
      const secret = await gateway.createKey({ producer: 'revoked-svc', patterns: [`${domain}.*`] });
      const auth = { authorization: `Bearer ${secret}` };
      await expectAccepted(
        await gateway.post('/v1/events', { type: gateway.types.payment, data: payment() }, auth),
      );
      const key = (await gateway.listKeys()).find((k) => k.producer === 'revoked-svc');
      expect(await gateway.revokeKey(key!.id)).toBe(true);
      const id = `revoked-${randomUUID()}`;
      rejected.add(id);
      const problem = await expectProblem(
        await gateway.post('/v1/events', { id, type: gateway.types.payment, data: payment() }, auth),
        401,
        'unauthenticated',
      );
      expect(problem.detail).toMatch(/unknown or revoked/);
    });

    it('403: a type outside the key’s patterns', async () => {
      const secret = await gateway.createKey({ producer: 'shipping-svc', patterns: [gateway.types.order] });
      const id = `forbidden-${randomUUID()}`;
      rejected.add(id);
      const problem = await expectProblem(
        await gateway.post(
          '/v1/events',
          { id, type: gateway.types.payment, data: payment() },
          { authorization: `Bearer ${secret}` },
        ),
        403,
        'forbidden',
      );
      expect(problem.errors).toEqual([{ path: '/type', message: anyOf(String) }]);
      expect(problem.detail).toContain(gateway.types.payment);
    });

    it('429 with Retry-After past the key’s rate limit', async () => {
      const secret = await gateway.createKey({
        producer: 'slow-svc',
        patterns: [`${domain}.*`],
        rateLimitPerSecond: 2,
      });
      const auth = { authorization: `Bearer ${secret}` };
      const ids = [0, 1, 2].map(() => `limited-${randomUUID()}`);
      const responses = await Promise.all(
        ids.map((id) =>
          gateway.post('/v1/events', { id, type: gateway.types.payment, data: payment() }, auth),
        ),
      );
      const limited = responses.filter((r) => r.status === 429);
      expect(responses.map((r) => r.status).sort()).toEqual([202, 202, 429]);
      for (const [i, response] of responses.entries()) {
        if (response.status === 202) await expectAccepted(response);
        else rejected.add(ids[i]!);
      }
      expect(Number(limited[0]!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      await expectProblem(limited[0]!, 429, 'rate-limited');

      // A batch larger than the whole budget can never pass: 413 at once, not 429, since a client
      // retrying 429 would retry it for ever; no Retry-After.
      const batch = [0, 1, 2].map(() => ({
        id: `limited-${randomUUID()}`,
        type: gateway.types.payment,
        data: payment(),
      }));
      batch.forEach((e) => rejected.add(e.id));
      const response = await gateway.post('/v1/events/batch', { events: batch }, auth);
      expect(response.headers.get('retry-after')).toBeNull();
      const problem = await expectProblem(response, 413, 'exceeds-rate-limit');
      expect(problem.errors).toEqual([{ path: '/events', message: anyOf(String) }]);
      expect(problem.errors[0]!.message).toContain('at most 2 events');
    });
  });

  describe('422: unknown types, versions and schema violations', () => {
    it('422: an unknown type', async () => {
      const id = `unknown-type-${randomUUID()}`;
      rejected.add(id);
      const problem = await expectProblem(
        await gateway.post('/v1/events', { id, type: `${domain}.nothing.happened`, data: {} }),
        422,
        'unprocessable',
      );
      expect(problem.errors).toEqual([{ path: '/type', message: anyOf(String) }]);
    });

    it('422: an unknown version', async () => {
      const id = `unknown-version-${randomUUID()}`;
      rejected.add(id);
      const problem = await expectProblem(
        await gateway.post('/v1/events', { id, type: gateway.types.payment, version: 3, data: payment() }),
        422,
        'unprocessable',
      );
      expect(problem.errors).toEqual([{ path: '/version', message: anyOf(String) }]);
      expect(problem.detail).toBe(
        `event type "${gateway.types.payment}" has no version 3 in the schema registry. To publish it, add ` +
          `schemas/${domain}/${gateway.types.payment}/v3.avsc and run \`herald schemas push\`.`,
      );
    });

    it('422: every schema violation, each under /data', async () => {
      const id = `invalid-${randomUUID()}`;
      rejected.add(id);
      const problem = await expectProblem(
        await gateway.post('/v1/events', {
          id,
          type: gateway.types.payment,
          version: 2,
          data: {
            payment_id: 'not-a-uuid',
            merchant_id: 5,
            amount_minor: 1.5,
            method: 'BITCOIN',
            received_at: 'yesterday',
            card: { brand: 'VISA' },
            surprise: true,
          },
        }),
        422,
        'unprocessable',
      );
      expect(paths(problem)).toEqual(
        [
          '/data/amount_minor',
          '/data/card/last4',
          '/data/currency',
          '/data/merchant_id',
          '/data/method',
          '/data/payment_id',
          '/data/received_at',
          '/data/surprise',
        ].sort(),
      );
      problem.errors.forEach((e) => expect(e.message).not.toBe(''));
    });

    it('503 with Retry-After: a type registered but whose topic does not exist', async () => {
      const ghost = `${domain}.ghost.received`;
      const schema = {
        type: 'record',
        name: 'Ghost',
        fields: [{ name: 'n', type: 'long' }],
      } as AvroSchemaJson;
      await new RegistryClient({ url: gateway.registry.url }).register(`${ghost}-value`, schema);
      const id = `ghost-${randomUUID()}`;
      rejected.add(id);
      const response = await gateway.post('/v1/events', { id, type: ghost, data: { n: 1 } });
      expect(response.headers.get('retry-after')).toMatch(/^[1-9]\d*$/);
      const problem = await expectProblem(response, 503, 'unavailable');
      expect(problem.detail).toMatch(/does not exist/);
    });
  });

  describe('200: batches', () => {
    it('per-event results in request order: accepted with coordinates, rejected with their problem', async () => {
      const ids = Array.from({ length: 6 }, (_, i) => `batch-${i}-${randomUUID()}`);
      const response = await gateway.post('/v1/events/batch', {
        events: [
          { id: ids[0], type: gateway.types.payment, data: payment() },
          {
            id: ids[1],
            type: gateway.types.payment,
            data: payment({ amount_minor: 'abc', currency: undefined }),
          },
          { id: ids[2], type: gateway.types.order, data: order() },
          { id: ids[3], data: payment() },
          { id: ids[4], type: 'payments.payment.received', data: payment() },
          { id: ids[5], type: `${domain}.nothing.happened`, data: {} },
        ],
      });
      expect(response.status).toBe(200);
      const { results } = (await response.json()) as { results: Array<Record<string, unknown>> };
      expect(results).toHaveLength(6);
      for (const i of [0, 2]) {
        expect(results[i]).toEqual({
          status: 'accepted',
          id: ids[i],
          type: i === 0 ? gateway.types.payment : gateway.types.order,
          version: 2,
          topic: i === 0 ? gateway.types.payment : gateway.types.order,
          partition: anyOf(Number),
          offset: matching(/^\d+$/),
        });
        const { status: _status, ...coordinates } = results[i] as unknown as Coordinates & { status: string };
        accepted.set(ids[i]!, coordinates);
      }
      const rejection = (i: number, status: number, kind: string, errorPaths: string[]) => {
        rejected.add(ids[i]!);
        expect(results[i]).toEqual({
          status: 'rejected',
          id: ids[i],
          error: {
            type: `${PROBLEM}${kind}`,
            title: anyOf(String),
            status,
            detail: anyOf(String),
            errors: anyOf(Array),
          },
        });
        expect(paths((results[i] as { error: ProblemBody }).error)).toEqual(errorPaths);
      };
      rejection(1, 422, 'unprocessable', ['/events/1/data/amount_minor', '/events/1/data/currency']);
      rejected.add(ids[3]!);
      expect(results[3]).toMatchObject({
        status: 'rejected',
        error: { type: `${PROBLEM}malformed`, status: 400, errors: [{ path: '/events/3/type' }] },
      });
      rejection(4, 403, 'forbidden', ['/events/4/type']);
      rejection(5, 422, 'unprocessable', ['/events/5/type']);
    });

    it('atomic: true publishes every event of a valid batch', async () => {
      const ids = [`atomic-ok-${randomUUID()}`, `atomic-ok-${randomUUID()}`];
      const response = await gateway.post('/v1/events/batch', {
        atomic: true,
        events: [
          { id: ids[0], type: gateway.types.payment, data: payment() },
          { id: ids[1], type: gateway.types.order, version: 1, data: order() },
        ],
      });
      expect(response.status).toBe(200);
      const { results } = (await response.json()) as { results: Array<Coordinates & { status: string }> };
      expect(results.map((r) => [r.status, r.id, r.version])).toEqual([
        ['accepted', ids[0], 2],
        ['accepted', ids[1], 1],
      ]);
      results.forEach(({ status: _status, ...coordinates }) => accepted.set(coordinates.id, coordinates));
    });

    it('atomic: true with one invalid event → 422 listing every violation under /events/<i>, nothing written', async () => {
      const ids = [0, 1, 2].map((i) => `atomic-bad-${i}-${randomUUID()}`);
      ids.forEach((id) => rejected.add(id));
      const problem = await expectProblem(
        await gateway.post('/v1/events/batch', {
          atomic: true,
          events: [
            { id: ids[0], type: gateway.types.payment, data: payment() },
            {
              id: ids[1],
              type: gateway.types.payment,
              data: payment({ amount_minor: 'x', method: 'BITCOIN' }),
            },
            { id: ids[2], type: gateway.types.order, data: order({ colour: 'red' }) },
          ],
        }),
        422,
        'unprocessable',
      );
      expect(paths(problem)).toEqual([
        '/events/1/data/amount_minor',
        '/events/1/data/method',
        '/events/2/data/colour',
      ]);
      // The valid event of the refused batch was not claimed either: it publishes on its own.
      await expectAccepted(
        await gateway.post('/v1/events', { id: ids[0], type: gateway.types.payment, data: payment() }),
      );
      rejected.delete(ids[0]!);
    });
  });

  describe('CloudEvents over HTTP, traceparent, catalog', () => {
    it('structured mode: partitionkey is the record key, dataversion the version', async () => {
      const id = `ce-structured-${randomUUID()}`;
      const response = await gateway.post(
        '/v1/events',
        {
          specversion: '1.0',
          id,
          source: '/spoofed/source',
          type: gateway.types.payment,
          partitionkey: 'structured-key',
          dataversion: '1',
          datacontenttype: 'application/json',
          data: payment(),
        },
        { 'content-type': 'application/cloudevents+json' },
      );
      const body = await expectAccepted(response, { key: 'structured-key' });
      expect(body).toMatchObject({ id, version: 1 });
    });

    it('binary mode: ce-* headers with the data as the body', async () => {
      const id = `ce-binary-${randomUUID()}`;
      const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
      const response = await gateway.post('/v1/events', order(), {
        'ce-specversion': '1.0',
        'ce-id': id,
        'ce-source': '/shipping',
        'ce-type': gateway.types.order,
        'ce-partitionkey': 'binary-key',
        'ce-dataversion': '2',
        traceparent,
      });
      const body = await expectAccepted(response, { key: 'binary-key', traceparent });
      expect(body).toMatchObject({ id, version: 2, type: gateway.types.order });
    });

    it('traceparent is passed through to the record', async () => {
      const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
      const body = await expectAccepted(
        await gateway.post('/v1/events', { type: gateway.types.payment, data: payment() }, { traceparent }),
        { traceparent },
      );
      // The consumer-side check at the end compares the record's traceparent header.
      expect(accepted.get(body.id)?.traceparent).toBe(traceparent);
    });

    it.each([
      ['not W3C', 'abc'],
      ['version ff', 'ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01'],
      ['upper case', '00-4BF92F3577B34DA6A3CE929D0E0E4736-00F067AA0BA902B7-01'],
      ['too short', '00-4bf92f35-00f067aa-01'],
      ['an all-zero trace id', '00-00000000000000000000000000000000-00f067aa0ba902b7-01'],
      ['an all-zero parent id', '00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01'],
      [
        'version 00 with a field after the flags',
        '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-x',
      ],
    ])(
      'an invalid traceparent (%s) is ignored: the event is accepted and carries none',
      async (_name, traceparent) => {
        const body = await expectAccepted(
          await gateway.post('/v1/events', { type: gateway.types.payment, data: payment() }, { traceparent }),
        );
        // The consumer-side check at the end finds no traceparent header on its record.
        expect(accepted.get(body.id)?.traceparent).toBeUndefined();
      },
    );

    it('a traceparent of a later version is carried as version 00', async () => {
      const ids = '4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
      const body = await expectAccepted(
        await gateway.post(
          '/v1/events',
          { type: gateway.types.payment, data: payment() },
          { traceparent: `cc-${ids}-future` },
        ),
        { traceparent: `00-${ids}` },
      );
      // The consumer-side check at the end compares the record's header with this.
      expect(accepted.get(body.id)?.traceparent).toBe(`00-${ids}`);
    });

    it('405 with Allow on the publish routes for other methods, as problem+json', async () => {
      for (const [method, path] of [
        ['GET', '/v1/events'],
        ['PUT', '/v1/events'],
        ['DELETE', '/v1/events'],
        ['PATCH', '/v1/events/batch'],
        ['GET', '/v1/events/batch'],
      ] as const) {
        const response = await fetch(`${gateway.url}${path}`, { method });
        expect({ method, path, status: response.status, allow: response.headers.get('allow') }).toEqual({
          method,
          path,
          status: 405,
          allow: 'POST',
        });
        const problem = await expectProblem(response, 405, 'method-not-allowed');
        expect(problem.detail).toContain(method);
      }
      const catalog = await fetch(`${gateway.url}/v1/event-types`, { method: 'POST' });
      expect(catalog.headers.get('allow')).toBe('GET, HEAD');
      await expectProblem(catalog, 405, 'method-not-allowed');
      // A path no route serves stays 404.
      const nowhere = await fetch(`${gateway.url}/v1/nothing`, { method: 'GET' });
      expect({ status: nowhere.status, allow: nowhere.headers.get('allow') }).toEqual({
        status: 404,
        allow: null,
      });
    });

    it('GET /v1/event-types lists the catalog with every version', async () => {
      const response = await fetch(`${gateway.url}/v1/event-types`);
      expect(response.status).toBe(200);
      const { eventTypes } = (await response.json()) as {
        eventTypes: Array<{
          type: string;
          keyField: string;
          latestVersion: number;
          versions: Array<{ version: number; schema: unknown }>;
        }>;
      };
      expect(eventTypes.map((t) => t.type).sort()).toEqual(
        [gateway.types.order, gateway.types.payment].sort(),
      );
      const paymentType = eventTypes.find((t) => t.type === gateway.types.payment)!;
      expect(paymentType).toMatchObject({ keyField: 'payment_id', latestVersion: 2 });
      expect(paymentType.versions.map((v) => v.version)).toEqual([1, 2]);
      expect(paymentType.versions[1]!.schema).toMatchObject({ type: 'record', name: 'PaymentReceived' });
    });
  });

  it('consumer side: the topics hold exactly the accepted events, none of the rejected ones', async () => {
    const onTopic = new Map<string, ConsumedRecord>();
    for (const [type, data] of [
      [gateway.types.payment, () => payment()],
      [gateway.types.order, () => order()],
    ] as const) {
      const sentinels = await publishSentinels(gateway, type, data);
      const records = await readTopicThrough(gateway.brokers, type, sentinels);
      const sentinelSet = new Set(sentinels);
      for (const record of records) {
        if (sentinelSet.has(record.id)) continue;
        expect(onTopic.has(record.id)).toBe(false);
        onTopic.set(record.id, record);
      }
    }
    expect([...onTopic.keys()].sort()).toEqual([...accepted.keys()].sort());
    expect([...rejected].filter((id) => onTopic.has(id))).toEqual([]);
    for (const [id, expected] of accepted) {
      const record = onTopic.get(id)!;
      expect({ id, partition: record.partition, offset: record.offset }).toEqual({
        id,
        partition: expected.partition,
        offset: expected.offset,
      });
      expect(record.headers.ce_dataschema).toMatch(new RegExp(`/versions/${expected.version}$`));
      if (expected.key !== undefined) expect(record.key).toBe(expected.key);
      // Absent when the request had none, or an invalid one (ignored, W3C Trace Context).
      expect(record.headers.traceparent).toBe(expected.traceparent);
      expect(record.headers.ce_source).not.toMatch(/spoofed/);
    }
  });
});

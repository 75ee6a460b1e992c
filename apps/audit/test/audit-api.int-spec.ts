/**
 * The audit HTTP API on the real module and PostgreSQL (in-process, no consumer started):
 * filtered search with a cursor that neither skips nor repeats rows while events keep
 * arriving, one event by id, NDJSON export, verify, problem+json errors, metrics.
 */
import { Test } from '@nestjs/testing';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createFastifyAdapter, loadConfig } from '@app/platform';
import { databaseUrlFor, dropTestDatabase, testBrokers, uniqueIdentifier, uniqueName } from '@app/testing';
import { AUDIT_HTTP_OPTIONS } from '../src/api/audit-exception.filter';
import { AuditModule } from '../src/audit.module';
import { auditConfigSchema } from '../src/config';
import { AuditRecorder } from '../src/domain/audit-recorder';
import { consumed, orderValue } from './audit-test-kit';

interface Page {
  items: { id: string; sequence: string; type: string; key: string; data: unknown }[];
  nextCursor: string | null;
  hasMore: boolean;
}

const CONTROLS = {
  id: 'evt\tcontrol\u0085',
  key: 'line\nbreak',
  type: 'tests.control.recorded',
  topic: 'tests.control.recorded',
  partition: 0,
  offset: '0',
};

describe('audit API (in-process, real PostgreSQL)', () => {
  const database = uniqueIdentifier('audit_api');
  let app: NestFastifyApplication;
  let recorder: AuditRecorder;

  const request = async (
    method: 'GET' | 'POST' | 'DELETE',
    url: string,
    payload?: unknown,
    headers?: Record<string, string>,
  ) => {
    const response = await app
      .getHttpAdapter()
      .getInstance()
      .inject({ method, url, payload: payload as string, ...(headers && { headers }) });
    return {
      status: response.statusCode,
      type: String(response.headers['content-type']),
      text: response.body,
    };
  };
  const getJson = async <T>(url: string): Promise<T> => JSON.parse((await request('GET', url)).text) as T;

  beforeAll(async () => {
    const config = loadConfig(auditConfigSchema, {
      DATABASE_URL: databaseUrlFor(database),
      KAFKA_BROKERS: testBrokers().join(','),
      // A test run refuses the production `audit` group (HERALD_REFUSE_DEFAULT_GROUPS).
      AUDIT_GROUP_ID: uniqueName('audit-api'),
      LOG_LEVEL: 'silent',
    });
    // createHttpApp's Swagger UI loads ESM-only packages Jest cannot require; the module is what is under test.
    const moduleRef = await Test.createTestingModule({ imports: [AuditModule.register(config)] }).compile();
    app = moduleRef.createNestApplication<NestFastifyApplication>(createFastifyAdapter(AUDIT_HTTP_OPTIONS));
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
    recorder = app.get(AuditRecorder);
    for (let n = 0; n < 20; n++) {
      await recorder.record(
        orderValue(n),
        consumed(n, { type: n < 15 ? 'orders.order.shipped' : 'orders.order.placed' }),
      );
    }
    // Not from the gateway (which refuses control characters): any producer's event is audited.
    await recorder.record(orderValue(200), consumed(200, CONTROLS));
  });

  afterAll(async () => {
    await app.close();
    await dropTestDatabase(database);
  });

  it('pages through a filter without skipping or repeating while events keep arriving', async () => {
    let writerDone = false;
    const arriving = (async () => {
      for (let n = 100; n < 160; n++) await recorder.record(orderValue(n), consumed(n));
      writerDone = true;
    })();
    const seen: Page['items'] = [];
    let cursor = '';
    for (let done = false; !done;) {
      const finishedBefore = writerDone;
      const page = await getJson<Page>(`/v1/audit?type=orders.order.shipped&limit=7${cursor}`);
      seen.push(...page.items);
      cursor = page.nextCursor ? `&cursor=${page.nextCursor}` : cursor;
      // Done once a page read after the writer finished says nothing more matched.
      done = finishedBefore && !page.hasMore;
    }
    await arriving;

    const ids = seen.map((i) => i.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.sort()).toEqual(
      [
        ...Array.from({ length: 15 }, (_, n) => `evt-${n}`),
        ...Array.from({ length: 60 }, (_, n) => `evt-${n + 100}`),
      ].sort(),
    );
    const sequences = seen.map((i) => BigInt(i.sequence));
    expect(sequences.every((s, i) => i === 0 || s > sequences[i - 1]!)).toBe(true);
  });

  it('filters by key, source, subject and event time', async () => {
    const byKey = await getJson<Page>('/v1/audit?key=order-2&type=orders.order.placed');
    expect(byKey.items.map((i) => i.id)).toEqual(['evt-17']);
    const bySource = await getJson<Page>('/v1/audit?source=warehouse&type=orders.order.placed');
    expect(bySource.items.map((i) => i.id)).toEqual(['evt-15', 'evt-17', 'evt-19']);
    expect((await getJson<Page>('/v1/audit?subject=nobody')).items).toEqual([]);
    const window = await getJson<Page>('/v1/audit?from=2026-01-01T00:00:03Z&to=2026-01-01T00:00:06Z');
    expect(window.items.map((i) => i.id)).toEqual(['evt-3', 'evt-4', 'evt-5']);
  });

  it('returns one event by id, and a 404 problem when there is none', async () => {
    const found = await request('GET', '/v1/audit/evt-4');
    expect(found.status).toBe(200);
    expect(JSON.parse(found.text)).toMatchObject({
      id: 'evt-4',
      type: 'orders.order.shipped',
      topic: 'orders.order.shipped',
      partition: 1,
      offset: '4',
      data: { orderId: 'order-4', amount: 400 },
    });
    expect((JSON.parse(found.text) as { prevHash: string }).prevHash).toMatch(/^[0-9a-f]{64}$/);
    const missing = await request('GET', '/v1/audit/no-such-event');
    expect(missing.status).toBe(404);
    expect(missing.type).toContain('application/problem+json');
    expect(JSON.parse(missing.text)).toMatchObject({
      status: 404,
      title: 'Not Found',
      errors: [{ path: '/eventId', message: 'no audited event has this id' }],
    });
  });

  it('finds an event whose id and key hold control characters, as a producer sent them', async () => {
    const found = await request('GET', `/v1/audit/${encodeURIComponent(CONTROLS.id)}`);
    expect(found.status).toBe(200);
    expect(JSON.parse(found.text)).toMatchObject({ id: CONTROLS.id, key: CONTROLS.key });
    const byKey = await getJson<Page>(`/v1/audit?key=${encodeURIComponent(CONTROLS.key)}`);
    expect(byKey.items.map((i) => i.id)).toEqual([CONTROLS.id]);
    expect((await request('GET', '/v1/audit/evt%1Bnone')).status).toBe(404);
  });

  it('finds an id as long as the API accepts (the router does not cut it off first)', async () => {
    const id = `\u00e9${'x'.repeat(4095)}`;
    const missing = await request('GET', `/v1/audit/${encodeURIComponent(id)}`);
    expect(missing.status).toBe(404);
    expect(JSON.parse(missing.text)).toMatchObject({ errors: [{ path: '/eventId' }] });
  });

  it('answers invalid input with a 400 problem listing each issue', async () => {
    const bad = await request('GET', '/v1/audit?limit=0&from=yesterday&colour=red');
    expect(bad.status).toBe(400);
    expect(bad.type).toContain('application/problem+json');
    const body = JSON.parse(bad.text) as { status: number; errors: { path: string }[] };
    expect(body.status).toBe(400);
    expect(body.errors.map((e) => e.path).sort()).toEqual(['/', '/from', '/limit']);
    const badVerify = await request('POST', '/v1/audit/verify', { partition: 1 });
    expect(badVerify.status).toBe(400);
    expect((await request('GET', '/v1/audit/export?cursor=nope')).status).toBe(400);
    const notJson = await app
      .getHttpAdapter()
      .getInstance()
      .inject({
        method: 'POST',
        url: '/v1/audit/verify',
        headers: { 'content-type': 'application/json' },
        payload: '{bad',
      });
    expect(notJson.statusCode).toBe(400);
    expect(notJson.headers['content-type']).toContain('application/problem+json');
    expect(JSON.parse(notJson.body)).toMatchObject({ status: 400, title: 'Bad Request' });
  });

  describe('bad input is a 4xx problem with errors, never a 5xx', () => {
    interface BadInput {
      readonly method?: 'POST' | 'DELETE';
      readonly url: string;
      /** Raw text sent as JSON unless `headers` say otherwise; an object is sent as JSON. */
      readonly body?: unknown;
      readonly headers?: Record<string, string>;
      readonly status: number;
      /** The pointer one of `errors` must carry. */
      readonly path: string;
    }
    const crafted = (s: string) => Buffer.from(JSON.stringify({ v: 1, s })).toString('base64url');
    const verify = (body: unknown, headers?: Record<string, string>) =>
      ({
        method: 'POST',
        url: '/v1/audit/verify',
        body,
        headers: headers ?? { 'content-type': 'application/json' },
      }) as const;
    const cases: Record<string, BadInput> = {
      'a NUL in the event id': { url: '/v1/audit/a%00b', status: 400, path: '/eventId' },
      'an event id longer than any': { url: `/v1/audit/${'x'.repeat(4097)}`, status: 400, path: '/eventId' },
      'an event id that is not UTF-8': { url: '/v1/audit/%ED%A0%80', status: 400, path: '/' },
      'a parameter on the lookup': { url: '/v1/audit/evt-1?pretty=true', status: 400, path: '/' },
      'a NUL in a filter': { url: '/v1/audit?type=a%00b', status: 400, path: '/type' },
      'a NUL in an export filter': { url: '/v1/audit/export?key=%00', status: 400, path: '/key' },
      'a filter given twice': { url: '/v1/audit?type=a&type=b', status: 400, path: '/type' },
      'a filter longer than any': { url: `/v1/audit?key=${'k'.repeat(4097)}`, status: 400, path: '/key' },
      'February 30': { url: '/v1/audit?to=2026-02-30T00:00:00Z', status: 400, path: '/to' },
      'hour 25': { url: '/v1/audit?from=2026-01-01T25:00:00Z', status: 400, path: '/from' },
      'month 13 in an export': { url: '/v1/audit/export?to=2026-13-01T00:00:00Z', status: 400, path: '/to' },
      'a leap second in an export': {
        url: '/v1/audit/export?from=2026-06-30T23:59:60Z',
        status: 400,
        path: '/from',
      },
      'an inverted window in an export': {
        url: '/v1/audit/export?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z',
        status: 400,
        path: '/to',
      },
      'a page size on the export': { url: '/v1/audit/export?limit=1', status: 400, path: '/' },
      'a huge page size': { url: '/v1/audit?limit=99999999999999999999', status: 400, path: '/limit' },
      'a page size in hex': { url: '/v1/audit?limit=0x10', status: 400, path: '/limit' },
      'a crafted cursor beyond bigint': {
        url: `/v1/audit?cursor=${crafted('9999999999999999999')}`,
        status: 400,
        path: '/cursor',
      },
      'the same on the export': {
        url: `/v1/audit/export?cursor=${crafted('9223372036854775808')}`,
        status: 400,
        path: '/cursor',
      },
      'an inverted offset range': {
        ...verify({ topic: 't', partition: 0, fromOffset: 9, toOffset: 1 }),
        status: 400,
        path: '/toOffset',
      },
      'a partition beyond int32': {
        ...verify({ topic: 't', partition: 2 ** 40 }),
        status: 400,
        path: '/partition',
      },
      'an offset beyond int64': {
        ...verify({ topic: 't', partition: 0, fromOffset: '9999999999999999999' }),
        status: 400,
        path: '/fromOffset',
      },
      'a NUL in the topic': { ...verify('{"topic":"a\\u0000b"}'), status: 400, path: '/topic' },
      'a lone surrogate in the topic': { ...verify('{"topic":"\\ud800"}'), status: 400, path: '/topic' },
      'an unknown body field': { ...verify({ topik: 't' }), status: 400, path: '/' },
      'a parameter on verify': { method: 'POST', url: '/v1/audit/verify?topic=t', status: 400, path: '/' },
      'a JSON null body': { ...verify('null'), status: 400, path: '/' },
      'malformed JSON': { ...verify('{bad'), status: 400, path: '/' },
      'an empty JSON body': { ...verify(''), status: 400, path: '/' },
      'prototype poisoning': { ...verify('{"__proto__":{"x":1}}'), status: 400, path: '/' },
      'a text/plain body': { ...verify('{}', { 'content-type': 'text/plain' }), status: 415, path: '/' },
      'an XML body': { ...verify('<a/>', { 'content-type': 'application/xml' }), status: 415, path: '/' },
      'a body over 1 MiB': { ...verify(`{"topic":"${'x'.repeat(1_100_000)}"}`), status: 413, path: '/' },
      'an unknown route': { url: '/v1/audits', status: 404, path: '/' },
      'an unknown method': { method: 'DELETE', url: '/v1/audit/evt-1', status: 404, path: '/' },
    };

    it.each(Object.entries(cases))('%s', async (_what, { method, url, body, headers, status, path }) => {
      const response = await request(method ?? 'GET', url, body, headers);
      expect({ status: response.status, type: response.type }).toEqual({
        status,
        type: expect.stringContaining('application/problem+json') as unknown,
      });
      const problem = JSON.parse(response.text) as { errors: { path: string; message: string }[] };
      expect(problem).toMatchObject({ type: 'about:blank', status, title: expect.any(String) as unknown });
      expect(problem.errors.map((e) => e.path)).toContain(path);
    });
  });

  it('exports a search as NDJSON, one event per line', async () => {
    const response = await request('GET', '/v1/audit/export?type=orders.order.placed');
    expect(response.status).toBe(200);
    expect(response.type).toContain('application/x-ndjson');
    const lines = response.text
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as { id: string });
    expect(lines.map((l) => l.id)).toEqual(['evt-15', 'evt-16', 'evt-17', 'evt-18', 'evt-19']);
  });

  it('verifies the chains and counts what it stored', async () => {
    const verify = await request('POST', '/v1/audit/verify');
    expect(verify.status).toBe(200);
    expect(JSON.parse(verify.text)).toMatchObject({ ok: true, checked: 81 });
    const metrics = (await request('GET', '/metrics')).text;
    expect(metrics).toMatch(/herald_audit_events_stored_total\{service="audit"\} 81/);
  });
});

/**
 * The audit HTTP API on the real module and PostgreSQL (in-process, no consumer started):
 * filtered search with a cursor that neither skips nor repeats rows while events keep
 * arriving, one event by id, NDJSON export, verify, problem+json errors, metrics.
 */
import { Test } from '@nestjs/testing';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { loadConfig } from '@app/platform';
import { databaseUrlFor, dropTestDatabase, testBrokers, uniqueIdentifier } from '@app/testing';
import { AuditModule } from '../src/audit.module';
import { auditConfigSchema } from '../src/config';
import { AuditRecorder } from '../src/domain/audit-recorder';
import { consumed, orderValue } from './audit-test-kit';

interface Page {
  items: { id: string; sequence: string; type: string; key: string; data: unknown }[];
  nextCursor: string | null;
  hasMore: boolean;
}

describe('audit API (in-process, real PostgreSQL)', () => {
  const database = uniqueIdentifier('audit_api');
  let app: NestFastifyApplication;
  let recorder: AuditRecorder;

  const request = async (method: 'GET' | 'POST', url: string, payload?: unknown) => {
    const response = await app
      .getHttpAdapter()
      .getInstance()
      .inject({ method, url, payload: payload as string });
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
      LOG_LEVEL: 'silent',
    });
    // createHttpApp's Swagger UI loads ESM-only packages Jest cannot require; the module is what is under test.
    const moduleRef = await Test.createTestingModule({ imports: [AuditModule.register(config)] }).compile();
    app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter());
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
    recorder = app.get(AuditRecorder);
    for (let n = 0; n < 20; n++) {
      await recorder.record(
        orderValue(n),
        consumed(n, { type: n < 15 ? 'orders.order.shipped' : 'orders.order.placed' }),
      );
    }
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
    expect(JSON.parse(missing.text)).toMatchObject({ status: 404, title: 'Not Found' });
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
    expect(JSON.parse(verify.text)).toMatchObject({ ok: true, checked: 80 });
    const metrics = (await request('GET', '/metrics')).text;
    expect(metrics).toMatch(/herald_audit_events_stored_total\{service="audit"\} 80/);
  });
});

/**
 * Declared metrics, replays, lateness and the API (built app, real Kafka, registry and
 * PostgreSQL): a metrics file naming a field its pinned version lacks stops the boot with the
 * file's line; events written in v1 and v2 aggregate through each metric's reader version; a
 * replayed event (same id, as `herald replay` writes it) is not counted again; an event older
 * than the lateness bound lands in the late series; latency percentiles cover the counted
 * events; bad parameters get 4xx problem+json.
 */
import {
  databaseUrlFor,
  dropTestDatabase,
  startTestRegistry,
  testKafka,
  uniqueIdentifier,
  uniqueName,
  type TestRegistry,
} from '@app/testing';
import {
  aroundNow,
  countedInDatabase,
  countTotal,
  expectedSums,
  failedBoot,
  metricSums,
  metricsFile,
  payment,
  PaymentTopic,
  startAnalytics,
  waitFor,
  type AnalyticsProcess,
  type LatencyBody,
  type MetricsBody,
  type ProblemBody,
} from './analytics-kit';

jest.setTimeout(120_000);

const METRICS = (type: string) => `
metrics:
  - name: paid_total
    description: amounts by currency, read as v1
    type: ${type}
    version: 1
    aggregate: sum
    field: amount_minor
    groupBy: [currency]
  - name: fee_avg
    type: ${type}
    version: 2
    aggregate: avg
    field: fee_minor
  - name: paid_max
    type: ${type}
    version: 2
    aggregate: max
    field: amount_minor
`;

describe('analytics declared metrics and API (built app, real Kafka, registry and PostgreSQL)', () => {
  let registry: TestRegistry;
  let topic: PaymentTopic;
  let app: AnalyticsProcess;
  let env: Record<string, string>;
  const group = uniqueName('analytics-metrics');
  const database = uniqueIdentifier('analytics_metrics');

  beforeAll(async () => {
    registry = await startTestRegistry();
    topic = new PaymentTopic(registry.url);
    await topic.create(3);
    env = {
      DATABASE_URL: databaseUrlFor(database),
      SCHEMA_REGISTRY_URL: registry.url,
      ANALYTICS_GROUP_ID: group,
      ANALYTICS_TOPIC_PATTERN: topic.pattern,
      ANALYTICS_METRICS_FILE: await metricsFile(METRICS(topic.type)),
      // Ten minutes: the test's late event is two hours old.
      ANALYTICS_LATENESS_MS: '600000',
    };
    app = await startAnalytics(env);
  });

  afterAll(async () => {
    await app?.stop();
    await topic?.remove([group]);
    await registry?.stop();
    if (registry !== undefined) {
      const admin = testKafka().admin();
      await admin.connect();
      await admin.deleteTopics({ topics: [registry.topic] }).finally(() => admin.disconnect());
    }
    await dropTestDatabase(database);
  });

  it('refuses to boot on a field its pinned version does not have, or that is not numeric, naming the line', async () => {
    const file = await metricsFile(`metrics:
  - name: fee_total
    type: ${topic.type}
    version: 1
    aggregate: sum
    field: fee_minor
  - name: currency_sum
    type: ${topic.type}
    version: 2
    aggregate: sum
    field: currency
`);
    const { code, stderr } = await failedBoot({
      ...env,
      ANALYTICS_METRICS_FILE: file,
      ANALYTICS_GROUP_ID: uniqueName('analytics-bad'),
    });
    expect(code).toBe(1);
    expect(stderr).toContain(`${file}:6:5: field "fee_minor" does not exist in version 1 of ${topic.type}`);
    expect(stderr).toContain(
      `${file}:11:5: field "currency" of version 2 of ${topic.type} is of type "string", not numeric`,
    );
  });

  it('aggregates v1 and v2 events through each reader version, once each, with late events apart', async () => {
    const v1 = await topic.produce(300, 1);
    const v2 = await topic.produce(300, 2);
    // A replayed dead letter: the same id and bytes again, with the header herald replay adds.
    const again = topic.message(2, payment(9_999), 'replayed-event-id');
    await topic.send([again]);
    await topic.send([{ ...again, headers: { ...again.headers, herald_replayed_from: 'x.dlq.other/0/0' } }]);
    const late = topic.message(1, { amount: 5n, currency: 'EUR' }, 'late-event-id');
    late.headers = { ...late.headers, ce_time: new Date(Date.now() - 2 * 3_600_000).toISOString() };
    await topic.send([late]);
    await waitFor(async () => (await countedInDatabase(env['DATABASE_URL']!)) >= 602, {
      timeoutMs: 60_000,
      description: 'the 602 distinct events to be counted',
    });
    await waitFor(async () => (await app.get('/v1/lag')).status === 200, { timeoutMs: 10_000 });

    expect(await countTotal(app, topic.type)).toBe(601);
    const lateSeries = await app.get(`/v1/stats?type=${topic.type}&late=true&${aroundNow()}`);
    expect(lateSeries.body).toMatchObject({
      type: topic.type,
      metric: 'count',
      interval: 'hour',
      late: true,
    });
    expect(lateSeries.body.points.map((p) => p.value)).toEqual([1]);

    const all = [...v1, ...v2, payment(9_999)];
    // Stored: every distinct event, the late one (in its late bucket) included.
    expect(await metricSums(env['DATABASE_URL']!, 'paid_total')).toEqual(
      expectedSums([...all, { amount: 5n, currency: 'EUR' }]),
    );
    // Served by default: the on-time series.
    const sums = await app.get(`/v1/stats?metric=paid_total&${aroundNow()}`);
    expect(sums.body.metric).toBe('paid_total');
    const byCurrency = new Map<string, number>();
    for (const point of sums.body.points) {
      const currency = String(point.group?.['currency']);
      byCurrency.set(currency, (byCurrency.get(currency) ?? 0) + point.value);
    }
    expect(Object.fromEntries(byCurrency)).toEqual(
      Object.fromEntries(Object.entries(expectedSums(all)).map(([c, s]) => [c, Number(s)])),
    );
    const eur = await app.get(`/v1/stats?metric=paid_total&group=currency:EUR&${aroundNow()}`);
    expect(eur.body.points.every((p) => p.group?.['currency'] === 'EUR')).toBe(true);

    // v1 events read as v2 have no fee (the reader's default, null): the average is over v2 events only.
    const withFee = [...v2, payment(9_999)];
    const expectedAvg = withFee.reduce((s, p) => s + Number(p.fee), 0) / withFee.length;
    const avg = await app.get(`/v1/stats?metric=fee_avg&${aroundNow()}`);
    const points = avg.body.points;
    expect(points).toHaveLength(1);
    expect(points[0]!.value).toBeCloseTo(expectedAvg, 9);
    const max = await app.get(`/v1/stats?metric=paid_max&${aroundNow()}`);
    expect(max.body.points[0]?.value).toBe(Math.max(...all.map((p) => Number(p.amount))));

    const latency = await app.get<LatencyBody>(`/v1/latency?type=${topic.type}&${aroundNow()}`);
    expect(latency.status).toBe(200);
    expect(latency.body.types[0]).toMatchObject({ type: topic.type, count: 602 });
    expect(Object.keys(latency.body.types[0]?.quantiles ?? {})).toEqual(['p50', 'p90', 'p99']);
    const throughput = await app.get<{ types: unknown[] }>(`/v1/throughput?${aroundNow()}`);
    expect(throughput.body.types).toEqual([expect.objectContaining({ type: topic.type, total: 601 })]);
    const lag = await app.get<{ groups: Array<{ group: string }> }>('/v1/lag');
    expect(lag.body.groups.map((g) => g.group)).toContain(group);
  });

  it('lists the metrics and documents the API', async () => {
    const { body } = await app.get<MetricsBody>('/v1/metrics');
    expect(body.metrics.map((m) => `${m.name}:${m.state}`)).toEqual([
      'count:live',
      'paid_total:live',
      'fee_avg:live',
      'paid_max:live',
    ]);
    const docs = await app.get<{ paths: Record<string, unknown> }>('/docs-json');
    expect(Object.keys(docs.body.paths)).toEqual(
      expect.arrayContaining(['/v1/stats', '/v1/metrics', '/v1/latency', '/v1/lag', '/v1/throughput']),
    );
  });

  it.each([
    ['/v1/stats', 400, '/type'],
    ['/v1/stats?type=Not-A-Type', 400, '/type'],
    ['/v1/stats?type=a.b.c&interval=day', 400, '/interval'],
    ['/v1/stats?type=a.b.c&from=yesterday', 400, '/from'],
    ['/v1/stats?type=a.b.c&from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z', 400, '/from'],
    ['/v1/stats?type=a.b.c&from=2000-01-01T00:00:00Z&to=2026-01-01T00:00:00Z', 400, '/to'],
    ['/v1/stats?type=a.b.c&late=maybe', 400, '/late'],
    ['/v1/stats?type=a.b.c&type=d.e.f', 400, '/type'],
    ['/v1/stats?type=a.b.c&bogus=1', 400, '/bogus'],
    ['/v1/stats?type=a.b.c&group=currency:EUR', 400, '/group'],
    ['/v1/stats?metric=paid_total&group=nocolon', 400, '/group'],
    ['/v1/stats?metric=paid_total&group=country:DE', 400, '/group'],
    ['/v1/stats?metric=paid_total&type=a.b.c', 400, '/type'],
    ['/v1/stats?metric=nope', 404, '/metric'],
    ['/v1/metrics/nope', 404, '/metric'],
    ['/v1/latency?quantiles=2', 400, '/quantiles'],
    ['/v1/throughput?interval=week', 400, '/interval'],
    ['/v1/nope', 404, '/'],
    ['/v1/metrics/%E0%A4%A', 400, '/'],
  ])('GET %s answers %i problem+json at %s', async (path, status, pointer) => {
    const answer = await app.get<ProblemBody>(path);
    expect(answer.status).toBe(status);
    expect(answer.type).toContain('application/problem+json');
    expect(answer.body).toMatchObject({ status });
    expect(answer.body.errors.map((e) => e.path)).toContain(pointer);
  });
});

/**
 * Effectively once (built app, real Kafka, registry and PostgreSQL): 20,000 payments are produced
 * while the analytics app is killed with SIGKILL twice and restarted; the final counts and the
 * sums of a declared metric equal exactly what was published. And two instances sharing a group
 * and a database, one killed mid-stream, end with exact totals too.
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
  countedInDatabase,
  countTotal,
  expectedSums,
  metricSums,
  metricsFile,
  PaymentTopic,
  startAnalytics,
  waitFor,
  type AnalyticsProcess,
  type Payment,
} from './analytics-kit';

jest.setTimeout(240_000);

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const METRICS = (type: string) => `
metrics:
  - name: paid_total
    type: ${type}
    version: 1
    aggregate: sum
    field: amount_minor
    groupBy: [currency]
`;

describe('analytics counts every event once (built app, real Kafka, registry and PostgreSQL)', () => {
  let registry: TestRegistry;
  const topics: PaymentTopic[] = [];
  const groups: string[] = [];
  const databases: string[] = [];
  const apps: AnalyticsProcess[] = [];

  async function setUp(partitions: number) {
    const topic = new PaymentTopic(registry.url);
    topics.push(topic);
    await topic.create(partitions);
    const database = uniqueIdentifier('analytics_once');
    databases.push(database);
    const group = uniqueName('analytics-once');
    groups.push(group);
    const env = {
      DATABASE_URL: databaseUrlFor(database),
      SCHEMA_REGISTRY_URL: registry.url,
      ANALYTICS_GROUP_ID: group,
      ANALYTICS_TOPIC_PATTERN: topic.pattern,
      ANALYTICS_METRICS_FILE: await metricsFile(METRICS(topic.type)),
      ANALYTICS_SESSION_TIMEOUT_MS: '6000',
      ANALYTICS_LAG_GROUPS: `^${group}$`,
    };
    return { topic, env, databaseUrl: env.DATABASE_URL };
  }

  async function launch(env: Record<string, string>): Promise<AnalyticsProcess> {
    const app = await startAnalytics(env);
    apps.push(app);
    return app;
  }

  beforeAll(async () => {
    registry = await startTestRegistry();
  });

  afterAll(async () => {
    await Promise.all(apps.map((app) => app.stop()));
    for (const topic of topics) await topic.remove(groups);
    await registry?.stop();
    if (registry !== undefined) {
      const admin = testKafka().admin();
      await admin.connect();
      await admin.deleteTopics({ topics: [registry.topic] }).finally(() => admin.disconnect());
    }
    for (const database of databases) await dropTestDatabase(database);
  });

  it('counts and sums 20,000 events exactly across two kill -9s and foreign offset resets', async () => {
    const { topic, env, databaseUrl } = await setUp(4);
    let app = await launch(env);
    const produced: Payment[] = [];
    const rounds = 20;
    const producing = (async () => {
      for (let round = 0; round < rounds; round++) {
        produced.push(...(await topic.produce(20_000 / rounds)));
        await pause(400);
      }
    })();
    let productionDone = false;
    void producing.then(() => (productionDone = true)).catch(() => undefined);
    const killAfter = async (more: number) => {
      const from = await countedInDatabase(databaseUrl);
      await waitFor(async () => (await countedInDatabase(databaseUrl)) >= from + more, {
        timeoutMs: 60_000,
        intervalMs: 100,
        description: `analytics to count ${more} more events`,
      });
      // The kill lands while events are still being produced.
      expect(productionDone).toBe(false);
      await app.kill();
      app = await launch(env);
    };
    await killAfter(3_000);
    await killAfter(3_000);
    await producing;
    expect(produced).toHaveLength(20_000);
    await waitFor(async () => (await countedInDatabase(databaseUrl)) >= 20_000, {
      timeoutMs: 90_000,
      intervalMs: 250,
      description: 'analytics to count all 20,000 events',
    });
    // Stays exact once the backlog is consumed: nothing counted twice.
    await waitFor(
      async () => (await app.get<{ groups: Array<{ lag: number }> }>('/v1/lag')).body.groups[0]?.lag === 0,
      {
        timeoutMs: 30_000,
        description: 'the group to have no lag',
      },
    );
    expect(await countedInDatabase(databaseUrl)).toBe(20_000);
    expect(await countTotal(app, topic.type)).toBe(20_000);
    expect(await metricSums(databaseUrl, 'paid_total')).toEqual(expectedSums(produced));

    // Someone else moves the group's offsets while the app is down: past 500 new events, then
    // back to the beginning. The app resumes from its stored positions: nothing skipped or doubled.
    await app.stop();
    produced.push(...(await topic.produce(500)));
    const admin = testKafka().admin();
    await admin.connect();
    try {
      await admin.resetOffsets({ groupId: env.ANALYTICS_GROUP_ID, topic: topic.type, earliest: false });
      app = await launch(env);
      await waitFor(async () => (await countedInDatabase(databaseUrl)) >= 20_500, {
        timeoutMs: 60_000,
        description: 'the 500 events the group skipped to be counted',
      });
      await app.stop();
      await admin.resetOffsets({ groupId: env.ANALYTICS_GROUP_ID, topic: topic.type, earliest: true });
    } finally {
      await admin.disconnect();
    }
    app = await launch(env);
    await waitFor(
      async () => (await app.get<{ groups: Array<{ lag: number }> }>('/v1/lag')).body.groups[0]?.lag === 0,
      {
        timeoutMs: 30_000,
        description: 'the group to be back at the end',
      },
    );
    expect(await countedInDatabase(databaseUrl)).toBe(20_500);
    expect(await metricSums(databaseUrl, 'paid_total')).toEqual(expectedSums(produced));
  });

  it('ends with exact totals when one of two instances is killed mid-stream', async () => {
    const { topic, env, databaseUrl } = await setUp(6);
    const [first, second] = [await launch(env), await launch(env)];
    const produced: Payment[] = [];
    const producing = (async () => {
      for (let round = 0; round < 10; round++) {
        produced.push(...(await topic.produce(800)));
        await pause(300);
      }
    })();
    await waitFor(async () => (await countedInDatabase(databaseUrl)) >= 2_500, {
      timeoutMs: 60_000,
      intervalMs: 100,
      description: 'the two instances to count 2,500 events',
    });
    await first.kill();
    await producing;
    await waitFor(async () => (await countedInDatabase(databaseUrl)) >= 8_000, {
      timeoutMs: 90_000,
      intervalMs: 250,
      description: 'the remaining instance to count all 8,000 events',
    });
    expect(await countTotal(second, topic.type)).toBe(8_000);
    expect(await metricSums(databaseUrl, 'paid_total')).toEqual(expectedSums(produced));
  });
});

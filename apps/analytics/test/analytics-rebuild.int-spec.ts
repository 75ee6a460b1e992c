/**
 * Backfill (built app and CLI, real Kafka, registry and PostgreSQL): a metric added after events
 * were counted is computed from the topic's history. `herald analytics rebuild` while events keep
 * flowing, and the rebuild at boot (ANALYTICS_REBUILD_NEW_METRICS), both end with a metric equal,
 * point for point, to the same definition computed live from the start; before it is rebuilt the
 * new metric is not served (409), never wrong.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { projectRoot } from '@app/config';
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
  metricsFile,
  PaymentTopic,
  startAnalytics,
  waitFor,
  type AnalyticsProcess,
  type MetricsBody,
  type StatsBody,
} from './analytics-kit';

jest.setTimeout(180_000);

const metric = (name: string, type: string) => `
  - name: ${name}
    type: ${type}
    version: 1
    aggregate: sum
    field: amount_minor
    groupBy: [currency]`;

function runCli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [join(projectRoot(), 'bin', 'herald.js'), ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stdout, stderr })));
}

describe('analytics rebuild of a new metric (built app and CLI, real Kafka, registry and PostgreSQL)', () => {
  let registry: TestRegistry;
  let topic: PaymentTopic;
  const apps: AnalyticsProcess[] = [];
  const group = uniqueName('analytics-rebuild');
  const database = uniqueIdentifier('analytics_rebuild');

  beforeAll(async () => {
    registry = await startTestRegistry();
    topic = new PaymentTopic(registry.url);
    await topic.create(3);
  });

  afterAll(async () => {
    await Promise.all(apps.map((app) => app.stop()));
    await topic?.remove([group]);
    await registry?.stop();
    if (registry !== undefined) {
      const admin = testKafka().admin();
      await admin.connect();
      await admin.deleteTopics({ topics: [registry.topic] }).finally(() => admin.disconnect());
    }
    await dropTestDatabase(database);
  });

  async function launch(names: string[], rebuildAtBoot: boolean): Promise<AnalyticsProcess> {
    const file = await metricsFile(`metrics:${names.map((n) => metric(n, topic.type)).join('')}\n`);
    const app = await startAnalytics({
      DATABASE_URL: databaseUrlFor(database),
      SCHEMA_REGISTRY_URL: registry.url,
      ANALYTICS_GROUP_ID: group,
      ANALYTICS_TOPIC_PATTERN: topic.pattern,
      ANALYTICS_METRICS_FILE: file,
      ANALYTICS_REBUILD_NEW_METRICS: String(rebuildAtBoot),
    });
    apps.push(app);
    return app;
  }

  const series = async (app: AnalyticsProcess, name: string) =>
    (
      await app.get<StatsBody>(
        `/v1/stats?metric=${name}&${aroundNow().replace('interval=hour', 'interval=minute')}`,
      )
    ).body.points;

  const counted = (n: number) =>
    waitFor(async () => (await countedInDatabase(databaseUrlFor(database))) >= n, {
      timeoutMs: 60_000,
      description: `${n} events to be counted`,
    });

  it('rebuilds through the CLI while events flow, and at boot, to exactly the live metric', async () => {
    let app = await launch(['paid_live'], false);
    await topic.produce(1_500, 1);
    await topic.produce(1_500, 2);
    await counted(3_000);
    await app.stop();

    app = await launch(['paid_live', 'paid_cli', 'paid_boot'], false);
    const before = await app.get<MetricsBody>('/v1/metrics');
    expect(before.body.metrics.map((m) => `${m.name}:${m.state}`)).toEqual([
      'count:live',
      'paid_live:live',
      'paid_cli:pending',
      'paid_boot:pending',
    ]);
    expect((await app.get(`/v1/stats?metric=paid_cli`)).status).toBe(409);

    const producing = topic.produce(2_000, 2);
    const cli = await runCli(['analytics', 'rebuild', 'paid_cli', '--url', app.url]);
    await producing;
    expect(cli).toMatchObject({ code: 0, stdout: 'paid_cli: rebuilt and live\n' });
    // It read the history counted before: at least the 3,000 first records, with progress shown.
    const progress = /paid_cli: rebuilding, [\d,]+ of ([\d,]+) records/.exec(cli.stderr);
    expect(Number(progress?.[1]?.replace(/,/g, ''))).toBeGreaterThanOrEqual(3_000);
    await counted(5_000);
    expect(await series(app, 'paid_cli')).toEqual(await series(app, 'paid_live'));
    expect((await series(app, 'paid_live')).length).toBeGreaterThan(0);
    await app.stop();

    app = await launch(['paid_live', 'paid_cli', 'paid_boot'], true);
    await waitFor(
      async () =>
        (await app.get<MetricsBody>('/v1/metrics')).body.metrics.find((m) => m.name === 'paid_boot')
          ?.state === 'live',
      { timeoutMs: 60_000, description: 'the boot-time rebuild to finish' },
    );
    await topic.produce(300, 1);
    await counted(5_300);
    const live = await series(app, 'paid_live');
    expect(await series(app, 'paid_boot')).toEqual(live);
    expect(await series(app, 'paid_cli')).toEqual(live);
  });
});

/**
 * The dashboard's webhook delivery panel against a real webhooks app (built, real Kafka,
 * registry and PostgreSQL): an endpoint on a loopback receiver gets the test's events, and the
 * analytics server's token-free summary, then the page in headless Chromium, show that endpoint
 * and its deliveries with a 100 % success rate; the admin token appears in no answer the browser
 * gets and in no request it makes. Needs `npm run build` and /usr/bin/chromium.
 */
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { projectRoot } from '@app/config';
import {
  databaseUrlFor,
  dropTestDatabase,
  launchChromium,
  startTestRegistry,
  testKafka,
  uniqueIdentifier,
  uniqueName,
  waitFor,
  WatchedPage,
  type TestRegistry,
} from '@app/testing';
import { PAYMENT_V1, PAYMENT_V2, PaymentTopic, startAnalytics, type AnalyticsProcess } from './analytics-kit';
import { CountingReceiver, startWebhooksApp, WEBHOOKS_ADMIN_TOKEN, type AppProcess } from './dashboard-kit';

jest.setTimeout(180_000);

const EVENTS = 40;

interface Summary {
  available: boolean;
  reason?: string;
  endpoints?: number;
  enabledEndpoints?: number;
  successRate?: number | null;
  attemptsLast24h?: number;
  deliveries?: { delivered: number; pending: number; failed: number };
}

describe('the dashboard with a running webhooks app', () => {
  let registry: TestRegistry;
  let topic: PaymentTopic;
  let webhooks: AppProcess;
  let app: AnalyticsProcess;
  let browser: Browser;
  const receiver = new CountingReceiver();
  const group = uniqueName('analytics-dashboard-wh');
  const webhooksGroup = uniqueName('webhooks-dashboard');
  const database = uniqueIdentifier('analytics_dashboard_wh');

  beforeAll(async () => {
    registry = await startTestRegistry();
    topic = new PaymentTopic(registry.url);
    await topic.create(2);
    await receiver.start();
    webhooks = await startWebhooksApp(
      registry.url,
      [
        {
          type: topic.type,
          description: 'Payments.',
          owner: 'payments-team',
          versions: { 1: PAYMENT_V1, 2: PAYMENT_V2 },
        },
      ],
      topic.pattern,
      webhooksGroup,
    );
    const created = await fetch(`${webhooks.url}/v1/endpoints`, {
      method: 'POST',
      headers: { authorization: `Bearer ${WEBHOOKS_ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        url: receiver.url,
        types: [`${topic.domain}.*`],
        description: 'dashboard test',
      }),
    });
    expect(`${created.status} ${await created.text()}`).toMatch(/^201 /);
    await topic.produce(EVENTS);
    await waitFor(() => receiver.received >= EVENTS, { timeoutMs: 60_000, description: 'the deliveries' });
    app = await startAnalytics({
      DATABASE_URL: databaseUrlFor(database),
      SCHEMA_REGISTRY_URL: registry.url,
      ANALYTICS_GROUP_ID: group,
      ANALYTICS_TOPIC_PATTERN: topic.pattern,
      ANALYTICS_METRICS_FILE: '',
      ANALYTICS_LAG_GROUPS: `^${group}$`,
      GATEWAY_URL: '',
      WEBHOOKS_URL: webhooks.url,
      WEBHOOKS_ADMIN_TOKEN,
    });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    await webhooks?.close();
    await receiver.stop();
    await topic?.remove([group, webhooksGroup]);
    await registry?.stop();
    if (registry !== undefined) {
      const admin = testKafka().admin();
      await admin.connect();
      await admin.deleteTopics({ topics: [registry.topic] }).finally(() => admin.disconnect());
    }
    await dropTestDatabase(database);
  });

  it('summarises the deliveries without the token, and the page shows them', async () => {
    const summary = await waitFor(
      async () => {
        const { body } = await app.get<Summary>('/v1/webhooks-summary');
        return body.deliveries?.delivered === EVENTS && body;
      },
      { timeoutMs: 30_000, description: 'the summary to count every delivery' },
    );
    expect(summary).toMatchObject({
      available: true,
      endpoints: 1,
      enabledEndpoints: 1,
      successRate: 1,
      attemptsLast24h: EVENTS,
      deliveries: { delivered: EVENTS, pending: 0, failed: 0 },
    });
    expect(JSON.stringify(summary)).not.toContain(WEBHOOKS_ADMIN_TOKEN);
    expect(JSON.stringify(summary)).not.toContain(receiver.url);

    const watched = await WatchedPage.open(browser, join(projectRoot(), 'test-artifacts', 'analytics'));
    const answers: string[] = [];
    const headers: string[] = [];
    watched.page.on('request', (request) => headers.push(JSON.stringify(request.headers())));
    watched.page.on(
      'response',
      (response) =>
        void response.text().then(
          (t) => answers.push(t),
          () => undefined,
        ),
    );
    await watched.page.goto(`${app.url}/`);
    const panel = watched.page.locator('#webhooks-body');
    await waitFor(async () => (await panel.textContent())?.includes('100.0 %'), {
      timeoutMs: 30_000,
      description: 'the delivery panel to show the success rate',
    });
    const text = (await panel.textContent()) ?? '';
    expect(text).toContain(`${EVENTS} delivered, 0 pending, 0 failed`);
    expect(text).toContain('1 enabled of 1');
    await watched.screenshot('dashboard-webhooks');
    expect(answers.length).toBeGreaterThan(0);
    for (const answer of answers) expect(answer).not.toContain(WEBHOOKS_ADMIN_TOKEN);
    for (const header of headers) expect(header).not.toContain(WEBHOOKS_ADMIN_TOKEN);
    expect(watched.problems).toEqual([]);
    await watched.close();
  });
});

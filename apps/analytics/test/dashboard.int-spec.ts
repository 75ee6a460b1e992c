/**
 * The analytics dashboard (`GET /`), end to end in headless Chromium against the built app on
 * real Kafka, registry and PostgreSQL, with a real gateway serving the event catalog: a stream
 * with known counts (two event types, v1 and v2 events) is counted, and the page shows exactly
 * those numbers (throughput per type, a grouped sum metric, latency counts), follows new events
 * without a reload, lists the catalog with its owner-written text as text, shows webhooks as
 * unavailable when no webhooks app is configured, is usable with the keyboard, passes axe's WCAG
 * A/AA rules, and does all that without a console error, an uncaught exception or a policy
 * violation. Screenshots go to test-artifacts/analytics/. Needs `npm run build` and /usr/bin/chromium.
 */
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
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
import {
  countTotal,
  expectedSums,
  metricsFile,
  PAYMENT_V1,
  PAYMENT_V2,
  PaymentTopic,
  startAnalytics,
  type AnalyticsProcess,
  type Payment,
} from './analytics-kit';
import { startCatalogGateway, type AppProcess } from './dashboard-kit';

jest.setTimeout(180_000);

const ARTIFACTS = join(projectRoot(), 'test-artifacts', 'analytics');
const MARKUP_DOC = 'Captured payments <b>bold</b> & "quoted" <img src=x onerror="window.__owned=1">';

const METRICS = (a: string, b: string) => `
metrics:
  - name: paid_total
    description: Captured amount per currency, read as v1 <i>(minor units)</i>
    type: ${a}
    version: 1
    aggregate: sum
    field: amount_minor
    groupBy: [currency]
  - name: refunds_by_currency
    type: ${b}
    version: 1
    aggregate: count
    groupBy: [currency]
`;

/** The rows of a table of the page, as the text of each cell. */
function rows(page: Page, selector: string): Promise<string[][]> {
  const rowsSelector = JSON.stringify(`${selector} tbody tr`);
  return page.evaluate<string[][]>(
    `Array.from(document.querySelectorAll(${rowsSelector}), (tr) => Array.from(tr.cells, (cell) => cell.textContent ?? ''))`,
  );
}

const number = (text: string | undefined): number => Number((text ?? '').replace(/,/g, ''));

/** Waits until the page's table `selector` has a row starting with `first` whose column `column` reads `value`. */
async function tableShows(
  page: Page,
  selector: string,
  first: string,
  column: number,
  value: number,
): Promise<void> {
  await waitFor(
    async () => {
      const row = (await rows(page, selector)).find((cells) => cells[0] === first);
      return row !== undefined && number(row[column]) === value;
    },
    { timeoutMs: 30_000, intervalMs: 250, description: `${selector} to show ${value} for ${first}` },
  );
}

describe('the analytics dashboard in headless Chromium', () => {
  let registry: TestRegistry;
  let gateway: AppProcess;
  let app: AnalyticsProcess;
  let browser: Browser;
  let watched: WatchedPage;
  let a: PaymentTopic;
  let b: PaymentTopic;
  const paymentsA: Payment[] = [];
  const group = uniqueName('analytics-dashboard');
  const database = uniqueIdentifier('analytics_dashboard');

  beforeAll(async () => {
    registry = await startTestRegistry();
    a = new PaymentTopic(registry.url);
    b = new PaymentTopic(registry.url);
    await a.create(3);
    await b.create(2);
    gateway = await startCatalogGateway(registry.url, [
      {
        type: a.type,
        description: MARKUP_DOC,
        owner: 'payments-team',
        versions: { 1: PAYMENT_V1, 2: PAYMENT_V2 },
      },
      { type: b.type, description: 'Refunds.', owner: 'refunds-team', versions: { 1: PAYMENT_V1 } },
    ]);
    app = await startAnalytics({
      DATABASE_URL: databaseUrlFor(database),
      SCHEMA_REGISTRY_URL: registry.url,
      ANALYTICS_GROUP_ID: group,
      ANALYTICS_TOPIC_PATTERN: `^(${a.domain}|${b.domain})\\.`,
      ANALYTICS_METRICS_FILE: await metricsFile(METRICS(a.type, b.type)),
      ANALYTICS_LAG_GROUPS: `^${group}$`,
      GATEWAY_URL: gateway.url,
      WEBHOOKS_URL: '',
    });
    paymentsA.push(...(await a.produce(600, 1)), ...(await a.produce(600, 2)));
    await b.produce(450, 1);
    await waitFor(
      async () => (await countTotal(app, a.type)) === 1_200 && (await countTotal(app, b.type)) === 450,
      {
        timeoutMs: 60_000,
        description: 'the test stream to be counted',
      },
    );
    browser = await launchChromium();
    watched = await WatchedPage.open(browser, ARTIFACTS);
  });

  afterAll(async () => {
    await watched?.close();
    await browser?.close();
    await app?.stop();
    await gateway?.close();
    await a?.remove([group]);
    await b?.remove([group]);
    await registry?.stop();
    if (registry !== undefined) {
      const admin = testKafka().admin();
      await admin.connect();
      await admin.deleteTopics({ topics: [registry.topic] }).finally(() => admin.disconnect());
    }
    await dropTestDatabase(database);
  });

  it('shows the real numbers of the stream, the catalog as text, webhooks unavailable, and follows new events live', async () => {
    const { page } = watched;
    const response = await page.goto(`${app.url}/`);
    expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");

    await tableShows(page, '#throughput-table', a.type, 1, 1_200);
    await tableShows(page, '#throughput-table', b.type, 1, 450);

    const sums = expectedSums(paymentsA);
    for (const [currency, sum] of Object.entries(sums)) {
      await tableShows(page, '#metric-paid_total-table', `currency = ${currency}`, 1, Number(sum));
    }
    const refunds = (await rows(page, '#metric-refunds_by_currency-table')).reduce(
      (s, r) => s + number(r[1]),
      0,
    );
    expect(refunds).toBe(450);

    await tableShows(page, '#latency-table', a.type, 1, 1_200);
    await waitFor(async () => (await rows(page, '#lag-table')).some((r) => r[0] === group), {
      timeoutMs: 30_000,
      description: 'the lag table to list the analytics group',
    });
    expect(await page.locator('#webhooks-body').textContent()).toContain(
      'Unavailable: WEBHOOKS_URL is empty',
    );

    const catalog = page.locator('#catalog-body');
    await waitFor(async () => (await catalog.textContent())?.includes(b.type), {
      timeoutMs: 30_000,
      description: 'the catalog to list the types',
    });
    const catalogText = (await catalog.textContent()) ?? '';
    expect(catalogText).toContain(a.type);
    expect(catalogText).toContain(MARKUP_DOC);
    expect(catalogText).toContain('payments-team');
    expect(await page.locator('#catalog-body b, #catalog-body img, #metrics-body i').count()).toBe(0);
    expect(await page.evaluate<unknown>('window.__owned')).toBeUndefined();
    // fee_minor is only in v2 of the first type: its table is there, with the type as text.
    const fields = await rows(page, '#catalog-body table');
    expect(fields).toContainEqual(['fee_minor', 'null | long', 'yes', '']);
    expect(fields).toContainEqual(['amount_minor', 'long', 'no', '']);
    await watched.screenshot('dashboard');

    // Live: new events appear without a reload.
    await b.produce(150, 1);
    await tableShows(page, '#throughput-table', b.type, 1, 600);

    expect(await watched.accessibilityViolations()).toEqual([]);
    expect(watched.problems).toEqual([]);
  });

  it('is usable with the keyboard: range, pause and the catalog disclosures', async () => {
    const { page } = watched;
    await page.goto(`${app.url}/`);
    await page.keyboard.press('Tab');
    expect(await page.evaluate<unknown>('document.activeElement?.id')).toBe('range');
    await page.keyboard.press('Tab');
    expect(await page.evaluate<unknown>('document.activeElement?.id')).toBe('live');
    await page.keyboard.press('Enter');
    expect(await page.locator('#live').getAttribute('aria-pressed')).toBe('false');
    expect(await page.locator('#status').textContent()).toBe('Live updates paused.');
    await page.keyboard.press('Enter');
    expect(await page.locator('#live').getAttribute('aria-pressed')).toBe('true');

    await page.locator('#range').focus();
    await page.keyboard.press('ArrowDown'); // the last 24 hours, per hour
    await page.keyboard.press('Tab');
    await waitFor(
      async () => (await page.locator('#throughput-table th').allTextContents()).includes('Latest hour'),
      { timeoutMs: 30_000, description: 'the throughput table to show hours' },
    );
    await tableShows(page, '#throughput-table', a.type, 1, 1_200);
    expect((await rows(page, '#throughput-table')).length).toBe(2);

    const summary = page.locator('#catalog-body summary', { hasText: a.type });
    await summary.waitFor();
    await summary.focus();
    await page.keyboard.press('Enter');
    expect(await page.locator('#catalog-body details.event-type[open]').count()).toBe(1);
    await watched.screenshot('dashboard-keyboard-day-catalog-open');
    expect(watched.problems).toEqual([]);
  });
});
